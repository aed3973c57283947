package sphinx

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"testing"
)

const oneDigit = "#JSGF V1.0;\ngrammar d;\npublic <digit> = zero | one | two | three | four | five | six | seven | eight | nine | oh ;\n"

func espeak(t *testing.T, text, voice string, speed int) []int16 {
	dir := t.TempDir()
	wav := filepath.Join(dir, "s.wav")
	raw := filepath.Join(dir, "s.raw")
	if out, err := exec.Command("espeak-ng", "-v", voice, "-s", fmt.Sprint(speed), "-w", wav, text).CombinedOutput(); err != nil {
		t.Fatal(err, string(out))
	}
	if out, err := exec.Command("sox", "-R", wav, "-r", "8000", "-c", "1", "-b", "16", "-e", "signed-integer", "-L", "-t", "raw", raw).CombinedOutput(); err != nil {
		t.Fatal(err, string(out))
	}
	return readRaw(t, raw)
}

type evalItem struct {
	grammar, want string
	pcm           []int16
}

func evalItems(t *testing.T, fsddStep int) []evalItem {
	var items []evalItem
	for _, v := range []string{"en-us", "en", "en+f3", "en-us+m3", "en+f5"} {
		for _, s := range []int{140, 175, 210} {
			for _, ph := range []string{"i already paid", "call me back later", "who is this"} {
				items = append(items, evalItem{callbot, ph, espeak(t, ph, v, s)})
			}
		}
	}
	files, _ := filepath.Glob("/work/shared/data/fsdd/recordings/*.wav")
	sort.Strings(files)
	names := []string{"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"}
	for i, f := range files {
		if i%fsddStep != 1 {
			continue
		}
		items = append(items, evalItem{oneDigit, names[int(filepath.Base(f)[0]-'0')], wav8k(t, f)})
	}
	return items
}

func TestScratchEval(t *testing.T) {
	items := evalItems(t, 10)
	t.Logf("cfg %s", os.Getenv("BEAMS"))
	p := testPool(t, 1, 0)
	for _, w := range []int{100} {
		_ = w
		for _, partial := range []bool{false, true} {
			okE, okF, okPE, okPF := 0, 0, 0, 0
			for _, it := range items {
				u, err := p.Start(Request{SampleRate: 8000, JSGF: it.grammar, Partial: partial})
				if err != nil {
					t.Fatal(err)
				}
				for i := 0; i < len(it.pcm); i += 160 {
					u.Write(it.pcm[i:min(i+160, len(it.pcm))])
				}
				last := u.Partial()
				alts, _ := u.Finish()
				u.Close()
				if it.grammar == callbot {
					if alts[0].Text == it.want {
						okE++
					}
					if last == it.want {
						okPE++
					}
				} else {
					if alts[0].Text == it.want {
						okF++
					}
					if last == it.want {
						okPF++
					}
				}
			}
			t.Logf("w=%d partial=%v final: espeak %d/45 fsdd %d/300; last partial: espeak %d fsdd %d", w, partial, okE, okF, okPE, okPF)
		}
	}
}
