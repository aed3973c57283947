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
	// A malformed inline grammar in RECOGNIZE: RFC 6787 §9.9 asks for a 407
	// response with the Completion-Cause, here 005
	// grammar-compilation-failure with the parser's reason.
	t.Run("malformed-inline", func(t *testing.T) {
		t.Parallel()
		call := dialSpeech(t, srv)
		resp := call.recognizeFails("application/srgs+xml", `<?xml version="1.0"?>
<grammar xmlns="http://www.w3.org/2001/06/grammar" version="1.0" root="r"><rule id="r"><one-of><item>yes</item></rule></grammar>`)
		expectCause(t, resp, 5)
		reason, _ := resp.Header.Get(mrcp.HdrCompletionReason)
		if !strings.Contains(reason, "syntax error") {
			t.Fatalf("Completion-Reason does not say what is wrong:\n%s", resp.Marshal())
		}
		t.Logf("Completion-Reason: %s", reason)
		// The session goes on: a good grammar works on the same channel.
		call.recognize("text/uri-list", "builtin:grammar/boolean", mrcp.HdrNoInputTimeout, "300")
		expectCause(t, call.wait(mrcp.EventRecognitionComplete, 5*time.Second), 2)
	})

	// A referenced grammar the server may not fetch (this server's
	// allow-list has no http): 407 with 009 uri-failure, before any fetch.
	t.Run("uri-not-allowed", func(t *testing.T) {
		t.Parallel()
		call := dialSpeech(t, srv)
		resp := call.recognizeFails("text/uri-list", "http://127.0.0.1:9/nothing-listens-here.grxml")
		expectCause(t, resp, 9)
		if reason, _ := resp.Header.Get(mrcp.HdrCompletionReason); !strings.Contains(reason, "not allowed") {
			t.Fatalf("Completion-Reason does not say why:\n%s", resp.Marshal())
		}
	})

	// A well-formed grammar with a word the engine's pronunciation
	// dictionary lacks. The engine is asked about every new grammar, so
	// DEFINE-GRAMMAR fails with 407 and 005, naming the word; a RECOGNIZE
	// carrying the same grammar inline fails the same way, before any audio.
	t.Run("unknown-word", func(t *testing.T) {
		t.Parallel()
		call := dialSpeech(t, srv)
		const oov = `<?xml version="1.0"?>
<grammar xmlns="http://www.w3.org/2001/06/grammar" xml:lang="en-US" version="1.0" mode="voice" root="r">
  <rule id="r" scope="public"><one-of><item>yes</item><item>florbnitz</item></one-of></rule>
</grammar>`
		def := call.request(mrcp.MethodDefineGrammar, mrcp.HdrContentType, "application/srgs+xml",
			mrcp.HdrContentID, "oov@speechpath.test")
		def.Body = []byte(oov)
		resp := call.do(def)
		expectResponse(t, resp, 407, mrcp.StateComplete)
		expectCause(t, resp, 5)
		if reason, _ := resp.Header.Get(mrcp.HdrCompletionReason); !strings.Contains(reason, "florbnitz") {
			t.Fatalf("Completion-Reason does not name the word:\n%s", resp.Marshal())
		}
		// The refused definition is not bound: referring to it is a uri-failure.
		expectCause(t, call.recognizeFails("text/uri-list", "session:oov@speechpath.test"), 9)

		resp = call.recognizeFails("application/srgs+xml", oov)
		expectCause(t, resp, 5)
		if reason, _ := resp.Header.Get(mrcp.HdrCompletionReason); !strings.Contains(reason, "florbnitz") {
			t.Fatalf("Completion-Reason does not name the word:\n%s", resp.Marshal())
		}
		t.Logf("%s", resp.Marshal())
	})
}
