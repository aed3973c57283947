package sphinx

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mrcpd/mrcpd/engine/speechtest"
)

const (
	yesNo  = "#JSGF V1.0;\ngrammar yesno;\npublic <answer> = yes | no ;\n"
	digits = "#JSGF V1.0;\ngrammar digits;\npublic <digits> = <digit>+ ;\n<digit> = zero | one | two | three | four | five | six | seven | eight | nine ;\n"
)

func testPool(t testing.TB, grammar, freeForm int) *Pool {
	t.Helper()
	p, err := NewPool(PoolConfig{Grammar: grammar, FreeForm: freeForm})
	if err != nil {
		t.Fatalf("%v (`make test` installs libpocketsphinx-dev and pocketsphinx-en-us)", err)
	}
	t.Cleanup(p.Close)
	return p
}

func decode(t testing.TB, p *Pool, req Request, pcm []int16) string {
	t.Helper()
	u, err := p.Start(req)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	defer u.Close()
	for i := 0; i < len(pcm); i += 160 {
		if err := u.Write(pcm[i:min(i+160, len(pcm))]); err != nil {
			t.Fatalf("Write: %v", err)
		}
	}
	alts, err := u.Finish()
	if err != nil {
		t.Fatalf("Finish: %v", err)
	}
	if len(alts) == 0 {
		t.Fatal("no alternatives")
	}
	return alts[0].Text
}

func TestGrammarDecodingAtBothRates(t *testing.T) {
	p := testPool(t, 1, 0)
	for _, rate := range []int{8000, 16000} {
		for _, word := range []string{"yes", "no"} {
			pcm := speechtest.Synthesize(t, word, rate)
			if got := decode(t, p, Request{SampleRate: rate, JSGF: yesNo}, pcm); got != word {
				t.Errorf("%d Hz: said %q, got %q", rate, word, got)
			}
		}
	}
}

func TestGrammarSwitchOnOneWarmDecoder(t *testing.T) {
	p := testPool(t, 1, 0)
	warm := p.grammar[0]
	yes := speechtest.Synthesize(t, "yes", 8000)
	count := speechtest.Synthesize(t, "one two three four", 8000)
	for range 2 {
		if got := decode(t, p, Request{SampleRate: 8000, JSGF: yesNo}, yes); got != "yes" {
			t.Errorf("yes/no grammar: %q", got)
		}
		if got := decode(t, p, Request{SampleRate: 8000, JSGF: digits, Partial: true}, count); got != "one two three four" {
			t.Errorf("digits grammar: %q", got)
		}
	}
	if g, _ := p.Idle(); g != 1 || p.grammar[0] != warm {
		t.Error("the warm decoder was not reused")
	}
}

func TestOutOfVocabularyWordIsAClearError(t *testing.T) {
	p := testPool(t, 1, 0)
	_, err := p.Start(Request{SampleRate: 8000, JSGF: "#JSGF V1.0; grammar g; public <r> = yes | florbnitz | no | qwxzy ;"})
	var ge *GrammarError
	if !errors.As(err, &ge) || strings.Join(ge.OutOfVocabulary, ",") != "florbnitz,qwxzy" {
		t.Fatalf("got %v", err)
	}
	if !strings.Contains(err.Error(), `"florbnitz", "qwxzy"`) {
		t.Errorf("message %q does not name the words", err)
	}
	// The decoder went back to the pool and still works.
	if g, _ := p.Idle(); g != 1 {
		t.Fatalf("idle decoders %d", g)
	}
	if got := decode(t, p, Request{SampleRate: 8000, JSGF: yesNo}, speechtest.Synthesize(t, "no", 8000)); got != "no" {
		t.Errorf("after the error: %q", got)
	}
}

func TestBadGrammarsAreRejected(t *testing.T) {
	p := testPool(t, 1, 0)
	for _, g := range []string{
		"#JSGF V1.0; grammar g; public <r> = ( yes | no ;",
		"#JSGF V1.0; grammar g; <r> = yes ;",
		"this is not jsgf",
		"#JSGF V1.0; grammar g; public <r> = <missing> ;",
		"#JSGF V1.0; grammar g; import <other.rule>; public <r> = <other.rule> ;",
	} {
		_, err := p.Start(Request{SampleRate: 8000, JSGF: g})
		var ge *GrammarError
		if !errors.As(err, &ge) {
			t.Errorf("%q: %v", g, err)
		}
	}
}

func TestRequestLimits(t *testing.T) {
	p := testPool(t, 1, 0)
	if _, err := p.Start(Request{SampleRate: 11025, JSGF: yesNo}); err == nil {
		t.Error("11025 Hz accepted")
	}
	u, err := p.Start(Request{SampleRate: 8000, JSGF: yesNo, MaxAudio: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer u.Close()
	if err := u.Write(make([]int16, 800)); err != nil {
		t.Fatal(err)
	}
	if err := u.Write(make([]int16, 800)); err == nil {
		t.Error("audio beyond MaxAudio accepted")
	}
	if _, err := u.Finish(); err != nil {
		t.Fatal(err)
	}
	if _, err := u.Finish(); !errors.Is(err, ErrFinished) {
		t.Errorf("second Finish: %v", err)
	}
	if err := u.Write(make([]int16, 10)); !errors.Is(err, ErrFinished) {
		t.Errorf("Write after Finish: %v", err)
	}
}

func TestSilenceGivesEmptyResult(t *testing.T) {
	p := testPool(t, 1, 0)
	u, err := p.Start(Request{SampleRate: 8000, JSGF: yesNo})
	if err != nil {
		t.Fatal(err)
	}
	defer u.Close()
	if err := u.Write(make([]int16, 8000)); err != nil {
		t.Fatal(err)
	}
	alts, err := u.Finish()
	if err != nil {
		t.Fatal(err)
	}
	if alts[0].Text != "" || alts[0].Confidence != 0 {
		t.Errorf("silence recognised as %+v", alts[0])
	}
}

func TestConcurrentUtterances(t *testing.T) {
	p := testPool(t, 2, 0)
	audio := map[string][]int16{"yes": speechtest.Synthesize(t, "yes", 8000), "no": speechtest.Synthesize(t, "no", 8000)}
	var wg sync.WaitGroup
	errs := make(chan string, 6)
	for i := range 6 {
		word := []string{"yes", "no"}[i%2]
		wg.Add(1)
		go func() {
			defer wg.Done()
			if got := decode(t, p, Request{SampleRate: 8000, JSGF: yesNo, Partial: i%3 == 0}, audio[word]); got != word {
				errs <- word + " -> " + got
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

// TestFinishAcceptsAnyLength: the final pass sizes its own feature buffer;
// lengths around the 10 ms frame shift, and none at all, decode without
// error.
func TestFinishAcceptsAnyLength(t *testing.T) {
	p := testPool(t, 1, 0)
	speech := speechtest.Synthesize(t, "one two", 16000)
	for _, n := range []int{0, 1, 159, 160, 161, 399, 400, 401, 12345, len(speech)} {
		u, err := p.Start(Request{SampleRate: 16000, JSGF: digits})
		if err != nil {
			t.Fatal(err)
		}
		if err := u.Write(speech[:min(n, len(speech))]); err != nil {
			t.Fatalf("%d samples: %v", n, err)
		}
		if _, err := u.Finish(); err != nil {
			t.Errorf("%d samples: %v", n, err)
		}
		u.Close()
	}
	if g, _ := p.Idle(); g != 1 {
		t.Errorf("the decoder was retired: %d idle", g)
	}
}
