package grammar

import (
	"fmt"
	"strings"
	"unicode"
)

// Words splits a transcript into the normalised words matching works on:
// lower case, punctuation and symbols dropped, hyphens and dashes splitting
// words ("twenty-five" is two words). Grammar tokens go through the same
// function, so "New York!" in a transcript matches the token "new york".
//
// Apostrophes inside a word stay ("don't"), thousands separators inside a
// number go ("1,000" is "1000"), a decimal point inside a number stays
// ("2.5"), and Russian "ё" folds to "е" as recognisers spell it either way.
func Words(text string) []string {
	var words []string
	var cur []rune
	rs := []rune(text)
	flush := func() {
		if len(cur) > 0 {
			words = append(words, string(cur))
			cur = cur[:0]
		}
	}
	for i, r := range rs {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r):
			r = unicode.ToLower(r)
			if r == 'ё' {
				r = 'е'
			}
			cur = append(cur, r)
		case r == '\'' || r == '’' || r == 'ʼ':
			if len(cur) > 0 && i+1 < len(rs) && unicode.IsLetter(rs[i+1]) {
				cur = append(cur, '\'')
			} else {
				flush()
			}
		case (r == ',' || r == '.') && len(cur) > 0 && unicode.IsDigit(cur[len(cur)-1]) &&
			i+1 < len(rs) && unicode.IsDigit(rs[i+1]):
			if r == '.' {
				cur = append(cur, '.')
			}
		default:
			flush()
		}
	}
	flush()
	return words
}

// DTMF keys as tokens. Letters are upper-case.
func isDTMFKey(r rune) bool {
	return (r >= '0' && r <= '9') || r == '*' || r == '#' || (r >= 'A' && r <= 'D')
}

// Keys splits a DTMF string into one token per key, ignoring white space.
// Keys are 0-9, *, # and A-D (either case).
func Keys(digits string) ([]string, error) {
	keys := make([]string, 0, len(digits))
	for _, r := range digits {
		if unicode.IsSpace(r) {
			continue
		}
		r = unicode.ToUpper(r)
		if !isDTMFKey(r) {
			return nil, fmt.Errorf("%q is not a DTMF key", r)
		}
		keys = append(keys, string(r))
	}
	return keys, nil
}

func joinWords(words []string) string { return strings.Join(words, " ") }
