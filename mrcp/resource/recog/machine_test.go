package recog

import (
	"fmt"
	"strings"
	"testing"

	"github.com/mrcpd/mrcpd/mrcp"
)

// setups bring a fresh machine into each state through real requests and
// engine reports, and return the request-id in progress (0 when none).
var setups = map[string]func(h *harness) uint32{
	"IDLE": func(h *harness) uint32 { return 0 },
	"RECOGNIZING": func(h *harness) uint32 {
		h.recognizeInline("false")
		return h.next - 1
	},
	"RECOGNIZING cancel-if-queue": func(h *harness) uint32 {
		h.recognizeInline("true")
		return h.next - 1
	},
	"RECOGNIZED": func(h *harness) uint32 {
		h.recognizeInline("false")
		h.in(RecognitionComplete{RequestID: h.next - 1, Cause: mrcp.CauseSuccess, Body: []byte(nlsmlOne)})
		return 0
	},
	"INTERPRETING": func(h *harness) uint32 {
		h.doBody(mrcp.MethodInterpret, srgs, digitGrammar, "Interpret-Text", "one", "Content-Id", "i@x")
		return h.next - 1
	},
}

// Every method in every state: the actions and the state that follows.
func TestMethodInEveryState(t *testing.T) {
	type outcome struct {
		actions []string // {id}: the request's id, {active}: the one in progress
		state   State
	}
	send := map[string]func(h *harness) []string{
		"SET-PARAMS": func(h *harness) []string { return h.do(mrcp.MethodSetParams, "Confidence-Threshold", "0.6") },
		"GET-PARAMS": func(h *harness) []string { return h.do(mrcp.MethodGetParams) },
		"DEFINE-GRAMMAR": func(h *harness) []string {
			return h.doBody(mrcp.MethodDefineGrammar, srgs, digitGrammar, "Content-Id", "d@x")
		},
		"RECOGNIZE": func(h *harness) []string { return h.recognizeInline("false") },
		"INTERPRET": func(h *harness) []string {
			return h.doBody(mrcp.MethodInterpret, srgs, digitGrammar, "Interpret-Text", "two", "Content-Id", "i2@x")
		},
		"GET-RESULT":         func(h *harness) []string { return h.do(mrcp.MethodGetResult) },
		"START-INPUT-TIMERS": func(h *harness) []string { return h.do(mrcp.MethodStartInputTimers) },
		"STOP":               func(h *harness) []string { return h.do(mrcp.MethodStop) },
		"SPEAK":              func(h *harness) []string { return h.do(mrcp.MethodSpeak) },
		"START-PHRASE-ENROLLMENT": func(h *harness) []string {
			return h.do(mrcp.MethodStartPhraseEnrollment, "Personal-Grammar-URI", "http://example.com/p")
		},
		"FROBNICATE": func(h *harness) []string { return h.do("FROBNICATE") },
	}
	ok := func(st State) outcome { return outcome{[]string{"response {id} 200 COMPLETE"}, st} }
	status := func(code int, st State) outcome {
		return outcome{[]string{fmt.Sprintf("response {id} %d COMPLETE", code)}, st}
	}
	inProgress := func(action string, st State) outcome {
		if action == "start" {
			return outcome{[]string{"start {id}", "response {id} 200 IN-PROGRESS"}, st}
		}
		return outcome{[]string{"response {id} 200 IN-PROGRESS", action + " {id}"}, st}
	}
	table := map[string]map[string]outcome{
		"IDLE": {
			"SET-PARAMS":         ok(Idle),
			"GET-PARAMS":         ok(Idle),
			"DEFINE-GRAMMAR":     {[]string{"load {id}"}, Idle},
			"RECOGNIZE":          inProgress("start", Recognizing),
			"INTERPRET":          inProgress("interpret", Interpreting),
			"GET-RESULT":         status(402, Idle),
			"START-INPUT-TIMERS": status(402, Idle),
			"STOP":               ok(Idle),
		},
		"RECOGNIZING": {
			"SET-PARAMS":         ok(Recognizing),
			"GET-PARAMS":         ok(Recognizing),
			"DEFINE-GRAMMAR":     status(402, Recognizing),
			"RECOGNIZE":          {[]string{"response {id} 200 PENDING"}, Recognizing},
			"INTERPRET":          status(402, Recognizing),
			"GET-RESULT":         status(402, Recognizing),
			"START-INPUT-TIMERS": ok(Recognizing),
			"STOP":               {[]string{"stop {active}"}, Recognizing},
		},
		"RECOGNIZING cancel-if-queue": {
			"SET-PARAMS":         ok(Recognizing),
			"GET-PARAMS":         ok(Recognizing),
			"DEFINE-GRAMMAR":     status(402, Recognizing),
			"RECOGNIZE":          {[]string{"stop {active}"}, Recognizing},
			"INTERPRET":          status(402, Recognizing),
			"GET-RESULT":         status(402, Recognizing),
			"START-INPUT-TIMERS": ok(Recognizing),
			"STOP":               {[]string{"stop {active}"}, Recognizing},
		},
		"RECOGNIZED": {
			"SET-PARAMS":         ok(Recognized),
			"GET-PARAMS":         ok(Recognized),
			"DEFINE-GRAMMAR":     {[]string{"load {id}"}, Idle},
			"RECOGNIZE":          inProgress("start", Recognizing),
			"INTERPRET":          inProgress("interpret", Interpreting),
			"GET-RESULT":         ok(Recognized),
			"START-INPUT-TIMERS": status(402, Recognized),
			"STOP":               ok(Idle),
		},
		"INTERPRETING": {
			"SET-PARAMS":         ok(Interpreting),
			"GET-PARAMS":         ok(Interpreting),
			"DEFINE-GRAMMAR":     status(402, Interpreting),
			"RECOGNIZE":          status(402, Interpreting),
			"INTERPRET":          status(402, Interpreting),
			"GET-RESULT":         status(402, Interpreting),
			"START-INPUT-TIMERS": status(402, Interpreting),
			"STOP":               {[]string{"stop-interpret {active}"}, Interpreting},
		},
	}
	for stateName, row := range table {
		// Methods that are not speechrecog methods: 401 in every state.
		for _, method := range []string{"SPEAK", "START-PHRASE-ENROLLMENT", "FROBNICATE"} {
			row[method] = outcome{[]string{"response {id} 401 COMPLETE"}, setupState(stateName)}
		}
		for method, want := range row {
			t.Run(stateName+"/"+method, func(t *testing.T) {
				h := newHarness(t, Config{})
				active := setups[stateName](h)
				id := h.next
				got := send[method](h)
				r := strings.NewReplacer("{id}", fmt.Sprint(id), "{active}", fmt.Sprint(active))
				var exp []string
				for _, a := range want.actions {
					exp = append(exp, r.Replace(a))
				}
				wantActions(t, got, exp...)
				if h.m.State() != want.state {
					t.Fatalf("state %v, want %v", h.m.State(), want.state)
				}
			})
		}
	}
}

