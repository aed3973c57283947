package recog

import (
	"bytes"

	"github.com/mrcpd/mrcpd/mrcp"
)

// defineGrammar handles DEFINE-GRAMMAR (RFC 6787 §9.8).
func (m *Machine) defineGrammar(req *mrcp.Message) []Action {
	// §9.8: "If the server resource is in the recognition state, the
	// DEFINE-GRAMMAR request MUST respond with a failure status."
	if m.state == Recognizing || m.state == Interpreting {
		return respond(req, mrcp.StatusMethodInvalidInState)
	}
	rawID, _ := req.Header.Get(mrcp.HdrContentID)
	contentID := normalizeContentID(rawID)
	if len(bytes.TrimSpace(req.Body)) == 0 {
		// §9.5.1: an empty definition frees the grammar and every binding
		// to the content-id.
		if contentID == "" {
			return respond(req, mrcp.StatusMandatoryHeaderMissing)
		}
		m.store.remove(contentID)
		m.leaveRecognized()
		resp := newResponse(req, mrcp.StatusSuccess)
		setCause(&resp.Header, mrcp.CauseSuccess, "")
		return []Action{SendResponse{resp}}
	}
	ct, _ := req.Header.Get(mrcp.HdrContentType)
	gb, err := parseGrammarBody(ct, contentID, req.Body)
	if err != nil {
		return bodyFailure(req, err)
	}
	if len(gb.defines) == 0 {
		// Nothing would be bound: the grammars need a Content-ID.
		return respond(req, mrcp.StatusMandatoryHeaderMissing)
	}
	grammars, defines, err := m.resolve(gb)
	if err != nil {
		return grammarFailure(req, err)
	}
	if !m.store.fits(defines) {
		return storeFull(req)
	}
	params, err := m.params.Effective(&req.Header)
	if err != nil {
		return respond(req, mrcp.StatusIllegalHeaderValue)
	}
	// §9.1: DEFINE-GRAMMAR leads from RECOGNIZED back to IDLE.
	m.leaveRecognized()
	m.wait = &engineWait{kind: waitGrammars, req: req, target: req.RequestID, defines: defines}
	return []Action{LoadGrammars{RequestID: req.RequestID, Params: params, Grammars: grammars}}
}

// grammarsLoaded completes a DEFINE-GRAMMAR with the engine's verdict.
func (m *Machine) grammarsLoaded(e GrammarsLoaded) []Action {
	w := m.wait
	if w == nil || w.kind != waitGrammars || w.target != e.RequestID {
		return []Action{Drop{Event: e, Reason: "no DEFINE-GRAMMAR waits for this request-id"}}
	}
	m.wait = nil
	cause := normalizeCause(e.Cause)
	if cause.Code != mrcp.CauseSuccess.Code {
		resp := failure(w.req, cause, e.Reason)
		addExtras(&resp.Header, &e.Header)
		return []Action{SendResponse{resp}}
	}
	m.store.store(w.defines)
	resp := newResponse(w.req, mrcp.StatusSuccess)
	setCause(&resp.Header, cause, "")
	addExtras(&resp.Header, &e.Header)
	return []Action{SendResponse{resp}}
}

// leaveRecognized drops the kept result when a request leads from
// RECOGNIZED to IDLE.
func (m *Machine) leaveRecognized() {
	if m.state == Recognized {
		m.state = Idle
		m.result = nil
	}
}
