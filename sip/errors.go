package sip

import (
	"strconv"
	"strings"
)

// Reject is an error a Handler returns to refuse an offer with a given SIP
// final status, e.g. &Reject{Code: 488, Reason: "no common codec"}. Codes
// outside 300..699 are sent as 500.
type Reject struct {
	Code   int
	Reason string
}

func (r *Reject) Error() string {
	return "sip: reject " + strconv.Itoa(r.Code) + " " + r.Reason
}

// StatusError is the error a Client returns for a non-2xx final response.
type StatusError struct {
	Method string
	Code   int
	Reason string
}

func (e *StatusError) Error() string {
	return "sip: " + e.Method + " answered " + strconv.Itoa(e.Code) + " " + e.Reason
}

// reasonPhrase makes text safe for a status line: one line of printable
// characters, and the standard phrase when nothing is left.
func reasonPhrase(code int, text string) string {
	text = strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f {
			return ' '
		}
		return r
	}, text)
	text = strings.TrimSpace(text)
	if len(text) > 120 {
		text = strings.ToValidUTF8(text[:120], "")
	}
	if text == "" {
		return standardPhrase(code)
	}
	return text
}

func standardPhrase(code int) string {
	switch code {
	case 100:
		return "Trying"
	case 200:
		return "OK"
	case 400:
		return "Bad Request"
	case 405:
		return "Method Not Allowed"
	case 415:
		return "Unsupported Media Type"
	case 420:
		return "Bad Extension"
	case 422:
		return "Session Interval Too Small"
	case 481:
		return "Call/Transaction Does Not Exist"
	case 487:
		return "Request Terminated"
	case 488:
		return "Not Acceptable Here"
	case 491:
		return "Request Pending"
	case 500:
		return "Server Internal Error"
	case 501:
		// The RFC 3261 §21.5.2 reason phrase for a method the server
		// does not support at all.
		return "Not Implemented"
	case 503:
		return "Service Unavailable"
	}
	switch {
	case code >= 600:
		return "Global Failure"
	case code >= 500:
		return "Server Error"
	case code >= 400:
		return "Request Failure"
	case code >= 300:
		return "Redirection"
	}
	return "Status"
}
