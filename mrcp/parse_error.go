package mrcp

import (
	"errors"
	"strconv"
)

// Sentinel errors; a *ParseError wraps one of them, so test with errors.Is.
var (
	// ErrNeedMore is returned by Parser.Next while the buffered bytes do not
	// yet hold a whole message. It is not a failure.
	ErrNeedMore = errors.New("mrcp: need more data")
	// ErrMessageTooLarge: the start line announces more octets than the
	// configured maximum. RFC 6787 §5.4 code 504.
	ErrMessageTooLarge = errors.New("mrcp: message too large")
	// ErrStartLine: the first line is not an MRCPv2 start line.
	ErrStartLine = errors.New("mrcp: malformed start line")
	// ErrVersion: a well-framed message of a version other than MRCP/2.0.
	ErrVersion = errors.New("mrcp: unsupported protocol version")
	// ErrLength: message-length does not match the octets of the message.
	ErrLength = errors.New("mrcp: message-length mismatch")
	// ErrHeaderSyntax: a header line that is not "name: value".
	ErrHeaderSyntax = errors.New("mrcp: malformed header field")
	// ErrContentLength: Content-Length is malformed or disagrees with the
	// octets that follow the header section.
	ErrContentLength = errors.New("mrcp: content-length mismatch")
)

// ParseError describes input that could not be turned into a Message.
//
// Code is the status a server answers with (RFC 6787 §5.4): 404 for syntax,
// 502 for a foreign version, 504 for an oversized message. Message holds
// whatever was recovered - at least Kind and RequestID when the start line
// was readable, and the header fields that parsed - so the answer can echo
// the request-id and Channel-Identifier; it is nil when nothing usable was
// found. Discarded counts the octets dropped from a stream to get back in
// step.
type ParseError struct {
	Err       error
	Code      int
	Header    string
	Reason    string
	Message   *Message
	Discarded int
}

func (e *ParseError) Error() string {
	b := make([]byte, 0, 64+len(e.Reason))
	b = append(b, e.Err.Error()...)
	if e.Header != "" {
		b = append(b, " ("...)
		b = append(b, e.Header...)
		b = append(b, ')')
	}
	if e.Reason != "" {
		b = append(b, ": "...)
		b = append(b, e.Reason...)
	}
	if e.Discarded > 0 {
		b = append(b, "; discarded "...)
		b = strconv.AppendInt(b, int64(e.Discarded), 10)
		b = append(b, " octets"...)
	}
	return string(b)
}

func (e *ParseError) Unwrap() error { return e.Err }

// Status converts the error into the StatusError a server answers with.
func (e *ParseError) Status() *StatusError {
	return &StatusError{Code: e.Code, Reason: e.Reason, Header: e.Header}
}
