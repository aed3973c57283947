package bargein_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/mrcpd/mrcpd/bargein"
	"github.com/mrcpd/mrcpd/bargein/eval"
)

func sharedOrSkip(t *testing.T) string {
	t.Helper()
	dir, err := eval.SharedDir()
	if err != nil {
		t.Skipf("real-audio test needs the shared data set (../shared from the repository root): %v", err)
	}
	return dir
}

func run(v *bargein.VAD, pcm []int16) []bargein.Activity {
	var acts []bargein.Activity
	for i := 0; i+160 <= len(pcm); i += 160 {
		acts = v.Frame(pcm[i:i+160], acts)
	}
	return acts
}

// Real background noise, at the level of a 10 dB SNR call: machine and
// water noise never opens a segment, kitchen clatter seldom does; the
// street, market and miaowing recordings hold real voices, so some onsets
// there are right, but they stay rare.
func TestVADRealNoise(t *testing.T) {
	shared := sharedOrSkip(t)
	noises, err := eval.LoadNoises(eval.NoiseGlob(shared))
	if err != nil {
		t.Fatal(err)
	}
	maxPerMinute := map[string]float64{
		"running_tap":      0,
		"exercise_bike":    0,
		"doing_the_dishes": 5,
	}
	for _, n := range noises {
		t.Run(n.Name, func(t *testing.T) {
			pcm := eval.ScaleNoise(n, 10, -26)
			count := 0
			for _, a := range run(bargein.NewVAD(), pcm) {
				if a.Transition == bargein.Onset {
					count++
				}
			}
			minutes := float64(len(pcm)) / 8000 / 60
			limit, ok := maxPerMinute[n.Name]
			if !ok {
				limit = 20
			}
			if rate := float64(count) / minutes; rate > limit {
				t.Fatalf("%d onsets in %.1f min (%.1f/min), want at most %.0f/min", count, minutes, rate, limit)
			}
		})
	}
}

// Real speech over quiet background: every utterance is found, the onset
// is reported within 150 ms for most of them, and the back-dated onset
// lands near the true one.
func TestVADRealSpeech(t *testing.T) {
	shared := sharedOrSkip(t)
	utts, err := eval.LoadUtterances(eval.SpeechDir(shared), 60)
	if err != nil {
		t.Fatal(err)
	}
	noises, err := eval.LoadNoises(filepath.Join(shared, "data", "noise", "speech_commands_bg", "wav8k", "running_tap.wav"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := eval.Config{
		Utterances: utts, Noises: noises, SNRs: []float64{20}, Mix: eval.DefaultMixConfig(),
		NoiseLevelDBov: -26, Seed: 3, EarlyTolerance: 100 * time.Millisecond, LateLimit: 300 * time.Millisecond,
	}
	res, err := eval.Run(cfg, []eval.Candidate{{Name: "bargein", New: func() (eval.Detector, error) { return bargein.NewVAD(), nil }}})
	if err != nil {
		t.Fatal(err)
	}
	st := res[0][0]
	if st.Detected != st.Trials {
		t.Fatalf("%d of %d utterances detected (missed %d, masked %d)", st.Detected, st.Trials, st.Missed, st.Masked)
	}
	if p := eval.Percentile(st.Latency, 75); p > 150*time.Millisecond {
		t.Errorf("75th percentile onset latency %v, want <= 150ms", p)
	}
	if p := eval.Percentile(st.Backdate, 50); p < -50*time.Millisecond || p > 50*time.Millisecond {
		t.Errorf("median back-dated onset error %v, want within 50ms", p)
	}
	if st.NoiseOnsets != 0 {
		t.Errorf("%d onsets in the noise-only run", st.NoiseOnsets)
	}
}
