package sphinx

import (
	"os"
	"strings"
	"testing"

	"github.com/zaf/g711"

	"github.com/mrcpd/mrcpd/bargein/eval"
)

// fsddDigits loads n recordings of the Free Spoken Digit Dataset (real
// speakers, 8 kHz) spread over speakers and digits, with the spoken word.
// Each goes through G.711 mu-law and back, as a call's audio does.
func fsddDigits(t *testing.T, n int) (pcms [][]int16, words []string) {
	t.Helper()
	shared, err := eval.SharedDir()
	if err == nil {
		_, err = os.Stat(eval.SpeechDir(shared))
	}
	if err != nil {
		t.Skipf("needs the FSDD recordings in ../shared/data/fsdd/recordings beside the repository: %v", err)
	}
	utts, err := eval.LoadUtterances(eval.SpeechDir(shared), n)
	if err != nil {
		t.Fatal(err)
	}
	names := strings.Fields("zero one two three four five six seven eight nine")
	for _, u := range utts {
		pcm := make([]int16, len(u.PCM))
		for i, v := range u.PCM {
			pcm[i] = g711.DecodeUlawFrame(g711.EncodeUlawFrame(v))
		}
		pcms = append(pcms, pcm)
		words = append(words, names[u.Name[0]-'0'])
	}
	return pcms, words
}

// TestConfidenceThresholdSeparatesOutOfGrammarSpeech: at 0.5, the
// Confidence-Threshold UniMRCP clients send, most correctly recognised
// in-grammar digits pass and most digits forced into grammars that do not
// hold them are rejected; on average the first score above the second.
func TestConfidenceThresholdSeparatesOutOfGrammarSpeech(t *testing.T) {
	p := testPool(t, 1, 0)
	pcms, words := fsddDigits(t, 60)
	digit := "#JSGF V1.0;\ngrammar d;\npublic <digit> = zero | one | two | three | four | five | six | seven | eight | nine ;\n"

	var correct, accepted int
	var inSum float64
	for i, pcm := range pcms {
		alts := decodeAll(t, p, Request{SampleRate: 8000, JSGF: digit}, pcm)
		if alts[0].Text != words[i] {
			continue
		}
		correct++
		inSum += alts[0].Confidence
		if alts[0].Confidence >= 0.5 {
			accepted++
		}
	}
	if correct*10 < len(pcms)*7 {
		t.Fatalf("only %d of %d digits recognised", correct, len(pcms))
	}

	var outside, rejected int
	var outSum float64
	for _, g := range []string{yesNo, callbot} {
		for _, pcm := range pcms {
			alts := decodeAll(t, p, Request{SampleRate: 8000, JSGF: g}, pcm)
			outside++
			outSum += alts[0].Confidence
			if alts[0].Confidence < 0.5 {
				rejected++
			}
		}
	}
	t.Logf("in grammar: %d of %d correct results at or above 0.5 (mean %.2f); out of grammar: %d of %d below (mean %.2f)",
		accepted, correct, inSum/float64(correct), rejected, outside, outSum/float64(outside))
	if accepted*100 < correct*85 {
		t.Errorf("only %d of %d correct in-grammar results reach 0.5", accepted, correct)
	}
	if rejected*100 < outside*75 {
		t.Errorf("only %d of %d out-of-grammar results stay below 0.5", rejected, outside)
	}
	if inSum/float64(correct) <= outSum/float64(outside) {
		t.Error("out-of-grammar speech scores as high as in-grammar speech on average")
	}
}
