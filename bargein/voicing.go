package bargein

import "math"

// Periodicity search range: lags of 20-100 samples are fundamentals of
// 400-80 Hz, the pitch range of adult voices.
const (
	minLag      = 20
	maxLag      = 100
	voicingBins = 33 // bins 0..32 cover 0-1 kHz, where a voice's low harmonics lie
)

// voicingTables holds, for each lag, the cosines that turn the low band of
// the power spectrum into an autocorrelation, and the autocorrelation of the
// analysis window that biases it. Read-only after construction.
type voicingTables struct {
	cos    [maxLag - minLag + 1][voicingBins]float32
	window [maxLag - minLag + 1]float32
}

var voicingTab = newVoicingTables()

func newVoicingTables() *voicingTables {
	t := &voicingTables{}
	var w0 float64
	for n := 0; n < fftSize; n++ {
		w := float64(tables.window[n])
		w0 += w * w
	}
	for i := range t.cos {
		lag := minLag + i
		for k := 0; k < voicingBins; k++ {
			t.cos[i][k] = float32(math.Cos(2 * math.Pi * float64(k*lag) / fftSize))
		}
		var r float64
		for n := 0; n+lag < fftSize; n++ {
			r += float64(tables.window[n]) * float64(tables.window[n+lag])
		}
		t.window[i] = float32(r / w0)
	}
	return t
}

// voicing returns the peak normalised autocorrelation of the 0-1 kHz part of
// the block's power spectrum over the pitch lags (Wiener-Khinchin: the
// autocorrelation is the cosine transform of the power spectrum), corrected
// for the taper of the window. Voiced speech scores near 1; broadband noise,
// clicks and high-pitched ringing score low.
func voicing(power *[numBins]float32) float64 {
	t := voicingTab
	var r0 float32
	for k := 1; k < voicingBins; k++ {
		r0 += power[k]
	}
	if r0 <= 0 {
		return 0
	}
	best := float32(0)
	for i := range t.cos {
		c := &t.cos[i]
		var r float32
		for k := 1; k < voicingBins; k++ {
			r += power[k] * c[k]
		}
		r /= t.window[i]
		if r > best {
			best = r
		}
	}
	return float64(best / r0)
}
