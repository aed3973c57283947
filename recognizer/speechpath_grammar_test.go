package recognizer_test

import (
	"strings"
	"testing"
	"time"

	"github.com/mrcpd/mrcpd/mrcp"
	"github.com/mrcpd/mrcpd/mrcp/server/servertest"
)

// Grammars that cannot be used, and where the client learns about it.
func grammarFailures(t *testing.T, srv *servertest.Server) {
	// A malformed inline grammar in RECOGNIZE. RFC 6787 §9.9 asks for a
	// 407 response with the Completion-Cause when the recognition cannot
	// start; the recog state machine answers RECOGNIZE 200 IN-PROGRESS
	// before the speech path compiles the grammars (mrcp/resource/recog
	// doc.go), so the failure arrives as RECOGNITION-COMPLETE 005
	// grammar-compilation-failure with the parser's reason, at once and
	// without any audio.
	t.Run("malformed-inline", func(t *testing.T) {
		t.Parallel()
		call := dialSpeech(t, srv)
		call.recognize("application/srgs+xml", `<?xml version="1.0"?>
<grammar xmlns="http://www.w3.org/2001/06/grammar" version="1.0" root="r"><rule id="r"><one-of><item>yes</item></rule></grammar>`)
		done := call.wait(mrcp.EventRecognitionComplete, 5*time.Second)
		expectCause(t, done, 5)
		reason, _ := done.Header.Get(mrcp.HdrCompletionReason)
		if reason == "" {
			t.Fatalf("no Completion-Reason:\n%s", done.Marshal())
		}
		t.Logf("Completion-Reason: %s", reason)
		// The session goes on: a good grammar works on the same channel.
		call.recognize("text/uri-list", "builtin:grammar/boolean", mrcp.HdrNoInputTimeout, "300")
		expectCause(t, call.wait(mrcp.EventRecognitionComplete, 5*time.Second), 2)
	})

	// DEFINE-GRAMMAR of a well-formed grammar with a word the engine's
	// pronunciation dictionary lacks. The speech path compiles grammars
	// itself and the engine sees them only when speech starts, so
	// DEFINE-GRAMMAR succeeds and the engine's refusal ends the recognition
	// that uses it: 006 recognizer-error, with a Completion-Reason that
	// names the word.
	t.Run("unknown-word", func(t *testing.T) {
		t.Parallel()
		call := dialSpeech(t, srv)
		def := call.request(mrcp.MethodDefineGrammar, mrcp.HdrContentType, "application/srgs+xml",
			mrcp.HdrContentID, "oov@speechpath.test")
		def.Body = []byte(`<?xml version="1.0"?>
<grammar xmlns="http://www.w3.org/2001/06/grammar" xml:lang="en-US" version="1.0" mode="voice" root="r">
  <rule id="r" scope="public"><one-of><item>yes</item><item>florbnitz</item></one-of></rule>
</grammar>`)
		resp := call.do(def)
		expectResponse(t, resp, 200, mrcp.StateComplete)
		call.recognize("text/uri-list", "session:oov@speechpath.test")
		call.play(speech(t, "yes", 300*time.Millisecond, 300*time.Millisecond))
		done := call.wait(mrcp.EventRecognitionComplete, 10*time.Second)
		expectCause(t, done, 6)
		reason, _ := done.Header.Get(mrcp.HdrCompletionReason)
		if !strings.Contains(reason, "florbnitz") {
			t.Fatalf("Completion-Reason does not name the word:\n%s", done.Marshal())
		}
		t.Logf("Completion-Reason: %s", reason)
	})
}
