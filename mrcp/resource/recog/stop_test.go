package recog

import (
	"testing"

	"github.com/mrcpd/mrcpd/mrcp"
)

// STOP while RECOGNIZING is answered only once the engine confirms; engine
// events in between and after are dropped.
func TestStopWaitsForEngine(t *testing.T) {
	h := newHarness(t, Config{})
	h.recognizeInline("false")                               // 1
	wantActions(t, h.do(mrcp.MethodStop), "stop 1")          // 2
	wantActions(t, h.in(StartOfInput{RequestID: 1}), "drop") // after STOP
	wantActions(t, h.in(RecognitionComplete{RequestID: 1}), "drop")
	if h.m.State() != Recognizing || !h.m.Waiting() {
		t.Fatalf("state %v waiting %v", h.m.State(), h.m.Waiting())
	}
	wantActions(t, h.in(EngineStopped{RequestID: 1}), "response 2 200 COMPLETE list=1")
	if h.m.State() != Idle || h.m.Waiting() {
		t.Fatalf("state %v waiting %v", h.m.State(), h.m.Waiting())
	}
	// Late reports about the stopped request go nowhere.
	wantActions(t, h.in(RecognitionComplete{RequestID: 1, Cause: mrcp.CauseSuccess}), "drop")
	wantActions(t, h.in(StartOfInput{RequestID: 1}), "drop")
	wantActions(t, h.in(EngineStopped{RequestID: 1}), "drop")
}

func TestStopWithoutActiveRequest(t *testing.T) {
	h := newHarness(t, Config{})
	acts := h.send(h.request(mrcp.MethodStop, "", ""))
	wantActions(t, summarize(t, acts), "response 1 200 COMPLETE")
	// §9.10: "If there was no recognition active, then the response MUST
	// NOT contain an Active-Request-Id-List header field."
	if acts[0].(SendResponse).Message.Header.Has(mrcp.HdrActiveRequestIDList) {
		t.Fatal("Active-Request-Id-List without an active request")
	}
}

// Requests that arrive while STOP waits are held, then answered in order.
func TestRequestsHeldWhileStopping(t *testing.T) {
	h := newHarness(t, Config{})
	h.recognizeInline("false")                      // 1
	wantActions(t, h.do(mrcp.MethodStop), "stop 1") // 2
	wantActions(t, h.recognizeInline("false"))      // 3: held
	wantActions(t, h.do(mrcp.MethodGetParams))      // 4: held
	wantActions(t, h.do(mrcp.MethodStop))           // 5: held
	wantActions(t, h.in(EngineStopped{RequestID: 1}),
		"response 2 200 COMPLETE list=1",
		"start 3", "response 3 200 IN-PROGRESS",
		"response 4 200 COMPLETE",
		"stop 3")
	wantActions(t, h.in(EngineStopped{RequestID: 3}), "response 5 200 COMPLETE list=3")
}

func TestBacklogBounded(t *testing.T) {
	h := newHarness(t, Config{MaxBacklog: 2})
	h.recognizeInline("false")                      // 1
	wantActions(t, h.do(mrcp.MethodStop), "stop 1") // 2
	wantActions(t, h.do(mrcp.MethodGetParams))      // 3 held
	wantActions(t, h.do(mrcp.MethodGetParams))      // 4 held
	wantActions(t, h.do(mrcp.MethodGetParams), "response 5 501 COMPLETE")
	wantActions(t, h.in(EngineStopped{RequestID: 1}),
		"response 2 200 COMPLETE list=1", "response 3 200 COMPLETE", "response 4 200 COMPLETE")
}

// A STOP without Active-Request-Id-List stops the recognition in progress
// and every queued one (§6.2.3), none of which sends RECOGNITION-COMPLETE.
func TestStopClearsQueue(t *testing.T) {
	h := newHarness(t, Config{})
	h.recognizeInline("false")                                           // 1
	wantActions(t, h.recognizeInline("false"), "response 2 200 PENDING") // 2
	wantActions(t, h.recognizeInline("false"), "response 3 200 PENDING") // 3
	wantActions(t, h.do(mrcp.MethodStop), "stop 1")                      // 4
	if q := h.m.Queued(); len(q) != 0 {
		t.Fatalf("queue %v", q)
	}
	wantActions(t, h.in(EngineStopped{RequestID: 1}), "response 4 200 COMPLETE list=1,2,3")
	wantActions(t, h.in(RecognitionComplete{RequestID: 2}), "drop")
}

