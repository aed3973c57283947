package recog

import (
	"github.com/mrcpd/mrcpd/mrcp"
	"github.com/mrcpd/mrcpd/mrcp/resource"
)

// recognize handles RECOGNIZE (RFC 6787 §9.9).
func (m *Machine) recognize(req *mrcp.Message) []Action {
	// §9.4.27: Cancel-If-Queue "MUST be present in every RECOGNIZE request.
	// There is no default value."
	if !req.Header.Has(mrcp.HdrCancelIfQueue) {
		return respond(req, mrcp.StatusMandatoryHeaderMissing)
	}
	if m.state == Interpreting {
		return respond(req, mrcp.StatusMethodInvalidInState)
	}
	rec, defines, fail := m.accept(req)
	if fail != nil {
		return fail
	}
	rec.cancelIfQueue = boolParam(&req.Header, mrcp.HdrCancelIfQueue, false)
	rec.inputTimers = boolParam(&rec.params, mrcp.HdrStartInputTimers, true)
	rec.saveWaveform = boolParam(&rec.params, mrcp.HdrSaveWaveform, false)

	if m.state == Recognizing {
		if m.active.cancelIfQueue {
			// §9.4.27: "true" means the one in progress is terminated with
			// cancelled when another RECOGNIZE arrives. The new request is
			// answered once the engine has stopped the old one.
			m.store.store(defines)
			m.wait = &engineWait{kind: waitCancel, req: req, target: m.active.id, next: rec}
			return []Action{StopRecognition{RequestID: m.active.id}}
		}
		if len(m.queue) >= m.cfg.MaxQueue {
			return []Action{SendResponse{failure(req, mrcp.CauseRecognizerError, "too many RECOGNIZE requests queued")}}
		}
		// §9.9: "If the resource was able to queue the request, the server
		// MUST return a success code and request-state of PENDING."
		m.store.store(defines)
		m.queue = append(m.queue, rec)
		return []Action{SendResponse{resource.NewResponse(req, mrcp.StatusSuccess, mrcp.StatePending)}}
	}
	// §9.9: the response waits for the engine, so that grammars which fail
	// to load or compile are answered 407 with their Completion-Cause. The
	// inline grammars are kept for the session under their Content-ID
	// (§9.5.1) once they have proved good.
	rec.respondTo = req
	rec.defines = defines
	return []Action{m.start(rec)}
}

// accept checks the grammars and parameters shared by RECOGNIZE and
// INTERPRET. On failure it returns the response actions.
func (m *Machine) accept(req *mrcp.Message) (*recognition, []definition, []Action) {
	ct, _ := req.Header.Get(mrcp.HdrContentType)
	cid, _ := req.Header.Get(mrcp.HdrContentID)
	gb, err := parseGrammarBody(ct, cid, req.Body)
	if err != nil {
		return nil, nil, bodyFailure(req, err)
	}
	return m.acceptBody(req, gb)
}

func (m *Machine) acceptBody(req *mrcp.Message, gb grammarBody) (*recognition, []definition, []Action) {
	// §9.5: "A RECOGNIZE request MUST completely specify the grammars to be
	// active during the recognition operation".
	if len(gb.grammars) == 0 {
		return nil, nil, []Action{SendResponse{failure(req, mrcp.CauseGrammarLoadFailure, "no grammar")}}
	}
	grammars, defines, err := m.resolve(gb)
	if err != nil {
		return nil, nil, grammarFailure(req, err)
	}
	if !m.store.fits(defines) {
		return nil, nil, storeFull(req)
	}
	params, err := m.params.Effective(&req.Header)
	if err != nil {
		return nil, nil, respond(req, mrcp.StatusIllegalHeaderValue)
	}
	rec := &recognition{
		id:       req.RequestID,
		channel:  channelOf(req),
		params:   params,
		grammars: grammars,
	}
	return rec, defines, nil
}

// start makes rec the recognition in progress and waits for the engine to
// confirm it. It drops the previous result (§9.14: it lives "until the next
// RECOGNIZE request").
func (m *Machine) start(rec *recognition) Action {
	m.active = &operation{recognition: rec, timersStarted: rec.inputTimers}
	m.state = Recognizing
	m.result = nil
	m.wait = &engineWait{kind: waitStart, req: rec.respondTo, target: rec.id}
	return StartRecognition{
		RequestID:   rec.id,
		Params:      rec.params,
		Grammars:    rec.grammars,
		InputTimers: rec.inputTimers,
	}
}

// recognitionStarted answers the RECOGNIZE that waited for the engine: 200
// IN-PROGRESS, or 407 with the cause when its grammars failed (§9.9). A
// queued RECOGNIZE was answered PENDING already; its failure to start
// completes it instead.
func (m *Machine) recognitionStarted(e RecognitionStarted) []Action {
	w := m.wait
	op := m.active
	if w == nil || w.kind != waitStart || w.target != e.RequestID || op == nil {
		return []Action{Drop{Event: e, Reason: "no RECOGNIZE waits to start with this request-id"}}
	}
	m.wait = nil
	cause := normalizeCause(e.Cause)
	if cause.Code == mrcp.CauseSuccess.Code {
		m.store.store(op.defines)
		op.defines = nil
		if w.req == nil {
			return nil
		}
		resp := resource.NewResponse(w.req, mrcp.StatusSuccess, mrcp.StateInProgress)
		addExtras(&resp.Header, &e.Header)
		return []Action{SendResponse{resp}}
	}
	m.active = nil
	reason := "the RECOGNIZE before it failed"
	if w.req != nil {
		// The request never began: the channel is as if it had not come,
		// less the result it replaced.
		m.state = Idle
		resp := failure(w.req, cause, e.Reason)
		addExtras(&resp.Header, &e.Header)
		return append([]Action{SendResponse{resp}}, m.cancelQueue(reason)...)
	}
	m.state = Recognized
	ev := newCompleteEvent(op.recognition, mrcp.EventRecognitionComplete, cause, e.Reason)
	addExtras(&ev.Header, &e.Header)
	return append([]Action{SendEvent{ev}}, m.cancelQueue(reason)...)
}

// startNext starts the first queued RECOGNIZE, if any (§9.4.27: "the first
// RECOGNIZE method in the queue becomes active").
func (m *Machine) startNext() []Action {
	if len(m.queue) == 0 {
		return nil
	}
	next := m.queue[0]
	m.queue[0] = nil
	m.queue = m.queue[1:]
	return []Action{m.start(next)}
}

// cancelQueue completes every queued RECOGNIZE with 011 cancelled (§9.4.27:
// "If the current RECOGNIZE fails, all RECOGNIZE methods in the pending
// queue are cancelled").
func (m *Machine) cancelQueue(reason string) []Action {
	acts := make([]Action, 0, len(m.queue))
	for _, rec := range m.queue {
		ev := resource.NewEvent(rec.channel, mrcp.EventRecognitionComplete, rec.id, mrcp.StateComplete)
		setCause(&ev.Header, mrcp.CauseCancelled, reason)
		acts = append(acts, SendEvent{ev})
	}
	m.queue = nil
	return acts
}

// startInputTimers handles START-INPUT-TIMERS (RFC 6787 §9.13).
func (m *Machine) startInputTimers(req *mrcp.Message) []Action {
	if m.state != Recognizing {
		return respond(req, mrcp.StatusMethodInvalidInState)
	}
	var acts []Action
	if !m.active.timersStarted {
		m.active.timersStarted = true
		acts = append(acts, StartInputTimers{RequestID: m.active.id})
	}
	return append(acts, SendResponse{newResponse(req, mrcp.StatusSuccess)})
}
