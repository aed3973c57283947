package recog

import (
	"slices"

	"github.com/mrcpd/mrcpd/mrcp"
)

// stop handles STOP (RFC 6787 §9.10). Without Active-Request-Id-List it
// stops the operation in progress and every queued RECOGNIZE; with one, only
// the requests it names (§6.2.3).
func (m *Machine) stop(req *mrcp.Message) []Action {
	var only []uint32
	selective := false
	if v, ok := req.Header.Get(mrcp.HdrActiveRequestIDList); ok {
		ids, err := mrcp.ParseRequestIDList(v)
		if err != nil {
			return []Action{SendResponse{withFields(newResponse(req, mrcp.StatusIllegalHeaderValue),
				[]mrcp.Field{{Name: mrcp.HdrActiveRequestIDList, Value: v}})}}
		}
		only, selective = ids, true
	}
	var removed []uint32
	kept := m.queue[:0]
	for _, rec := range m.queue {
		if selective && !slices.Contains(only, rec.id) {
			kept = append(kept, rec)
			continue
		}
		removed = append(removed, rec.id)
	}
	clear(m.queue[len(kept):])
	m.queue = kept
	if m.active != nil && (!selective || slices.Contains(only, m.active.id)) {
		// "Control waits for media": the response goes out when the engine
		// confirms, so that no audio is processed for the request after the
		// client hears it is stopped.
		m.wait = &engineWait{kind: waitStop, req: req, target: m.active.id, removed: removed}
		if m.active.interpret {
			return []Action{StopInterpretation{RequestID: m.active.id}}
		}
		return []Action{StopRecognition{RequestID: m.active.id}}
	}
	// §9.1: STOP leads from RECOGNIZED to IDLE.
	m.leaveRecognized()
	return []Action{SendResponse{stopResponse(req, removed)}}
}

// stopResponse is 200 COMPLETE with the stopped request-ids; §9.10: "If
// there was no recognition active, then the response MUST NOT contain an
// Active-Request-Id-List header field."
func stopResponse(req *mrcp.Message, stopped []uint32) *mrcp.Message {
	resp := newResponse(req, mrcp.StatusSuccess)
	if len(stopped) > 0 {
		resp.Header.Set(mrcp.HdrActiveRequestIDList, string(mrcp.AppendRequestIDList(nil, stopped)))
	}
	return resp
}

// engineStopped completes a STOP or a cancelling RECOGNIZE once the engine
// has let go of the request in progress.
func (m *Machine) engineStopped(e EngineStopped) []Action {
	w := m.wait
	if w == nil || (w.kind != waitStop && w.kind != waitCancel) || w.target != e.RequestID || m.active == nil {
		return []Action{Drop{Event: e, Reason: "no STOP waits for this request-id"}}
	}
	m.wait = nil
	op := m.active
	m.active = nil
	m.state = Idle
	m.result = nil
	if w.kind == waitStop {
		// §9.10: no RECOGNITION-COMPLETE for a stopped request; the queued
		// requests a selective STOP did not name carry on.
		stopped := append([]uint32{op.id}, w.removed...)
		acts := []Action{SendResponse{stopResponse(w.req, stopped)}}
		return append(acts, m.startNext()...)
	}
	return m.replace(op, w)
}

// replace completes the RECOGNIZE cancelled by a newer one and lets the
// newer one in: it starts at once unless older requests are queued.
func (m *Machine) replace(old *operation, w *engineWait) []Action {
	ev := newCompleteEvent(old.recognition, mrcp.EventRecognitionComplete, mrcp.CauseCancelled, "cancelled by a newer RECOGNIZE")
	acts := []Action{SendEvent{ev}}
	m.queue = append(m.queue, w.next)
	if m.queue[0] == w.next {
		// It starts now: its response waits for the engine (§9.9).
		w.next.respondTo = w.req
	} else {
		acts = append(acts, SendResponse{newStateResponse(w.req, mrcp.StatePending)})
	}
	return append(acts, m.startNext()...)
}
