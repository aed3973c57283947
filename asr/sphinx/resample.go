package sphinx

import "math"

// The interpolation filter is a 65-tap Kaiser-windowed sinc with its cut-off
// at the 8 kHz signal's Nyquist frequency (a quarter of the 16 kHz output
// rate). Being half-band, every second tap is zero: the even output phase is
// the input delayed by upsampleDelay samples and only the odd phase needs a
// 32-tap dot product.
const (
	upsampleTaps  = 32
	upsampleDelay = upsampleTaps / 2
	kaiserBeta    = 8.0
)

// upsampleOddPhase holds the odd-phase taps, already scaled by the
// interpolation gain of 2. It is computed once and never written again.
var upsampleOddPhase = designOddPhase()

func designOddPhase() [upsampleTaps]float32 {
	const length = 2*upsampleTaps + 1
	const centre = upsampleTaps
	var taps [upsampleTaps]float32
	for j := range taps {
		n := 2*j + 1
		t := float64(n - centre)
		// sinc for a cut-off of a quarter of the output rate, gain 2
		h := math.Sin(math.Pi*t/2) / (math.Pi * t / 2)
		r := 2*float64(n)/float64(length-1) - 1
		w := besselI0(kaiserBeta*math.Sqrt(1-r*r)) / besselI0(kaiserBeta)
		taps[j] = float32(h * w)
	}
	return taps
}

// besselI0 is the zeroth-order modified Bessel function of the first kind,
// by its power series (converges fast for the arguments used here).
func besselI0(x float64) float64 {
	sum, term := 1.0, 1.0
	for k := 1; k < 50; k++ {
		term *= (x / (2 * float64(k))) * (x / (2 * float64(k)))
		sum += term
		if term < sum*1e-12 {
			break
		}
	}
	return sum
}

// Upsampler doubles the sample rate of a 16-bit PCM stream (8 kHz to 16 kHz).
// It keeps the filter history between calls, so a stream may be fed in
// packets of any size. Not safe for concurrent use.
type Upsampler struct {
	// hist holds the last upsampleTaps inputs twice over, so the window
	// ending at any position is one contiguous slice.
	hist [2 * upsampleTaps]float32
	pos  int
}

// Reset clears the history for a new stream.
func (u *Upsampler) Reset() { *u = Upsampler{} }

// AppendTo appends the 2*len(src) output samples to dst and returns it; it
// allocates only when dst lacks capacity.
func (u *Upsampler) AppendTo(dst, src []int16) []int16 {
	for _, s := range src {
		v := float32(s)
		u.pos--
		if u.pos < 0 {
			u.pos = upsampleTaps - 1
		}
		u.hist[u.pos] = v
		u.hist[u.pos+upsampleTaps] = v
		// window[j] is x[m-j]
		window := u.hist[u.pos : u.pos+upsampleTaps]
		var acc float32
		for j, c := range upsampleOddPhase {
			acc += window[j] * c
		}
		dst = append(dst, int16(window[upsampleDelay]), clamp16(acc))
	}
	return dst
}

func clamp16(v float32) int16 {
	switch {
	case v >= math.MaxInt16:
		return math.MaxInt16
	case v <= math.MinInt16:
		return math.MinInt16
	case v >= 0:
		return int16(v + 0.5)
	default:
		return int16(v - 0.5)
	}
}