// A selective STOP names the requests to stop (§6.2.3).
func TestSelectiveStop(t *testing.T) {
	h := newHarness(t, Config{})
	h.recognizeInline("false") // 1
	h.recognizeInline("false") // 2 pending
	h.recognizeInline("false") // 3 pending
	// Only a queued one: answered at once, the active one carries on.
	wantActions(t, h.do(mrcp.MethodStop, "Active-Request-Id-List", "2"), "response 4 200 COMPLETE list=2")
	if id, _ := h.m.Active(); id != 1 || h.m.State() != Recognizing {
		t.Fatalf("active %d state %v", id, h.m.State())
	}
	// A request-id that is not there: nothing stopped, no list.
	wantActions(t, h.do(mrcp.MethodStop, "Active-Request-Id-List", "99"), "response 5 200 COMPLETE")
	// The active one: the queued request 3 starts once it has stopped.
	wantActions(t, h.do(mrcp.MethodStop, "Active-Request-Id-List", "1"), "stop 1")
	wantActions(t, h.in(EngineStopped{RequestID: 1}), "response 6 200 COMPLETE list=1", "start 3")
	if id, _ := h.m.Active(); id != 3 {
		t.Fatalf("active %d", id)
	}
}

func TestStopInterpret(t *testing.T) {
	h := newHarness(t, Config{})
	h.doBody(mrcp.MethodInterpret, srgs, digitGrammar, "Interpret-Text", "one", "Content-Id", "i@x") // 1
	wantActions(t, h.do(mrcp.MethodStop), "stop-interpret 1")
	wantActions(t, h.in(InterpretationComplete{RequestID: 1}), "drop")
	wantActions(t, h.in(EngineStopped{RequestID: 1}), "response 2 200 COMPLETE list=1")
	if h.m.State() != Idle {
		t.Fatalf("state %v", h.m.State())
	}
}

// Cancel-If-Queue: true on the request in progress: a new RECOGNIZE cancels
// it (§9.4.27), once the engine has stopped it.
func TestCancelIfQueue(t *testing.T) {
	h := newHarness(t, Config{})
	h.recognizeInline("true")                            // 1
	wantActions(t, h.recognizeInline("false"), "stop 1") // 2
	wantActions(t, h.in(RecognitionComplete{RequestID: 1}), "drop")
	wantActions(t, h.in(EngineStopped{RequestID: 1}),
		"event RECOGNITION-COMPLETE 1 COMPLETE cause=011",
		"start 2",
		"response 2 200 IN-PROGRESS")
	if id, _ := h.m.Active(); id != 2 {
		t.Fatalf("active %d", id)
	}
}

// A request queued before the cancelling one keeps its place: it starts,
// and the cancelling one waits PENDING behind it.
func TestCancelIfQueueKeepsOlderQueued(t *testing.T) {
	h := newHarness(t, Config{})
	h.recognizeInline("false")                                           // 1
	wantActions(t, h.recognizeInline("true"), "response 2 200 PENDING")  // 2
	wantActions(t, h.recognizeInline("false"), "response 3 200 PENDING") // 3
	wantActions(t, h.in(RecognitionComplete{RequestID: 1, Cause: mrcp.CauseSuccess}),
		"event RECOGNITION-COMPLETE 1 COMPLETE cause=000", "start 2")
	wantActions(t, h.recognizeInline("false"), "stop 2") // 4
	wantActions(t, h.in(EngineStopped{RequestID: 2}),
		"event RECOGNITION-COMPLETE 2 COMPLETE cause=011", "response 4 200 PENDING", "start 3")
	if q := h.m.Queued(); len(q) != 1 || q[0] != 4 {
		t.Fatalf("queue %v", q)
	}
}

// The queue moves on after a match and is cancelled after a failure
// (§9.4.27).
func TestQueueAfterCompletion(t *testing.T) {
	for _, c := range []struct {
		cause mrcp.CompletionCause
		want  []string
	}{
		{mrcp.CauseSuccess, []string{"event RECOGNITION-COMPLETE 1 COMPLETE cause=000", "start 2"}},
		{mrcp.CauseSuccessMaxtime, []string{"event RECOGNITION-COMPLETE 1 COMPLETE cause=008", "start 2"}},
		{mrcp.CauseNoMatch, []string{"event RECOGNITION-COMPLETE 1 COMPLETE cause=001",
			"event RECOGNITION-COMPLETE 2 COMPLETE cause=011", "event RECOGNITION-COMPLETE 3 COMPLETE cause=011"}},
		{mrcp.CauseNoInputTimeout, []string{"event RECOGNITION-COMPLETE 1 COMPLETE cause=002",
			"event RECOGNITION-COMPLETE 2 COMPLETE cause=011", "event RECOGNITION-COMPLETE 3 COMPLETE cause=011"}},
		{mrcp.CauseGrammarCompilationFailure, []string{"event RECOGNITION-COMPLETE 1 COMPLETE cause=005",
			"event RECOGNITION-COMPLETE 2 COMPLETE cause=011", "event RECOGNITION-COMPLETE 3 COMPLETE cause=011"}},
	} {
		t.Run(c.cause.Name, func(t *testing.T) {
			h := newHarness(t, Config{})
			h.recognizeInline("false") // 1
			h.recognizeInline("false") // 2
			h.recognizeInline("false") // 3
			wantActions(t, h.in(RecognitionComplete{RequestID: 1, Cause: c.cause}), c.want...)
		})
	}
}

