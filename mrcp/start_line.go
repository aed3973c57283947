package mrcp

import "strconv"

// maxStartLineLen bounds how long the parser waits for the end of a start
// line. The longest legal one ("MRCP/2.0", 19 length digits, the longest
// method name, 10 id digits, "IN-PROGRESS") is under 100 octets.
const maxStartLineLen = 256

// startLine is the decoded first line. Offsets index the line itself so the
// name can later be cut out of the string that holds the whole head.
type startLine struct {
	length    int
	version   bool // version is exactly MRCP/2.0
	kind      Kind
	nameStart int
	nameEnd   int
	requestID uint32
	status    int
	state     RequestState
	// rest reports a defect after the message-length field: the message can
	// still be framed, but not accepted.
	rest string
}

// parseStartLine decodes an RFC 6787 §5.2, §5.3 or §5.5 start line (without
// its line terminator). A non-nil error means the line cannot be used for
// framing at all: it does not start with "MRCP/" or has no usable
// message-length. Defects in the remaining tokens are put in sl.rest.
func parseStartLine(line []byte) (sl startLine, err error) {
	var tok [6][2]int
	n := 0
	for i := 0; i < len(line); {
		for i < len(line) && isWSP(line[i]) {
			i++
		}
		if i == len(line) {
			break
		}
		if n == len(tok) {
			return sl, errString("too many tokens")
		}
		j := i
		for j < len(line) && !isWSP(line[j]) {
			j++
		}
		tok[n] = [2]int{i, j}
		n++
		i = j
	}
	field := func(k int) []byte { return line[tok[k][0]:tok[k][1]] }
	if n < 2 || !hasPrefixBytes(field(0), "MRCP/") {
		return sl, errString("does not start with MRCP/<version> <message-length>")
	}
	length, ok := parseDigits(field(1), 19)
	if !ok || length > uint64(maxInt) {
		return sl, errString("message-length is not 1*19DIGIT")
	}
	sl.length = int(length)
	sl.version = string(field(0)) == Version
	switch n {
	case 4: // request-line: method-name request-id
		sl.kind = KindRequest
		sl.nameStart, sl.nameEnd = tok[2][0], tok[2][1]
		sl.requestID, sl.rest = parseRequestID(field(3))
	case 5:
		if allDigits(field(2)) {
			// response-line: request-id status-code request-state
			sl.kind = KindResponse
			sl.requestID, sl.rest = parseRequestID(field(2))
			st := field(3)
			if len(st) != 3 || !isDigit(st[0]) || !isDigit(st[1]) || !isDigit(st[2]) {
				if sl.rest == "" {
					sl.rest = "status-code is not 3DIGIT"
				}
			} else {
				sl.status = int(st[0]-'0')*100 + int(st[1]-'0')*10 + int(st[2]-'0')
			}
		} else {
			// event-line: event-name request-id request-state
			sl.kind = KindEvent
			sl.nameStart, sl.nameEnd = tok[2][0], tok[2][1]
			sl.requestID, sl.rest = parseRequestID(field(3))
		}
		var okState bool
		if sl.state, okState = parseRequestState(field(4)); !okState && sl.rest == "" {
			sl.rest = "request-state is not COMPLETE, IN-PROGRESS or PENDING"
		}
	default:
		sl.rest = "wrong number of tokens in start line"
		// Still try to recover a request-id for the error answer.
		if n == 3 {
			sl.requestID, _ = parseRequestID(field(2))
		} else if n == 6 {
			sl.requestID, _ = parseRequestID(field(3))
		}
	}
	if sl.kind != KindResponse && sl.nameEnd > sl.nameStart && !isToken(string(line[sl.nameStart:sl.nameEnd])) && sl.rest == "" {
		sl.rest = "method or event name is not a token"
	}
	return sl, nil
}

// parseRequestID accepts 1*10DIGIT in 1..2^32-1 (RFC 6787 §5.2: the id is
// an unsigned 32-bit integer; 0 is reserved here as "no request").
func parseRequestID[T string | []byte](b T) (uint32, string) {
	v, ok := parseDigits(b, 10)
	if !ok {
		return 0, "request-id is not 1*10DIGIT"
	}
	if v == 0 || v > 1<<32-1 {
		return 0, "request-id out of range 1..4294967295"
	}
	return uint32(v), ""
}

func parseRequestState(b []byte) (RequestState, bool) {
	// ABNF literals are case-insensitive (RFC 5234 §2.3).
	switch {
	case equalFoldBytes(b, "COMPLETE"):
		return StateComplete, true
	case equalFoldBytes(b, "IN-PROGRESS"):
		return StateInProgress, true
	case equalFoldBytes(b, "PENDING"):
		return StatePending, true
	}
	return 0, false
}

