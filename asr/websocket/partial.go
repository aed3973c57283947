package websocket

import "unicode/utf8"

// partialText recognises, without a JSON decoder, the answer a stream reads
// most: a partial hypothesis, {"partial" : "text"} with any whitespace and a
// text without escapes. It returns the text as a sub-slice of data, and
// false for anything else, which then takes the full decoder (an escape, a
// second key, an error, invalid JSON). It must agree with json.Unmarshal on
// everything it accepts; FuzzParseResponse checks that.
func partialText(data []byte) ([]byte, bool) {
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return nil, false
	}
	i = skipSpace(data, i+1)
	const key = `"partial"`
	if len(data)-i < len(key) || string(data[i:i+len(key)]) != key {
		return nil, false
	}
	i = skipSpace(data, i+len(key))
	if i >= len(data) || data[i] != ':' {
		return nil, false
	}
	i = skipSpace(data, i+1)
	if i >= len(data) || data[i] != '"' {
		return nil, false
	}
	start := i + 1
	ascii := true
	for i = start; i < len(data) && data[i] != '"'; i++ {
		switch c := data[i]; {
		case c == '\\' || c < 0x20:
			return nil, false
		case c >= utf8.RuneSelf:
			ascii = false
		}
	}
	if i >= len(data) {
		return nil, false
	}
	text := data[start:i]
	// The decoder would replace invalid UTF-8; leave that case to it.
	if !ascii && !utf8.Valid(text) {
		return nil, false
	}
	i = skipSpace(data, i+1)
	if i >= len(data) || data[i] != '}' {
		return nil, false
	}
	if skipSpace(data, i+1) != len(data) {
		return nil, false
	}
	return text, true
}

// skipSpace returns the index of the first byte at or after i that is not
// JSON whitespace.
func skipSpace(data []byte, i int) int {
	for i < len(data) {
		switch data[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}
