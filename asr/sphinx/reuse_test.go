package sphinx

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/mrcpd/mrcpd/asr"
	"github.com/mrcpd/mrcpd/engine/speechtest"
)

// callbot is the three-phrase grammar a collections campaign loads, as the
// SRGS-to-JSGF conversion renders it.
const callbot = "#JSGF V1.0;\ngrammar g;\npublic <root> = ( i already paid | call me back later | who is this ) ;\n"

// decodeAll runs one utterance in 20 ms writes and returns every
// alternative.
func decodeAll(t *testing.T, p *Pool, req Request, pcm []int16) []asr.Alternative {
	t.Helper()
	alts, _ := decodeWithPartials(t, p, req, pcm)
	return alts
}

// decodeWithPartials also returns the distinct partial hypotheses in the
// order they appeared.
func decodeWithPartials(t *testing.T, p *Pool, req Request, pcm []int16) ([]asr.Alternative, []string) {
	t.Helper()
	u, err := p.Start(req)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	defer u.Close()
	var partials []string
	for i := 0; i < len(pcm); i += 160 {
		if err := u.Write(pcm[i:min(i+160, len(pcm))]); err != nil {
			t.Fatalf("Write: %v", err)
		}
		if h := u.Partial(); h != "" && (len(partials) == 0 || partials[len(partials)-1] != h) {
			partials = append(partials, h)
		}
	}
	alts, err := u.Finish()
	if err != nil {
		t.Fatalf("Finish: %v", err)
	}
	return alts, partials
}

// describe renders everything a result carries, so that two results compare
// equal only if the decoder produced exactly the same thing.
func describe(alts []asr.Alternative) string {
	s := ""
	for _, a := range alts {
		s += fmt.Sprintf("[%q %.9f", a.Text, a.Confidence)
		for _, w := range a.Words {
			s += fmt.Sprintf(" %s@%v-%v:%.9f", w.Text, w.Start, w.End, w.Confidence)
		}
		s += "]"
	}
	return s
}

// TestReusedGrammarDecoderForgetsEarlierUtterances: one warm grammar decoder
// serves a run of different utterances, grammars and partial settings. Each
// must decode to its text, and to exactly what a new decoder makes of the
// same audio: pocketsphinx keeps its cepstral mean normalisation running
// from one utterance to the next (and turns batch normalisation into live
// normalisation for good after the first streaming pass), which once made
// "call me back later" decode to nothing after "i already paid".
func TestReusedGrammarDecoderForgetsEarlierUtterances(t *testing.T) {
	reused := testPool(t, 1, 0)
	warm := reused.grammar[0]
	// No idle decoders: every Start creates a new one, freed on Close.
	fresh := testPool(t, 0, 0)

	audio := map[string][]int16{}
	for _, say := range []string{"i already paid", "call me back later", "yes", "no", "one two three four"} {
		audio[say] = speechtest.Synthesize(t, say, 8000)
	}
	steps := []struct {
		grammar, say string
		partial      bool
	}{
		{callbot, "i already paid", true},
		{callbot, "call me back later", true},
		{callbot, "call me back later", false},
		{yesNo, "yes", false},
		{digits, "one two three four", true},
		{callbot, "i already paid", false},
		{yesNo, "no", true},
		{digits, "one two three four", false},
		{callbot, "call me back later", true},
		{callbot, "i already paid", true},
	}
	first := map[string]string{}
	for i, s := range steps {
		req := Request{SampleRate: 8000, JSGF: s.grammar, Partial: s.partial, NBest: 2}
		got, partials := decodeWithPartials(t, reused, req, audio[s.say])
		if got[0].Text != s.say {
			t.Errorf("step %d (partial %v): said %q, got %q", i, s.partial, s.say, got[0].Text)
		}
		want, wantPartials := decodeWithPartials(t, fresh, req, audio[s.say])
		if d := describe(got); d != describe(want) {
			t.Errorf("step %d: the reused decoder gave\n%s\na new decoder gave\n%s", i, d, describe(want))
		}
		if strings.Join(partials, "|") != strings.Join(wantPartials, "|") {
			t.Errorf("step %d: partials %q on the reused decoder, %q on a new one", i, partials, wantPartials)
		}
		// The streaming pass recognises 8 kHz speech from its first words.
		if s.partial && !slices.Contains(partials, strings.Fields(s.say)[0]) {
			t.Errorf("step %d: partials %q never show the first word of %q", i, partials, s.say)
		}
		// The final pass does not depend on the streaming pass either.
		key := s.grammar + "|" + s.say
		if prev, ok := first[key]; ok && prev != describe(got) {
			t.Errorf("step %d: %q decoded differently from its first time:\n%s\n%s", i, s.say, describe(got), prev)
		}
		first[key] = describe(got)
	}
	if g, _ := reused.Idle(); g != 1 || reused.grammar[0] != warm {
		t.Error("the warm decoder was not reused")
	}
}

// TestReusedFreeFormDecoderForgetsEarlierUtterances: the same audio decodes
// to exactly the same result on a new free-form decoder and on that decoder
// after another caller's utterance, with or without the streaming pass.
func TestReusedFreeFormDecoderForgetsEarlierUtterances(t *testing.T) {
	p := testPool(t, 0, 1)
	warm := p.freeForm[0]
	first := speechtest.Synthesize(t, "please call me back later", 8000)
	other := speechtest.Synthesize(t, "i already paid the bill", 8000)

	want := decodeAll(t, p, Request{SampleRate: 8000, Partial: true}, first)
	if want[0].Text == "" {
		t.Fatal("free-form decoding found no words")
	}
	decodeAll(t, p, Request{SampleRate: 8000, Partial: true}, other)
	for _, partial := range []bool{true, false} {
		got := decodeAll(t, p, Request{SampleRate: 8000, Partial: partial}, first)
		if describe(got) != describe(want) {
			t.Errorf("partial %v: after another utterance\n%s\nfirst time\n%s", partial, describe(got), describe(want))
		}
	}
	if _, f := p.Idle(); f != 1 || p.freeForm[0] != warm {
		t.Error("the warm decoder was not reused")
	}
}
