package recog

import (
	"testing"

	"github.com/mrcpd/mrcpd/mrcp"
)

func responseOf(t *testing.T, acts []Action) *mrcp.Message {
	t.Helper()
	for _, a := range acts {
		if r, ok := a.(SendResponse); ok {
			return r.Message
		}
	}
	t.Fatalf("no response in %v", summarize(t, acts))
	return nil
}

func startOf(t *testing.T, acts []Action) StartRecognition {
	t.Helper()
	for _, a := range acts {
		if s, ok := a.(StartRecognition); ok {
			return s
		}
	}
	t.Fatalf("no StartRecognition in %v", summarize(t, acts))
	return StartRecognition{}
}

func get(h *mrcp.Header, name string) string {
	v, _ := h.Get(name)
	return v
}

// RFC 6787 §9.9: request fields override SET-PARAMS for that request only;
// vendor attributes merge one by one.
func TestParameterInheritance(t *testing.T) {
	h := newHarness(t, Config{})
	wantActions(t, h.do(mrcp.MethodSetParams,
		"Confidence-Threshold", "0.7",
		"Vendor-Specific-Parameters", "com.example.a=1;com.example.b=2"), "response 1 200 COMPLETE")

	acts := h.send(h.request(mrcp.MethodRecognize, srgs, digitGrammar,
		"Cancel-If-Queue", "false", "Content-Id", "g@x",
		"Confidence-Threshold", "0.9",
		"Vendor-Specific-Parameters", "com.example.b=3;com.example.c=4")) // 2
	start := startOf(t, acts)
	if v := get(&start.Params, mrcp.HdrConfidenceThreshold); v != "0.9" {
		t.Errorf("request value lost: %q", v)
	}
	if v := get(&start.Params, mrcp.HdrVendorSpecificParameters); v != "com.example.a=1;com.example.b=3;com.example.c=4" {
		t.Errorf("vendor merge %q", v)
	}
	if v := get(&start.Params, mrcp.HdrNoInputTimeout); v != "5000" {
		t.Errorf("default lost: %q", v)
	}

	// SET-PARAMS while RECOGNIZING reaches neither the request in progress
	// nor the one already queued (§6.1.1: session values "do not override
	// ... requests that are IN-PROGRESS").
	queued := h.send(h.request(mrcp.MethodRecognize, srgs, digitGrammar, "Cancel-If-Queue", "false", "Content-Id", "g2@x")) // 3
	wantActions(t, summarize(t, queued), "response 3 200 PENDING")
	h.do(mrcp.MethodSetParams, "Confidence-Threshold", "0.2") // 4
	if v := get(&start.Params, mrcp.HdrConfidenceThreshold); v != "0.9" {
		t.Errorf("active parameters changed: %q", v)
	}
	acts = h.input(RecognitionComplete{RequestID: 2, Cause: mrcp.CauseSuccess})
	next := startOf(t, acts)
	if next.RequestID != 3 || get(&next.Params, mrcp.HdrConfidenceThreshold) != "0.7" {
		t.Errorf("queued request took %q, want the value when it arrived", get(&next.Params, mrcp.HdrConfidenceThreshold))
	}
	if v := get(&next.Params, mrcp.HdrVendorSpecificParameters); v != "com.example.a=1;com.example.b=2" {
		t.Errorf("request vendor values leaked into the session: %q", v)
	}
}

func TestSetParamsStatus(t *testing.T) {
	cases := []struct {
		name   string
		fields []string
		status int
		echoed []string
	}{
		{"all good", []string{"Confidence-Threshold", "0.3", "Logging-Tag", "call-7"}, 200, nil},
		{"request-level field ignored", []string{"Confidence-Threshold", "0.3", "Cancel-If-Queue", "false"}, 201, nil},
		{"syntax", []string{"Confidence-Threshold", "high"}, 404, []string{"Confidence-Threshold"}},
		{"unsupported field", []string{"Voice-Gender", "female"}, 403, []string{"Voice-Gender"}},
		{"unknown field", []string{"X-Whatever", "1"}, 403, []string{"X-Whatever"}},
		{"server-only field", []string{"Completion-Cause", "000 success"}, 403, []string{"Completion-Cause"}},
		{"enrollment field", []string{"Clash-Threshold", "0.5"}, 403, []string{"Clash-Threshold"}},
		{"unsupported value", []string{"Confidence-Threshold", "1.5"}, 409, []string{"Confidence-Threshold"}},
		// §6.1.1: "If both error 404 and another error have occurred, only
		// error 404 MUST be returned. If both errors 403 and 409 have
		// occurred, but not error 404, only error 403 MUST be returned."
		{"404 wins", []string{"Voice-Gender", "female", "N-Best-List-Length", "0", "No-Input-Timeout", "soon"}, 404, []string{"No-Input-Timeout"}},
		{"403 over 409", []string{"N-Best-List-Length", "0", "Voice-Gender", "female"}, 403, []string{"Voice-Gender"}},
		{"bad vendor list", []string{"Vendor-Specific-Parameters", "a=\"open"}, 404, []string{"Vendor-Specific-Parameters"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, Config{})
			resp := responseOf(t, h.send(h.request(mrcp.MethodSetParams, "", "", c.fields...)))
			if resp.StatusCode != c.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, c.status)
			}
			var echoed []string
			for _, f := range resp.Header.Fields() {
				if f.Name == mrcp.HdrChannelIdentifier {
					continue
				}
				echoed = append(echoed, f.Name)
				// §6.1.1: "exactly as they were sent from the client".
				for i := 0; i+1 < len(c.fields); i += 2 {
					if c.fields[i] == f.Name && c.fields[i+1] != f.Value {
						t.Errorf("%s echoed as %q, sent %q", f.Name, f.Value, c.fields[i+1])
					}
				}
			}
			if len(echoed) != len(c.echoed) || (len(echoed) > 0 && echoed[0] != c.echoed[0]) {
				t.Errorf("echoed %v, want %v", echoed, c.echoed)
			}
			if c.status >= 400 {
				// A refused SET-PARAMS changes nothing.
				if v, _ := h.m.Param(mrcp.HdrConfidenceThreshold); v != "0.5" {
					t.Errorf("refused SET-PARAMS changed Confidence-Threshold to %q", v)
				}
			}
		})
	}
}

