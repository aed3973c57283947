// Package mrcp is the MRCPv2 wire model of RFC 6787 §5: messages, start lines,
// typed header fields, an incremental stream parser and serialisation.
// It performs no I/O; transports and resources build on it.
package mrcp

// Version is the only protocol version this package speaks (RFC 6787 §5.1).
const Version = "MRCP/2.0"

// Kind tells the three MRCPv2 message types apart (RFC 6787 §5.2-§5.5).
type Kind uint8

const (
	KindRequest Kind = iota + 1
	KindResponse
	KindEvent
)

func (k Kind) String() string {
	switch k {
	case KindRequest:
		return "request"
	case KindResponse:
		return "response"
	case KindEvent:
		return "event"
	}
	return "invalid"
}

// RequestState is carried by responses and events (RFC 6787 §5.3).
type RequestState uint8

const (
	StateComplete RequestState = iota + 1
	StateInProgress
	StatePending
)

func (s RequestState) String() string {
	switch s {
	case StateComplete:
		return "COMPLETE"
	case StateInProgress:
		return "IN-PROGRESS"
	case StatePending:
		return "PENDING"
	}
	return "INVALID"
}

// Message is one MRCPv2 request, response or event.
//
// Name is the method name of a request or the event name of an event; it is
// empty for a response. StatusCode is set only on responses; State on
// responses and events. The message-length field of the start line is not
// stored: it is computed when the message is serialised and checked when it
// is parsed.
type Message struct {
	Kind       Kind
	Name       string
	RequestID  uint32
	StatusCode int
	State      RequestState
	Header     Header
	Body       []byte
}

// Field is one header field as it appeared on the wire (or will appear).
type Field struct {
	Name  string
	Value string
}

// Header is an ordered list of header fields. Names compare case-insensitively
// (RFC 6787 §5.1); unknown fields are kept verbatim.
type Header struct {
	fields []Field
}

// Status codes of RFC 6787 §5.4.
const (
	StatusSuccess                = 200
	StatusSuccessIgnoredHeaders  = 201
	StatusMethodNotAllowed       = 401
	StatusMethodInvalidInState   = 402
	StatusUnsupportedHeader      = 403
	StatusIllegalHeaderValue     = 404
	StatusResourceNotAllocated   = 405
	StatusMandatoryHeaderMissing = 406
	StatusMethodFailed           = 407
	StatusUnsupportedEntity      = 408
	StatusUnsupportedHeaderValue = 409
	StatusNonMonotonicSequence   = 410
	StatusServerError            = 501
	StatusVersionNotSupported    = 502
	StatusMessageTooLarge        = 504
)
