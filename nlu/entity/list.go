package entity

import (
	"cmp"
	"fmt"
	"slices"
)

// List is a closed vocabulary specific to a campaign: tariff names, products, cities. A match yields an
// Entity whose Type is the list's Name and whose Value is the canonical Value of the entry.
type List struct {
	Name   string      `json:"name" yaml:"name"`
	Values []ListValue `json:"values" yaml:"values"`
}

// ListValue is one canonical value and the phrases that mean it. Matching ignores case, punctuation and
// ё/е; each inflected form a caller expects must be listed ("москва", "москве", "москву").
type ListValue struct {
	Value    string   `json:"value" yaml:"value"`
	Synonyms []string `json:"synonyms,omitempty" yaml:"synonyms"`
}

type listPhrase struct {
	words []string
	value string
}

type compiledList struct {
	name    string
	phrases []listPhrase // longest first
}

func compileList(l List) (compiledList, error) {
	cl := compiledList{name: l.Name}
	for _, v := range l.Values {
		if v.Value == "" {
			return cl, fmt.Errorf("entity: list %q: empty value", l.Name)
		}
		for _, p := range append([]string{v.Value}, v.Synonyms...) {
			toks := tokenize(p)
			if len(toks) == 0 {
				return cl, fmt.Errorf("entity: list %q: phrase %q has no words", l.Name, p)
			}
			words := make([]string, len(toks))
			for i, t := range toks {
				words[i] = t.s
			}
			cl.phrases = append(cl.phrases, listPhrase{words: words, value: v.Value})
		}
	}
	slices.SortStableFunc(cl.phrases, func(a, b listPhrase) int { return cmp.Compare(len(b.words), len(a.words)) })
	return cl, nil
}

func (l compiledList) match(toks []token, cands []candidate) []candidate {
	for i := range toks {
		for _, p := range l.phrases {
			if i+len(p.words) > len(toks) {
				continue
			}
			ok := true
			for k, w := range p.words {
				if toks[i+k].s != w {
					ok = false
					break
				}
			}
			if ok {
				cands = append(cands, candidate{typ: l.name, value: p.value, from: i, to: i + len(p.words), priority: 6})
				break
			}
		}
	}
	return cands
}
