// Package eval measures voice activity detectors on real speech mixed with
// real noise: onset latency, missed utterances and false onsets, for any
// detector behind the Detector interface.
package eval

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Utterance is one clean recording with its ground truth.
type Utterance struct {
	Name string
	PCM  []int16
	// Onset and Offset are the sample indexes where speech starts and ends in
	// PCM, found on the clean recording (see groundTruth).
	Onset, Offset int
	// ActiveRMS is the RMS over the frames that hold speech.
	ActiveRMS float64
}

// Noise is one background-noise recording.
type Noise struct {
	Name string
	PCM  []int16
	RMS  float64
}

// SharedDir finds the shared data directory "shared" beside the repository
// root, searching upwards from the working directory for go.mod (tests run
// inside package directories).
func SharedDir() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for dir := wd; ; {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			shared := filepath.Join(filepath.Dir(dir), "shared")
			if st, err := os.Stat(shared); err == nil && st.IsDir() {
				return shared, nil
			}
			return "", fmt.Errorf("eval: no shared data directory beside %s", dir)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("eval: no go.mod above the working directory")
		}
		dir = parent
	}
}

// SpeechDir and NoiseGlob locate the two corpora inside the shared directory.
func SpeechDir(shared string) string { return filepath.Join(shared, "data", "fsdd", "recordings") }

// NoiseGlob matches the 8 kHz noise recordings.
func NoiseGlob(shared string) string {
	return filepath.Join(shared, "data", "noise", "*", "wav8k", "*.wav")
}

// LoadUtterances reads up to limit recordings (0: all) from dir, picked
// evenly over the sorted file list so that a small sample still spans every
// speaker and digit.
func LoadUtterances(dir string, limit int) ([]Utterance, error) {
	names, err := filepath.Glob(filepath.Join(dir, "*.wav"))
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("eval: no .wav files in %s", dir)
	}
	sort.Strings(names)
	names = spread(names, limit)
	out := make([]Utterance, 0, len(names))
	for _, path := range names {
		pcm, rate, err := ReadWAV(path)
		if err != nil {
			return nil, err
		}
		if rate != 8000 {
			return nil, fmt.Errorf("eval: %s is %d Hz, want 8000", path, rate)
		}
		on, off, rms, ok := groundTruth(pcm)
		if !ok {
			continue // silent file: no ground truth to measure against
		}
		out = append(out, Utterance{Name: filepath.Base(path), PCM: pcm, Onset: on, Offset: off, ActiveRMS: rms})
	}
	return out, nil
}

// LoadNoises reads every file matching pattern.
func LoadNoises(pattern string) ([]Noise, error) {
	names, err := filepath.Glob(pattern)
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("eval: no noise files match %s", pattern)
	}
	sort.Strings(names)
	out := make([]Noise, 0, len(names))
	for _, path := range names {
		pcm, rate, err := ReadWAV(path)
		if err != nil {
			return nil, err
		}
		if rate != 8000 {
			return nil, fmt.Errorf("eval: %s is %d Hz, want 8000", path, rate)
		}
		if len(pcm) < 8000 {
			return nil, fmt.Errorf("eval: %s is shorter than 1 s", path)
		}
		name := filepath.Base(path)
		name = strings.TrimSuffix(name, filepath.Ext(name))
		if len(name) == 36 && strings.Count(name, "-") == 4 {
			name = name[:8] // a UUID (the Berlin recordings): the first group is enough
		}
		out = append(out, Noise{Name: name, PCM: pcm, RMS: rms(pcm)})
	}
	return out, nil
}

func spread(names []string, limit int) []string {
	if limit <= 0 || limit >= len(names) {
		return names
	}
	out := make([]string, limit)
	for i := range out {
		out[i] = names[i*len(names)/limit]
	}
	return out
}

// gtFrame is the hop of the ground-truth analysis (5 ms).
const gtFrame = 40

// gtRelDB is how far below the loudest frame a frame may be and still count
// as speech. FSDD recordings carry their own room noise about 30-35 dB below
// the peak, so 25 dB keeps that noise out while catching most consonants.
const gtRelDB = 25

// groundTruth finds the first and last sample of speech in a clean
// recording and the RMS over the speech frames.
func groundTruth(pcm []int16) (onset, offset int, activeRMS float64, ok bool) {
	n := len(pcm) / gtFrame
	if n == 0 {
		return 0, 0, 0, false
	}
	energy := make([]float64, n)
	peak := 0.0
	for i := range energy {
		var e float64
		for _, s := range pcm[i*gtFrame : (i+1)*gtFrame] {
			e += float64(s) * float64(s)
		}
		e /= gtFrame
		energy[i] = e
		peak = math.Max(peak, e)
	}
	if peak < 1 {
		return 0, 0, 0, false
	}
	floor := peak * math.Pow(10, -gtRelDB/10.0)
	first, last := -1, -1
	var sum float64
	var count int
	for i, e := range energy {
		if e >= floor {
			if first < 0 {
				first = i
			}
			last = i
			sum += e
			count++
		}
	}
	return first * gtFrame, (last + 1) * gtFrame, math.Sqrt(sum / float64(count)), true
}

func rms(pcm []int16) float64 {
	var e float64
	for _, s := range pcm {
		e += float64(s) * float64(s)
	}
	return math.Sqrt(e / float64(len(pcm)))
}