func TestGetParams(t *testing.T) {
	h := newHarness(t, Config{})
	h.do(mrcp.MethodSetParams, "Speech-Language", "de-DE", "Vendor-Specific-Parameters", "com.x.a=1;com.x.b=\"two words\"") // 1

	t.Run("wildcard returns every session parameter", func(t *testing.T) {
		resp := responseOf(t, h.send(h.request(mrcp.MethodGetParams, "", "")))
		if resp.StatusCode != 200 {
			t.Fatalf("status %d", resp.StatusCode)
		}
		for name, want := range map[string]string{
			mrcp.HdrSpeechLanguage:           "de-DE",
			mrcp.HdrRecognitionTimeout:       "10000",
			mrcp.HdrNBestListLength:          "1",
			mrcp.HdrVendorSpecificParameters: `com.x.a=1;com.x.b="two words"`,
		} {
			if v := get(&resp.Header, name); v != want {
				t.Errorf("%s = %q, want %q", name, v, want)
			}
		}
	})
	t.Run("named vendor attributes", func(t *testing.T) {
		resp := responseOf(t, h.send(h.request(mrcp.MethodGetParams, "", "", "Vendor-Specific-Parameters", "com.x.b;com.x.missing")))
		if v := get(&resp.Header, mrcp.HdrVendorSpecificParameters); v != `com.x.b="two words"` {
			t.Errorf("vendor %q", v)
		}
	})
	t.Run("request-level fields are not returned", func(t *testing.T) {
		resp := responseOf(t, h.send(h.request(mrcp.MethodGetParams, "", "", "Input-Waveform-URI", "", "Speech-Language", "")))
		if resp.StatusCode != 200 || resp.Header.Has(mrcp.HdrInputWaveformURI) || get(&resp.Header, mrcp.HdrSpeechLanguage) != "de-DE" {
			t.Errorf("%d %v", resp.StatusCode, resp.Header.Fields())
		}
	})
	t.Run("unsupported fields: 403 without values", func(t *testing.T) {
		resp := responseOf(t, h.send(h.request(mrcp.MethodGetParams, "", "", "Voice-Gender", "", "Speech-Language", "")))
		if resp.StatusCode != 403 {
			t.Fatalf("status %d", resp.StatusCode)
		}
		v, ok := resp.Header.Get("Voice-Gender")
		if !ok || v != "" || resp.Header.Has(mrcp.HdrSpeechLanguage) {
			t.Errorf("fields %v", resp.Header.Fields())
		}
	})
	t.Run("never set", func(t *testing.T) {
		resp := responseOf(t, h.send(h.request(mrcp.MethodGetParams, "", "", "DTMF-Term-Char", "")))
		if v, ok := resp.Header.Get(mrcp.HdrDTMFTermChar); !ok || v != "" {
			t.Errorf("DTMF-Term-Char %q %v", v, ok)
		}
	})
}

func TestCustomDefaults(t *testing.T) {
	var d mrcp.Header
	d.Set(mrcp.HdrNoInputTimeout, "7000")
	d.Set(mrcp.HdrVendorSpecificParameters, "com.x.model=phone")
	h := newHarness(t, Config{Defaults: d})
	start := startOf(t, h.send(h.request(mrcp.MethodRecognize, srgs, digitGrammar, "Cancel-If-Queue", "false", "Content-Id", "g@x")))
	if get(&start.Params, mrcp.HdrNoInputTimeout) != "7000" || get(&start.Params, mrcp.HdrVendorSpecificParameters) != "com.x.model=phone" {
		t.Errorf("params %v", start.Params.Fields())
	}
	if start.Params.Has(mrcp.HdrRecognitionTimeout) {
		t.Error("custom defaults replace DefaultParams, they do not add to it")
	}
}

