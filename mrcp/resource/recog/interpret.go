package recog

import (
	"mime"
	"net/url"
	"strings"

	"github.com/mrcpd/mrcpd/mrcp"
	"github.com/mrcpd/mrcpd/mrcp/resource"
)

// interpret handles INTERPRET (RFC 6787 §9.20).
func (m *Machine) interpret(req *mrcp.Message) []Action {
	text, ok := req.Header.Get(mrcp.HdrInterpretText)
	if !ok || strings.TrimSpace(text) == "" {
		// §9.20: "The Interpret-Text header field MUST be included".
		return respond(req, mrcp.StatusMandatoryHeaderMissing)
	}
	// §9.20: "If a RECOGNIZE, RECORD, or another INTERPRET operation is
	// already in progress for the resource, the server MUST reject the
	// request with a response having a status-code of 402".
	if m.state == Recognizing || m.state == Interpreting {
		return respond(req, mrcp.StatusMethodInvalidInState)
	}
	ct, _ := req.Header.Get(mrcp.HdrContentType)
	cid, _ := req.Header.Get(mrcp.HdrContentID)
	gb, err := parseGrammarBody(ct, cid, req.Body)
	if err != nil {
		return bodyFailure(req, err)
	}
	text, gb = takeInterpretText(strings.TrimSpace(text), gb)
	rec, defines, fail := m.acceptBody(req, gb)
	if fail != nil {
		return fail
	}
	rec.text = text
	m.store.store(defines)
	m.before = m.state
	m.state = Interpreting
	m.active = &operation{recognition: rec, interpret: true}
	resp := resource.NewResponse(req, mrcp.StatusSuccess, mrcp.StateInProgress)
	return []Action{SendResponse{resp}, Interpret{
		RequestID: rec.id,
		Text:      rec.text,
		Params:    rec.params,
		Grammars:  rec.grammars,
	}}
}

// takeInterpretText resolves an Interpret-Text that names a text/plain body
// part (§9.4.30: "If the value is a URI, it MUST be a Content-ID that refers
// to an entity of type 'text/plain' in the body"); that part is then text,
// not a grammar. Any other value is the text itself.
func takeInterpretText(value string, gb grammarBody) (string, grammarBody) {
	id := value
	if len(id) > 4 && strings.EqualFold(id[:4], "cid:") {
		id = id[4:]
		if dec, err := url.PathUnescape(id); err == nil {
			id = dec
		}
	}
	id = normalizeContentID(id)
	for i, g := range gb.grammars {
		if g.URI != "" || g.ContentID != id {
			continue
		}
		if media, _, err := mime.ParseMediaType(g.ContentType); err != nil || media != mediaTextPlain {
			continue
		}
		out := grammarBody{grammars: append(cloneGrammars(gb.grammars[:i]), gb.grammars[i+1:]...)}
		for _, d := range gb.defines {
			if !(d.inline && d.id == id) {
				out.defines = append(out.defines, d)
			}
		}
		return string(g.Body), out
	}
	return value, gb
}

// interpretationComplete ends an INTERPRET (RFC 6787 §9.21).
func (m *Machine) interpretationComplete(e InterpretationComplete) []Action {
	op := m.active
	switch {
	case op == nil || !op.interpret:
		return []Action{Drop{Event: e, Reason: "no INTERPRET in progress"}}
	case op.id != e.RequestID:
		return []Action{Drop{Event: e, Reason: "not the INTERPRET in progress"}}
	case m.wait != nil && m.wait.target == op.id:
		return []Action{Drop{Event: e, Reason: "the INTERPRET is being stopped"}}
	}
	m.active = nil
	m.state = m.before
	ev := newCompleteEvent(op.recognition, mrcp.EventInterpretationComplete, normalizeCause(e.Cause), e.Reason)
	addExtras(&ev.Header, &e.Header)
	setBody(ev, e.ContentType, e.Body)
	return []Action{SendEvent{ev}}
}
