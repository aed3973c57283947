package wav

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestRoundTripAndRefusals(t *testing.T) {
	pcm := []int16{0, 1, -1, 32767, -32768, 1234}
	for _, rate := range []int{8000, 16000, 44100} {
		got, r, err := Parse(Encode(pcm, rate))
		if err != nil || r != rate || len(got) != len(pcm) {
			t.Fatalf("rate %d: %v %d %v", rate, err, r, got)
		}
		for i := range pcm {
			if got[i] != pcm[i] {
				t.Fatalf("sample %d: %d != %d", i, got[i], pcm[i])
			}
		}
	}
	if b := Append([]byte("x"), pcm, 8000); string(b[:5]) != "xRIFF" {
		t.Fatalf("Append does not append: %q", b[:5])
	}
	if _, _, err := Parse([]byte("hello")); !errors.Is(err, ErrNotWAV) {
		t.Fatalf("garbage: %v", err)
	}
	stereo := Encode(pcm, 8000)
	stereo[22] = 2
	if _, _, err := Parse(stereo); err == nil {
		t.Fatal("stereo accepted")
	}
	path := filepath.Join(t.TempDir(), "a.wav")
	if err := os.WriteFile(path, Encode(pcm, 8000), 0o600); err != nil {
		t.Fatal(err)
	}
	if got, r, err := Read(path); err != nil || r != 8000 || len(got) != len(pcm) {
		t.Fatalf("Read: %v %d %d", err, r, len(got))
	}
}

func FuzzParse(f *testing.F) {
	f.Add(Encode([]int16{1, -2, 3}, 8000))
	f.Add([]byte("RIFF\x00\x00\x00\x00WAVEdata\xff\xff\xff\xff"))
	f.Fuzz(func(t *testing.T, b []byte) {
		pcm, rate, err := Parse(b)
		if err != nil {
			return
		}
		// Whatever parses must survive a write and a second read unchanged.
		again, rate2, err := Parse(Encode(pcm, rate))
		if err != nil || rate2 != rate || len(again) != len(pcm) {
			t.Fatalf("re-parse: %v, rate %d/%d, %d/%d samples", err, rate, rate2, len(again), len(pcm))
		}
		for i := range pcm {
			if again[i] != pcm[i] {
				t.Fatalf("sample %d changed", i)
			}
		}
	})
}
