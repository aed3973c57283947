package recog

import (
	"bytes"
	"strings"
	"testing"

	"github.com/mrcpd/mrcpd/mrcp"
)

// The recog trace: DEFINE-GRAMMAR, then RECOGNIZE naming it through a
// text/uri-list, START-OF-INPUT and RECOGNITION-COMPLETE with NLSML.
func TestTraceDefineGrammarThenRecognize(t *testing.T) {
	m, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	define := wireMessage(t, `MRCP/2.0 LEN DEFINE-GRAMMAR 1
Channel-Identifier: 20a54ddb9b9740d6@speechrecog
Content-Type: application/srgs+xml
Content-Id: request1@form-level`, digitGrammar)
	acts := m.Request(define)
	if len(acts) != 1 {
		t.Fatalf("DEFINE-GRAMMAR: %v", summarize(t, acts))
	}
	load, ok := acts[0].(LoadGrammars)
	if !ok || load.RequestID != 1 || len(load.Grammars) != 1 {
		t.Fatalf("DEFINE-GRAMMAR action %#v", acts[0])
	}
	g := load.Grammars[0]
	if g.ContentID != "request1@form-level" || g.ContentType != srgs || string(g.Body) != digitGrammar || g.URI != "" || g.Weight != 1 {
		t.Fatalf("grammar %+v", g)
	}
	if g.Ref() != "session:request1@form-level" {
		t.Fatalf("Ref() = %q", g.Ref())
	}
	if !m.Waiting() {
		t.Fatal("machine does not wait for the grammar verdict")
	}

	acts = m.Input(GrammarsLoaded{RequestID: 1, Cause: mrcp.CauseSuccess})
	wantActions(t, summarize(t, acts), "response 1 200 COMPLETE cause=000")
	resp := acts[0].(SendResponse).Message
	// Shape of trace frame 10.
	if got := string(resp.Marshal()); got != "MRCP/2.0 112 1 200 COMPLETE\r\nChannel-Identifier: 20a54ddb9b9740d6@speechrecog\r\nCompletion-Cause: 000 success\r\n\r\n" {
		t.Fatalf("DEFINE-GRAMMAR response on the wire:\n%q", got)
	}

	recognize := wireMessage(t, `MRCP/2.0 LEN RECOGNIZE 2
Channel-Identifier: 20a54ddb9b9740d6@speechrecog
Content-Type: text/uri-list
Cancel-If-Queue: false
No-Input-Timeout: 5000
Recognition-Timeout: 10000
Start-Input-Timers: true
Confidence-Threshold: 0.5
Save-Waveform: true`, "session:request1@form-level")
	acts = m.Request(recognize)
	wantActions(t, summarize(t, acts), "start 2")
	start := acts[0].(StartRecognition)
	// The response waits until the engine has the grammars (RFC 6787 §9.9).
	acts = m.Input(RecognitionStarted{RequestID: 2})
	wantActions(t, summarize(t, acts), "response 2 200 IN-PROGRESS")
	if got := string(acts[0].(SendResponse).Message.Marshal()); got != "MRCP/2.0 83 2 200 IN-PROGRESS\r\nChannel-Identifier: 20a54ddb9b9740d6@speechrecog\r\n\r\n" {
		t.Fatalf("RECOGNIZE response on the wire:\n%q", got)
	}
	if !start.InputTimers {
		t.Error("Start-Input-Timers: true did not start the timers")
	}
	if len(start.Grammars) != 1 || start.Grammars[0].ContentID != "request1@form-level" || !bytes.Equal(start.Grammars[0].Body, []byte(digitGrammar)) {
		t.Fatalf("session:request1@form-level resolved to %+v", start.Grammars)
	}
	for name, want := range map[string]string{
		mrcp.HdrNoInputTimeout:          "5000",
		mrcp.HdrRecognitionTimeout:      "10000",
		mrcp.HdrConfidenceThreshold:     "0.5",
		mrcp.HdrSaveWaveform:            "true",
		mrcp.HdrStartInputTimers:        "true",
		mrcp.HdrCancelIfQueue:           "false",
		mrcp.HdrSpeechCompleteTimeout:   "800", // inherited default
		mrcp.HdrNBestListLength:         "1",
		mrcp.HdrSpeechIncompleteTimeout: "1500",
	} {
		if got, _ := start.Params.Get(name); got != want {
			t.Errorf("effective %s = %q, want %q", name, got, want)
		}
	}
	for _, name := range []string{mrcp.HdrChannelIdentifier, mrcp.HdrContentType, mrcp.HdrContentLength} {
		if start.Params.Has(name) {
			t.Errorf("effective parameters carry message field %s", name)
		}
	}

	acts = m.Input(StartOfInput{RequestID: 2})
	wantActions(t, summarize(t, acts), "event START-OF-INPUT 2 IN-PROGRESS")
	soi := acts[0].(SendEvent).Message
	if v, _ := soi.Header.Get(mrcp.HdrInputType); v != "speech" {
		t.Errorf("Input-Type %q", v)
	}
	if v, _ := soi.Header.Get(mrcp.HdrProxySyncID); v == "" {
		t.Error("START-OF-INPUT without Proxy-Sync-Id")
	}

	acts = m.Input(RecognitionComplete{RequestID: 2, Cause: mrcp.CauseSuccess, ContentType: "application/x-nlsml", Body: []byte(nlsmlOne)})
	wantActions(t, summarize(t, acts), "event RECOGNITION-COMPLETE 2 COMPLETE cause=000")
	done := acts[0].(SendEvent).Message
	if ct, _ := done.Header.Get(mrcp.HdrContentType); ct != "application/x-nlsml" || string(done.Body) != nlsmlOne {
		t.Errorf("result %q %q", ct, done.Body)
	}
	// Save-Waveform was true and the engine gave no URI: §9.4.8 wants an
	// empty Waveform-URI.
	if v, ok := done.Header.Get(mrcp.HdrWaveformURI); !ok || v != "" {
		t.Errorf("Waveform-URI %q present=%v", v, ok)
	}
	if m.State() != Recognized {
		t.Errorf("state %v", m.State())
	}
}

