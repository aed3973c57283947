package recog

import (
	"strconv"
	"strings"

	"github.com/mrcpd/mrcpd/mrcp"
	"github.com/mrcpd/mrcpd/mrcp/resource"
)

// defaultResultType is the NLSML media type of RFC 6787 §6.3.1, used when the
// engine reports a body without saying what it is.
const defaultResultType = "application/nlsml+xml"

// Input handles one report from the engine side and returns what to do.
// Requests held while the machine waited are handled as soon as the report
// lets it go on, and their actions follow.
func (m *Machine) Input(ev EngineEvent) []Action {
	var acts []Action
	switch e := ev.(type) {
	case GrammarsLoaded:
		acts = m.grammarsLoaded(e)
	case RecognitionStarted:
		acts = m.recognitionStarted(e)
	case StartOfInput:
		acts = m.startOfInput(e)
	case RecognitionComplete:
		acts = m.recognitionComplete(e)
	case InterpretationComplete:
		acts = m.interpretationComplete(e)
	case EngineStopped:
		acts = m.engineStopped(e)
	case EngineFailure:
		acts = m.engineFailure(e)
	default:
		acts = []Action{Drop{Event: ev, Reason: "unknown engine event"}}
	}
	return m.drain(acts)
}

// startOfInput sends START-OF-INPUT (RFC 6787 §9.12).
func (m *Machine) startOfInput(e StartOfInput) []Action {
	op := m.active
	switch {
	case op == nil || op.interpret:
		return []Action{Drop{Event: e, Reason: "no recognition in progress"}}
	case op.id != e.RequestID:
		return []Action{Drop{Event: e, Reason: "not the recognition in progress"}}
	case m.wait != nil && m.wait.target == op.id:
		return []Action{Drop{Event: e, Reason: "the recognition is being started or stopped"}}
	}
	ev := resource.NewEvent(op.channel, mrcp.EventStartOfInput, op.id, mrcp.StateInProgress)
	// §9.4.5: the event "MUST carry" Input-Type.
	inputType := "speech"
	if strings.EqualFold(e.InputType, "dtmf") {
		inputType = "dtmf"
	}
	ev.Header.Set(mrcp.HdrInputType, inputType)
	// §9.12: "The recognizer resource also MUST send a Proxy-Sync-Id
	// header field with a unique value for this event." The session part
	// of the channel identifier is unique on the server, the request-id
	// within the session, the counter within the channel.
	m.syncIDs++
	ev.Header.Set(mrcp.HdrProxySyncID, proxySyncID(op.channel, op.id, m.syncIDs))
	return []Action{SendEvent{ev}}
}

func proxySyncID(channel string, id uint32, n uint64) string {
	session, _, _ := strings.Cut(channel, "@")
	if session == "" {
		session = "recog"
	}
	b := make([]byte, 0, len(session)+24)
	b = append(b, session...)
	b = append(b, '-')
	b = strconv.AppendUint(b, uint64(id), 10)
	b = append(b, '-')
	b = strconv.AppendUint(b, n, 10)
	return string(b)
}

// recognitionComplete sends RECOGNITION-COMPLETE (RFC 6787 §9.14) and moves
// the queue on.
func (m *Machine) recognitionComplete(e RecognitionComplete) []Action {
	op := m.active
	switch {
	case op == nil || op.interpret:
		return []Action{Drop{Event: e, Reason: "no recognition in progress"}}
	case op.id != e.RequestID:
		return []Action{Drop{Event: e, Reason: "not the recognition in progress"}}
	case m.wait != nil && m.wait.target == op.id:
		// §6.2.3: after the STOP response "the server MUST NOT send any
		// ... RECOGNITION-COMPLETE events for the terminated requests";
		// before RecognitionStarted the engine has nothing to complete.
		return []Action{Drop{Event: e, Reason: "the recognition is being started or stopped"}}
	}
	m.active = nil
	m.state = Recognized
	cause := normalizeCause(e.Cause)
	ev := newCompleteEvent(op.recognition, mrcp.EventRecognitionComplete, cause, e.Reason)
	addExtras(&ev.Header, &e.Header)
	// §9.4.8: Waveform-URI "MUST be present in the RECOGNITION-COMPLETE
	// event if the Save-Waveform header field was set to true", empty when
	// nothing could be recorded.
	if op.saveWaveform && !ev.Header.Has(mrcp.HdrWaveformURI) {
		ev.Header.Set(mrcp.HdrWaveformURI, "")
	}
	setBody(ev, e.ContentType, e.Body)
	// §9.14: the result is kept until the next RECOGNIZE.
	m.result = &result{contentType: contentTypeOf(ev), body: ev.Body}
	acts := []Action{SendEvent{ev}}
	if matched(cause) {
		return append(acts, m.startNext()...)
	}
	return append(acts, m.cancelQueue("the RECOGNIZE before it failed")...)
}

