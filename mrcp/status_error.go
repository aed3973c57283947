package mrcp

import "strconv"

// StatusError is a failure that has a precise MRCPv2 meaning: the status
// code a server puts in its response (RFC 6787 §5.4) and, when one header
// field is to blame, that field's name.
type StatusError struct {
	Code   int
	Reason string
	Header string
}

func (e *StatusError) Error() string {
	b := make([]byte, 0, 48+len(e.Reason)+len(e.Header))
	b = append(b, "mrcp: "...)
	b = strconv.AppendInt(b, int64(e.Code), 10)
	if text := StatusText(e.Code); text != "" {
		b = append(b, ' ')
		b = append(b, text...)
	}
	if e.Header != "" {
		b = append(b, " ("...)
		b = append(b, e.Header...)
		b = append(b, ')')
	}
	if e.Reason != "" {
		b = append(b, ": "...)
		b = append(b, e.Reason...)
	}
	return string(b)
}

// StatusText is the RFC 6787 §5.4 meaning of a status code, or "" when the
// code is not defined there.
func StatusText(code int) string {
	switch code {
	case StatusSuccess:
		return "success"
	case StatusSuccessIgnoredHeaders:
		return "success with some optional header fields ignored"
	case StatusMethodNotAllowed:
		return "method not allowed"
	case StatusMethodInvalidInState:
		return "method not valid in this state"
	case StatusUnsupportedHeader:
		return "unsupported header field"
	case StatusIllegalHeaderValue:
		return "illegal value for header field"
	case StatusResourceNotAllocated:
		return "resource not allocated"
	case StatusMandatoryHeaderMissing:
		return "mandatory header field missing"
	case StatusMethodFailed:
		return "method or operation failed"
	case StatusUnsupportedEntity:
		return "unrecognized or unsupported message entity"
	case StatusUnsupportedHeaderValue:
		return "unsupported header field value"
	case StatusNonMonotonicSequence:
		return "non-monotonic or out-of-order sequence number"
	case StatusServerError:
		return "server internal error"
	case StatusVersionNotSupported:
		return "protocol version not supported"
	case StatusMessageTooLarge:
		return "message too large"
	}
	return ""
}

func illegalValue(header, reason string) *StatusError {
	return &StatusError{Code: StatusIllegalHeaderValue, Header: header, Reason: reason}
}

func unsupportedValue(header, reason string) *StatusError {
	return &StatusError{Code: StatusUnsupportedHeaderValue, Header: header, Reason: reason}
}
