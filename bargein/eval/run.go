package eval

import (
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/mrcpd/mrcpd/bargein"
)

// FrameSamples is the frame the evaluation feeds: 10 ms at 8 kHz, the
// smallest frame every detector under test accepts.
const FrameSamples = 80

// Detector is a voice activity detector under evaluation, fed FrameSamples
// at a time from a fresh instance per recording.
type Detector interface {
	// Frame consumes one frame and appends the onsets and offsets it caused.
	Frame(pcm []int16, dst []bargein.Activity) []bargein.Activity
}

// Candidate names a detector and builds fresh instances of it. A Detector
// that also implements io.Closer is closed after each recording.
type Candidate struct {
	Name string
	New  func() (Detector, error)
}

// Config is one evaluation run.
type Config struct {
	Utterances []Utterance
	Noises     []Noise
	SNRs       []float64
	Mix        MixConfig
	// NoiseLevelDBov is the speech level assumed when scaling the noise-only
	// runs, so that they match the noise level of the trials at each SNR.
	NoiseLevelDBov float64
	// NoiseLimit, when positive, caps the noise-only audio taken from each
	// recording (reduced runs); zero uses every recording whole.
	NoiseLimit time.Duration
	Seed       uint64
	// EarlyTolerance: an onset detected more than this before the ground-truth
	// onset is a false onset. FSDD onsets are set by an energy threshold, so a
	// good detector may legitimately catch a weak leading consonant a little
	// earlier.
	EarlyTolerance time.Duration
	// LateLimit: an onset detected more than this after the ground-truth end of
	// speech does not count as detecting the utterance.
	LateLimit time.Duration
}

// Stats are the figures of one detector at one SNR.
type Stats struct {
	Detector string
	SNR      float64

	Trials   int
	Detected int
	// Missed utterances had no onset between their start and LateLimit after
	// their end.
	Missed int
	// Masked utterances began while a segment opened by a false onset in the
	// lead noise was still open, so they could not be detected on their own.
	Masked int
	// LeadFalse counts trials with at least one false onset in the lead noise.
	LeadFalse int

	// Latency is detection time minus ground-truth onset, per detected trial.
	Latency []time.Duration
	// Backdate is the reported (back-dated) onset minus ground truth.
	Backdate []time.Duration
	// EndDelay is the time the offset was detected minus ground-truth end.
	EndDelay []time.Duration

	// Noise-only runs: total audio and onsets found in it, also per noise.
	NoiseAudio   time.Duration
	NoiseOnsets  int
	PerNoise     map[string]int
	PerNoiseTime map[string]time.Duration
}

// MissedRate is the share of trials whose utterance was never detected
// (missed or masked).
func (s *Stats) MissedRate() float64 {
	if s.Trials == 0 {
		return 0
	}
	return float64(s.Missed+s.Masked) / float64(s.Trials)
}

// FalsePerMinute is the rate of onsets in noise-only audio.
func (s *Stats) FalsePerMinute() float64 {
	if s.NoiseAudio == 0 {
		return 0
	}
	return float64(s.NoiseOnsets) / s.NoiseAudio.Minutes()
}

// Percentile returns the p-th percentile (0-100, nearest rank) of d, or 0
// for an empty slice.
func Percentile(d []time.Duration, p float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	i := int(p/100*float64(len(s))+0.999999) - 1
	i = max(0, min(i, len(s)-1))
	return s[i]
}

