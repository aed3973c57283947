package recognizer_test

import (
	"testing"
	"time"

	"github.com/mrcpd/mrcpd/mrcp"
	"github.com/mrcpd/mrcpd/mrcp/server/servertest"
	"github.com/mrcpd/mrcpd/nlsml"
)

// Keys sent as RFC 4733 telephone-events against DTMF grammars.
func dtmfEvents(t *testing.T, srv *servertest.Server) {
	// Four keys complete builtin:dtmf/digits?length=4; the input is DTMF
	// from START-OF-INPUT on (RFC 6787 §9.4.5) and the result is a dtmf
	// NLSML result.
	t.Run("digits", func(t *testing.T) {
		t.Parallel()
		call := dialSpeech(t, srv)
		call.s.Silence(callTimeout)
		t.Cleanup(func() { call.s.Silence(0) })
		call.recognize("text/uri-list", "builtin:dtmf/digits?length=4", mrcp.HdrDTMFTermTimeout, "300")
		call.keys("1234")
		soi := call.wait(mrcp.EventStartOfInput, 5*time.Second)
		if v, _ := soi.Header.Get(mrcp.HdrInputType); v != "dtmf" {
			t.Fatalf("START-OF-INPUT:\n%s", soi.Marshal())
		}
		done := call.wait(mrcp.EventRecognitionComplete, 5*time.Second)
		expectDTMFResult(t, done, "builtin:dtmf/digits?length=4", "1234", "1 2 3 4")
	})

	// Keys pressed while the caller is speaking: the engine stream already
	// open is dropped and the keys decide (the default of
	// Vendor-Specific-Parameters dtmf-stops-speech).
	t.Run("keys-interrupt-speech", func(t *testing.T) {
		t.Parallel()
		call := dialSpeech(t, srv)
		call.recognize("text/uri-list", "builtin:grammar/digits\nbuiltin:dtmf/digits?length=2",
			mrcp.HdrDTMFTermTimeout, "300", mrcp.HdrNoInputTimeout, "5000")
		played := call.playAsync(speech(t, "seven", 300*time.Millisecond, 2*time.Second))
		soi := call.wait(mrcp.EventStartOfInput, 5*time.Second)
		if v, _ := soi.Header.Get(mrcp.HdrInputType); v != "speech" {
			t.Fatalf("START-OF-INPUT:\n%s", soi.Marshal())
		}
		call.keys("12")
		done := call.wait(mrcp.EventRecognitionComplete, 5*time.Second)
		expectDTMFResult(t, done, "builtin:dtmf/digits?length=2", "12", "1 2")
		if err := <-played; err != nil {
			t.Fatal(err)
		}
	})

	// §9.4.12: DTMF-Term-Char ends the input at once, without waiting for
	// DTMF-Interdigit-Timeout, and is not part of it.
	t.Run("term-char", func(t *testing.T) {
		t.Parallel()
		call := dialSpeech(t, srv)
		call.s.Silence(callTimeout)
		t.Cleanup(func() { call.s.Silence(0) })
		events := call.timedEvents()
		call.recognize("text/uri-list", "builtin:dtmf/digits",
			mrcp.HdrDTMFTermChar, "#", mrcp.HdrDTMFInterdigitTimeout, "5000", mrcp.HdrDTMFTermTimeout, "5000")
		call.keys("12#")
		sent := time.Now()
		done := call.nextTimed(events, mrcp.EventRecognitionComplete, 5*time.Second)
		if wait := done.at.Sub(sent); wait > 2*time.Second {
			t.Fatalf("completed %v after the terminating key: the 5 s interdigit timeout ran", wait)
		}
		expectDTMFResult(t, done.m, "builtin:dtmf/digits", "12", "1 2")
	})

	// §9.4.17: the caller stops half way through a four-digit code; after
	// DTMF-Interdigit-Timeout the input ends as 001 no-match with the keys
	// pressed as the rejected input.
	t.Run("interdigit-timeout", func(t *testing.T) {
		t.Parallel()
		call := dialSpeech(t, srv)
		call.s.Silence(callTimeout)
		t.Cleanup(func() { call.s.Silence(0) })
		events := call.timedEvents()
		call.recognize("text/uri-list", "builtin:dtmf/digits?length=4", mrcp.HdrDTMFInterdigitTimeout, "700")
		call.keys("12")
		sent := time.Now()
		done := call.nextTimed(events, mrcp.EventRecognitionComplete, 5*time.Second)
		if wait := done.at.Sub(sent); wait < 500*time.Millisecond {
			t.Fatalf("completed %v after the last key, before the 700 ms interdigit timeout", wait)
		}
		expectCause(t, done.m, 1)
		in := nlsmlResult(t, done.m, nlsml.ContentType).Interpretations[0]
		if !in.Input.NoMatch || in.Input.Mode != "dtmf" || in.Input.Text != "1 2" {
			t.Fatalf("input %+v\n%s", in.Input, done.m.Body)
		}
	})
}

// keys sends each key as a 100 ms RFC 4733 event.
func (c *speechCall) keys(keys string) {
	c.t.Helper()
	for i := 0; i < len(keys); i++ {
		if err := c.s.SendDTMF(keys[i], 100*time.Millisecond); err != nil {
			c.t.Fatalf("SendDTMF %c: %v", keys[i], err)
		}
	}
}

// expectDTMFResult checks a successful DTMF completion.
func expectDTMFResult(t *testing.T, done *mrcp.Message, grammarURI, instance, input string) {
	t.Helper()
	expectCause(t, done, 0)
	in := nlsmlResult(t, done, nlsml.ContentType).Interpretations[0]
	if in.Grammar != grammarURI || in.Instance.String() != instance || in.Input.Mode != "dtmf" || in.Input.Text != input {
		t.Fatalf("interpretation %+v, want %s -> %q from %q\n%s", in, grammarURI, instance, input, done.Body)
	}
}
