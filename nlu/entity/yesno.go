package entity

import "strings"

// yesNoPhrases maps answer phrases (words separated by single spaces, already lower-case and ё-folded) to
// their meaning. Longer phrases win over their prefixes ("of course not" over "of course").
func yesNoPhrase(s string) (bool, bool) {
	switch s {
	case "yes", "yeah", "yea", "yep", "yup", "sure", "of course", "correct", "absolutely", "definitely",
		"okay", "ok", "thats right", "that is right", "right", "certainly", "indeed", "affirmative",
		"да", "ага", "угу", "конечно", "верно", "правильно", "согласен", "согласна", "точно", "разумеется",
		"хорошо", "ладно", "да да", "давайте":
		return true, true
	case "no", "nope", "nah", "not really", "no way", "of course not", "absolutely not", "definitely not",
		"not at all", "negative", "incorrect", "thats wrong", "that is wrong",
		"нет", "неа", "не надо", "конечно нет", "ни в коем случае", "не согласен", "не согласна", "неверно",
		"неправильно", "нет нет", "не хочу", "не нужно":
		return false, true
	}
	return false, false
}

const maxYesNoWords = 4

// startsYesNoPhrase reports whether a phrase of several words can start with s, so that only those
// positions pay for joining words.
func startsYesNoPhrase(s string) bool {
	switch s {
	case "of", "thats", "that", "not", "no", "absolutely", "definitely", "да", "не", "конечно", "ни", "нет":
		return true
	}
	return false
}

// matchYesNo finds answers, longest phrase first at each position.
func matchYesNo(toks []token, cands []candidate) []candidate {
	var b strings.Builder
	for i := 0; i < len(toks); i++ {
		longest := 1
		if startsYesNoPhrase(toks[i].s) {
			longest = maxYesNoWords
		}
		for n := min(longest, len(toks)-i); n >= 1; n-- {
			if n == 1 {
				if v, found := yesNoPhrase(toks[i].s); found && toks[i].kind == kindWord {
					cands = append(cands, candidate{typ: TypeYesNo, value: v, from: i, to: i + 1, priority: 0})
				}
				break
			}
			b.Reset()
			ok := true
			for k := i; k < i+n; k++ {
				if toks[k].kind != kindWord {
					ok = false
					break
				}
				if k > i {
					b.WriteByte(' ')
				}
				b.WriteString(toks[k].s)
			}
			if !ok {
				continue
			}
			if v, found := yesNoPhrase(b.String()); found {
				cands = append(cands, candidate{typ: TypeYesNo, value: v, from: i, to: i + n, priority: 0})
				i += n - 1
				break
			}
		}
	}
	return cands
}
