package mrcp

import (
	"bytes"
	"strconv"
	"strings"
)

// inlineFields is how many header fields a parsed message stores in the
// same allocation as the Message itself; typical requests carry fewer.
const inlineFields = 12

type messageWithFields struct {
	msg    Message
	fields [inlineFields]Field
}

// Parse decodes exactly one message. b must hold the whole message and
// nothing else: its length must equal the message-length of the start
// line. Bare LF line endings are accepted. The returned Message does not
// share memory with b.
//
// Errors are *ParseError values wrapping one of the Err* sentinels.
func Parse(b []byte) (*Message, error) {
	lineEnd := bytes.IndexByte(b, '\n')
	if lineEnd < 0 {
		return nil, &ParseError{Err: ErrStartLine, Code: StatusIllegalHeaderValue, Reason: "no line terminator"}
	}
	line := trimCR(b[:lineEnd])
	sl, err := parseStartLine(line)
	if err != nil {
		return nil, &ParseError{Err: ErrStartLine, Code: StatusIllegalHeaderValue, Reason: err.Error(), Message: salvageRequest(line)}
	}
	if sl.length != len(b) {
		m, _ := parseFramed(b, sl, lineEnd)
		return nil, &ParseError{Err: ErrLength, Code: StatusIllegalHeaderValue, Reason: "message-length does not match the octets given", Message: m}
	}
	return parseFramed(b, sl, lineEnd)
}

// parseFramed decodes data, which is exactly the sl.length octets of one
// message; lineEnd is the index of the start line's LF. On failure it
// returns a *ParseError whose Message holds what was recovered.
func parseFramed(data []byte, sl startLine, lineEnd int) (*Message, error) {
	// Find the empty line that ends the header section (RFC 6787 §5.1),
	// counting fields on the way so storage can be sized once.
	headEnd, bodyStart, lines := -1, -1, 0
	for pos := lineEnd + 1; pos < len(data); {
		nl := bytes.IndexByte(data[pos:], '\n')
		if nl < 0 {
			break
		}
		if nl == 0 || (nl == 1 && data[pos] == '\r') {
			headEnd, bodyStart = pos, pos+nl+1
			break
		}
		lines++
		pos += nl + 1
	}

	var m *Message
	if lines <= inlineFields {
		blk := &messageWithFields{}
		m = &blk.msg
		m.Header.fields = blk.fields[:0]
	} else {
		m = &Message{}
		m.Header.fields = make([]Field, 0, lines)
	}
	if headEnd < 0 {
		headEnd = len(data)
	}
	// One string holds the start line and every header field; names and
	// values are substrings of it.
	head := string(data[:headEnd])
	m.Kind, m.RequestID, m.StatusCode, m.State = sl.kind, sl.requestID, sl.status, sl.state
	if sl.nameEnd > sl.nameStart {
		m.Name = internNameString(head[sl.nameStart:sl.nameEnd])
	}
	if m.Kind == KindRequest {
		m.State = 0
	}

	var firstErr *ParseError
	fail := func(pe *ParseError) {
		if firstErr == nil {
			firstErr = pe
		}
	}
	parseHeaderLines(&m.Header, head[lineEnd+1:], fail)

	switch {
	case !sl.version:
		return nil, &ParseError{Err: ErrVersion, Code: StatusVersionNotSupported, Reason: "only " + Version + " is supported", Message: m}
	case sl.rest != "":
		return nil, &ParseError{Err: ErrStartLine, Code: StatusIllegalHeaderValue, Reason: sl.rest, Message: m}
	case bodyStart < 0:
		return nil, &ParseError{Err: ErrLength, Code: StatusIllegalHeaderValue, Reason: "message-length ends before the empty line that closes the header section", Message: m}
	case firstErr != nil:
		firstErr.Message = m
		return nil, firstErr
	}

	// RFC 6787 §6.2.11: a missing Content-Length means zero; otherwise it
	// must count exactly the octets after the header section.
	bodyLen := len(data) - bodyStart
	declared := 0
	if v, ok := m.Header.Get(HdrContentLength); ok {
		n, ok := parseDigits(v, 19)
		if !ok || n > uint64(maxInt) {
			return nil, &ParseError{Err: ErrContentLength, Code: StatusIllegalHeaderValue, Header: HdrContentLength, Reason: "not 1*19DIGIT", Message: m}
		}
		declared = int(n)
	}
	if declared != bodyLen {
		return nil, &ParseError{Err: ErrContentLength, Code: StatusIllegalHeaderValue, Header: HdrContentLength,
			Reason: "message-length leaves " + strconv.Itoa(bodyLen) + " octets of body, Content-Length says " + strconv.Itoa(declared), Message: m}
	}
	if bodyLen > 0 {
		m.Body = append([]byte(nil), data[bodyStart:]...)
	}
	return m, nil
}

