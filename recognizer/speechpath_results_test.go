package recognizer_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/mrcpd/mrcpd/grammar/semantic"
	"github.com/mrcpd/mrcpd/mrcp"
	"github.com/mrcpd/mrcpd/mrcp/server/servertest"
	"github.com/mrcpd/mrcpd/nlsml"
)

// Real speech through the whole path: espeak-ng speaks, the client streams
// it as real-time PCMU RTP, the server detects it, the built-in engine
// decodes it over its websocket against the grammar, and the result comes
// back as NLSML with the grammar's semantics.
func speechResults(t *testing.T, srv *servertest.Server) {
	for _, c := range []struct {
		say  string
		want bool
	}{{"yes", true}, {"no", false}} {
		t.Run("boolean/"+c.say, func(t *testing.T) {
			t.Parallel()
			call := dialSpeech(t, srv)
			rec := call.recognize("text/uri-list", "builtin:grammar/boolean",
				mrcp.HdrSpeechCompleteTimeout, "400", mrcp.HdrNoInputTimeout, "5000")
			call.play(speech(t, c.say, 300*time.Millisecond, 300*time.Millisecond))
			soi := call.wait(mrcp.EventStartOfInput, 5*time.Second)
			if v, _ := soi.Header.Get(mrcp.HdrInputType); v != "speech" || soi.RequestID != rec.RequestID {
				t.Fatalf("START-OF-INPUT:\n%s", soi.Marshal())
			}
			done := call.wait(mrcp.EventRecognitionComplete, 10*time.Second)
			expectCause(t, done, 0)
			res := nlsmlResult(t, done, nlsml.ContentType)
			in := res.Interpretations[0]
			// NLSML carries the instance as text.
			if got := in.Instance.String(); got != strconv.FormatBool(c.want) {
				t.Fatalf("instance %v, want %v\n%s", in.Instance, c.want, done.Body)
			}
			if in.Grammar != "builtin:grammar/boolean" || in.Input.Mode != "speech" || in.Input.Text == "" {
				t.Fatalf("interpretation %+v\n%s", in, done.Body)
			}
		})
	}

	// A four-digit code, as an IVR asks for a PIN. The length matters to
	// the built-in engine: with builtin:grammar/digits alone it hears
	// espeak-ng's "one two three four" as "one two oh three four".
	t.Run("digits", func(t *testing.T) {
		t.Parallel()
		call := dialSpeech(t, srv)
		call.recognize("text/uri-list", "builtin:grammar/digits?length=4",
			mrcp.HdrSpeechCompleteTimeout, "600")
		call.play(speech(t, "one two three four", 300*time.Millisecond, 300*time.Millisecond))
		done := call.wait(mrcp.EventRecognitionComplete, 10*time.Second)
		expectCause(t, done, 0)
		in := nlsmlResult(t, done, nlsml.ContentType).Interpretations[0]
		if got := in.Instance.String(); got != "1234" {
			t.Fatalf("instance %v, want 1234\n%s", in.Instance, done.Body)
		}
		if in.Input.Text != "one two three four" || in.Grammar != "builtin:grammar/digits?length=4" {
			t.Fatalf("interpretation %+v\n%s", in, done.Body)
		}
	})

	// N-Best-List-Length asks for alternatives (RFC 6787 §9.4.4): more
	// than one comes back, best first, each a valid interpretation of the
	// grammar (yes, yeah, yup ... all mean true).
	t.Run("n-best", func(t *testing.T) {
		t.Parallel()
		call := dialSpeech(t, srv)
		call.recognize("text/uri-list", "builtin:grammar/boolean",
			mrcp.HdrSpeechCompleteTimeout, "400", mrcp.HdrNBestListLength, "3")
		call.play(speech(t, "yes", 300*time.Millisecond, 300*time.Millisecond))
		done := call.wait(mrcp.EventRecognitionComplete, 10*time.Second)
		expectCause(t, done, 0)
		res := nlsmlResult(t, done, nlsml.ContentType)
		if n := len(res.Interpretations); n < 2 || n > 3 {
			t.Fatalf("%d interpretations, want 2-3\n%s", n, done.Body)
		}
		seen := map[string]bool{}
		for i, in := range res.Interpretations {
			if in.Instance.String() != "true" || in.Input.Text == "" || seen[in.Input.Text] || in.Confidence.Value < 0.1 {
				t.Fatalf("interpretation %d: %+v\n%s", i, in, done.Body)
			}
			seen[in.Input.Text] = true
			if i > 0 && in.Confidence.Value > res.Interpretations[i-1].Confidence.Value {
				t.Fatalf("interpretations not best first\n%s", done.Body)
			}
		}
	})

	// An inline SRGS grammar whose semantics/1.0 tags build an object.
	t.Run("inline-semantics", func(t *testing.T) {
		t.Parallel()
		call := dialSpeech(t, srv)
		call.recognize("application/srgs+xml", pizzaGrammar, mrcp.HdrSpeechCompleteTimeout, "500")
		call.play(speech(t, "two large pizzas", 300*time.Millisecond, 300*time.Millisecond))
		done := call.wait(mrcp.EventRecognitionComplete, 10*time.Second)
		expectCause(t, done, 0)
		in := nlsmlResult(t, done, nlsml.ContentType).Interpretations[0]
		want := semantic.NewObject()
		want.Set("count", semantic.String("2"))
		want.Set("size", semantic.String("large"))
		if !semantic.Equal(in.Instance, want) {
			t.Fatalf("instance %v, want %v\n%s", in.Instance, want, done.Body)
		}
	})
}