// Run evaluates every candidate on the same trials. The result is indexed
// [candidate][snr].
func Run(cfg Config, cands []Candidate) ([][]Stats, error) {
	if len(cfg.Utterances) == 0 || len(cfg.Noises) == 0 || len(cfg.SNRs) == 0 {
		return nil, errors.New("eval: need utterances, noises and SNRs")
	}
	out := make([][]Stats, len(cands))
	for c := range cands {
		out[c] = make([]Stats, len(cfg.SNRs))
		for i, snr := range cfg.SNRs {
			out[c][i] = Stats{Detector: cands[c].Name, SNR: snr,
				PerNoise: map[string]int{}, PerNoiseTime: map[string]time.Duration{}}
		}
	}
	var acts []bargein.Activity
	for si, snr := range cfg.SNRs {
		for ui, u := range cfg.Utterances {
			rng := rand.New(rand.NewPCG(cfg.Seed, uint64(si)<<32|uint64(ui)))
			n := cfg.Noises[(ui+si)%len(cfg.Noises)]
			trial := Mix(u, n, snr, cfg.Mix, rng)
			for c, cand := range cands {
				var err error
				acts, err = runOne(cand, trial.PCM, acts[:0])
				if err != nil {
					return nil, err
				}
				score(&out[c][si], trial, acts, cfg)
			}
		}
		for _, n := range cfg.Noises {
			if cfg.NoiseLimit > 0 {
				if limit := int(cfg.NoiseLimit.Seconds() * 8000); limit < len(n.PCM) {
					n.PCM = n.PCM[:limit]
				}
			}
			pcm := ScaleNoise(n, snr, cfg.NoiseLevelDBov)
			dur := time.Duration(len(pcm)/FrameSamples) * 10 * time.Millisecond
			for c, cand := range cands {
				var err error
				acts, err = runOne(cand, pcm, acts[:0])
				if err != nil {
					return nil, err
				}
				st := &out[c][si]
				onsets := 0
				for _, a := range acts {
					if a.Transition == bargein.Onset {
						onsets++
					}
				}
				st.NoiseAudio += dur
				st.NoiseOnsets += onsets
				st.PerNoise[n.Name] += onsets
				st.PerNoiseTime[n.Name] += dur
			}
		}
	}
	return out, nil
}

func runOne(cand Candidate, pcm []int16, acts []bargein.Activity) ([]bargein.Activity, error) {
	d, err := cand.New()
	if err != nil {
		return acts, fmt.Errorf("eval: %s: %w", cand.Name, err)
	}
	for i := 0; i+FrameSamples <= len(pcm); i += FrameSamples {
		acts = d.Frame(pcm[i:i+FrameSamples], acts)
	}
	if c, ok := d.(io.Closer); ok {
		if err := c.Close(); err != nil {
			return acts, fmt.Errorf("eval: %s: %w", cand.Name, err)
		}
	}
	return acts, nil
}

func samplesToDuration(n int) time.Duration {
	return time.Duration(n) * time.Second / 8000
}

// score classifies the activity of one trial.
func score(st *Stats, tr Trial, acts []bargein.Activity, cfg Config) {
	st.Trials++
	on := samplesToDuration(tr.Onset)
	off := samplesToDuration(tr.Offset)
	early := on - cfg.EarlyTolerance
	warm := samplesToDuration(tr.Warmup)
	openFalse := false
	leadFalse := false
	found := -1
	for i, a := range acts {
		if a.Detected < warm {
			// Not scored, but a segment still open when scoring starts is
			// as false as one opened in the lead.
			openFalse = a.Transition == bargein.Onset
			leadFalse = openFalse
			continue
		}
		if a.Transition == bargein.Offset {
			if a.Detected < on {
				openFalse = false
			}
			continue
		}
		if a.Detected < early {
			leadFalse = true
			openFalse = true
			continue
		}
		if a.Detected <= off+cfg.LateLimit {
			found = i
		}
		break
	}
	if leadFalse {
		st.LeadFalse++
	}
	switch {
	case found >= 0:
		a := acts[found]
		st.Detected++
		st.Latency = append(st.Latency, a.Detected-on)
		st.Backdate = append(st.Backdate, a.At-on)
		for _, b := range acts[found+1:] {
			if b.Transition == bargein.Offset {
				st.EndDelay = append(st.EndDelay, b.Detected-off)
				break
			}
		}
	case openFalse:
		st.Masked++
	default:
		st.Missed++
	}
}

// DefaultConfig is the evaluation of docs/performance-vad.md: 0, 5, 10 and
// 20 dB SNR, fixed seed.
func DefaultConfig(utts []Utterance, noises []Noise) Config {
	return Config{
		Utterances:     utts,
		Noises:         noises,
		SNRs:           []float64{0, 5, 10, 20},
		Mix:            DefaultMixConfig(),
		NoiseLevelDBov: -26,
		Seed:           1,
		EarlyTolerance: 100 * time.Millisecond,
		LateLimit:      300 * time.Millisecond,
	}
}