// The dtmf trace: RECOGNIZE with Content-Id and a builtin: uri-list, ending
// in no-input-timeout.
func TestTraceDTMFBuiltin(t *testing.T) {
	m, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	acts := m.Request(wireMessage(t, `MRCP/2.0 LEN RECOGNIZE 1
Channel-Identifier: 201d157ec89a453e@speechrecog
Content-Id: request1@form-level
Content-Type: text/uri-list
Cancel-If-Queue: false`, "builtin:dtmf/digits"))
	wantActions(t, summarize(t, acts), "start 1")
	start := acts[0].(StartRecognition)
	wantActions(t, summarize(t, m.Input(RecognitionStarted{RequestID: 1})), "response 1 200 IN-PROGRESS")
	if len(start.Grammars) != 1 || start.Grammars[0].URI != "builtin:dtmf/digits" || start.Grammars[0].Body != nil {
		t.Fatalf("grammars %+v", start.Grammars)
	}
	// The Content-Id names the list, so it can be reused by reference.
	if g, ok := m.SessionGrammar("request1@form-level"); !ok || len(g) != 1 || g[0].URI != "builtin:dtmf/digits" {
		t.Fatalf("session grammar %+v %v", g, ok)
	}
	acts = m.Input(RecognitionComplete{RequestID: 1, Cause: mrcp.CauseNoInputTimeout})
	wantActions(t, summarize(t, acts), "event RECOGNITION-COMPLETE 1 COMPLETE cause=002")
	ev := acts[0].(SendEvent).Message
	if got := string(ev.Marshal()); got != "MRCP/2.0 138 RECOGNITION-COMPLETE 1 COMPLETE\r\nChannel-Identifier: 201d157ec89a453e@speechrecog\r\nCompletion-Cause: 002 no-input-timeout\r\n\r\n" {
		t.Fatalf("event on the wire:\n%q", got)
	}
}