func TestQueueBounded(t *testing.T) {
	h := newHarness(t, Config{MaxQueue: 1})
	h.recognizeInline("false")                                           // 1
	wantActions(t, h.recognizeInline("false"), "response 2 200 PENDING") // 2
	wantActions(t, h.recognizeInline("false"), "response 3 407 COMPLETE cause=006")
}

func TestEngineFailure(t *testing.T) {
	t.Run("recognizing with queue", func(t *testing.T) {
		h := newHarness(t, Config{})
		h.recognizeInline("false") // 1
		h.recognizeInline("false") // 2
		wantActions(t, h.in(EngineFailure{Reason: "stream closed"}),
			"event RECOGNITION-COMPLETE 1 COMPLETE cause=006", "event RECOGNITION-COMPLETE 2 COMPLETE cause=011")
		if h.m.State() != Recognized {
			t.Fatalf("state %v", h.m.State())
		}
		wantActions(t, h.do(mrcp.MethodGetResult), "response 3 200 COMPLETE")
	})
	t.Run("stopping", func(t *testing.T) {
		h := newHarness(t, Config{})
		h.recognizeInline("false") // 1
		h.do(mrcp.MethodStop)      // 2
		h.do(mrcp.MethodGetParams) // 3 held
		wantActions(t, h.in(EngineFailure{}), "response 2 200 COMPLETE list=1", "response 3 200 COMPLETE")
	})
	t.Run("cancelling", func(t *testing.T) {
		h := newHarness(t, Config{})
		h.recognizeInline("true")  // 1
		h.recognizeInline("false") // 2
		wantActions(t, h.in(EngineFailure{}),
			"event RECOGNITION-COMPLETE 1 COMPLETE cause=011", "response 2 407 COMPLETE cause=006")
		if h.m.State() != Idle {
			t.Fatalf("state %v", h.m.State())
		}
	})
	t.Run("defining", func(t *testing.T) {
		h := newHarness(t, Config{})
		h.doBody(mrcp.MethodDefineGrammar, srgs, digitGrammar, "Content-Id", "d@x") // 1
		wantActions(t, h.in(EngineFailure{}), "response 1 407 COMPLETE cause=016")
		if _, ok := h.m.SessionGrammar("d@x"); ok {
			t.Fatal("grammar stored although the engine failed")
		}
	})
	t.Run("interpreting", func(t *testing.T) {
		h := newHarness(t, Config{})
		h.doBody(mrcp.MethodInterpret, srgs, digitGrammar, "Interpret-Text", "one", "Content-Id", "i@x")
		wantActions(t, h.in(EngineFailure{}), "event INTERPRETATION-COMPLETE 1 COMPLETE cause=006")
		if h.m.State() != Idle {
			t.Fatalf("state %v", h.m.State())
		}
	})
	t.Run("idle", func(t *testing.T) {
		h := newHarness(t, Config{})
		wantActions(t, h.in(EngineFailure{}), "drop")
	})
}

// Engine events for the wrong request, or when nothing runs, are dropped.
func TestStrayEngineEvents(t *testing.T) {
	h := newHarness(t, Config{})
	for _, ev := range []EngineEvent{
		StartOfInput{RequestID: 1}, RecognitionComplete{RequestID: 1}, InterpretationComplete{RequestID: 1},
		EngineStopped{RequestID: 1}, GrammarsLoaded{RequestID: 1},
	} {
		wantActions(t, h.in(ev), "drop")
	}
	h.recognizeInline("false") // 1
	for _, ev := range []EngineEvent{
		StartOfInput{RequestID: 7}, RecognitionComplete{RequestID: 7}, InterpretationComplete{RequestID: 1},
		EngineStopped{RequestID: 1}, GrammarsLoaded{RequestID: 1},
	} {
		wantActions(t, h.in(ev), "drop")
	}
	if h.m.State() != Recognizing {
		t.Fatalf("state %v", h.m.State())
	}
	acts := h.input(StartOfInput{RequestID: 7})
	if d, ok := acts[0].(Drop); !ok || d.Reason == "" || d.Event == nil {
		t.Fatalf("drop without reason or event: %#v", acts[0])
	}
}
