package loadtest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mrcpd/mrcpd/mrcp/client"
)

func writeWAV(t *testing.T, dir, name string, samples, rate int) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, client.EncodeWAV(make([]int16, samples), rate), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLoadRecordings(t *testing.T) {
	dir := t.TempDir()
	writeWAV(t, dir, "b.wav", 8000, 8000)
	writeWAV(t, dir, "a.WAV", 16000, 16000)
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("not audio"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "sub.wav"), 0o700); err != nil {
		t.Fatal(err)
	}
	recs, err := LoadRecordings(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 || recs[0].Name != "a.WAV" || recs[0].Rate != 16000 || recs[1].Name != "b.wav" ||
		recs[0].Length() != time.Second || recs[1].Length() != time.Second {
		t.Fatalf("%+v", recs)
	}
	one, err := LoadRecordings(filepath.Join(dir, "b.wav"))
	if err != nil || len(one) != 1 || len(one[0].PCM) != 8000 {
		t.Fatalf("%v %v", one, err)
	}
}

func TestLoadRecordingsErrors(t *testing.T) {
	empty := t.TempDir()
	bad := t.TempDir()
	writeWAV(t, bad, "a.wav", 100, 8000)
	if err := os.WriteFile(filepath.Join(bad, "b.wav"), []byte("RIFF....WAVE"), 0o600); err != nil {
		t.Fatal(err)
	}
	silent := t.TempDir()
	writeWAV(t, silent, "z.wav", 0, 8000)
	odd := t.TempDir()
	writeWAV(t, odd, "x.wav", 100, 44100)
	for _, tc := range []struct{ path, want string }{
		{filepath.Join(empty, "none"), "no such file"},
		{empty, "no .wav file"},
		{bad, "b.wav"},
		{silent, "holds no samples"},
		{odd, "44100"},
	} {
		_, err := LoadRecordings(tc.path)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.path, err, tc.want)
		}
	}
}

// A corpus larger than maxRecordings contributes every n-th file, so files
// sorted by label still give every label.
func TestLoadRecordingsSamplesLargeCorpus(t *testing.T) {
	dir := t.TempDir()
	total := maxRecordings + maxRecordings/2
	for i := 0; i < total; i++ {
		writeWAV(t, dir, fmt.Sprintf("%d_%04d.wav", i*10/total, i), 8, 8000)
	}
	recs, err := LoadRecordings(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) > maxRecordings || len(recs) < maxRecordings/2 {
		t.Fatalf("%d recordings taken", len(recs))
	}
	labels := map[byte]bool{}
	for _, r := range recs {
		labels[r.Name[0]] = true
	}
	if len(labels) != 10 {
		t.Fatalf("labels %v", labels)
	}
}
