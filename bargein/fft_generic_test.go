package bargein

import (
	"math"
	"math/rand/v2"
	"testing"
)

// dftPower is |X[k]|² of the Hann-windowed x by the definition.
func dftPower(x *[fftSize]float32) [numBins]float64 {
	var p [numBins]float64
	for k := range p {
		var sr, si float64
		for n := range fftSize {
			w := float64(tables.window[n]) * float64(x[n])
			a := -2 * math.Pi * float64(k*n) / fftSize
			sr += w * math.Cos(a)
			si += w * math.Sin(a)
		}
		p[k] = sr*sr + si*si
	}
	return p
}

// The plain Go spectrum is tested on its own too, since powerSpectrum runs
// the vector one where it can.
func TestPowerSpectrumGenericMatchesDFT(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for trial := range 20 {
		var x [fftSize]float32
		for i := range x {
			x[i] = float32(rng.NormFloat64() * 3000)
		}
		if trial == 0 {
			x = [fftSize]float32{100: 30000} // an impulse: a flat spectrum
		}
		var re, im [halfSize]float32
		var got [numBins]float32
		powerSpectrumGeneric(&x, &re, &im, &got)
		want := dftPower(&x)
		for k := range got {
			if d := math.Abs(float64(got[k]) - want[k]); d > 1e-3*want[k]+1 {
				t.Fatalf("trial %d bin %d: got %g, want %g", trial, k, got[k], want[k])
			}
		}
	}
}

func BenchmarkPowerSpectrumGeneric(b *testing.B) { benchSpectrum(b, powerSpectrumGeneric) }
