package bargein

import "math"

// Periodicity search range: lags of 20-100 samples are fundamentals of
// 400-80 Hz, the pitch range of adult voices.
const (
	minLag      = 20
	maxLag      = 100
	voicingBins = 33 // bins 0..32 cover 0-1 kHz, where a voice's low harmonics lie
	// cos(2πk(N/2-L)/N) = (-1)^k·cos(2πkL/N): lags L and N/2-L share their
	// cosines up to sign, so the lags minLag..N/4 cover the whole range.
	pairLag   = halfSize / 2
	pairLags  = pairLag - minLag + 1
	lagGroups = (pairLags + 7) / 8 // the vector version takes eight lags at a time
)

// voicingTables holds the cosines that turn the low band of the power
// spectrum into an autocorrelation, bin by bin (bins 1..32) for each lag up
// to pairLag (padded with zeros to whole groups of eight), and for every lag
// the inverse of the analysis window's own autocorrelation, which biases
// it. Read-only after construction.
type voicingTables struct {
	cos       [voicingBins - 1][lagGroups * 8]float32
	invWindow [maxLag - minLag + 1]float32
}

var voicingTab = newVoicingTables()

func newVoicingTables() *voicingTables {
	t := &voicingTables{}
	var w0 float64
	for n := 0; n < fftSize; n++ {
		w := float64(tables.window[n])
		w0 += w * w
	}
	for k := 1; k < voicingBins; k++ {
		for i := range pairLags {
			t.cos[k-1][i] = float32(math.Cos(2 * math.Pi * float64(k*(minLag+i)) / fftSize))
		}
	}
	for i := range t.invWindow {
		lag := minLag + i
		var r float64
		for n := 0; n+lag < fftSize; n++ {
			r += float64(tables.window[n]) * float64(tables.window[n+lag])
		}
		t.invWindow[i] = float32(w0 / r)
	}
	return t
}

// isVoiced reports whether the peak normalised autocorrelation of the 0-1
// kHz part of the block's power spectrum over the pitch lags reaches
// threshold (> 0). The autocorrelation is the cosine transform of the power
// spectrum (Wiener-Khinchin), corrected for the taper of the window. Voiced
// speech scores near 1; broadband noise, clicks and high-pitched ringing
// score low.
func isVoiced(power *[numBins]float32, threshold float32) bool {
	p := (*[voicingBins - 1]float32)(power[1:voicingBins])
	var r0 float32
	for _, x := range p {
		r0 += x
	}
	if r0 <= 0 {
		return false
	}
	var odd, even [lagGroups * 8]float32
	voicingSums(p, &voicingTab.cos, &odd, &even)
	inv := &voicingTab.invWindow
	goal := threshold * r0
	for i := range pairLags {
		if (even[i]+odd[i])*inv[i] >= goal {
			return true
		}
		// Odd bins change sign at the paired lag, even bins do not.
		if pair := halfSize - minLag - i; pair <= maxLag && (even[i]-odd[i])*inv[pair-minLag] >= goal {
			return true
		}
	}
	return false
}

// voicingSumsGeneric writes, for each lag row i below pairLags, the sums of
// p[k]·cos[k][i] over the odd bins (k even, as p starts at bin 1) and over
// the even bins. Two partial sums of each keep four additions in flight.
func voicingSumsGeneric(p *[voicingBins - 1]float32, cos *[voicingBins - 1][lagGroups * 8]float32, odd, even *[lagGroups * 8]float32) {
	for i := range pairLags {
		var odd1, even1, odd2, even2 float32
		for k := 0; k < len(p); k += 4 {
			odd1 += p[k] * cos[k][i]
			even1 += p[k+1] * cos[k+1][i]
			odd2 += p[k+2] * cos[k+2][i]
			even2 += p[k+3] * cos[k+3][i]
		}
		odd[i], even[i] = odd1+odd2, even1+even2
	}
}
