package nlu

// English stemming after the Porter2 ("English Snowball") rules: suffixes are removed only inside the regions
// R1/R2 so that short words keep their shape. ASR output mangles endings, so folding "charged", "charges" and
// "charging" to one stem lets a few examples cover every form.

var englishExceptions = map[string]string{
	"skis": "ski", "skies": "sky", "dying": "die", "lying": "lie", "tying": "tie",
	"idly": "idl", "gently": "gentl", "ugly": "ugli", "early": "earli", "only": "onli", "singly": "singl",
	"sky": "sky", "news": "news", "howe": "howe", "atlas": "atlas", "cosmos": "cosmos", "bias": "bias", "andes": "andes",
}

var englishInvariantAfter1a = map[string]bool{
	"inning": true, "outing": true, "canning": true, "herring": true, "earring": true,
	"proceed": true, "exceed": true, "succeed": true,
}

func isEnglishVowel(c byte) bool {
	switch c {
	case 'a', 'e', 'i', 'o', 'u', 'y':
		return true
	}
	return false
}

// stemEnglish returns the stem of a lower-case ASCII word. Words with other bytes are returned unchanged.
func stemEnglish(word string) string {
	if len(word) <= 2 {
		return word
	}
	for i := 0; i < len(word); i++ {
		if c := word[i]; c < 'a' || c > 'z' {
			if c != '\'' {
				return word
			}
		}
	}
	if s, ok := englishExceptions[word]; ok {
		return s
	}
	// A stack buffer keeps the common case free of allocations.
	var buf [48]byte
	w := append(buf[:0], word...)
	if w[0] == '\'' {
		w = w[1:]
	}
	// 'Y' marks a consonant y so that vowel tests treat it as such.
	for i := range w {
		if w[i] == 'y' && (i == 0 || isEnglishVowel(w[i-1])) {
			w[i] = 'Y'
		}
	}
	st := englishStemmer{w: w}
	st.markRegions()
	st.step0()
	st.step1a()
	if englishInvariantAfter1a[string(st.w)] {
		return lowerY(st.w, word)
	}
	st.step1b()
	st.step1c()
	st.step2()
	st.step3()
	st.step4()
	st.step5()
	return lowerY(st.w, word)
}

// lowerY turns the consonant marker Y back into y and returns the stem, as a substring of word when the
// stem is a prefix of it (most stems are) so that no new string is allocated.
func lowerY(w []byte, word string) string {
	for i := range w {
		if w[i] == 'Y' {
			w[i] = 'y'
		}
	}
	if len(w) <= len(word) && string(w) == word[:len(w)] {
		return word[:len(w)]
	}
	return string(w)
}

type englishStemmer struct {
	w      []byte
	r1, r2 int
}

func (s *englishStemmer) vowel(i int) bool { return isEnglishVowel(s.w[i]) }

func (s *englishStemmer) markRegions() {
	w := s.w
	s.r1, s.r2 = len(w), len(w)
	start := 0
	for _, p := range []string{"gener", "commun", "arsen"} {
		if hasPrefix(w, p) {
			s.r1 = len(p)
			start = -1
			break
		}
	}
	if start == 0 {
		s.r1 = regionAfter(w, 0)
	}
	s.r2 = regionAfter(w, s.r1)
}

// regionAfter returns the index after the first non-vowel that follows a vowel, searching from 'from'.
func regionAfter(w []byte, from int) int {
	for i := from + 1; i < len(w); i++ {
		if !isEnglishVowel(w[i]) && isEnglishVowel(w[i-1]) {
			return i + 1
		}
	}
	return len(w)
}

func hasPrefix(w []byte, p string) bool {
	return len(w) >= len(p) && string(w[:len(p)]) == p
}

func hasSuffix(w []byte, suf string) bool {
	return len(w) >= len(suf) && string(w[len(w)-len(suf):]) == suf
}

// longestSuffix returns the longest entry of list that ends w, or "".
func longestSuffix(w []byte, list []string) string {
	best := ""
	for _, suf := range list {
		if len(suf) > len(best) && hasSuffix(w, suf) {
			best = suf
		}
	}
	return best
}

func (s *englishStemmer) inR1(suf string) bool { return len(s.w)-len(suf) >= s.r1 }
func (s *englishStemmer) inR2(suf string) bool { return len(s.w)-len(suf) >= s.r2 }

func (s *englishStemmer) replace(suf, with string) {
	s.w = append(s.w[:len(s.w)-len(suf)], with...)
}

func (s *englishStemmer) step0() {
	if suf := longestSuffix(s.w, []string{"'s'", "'s", "'"}); suf != "" {
		s.replace(suf, "")
	}
}

func (s *englishStemmer) step1a() {
	suf := longestSuffix(s.w, []string{"sses", "ied", "ies", "s", "us", "ss"})
	switch suf {
	case "sses":
		s.replace(suf, "ss")
	case "ied", "ies":
		if len(s.w) > 4 {
			s.replace(suf, "i")
		} else {
			s.replace(suf, "ie")
		}
	case "s":
		// Delete only if a vowel occurs before the letter preceding the s ("gaps" -> "gap", "gas" stays).
		for i := 0; i < len(s.w)-2; i++ {
			if s.vowel(i) {
				s.replace(suf, "")
				return
			}
		}
	}
}

func (s *englishStemmer) containsVowel(end int) bool {
	for i := 0; i < end; i++ {
		if s.vowel(i) {
			return true
		}
	}
	return false
}