func setupState(name string) State {
	switch {
	case strings.HasPrefix(name, "RECOGNIZING"):
		return Recognizing
	case name == "RECOGNIZED":
		return Recognized
	case name == "INTERPRETING":
		return Interpreting
	}
	return Idle
}

// RFC 6787 §5.2: duplicate and out-of-order request-ids get 410; the
// machine's state is untouched.
func TestNonMonotonicRequestID(t *testing.T) {
	h := newHarness(t, Config{})
	h.next = 10
	wantActions(t, h.recognizeInline("false"), "start 10", "response 10 200 IN-PROGRESS")
	for _, id := range []uint32{10, 9, 1} {
		h.next = id
		wantActions(t, h.do(mrcp.MethodStop), fmt.Sprintf("response %d 410 COMPLETE", id))
	}
	if h.m.State() != Recognizing {
		t.Fatalf("state %v after rejected requests", h.m.State())
	}
	h.next = 11
	wantActions(t, h.do(mrcp.MethodStop), "stop 10")
}

func TestFirstRequestIDMayBeAnything(t *testing.T) {
	for _, id := range []uint32{1, 77, 4294967295} {
		h := newHarness(t, Config{})
		h.next = id
		wantActions(t, h.do(mrcp.MethodGetParams), fmt.Sprintf("response %d 200 COMPLETE", id))
	}
}

