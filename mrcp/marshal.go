package mrcp

import "strconv"

// Marshal returns the wire form of m; see AppendTo.
func (m *Message) Marshal() []byte {
	return m.AppendTo(make([]byte, 0, m.encodedLen()))
}

// AppendTo appends the wire form of m to dst and returns the extended
// slice. It does not allocate when dst has enough spare capacity.
//
// The start line's message-length is computed (RFC 6787 §5.1). Any
// Content-Length in m.Header is ignored: one is written last, from
// len(m.Body), and only when the body is not empty. Lines end in CRLF.
// Header values are single lines on the wire, so CR and LF inside a value
// are sent as spaces (what a folded value means anyway) and a name's
// separators as "-": no field content can forge framing.
func (m *Message) AppendTo(dst []byte) []byte {
	total := m.encodedLen()
	dst = appendStartLine(dst, m, total)
	for _, f := range m.Header.fields {
		if equalFoldASCII(f.Name, HdrContentLength) {
			continue
		}
		dst = appendSanitizedToken(dst, f.Name)
		dst = append(dst, ':', ' ')
		dst = appendSanitizedValue(dst, f.Value)
		dst = append(dst, '\r', '\n')
	}
	if len(m.Body) > 0 {
		dst = append(dst, HdrContentLength...)
		dst = append(dst, ':', ' ')
		dst = strconv.AppendInt(dst, int64(len(m.Body)), 10)
		dst = append(dst, '\r', '\n')
	}
	dst = append(dst, '\r', '\n')
	return append(dst, m.Body...)
}

// encodedLen is the message-length of m. The length field is part of what
// it counts, so the count is a fixed point: start from the length without
// the field's own digits and add digits until the width stops changing.
func (m *Message) encodedLen() int {
	rest := 0
	for _, f := range m.Header.fields {
		if equalFoldASCII(f.Name, HdrContentLength) {
			continue
		}
		rest += len(f.Name) + 2 + len(f.Value) + 2
	}
	if len(m.Body) > 0 {
		rest += len(HdrContentLength) + 2 + decimalLen(uint64(len(m.Body))) + 2
	}
	rest += 2 + len(m.Body)
	width := 1
	for {
		total := rest + startLineLen(m, width)
		if w := decimalLen(uint64(total)); w != width {
			width = w
			continue
		}
		return total
	}
}

// appendSanitizedToken copies a name, replacing octets that would break
// the line structure (controls, whitespace, ':') with '-'.
func appendSanitizedToken(dst []byte, s string) []byte {
	clean := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c == ':' || c == 0x7f {
			clean = false
			break
		}
	}
	if clean {
		return append(dst, s...)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c == ':' || c == 0x7f {
			c = '-'
		}
		dst = append(dst, c)
	}
	return dst
}

// appendSanitizedValue copies a value, turning CR and LF into spaces.
func appendSanitizedValue(dst []byte, s string) []byte {
	clean := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '\r' || c == '\n' {
			clean = false
			break
		}
	}
	if clean {
		return append(dst, s...)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\r' || c == '\n' {
			c = ' '
		}
		dst = append(dst, c)
	}
	return dst
}
