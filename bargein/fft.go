package bargein

import "math"

// The VAD analyses a 32 ms window (256 samples at 8 kHz) every 10 ms: long
// enough to resolve the harmonics of a low male voice (31.25 Hz bins), short
// enough that an onset shows within one or two hops.
//
// Its power spectrum is the VAD's hot path. It packs the even and odd
// samples of the real window into one complex FFT of half the length, which
// halves the work of a real transform, and splits the result into the real
// spectrum. Two implementations do this with the same operations in the same
// order, so they give the same bits (unless the compiler fuses multiply-adds
// in the Go one, as it does for GOAMD64=v3): powerSpectrumGeneric in plain
// Go (fft_generic.go), and on amd64 with AVX2 a vector version eight lanes
// wide, four to five times faster (fft_amd64.s). The purego build tag leaves
// the assembly out.
const (
	fftSize  = 256
	halfSize = fftSize / 2 // complex FFT length used for the real transform
	numBins  = fftSize/2 + 1
)

// Rows of a radix-4 pass's twiddle table: row 2m-2 holds the real parts of
// W^{mj}, row 2m-1 the imaginary ones, indexed by j.
const (
	twR1 = iota
	twI1
	twR2
	twI2
	twR3
	twI3
	twRows
)

// spectrumTables holds the read-only tables of the real FFT. They are built
// once per process and never written afterwards, so sharing them between
// VADs is safe.
type spectrumTables struct {
	window [fftSize]float32 // periodic Hann
	// halfWindow is window/2: the transform runs on half the signal, which
	// spares the split its halvings and, being a power of two, changes no
	// rounding.
	halfWindow [fftSize]float32
	// The complex transform is a decimation in frequency: radix 4 over 128
	// points, radix 4 over 32, then an 8-point kernel. transformGeneric
	// leaves its output in digit-reversed order, which pos undoes when the
	// spectrum is read.
	tw128 [twRows][halfSize / 4]float32
	tw32  [twRows][32 / 4]float32
	pos   [halfSize]uint8 // pos[k] is where Z[k] lies after the transform
	// e^{-2πik/N}, used to split the packed transform into the real one.
	splitRe [halfSize]float32
	splitIm [halfSize]float32
}

var tables = newSpectrumTables()

func newSpectrumTables() *spectrumTables {
	t := &spectrumTables{}
	for i := range t.window {
		t.window[i] = float32(0.5 - 0.5*math.Cos(2*math.Pi*float64(i)/fftSize))
		t.halfWindow[i] = t.window[i] / 2
	}
	fill := func(size int, row func(int) []float32) {
		for m := 1; m <= 3; m++ {
			re, im := row(2*m-2), row(2*m-1)
			for j := range re {
				a := -2 * math.Pi * float64(m*j) / float64(size)
				re[j], im[j] = float32(math.Cos(a)), float32(math.Sin(a))
			}
		}
	}
	fill(halfSize, func(r int) []float32 { return t.tw128[r][:] })
	fill(32, func(r int) []float32 { return t.tw32[r][:] })
	// Position 32·a + 8·b + c holds Z[a + 4b + 16c]: the first radix-4 pass
	// sorts by k mod 4 into quarters, the second by (k/4) mod 4 into
	// eighths, and the 8-point kernel writes its outputs in natural order.
	for a := 0; a < 4; a++ {
		for b := 0; b < 4; b++ {
			for c := 0; c < 8; c++ {
				t.pos[a+4*b+16*c] = uint8(32*a + 8*b + c)
			}
		}
	}
	for k := range t.splitRe {
		a := -2 * math.Pi * float64(k) / fftSize
		t.splitRe[k] = float32(math.Cos(a))
		t.splitIm[k] = float32(math.Sin(a))
	}
	return t
}
