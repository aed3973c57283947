package resource

import "github.com/mrcpd/mrcpd/mrcp"

// NewResponse builds the response to req with the given status and request
// state. The request-id and Channel-Identifier are copied from req, as RFC
// 6787 §5.3 and §6.2.1 require of every response.
func NewResponse(req *mrcp.Message, status int, state mrcp.RequestState) *mrcp.Message {
	m := &mrcp.Message{
		Kind:       mrcp.KindResponse,
		RequestID:  req.RequestID,
		StatusCode: status,
		State:      state,
	}
	if ch, ok := req.Header.Get(mrcp.HdrChannelIdentifier); ok {
		m.Header.Set(mrcp.HdrChannelIdentifier, ch)
	}
	return m
}

// NewEvent builds an event for the request with requestID on the channel
// channelID (RFC 6787 §5.5). An empty channelID leaves the header out, which
// only happens when the machine never saw a request carrying one.
func NewEvent(channelID, name string, requestID uint32, state mrcp.RequestState) *mrcp.Message {
	m := &mrcp.Message{
		Kind:      mrcp.KindEvent,
		Name:      name,
		RequestID: requestID,
		State:     state,
	}
	if channelID != "" {
		m.Header.Set(mrcp.HdrChannelIdentifier, channelID)
	}
	return m
}
