package mrcp

// Character classes of RFC 5234 and RFC 2616 used by the grammar.

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isAlpha(c byte) bool {
	u := c &^ 0x20
	return 'A' <= u && u <= 'Z'
}

func isAlnum(c byte) bool { return isDigit(c) || isAlpha(c) }

// isVCHAR is RFC 5234 VCHAR, widened to the UTF-8 bytes that RFC 6787's
// UTFCHAR admits so non-ASCII values (e.g. Phrase-NL) are not rejected.
func isVCHAR(c byte) bool { return c > 0x20 && c != 0x7f }

func isWSP(c byte) bool { return c == ' ' || c == '\t' }

// isTokenChar is RFC 2616 §2.2 token.
func isTokenChar(c byte) bool {
	if c <= 0x20 || c >= 0x7f {
		return false
	}
	switch c {
	case '(', ')', '<', '>', '@', ',', ';', ':', '\\', '"', '/', '[', ']', '?', '=', '{', '}':
		return false
	}
	return true
}

func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isTokenChar(s[i]) {
			return false
		}
	}
	return true
}

func trimWSP(s string) string {
	for len(s) > 0 && isWSP(s[0]) {
		s = s[1:]
	}
	for len(s) > 0 && isWSP(s[len(s)-1]) {
		s = s[:len(s)-1]
	}
	return s
}
