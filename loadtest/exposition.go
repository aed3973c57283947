package loadtest

import (
	"bytes"
	"fmt"
	"strconv"
)

// parseExposition reads the Prometheus text exposition format (version
// 0.0.4) and returns, for each metric name in want, the sum of its samples
// over all label sets. Names not in want are checked for shape but
// otherwise skipped; a wanted name that never appears is absent from the
// result. Comments (# HELP, # TYPE, anything after #) and blank lines are
// ignored. A malformed sample line is an error giving its line number.
func parseExposition(text []byte, want ...string) (map[string]float64, error) {
	wanted := make(map[string]bool, len(want))
	for _, w := range want {
		wanted[w] = true
	}
	out := map[string]float64{}
	line := 0
	for len(text) > 0 {
		line++
		var l []byte
		if i := bytes.IndexByte(text, '\n'); i >= 0 {
			l, text = text[:i], text[i+1:]
		} else {
			l, text = text, nil
		}
		l = bytes.TrimRight(l, "\r")
		l = bytes.TrimLeft(l, " \t")
		if len(l) == 0 || l[0] == '#' {
			continue
		}
		name, value, err := parseSample(l)
		if err != nil {
			return nil, fmt.Errorf("metrics line %d: %w", line, err)
		}
		if wanted[name] {
			out[name] += value
		}
	}
	return out, nil
}

// parseSample splits `name{label="v",...} value [timestamp]`.
func parseSample(l []byte) (string, float64, error) {
	i := 0
	for i < len(l) && isNameByte(l[i], i == 0) {
		i++
	}
	if i == 0 {
		return "", 0, fmt.Errorf("no metric name in %q", clip(l))
	}
	name := string(l[:i])
	rest := l[i:]
	if len(rest) > 0 && rest[0] == '{' {
		n, err := skipLabels(rest)
		if err != nil {
			return "", 0, fmt.Errorf("%s: %w", name, err)
		}
		rest = rest[n:]
	}
	fields := bytes.Fields(rest)
	if len(fields) < 1 || len(fields) > 2 {
		return "", 0, fmt.Errorf("%s: want a value and an optional timestamp, got %q", name, clip(rest))
	}
	v, err := strconv.ParseFloat(string(fields[0]), 64)
	if err != nil {
		return "", 0, fmt.Errorf("%s: value %q is not a number", name, clip(fields[0]))
	}
	if len(fields) == 2 {
		if _, err := strconv.ParseInt(string(fields[1]), 10, 64); err != nil {
			return "", 0, fmt.Errorf("%s: timestamp %q is not an integer", name, clip(fields[1]))
		}
	}
	return name, v, nil
}

// skipLabels returns the length of the label block starting at b[0] == '{'.
func skipLabels(b []byte) (int, error) {
	i := 1
	for {
		for i < len(b) && (b[i] == ' ' || b[i] == '\t') {
			i++
		}
		if i < len(b) && b[i] == '}' {
			return i + 1, nil
		}
		start := i
		for i < len(b) && isNameByte(b[i], i == start) && b[i] != ':' {
			i++
		}
		if i == start {
			return 0, fmt.Errorf("bad label name at %q", clip(b[start:]))
		}
		for i < len(b) && (b[i] == ' ' || b[i] == '\t') {
			i++
		}
		if i+1 >= len(b) || b[i] != '=' || b[i+1] != '"' {
			return 0, fmt.Errorf("label %q without =\"value\"", b[start:i])
		}
		i += 2
		for {
			if i >= len(b) {
				return 0, fmt.Errorf("unterminated label value")
			}
			if b[i] == '\\' {
				if i+1 >= len(b) {
					return 0, fmt.Errorf("unterminated label value")
				}
				switch b[i+1] {
				case '\\', '"', 'n':
				default:
					return 0, fmt.Errorf("bad escape \\%c in a label value", b[i+1])
				}
				i += 2
				continue
			}
			if b[i] == '"' {
				i++
				break
			}
			i++
		}
		for i < len(b) && (b[i] == ' ' || b[i] == '\t') {
			i++
		}
		if i < len(b) && b[i] == ',' {
			i++
			continue
		}
		if i < len(b) && b[i] == '}' {
			return i + 1, nil
		}
		return 0, fmt.Errorf("labels not closed")
	}
}

// isNameByte: [a-zA-Z_:][a-zA-Z0-9_:]*.
func isNameByte(c byte, first bool) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '_', c == ':':
		return true
	case c >= '0' && c <= '9':
		return !first
	}
	return false
}

// clip shortens what an error quotes.
func clip(b []byte) []byte {
	if len(b) > 64 {
		return b[:64]
	}
	return b
}
