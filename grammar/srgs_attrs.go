package grammar

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
)

// parseRepeat parses an SRGS repeat value: "n", "n-m" or "n-"
// (SRGS 1.0 §2.5); the ABNF "<...>" brackets are stripped by the caller.
func parseRepeat(s string) (lo, hi int, err error) {
	s = strings.TrimSpace(s)
	lostr, histr, ranged := strings.Cut(s, "-")
	lo, err = parseCount(lostr)
	if err != nil {
		return 0, 0, fmt.Errorf("repeat %q: %v", s, err)
	}
	switch {
	case !ranged:
		hi = lo
	case strings.TrimSpace(histr) == "":
		hi = Unbounded
	default:
		hi, err = parseCount(histr)
		if err != nil {
			return 0, 0, fmt.Errorf("repeat %q: %v", s, err)
		}
		if hi < lo {
			return 0, 0, fmt.Errorf("repeat %q: maximum below minimum", s)
		}
	}
	return lo, hi, nil
}

func parseCount(s string) (int, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, fmt.Errorf("missing count")
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return 0, fmt.Errorf("count %q is not a non-negative integer", s)
		}
	}
	if len(s) > 6 {
		return 0, fmt.Errorf("count %s exceeds the limit of %d", s, maxRepeat)
	}
	n, _ := strconv.Atoi(s)
	if n > maxRepeat {
		return 0, fmt.Errorf("count %d exceeds the limit of %d", n, maxRepeat)
	}
	return n, nil
}

// parseWeight parses an alternative weight: a non-negative finite float
// (SRGS 1.0 §2.4.1).
func parseWeight(s string) (float64, error) {
	w, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(w) || math.IsInf(w, 0) || w < 0 {
		return 0, fmt.Errorf("weight %q is not a non-negative number", s)
	}
	return w, nil
}

// parseProbability parses a repeat probability in [0,1]. The value is
// validated and otherwise ignored: matching does not use it.
func parseProbability(s string) (float64, error) {
	p, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(p) || p < 0 || p > 1 {
		return 0, fmt.Errorf("repeat probability %q is not a number in [0,1]", s)
	}
	return p, nil
}

// validRuleName accepts the rule names grammars use in practice: letters,
// digits, '_', '-', '.', ':'; the special names are reserved (SRGS 1.0,
// rule definitions).
func validRuleName(s string) bool {
	if s == "" || s == "NULL" || s == "VOID" || s == "GARBAGE" {
		return false
	}
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '_' && r != '-' && r != '.' && r != ':' {
			return false
		}
	}
	return true
}
