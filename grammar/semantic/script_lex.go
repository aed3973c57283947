package semantic

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

type scriptTokKind uint8

const (
	stEOF scriptTokKind = iota
	stNumber
	stString
	stIdent
	stPunct
)

type scriptTok struct {
	kind    scriptTokKind
	text    string // identifier, punctuator or decoded string
	num     float64
	pos     int
	newline bool // a line break precedes the token
}

var scriptPuncts = []string{
	"===", "!==", "==", "!=", "<=", ">=", "&&", "||", "++", "--", "+=", "-=", "*=", "/=", "%=",
	"{", "}", "(", ")", "[", "]", ";", ",", ".", ":", "?", "+", "-", "*", "/", "%", "<", ">", "=", "!",
}

func lexScript(src string) ([]scriptTok, error) {
	var toks []scriptTok
	newline := false
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == '\n' || c == '\r':
			newline = true
			i++
			continue
		case c == ' ' || c == '\t' || c == '\f' || c == '\v':
			i++
			continue
		case strings.HasPrefix(src[i:], "//"):
			for i < len(src) && src[i] != '\n' {
				i++
			}
			continue
		case strings.HasPrefix(src[i:], "/*"):
			end := strings.Index(src[i+2:], "*/")
			if end < 0 {
				return nil, scriptErr(src, i, "unterminated comment")
			}
			if strings.ContainsAny(src[i:i+2+end], "\r\n") {
				newline = true
			}
			i += end + 4
			continue
		}
		tok := scriptTok{pos: i, newline: newline}
		newline = false
		switch {
		case c == '"' || c == '\'':
			s, n, err := lexString(src[i:])
			if err != nil {
				return nil, scriptErr(src, i, err.Error())
			}
			tok.kind, tok.text = stString, s
			i += n
		case c >= '0' && c <= '9' || (c == '.' && i+1 < len(src) && src[i+1] >= '0' && src[i+1] <= '9'):
			f, n, err := lexNumber(src[i:])
			if err != nil {
				return nil, scriptErr(src, i, err.Error())
			}
			tok.kind, tok.num = stNumber, f
			i += n
		case c == '_' || c == '$' || c >= 0x80 || unicode.IsLetter(rune(c)):
			start := i
			for i < len(src) {
				r, size := utf8.DecodeRuneInString(src[i:])
				if r != '_' && r != '$' && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
					break
				}
				i += size
			}
			if i == start {
				r, _ := utf8.DecodeRuneInString(src[i:])
				return nil, scriptErr(src, i, fmt.Sprintf("unexpected character %q", r))
			}
			tok.kind, tok.text = stIdent, src[start:i]
		default:
			matched := ""
			for _, p := range scriptPuncts {
				if strings.HasPrefix(src[i:], p) {
					matched = p
					break
				}
			}
			if matched == "" {
				return nil, scriptErr(src, i, fmt.Sprintf("unexpected character %q", c))
			}
			tok.kind, tok.text = stPunct, matched
			i += len(matched)
		}
		toks = append(toks, tok)
	}
	toks = append(toks, scriptTok{kind: stEOF, pos: len(src), newline: newline})
	return toks, nil
}

func lexString(src string) (string, int, error) {
	quote := src[0]
	var sb strings.Builder
	for i := 1; i < len(src); {
		c := src[i]
		switch {
		case c == quote:
			return sb.String(), i + 1, nil
		case c == '\n' || c == '\r':
			return "", 0, fmt.Errorf("line break in string literal")
		case c == '\\':
			if i+1 >= len(src) {
				return "", 0, fmt.Errorf("unterminated string literal")
			}
			e := src[i+1]
			i += 2
			switch e {
			case 'n':
				sb.WriteByte('\n')
			case 't':
				sb.WriteByte('\t')
			case 'r':
				sb.WriteByte('\r')
			case 'b':
				sb.WriteByte('\b')
			case 'f':
				sb.WriteByte('\f')
			case 'v':
				sb.WriteByte('\v')
			case '0':
				sb.WriteByte(0)
			case 'u':
				if i+4 > len(src) {
					return "", 0, fmt.Errorf("short \\u escape")
				}
				u, err := strconv.ParseUint(src[i:i+4], 16, 32)
				if err != nil {
					return "", 0, fmt.Errorf("bad \\u escape")
				}
				sb.WriteRune(rune(u))
				i += 4
			case 'x':
				if i+2 > len(src) {
					return "", 0, fmt.Errorf("short \\x escape")
				}
				u, err := strconv.ParseUint(src[i:i+2], 16, 8)
				if err != nil {
					return "", 0, fmt.Errorf("bad \\x escape")
				}
				sb.WriteRune(rune(u))
				i += 2
			case '\n':
			default:
				sb.WriteByte(e)
			}
		default:
			sb.WriteByte(c)
			i++
		}
	}
	return "", 0, fmt.Errorf("unterminated string literal")
}

func lexNumber(src string) (float64, int, error) {
	if len(src) > 2 && src[0] == '0' && (src[1] == 'x' || src[1] == 'X') {
		i := 2
		for i < len(src) && strings.IndexByte("0123456789abcdefABCDEF", src[i]) >= 0 {
			i++
		}
		u, err := strconv.ParseUint(src[2:i], 16, 64)
		if err != nil {
			return 0, 0, fmt.Errorf("bad hex literal")
		}
		return float64(u), i, nil
	}
	i := 0
	for i < len(src) && src[i] >= '0' && src[i] <= '9' {
		i++
	}
	if i < len(src) && src[i] == '.' {
		i++
		for i < len(src) && src[i] >= '0' && src[i] <= '9' {
			i++
		}
	}
	if i < len(src) && (src[i] == 'e' || src[i] == 'E') {
		j := i + 1
		if j < len(src) && (src[j] == '+' || src[j] == '-') {
			j++
		}
		if j < len(src) && src[j] >= '0' && src[j] <= '9' {
			for j < len(src) && src[j] >= '0' && src[j] <= '9' {
				j++
			}
			i = j
		}
	}
	f, err := strconv.ParseFloat(src[:i], 64)
	if err != nil {
		return 0, 0, fmt.Errorf("bad number %q", src[:i])
	}
	if i < len(src) && (unicode.IsLetter(rune(src[i])) || src[i] == '_') {
		return 0, 0, fmt.Errorf("identifier starts immediately after number")
	}
	return f, i, nil
}

func scriptErr(src string, pos int, msg string) error {
	line, col := 1, 1
	for i := 0; i < pos && i < len(src); i++ {
		if src[i] == '\n' {
			line, col = line+1, 1
		} else if utf8.RuneStart(src[i]) {
			col++
		}
	}
	return &SyntaxError{Line: line, Col: col, Msg: msg}
}

// SyntaxError locates an error in a tag script.
type SyntaxError struct {
	Line, Col int // 1-based
	Msg       string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("script syntax error at %d:%d: %s", e.Line, e.Col, e.Msg)
}

// maxNesting bounds statement and expression nesting, so a hostile tag
// cannot exhaust the stack.
const maxNesting = 100
