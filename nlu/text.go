package nlu

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Stemmer names accepted in Config.Stemmer.
const (
	// StemAuto stems each word by its script: Cyrillic words with the Russian rules, Latin words with the
	// English rules. Mixed-language campaigns need nothing else.
	StemAuto = "auto"
	// StemEnglish applies the English rules only.
	StemEnglish = "en"
	// StemRussian applies the Russian rules only.
	StemRussian = "ru"
	// StemNone keeps words as they are (character n-grams still cover their endings).
	StemNone = "none"
)

// DefaultFillers returns the hesitation words that recognisers transcribe and that never carry an intent.
// Discourse words that can matter ("like", "вот", "так") are deliberately absent.
func DefaultFillers() []string {
	return []string{
		"um", "umm", "uh", "uhh", "uhm", "er", "erm", "hmm", "hm", "mm", "mhm", "ah", "eh",
		"ну", "э", "ээ", "эээ", "эм", "эмм", "мм", "ммм", "хм", "ам",
	}
}

// token is one normalised word and its stem.
type token struct {
	word string
	stem string
}

// analyzer turns raw text into tokens. It is immutable after construction and safe for concurrent use.
type analyzer struct {
	stemmer string
	fillers map[string]bool
}

func newAnalyzer(stemmer string, fillers []string) *analyzer {
	a := &analyzer{stemmer: stemmer, fillers: make(map[string]bool, len(fillers))}
	for _, f := range fillers {
		buf := make([]byte, 0, len(f))
		for _, w := range normaliseWords(buf, f) {
			a.fillers[w] = true
		}
	}
	return a
}

// normaliseWords lower-cases text, folds ё to е, drops apostrophes inside words and splits on everything
// that is not a letter or a digit. It builds the words in buf (which it may grow) and returns them as
// substrings of one string.
func normaliseWords(buf []byte, text string) []string {
	buf = buf[:0]
	words := 0
	inWord := false
	var prev rune
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		i += size
		switch {
		case r == '\'' || r == '\u2019' || r == '\u02bc' || r == '`':
			// "don't" and "don’t" become one word; a leading or trailing quote is just a separator.
			continue
		case unicode.Is(unicode.Mn, r):
			// Decomposed й and ё arrive as a base letter plus a combining mark.
			if r == '\u0306' && prev == 'и' && inWord {
				buf = utf8.AppendRune(buf[:len(buf)-2], 'й')
			}
			continue
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			r = unicode.ToLower(r)
			if r == 'ё' {
				r = 'е'
			}
			if !inWord {
				if words > 0 {
					buf = append(buf, ' ')
				}
				words++
				inWord = true
			}
			buf = utf8.AppendRune(buf, r)
			prev = r
			continue
		}
		inWord = false
		prev = 0
	}
	if words == 0 {
		return nil
	}
	all := string(buf)
	out := make([]string, 0, words)
	for len(all) > 0 {
		w, rest, _ := strings.Cut(all, " ")
		out = append(out, w)
		all = rest
	}
	return out
}

// tokens returns the words of text without fillers, each with its stem.
func (a *analyzer) tokens(text string) []token {
	var buf [256]byte
	words := normaliseWords(buf[:0], text)
	out := make([]token, 0, len(words))
	for _, w := range words {
		if a.fillers[w] {
			continue
		}
		out = append(out, token{word: w, stem: a.stem(w)})
	}
	return out
}

func (a *analyzer) stem(w string) string {
	switch a.stemmer {
	case StemEnglish:
		return stemEnglish(w)
	case StemRussian:
		if isCyrillicWord(w) {
			return stemRussian(w)
		}
		return w
	case StemAuto:
		if isCyrillicWord(w) {
			return stemRussian(w)
		}
		return stemEnglish(w)
	}
	return w
}

func isCyrillicWord(w string) bool {
	for _, r := range w {
		if !unicode.Is(unicode.Cyrillic, r) {
			return false
		}
	}
	return w != ""
}
