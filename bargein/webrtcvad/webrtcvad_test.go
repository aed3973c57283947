//go:build cgo

package webrtcvad

import (
	"math"
	"strings"
	"testing"

	"github.com/mrcpd/mrcpd/bargein"
	"github.com/mrcpd/mrcpd/bargein/eval"
)

func TestNewAndProcess(t *testing.T) {
	if _, err := New(4); err == nil {
		t.Fatal("mode 4 accepted")
	}
	v, err := New(2)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.IsSpeech(make([]int16, 100)); err == nil {
		t.Fatal("100-sample frame accepted")
	}
	// A loud harmonic vowel-like sound after silence is speech to WebRTC.
	speech := false
	for i := 0; i < 100; i++ {
		frame := make([]int16, 160)
		if i >= 50 {
			for n := range frame {
				x := float64(i*160 + n)
				frame[n] = int16(3000*math.Sin(2*math.Pi*150*x/8000) + 2000*math.Sin(2*math.Pi*450*x/8000) + 1000*math.Sin(2*math.Pi*750*x/8000))
			}
		}
		s, err := v.IsSpeech(frame)
		if err != nil {
			t.Fatal(err)
		}
		if i < 50 && s {
			t.Fatalf("digital silence classified as speech at frame %d", i)
		}
		speech = speech || s
	}
	if !speech {
		t.Fatal("no speech found in a loud harmonic sound")
	}
	v.Close()
	if _, err := v.IsSpeech(make([]int16, 80)); err == nil {
		t.Fatal("use after Close accepted")
	}
}

// The side-by-side comparison on a reduced set (the full one is `mrcpd eval
// vad`, see docs/performance-vad.md): at every SNR the bargein VAD misses no
// more utterances than WebRTC in any mode, and over all SNRs it fires less
// often on noise than WebRTC in the modes that find most speech (1-3).
func TestBargeinAtLeastAsGoodAsWebRTC(t *testing.T) {
	shared, err := eval.SharedDir()
	if err != nil {
		t.Skipf("comparison needs the shared data set (../shared from the repository root): %v", err)
	}
	utts, err := eval.LoadUtterances(eval.SpeechDir(shared), reducedUtterances)
	if err != nil {
		t.Fatal(err)
	}
	noises, err := eval.LoadNoises(eval.NoiseGlob(shared))
	if err != nil {
		t.Fatal(err)
	}
	cands := []eval.Candidate{{Name: "bargein", New: func() (eval.Detector, error) { return bargein.NewVAD(), nil }}}
	for mode := 0; mode <= 3; mode++ {
		cands = append(cands, eval.Candidate{
			Name: "webrtc-mode" + string(rune('0'+mode)),
			New: func() (eval.Detector, error) {
				return NewSegmented(mode, bargein.DefaultSegmenterConfig())
			},
		})
	}
	cfg := eval.DefaultConfig(utts, noises)
	cfg.NoiseLimit = reducedNoise
	res, err := eval.Run(cfg, cands)
	if err != nil {
		t.Fatal(err)
	}
	var buf strings.Builder
	if err := eval.WriteTable(&buf, res); err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + buf.String())
	ours := res[0]
	oursFalse := 0
	for _, s := range ours {
		oursFalse += s.NoiseOnsets
	}
	for _, theirs := range res[1:] {
		theirsFalse := 0
		for i, s := range theirs {
			theirsFalse += s.NoiseOnsets
			if o := ours[i]; o.Missed+o.Masked > s.Missed+s.Masked {
				t.Errorf("SNR %g: bargein misses %d utterances, %s %d", s.SNR, o.Missed+o.Masked, s.Detector, s.Missed+s.Masked)
			}
		}
		if theirs[0].Detector != "webrtc-mode0" && oursFalse > theirsFalse {
			t.Errorf("bargein fires %d times on noise, %s %d", oursFalse, theirs[0].Detector, theirsFalse)
		}
	}
}