// parseHeaderLines adds the fields of a header section (without its
// closing empty line) to h. Lines may end in CRLF or bare LF. A line that
// begins with whitespace continues the previous field (RFC 5322 §2.2.3
// folding, which RFC 6787 inherits through LWS). Malformed lines are
// reported and skipped so the remaining fields, notably
// Channel-Identifier, can still be used to answer.
func parseHeaderLines(h *Header, s string, fail func(*ParseError)) {
	for len(s) > 0 {
		line, rest := cutLine(s)
		s = rest
		if bad := firstControl(line); bad >= 0 {
			fail(&ParseError{Err: ErrHeaderSyntax, Code: StatusIllegalHeaderValue, Header: headerNameOf(line), Reason: "control character in header line"})
			continue
		}
		if isWSP(line[0]) {
			// A continuation whose field was rejected or never existed.
			fail(&ParseError{Err: ErrHeaderSyntax, Code: StatusIllegalHeaderValue, Reason: "continuation line without a field"})
			continue
		}
		colon := strings.IndexByte(line, ':')
		if colon < 0 {
			fail(&ParseError{Err: ErrHeaderSyntax, Code: StatusIllegalHeaderValue, Reason: "header line without a colon"})
			continue
		}
		name := line[:colon]
		// Tolerate "Name : value"; the name itself must be a token.
		for len(name) > 0 && isWSP(name[len(name)-1]) {
			name = name[:len(name)-1]
		}
		if !isToken(name) {
			fail(&ParseError{Err: ErrHeaderSyntax, Code: StatusIllegalHeaderValue, Reason: "header field name is not a token"})
			continue
		}
		value := trimWSP(line[colon+1:])
		if len(s) > 0 && isWSP(s[0]) {
			value, s = unfold(name, value, s, fail)
		}
		h.fields = append(h.fields, Field{Name: name, Value: value})
	}
}

// unfold joins the continuation lines that follow a field into its value,
// each fold becoming one space, in a single pass so that many folds cost
// linear time.
func unfold(name, value, s string, fail func(*ParseError)) (string, string) {
	var b strings.Builder
	b.WriteString(value)
	for len(s) > 0 && isWSP(s[0]) {
		line, rest := cutLine(s)
		s = rest
		if firstControl(line) >= 0 {
			fail(&ParseError{Err: ErrHeaderSyntax, Code: StatusIllegalHeaderValue, Header: name, Reason: "control character in header line"})
			continue
		}
		if more := trimWSP(line); more != "" {
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(more)
		}
	}
	return b.String(), s
}

// cutLine splits off the first line of s, without its CRLF or LF.
func cutLine(s string) (line, rest string) {
	if nl := strings.IndexByte(s, '\n'); nl >= 0 {
		line, rest = s[:nl], s[nl+1:]
	} else {
		line = s
	}
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	return line, rest
}

// firstControl returns the index of the first control character other than
// HT, or -1. It also flags an empty line, which cannot occur inside a
// header section.
func firstControl(s string) int {
	if s == "" {
		return 0
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < 0x20 && c != '\t') || c == 0x7f {
			return i
		}
	}
	return -1
}

func headerNameOf(line string) string {
	if colon := strings.IndexByte(line, ':'); colon > 0 && isToken(line[:colon]) {
		return line[:colon]
	}
	return ""
}

func trimCR(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\r' {
		return b[:n-1]
	}
	return b
}

// internNameString is internName for a substring of the head string: an
// unknown name stays a substring instead of being copied.
func internNameString(s string) string {
	for _, name := range knownNames {
		if s == name {
			return name
		}
	}
	for _, name := range knownNames {
		if equalFoldASCII(s, name) {
			return name
		}
	}
	return s
}
