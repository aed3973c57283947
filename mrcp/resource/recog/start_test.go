package recog

import (
	"testing"

	"github.com/mrcpd/mrcpd/mrcp"
)

// RFC 6787 §9.9: a RECOGNIZE whose grammar cannot be loaded or compiled is
// answered 407 with the Completion-Cause; the response waits for the
// engine's verdict, and nothing of the failed request stays behind.
func TestRecognizeGrammarFailureIs407(t *testing.T) {
	h := newHarness(t, Config{})
	h.manualStart = true
	wantActions(t, h.recognizeInline("false"), "start 1")
	if h.m.State() != Recognizing || !h.m.Waiting() {
		t.Fatalf("state %v waiting %v while the engine compiles", h.m.State(), h.m.Waiting())
	}
	acts := h.input(RecognitionStarted{RequestID: 1, Cause: mrcp.CauseGrammarCompilationFailure, Reason: `word "zzyzx" is not in the dictionary`})
	wantActions(t, summarize(t, acts), "response 1 407 COMPLETE cause=005")
	resp := acts[0].(SendResponse).Message
	if v, _ := resp.Header.Get(mrcp.HdrCompletionReason); v != `"word \"zzyzx\" is not in the dictionary"` {
		t.Errorf("Completion-Reason %q", v)
	}
	if h.m.State() != Idle || h.m.Waiting() {
		t.Fatalf("state %v waiting %v after the failure", h.m.State(), h.m.Waiting())
	}
	if _, ok := h.m.SessionGrammar("g1@form-level"); ok {
		t.Error("the failed inline grammar was kept for the session")
	}
	// Events about the failed request are not the client's business.
	wantActions(t, h.in(StartOfInput{RequestID: 1}), "drop")
	// The channel carries on.
	wantActions(t, h.recognizeInline("false"), "start 2")
	wantActions(t, h.in(RecognitionStarted{RequestID: 2}), "response 2 200 IN-PROGRESS")
	if _, ok := h.m.SessionGrammar("g2@form-level"); !ok {
		t.Error("a started inline grammar is not kept for the session")
	}
}

// Requests that arrive while the engine starts a recognition wait, so that
// the client hears about its RECOGNIZE first.
func TestRequestsHeldWhileStarting(t *testing.T) {
	h := newHarness(t, Config{})
	h.manualStart = true
	wantActions(t, h.recognizeInline("false"), "start 1")
	wantActions(t, h.do(mrcp.MethodGetParams))
	wantActions(t, h.do(mrcp.MethodStop))
	wantActions(t, h.in(StartOfInput{RequestID: 1}), "drop")
	wantActions(t, h.in(RecognitionStarted{RequestID: 1}),
		"response 1 200 IN-PROGRESS", "response 2 200 COMPLETE", "stop 1")
	wantActions(t, h.in(EngineStopped{RequestID: 1}), "response 3 200 COMPLETE list=1")

	// The held STOP of a RECOGNIZE that failed to start finds nothing.
	wantActions(t, h.recognizeInline("false"), "start 4")
	wantActions(t, h.do(mrcp.MethodStop))
	wantActions(t, h.in(RecognitionStarted{RequestID: 4, Cause: mrcp.CauseURIFailure}),
		"response 4 407 COMPLETE cause=009", "response 5 200 COMPLETE")
}

// A queued RECOGNIZE was answered PENDING; when its grammars fail as it
// starts, it completes with the cause and the queue behind it is cancelled
// (§9.4.27).
func TestQueuedRecognizeFailsToStart(t *testing.T) {
	h := newHarness(t, Config{})
	h.manualStart = true
	h.recognizeInline("false") // 1
	wantActions(t, h.in(RecognitionStarted{RequestID: 1}), "response 1 200 IN-PROGRESS")
	wantActions(t, h.recognizeInline("false"), "response 2 200 PENDING")
	wantActions(t, h.recognizeInline("false"), "response 3 200 PENDING")
	wantActions(t, h.in(RecognitionComplete{RequestID: 1, Cause: mrcp.CauseSuccess, Body: []byte(nlsmlOne)}),
		"event RECOGNITION-COMPLETE 1 COMPLETE cause=000", "start 2")
	wantActions(t, h.in(RecognitionStarted{RequestID: 2, Cause: mrcp.CauseGrammarLoadFailure, Reason: "fetch failed"}),
		"event RECOGNITION-COMPLETE 2 COMPLETE cause=004", "event RECOGNITION-COMPLETE 3 COMPLETE cause=011")
	if h.m.State() != Recognized || h.m.Waiting() || len(h.m.Queued()) != 0 {
		t.Fatalf("state %v waiting %v queued %v", h.m.State(), h.m.Waiting(), h.m.Queued())
	}
}

// A RECOGNIZE that cancels the one in progress (Cancel-If-Queue: true)
// and then fails to start gets its 407 after the old one's 011.
func TestCancellingRecognizeFailsToStart(t *testing.T) {
	h := newHarness(t, Config{})
	h.manualStart = true
	h.recognizeInline("true") // 1
	h.in(RecognitionStarted{RequestID: 1})
	wantActions(t, h.recognizeInline("false"), "stop 1")
	wantActions(t, h.in(EngineStopped{RequestID: 1}), "event RECOGNITION-COMPLETE 1 COMPLETE cause=011", "start 2")
	wantActions(t, h.in(RecognitionStarted{RequestID: 2, Cause: mrcp.CauseLanguageUnsupported}),
		"response 2 407 COMPLETE cause=010")
	if h.m.State() != Idle {
		t.Fatalf("state %v", h.m.State())
	}
}

// An engine that fails while a RECOGNIZE waits to start answers it 407
// recognizer-error.
func TestEngineFailureWhileStarting(t *testing.T) {
	h := newHarness(t, Config{})
	h.manualStart = true
	h.recognizeInline("false") // 1
	wantActions(t, h.in(EngineFailure{Reason: "engine gone"}), "response 1 407 COMPLETE cause=006")
	if h.m.State() != Idle || h.m.Waiting() {
		t.Fatalf("state %v waiting %v", h.m.State(), h.m.Waiting())
	}
	wantActions(t, h.in(RecognitionStarted{RequestID: 1}), "drop")
}