// matched reports a completion "with a successful match" (§9.4.27), the one
// that lets the next queued RECOGNIZE start.
func matched(c mrcp.CompletionCause) bool {
	return c.Code == mrcp.CauseSuccess.Code || c.Code == mrcp.CauseSuccessMaxtime.Code
}

// engineFailure ends whatever waits for or runs on the engine.
func (m *Machine) engineFailure(e EngineFailure) []Action {
	reason := e.Reason
	if reason == "" {
		reason = "recognition engine failure"
	}
	var acts []Action
	if w := m.wait; w != nil {
		m.wait = nil
		switch w.kind {
		case waitGrammars:
			acts = append(acts, SendResponse{failure(w.req, mrcp.CauseGrammarDefinitionFailure, reason)})
		case waitStart:
			// A queued RECOGNIZE (no response waits) completes below with
			// the operation in progress.
			if w.req != nil {
				m.active, m.state, m.result = nil, Idle, nil
				acts = append(acts, SendResponse{failure(w.req, mrcp.CauseRecognizerError, reason)})
			}
		case waitStop:
			// The request is gone either way, which is what STOP asked.
			op := m.active
			m.active, m.state, m.result = nil, Idle, nil
			acts = append(acts, SendResponse{stopResponse(w.req, append([]uint32{op.id}, w.removed...))})
		case waitCancel:
			op := m.active
			m.active, m.state, m.result = nil, Idle, nil
			ev := newCompleteEvent(op.recognition, mrcp.EventRecognitionComplete, mrcp.CauseCancelled, "cancelled by a newer RECOGNIZE")
			acts = append(acts, SendEvent{ev}, SendResponse{failure(w.req, mrcp.CauseRecognizerError, reason)})
		}
	}
	if op := m.active; op != nil {
		m.active = nil
		name := mrcp.EventRecognitionComplete
		if op.interpret {
			name = mrcp.EventInterpretationComplete
			m.state = m.before
		} else {
			m.state, m.result = Recognized, nil
		}
		acts = append(acts, SendEvent{newCompleteEvent(op.recognition, name, mrcp.CauseRecognizerError, reason)})
	}
	acts = append(acts, m.cancelQueue("the RECOGNIZE before it failed")...)
	if len(acts) == 0 {
		return []Action{Drop{Event: e, Reason: "nothing in progress"}}
	}
	return acts
}

func newCompleteEvent(rec *recognition, name string, cause mrcp.CompletionCause, reason string) *mrcp.Message {
	ev := resource.NewEvent(rec.channel, name, rec.id, mrcp.StateComplete)
	setCause(&ev.Header, cause, reason)
	return ev
}

func newStateResponse(req *mrcp.Message, state mrcp.RequestState) *mrcp.Message {
	return resource.NewResponse(req, mrcp.StatusSuccess, state)
}

// setBody attaches a result body; a body always travels with its type.
func setBody(m *mrcp.Message, contentType string, body []byte) {
	if len(body) == 0 {
		return
	}
	if strings.TrimSpace(contentType) == "" {
		contentType = defaultResultType
	}
	m.Header.Set(mrcp.HdrContentType, contentType)
	m.Body = body
}

func contentTypeOf(m *mrcp.Message) string {
	ct, _ := m.Header.Get(mrcp.HdrContentType)
	return ct
}

// addExtras copies the fields an engine adds to a completion (Waveform-URI,
// Failed-URI ...), except those the machine itself is responsible for.
func addExtras(dst, extra *mrcp.Header) {
	for _, f := range extra.Fields() {
		switch strings.ToLower(f.Name) {
		case "channel-identifier", "completion-cause", "completion-reason", "content-type",
			"content-length", "content-id", "active-request-id-list", "proxy-sync-id":
			continue
		}
		dst.Add(f.Name, f.Value)
	}
}

// recogCauses are the names of RFC 6787 §9.4.11, by code.
var recogCauses = [...]mrcp.CompletionCause{
	mrcp.CauseSuccess, mrcp.CauseNoMatch, mrcp.CauseNoInputTimeout, mrcp.CauseHotwordMaxtime,
	mrcp.CauseGrammarLoadFailure, mrcp.CauseGrammarCompilationFailure, mrcp.CauseRecognizerError,
	mrcp.CauseSpeechTooEarly, mrcp.CauseSuccessMaxtime, mrcp.CauseURIFailure, mrcp.CauseLanguageUnsupported,
	mrcp.CauseCancelled, mrcp.CauseSemanticsFailure, mrcp.CausePartialMatch, mrcp.CausePartialMatchMaxtime,
	mrcp.CauseNoMatchMaxtime, mrcp.CauseGrammarDefinitionFailure,
}

// normalizeCause fills in the RFC name of a cause the engine gave by code
// only; a zero CompletionCause is 000 success.
func normalizeCause(c mrcp.CompletionCause) mrcp.CompletionCause {
	if c.Name == "" && c.Code >= 0 && c.Code < len(recogCauses) {
		return recogCauses[c.Code]
	}
	return c
}
