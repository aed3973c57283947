package bargein_test

import (
	"math/rand/v2"
	"testing"

	"github.com/mrcpd/mrcpd/bargein"
	"github.com/mrcpd/mrcpd/bargein/eval"
)

// realStream is a stretch of call audio: spoken digits with half a second
// of real background noise either side, at 10 dB SNR, about a third of it
// speech.
func realStream(b *testing.B) []int16 {
	b.Helper()
	shared, err := eval.SharedDir()
	if err != nil {
		b.Skipf("real-audio benchmark needs the shared data set (../shared from the repository root): %v", err)
	}
	utts, err := eval.LoadUtterances(eval.SpeechDir(shared), 40)
	if err != nil {
		b.Fatal(err)
	}
	noises, err := eval.LoadNoises(eval.NoiseGlob(shared))
	if err != nil {
		b.Fatal(err)
	}
	cfg := eval.MixConfig{LeadSamples: 4000, TrailSamples: 4000, LevelMinDBov: -32, LevelMaxDBov: -20}
	rng := rand.New(rand.NewPCG(1, 1))
	var pcm []int16
	for i, u := range utts {
		pcm = append(pcm, eval.Mix(u, noises[i%len(noises)], 10, cfg, rng).PCM...)
	}
	return pcm[:len(pcm)/160*160]
}

func BenchmarkVADFrame20msRealAudio(b *testing.B) {
	pcm := realStream(b)
	v := bargein.NewVAD()
	dst := make([]bargein.Activity, 0, 4)
	b.ReportAllocs()
	i := 0
	bargein.ReportCPU(b, func() {
		for b.Loop() {
			dst = v.Frame(pcm[i:i+160], dst[:0])
			i = (i + 160) % len(pcm)
		}
	})
}

func BenchmarkDetectorFrame20msRealAudio(b *testing.B) {
	pcm := realStream(b)
	p := bargein.DefaultParams()
	// The timers never complete, so every frame takes the full path.
	p.NoInputTimeout = 0
	p.RecognitionTimeout = 0
	d := bargein.NewDetector(bargein.NewVAD(), p)
	dst := make([]bargein.Event, 0, 8)
	b.ReportAllocs()
	i := 0
	bargein.ReportCPU(b, func() {
		for b.Loop() {
			dst = d.Frame(pcm[i:i+160], dst[:0])
			i = (i + 160) % len(pcm)
		}
	})
}
