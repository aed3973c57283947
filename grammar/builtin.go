package grammar

import (
	"strconv"
	"strings"

	"github.com/mrcpd/mrcpd/grammar/semantic"
)

// Builtin grammars follow the VoiceXML 2.0 convention (Appendix P) for the
// builtin: URIs RFC 6787 clients send: builtin:<mode>/<type>[?params], the
// parameters separated by ';'. Voice grammars are "grammar", "voice" or
// "speech"; DTMF ones "dtmf".
//
//	builtin:speech/transcribe       any utterance; instance = the transcript
//	builtin:grammar/boolean         yes/no words -> true/false
//	builtin:grammar/digits          "one two oh" -> "120" (?length, ?minlength, ?maxlength)
//	builtin:grammar/number          "twenty five" -> 25
//	builtin:dtmf/digits             "1234" (?length, ?minlength, ?maxlength)
//	builtin:dtmf/boolean            1 -> true, 2 -> false (?y=, ?n=)
//	builtin:dtmf/number             "12*5" -> 12.5
type builtinKind uint8

const (
	builtinTranscribe builtinKind = iota
	builtinBoolean
	builtinDigits
	builtinNumber
)

type builtinGrammar struct {
	uri    string
	mode   Mode
	kind   builtinKind
	minLen int
	maxLen int // Unbounded for no limit
	yesKey string
	noKey  string
}

// Builtin compiles a builtin: URI.
func Builtin(uri string) (*Compiled, error) {
	b, err := parseBuiltin(uri)
	if err != nil {
		return nil, err
	}
	return &Compiled{mode: b.mode, builtin: b}, nil
}

func parseBuiltin(uri string) (*builtinGrammar, error) {
	rest, ok := cutPrefixFold(strings.TrimSpace(uri), "builtin:")
	if !ok {
		return nil, loadErrorf("%q is not a builtin: URI", uri)
	}
	path, query, _ := strings.Cut(rest, "?")
	typ, name, ok := strings.Cut(path, "/")
	if !ok {
		typ, name = "grammar", path
	}
	b := &builtinGrammar{uri: uri, minLen: 1, maxLen: Unbounded, yesKey: "1", noKey: "2"}
	switch strings.ToLower(typ) {
	case "grammar", "voice", "speech":
		b.mode = ModeVoice
	case "dtmf":
		b.mode = ModeDTMF
	default:
		return nil, loadErrorf("builtin grammar %q: unknown type %q", uri, typ)
	}
	switch strings.ToLower(name) {
	case "transcribe", "dictation":
		if b.mode != ModeVoice {
			return nil, loadErrorf("builtin grammar %q: transcription is for speech only", uri)
		}
		b.kind = builtinTranscribe
		b.minLen = 0
	case "boolean":
		b.kind = builtinBoolean
	case "digits":
		b.kind = builtinDigits
	case "number":
		b.kind = builtinNumber
	default:
		return nil, loadErrorf("builtin grammar %q is not supported (boolean, digits, number, transcribe are)", uri)
	}
	if query == "" {
		return b, nil
	}
	length, minSet, maxSet := -1, false, false
	for _, p := range strings.FieldsFunc(query, func(r rune) bool { return r == ';' || r == '&' }) {
		k, v, _ := strings.Cut(p, "=")
		k, v = strings.ToLower(strings.TrimSpace(k)), strings.TrimSpace(v)
		switch k {
		case "length", "minlength", "maxlength":
			if b.kind != builtinDigits {
				return nil, loadErrorf("builtin grammar %q: %s applies to digits only", uri, k)
			}
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 || n > maxRepeat {
				return nil, loadErrorf("builtin grammar %q: %s=%q is not a count up to %d", uri, k, v, maxRepeat)
			}
			switch k {
			case "length":
				length = n
			case "minlength":
				b.minLen, minSet = n, true
			case "maxlength":
				b.maxLen, maxSet = n, true
			}
		case "y", "n":
			keys, err := Keys(v)
			if b.mode != ModeDTMF || b.kind != builtinBoolean || err != nil || len(keys) != 1 {
				return nil, loadErrorf("builtin grammar %q: %s=%q needs a single DTMF key on dtmf/boolean", uri, k, v)
			}
			if k == "y" {
				b.yesKey = keys[0]
			} else {
				b.noKey = keys[0]
			}
		}
		// Other parameters are platform-specific (VoiceXML 2.0 Appendix P)
		// and are ignored.
	}
	if length >= 0 {
		if minSet || maxSet {
			return nil, loadErrorf("builtin grammar %q: length excludes minlength and maxlength", uri)
		}
		b.minLen, b.maxLen = length, length
	}
	if b.maxLen != Unbounded && b.maxLen < b.minLen {
		return nil, loadErrorf("builtin grammar %q: maxlength below minlength", uri)
	}
	if b.yesKey == b.noKey {
		return nil, loadErrorf("builtin grammar %q: y and n are the same key", uri)
	}
	return b, nil
}

func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
		return s[len(prefix):], true
	}
	return s, false
}

// outcome is what a builtin reports for a token sequence.
type outcome struct {
	status    Status
	canExtend bool
	value     semantic.Value
}

// match applies the builtin to tokens (words, or DTMF keys). raw is the
// original transcript when the builtin is the whole grammar, so
// transcription keeps the engine's casing and punctuation.
func (b *builtinGrammar) match(toks []string, raw string) outcome {
	if b.mode == ModeDTMF {
		return b.matchDTMF(toks)
	}
	switch b.kind {
	case builtinTranscribe:
		if len(toks) == 0 {
			return outcome{status: Incomplete, canExtend: true}
		}
		text := strings.Join(strings.Fields(raw), " ")
		if text == "" {
			text = joinWords(toks)
		}
		return outcome{status: Complete, canExtend: true, value: semantic.String(text)}
	case builtinBoolean:
		return matchPhrases(toks, yesPhrases, noPhrases)
	case builtinDigits:
		return b.matchSpokenDigits(toks)
	}
	v, st := parseSpokenNumber(toks)
	if st != Complete {
		return outcome{status: st, canExtend: st == Incomplete}
	}
	return outcome{status: Complete, canExtend: true, value: semantic.Number(v)}
}