// START-INPUT-TIMERS starts the timers of a RECOGNIZE sent with
// Start-Input-Timers: false (§9.4.14, §9.13), once.
func TestStartInputTimers(t *testing.T) {
	h := newHarness(t, Config{})
	acts := h.send(h.request(mrcp.MethodRecognize, srgs, digitGrammar, "Cancel-If-Queue", "false", "Content-Id", "g@x", "Start-Input-Timers", "false"))
	if startOf(t, acts).InputTimers {
		t.Fatal("Start-Input-Timers: false started the timers")
	}
	wantActions(t, h.do(mrcp.MethodStartInputTimers), "timers 1", "response 2 200 COMPLETE")
	wantActions(t, h.do(mrcp.MethodStartInputTimers), "response 3 200 COMPLETE")
}

// Asterisk's res_speech_unimrcp: SET-PARAMS from its stock configuration
// first (it fails the channel unless the status is exactly 200), grammars
// by DEFINE-GRAMMAR, RECOGNIZE by session reference, unload by an empty
// DEFINE-GRAMMAR.
func TestAsteriskStyle(t *testing.T) {
	h := newHarness(t, Config{})
	wantActions(t, h.do(mrcp.MethodSetParams,
		"Start-Input-Timers", "TRUE",
		"Recognition-Timeout", "20000",
		"No-Input-Timeout", "15000"), "response 1 200 COMPLETE")
	// SpeechLoadGrammar(digits|builtin:grammar/digits)
	wantActions(t, h.doBody(mrcp.MethodDefineGrammar, "text/uri-list", "builtin:grammar/digits", "Content-Id", "digits"), "load 2")
	wantActions(t, h.in(GrammarsLoaded{RequestID: 2, Cause: mrcp.CauseSuccess}), "response 2 200 COMPLETE cause=000")
	acts := h.send(h.request(mrcp.MethodRecognize, "text/uri-list", "session:digits", "Cancel-If-Queue", "false")) // 3
	wantActions(t, summarize(t, acts), "start 3", "response 3 200 IN-PROGRESS")
	start := startOf(t, acts)
	if !start.InputTimers || get(&start.Params, mrcp.HdrRecognitionTimeout) != "20000" || get(&start.Params, mrcp.HdrNoInputTimeout) != "15000" {
		t.Errorf("inherited %v timers=%v", start.Params.Fields(), start.InputTimers)
	}
	if refs(start.Grammars) != "builtin:grammar/digits" {
		t.Errorf("grammars %s", refs(start.Grammars))
	}
	h.in(RecognitionComplete{RequestID: 3, Cause: mrcp.CauseSuccess, Body: []byte(nlsmlOne)})
	// SpeechUnloadGrammar(digits)
	wantActions(t, h.do(mrcp.MethodDefineGrammar, "Content-Id", "digits"), "response 4 200 COMPLETE cause=000")
	if _, ok := h.m.SessionGrammar("digits"); ok {
		t.Fatal("grammar still defined after unload")
	}

	// A stock configuration with Start-Input-Timers = FALSE holds the
	// timers back for every RECOGNIZE.
	h.do(mrcp.MethodSetParams, "Start-Input-Timers", "FALSE") // 5
	start = startOf(t, h.send(h.request(mrcp.MethodRecognize, srgs, digitGrammar, "Cancel-If-Queue", "false", "Content-Id", "g@x")))
	if start.InputTimers {
		t.Error("session Start-Input-Timers: FALSE not inherited")
	}
}

// FreeSWITCH's mod_unimrcp puts its settings, vendor parameters included,
// on the RECOGNIZE itself, with an inline grammar.
func TestFreeSwitchStyle(t *testing.T) {
	h := newHarness(t, Config{})
	acts := h.send(wireMessage(t, `MRCP/2.0 LEN RECOGNIZE 1
Channel-Identifier: 20a54ddb9b9740d6@speechrecog
Content-Type: application/srgs+xml
Content-Id: <request1@form-level.store>
Cancel-If-Queue: false
Start-Input-Timers: false
No-Input-Timeout: 5000
Recognition-Timeout: 15000
Speech-Complete-Timeout: 800
Confidence-Threshold: 0.5
Speech-Language: en-US
Vendor-Specific-Parameters: swirec_language_model_weight=0.3;com.nuance.confidence="high";speechtext=yes`, digitGrammar))
	wantActions(t, summarize(t, acts), "start 1", "response 1 200 IN-PROGRESS")
	start := startOf(t, acts)
	if start.InputTimers {
		t.Error("Start-Input-Timers: false started the timers")
	}
	if v := get(&start.Params, mrcp.HdrVendorSpecificParameters); v != "swirec_language_model_weight=0.3;com.nuance.confidence=high;speechtext=yes" {
		t.Errorf("vendor parameters %q", v)
	}
	// The prompt ends: mod_unimrcp sends START-INPUT-TIMERS.
	h.next = 2
	wantActions(t, h.do(mrcp.MethodStartInputTimers), "timers 1", "response 2 200 COMPLETE")
	wantActions(t, h.in(StartOfInput{RequestID: 1, InputType: "dtmf"}), "event START-OF-INPUT 1 IN-PROGRESS")
}