func (s *englishStemmer) step1b() {
	suf := longestSuffix(s.w, []string{"eed", "eedly", "ed", "edly", "ing", "ingly"})
	switch suf {
	case "":
		return
	case "eed", "eedly":
		if s.inR1(suf) {
			s.replace(suf, "ee")
		}
		return
	}
	if !s.containsVowel(len(s.w) - len(suf)) {
		return
	}
	s.replace(suf, "")
	switch {
	case hasSuffix(s.w, "at"), hasSuffix(s.w, "bl"), hasSuffix(s.w, "iz"):
		s.w = append(s.w, 'e')
	case s.endsWithDouble():
		s.w = s.w[:len(s.w)-1]
	case s.isShort():
		s.w = append(s.w, 'e')
	}
}

func (s *englishStemmer) endsWithDouble() bool {
	for _, d := range []string{"bb", "dd", "ff", "gg", "mm", "nn", "pp", "rr", "tt"} {
		if hasSuffix(s.w, d) {
			return true
		}
	}
	return false
}

// endsWithShortSyllable reports whether w[:end] ends in a short syllable (Porter2 definition).
func (s *englishStemmer) endsWithShortSyllable(end int) bool {
	w := s.w[:end]
	n := len(w)
	if n == 2 {
		return isEnglishVowel(w[0]) && !isEnglishVowel(w[1])
	}
	if n >= 3 {
		c := w[n-1]
		return !isEnglishVowel(w[n-3]) && isEnglishVowel(w[n-2]) && !isEnglishVowel(c) && c != 'w' && c != 'x' && c != 'Y'
	}
	return false
}

func (s *englishStemmer) isShort() bool {
	return s.r1 >= len(s.w) && s.endsWithShortSyllable(len(s.w))
}

func (s *englishStemmer) step1c() {
	n := len(s.w)
	if n > 2 && (s.w[n-1] == 'y' || s.w[n-1] == 'Y') && !isEnglishVowel(s.w[n-2]) {
		s.w[n-1] = 'i'
	}
}

var englishStep2 = []struct{ suf, with string }{
	{"tional", "tion"}, {"enci", "ence"}, {"anci", "ance"}, {"abli", "able"}, {"entli", "ent"},
	{"izer", "ize"}, {"ization", "ize"}, {"ational", "ate"}, {"ation", "ate"}, {"ator", "ate"},
	{"alism", "al"}, {"aliti", "al"}, {"alli", "al"}, {"fulness", "ful"}, {"ousli", "ous"}, {"ousness", "ous"},
	{"iveness", "ive"}, {"iviti", "ive"}, {"biliti", "ble"}, {"bli", "ble"}, {"ogi", "og"}, {"fulli", "ful"},
	{"lessli", "less"}, {"li", ""},
}

var englishStep3 = []struct{ suf, with string }{
	{"tional", "tion"}, {"ational", "ate"}, {"alize", "al"}, {"icate", "ic"}, {"iciti", "ic"}, {"ical", "ic"},
	{"ful", ""}, {"ness", ""}, {"ative", ""},
}

func (s *englishStemmer) step2() {
	best := -1
	for i, r := range englishStep2 {
		if hasSuffix(s.w, r.suf) && (best < 0 || len(r.suf) > len(englishStep2[best].suf)) {
			best = i
		}
	}
	if best < 0 {
		return
	}
	r := englishStep2[best]
	if !s.inR1(r.suf) {
		return
	}
	switch r.suf {
	case "ogi":
		if n := len(s.w) - 3; n < 1 || s.w[n-1] != 'l' {
			return
		}
	case "li":
		n := len(s.w) - 2
		if n < 1 {
			return
		}
		switch s.w[n-1] {
		case 'c', 'd', 'e', 'g', 'h', 'k', 'm', 'n', 'r', 't':
		default:
			return
		}
	}
	s.replace(r.suf, r.with)
}

func (s *englishStemmer) step3() {
	best := -1
	for i, r := range englishStep3 {
		if hasSuffix(s.w, r.suf) && (best < 0 || len(r.suf) > len(englishStep3[best].suf)) {
			best = i
		}
	}
	if best < 0 {
		return
	}
	r := englishStep3[best]
	if !s.inR1(r.suf) {
		return
	}
	if r.suf == "ative" && !s.inR2(r.suf) {
		return
	}
	s.replace(r.suf, r.with)
}

var englishStep4 = []string{
	"al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement", "ment", "ent", "ism", "ate", "iti", "ous",
	"ive", "ize", "ion",
}

func (s *englishStemmer) step4() {
	suf := longestSuffix(s.w, englishStep4)
	if suf == "" || !s.inR2(suf) {
		return
	}
	if suf == "ion" {
		n := len(s.w) - 3
		if n < 1 || (s.w[n-1] != 's' && s.w[n-1] != 't') {
			return
		}
	}
	s.replace(suf, "")
}

func (s *englishStemmer) step5() {
	n := len(s.w)
	if n == 0 {
		return
	}
	switch s.w[n-1] {
	case 'e':
		if s.inR2("e") || (s.inR1("e") && !s.endsWithShortSyllable(n-1)) {
			s.w = s.w[:n-1]
		}
	case 'l':
		if s.inR2("l") && n >= 2 && s.w[n-2] == 'l' {
			s.w = s.w[:n-1]
		}
	}
}
