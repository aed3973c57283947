package grammar

// Phrases lists every sentence of a voice grammar when the language is
// finite and has at most limit sentences, for engines that take a phrase
// list (vosk-server's phrase_list). It returns nil otherwise: for unbounded
// repeats, recursion, GARBAGE, free transcription, digits and numbers, DTMF
// grammars, or more than limit sentences. Sentences are normalised words
// joined by single spaces, in grammar order, without duplicates; the empty
// sentence is left out.
func (c *Compiled) Phrases(limit int) []string {
	if c.mode != ModeVoice || limit <= 0 {
		return nil
	}
	e := &phraseEnum{limit: limit, memo: map[*crule][]string{}, active: map[*crule]bool{}}
	var set []string
	var ok bool
	if c.builtin != nil {
		set, ok = e.builtin(c.builtin)
	} else {
		set, ok = e.rule(c.root)
	}
	if !ok {
		return nil
	}
	out := make([]string, 0, len(set))
	for _, p := range set {
		if p != "" {
			out = append(out, p)
		}
	}
	if len(out) == 0 || len(out) > limit {
		return nil
	}
	return out
}

type phraseEnum struct {
	limit  int
	memo   map[*crule][]string
	active map[*crule]bool
	work   int
}

// maxPhraseWork bounds the total phrases built while enumerating.
const maxPhraseWork = 1 << 20

func (e *phraseEnum) rule(r *crule) ([]string, bool) {
	if set, ok := e.memo[r]; ok {
		return set, true
	}
	if e.active[r] {
		return nil, false // recursion: the language may be infinite
	}
	e.active[r] = true
	set, ok := e.node(r.body)
	e.active[r] = false
	if ok {
		e.memo[r] = set
	}
	return set, ok
}

func (e *phraseEnum) node(n *node) ([]string, bool) {
	switch n.kind {
	case nToken:
		return []string{joinWords(n.words)}, true
	case nNull, nTag:
		return []string{""}, true
	case nVoid:
		return nil, true
	case nGarbage:
		return nil, false
	case nRef:
		return e.rule(n.rule)
	case nBuiltin:
		return e.builtin(n.builtin)
	case nSeq:
		set := []string{""}
		for _, it := range n.items {
			next, ok := e.node(it)
			if !ok {
				return nil, false
			}
			if set, ok = e.product(set, next); !ok {
				return nil, false
			}
		}
		return set, true
	case nAlt:
		var set []string
		for _, it := range n.items {
			next, ok := e.node(it)
			if !ok {
				return nil, false
			}
			set = append(set, next...)
			if set, ok = e.dedupe(set); !ok {
				return nil, false
			}
		}
		return set, true
	case nRepeat:
		child, ok := e.node(n.items[0])
		if !ok {
			return nil, false
		}
		if n.max == Unbounded {
			// Unbounded repeats are finite only over the empty sentence.
			for _, p := range child {
				if p != "" {
					return nil, false
				}
			}
			if len(child) == 0 && n.min > 0 {
				return nil, true
			}
			return []string{""}, true
		}
		var set []string
		power := []string{""}
		for count := 0; count <= n.max; count++ {
			if count >= n.min {
				set = append(set, power...)
				if set, ok = e.dedupe(set); !ok {
					return nil, false
				}
			}
			if count == n.max {
				break
			}
			if power, ok = e.product(power, child); !ok {
				return nil, false
			}
			if len(power) == 0 {
				break
			}
		}
		return set, true
	}
	return nil, false
}

func (e *phraseEnum) builtin(b *builtinGrammar) ([]string, bool) {
	if b.mode == ModeVoice && b.kind == builtinBoolean {
		set := append(append([]string(nil), yesPhrases...), noPhrases...)
		return set, len(set) <= e.limit
	}
	return nil, false
}

func (e *phraseEnum) product(a, b []string) ([]string, bool) {
	if len(a)*len(b) > e.limit*4 {
		return nil, false
	}
	out := make([]string, 0, len(a)*len(b))
	for _, x := range a {
		for _, y := range b {
			switch {
			case x == "":
				out = append(out, y)
			case y == "":
				out = append(out, x)
			default:
				out = append(out, x+" "+y)
			}
		}
	}
	return e.dedupe(out)
}

func (e *phraseEnum) dedupe(set []string) ([]string, bool) {
	e.work += len(set)
	if e.work > maxPhraseWork {
		return nil, false
	}
	seen := make(map[string]bool, len(set))
	out := set[:0]
	for _, p := range set {
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	// One more than the limit is allowed through for the empty sentence.
	return out, len(out) <= e.limit+1
}