// parseDigits parses 1..maxDigits decimal digits. Leading zeros are allowed
// (RFC 6787 §5.1 permits zero-padded lengths).
func parseDigits[T string | []byte](b T, maxDigits int) (uint64, bool) {
	if len(b) == 0 {
		return 0, false
	}
	// Zero padding does not count toward the digit limit.
	for len(b) > 1 && b[0] == '0' {
		b = b[1:]
	}
	if len(b) > maxDigits {
		return 0, false
	}
	var v uint64
	for i := 0; i < len(b); i++ {
		c := b[i]
		if !isDigit(c) {
			return 0, false
		}
		d := uint64(c - '0')
		if v > (1<<64-1-d)/10 {
			return 0, false
		}
		v = v*10 + d
	}
	return v, true
}

// salvageRequest recovers what it can from a start line that cannot frame a
// message, so an error answer can still echo the request-id.
func salvageRequest(line []byte) *Message {
	var fields [6][]byte
	n := 0
	for i := 0; i < len(line) && n < len(fields); {
		for i < len(line) && isWSP(line[i]) {
			i++
		}
		j := i
		for j < len(line) && !isWSP(line[j]) {
			j++
		}
		if j > i {
			fields[n] = line[i:j]
			n++
		}
		i = j
	}
	if n != 4 || !hasPrefixBytes(fields[0], "MRCP/") {
		return nil
	}
	id, bad := parseRequestID(fields[3])
	if bad != "" || !isToken(string(fields[2])) {
		return nil
	}
	return &Message{Kind: KindRequest, Name: internName(fields[2]), RequestID: id}
}

const maxInt = int(^uint(0) >> 1)

func allDigits(b []byte) bool {
	for _, c := range b {
		if !isDigit(c) {
			return false
		}
	}
	return len(b) > 0
}

type errString string

func (e errString) Error() string { return string(e) }

func hasPrefixBytes(b []byte, prefix string) bool {
	return len(b) >= len(prefix) && string(b[:len(prefix)]) == prefix
}

func equalFoldBytes(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := 0; i < len(b); i++ {
		c, d := b[i], s[i]
		if c == d {
			continue
		}
		if 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		if 'a' <= d && d <= 'z' {
			d -= 'a' - 'A'
		}
		if c != d {
			return false
		}
	}
	return true
}

// appendStartLine writes the start line of m with the given length.
func appendStartLine(dst []byte, m *Message, length int) []byte {
	dst = append(dst, Version...)
	dst = append(dst, ' ')
	dst = strconv.AppendInt(dst, int64(length), 10)
	dst = append(dst, ' ')
	switch m.Kind {
	case KindResponse:
		dst = strconv.AppendUint(dst, uint64(m.RequestID), 10)
		dst = append(dst, ' ')
		dst = appendStatus(dst, m.StatusCode)
		dst = append(dst, ' ')
		dst = append(dst, m.State.String()...)
	case KindEvent:
		dst = appendSanitizedToken(dst, m.Name)
		dst = append(dst, ' ')
		dst = strconv.AppendUint(dst, uint64(m.RequestID), 10)
		dst = append(dst, ' ')
		dst = append(dst, m.State.String()...)
	default:
		dst = appendSanitizedToken(dst, m.Name)
		dst = append(dst, ' ')
		dst = strconv.AppendUint(dst, uint64(m.RequestID), 10)
	}
	return append(dst, '\r', '\n')
}

func startLineLen(m *Message, lengthDigits int) int {
	n := len(Version) + 1 + lengthDigits + 1
	switch m.Kind {
	case KindResponse:
		n += decimalLen(uint64(m.RequestID)) + 1 + 3 + 1 + len(m.State.String())
	case KindEvent:
		n += len(m.Name) + 1 + decimalLen(uint64(m.RequestID)) + 1 + len(m.State.String())
	default:
		n += len(m.Name) + 1 + decimalLen(uint64(m.RequestID))
	}
	return n + 2
}

// appendStatus writes status-code as 3DIGIT (RFC 6787 §5.3).
func appendStatus(dst []byte, code int) []byte {
	if code < 0 || code > 999 {
		code = StatusServerError
	}
	return append(dst, byte('0'+code/100), byte('0'+code/10%10), byte('0'+code%10))
}

func decimalLen(v uint64) int {
	n := 1
	for v >= 10 {
		v /= 10
		n++
	}
	return n
}
