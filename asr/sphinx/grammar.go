package sphinx

import (
	"errors"
	"strings"
	"unicode"
)

// maxPhrases bounds a phrase list turned into a grammar.
const maxPhrases = 10000

// PhraseGrammar turns a phrase list (the vosk "phrase_list") into a JSGF
// alternation. Words are lower-cased and stripped of punctuation other than
// inner apostrophes, hyphens and periods; vosk's "[unk]" entry, which lets
// vosk answer with unknown words, has no meaning for a grammar and is dropped.
func PhraseGrammar(phrases []string) (string, error) {
	if len(phrases) > maxPhrases {
		return "", errors.New("sphinx: phrase list too long")
	}
	seen := make(map[string]bool, len(phrases))
	var b strings.Builder
	b.WriteString("#JSGF V1.0;\ngrammar phrases;\npublic <phrase> = ")
	n := 0
	for _, p := range phrases {
		words := phraseWords(p)
		if len(words) == 0 {
			continue
		}
		alt := strings.Join(words, " ")
		if seen[alt] {
			continue
		}
		seen[alt] = true
		if n > 0 {
			b.WriteString(" | ")
		}
		b.WriteString("( ")
		b.WriteString(alt)
		b.WriteString(" )")
		n++
	}
	if n == 0 {
		return "", &GrammarError{Reason: "phrase list has no words"}
	}
	b.WriteString(" ;\n")
	return b.String(), nil
}

func phraseWords(p string) []string {
	var words []string
	for _, f := range strings.Fields(strings.ToLower(p)) {
		if f == "[unk]" {
			continue
		}
		w := strings.TrimFunc(f, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
		w = strings.Map(func(r rune) rune {
			if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '\'' || r == '-' || r == '.' {
				return r
			}
			return -1
		}, w)
		if w != "" {
			words = append(words, w)
		}
	}
	return words
}
