package bargein

import (
	"math"
	"math/rand/v2"
	"testing"
)

// voicingPeak is the peak normalised autocorrelation by its definition:
// the cosine transform of bins 1..32 at every lag of the pitch range,
// divided by the window's own autocorrelation, over bins 1..32 summed.
func voicingPeak(p *[numBins]float32) float64 {
	var w0 float64
	for _, w := range tables.window {
		w0 += float64(w) * float64(w)
	}
	var r0 float64
	for k := 1; k < voicingBins; k++ {
		r0 += float64(p[k])
	}
	best := 0.0
	for lag := minLag; lag <= maxLag; lag++ {
		var r, rw float64
		for k := 1; k < voicingBins; k++ {
			r += float64(p[k]) * math.Cos(2*math.Pi*float64(k*lag)/fftSize)
		}
		for n := 0; n+lag < fftSize; n++ {
			rw += float64(tables.window[n]) * float64(tables.window[n+lag])
		}
		best = max(best, r/(rw/w0))
	}
	return best / r0
}

// isVoiced pairs lags and stops early; it must still answer as the
// definition does, on voiced spectra (harmonics of every pitch in range)
// and on noise.
func TestIsVoicedMatchesDefinition(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	var spectra [][numBins]float32
	for f0 := 80.0; f0 <= 400; f0 += 7 {
		var p [numBins]float32
		for h := f0; h < 1000; h += f0 {
			k := h * fftSize / SampleRate
			for b := max(0, int(k)-2); b <= int(k)+2 && b < numBins; b++ {
				d := float64(b) - k
				p[b] += float32(1e8 * math.Exp(-d*d))
			}
		}
		spectra = append(spectra, p)
	}
	for range 100 {
		var p [numBins]float32
		for k := range p {
			p[k] = float32(rng.ExpFloat64() * 1e6)
		}
		spectra = append(spectra, p)
	}
	voiced := 0
	for n, p := range spectra {
		peak := voicingPeak(&p)
		if peak >= 0.75 {
			voiced++
		}
		for _, thr := range []float64{peak - 0.01, peak + 0.01, 0.75} {
			if math.Abs(thr-peak) < 1e-3 {
				continue // too close to call in float32
			}
			if got, want := isVoiced(&p, float32(thr)), peak >= thr; got != want {
				t.Fatalf("spectrum %d: peak %.4f, isVoiced at %.4f = %v", n, peak, thr, got)
			}
		}
	}
	if voiced == 0 || voiced == len(spectra) {
		t.Fatalf("%d of %d spectra voiced at 0.75: the cases do not cover both answers", voiced, len(spectra))
	}
}

// BenchmarkIsVoiced is the worst case: a noise spectrum, so that every lag
// is searched.
func BenchmarkIsVoiced(b *testing.B) {
	rng := rand.New(rand.NewPCG(9, 10))
	var p [numBins]float32
	for k := range p {
		p[k] = float32(rng.ExpFloat64() * 1e6)
	}
	if isVoiced(&p, 0.75) {
		b.Fatal("noise spectrum counted as voiced")
	}
	b.ReportAllocs()
	reportCPU(b, func() {
		for b.Loop() {
			isVoiced(&p, 0.75)
		}
	})
}
