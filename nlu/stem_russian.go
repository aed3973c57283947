package nlu

import "unicode/utf8"

// Russian stemming after the Russian Snowball rules. Russian inflects nouns, adjectives and verbs heavily
// ("оплатил", "оплатила", "оплатить", "оплачу"), and recognisers often get exactly those endings wrong, so
// removing them inside the region RV is what lets five examples per intent generalise.

func isRussianVowel(r rune) bool {
	switch r {
	case 'а', 'е', 'и', 'о', 'у', 'ы', 'э', 'ю', 'я':
		return true
	}
	return false
}

var (
	ruPerfectiveGerund1 = []string{"в", "вши", "вшись"}
	ruPerfectiveGerund2 = []string{"ив", "ивши", "ившись", "ыв", "ывши", "ывшись"}
	ruAdjective         = []string{
		"ее", "ие", "ые", "ое", "ими", "ыми", "ей", "ий", "ый", "ой", "ем", "им", "ым", "ом", "его", "ого",
		"ему", "ому", "их", "ых", "ую", "юю", "ая", "яя", "ою", "ею",
	}
	ruParticiple1 = []string{"ем", "нн", "вш", "ющ", "щ"}
	ruParticiple2 = []string{"ивш", "ывш", "ующ"}
	ruReflexive   = []string{"ся", "сь"}
	ruVerb1       = []string{
		"ла", "на", "ете", "йте", "ли", "й", "л", "ем", "н", "ло", "но", "ет", "ют", "ны", "ть", "ешь", "нно",
	}
	ruVerb2 = []string{
		"ила", "ыла", "ена", "ейте", "уйте", "ите", "или", "ыли", "ей", "уй", "ил", "ыл", "им", "ым", "ен",
		"ило", "ыло", "ено", "ят", "ует", "уют", "ит", "ыт", "ены", "ить", "ыть", "ишь", "ую", "ю",
	}
	ruNoun = []string{
		"а", "ев", "ов", "ие", "ье", "е", "иями", "ями", "ами", "еи", "ии", "и", "ией", "ей", "ой", "ий", "й",
		"иям", "ям", "ием", "ем", "ам", "ом", "о", "у", "ах", "иях", "ях", "ы", "ь", "ию", "ью", "ю", "ия",
		"ья", "я",
	}
	ruSuperlative  = []string{"ейш", "ейше"}
	ruDerivational = []string{"ост", "ость"}
)

type russianStemmer struct {
	w      []rune
	rv, r2 int
}

// stemRussian returns the stem of a lower-case Russian word (ё already folded to е).
func stemRussian(word string) string {
	var buf [48]rune
	w := buf[:0]
	for _, r := range word {
		w = append(w, r)
	}
	if len(w) <= 2 {
		return word
	}
	s := russianStemmer{w: w}
	s.markRegions()
	s.step1()
	s.removeIn(s.rv, []string{"и"})
	s.removeIn(s.r2, ruDerivational)
	s.step4()
	// Every step only removes endings, so the stem is a prefix of the word.
	n := 0
	for _, r := range s.w {
		n += utf8.RuneLen(r)
	}
	return word[:n]
}

func (s *russianStemmer) markRegions() {
	w := s.w
	s.rv, s.r2 = len(w), len(w)
	for i, r := range w {
		if isRussianVowel(r) {
			s.rv = i + 1
			break
		}
	}
	r1 := len(w)
	for i := 1; i < len(w); i++ {
		if !isRussianVowel(w[i]) && isRussianVowel(w[i-1]) {
			r1 = i + 1
			break
		}
	}
	for i := r1 + 1; i < len(w); i++ {
		if !isRussianVowel(w[i]) && isRussianVowel(w[i-1]) {
			s.r2 = i + 1
			break
		}
	}
}

// match returns the rune length of the longest ending of list that ends w[:end] and starts at or after min,
// or -1.
func (s *russianStemmer) match(end, min int, list []string) int {
	best := -1
	for _, suf := range list {
		n := utf8.RuneCountInString(suf)
		if n <= best || end-n < min {
			continue
		}
		ok := true
		i := end - n
		for _, r := range suf {
			if s.w[i] != r {
				ok = false
				break
			}
			i++
		}
		if ok {
			best = n
		}
	}
	return best
}

// matchGroups finds the longest ending of group1 that is preceded by а or я, or of group2, whichever is
// longer, within RV. The preceding а/я stays part of the stem.
func (s *russianStemmer) matchGroups(end int, group1, group2 []string) int {
	best := -1
	if n := s.match(end, s.rv+1, group1); n > 0 {
		if p := s.w[end-n-1]; p == 'а' || p == 'я' {
			best = n
		}
	}
	if n := s.match(end, s.rv, group2); n > best {
		best = n
	}
	return best
}

func (s *russianStemmer) cut(n int) { s.w = s.w[:len(s.w)-n] }

func (s *russianStemmer) removeIn(min int, list []string) bool {
	if n := s.match(len(s.w), min, list); n > 0 {
		s.cut(n)
		return true
	}
	return false
}

func (s *russianStemmer) step1() {
	end := len(s.w)
	if n := s.matchGroups(end, ruPerfectiveGerund1, ruPerfectiveGerund2); n > 0 {
		s.cut(n)
		return
	}
	s.removeIn(s.rv, ruReflexive)
	end = len(s.w)
	if n := s.match(end, s.rv, ruAdjective); n > 0 {
		// An adjectival ending may carry a participle suffix before it.
		p := s.matchGroups(end-n, ruParticiple1, ruParticiple2)
		if p < 0 {
			p = 0
		}
		s.cut(n + p)
		return
	}
	if n := s.matchGroups(end, ruVerb1, ruVerb2); n > 0 {
		s.cut(n)
		return
	}
	s.removeIn(s.rv, ruNoun)
}

func (s *russianStemmer) step4() {
	n := len(s.w)
	if n-2 >= s.rv && s.w[n-1] == 'н' && s.w[n-2] == 'н' {
		s.cut(1)
		return
	}
	if s.removeIn(s.rv, ruSuperlative) {
		n = len(s.w)
		if n-2 >= s.rv && s.w[n-1] == 'н' && s.w[n-2] == 'н' {
			s.cut(1)
		}
		return
	}
	if n-1 >= s.rv && s.w[n-1] == 'ь' {
		s.cut(1)
	}
}
