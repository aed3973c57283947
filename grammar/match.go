package grammar

import (
	"errors"
	"strings"

	"github.com/mrcpd/mrcpd/grammar/semantic"
)

// Status is how input relates to a grammar.
type Status uint8

// Match statuses. Incomplete means the input is a proper prefix of what
// the grammar accepts (RFC 6787 §9.4.15, §9.4.16 tie the speech timers to
// this distinction).
const (
	NoMatch Status = iota
	Incomplete
	Complete
)

func (s Status) String() string {
	switch s {
	case Complete:
		return "complete"
	case Incomplete:
		return "incomplete"
	}
	return "no-match"
}

// Match is the result of matching input against one grammar.
type Match struct {
	Status Status
	// Text is the input as matched: normalised words joined by single
	// spaces, or DTMF keys joined without separator.
	Text string
	// Instance is the semantic result of a complete match; undefined
	// otherwise.
	Instance semantic.Value
	// CanExtend reports that a longer input could still match (for an
	// incomplete match it is always true): the recogniser should wait for
	// more input before deciding.
	CanExtend bool
	// Score is the probability of the chosen derivation under the
	// grammar's one-of weights, 1 for a grammar without alternatives.
	Score float64
	// Garbage counts the words absorbed by GARBAGE or free-form
	// transcription rather than matched to grammar tokens.
	Garbage int
}

// ErrSearchLimit reports that matching gave up: the grammar is so
// ambiguous that the search exceeded its budget. It belongs to no
// Completion-Cause class of its own; recognizer-error (006) fits.
var ErrSearchLimit = errors.New("grammar: match search exceeded its budget")

// Search bounds. Matching explores derivations depth first; these keep a
// hostile or pathological grammar from taking unbounded time or stack.
const (
	maxSearchSteps = 500000
	maxSearchDepth = 10000
	maxDerivations = 32
)

// MatchText matches a transcript against a voice grammar. A DTMF grammar
// never matches speech.
func (c *Compiled) MatchText(transcript string) (Match, error) {
	if c.mode != ModeVoice {
		return Match{}, nil
	}
	return c.match(Words(transcript), transcript)
}

// MatchDTMF matches a string of DTMF keys against a DTMF grammar. A voice
// grammar never matches DTMF; a key outside 0-9, *, #, A-D is no match.
func (c *Compiled) MatchDTMF(digits string) (Match, error) {
	if c.mode != ModeDTMF {
		return Match{}, nil
	}
	keys, err := Keys(digits)
	if err != nil {
		return Match{}, nil
	}
	return c.match(keys, digits)
}

func (c *Compiled) joiner() string {
	if c.mode == ModeDTMF {
		return ""
	}
	return " "
}

func (c *Compiled) match(toks []string, raw string) (Match, error) {
	text := strings.Join(toks, c.joiner())
	if c.builtin != nil {
		o := c.builtin.match(toks, raw)
		m := Match{Status: o.status, Text: text, CanExtend: o.canExtend || o.status == Incomplete}
		if o.status == Complete {
			m.Instance, m.Score = o.value, 1
			if c.builtin.kind == builtinTranscribe {
				m.Garbage = len(toks)
			}
		}
		return m, nil
	}
	s := &search{toks: toks}
	s.walk(&node{kind: nRef, rule: c.root}, 0, func(p int) bool {
		if p != len(s.toks) {
			return false
		}
		s.record()
		return s.found >= maxDerivations && s.wantMore
	})
	if s.best == nil {
		switch {
		case s.wantMore:
			return Match{Status: Incomplete, Text: text, CanExtend: true}, nil
		case s.limited:
			return Match{Text: text}, ErrSearchLimit
		}
		return Match{Text: text}, nil
	}
	m := Match{
		Status:    Complete,
		Text:      text,
		CanExtend: s.wantMore,
		Score:     expClamp(s.best.logp),
		Garbage:   s.best.garbage,
	}
	v, err := c.interpret(toks, s.best.trace)
	if err != nil {
		return m, err
	}
	m.Instance = v
	return m, nil
}

type stepKind uint8

const (
	stepEnter stepKind = iota
	stepExit
	stepTag
	stepValue
)

// step is one event of a derivation; replaying the events in order runs
// the tags in the order SISR prescribes.
type step struct {
	kind  stepKind
	pos   int
	end   int // stepValue
	rule  *crule
	tag   *tagCode
	name  string // stepValue: the name the value is known by in rules.*
	value semantic.Value
}

