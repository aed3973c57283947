package bargein

import "math"

// The VAD analyses a 32 ms window (256 samples at 8 kHz) every 10 ms: long
// enough to resolve the harmonics of a low male voice (31.25 Hz bins), short
// enough that an onset shows within one or two hops.
const (
	fftSize  = 256
	halfSize = fftSize / 2 // complex FFT length used for the real transform
	numBins  = fftSize/2 + 1
)

// spectrumTables holds the read-only tables of the real FFT. They are built
// once per process and never written afterwards, so sharing them between
// VADs is safe.
type spectrumTables struct {
	window [fftSize]float32 // periodic Hann
	bitrev [halfSize]uint8  // bit-reversed index for the in-place FFT
	// Twiddles of every stage laid end to end: the stage that combines
	// blocks of size s uses entries s/2-1 .. s-2, so each inner loop walks a
	// contiguous slice.
	twRe    [halfSize - 1]float32
	twIm    [halfSize - 1]float32
	splitRe [halfSize]float32 // e^{-2πik/N} used to split the packed transform
	splitIm [halfSize]float32
}

var tables = newSpectrumTables()

func newSpectrumTables() *spectrumTables {
	t := &spectrumTables{}
	for i := range t.window {
		t.window[i] = float32(0.5 - 0.5*math.Cos(2*math.Pi*float64(i)/fftSize))
	}
	bits := 0
	for 1<<bits < halfSize {
		bits++
	}
	for i := range t.bitrev {
		r := 0
		for b := 0; b < bits; b++ {
			if i&(1<<b) != 0 {
				r |= 1 << (bits - 1 - b)
			}
		}
		t.bitrev[i] = uint8(r)
	}
	for size := 2; size <= halfSize; size <<= 1 {
		half := size / 2
		for k := 0; k < half; k++ {
			a := -2 * math.Pi * float64(k) / float64(size)
			t.twRe[half-1+k] = float32(math.Cos(a))
			t.twIm[half-1+k] = float32(math.Sin(a))
		}
	}
	for k := range t.splitRe {
		a := -2 * math.Pi * float64(k) / fftSize
		t.splitRe[k] = float32(math.Cos(a))
		t.splitIm[k] = float32(math.Sin(a))
	}
	return t
}

// powerSpectrum writes |X[k]|² for k = 0..fftSize/2 of the Hann-windowed
// real signal x. It packs the even and odd samples into one complex FFT of
// half the length, which halves the work of a real transform.
func powerSpectrum(x *[fftSize]float32, re, im *[halfSize]float32, power *[numBins]float32) {
	t := tables
	for n := 0; n < halfSize; n++ {
		j := t.bitrev[n]
		re[j] = x[2*n] * t.window[2*n]
		im[j] = x[2*n+1] * t.window[2*n+1]
	}
	// The first two stages need no multiplications (twiddles 1 and -i).
	for start := 0; start < halfSize; start += 4 {
		r, i := re[start:start+4:start+4], im[start:start+4:start+4]
		ar, ai := r[0]+r[1], i[0]+i[1]
		br, bi := r[0]-r[1], i[0]-i[1]
		cr, ci := r[2]+r[3], i[2]+i[3]
		dr, di := r[2]-r[3], i[2]-i[3]
		r[0], i[0] = ar+cr, ai+ci
		r[2], i[2] = ar-cr, ai-ci
		// (dr + i·di)·(-i) = di - i·dr
		r[1], i[1] = br+di, bi-dr
		r[3], i[3] = br-di, bi+dr
	}
	for size := 8; size <= halfSize; size <<= 1 {
		half := size >> 1
		wr, wi := t.twRe[half-1:size-1], t.twIm[half-1:size-1]
		for start := 0; start < halfSize; start += size {
			lr, li := re[start:start+half], im[start:start+half]
			hr, hi := re[start+half:start+size], im[start+half:start+size]
			lr, li, hr, hi = lr[:len(wr)], li[:len(wr)], hr[:len(wr)], hi[:len(wr)]
			for k := range wr {
				xr := hr[k]*wr[k] - hi[k]*wi[k]
				xi := hr[k]*wi[k] + hi[k]*wr[k]
				hr[k], hi[k] = lr[k]-xr, li[k]-xi
				lr[k], li[k] = lr[k]+xr, li[k]+xi
			}
		}
	}
	// Split Z = FFT(even + i·odd) into the spectrum of the real signal:
	// X[k] = (Z[k] + conj(Z[N/2-k]))/2 - i·e^{-2πik/N}·(Z[k] - conj(Z[N/2-k]))/2.
	power[0] = (re[0] + im[0]) * (re[0] + im[0])
	power[halfSize] = (re[0] - im[0]) * (re[0] - im[0])
	for k := 1; k < halfSize; k++ {
		zr, zi := re[k], im[k]
		cr, ci := re[halfSize-k], -im[halfSize-k]
		er, ei := (zr+cr)*0.5, (zi+ci)*0.5
		or, oi := (zr-cr)*0.5, (zi-ci)*0.5
		// multiply (or + i·oi) by -i·w, w = e^{-2πik/N}
		wr, wi := t.splitRe[k], t.splitIm[k]
		pr := or*wr - oi*wi
		pi := or*wi + oi*wr
		xr := er + pi
		xi := ei - pr
		power[k] = xr*xr + xi*xi
	}
}