// The params trace: SET-PARAMS / GET-PARAMS on the recognizer, answered
// exactly as the trace shows.
func TestTraceParams(t *testing.T) {
	m, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	exchange := []struct{ request, response string }{
		{`MRCP/2.0 LEN SET-PARAMS 1
Channel-Identifier: 91ac8247ef494927@speechrecog
Confidence-Threshold: 0.4
Sensitivity-Level: 0.531
Speed-Vs-Accuracy: 0.5
N-Best-List-Length: 5
No-Input-Timeout: 5000`, `MRCP/2.0 80 1 200 COMPLETE
Channel-Identifier: 91ac8247ef494927@speechrecog
`},
		{`MRCP/2.0 LEN GET-PARAMS 2
Channel-Identifier: 91ac8247ef494927@speechrecog
Confidence-Threshold: 
Sensitivity-Level: 
Speed-Vs-Accuracy: 
N-Best-List-Length: 
No-Input-Timeout: `, `MRCP/2.0 205 2 200 COMPLETE
Channel-Identifier: 91ac8247ef494927@speechrecog
Confidence-Threshold: 0.4
Sensitivity-Level: 0.531
Speed-Vs-Accuracy: 0.5
N-Best-List-Length: 5
No-Input-Timeout: 5000
`},
		{`MRCP/2.0 LEN SET-PARAMS 3
Channel-Identifier: 91ac8247ef494927@speechrecog
Recognition-Timeout: 5000
Speech-Complete-Timeout: 1000
Speech-Incomplete-Timeout: 2000
DTMF-Interdigit-Timeout: 3000`, `MRCP/2.0 80 3 200 COMPLETE
Channel-Identifier: 91ac8247ef494927@speechrecog
`},
		{`MRCP/2.0 LEN GET-PARAMS 4
Channel-Identifier: 91ac8247ef494927@speechrecog
Recognition-Timeout: 
Speech-Complete-Timeout: 
Speech-Incomplete-Timeout: 
DTMF-Interdigit-Timeout: `, `MRCP/2.0 203 4 200 COMPLETE
Channel-Identifier: 91ac8247ef494927@speechrecog
Recognition-Timeout: 5000
Speech-Complete-Timeout: 1000
Speech-Incomplete-Timeout: 2000
DTMF-Interdigit-Timeout: 3000
`},
		{`MRCP/2.0 LEN SET-PARAMS 5
Channel-Identifier: 91ac8247ef494927@speechrecog
Vendor-Specific-Parameters: confidencelevel=500;sensitivity=0.500;speedvsaccuracy=0.789;timeout=1000;swirec_application_name=UniMRCP;swirec_phoneme_lookahead_beam=-50`, `MRCP/2.0 80 5 200 COMPLETE
Channel-Identifier: 91ac8247ef494927@speechrecog
`},
		{`MRCP/2.0 LEN GET-PARAMS 6
Channel-Identifier: 91ac8247ef494927@speechrecog
Accept-Charset: 
Cache-Control: 
Logging-Tag: 
Vendor-Specific-Parameters: 
Fetch-Timeout: 
Set-Cookie: 
Set-Cookie2: `, `MRCP/2.0 345 6 200 COMPLETE
Channel-Identifier: 91ac8247ef494927@speechrecog
Accept-Charset: 
Cache-Control: 
Logging-Tag: 
Vendor-Specific-Parameters: confidencelevel=500;sensitivity=0.500;speedvsaccuracy=0.789;timeout=1000;swirec_application_name=UniMRCP;swirec_phoneme_lookahead_beam=-50
Fetch-Timeout: 
Set-Cookie: 
Set-Cookie2: 
`},
	}
	for _, x := range exchange {
		acts := m.Request(wireMessage(t, x.request, ""))
		if len(acts) != 1 {
			t.Fatalf("%s: %v", x.request, summarize(t, acts))
		}
		got := string(acts[0].(SendResponse).Message.Marshal())
		want := strings.ReplaceAll(x.response, "\n", "\r\n") + "\r\n"
		if got != want {
			t.Errorf("response:\n%s\nwant:\n%s", got, want)
		}
	}
}
