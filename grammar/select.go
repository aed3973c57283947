package grammar

// Candidate is one active grammar of a recognition with its weight from a
// text/grammar-ref-list body (RFC 6787 §13.5.1); 1 when none was given.
type Candidate struct {
	Grammar *Compiled
	Weight  float64
}

// Selection is the outcome of matching input against all active grammars.
type Selection struct {
	// Index of the chosen candidate; -1 when none matched even partly.
	Index int
	Match Match
	// Err is the chosen candidate's semantics error, if any: the input
	// matched but the interpretation failed (012 semantics-failure). When
	// nothing matched it is ErrSearchLimit if some search gave up, as the
	// input might have matched.
	Err error
	// MoreInputPossible reports that some grammar could still match a
	// longer input, which decides whether the recogniser waits (the
	// incomplete timers) or completes now.
	MoreInputPossible bool
}

// Select matches input against every candidate of the input's mode and
// picks the best: a complete match over an incomplete one, then the higher
// grammar weight, then the fewer words left to GARBAGE or transcription,
// then the earlier grammar (the order the client listed them in).
// Derivation scores are not compared: they depend on how each grammar is
// written, not on how well it fits. A complete match whose semantics
// failed ranks below every good complete match.
func Select(cands []Candidate, input string, dtmf bool) Selection {
	sel := Selection{Index: -1}
	bestRank := rank{}
	for i, c := range cands {
		if c.Grammar == nil {
			continue
		}
		var m Match
		var err error
		if dtmf {
			m, err = c.Grammar.MatchDTMF(input)
		} else {
			m, err = c.Grammar.MatchText(input)
		}
		if m.Status != NoMatch && m.CanExtend {
			sel.MoreInputPossible = true
		}
		if m.Status == NoMatch {
			if err != nil && sel.Index < 0 {
				sel.Err = err
			}
			continue
		}
		r := rank{status: m.Status, ok: err == nil, weight: c.Weight, garbage: m.Garbage}
		if sel.Index < 0 || r.better(bestRank) {
			// This also drops the error of a search that gave up: something
			// matched after all.
			sel.Index, sel.Match, sel.Err, bestRank = i, m, err, r
		}
	}
	return sel
}

type rank struct {
	status  Status
	ok      bool
	weight  float64
	garbage int
}

func (a rank) better(b rank) bool {
	switch {
	case a.status != b.status:
		return a.status > b.status
	case a.ok != b.ok:
		return a.ok
	case a.weight != b.weight:
		return a.weight > b.weight
	}
	return a.garbage < b.garbage
}
