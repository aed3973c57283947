package entity

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Token kinds.
const (
	kindWord   = iota // letters
	kindNumber        // digits, possibly with a decimal part or thousands separators
	kindClock         // H:MM or HH:MM
	kindDate          // YYYY-MM-DD, DD.MM.YYYY or DD.MM.YY
	kindSymbol        // a currency symbol
	kindOther         // digits in a shape none of the rules read
)

// token is one word, number or symbol of the input with its byte span.
type token struct {
	s          string // lower-case, ё folded to е; for numbers the digits as written
	kind       int
	num        float64 // kindNumber
	ordinal    bool    // "5th", "5-го"
	hour, min  int     // kindClock
	y, mon, d  int     // kindDate
	start, end int
}

func isCurrencySymbol(r rune) bool {
	switch r {
	case '$', '€', '£', '₽', '¥', '₴', '₸':
		return true
	}
	return false
}

// tokenize splits text into words, numbers and currency symbols; everything else separates tokens.
func tokenize(text string) []token {
	var toks []token
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		switch {
		case r >= '0' && r <= '9':
			t, n := scanNumber(text, i)
			toks = append(toks, t)
			i += n
		case unicode.IsLetter(r):
			j, plain := i, true
			for j < len(text) {
				r2, s2 := utf8.DecodeRuneInString(text[j:])
				if unicode.IsLetter(r2) || unicode.Is(unicode.Mn, r2) {
					// Most words are already lower case; only the others need a copy.
					plain = plain && !unicode.Is(unicode.Mn, r2) && unicode.ToLower(r2) == r2 && r2 != 'ё'
					j += s2
					continue
				}
				// An apostrophe inside a word joins it: "o'clock", "that's".
				if (r2 == '\'' || r2 == '\u2019') && j+s2 < len(text) {
					if r3, _ := utf8.DecodeRuneInString(text[j+s2:]); unicode.IsLetter(r3) {
						plain = false
						j += s2
						continue
					}
				}
				break
			}
			word := text[i:j]
			if !plain {
				word = foldWord(word)
			}
			toks = append(toks, token{s: word, kind: kindWord, start: i, end: j})
			i = j
		case isCurrencySymbol(r):
			toks = append(toks, token{s: string(r), kind: kindSymbol, start: i, end: i + size})
			i += size
		default:
			i += size
		}
	}
	return toks
}

// foldWord lower-cases a word, folds ё to е and drops apostrophes and combining marks.
func foldWord(w string) string {
	var b strings.Builder
	b.Grow(len(w))
	for _, r := range w {
		if unicode.Is(unicode.Mn, r) || r == '\'' || r == '\u2019' {
			continue
		}
		r = unicode.ToLower(r)
		if r == 'ё' {
			r = 'е'
		}
		b.WriteRune(r)
	}
	return b.String()
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// scanNumber reads the digits starting at text[i] together with inner separators (".,:-/" between digits)
// and an ordinal suffix ("th", "-го"), and returns the token and the bytes consumed.
func scanNumber(text string, i int) (token, int) {
	j := i
	for j < len(text) {
		if isDigit(text[j]) {
			j++
			continue
		}
		if strings.IndexByte(".,:-/", text[j]) >= 0 && j+1 < len(text) && isDigit(text[j+1]) {
			j++
			continue
		}
		break
	}
	raw := text[i:j]
	t := token{s: raw, start: i, end: j}
	classifyNumber(&t, raw)
	// Ordinal suffixes: English "1st 2nd 3rd 4th", Russian "5-го 5-е 5-ое 5-й".
	if t.kind == kindNumber {
		if n := ordinalSuffix(text[j:]); n > 0 {
			t.ordinal = true
			j += n
			t.end = j
		}
	}
	return t, j - i
}

func ordinalSuffix(rest string) int {
	lower := strings.ToLower(rest[:min(len(rest), 12)])
	for _, suf := range []string{"st", "nd", "rd", "th"} {
		if strings.HasPrefix(lower, suf) && !letterAt(rest, len(suf)) {
			return len(suf)
		}
	}
	if strings.HasPrefix(rest, "-") {
		for _, suf := range []string{"ого", "го", "ое", "е", "ий", "й", "ым", "ом"} {
			if strings.HasPrefix(rest[1:], suf) && !letterAt(rest, 1+len(suf)) {
				return 1 + len(suf)
			}
		}
	}
	return 0
}

func letterAt(s string, i int) bool {
	if i >= len(s) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return unicode.IsLetter(r)
}

// classifyNumber decides what a run of digits and separators is.
func classifyNumber(t *token, raw string) {
	t.kind = kindOther
	switch {
	case strings.Contains(raw, ":"):
		h, m, ok := strings.Cut(raw, ":")
		hour, err1 := strconv.Atoi(h)
		minute, err2 := strconv.Atoi(m)
		if ok && err1 == nil && err2 == nil && len(m) == 2 && len(h) <= 2 && hour <= 24 && minute <= 59 {
			t.kind, t.hour, t.min = kindClock, hour%24, minute
		}
	case strings.Contains(raw, "-"):
		parts := strings.Split(raw, "-")
		if len(parts) == 3 && len(parts[0]) == 4 {
			setDate(t, parts[0], parts[1], parts[2])
		}
	case strings.Count(raw, ".") == 2:
		parts := strings.Split(raw, ".")
		if len(parts[2]) == 4 || len(parts[2]) == 2 {
			setDate(t, parts[2], parts[1], parts[0])
		}
	case strings.Contains(raw, "/"):
		// Day/month order differs between countries; such numbers are left alone.
	case strings.Count(raw, ",") >= 1 && thousandsGroups(raw, ','):
		setNumber(t, strings.ReplaceAll(raw, ",", ""))
	case strings.Count(raw, ",") == 1 && !strings.Contains(raw, "."):
		setNumber(t, strings.Replace(raw, ",", ".", 1)) // decimal comma, as Russian writes it
	case strings.Count(raw, ".") <= 1 && !strings.Contains(raw, ","):
		setNumber(t, raw)
	}
}

// thousandsGroups reports whether raw looks like 1,234 or 12,345,678.
func thousandsGroups(raw string, sep byte) bool {
	parts := strings.Split(raw, string(sep))
	if len(parts[0]) == 0 || len(parts[0]) > 3 {
		return false
	}
	for _, p := range parts[1:] {
		if len(p) != 3 {
			return false
		}
	}
	return true
}

func setNumber(t *token, s string) {
	if v, err := strconv.ParseFloat(s, 64); err == nil {
		t.kind, t.num = kindNumber, v
	}
}

func setDate(t *token, ys, ms, ds string) {
	y, err1 := strconv.Atoi(ys)
	m, err2 := strconv.Atoi(ms)
	d, err3 := strconv.Atoi(ds)
	if err1 != nil || err2 != nil || err3 != nil {
		return
	}
	if len(ys) == 2 {
		y += 2000
	}
	if validDate(y, m, d) {
		t.kind, t.y, t.mon, t.d = kindDate, y, m, d
	}
}
