package eval

import (
	"bytes"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mrcpd/mrcpd/bargein"
)

func TestWAVRoundTrip(t *testing.T) {
	pcm := []int16{0, 1, -1, 32767, -32768, 1234}
	img := AppendWAV(nil, pcm, 8000)
	got, rate, err := ParseWAV(img)
	if err != nil || rate != 8000 || !slicesEqual(got, pcm) {
		t.Fatalf("ParseWAV: %v %d %v", got, rate, err)
	}
	path := filepath.Join(t.TempDir(), "x.wav")
	if err := os.WriteFile(path, img, 0o600); err != nil {
		t.Fatal(err)
	}
	got, rate, err = ReadWAV(path)
	if err != nil || rate != 8000 || !slicesEqual(got, pcm) {
		t.Fatalf("ReadWAV: %v %d %v", got, rate, err)
	}
}

func TestParseWAVRejects(t *testing.T) {
	good := AppendWAV(nil, []int16{1, 2, 3}, 8000)
	stereo := bytes.Clone(good)
	stereo[22] = 2
	eightBit := bytes.Clone(good)
	eightBit[34] = 8
	noData := good[:36]
	badChunk := append(bytes.Clone(good[:36]), "LIST\xff\xff\x00\x00"...)
	for name, img := range map[string][]byte{
		"empty": nil, "not riff": []byte("RIFX0000WAVEfmt "), "stereo": stereo, "8 bit": eightBit,
		"no data": noData, "chunk past end": badChunk,
	} {
		if _, _, err := ParseWAV(img); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, _, err := ParseWAV([]byte("hello")); !errors.Is(err, ErrNotWAV) {
		t.Errorf("garbage: %v, want ErrNotWAV", err)
	}
	// A data chunk whose size was never patched is read to the end.
	trunc := bytes.Clone(good)
	trunc[40] = 0xff
	if pcm, _, err := ParseWAV(trunc); err != nil || len(pcm) != 3 {
		t.Errorf("unpatched data size: %v %v", pcm, err)
	}
}

func FuzzParseWAV(f *testing.F) {
	f.Add(AppendWAV(nil, []int16{1, -2, 3}, 8000))
	f.Add([]byte("RIFF\x00\x00\x00\x00WAVE"))
	f.Fuzz(func(t *testing.T, b []byte) {
		pcm, rate, err := ParseWAV(b)
		if err != nil {
			return
		}
		if rate <= 0 || len(pcm)*2 > len(b) {
			t.Fatalf("accepted %d samples at %d Hz from %d bytes", len(pcm), rate, len(b))
		}
	})
}

func slicesEqual(a, b []int16) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestGroundTruth(t *testing.T) {
	pcm := make([]int16, 8000)
	for i := 2000; i < 5000; i++ {
		pcm[i] = int16(3000 * math.Sin(float64(i)*0.3))
	}
	on, off, rms, ok := groundTruth(pcm)
	if !ok || on != 2000 || off != 5000 || math.Abs(rms-3000/math.Sqrt2) > 50 {
		t.Fatalf("groundTruth: %d %d %.0f %v", on, off, rms, ok)
	}
	if _, _, _, ok := groundTruth(make([]int16, 800)); ok {
		t.Fatal("silence has a ground truth")
	}
}

// The mixture has the requested SNR and places the utterance after warm-up
// and lead.
func TestMixSNR(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	speech := make([]int16, 4000)
	for i := range speech {
		speech[i] = int16(2000 * math.Sin(float64(i)*0.2))
	}
	on, off, rmsS, _ := groundTruth(speech)
	u := Utterance{Name: "u", PCM: speech, Onset: on, Offset: off, ActiveRMS: rmsS}
	noisePCM := make([]int16, 16000)
	for i := range noisePCM {
		noisePCM[i] = int16(rng.NormFloat64() * 500)
	}
	n := Noise{Name: "n", PCM: noisePCM, RMS: rms(noisePCM)}
	cfg := DefaultMixConfig()
	for _, snr := range []float64{0, 10, 20} {
		tr := Mix(u, n, snr, cfg, rng)
		lead := cfg.WarmupSamples + cfg.LeadSamples
		if tr.Onset != lead+on || tr.Offset != lead+off || len(tr.PCM) != lead+len(speech)+cfg.TrailSamples {
			t.Fatalf("layout: onset %d offset %d len %d", tr.Onset, tr.Offset, len(tr.PCM))
		}
		noiseRMS := rms(tr.PCM[:lead])
		var e float64
		for i := tr.Onset; i < tr.Offset; i++ {
			e += float64(tr.PCM[i]) * float64(tr.PCM[i])
		}
		mixRMS := math.Sqrt(e / float64(tr.Offset-tr.Onset))
		speechRMS := math.Sqrt(math.Max(mixRMS*mixRMS-noiseRMS*noiseRMS, 1))
		if got := 20 * math.Log10(speechRMS/noiseRMS); math.Abs(got-snr) > 0.7 {
			t.Errorf("SNR %.2f dB, want %g", got, snr)
		}
	}
}

// score sorts the activity of a trial into detections, misses, masked
// utterances and false onsets.
func TestScore(t *testing.T) {
	cfg := Config{EarlyTolerance: 100 * time.Millisecond, LateLimit: 300 * time.Millisecond}
	tr := Trial{Warmup: 8000, Onset: 16000, Offset: 20000} // 1 s warm-up, speech 2.0-2.5 s
	at := func(ms int) time.Duration { return time.Duration(ms) * time.Millisecond }
	on := func(start, det int) bargein.Activity {
		return bargein.Activity{Transition: bargein.Onset, At: at(start), Detected: at(det)}
	}
	off := func(end, det int) bargein.Activity {
		return bargein.Activity{Transition: bargein.Offset, At: at(end), Detected: at(det)}
	}
	tests := []struct {
		name                            string
		acts                            []bargein.Activity
		detected, missed, masked, leadF int
		latency                         time.Duration
	}{
		{"clean detection", []bargein.Activity{on(2000, 2060), off(2500, 2700)}, 1, 0, 0, 0, 60 * time.Millisecond},
		{"nothing", nil, 0, 1, 0, 0, 0},
		{"too late", []bargein.Activity{on(2900, 2900)}, 0, 1, 0, 0, 0},
		{"false onset, closed, then detection", []bargein.Activity{on(1200, 1250), off(1300, 1500), on(2000, 2050)}, 1, 0, 0, 1, 50 * time.Millisecond},
		{"false onset still open at speech", []bargein.Activity{on(1800, 1850), off(2500, 2700)}, 0, 0, 1, 1, 0},
		{"segment open from warm-up", []bargein.Activity{on(500, 600)}, 0, 0, 1, 1, 0},
		{"warm-up segment closed in time", []bargein.Activity{on(500, 600), off(700, 900), on(2000, 2040)}, 1, 0, 0, 0, 40 * time.Millisecond},
	}
	for _, tt := range tests {
		var st Stats
		score(&st, tr, tt.acts, cfg)
		if st.Detected != tt.detected || st.Missed != tt.missed || st.Masked != tt.masked || st.LeadFalse != tt.leadF {
			t.Errorf("%s: detected %d missed %d masked %d lead-false %d", tt.name, st.Detected, st.Missed, st.Masked, st.LeadFalse)
		}
		if tt.detected == 1 && (len(st.Latency) != 1 || st.Latency[0] != tt.latency) {
			t.Errorf("%s: latency %v, want %v", tt.name, st.Latency, tt.latency)
		}
	}
}

func TestPercentile(t *testing.T) {
	d := []time.Duration{5, 1, 4, 2, 3}
	for p, want := range map[float64]time.Duration{0: 1, 50: 3, 90: 5, 100: 5} {
		if got := Percentile(d, p); got != want {
			t.Errorf("p%g = %v, want %v", p, got, want)
		}
	}
	if Percentile(nil, 50) != 0 {
		t.Error("empty percentile")
	}
}

// A reduced evaluation of the bargein VAD on the real corpora: the full run
// is `mrcpd eval vad` (docs/performance-vad.md).
func TestEvaluateBargeinVAD(t *testing.T) {
	shared, err := SharedDir()
	if err != nil {
		t.Skipf("evaluation needs the shared data set (../shared from the repository root): %v", err)
	}
	utts, err := LoadUtterances(SpeechDir(shared), reducedUtterances)
	if err != nil {
		t.Fatal(err)
	}
	noises, err := LoadNoises(NoiseGlob(shared))
	if err != nil {
		t.Fatal(err)
	}
	cfg := DefaultConfig(utts, noises)
	cfg.NoiseLimit = reducedNoise
	res, err := Run(cfg, []Candidate{{Name: "bargein", New: func() (Detector, error) { return bargein.NewVAD(), nil }}})
	if err != nil {
		t.Fatal(err)
	}
	var buf strings.Builder
	if err := WriteTable(&buf, res); err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + buf.String())
	for _, s := range res[0] {
		maxMiss := 0.08
		if s.SNR <= 0 {
			maxMiss = 0.25
		}
		if s.MissedRate() > maxMiss {
			t.Errorf("SNR %g: %.1f%% of utterances missed, want <= %.0f%%", s.SNR, 100*s.MissedRate(), 100*maxMiss)
		}
		if p := Percentile(s.Latency, 50); p > 150*time.Millisecond {
			t.Errorf("SNR %g: median onset latency %v, want <= 150ms", s.SNR, p)
		}
		if r := s.FalsePerMinute(); r > 8 {
			t.Errorf("SNR %g: %.1f false onsets per minute of noise, want <= 8", s.SNR, r)
		}
	}
}
