package inband

import (
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// sharedData returns the shared test data directory, found beside the
// repository root, or skips t when the data is not there.
func sharedData(t testing.TB, sub string) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("repository root (go.mod) not found above the test directory")
		}
		dir = parent
	}
	path := filepath.Join(dir, "..", "shared", "data", sub)
	if _, err := os.Stat(path); err != nil {
		t.Skipf("test data %s is absent: %v", path, err)
	}
	return path
}

// loadWAVs reads every file matching pattern in dir, all 8 kHz.
func loadWAVs(t *testing.T, dir, pattern string) (names []string, clips [][]int16) {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(dir, pattern))
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(paths)
	for _, p := range paths {
		pcm, rate, err := readWAV(p)
		if err != nil {
			t.Fatal(err)
		}
		if rate != 8000 {
			t.Fatalf("%s: %d Hz, want 8000", p, rate)
		}
		names = append(names, filepath.Base(p))
		clips = append(clips, pcm)
	}
	return names, clips
}

// normalise scales pcm to an RMS level of dBm0, clipping as a loud line
// would.
func normalise(pcm []int16, dBm0 float64) []int16 {
	var sum float64
	for _, v := range pcm {
		sum += float64(v) * float64(v)
	}
	if sum == 0 {
		return slices.Clone(pcm)
	}
	gain := amplitude(dBm0) / math.Sqrt(2) / math.Sqrt(sum/float64(len(pcm)))
	out := make([]float64, len(pcm))
	for i, v := range pcm {
		out[i] = float64(v) * gain
	}
	return toPCM(out)
}

// assertSilentOn runs one detector over the clips back to back, as one long
// call, and fails on any press, naming the clip it came from.
func assertSilentOn(t *testing.T, label string, names []string, clips [][]int16) {
	t.Helper()
	det := NewDetector(8000)
	var got []Digit
	for i, clip := range clips {
		for f := 0; f < len(clip); f += 160 {
			got = det.Process(clip[f:min(f+160, len(clip))], got)
		}
		if len(got) != 0 {
			t.Errorf("%s: false press %q ending in %s", label, keys(got), names[i])
			got = got[:0]
		}
	}
	if got = det.Flush(got); len(got) != 0 {
		t.Errorf("%s: false press %q at the end", label, keys(got))
	}
}

func TestNoPressesInSpeech(t *testing.T) {
	names, clips := loadWAVs(t, sharedData(t, "fsdd/recordings"), "*.wav")
	if len(clips) < 300 {
		t.Fatalf("only %d speech recordings, want at least 300", len(clips))
	}
	assertSilentOn(t, "speech as recorded", names, clips)

	var ulaw, loud [][]int16
	for _, c := range clips {
		ulaw = append(ulaw, g711RoundTrip(c, false))
		// Quiet talkers only pass because they are quiet; raise everyone
		// to a hot -10 dBm0 so that the spectral checks carry the load.
		loud = append(loud, g711RoundTrip(normalise(c, -10), false))
	}
	assertSilentOn(t, "speech through µ-law", names, ulaw)
	assertSilentOn(t, "speech at -10 dBm0 through µ-law", names, loud)
}

func TestPressesBetweenSpeech(t *testing.T) {
	// The same detector must still hear keys pressed right before and after
	// speech, with no gap.
	names, clips := loadWAVs(t, sharedData(t, "fsdd/recordings"), "*.wav")
	var sig []int16
	var want []byte
	for i, c := range clips {
		sig = append(sig, c...)
		if i%20 == 0 {
			k := keypad[(i/20)%len(keypad)]
			sig = append(sig, toPCM(appendTone(nil, 8000, tone{key: k, lowDBm0: -12, ms: 50, phase: float64(i)}))...)
			want = append(want, k)
		}
	}
	got := detectAll(8000, g711RoundTrip(sig, false), 160)
	if keys(got) != string(want) {
		t.Errorf("got %d presses, want %d (from %d recordings):\ngot  %q\nwant %q", len(got), len(want), len(names), keys(got), want)
	}
}

func TestNoPressesInNoise(t *testing.T) {
	dir := sharedData(t, "noise")
	names, clips := loadWAVs(t, dir, "*/wav8k/*.wav")
	if len(clips) == 0 {
		t.Fatalf("no noise recordings under %s", dir)
	}
	for i := range clips {
		assertSilentOn(t, "noise as recorded", names[i:i+1], clips[i:i+1])
		loud := g711RoundTrip(normalise(clips[i], -10), false)
		assertSilentOn(t, "noise at -10 dBm0 through µ-law", names[i:i+1], [][]int16{loud})
	}
}

func TestPressesInNoise(t *testing.T) {
	// Keys dialled over real background noise at the recording's own level.
	dir := sharedData(t, "noise")
	names, clips := loadWAVs(t, dir, "*/wav8k/*.wav")
	for i, noise := range clips {
		d := dial(8000, keypad, -12, 2, 60, 60, 100)
		if len(d.sig) > len(noise) {
			t.Fatalf("%s is shorter than the dialling", names[i])
		}
		for j := range d.sig {
			d.sig[j] += float64(noise[j])
		}
		got := detectAll(8000, g711RoundTrip(toPCM(d.sig), false), 160)
		checkPresses(t, names[i], got, d.want)
	}
}
