package eval

import (
	"math"
	"math/rand/v2"
)

// Trial is one mixture: noise, then a scaled utterance over the same noise,
// then noise again.
type Trial struct {
	Utterance string
	Noise     string
	SNR       float64
	PCM       []int16
	// Warmup is the number of leading samples that are not scored.
	Warmup int
	// Onset and Offset locate the speech in PCM, in samples.
	Onset, Offset int
}

// MixConfig shapes the trials.
type MixConfig struct {
	// WarmupSamples of noise come before the lead and are not scored: a
	// detector on a call has been listening since the call began, well
	// before a recognition starts.
	WarmupSamples             int
	LeadSamples, TrailSamples int
	// LevelDBov is the range of the speech active level, in dB below a
	// full-scale square wave; each trial draws one uniformly, so detectors
	// cannot rely on an absolute level.
	LevelMinDBov, LevelMaxDBov float64
}

// DefaultMixConfig: 1 s of warm-up, 1 s of noise either side of the
// utterance, speech at -32..-20 dBov (the range of a telephone line).
func DefaultMixConfig() MixConfig {
	return MixConfig{WarmupSamples: 8000, LeadSamples: 8000, TrailSamples: 8000, LevelMinDBov: -32, LevelMaxDBov: -20}
}

// Mix builds one trial. The noise is read from a random offset, wrapping
// around its recording, and scaled so that the speech active level over the
// noise RMS is snr dB.
func Mix(u Utterance, n Noise, snr float64, cfg MixConfig, rng *rand.Rand) Trial {
	lead := cfg.WarmupSamples + cfg.LeadSamples
	total := lead + len(u.PCM) + cfg.TrailSamples
	level := cfg.LevelMinDBov + rng.Float64()*(cfg.LevelMaxDBov-cfg.LevelMinDBov)
	speechRMS := 32768 * math.Pow(10, level/20)
	gain := speechRMS / u.ActiveRMS
	noiseGain := 0.0
	if n.RMS > 0 {
		noiseGain = speechRMS / math.Pow(10, snr/20) / n.RMS
	}
	start := rng.IntN(len(n.PCM))
	out := make([]int16, total)
	for i := range out {
		v := float64(n.PCM[(start+i)%len(n.PCM)]) * noiseGain
		if j := i - lead; j >= 0 && j < len(u.PCM) {
			v += float64(u.PCM[j]) * gain
		}
		out[i] = clip(v)
	}
	return Trial{
		Utterance: u.Name,
		Noise:     n.Name,
		SNR:       snr,
		PCM:       out,
		Warmup:    cfg.WarmupSamples,
		Onset:     lead + u.Onset,
		Offset:    lead + u.Offset,
	}
}

// ScaleNoise returns noise at the level it has in a trial at snr dB whose
// speech sits at levelDBov.
func ScaleNoise(n Noise, snr, levelDBov float64) []int16 {
	speechRMS := 32768 * math.Pow(10, levelDBov/20)
	g := speechRMS / math.Pow(10, snr/20) / n.RMS
	out := make([]int16, len(n.PCM))
	for i, s := range n.PCM {
		out[i] = clip(float64(s) * g)
	}
	return out
}

func clip(v float64) int16 {
	switch {
	case v > math.MaxInt16:
		return math.MaxInt16
	case v < math.MinInt16:
		return math.MinInt16
	}
	return int16(math.Round(v))
}
