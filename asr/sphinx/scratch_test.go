package sphinx

import (
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"testing"
)

func readRaw(t *testing.T, raw string) []int16 {
	data, err := os.ReadFile(raw)
	if err != nil {
		t.Fatal(err)
	}
	pcm := make([]int16, len(data)/2)
	for i := range pcm {
		pcm[i] = int16(binary.LittleEndian.Uint16(data[2*i:]))
	}
	return pcm
}

func wav8k(t *testing.T, path string) []int16 {
	raw := filepath.Join(t.TempDir(), "x.raw")
	if out, err := exec.Command("sox", path, "-t", "raw", raw).CombinedOutput(); err != nil {
		t.Fatal(err, string(out))
	}
	return readRaw(t, raw)
}

func TestScratchTelephoneMean(t *testing.T) {
	p := testPool(t, 1, 0)
	d := p.grammar[0]
	if err := d.useGrammar(digits, p.dict); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob("/work/shared/data/fsdd/recordings/*.wav")
	sort.Strings(files)
	var avg [13]float64
	n := 0
	for i, f := range files {
		if i%3 != 0 {
			continue
		}
		var u Upsampler
		pcm := u.AppendTo(nil, wav8k(t, f))
		if err := d.decodeUtterance(pcm, d.modelMean); err != nil {
			t.Fatal(err)
		}
		for j, v := range d.cmnMeanNow() {
			avg[j] += float64(v)
		}
		n++
	}
	for j := range avg {
		avg[j] /= float64(n)
	}
	t.Logf("n=%d mean=%.2f", n, avg)
}
