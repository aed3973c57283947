package recognizer_test

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/mrcpd/mrcpd/mrcp"
	"github.com/mrcpd/mrcpd/mrcp/server/servertest"
)

// The engine is asked about a grammar once: a DEFINE-GRAMMAR checks it, a
// second definition of the same grammar and a RECOGNIZE that refers to it
// do not ask again, and a RECOGNIZE with a grammar never seen does.
func grammarChecks(t *testing.T, srv *servertest.Server) {
	const yesNo = `<?xml version="1.0"?>
<grammar xmlns="http://www.w3.org/2001/06/grammar" xml:lang="en-US" version="1.0" mode="voice" root="r">
  <rule id="r" scope="public"><one-of><item>yes</item><item>no</item></one-of></rule>
</grammar>`
	call := dialSpeech(t, srv)
	define := func(contentID string) {
		t.Helper()
		def := call.request(mrcp.MethodDefineGrammar, mrcp.HdrContentType, "application/srgs+xml", mrcp.HdrContentID, contentID)
		def.Body = []byte(yesNo)
		expectResponse(t, call.do(def), 200, mrcp.StateComplete)
	}
	define("a@checks.test")
	if n := checks(t, srv.Metrics); n != 1 {
		t.Fatalf("%d grammar checks after the first definition, want 1", n)
	}
	define("b@checks.test")
	call.recognize("text/uri-list", "session:a@checks.test", mrcp.HdrNoInputTimeout, "200")
	expectCause(t, call.wait(mrcp.EventRecognitionComplete, callTimeout), 2)
	if n := checks(t, srv.Metrics); n != 1 {
		t.Fatalf("%d grammar checks after a known grammar was defined again and used, want 1", n)
	}
	call.recognize("application/srgs+xml", `<?xml version="1.0"?>
<grammar xmlns="http://www.w3.org/2001/06/grammar" xml:lang="en-US" version="1.0" mode="voice" root="r">
  <rule id="r" scope="public"><one-of><item>left</item><item>right</item></one-of></rule>
</grammar>`, mrcp.HdrNoInputTimeout, "200")
	expectCause(t, call.wait(mrcp.EventRecognitionComplete, callTimeout), 2)
	if n := checks(t, srv.Metrics); n != 2 {
		t.Fatalf("%d grammar checks after a new inline grammar, want 2", n)
	}
}

// checks counts the engine's answers about grammars in the server's
// backend metrics.
func checks(t *testing.T, reg *prometheus.Registry) uint64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var n uint64
	for _, mf := range mfs {
		if mf.GetName() != "mrcpd_backend_call_seconds" {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "op" && l.GetValue() == "check_grammar" {
					n += m.GetHistogram().GetSampleCount()
				}
			}
		}
	}
	return n
}
