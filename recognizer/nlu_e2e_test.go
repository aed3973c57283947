package recognizer_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mrcpd/mrcpd/engine/speechtest"
	"github.com/mrcpd/mrcpd/mrcp"
	"github.com/mrcpd/mrcpd/mrcp/client"
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
	for _, c := range cases {
		t.Run(c.intent, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 40*time.Second)
			defer cancel()
			s, err := client.Dial(ctx, client.Options{Server: srv.SIPUDPAddr()})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close(context.Background())
			ch := s.Channel(mrcp.ResourceSpeechRecog)
			rec := ch.NewRequest(mrcp.MethodRecognize)
			rec.Header.Set(mrcp.HdrContentType, "application/srgs+xml")
			rec.Header.Set(mrcp.HdrContentID, "replies@callbot")
			rec.Header.Set(mrcp.HdrCancelIfQueue, "false")
			rec.Header.Set(mrcp.HdrVendorSpecificParameters, "mrcpd.nlu-model=callbot")
			// The built-in engine's confidence ranks hypotheses but is not a
			// calibrated probability (docs/engine.md); RFC 6787 §9.4.1 leaves
			// clients to tune the threshold per server.
			rec.Header.Set(mrcp.HdrConfidenceThreshold, "0.2")
			rec.Body = []byte(phraseGrammar)
			if resp, err := ch.Do(ctx, rec); err != nil || resp.StatusCode != 200 {
				t.Fatalf("RECOGNIZE: %v %+v", err, resp)
			}
			speech := speechtest.Synthesize(t, c.say, 8000)
			if err := s.PlayPCM(ctx, speech, 8000, true); err != nil {
				t.Fatal(err)
			}
			s.Silence(3 * time.Second)
			ev, err := ch.WaitEvent(ctx, mrcp.EventRecognitionComplete)
			if err != nil {
				t.Fatal(err)
			}
			if cause, _ := ev.Header.Get(mrcp.HdrCompletionCause); !strings.HasPrefix(cause, "000") {
				t.Fatalf("cause %q\n%s", cause, ev.Body)
			}
			res, err := nlsml.Parse(ev.Body, nlsml.WithExtensions("nlu"))
			if err != nil {
				t.Fatalf("NLSML: %v\n%s", err, ev.Body)
			}
			if len(res.Interpretations) == 0 {
				t.Fatalf("no interpretation\n%s", ev.Body)
			}
			in := res.Interpretations[0]
			if got := strings.ToLower(in.Input.Text); got != strings.ToLower(c.say) {
				t.Errorf("transcript %q, want %q", got, strings.ToLower(c.say))
			}
			if !strings.Contains(in.RawInstance, "<intent>"+c.intent+"</intent>") {
				t.Fatalf("instance lacks intent %s:\n%s", c.intent, ev.Body)
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
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	s, err := client.Dial(ctx, client.Options{Server: srv.SIPUDPAddr()})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(context.Background())
	ch := s.Channel(mrcp.ResourceSpeechRecog)
	cases := []struct{ text, intent, entity string }{
		{"um i paid it yesterday", "already_paid", "<type>date</type>"},
		{"call me back tomorrow at five pm", "call_back", "<value>17:00</value>"},
		{"who am i talking to", "who_is_this", ""},
	}
	for _, c := range cases {
		req := ch.NewRequest(mrcp.MethodInterpret)
		req.Header.Set(mrcp.HdrInterpretText, c.text)
		req.Header.Set(mrcp.HdrContentType, "text/uri-list")
		req.Body = []byte("builtin:nlu/callbot")
		resp, err := ch.Do(ctx, req)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("INTERPRET: %v %+v", err, resp)
		}
		ev, err := ch.WaitEvent(ctx, mrcp.EventInterpretationComplete)
		if err != nil {
			t.Fatal(err)
		}
		body := string(ev.Body)
		if cause, _ := ev.Header.Get(mrcp.HdrCompletionCause); !strings.HasPrefix(cause, "000") {
			t.Fatalf("%q: cause %q\n%s", c.text, cause, body)
		}
		if !strings.Contains(body, "<intent>"+c.intent+"</intent>") {
			t.Errorf("%q: want intent %s:\n%s", c.text, c.intent, body)
		}
		if c.entity != "" && !strings.Contains(body, c.entity) {
			t.Errorf("%q: want entity %s:\n%s", c.text, c.entity, body)
		}
	}
	// A model the server does not have is a grammar that cannot be loaded.
	req := ch.NewRequest(mrcp.MethodInterpret)
	req.Header.Set(mrcp.HdrInterpretText, "hello")
	req.Header.Set(mrcp.HdrContentType, "text/uri-list")
	req.Body = []byte("builtin:nlu/nosuchmodel")
	if _, err := ch.Do(ctx, req); err != nil {
		t.Fatal(err)
	}
	ev, err := ch.WaitEvent(ctx, mrcp.EventInterpretationComplete)
	if err != nil {
		t.Fatal(err)
	}
	if cause, _ := ev.Header.Get(mrcp.HdrCompletionCause); !strings.HasPrefix(cause, "004") {
		t.Errorf("unknown model: cause %q, want 004 grammar-load-failure", cause)
	}
}