const pizzaGrammar = `<?xml version="1.0" encoding="UTF-8"?>
<grammar xmlns="http://www.w3.org/2001/06/grammar" xml:lang="en-US" version="1.0" mode="voice"
         root="order" tag-format="semantics/1.0">
  <rule id="order" scope="public">
    <ruleref uri="#count"/><tag>out.count = rules.count;</tag>
    <ruleref uri="#size"/><tag>out.size = rules.size;</tag>
    <one-of><item>pizza</item><item>pizzas</item></one-of>
  </rule>
  <rule id="count">
    <one-of>
      <item>one<tag>out = "1";</tag></item>
      <item>two<tag>out = "2";</tag></item>
      <item>three<tag>out = "3";</tag></item>
    </one-of>
  </rule>
  <rule id="size">
    <one-of>
      <item>small<tag>out = "small";</tag></item>
      <item>medium<tag>out = "medium";</tag></item>
      <item>large<tag>out = "large";</tag></item>
    </one-of>
  </rule>
</grammar>
`

// A server configured for application/x-nlsml labels results so, as
// UniMRCP-based clients expect (RFC 6787 §13.2.1 registers
// application/nlsml+xml).
func speechResultLegacyType(t *testing.T, srv *servertest.Server) {
	call := dialSpeech(t, srv)
	call.recognize("text/uri-list", "builtin:grammar/boolean", mrcp.HdrSpeechCompleteTimeout, "400")
	call.play(speech(t, "no", 300*time.Millisecond, 300*time.Millisecond))
	done := call.wait(mrcp.EventRecognitionComplete, 10*time.Second)
	expectCause(t, done, 0)
	in := nlsmlResult(t, done, nlsml.LegacyContentType).Interpretations[0]
	if got := in.Instance.String(); got != "false" {
		t.Fatalf("instance %v\n%s", got, done.Body)
	}
	// GET-RESULT returns the kept result with the same type (§9.14).
	resp := call.do(call.request(mrcp.MethodGetResult))
	expectResponse(t, resp, 200, mrcp.StateComplete)
	if ct, _ := resp.Header.Get(mrcp.HdrContentType); ct != nlsml.LegacyContentType || string(resp.Body) != string(done.Body) {
		t.Fatalf("GET-RESULT:\n%s", resp.Marshal())
	}
}
