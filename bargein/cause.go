package bargein

import "strconv"

// Cause is a recogniser Completion-Cause (RFC 6787 §9.4.11); its value is the
// three-digit cause code.
type Cause uint8

// The causes the input timers can end a recognition with.
const (
	CauseSuccess             Cause = 0
	CauseNoMatch             Cause = 1
	CauseNoInputTimeout      Cause = 2
	CauseHotwordMaxtime      Cause = 3
	CauseSpeechTooEarly      Cause = 7
	CauseSuccessMaxtime      Cause = 8
	CausePartialMatch        Cause = 13
	CausePartialMatchMaxtime Cause = 14
	CauseNoMatchMaxtime      Cause = 15
)

// Code is the numeric cause code.
func (c Cause) Code() int { return int(c) }

// String is the cause name of RFC 6787 §9.4.11.
func (c Cause) String() string {
	switch c {
	case CauseSuccess:
		return "success"
	case CauseNoMatch:
		return "no-match"
	case CauseNoInputTimeout:
		return "no-input-timeout"
	case CauseHotwordMaxtime:
		return "hotword-maxtime"
	case CauseSpeechTooEarly:
		return "speech-too-early"
	case CauseSuccessMaxtime:
		return "success-maxtime"
	case CausePartialMatch:
		return "partial-match"
	case CausePartialMatchMaxtime:
		return "partial-match-maxtime"
	case CauseNoMatchMaxtime:
		return "no-match-maxtime"
	}
	return "cause-" + strconv.Itoa(int(c))
}

// HeaderValue is the Completion-Cause header value, e.g. "002 no-input-timeout".
func (c Cause) HeaderValue() string {
	b := make([]byte, 0, 32)
	if c < 100 {
		b = append(b, '0')
	}
	if c < 10 {
		b = append(b, '0')
	}
	b = strconv.AppendInt(b, int64(c), 10)
	b = append(b, ' ')
	b = append(b, c.String()...)
	return string(b)
}

// Match is how the recognition hypothesis so far relates to the active
// grammars. The caller, which owns the grammars, reports it with
// Detector.SetMatch and Detector.DTMF; it picks the silence timer and the
// cause a timer ends with.
type Match uint8

const (
	// MatchUnknown: no hypothesis yet.
	MatchUnknown Match = iota
	// MatchNone: the hypothesis matches no grammar, not even as a prefix.
	MatchNone
	// MatchPartial: the hypothesis is a prefix of a grammar match; more input
	// is needed.
	MatchPartial
	// MatchExtensible: a full match that further input could extend, so the
	// Speech-Incomplete-Timeout applies (RFC 6787 §9.4.16).
	MatchExtensible
	// MatchComplete: a full match no further input can extend, so the
	// Speech-Complete-Timeout (§9.4.15) and DTMF-Term-Timeout (§9.4.18) apply.
	MatchComplete
)

func (m Match) String() string {
	switch m {
	case MatchUnknown:
		return "unknown"
	case MatchNone:
		return "none"
	case MatchPartial:
		return "partial"
	case MatchExtensible:
		return "extensible"
	case MatchComplete:
		return "complete"
	}
	return "match(?)"
}

// full reports a match that may be returned as a result.
func (m Match) full() bool { return m == MatchExtensible || m == MatchComplete }