// Status codes for malformed requests, in every method that can see them.
func TestRequestErrors(t *testing.T) {
	cases := []struct {
		name string
		send func(h *harness) []string
		want string
	}{
		{"RECOGNIZE without Cancel-If-Queue (§9.4.27)", func(h *harness) []string {
			return h.doBody(mrcp.MethodRecognize, srgs, digitGrammar, "Content-Id", "a@b")
		}, "response 1 406 COMPLETE"},
		{"INTERPRET without Interpret-Text (§9.20)", func(h *harness) []string {
			return h.doBody(mrcp.MethodInterpret, srgs, digitGrammar, "Content-Id", "a@b")
		}, "response 1 406 COMPLETE"},
		{"inline grammar without Content-ID (§9.5.1)", func(h *harness) []string {
			return h.doBody(mrcp.MethodRecognize, srgs, digitGrammar, "Cancel-If-Queue", "false")
		}, "response 1 406 COMPLETE"},
		{"DEFINE-GRAMMAR without Content-ID", func(h *harness) []string {
			return h.doBody(mrcp.MethodDefineGrammar, srgs, digitGrammar)
		}, "response 1 406 COMPLETE"},
		{"DEFINE-GRAMMAR empty without Content-ID", func(h *harness) []string {
			return h.do(mrcp.MethodDefineGrammar)
		}, "response 1 406 COMPLETE"},
		{"DEFINE-GRAMMAR uri-list without Content-ID", func(h *harness) []string {
			return h.doBody(mrcp.MethodDefineGrammar, "text/uri-list", "builtin:grammar/digits")
		}, "response 1 406 COMPLETE"},
		{"RECOGNIZE without grammar", func(h *harness) []string {
			return h.do(mrcp.MethodRecognize, "Cancel-If-Queue", "false")
		}, "response 1 407 COMPLETE cause=004"},
		{"RECOGNIZE with an undefined session grammar", func(h *harness) []string {
			return h.doBody(mrcp.MethodRecognize, "text/uri-list", "session:nobody@x", "Cancel-If-Queue", "false")
		}, "response 1 407 COMPLETE cause=009"},
		{"RECOGNIZE with a bad Cancel-If-Queue", func(h *harness) []string {
			return h.doBody(mrcp.MethodRecognize, srgs, digitGrammar, "Cancel-If-Queue", "maybe", "Content-Id", "a@b")
		}, "response 1 404 COMPLETE"},
		{"RECOGNIZE with Confidence-Threshold out of range", func(h *harness) []string {
			return h.recognizeInline("false", "Confidence-Threshold", "1.5")
		}, "response 1 409 COMPLETE"},
		{"RECOGNIZE with a synthesizer field", func(h *harness) []string {
			return h.recognizeInline("false", "Voice-Gender", "female")
		}, "response 1 403 COMPLETE"},
		{"RECOGNIZE with a malformed grammar-ref-list", func(h *harness) []string {
			return h.doBody(mrcp.MethodRecognize, "text/grammar-ref-list", "http://example.com/g.grxml", "Cancel-If-Queue", "false")
		}, "response 1 408 COMPLETE"},
		{"RECOGNIZE with a malformed Content-Type", func(h *harness) []string {
			return h.doBody(mrcp.MethodRecognize, "application/", digitGrammar, "Cancel-If-Queue", "false", "Content-Id", "a@b")
		}, "response 1 404 COMPLETE"},
		{"STOP with a malformed Active-Request-Id-List", func(h *harness) []string {
			return h.do(mrcp.MethodStop, "Active-Request-Id-List", "1,,2")
		}, "response 1 404 COMPLETE list=1,,2"},
		{"INTERPRET without grammar", func(h *harness) []string {
			return h.do(mrcp.MethodInterpret, "Interpret-Text", "hello")
		}, "response 1 407 COMPLETE cause=004"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, Config{})
			wantActions(t, c.send(h), c.want)
			if h.m.State() != Idle {
				t.Fatalf("state %v after a refused request", h.m.State())
			}
		})
	}
}

