package mrcp

import "errors"

// NewResponse starts the response to request req (RFC 6787 §5.3): same
// request-id, and the request's Channel-Identifier copied, since every
// message must carry it (RFC 6787 §6.2.1).
func NewResponse(req *Message, code int, state RequestState) *Message {
	m := &Message{Kind: KindResponse, RequestID: req.RequestID, StatusCode: code, State: state}
	if id, ok := req.Header.Get(HdrChannelIdentifier); ok {
		m.Header.Add(HdrChannelIdentifier, id)
	}
	return m
}

// NewEvent starts an event for the request with the given id on channel
// (RFC 6787 §5.5).
func NewEvent(name string, requestID uint32, state RequestState, channel ChannelID) *Message {
	m := &Message{Kind: KindEvent, Name: name, RequestID: requestID, State: state}
	m.Header.Add(HdrChannelIdentifier, channel.String())
	return m
}

// Validate reports whether m can be sent as is: its kind and start line
// fields agree with RFC 6787 §5.2-§5.5 and its header names are tokens.
// AppendTo does not call it; a transport should before writing.
func (m *Message) Validate() error {
	switch m.Kind {
	case KindRequest, KindEvent:
		if !isToken(m.Name) {
			return errors.New("mrcp: method or event name is not a token")
		}
	case KindResponse:
		if m.StatusCode < 100 || m.StatusCode > 999 {
			return errors.New("mrcp: status-code is not 3DIGIT")
		}
	default:
		return errors.New("mrcp: message kind not set")
	}
	if m.RequestID == 0 {
		return errors.New("mrcp: request-id 0")
	}
	if m.Kind != KindRequest && (m.State < StateComplete || m.State > StatePending) {
		return errors.New("mrcp: request-state not set")
	}
	for _, f := range m.Header.fields {
		if !isToken(f.Name) {
			return errors.New("mrcp: header field name " + f.Name + " is not a token")
		}
	}
	return nil
}
