package sphinx

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/zaf/g711"
)

type confRec struct {
	Set, Grammar, Truth, Text string
	InGrammar             bool
	Voice                 string
	Speed                 int
	Words                 []string
	Scores                []float64
	Frames                []int
}

func TestScratchCollect(t *testing.T) {
	p := testPool(t, 1, 0)
	out, _ := os.Create(os.Getenv("OUT"))
	defer out.Close()
	enc := json.NewEncoder(out)
	grammars := map[string]string{"callbot": callbot, "yesno": yesNo, "digits": digits, "digit": oneDigit}
	run := func(set, gname, truth string, in bool, voice string, speed int, pcm []int16) {
		if os.Getenv("ULAW") != "" {
			q := make([]int16, len(pcm))
			for i, v := range pcm {
				q[i] = g711.DecodeUlawFrame(g711.EncodeUlawFrame(v))
			}
			pcm = q
		}
		u, err := p.Start(Request{SampleRate: 8000, JSGF: grammars[gname]})
		if err != nil {
			t.Fatal(err)
		}
		u.Write(pcm)
		alts, _ := u.Finish()
		w, s, f := u.dec.wordScores()
		enc.Encode(confRec{set, gname, truth, alts[0].Text, in, voice, speed, w, s, f})
		u.Close()
	}
	voices := []string{"en-us", "en", "en+f3", "en-us+m3", "en+f5"}
	speeds := []int{140, 175, 210}
	inPhr := map[string][]string{
		"callbot": {"i already paid", "call me back later", "who is this"},
		"yesno":   {"yes", "no"},
		"digits":  {"one two three four", "five six", "seven eight nine", "zero", "three one"},
	}
	oog := []string{"what time is it", "i want to speak to a manager", "thank you very much", "hello", "my account number",
		"can you repeat that", "good morning", "stop calling me", "how much do i owe", "maybe tomorrow", "banana", "excuse me"}
	for _, v := range voices {
		for _, s := range speeds {
			for g, phr := range inPhr {
				for _, ph := range phr {
					run("espeak", g, ph, true, v, s, espeak(t, ph, v, s))
				}
			}
			for _, ph := range oog {
				pcm := espeak(t, ph, v, s)
				for g := range inPhr {
					run("espeak", g, ph, false, v, s, pcm)
				}
			}
		}
	}
	files, _ := filepath.Glob("/work/shared/data/fsdd/recordings/*.wav")
	sort.Strings(files)
	names := []string{"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"}
	for i, f := range files {
		if i%10 != 1 {
			continue
		}
		base := filepath.Base(f)
		pcm := wav8k(t, f)
		truth := names[int(base[0]-'0')]
		run("fsdd", "digit", truth, true, base, 0, pcm)
		run("fsdd", "callbot", truth, false, base, 0, pcm)
		run("fsdd", "yesno", truth, false, base, 0, pcm)
	}
}
