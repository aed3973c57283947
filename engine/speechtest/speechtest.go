// Package speechtest makes real speech for tests: espeak-ng speaks the text
// and sox converts it to 16-bit mono PCM at the rate asked for.
package speechtest

import (
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Missing is the failure message when the tools are absent: the test suite
// depends on them and must not pass without them.
const Missing = "espeak-ng and sox are required by this test; `make test` installs them (apt-get install espeak-ng sox)"

// Synthesize speaks text and returns it as PCM at rate. It fails the test
// when espeak-ng or sox is missing.
func Synthesize(tb testing.TB, text string, rate int) []int16 {
	tb.Helper()
	for _, tool := range []string{"espeak-ng", "sox"} {
		if _, err := exec.LookPath(tool); err != nil {
			tb.Fatalf("%s: %v", Missing, err)
		}
	}
	dir := tb.TempDir()
	wav := filepath.Join(dir, "speech.wav")
	raw := filepath.Join(dir, "speech.raw")
	if out, err := exec.Command("espeak-ng", "-w", wav, text).CombinedOutput(); err != nil {
		tb.Fatalf("espeak-ng: %v: %s", err, out)
	}
	args := []string{wav, "-r", fmt.Sprint(rate), "-c", "1", "-b", "16", "-e", "signed-integer", "-L", "-t", "raw", raw}
	if out, err := exec.Command("sox", args...).CombinedOutput(); err != nil {
		tb.Fatalf("sox: %v: %s", err, out)
	}
	data, err := os.ReadFile(raw)
	if err != nil {
		tb.Fatal(err)
	}
	pcm := make([]int16, len(data)/2)
	for i := range pcm {
		pcm[i] = int16(binary.LittleEndian.Uint16(data[2*i:]))
	}
	if len(pcm) < rate/10 {
		tb.Fatalf("espeak-ng produced only %d samples for %q", len(pcm), text)
	}
	return pcm
}
