package grammar

import (
	"math"
	"strconv"
	"strings"
)

// Spoken English cardinals: "minus twelve", "a hundred and five",
// "two thousand twenty four", "three point one four", and numerals as cloud
// engines write them ("25", "1,000", "2.5", "5 million").

var unitWords = map[string]int{
	"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
}

var teenWords = map[string]int{
	"ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
	"sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}

var tensWords = map[string]int{
	"twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60,
	"seventy": 70, "eighty": 80, "ninety": 90,
}

var scaleWords = map[string]float64{"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}

type numberParser struct {
	w        []string
	i        int
	needMore bool // the input ended where the number cannot end
}

func (p *numberParser) peek() string {
	if p.i < len(p.w) {
		return p.w[p.i]
	}
	return ""
}

func (p *numberParser) peekAt(k int) string {
	if p.i+k < len(p.w) {
		return p.w[p.i+k]
	}
	return ""
}

func (p *numberParser) eof() bool { return p.i >= len(p.w) }

// parseSpokenNumber returns the value of a complete number, or the status
// Incomplete (a prefix of a number) or NoMatch.
func parseSpokenNumber(words []string) (float64, Status) {
	p := &numberParser{w: words}
	neg := false
	if w := p.peek(); w == "minus" || w == "negative" {
		neg = true
		p.i++
	}
	if p.eof() {
		return 0, Incomplete
	}
	var v float64
	switch {
	case p.peek() == "zero" || p.peek() == "oh":
		p.i++
	case isDecimalNumeral(p.peek()) && scaleWords[p.peekAt(1)] == 0:
		f, err := strconv.ParseFloat(p.peek(), 64)
		if err != nil {
			return 0, NoMatch
		}
		v = f
		p.i++
	default:
		c, ok := p.cardinal()
		if !ok {
			if p.needMore {
				return 0, Incomplete
			}
			return 0, NoMatch
		}
		v = c
	}
	if p.peek() == "point" {
		p.i++
		if p.eof() {
			return 0, Incomplete
		}
		var frac strings.Builder
		for ; !p.eof(); p.i++ {
			w := p.peek()
			if d, ok := digitWords[w]; ok {
				frac.WriteByte(d)
			} else if isNumeral(w) {
				frac.WriteString(w)
			} else {
				return 0, NoMatch
			}
		}
		f, err := strconv.ParseFloat("0."+frac.String(), 64)
		if err != nil {
			return 0, NoMatch
		}
		v += f
	}
	if !p.eof() {
		return 0, NoMatch
	}
	if neg {
		v = -v
	}
	return v, Complete
}

func isDecimalNumeral(w string) bool {
	before, after, found := strings.Cut(w, ".")
	return isNumeral(before) && (!found || isNumeral(after))
}

// cardinal parses groups below a thousand joined by decreasing scales.
func (p *numberParser) cardinal() (float64, bool) {
	total := 0.0
	lastScale := math.Inf(1)
	for first := true; ; first = false {
		start := p.i
		chunk, ok := p.chunk()
		if !ok {
			if first || p.needMore {
				return 0, false
			}
			p.i = start
			return total, true
		}
		s := scaleWords[p.peek()]
		if s == 0 || s >= lastScale {
			return total + chunk, true
		}
		p.i++
		total += chunk * s
		lastScale = s
		if p.eof() {
			return total, true
		}
	}
}

// chunk parses a number below a thousand: [unit|"a"] "hundred" ["and"]
// then tens [unit] | teen | unit. A numeral below a thousand counts as a
// chunk when a scale word follows it ("5 million").
func (p *numberParser) chunk() (float64, bool) {
	if w := p.peek(); isNumeral(w) {
		n, err := strconv.Atoi(w)
		if err != nil || n >= 1000 || scaleWords[p.peekAt(1)] == 0 {
			return 0, false
		}
		p.i++
		return float64(n), true
	}
	start := p.i
	v := 0
	hundreds := false
	switch w := p.peek(); {
	case w == "hundred":
		v, hundreds = 100, true
		p.i++
	case (unitWords[w] > 0 || w == "a") && p.peekAt(1) == "hundred":
		u := unitWords[w]
		if w == "a" {
			u = 1
		}
		v, hundreds = u*100, true
		p.i += 2
	case w == "a" && p.peekAt(1) == "":
		p.needMore = true
		return 0, false
	case w == "a" && scaleWords[p.peekAt(1)] > 0:
		p.i++
		return 1, true
	}
	if hundreds && p.peek() == "and" {
		p.i++
		if p.eof() {
			p.needMore = true
			return 0, false
		}
	}
	w := p.peek()
	switch {
	case tensWords[w] > 0:
		v += tensWords[w]
		p.i++
		if u := unitWords[p.peek()]; u > 0 {
			v += u
			p.i++
		}
	case teenWords[w] > 0:
		v += teenWords[w]
		p.i++
	case unitWords[w] > 0:
		v += unitWords[w]
		p.i++
	}
	if p.i == start {
		return 0, false
	}
	return float64(v), true
}
