//go:build !purego

package bargein

import (
	"math"
	"math/rand/v2"
	"testing"
)

// spectrumInputs are windows the two spectra must agree on: noise at
// several levels, silence, full-scale square waves, every single impulse.
func spectrumInputs() [][fftSize]float32 {
	rng := rand.New(rand.NewPCG(5, 6))
	var xs [][fftSize]float32
	for _, rms := range []float64{1, 100, 3000, 30000} {
		for range 50 {
			var x [fftSize]float32
			for i := range x {
				x[i] = float32(rng.NormFloat64() * rms)
			}
			xs = append(xs, x)
		}
	}
	xs = append(xs, [fftSize]float32{})
	for _, period := range []int{2, 3, 16, 100} {
		var x [fftSize]float32
		for i := range x {
			x[i] = 32767
			if i/period%2 == 1 {
				x[i] = -32768
			}
		}
		xs = append(xs, x)
	}
	for i := range fftSize {
		var x [fftSize]float32
		x[i] = 20000
		xs = append(xs, x)
	}
	return xs
}

func TestPowerSpectrumAVX2MatchesGeneric(t *testing.T) {
	if !haveAVX2 {
		t.Skip("this CPU has no AVX2; powerSpectrum runs the Go version")
	}
	for n, x := range spectrumInputs() {
		var r1, i1, r2, i2 [halfSize]float32
		var p1, p2 [numBins]float32
		powerSpectrumGeneric(&x, &r1, &i1, &p1)
		powerSpectrumAVX2(&x, &r2, &i2, &p2)
		var peak float64
		for _, p := range p1 {
			peak = max(peak, float64(p))
		}
		same := func(a, b float32, scale float64) bool {
			if !goFusesMultiplyAdd {
				return a == b
			}
			return math.Abs(float64(a)-float64(b)) <= 1e-6*scale
		}
		for k := range halfSize {
			q := tables.pos[k]
			if !same(r1[q], r2[k], math.Sqrt(peak)) || !same(i1[q], i2[k], math.Sqrt(peak)) {
				t.Fatalf("input %d: Z[%d] = %v%+vi in Go, %v%+vi in AVX2", n, k, r1[q], i1[q], r2[k], i2[k])
			}
		}
		for k := range p1 {
			if !same(p1[k], p2[k], peak) {
				t.Fatalf("input %d: bin %d = %v in Go, %v in AVX2", n, k, p1[k], p2[k])
			}
		}
	}
}