func (b *builtinGrammar) matchDTMF(keys []string) outcome {
	switch b.kind {
	case builtinBoolean:
		switch {
		case len(keys) == 0:
			return outcome{status: Incomplete, canExtend: true}
		case len(keys) > 1:
			return outcome{}
		case keys[0] == b.yesKey:
			return outcome{status: Complete, value: semantic.Bool(true)}
		case keys[0] == b.noKey:
			return outcome{status: Complete, value: semantic.Bool(false)}
		}
		return outcome{}
	case builtinDigits:
		for _, k := range keys {
			if k[0] < '0' || k[0] > '9' {
				return outcome{}
			}
		}
		return b.lengthOutcome(len(keys), strings.Join(keys, ""))
	}
	// number: digits with at most one '*' as the decimal point, which must
	// follow a digit.
	if len(keys) == 0 {
		return outcome{status: Incomplete, canExtend: true}
	}
	var sb strings.Builder
	for i, k := range keys {
		switch {
		case k[0] >= '0' && k[0] <= '9':
			sb.WriteString(k)
		case k == "*" && i > 0 && !strings.Contains(sb.String(), "."):
			sb.WriteByte('.')
		default:
			return outcome{}
		}
	}
	s := sb.String()
	if strings.HasSuffix(s, ".") {
		return outcome{status: Incomplete, canExtend: true}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return outcome{}
	}
	return outcome{status: Complete, canExtend: true, value: semantic.Number(f)}
}

// lengthOutcome applies the digits length limits to n collected digits.
func (b *builtinGrammar) lengthOutcome(n int, digits string) outcome {
	switch {
	case b.maxLen != Unbounded && n > b.maxLen:
		return outcome{}
	case n < b.minLen || n == 0:
		return outcome{status: Incomplete, canExtend: true}
	}
	return outcome{status: Complete, canExtend: b.maxLen == Unbounded || n < b.maxLen, value: semantic.String(digits)}
}

// digitWords maps spoken digits to their value, English and Russian.
var digitWords = map[string]byte{
	"zero": '0', "oh": '0', "o": '0', "nought": '0',
	"one": '1', "two": '2', "three": '3', "four": '4', "five": '5',
	"six": '6', "seven": '7', "eight": '8', "nine": '9',
	"ноль": '0', "нуль": '0', "один": '1', "одна": '1', "два": '2', "две": '2', "три": '3',
	"четыре": '4', "пять": '5', "шесть": '6', "семь": '7', "восемь": '8', "девять": '9',
}

func isNumeral(w string) bool {
	if w == "" {
		return false
	}
	for i := 0; i < len(w); i++ {
		if w[i] < '0' || w[i] > '9' {
			return false
		}
	}
	return true
}

func (b *builtinGrammar) matchSpokenDigits(words []string) outcome {
	var digits []byte
	repeat := 0
	for _, w := range words {
		if repeat == 0 {
			switch w {
			case "double":
				repeat = 2
				continue
			case "triple":
				repeat = 3
				continue
			}
		}
		var chunk []byte
		if d, ok := digitWords[w]; ok {
			chunk = []byte{d}
		} else if isNumeral(w) {
			chunk = []byte(w)
		} else {
			return outcome{}
		}
		if repeat > 0 {
			if len(chunk) != 1 {
				return outcome{}
			}
			for ; repeat > 1; repeat-- {
				digits = append(digits, chunk[0])
			}
			repeat = 0
		}
		digits = append(digits, chunk...)
		if len(digits) > maxRepeat {
			return outcome{}
		}
	}
	if repeat > 0 {
		// "double" waits for its digit.
		if b.maxLen != Unbounded && len(digits)+repeat > b.maxLen {
			return outcome{}
		}
		return outcome{status: Incomplete, canExtend: true}
	}
	return b.lengthOutcome(len(digits), string(digits))
}

// Boolean vocabulary (English and Russian).
var yesPhrases = []string{
	"yes", "yeah", "yep", "yup", "yes please", "sure", "correct", "right", "true", "affirmative",
	"ok", "okay", "of course", "that's right", "that is right", "absolutely",
	"да", "ага", "угу", "конечно", "верно", "правильно", "да конечно",
}

var noPhrases = []string{
	"no", "nope", "nah", "no thanks", "no thank you", "negative", "false", "incorrect", "wrong",
	"not really", "that's wrong", "that is wrong",
	"нет", "неверно", "неправильно", "не надо", "нет спасибо",
}

// matchPhrases matches words against two phrase lists meaning true and
// false.
func matchPhrases(words []string, yes, no []string) outcome {
	if len(words) == 0 {
		return outcome{status: Incomplete, canExtend: true}
	}
	text := joinWords(words)
	res := outcome{}
	extend := false
	for i, list := range [][]string{yes, no} {
		for _, p := range list {
			switch {
			case p == text:
				res = outcome{status: Complete, value: semantic.Bool(i == 0)}
			case strings.HasPrefix(p, text+" "):
				extend = true
			}
		}
	}
	if res.status == Complete {
		res.canExtend = extend
		return res
	}
	if extend {
		return outcome{status: Incomplete, canExtend: true}
	}
	return outcome{}
}