func TestRejectionEchoesTheField(t *testing.T) {
	h := newHarness(t, Config{})
	acts := h.send(h.request(mrcp.MethodRecognize, srgs, digitGrammar, "Cancel-If-Queue", "false", "Content-Id", "a@b", "Voice-Gender", "female"))
	resp := acts[0].(SendResponse).Message
	if v, ok := resp.Header.Get("Voice-Gender"); !ok || v != "female" {
		t.Fatalf("403 without the offending field: %+v", resp.Header.Fields())
	}
	acts = h.send(h.request(mrcp.MethodRecognize, "text/uri-list", "session:missing@x", "Cancel-If-Queue", "false"))
	resp = acts[0].(SendResponse).Message
	if v, _ := resp.Header.Get(mrcp.HdrFailedURI); v != "session:missing@x" {
		t.Errorf("Failed-URI %q", v)
	}
	if v, _ := resp.Header.Get(mrcp.HdrFailedURICause); v == "" {
		t.Error("no Failed-URI-Cause")
	}
	if v, _ := resp.Header.Get(mrcp.HdrCompletionCause); v != "009 uri-failure" {
		t.Errorf("Completion-Cause %q", v)
	}
}

func TestNotARequest(t *testing.T) {
	m, _ := New(Config{})
	for _, msg := range []*mrcp.Message{nil, {Kind: mrcp.KindResponse}, {Kind: mrcp.KindEvent, Name: "START-OF-INPUT"}} {
		acts := m.Request(msg)
		if len(acts) != 1 {
			t.Fatalf("%v", acts)
		}
		if _, ok := acts[0].(Drop); !ok {
			t.Fatalf("%#v", acts[0])
		}
	}
}

func TestUnknownEngineEvent(t *testing.T) {
	h := newHarness(t, Config{})
	wantActions(t, h.in(nil), "drop")
}

func TestConfigDefaultsRejected(t *testing.T) {
	var d mrcp.Header
	d.Set("Voice-Gender", "female")
	if _, err := New(Config{Defaults: d}); err == nil {
		t.Fatal("a synthesizer field was accepted as a recognizer default")
	}
	d = mrcp.Header{}
	d.Set(mrcp.HdrConfidenceThreshold, "2")
	if _, err := New(Config{Defaults: d}); err == nil {
		t.Fatal("an out of range default was accepted")
	}
}

func TestConfigResource(t *testing.T) {
	if _, err := New(Config{Resource: mrcp.ResourceSpeechSynth}); err == nil {
		t.Fatal("a synthesizer channel was accepted")
	}
	h := newHarness(t, Config{Resource: mrcp.ResourceDTMFRecog})
	wantActions(t, h.doBody(mrcp.MethodRecognize, "text/uri-list", "builtin:dtmf/digits?length=4", "Cancel-If-Queue", "false"),
		"start 1", "response 1 200 IN-PROGRESS")
}

func TestStateNames(t *testing.T) {
	for st, name := range map[State]string{Idle: "IDLE", Recognizing: "RECOGNIZING", Recognized: "RECOGNIZED", Interpreting: "INTERPRETING", 9: "INVALID"} {
		if st.String() != name {
			t.Errorf("%d: %q", st, st.String())
		}
	}
}
