package loadtest

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/mrcpd/mrcpd/mrcp/client"
)

// maxRecordings bounds what a directory contributes: enough variety for any
// run, and a bounded amount of memory however large the corpus.
const maxRecordings = 1000

// Recording is one utterance to stream: 16-bit PCM at 8 or 16 kHz.
type Recording struct {
	Name string
	PCM  []int16
	Rate int
}

// Length is how long the recording plays.
func (r Recording) Length() time.Duration {
	if r.Rate <= 0 {
		return 0
	}
	return time.Duration(len(r.PCM)) * time.Second / time.Duration(r.Rate)
}

// LoadRecordings reads a WAV file, or the *.wav files of a directory (not
// its sub-directories). From a directory holding more than maxRecordings
// files it takes every n-th file in name order, so that a corpus sorted by
// label still contributes every label. A file that is not 16-bit mono PCM
// at 8 or 16 kHz is an error naming it.
func LoadRecordings(path string) ([]Recording, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("loadtest: audio: %w", err)
	}
	if !st.IsDir() {
		r, err := loadRecording(path)
		if err != nil {
			return nil, err
		}
		return []Recording{r}, nil
	}
	entries, err := os.ReadDir(path)
	if err != nil {
		return nil, fmt.Errorf("loadtest: audio: %w", err)
	}
	var names []string
	for _, e := range entries {
		if e.Type().IsRegular() && strings.EqualFold(filepath.Ext(e.Name()), ".wav") {
			names = append(names, e.Name())
		}
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("loadtest: audio: no .wav file in %s", path)
	}
	slices.Sort(names)
	if len(names) > maxRecordings {
		step := (len(names) + maxRecordings - 1) / maxRecordings
		picked := names[:0]
		for i := 0; i < len(names); i += step {
			picked = append(picked, names[i])
		}
		names = picked
	}
	out := make([]Recording, 0, len(names))
	for _, n := range names {
		r, err := loadRecording(filepath.Join(path, n))
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

func loadRecording(path string) (Recording, error) {
	pcm, rate, err := client.ReadWAV(path)
	if err != nil {
		return Recording{}, fmt.Errorf("loadtest: audio: %w", err)
	}
	if len(pcm) == 0 {
		return Recording{}, fmt.Errorf("loadtest: audio: %s holds no samples", path)
	}
	return Recording{Name: filepath.Base(path), PCM: pcm, Rate: rate}, nil
}
