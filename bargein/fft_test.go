package bargein

import (
	"math"
	"math/rand/v2"
	"testing"
)

// The packed real FFT must agree with a direct DFT of the windowed signal.
func TestPowerSpectrumMatchesDFT(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var x [fftSize]float32
	for i := range x {
		x[i] = float32(rng.NormFloat64() * 1000)
	}
	var re, im [halfSize]float32
	var got [numBins]float32
	powerSpectrum(&x, &re, &im, &got)
	for k := 0; k < numBins; k++ {
		var sr, si float64
		for n := 0; n < fftSize; n++ {
			w := float64(tables.window[n]) * float64(x[n])
			a := -2 * math.Pi * float64(k*n) / fftSize
			sr += w * math.Cos(a)
			si += w * math.Sin(a)
		}
		want := sr*sr + si*si
		if d := math.Abs(float64(got[k]) - want); d > 1e-3*want+1 {
			t.Fatalf("bin %d: got %g, want %g", k, got[k], want)
		}
	}
}