type derivation struct {
	trace   []step
	logp    float64
	garbage int
}

type search struct {
	toks     []string
	trace    []step
	logp     float64
	garbage  int
	steps    int
	depth    int
	wantMore bool
	limited  bool
	found    int
	best     *derivation
}

func (s *search) record() {
	s.found++
	if s.best != nil && (s.logp < s.best.logp || (s.logp == s.best.logp && s.garbage >= s.best.garbage)) {
		return
	}
	s.best = &derivation{trace: append([]step(nil), s.trace...), logp: s.logp, garbage: s.garbage}
}

// walk matches n at pos and calls k with every position where a match of
// n can end. It returns true when the search must stop.
func (s *search) walk(n *node, pos int, k func(int) bool) bool {
	s.steps++
	if s.steps > maxSearchSteps {
		s.limited = true
		return true
	}
	switch n.kind {
	case nToken:
		for i, w := range n.words {
			if pos+i >= len(s.toks) {
				s.wantMore = true
				return false
			}
			if s.toks[pos+i] != w {
				return false
			}
		}
		return k(pos + len(n.words))
	case nSeq:
		return s.seq(n.items, pos, k)
	case nAlt:
		for _, i := range n.order {
			s.logp += n.logw[i]
			stop := s.walk(n.items[i], pos, k)
			s.logp -= n.logw[i]
			if stop {
				return true
			}
		}
		return false
	case nRepeat:
		return s.repeat(n, 0, pos, k)
	case nRef:
		s.depth++
		defer func() { s.depth-- }()
		if s.depth > maxSearchDepth {
			s.limited = true
			return true
		}
		mark := len(s.trace)
		s.trace = append(s.trace, step{kind: stepEnter, pos: pos, rule: n.rule})
		stop := s.walk(n.rule.body, pos, func(p int) bool {
			m := len(s.trace)
			s.trace = append(s.trace, step{kind: stepExit, pos: p})
			r := k(p)
			s.trace = s.trace[:m]
			return r
		})
		s.trace = s.trace[:mark]
		return stop
	case nNull:
		return k(pos)
	case nVoid:
		return false
	case nGarbage:
		for end := pos; end <= len(s.toks); end++ {
			if end == len(s.toks) {
				s.wantMore = true
			}
			s.garbage += end - pos
			stop := k(end)
			s.garbage -= end - pos
			if stop {
				return true
			}
		}
		return false
	case nTag:
		mark := len(s.trace)
		s.trace = append(s.trace, step{kind: stepTag, pos: pos, tag: n.tag})
		stop := k(pos)
		s.trace = s.trace[:mark]
		return stop
	case nBuiltin:
		return s.builtin(n.builtin, pos, k)
	}
	return false
}

func (s *search) seq(items []*node, pos int, k func(int) bool) bool {
	if len(items) == 0 {
		return k(pos)
	}
	return s.walk(items[0], pos, func(p int) bool { return s.seq(items[1:], p, k) })
}

func (s *search) repeat(n *node, count, pos int, k func(int) bool) bool {
	if n.max == Unbounded || count < n.max {
		stop := s.walk(n.items[0], pos, func(p int) bool {
			if p == pos && count >= n.min {
				return false // an empty iteration adds nothing and would never end
			}
			return s.repeat(n, count+1, p, k)
		})
		if stop {
			return true
		}
	}
	if count >= n.min {
		return k(pos)
	}
	return false
}

var builtinNames = [...]string{builtinTranscribe: "transcribe", builtinBoolean: "boolean", builtinDigits: "digits", builtinNumber: "number"}

func (s *search) builtin(b *builtinGrammar, pos int, k func(int) bool) bool {
	for end := pos; end <= len(s.toks); end++ {
		s.steps++
		if s.steps > maxSearchSteps {
			s.limited = true
			return true
		}
		o := b.match(s.toks[pos:end], joinWords(s.toks[pos:end]))
		if end == len(s.toks) && (o.status == Incomplete || (o.status == Complete && o.canExtend)) {
			s.wantMore = true
		}
		if o.status != Complete {
			continue
		}
		absorbed := 0
		if b.kind == builtinTranscribe {
			absorbed = end - pos
		}
		mark := len(s.trace)
		s.trace = append(s.trace, step{kind: stepValue, pos: pos, end: end, name: builtinNames[b.kind], value: o.value})
		s.garbage += absorbed
		stop := k(end)
		s.garbage -= absorbed
		s.trace = s.trace[:mark]
		if stop {
			return true
		}
	}
	return false
}
