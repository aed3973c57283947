package recognizer_test

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mrcpd/mrcpd/engine/speechtest"
	"github.com/mrcpd/mrcpd/mrcp"
	"github.com/mrcpd/mrcpd/mrcp/server/servertest"
	"github.com/mrcpd/mrcpd/nlsml"
	"github.com/mrcpd/mrcpd/nlu"
)

// callbotExamples are a handful per intent, as a campaign would write them.
var callbotExamples = map[string][]string{
	"already_paid": {"i already paid", "i paid yesterday", "the bill is paid", "we paid it last week",
		"payment was made already", "i have paid the invoice"},
	"call_back": {"call me back later", "can you call back tomorrow", "i am busy now call later",
		"ring me later please", "not a good time call back", "call me in an hour"},
	"who_is_this": {"who is this", "who are you", "who is calling", "what company is this",
		"why are you calling me", "who am i speaking to"},
}

// phraseGrammar is what a campaign loads beside its model: the phrases it
// expects, so that the recogniser decodes them reliably.
const phraseGrammar = `<?xml version="1.0"?>
<grammar xmlns="http://www.w3.org/2001/06/grammar" xml:lang="en-US" version="1.0" mode="voice" root="reply">
  <rule id="reply" scope="public">
    <one-of>
      <item>i already paid</item>
      <item>call me back later</item>
      <item>who is this</item>
    </one-of>
  </rule>
</grammar>`

func trainCallbot(t *testing.T) *nlu.Store {
	t.Helper()
	ds := &nlu.Dataset{}
	for intent, texts := range callbotExamples {
		for _, text := range texts {
			ds.Examples = append(ds.Examples, nlu.Example{Text: text, Intent: intent})
		}
	}
	m, err := nlu.Train(ds, nlu.Config{})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "callbot.json")
	if err := m.Save(path); err != nil {
		t.Fatal(err)
	}
	store := nlu.NewStore(nil)
	if err := store.Add("callbot", path); err != nil {
		t.Fatal(err)
	}
	return store
}

// TestSpeechToIntent: real speech (espeak-ng) streamed as RTP, recognised
// by the built-in engine, classified by a model attached per request: the
// RECOGNITION-COMPLETE carries the transcript in <input> and the intent in
// <instance><nlu>.
func TestSpeechToIntent(t *testing.T) {
	srv := servertest.Start(t, servertest.Options{RTPMin: 23900, RTPMax: 23919, NLU: trainCallbot(t)})
	cases := []struct{ say, intent string }{
		{"I already paid", "already_paid"},
		{"Call me back later", "call_back"},
	}
	for _, tc := range cases {
		t.Run(tc.intent, func(t *testing.T) {
			c := dialSpeech(t, srv)
			// The built-in engine's confidence ranks hypotheses but is not a
			// calibrated probability (docs/engine.md); recognize() sets a
			// lenient Confidence-Threshold, as RFC 6787 §9.4.1 expects
			// clients to tune it per server.
			c.recognize("application/srgs+xml", phraseGrammar,
				mrcp.HdrVendorSpecificParameters, "mrcpd.nlu-model=callbot")
			c.play(speechtest.Synthesize(t, tc.say, 8000))
			ev := c.wait(mrcp.EventRecognitionComplete, 20*time.Second)
			if cause := completionCause(t, ev); cause != 0 {
				t.Fatalf("cause %d\n%s", cause, ev.Body)
			}
			res, err := nlsml.Parse(ev.Body, nlsml.WithExtensions("nlu"))
			if err != nil || len(res.Interpretations) == 0 {
				t.Fatalf("NLSML: %v\n%s", err, ev.Body)
			}
			in := res.Interpretations[0]
			if got := strings.ToLower(in.Input.Text); got != strings.ToLower(tc.say) {
				t.Errorf("transcript %q, want %q", got, strings.ToLower(tc.say))
			}
			if !strings.Contains(in.RawInstance, "<intent>"+tc.intent+"</intent>") {
				t.Fatalf("instance lacks intent %s:\n%s", tc.intent, ev.Body)
			}
			if !strings.Contains(in.RawInstance, "<model>callbot</model>") {
				t.Errorf("instance does not name the model:\n%s", ev.Body)
			}
		})
	}
}

// TestInterpretClassifiesText: INTERPRET with Interpret-Text and the
// builtin:nlu/<model> grammar classifies the text directly (RFC 6787 §9.20),
// entities included.
func TestInterpretClassifiesText(t *testing.T) {
	srv := servertest.Start(t, servertest.Options{RTPMin: 23920, RTPMax: 23929, NLU: trainCallbot(t)})
	c := dialSpeech(t, srv)
	cases := []struct{ text, intent, entity string }{
		{"um i paid it yesterday", "already_paid", "<type>date</type>"},
		{"call me back tomorrow at five pm", "call_back", "<value>17:00</value>"},
		{"who am i talking to", "who_is_this", ""},
	}
	interpret := func(text, grammar string) *mrcp.Message {
		t.Helper()
		req := c.request(mrcp.MethodInterpret, mrcp.HdrInterpretText, text, mrcp.HdrContentType, "text/uri-list")
		req.Body = []byte(grammar)
		expectResponse(t, c.do(req), 200, mrcp.StateInProgress)
		return c.wait(mrcp.EventInterpretationComplete, 10*time.Second)
	}
	for _, tc := range cases {
		ev := interpret(tc.text, "builtin:nlu/callbot")
		body := string(ev.Body)
		if cause := completionCause(t, ev); cause != 0 {
			t.Fatalf("%q: cause %d\n%s", tc.text, cause, body)
		}
		if !strings.Contains(body, "<intent>"+tc.intent+"</intent>") {
			t.Errorf("%q: want intent %s:\n%s", tc.text, tc.intent, body)
		}
		if tc.entity != "" && !strings.Contains(body, tc.entity) {
			t.Errorf("%q: want entity %s:\n%s", tc.text, tc.entity, body)
		}
	}
	// A model the server does not have is a grammar that cannot be loaded.
	if cause := completionCause(t, interpret("hello", "builtin:nlu/nosuchmodel")); cause != 4 {
		t.Errorf("unknown model: cause %d, want 004 grammar-load-failure", cause)
	}
}
