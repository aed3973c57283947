package grammar

import (
	"fmt"
	"strconv"
	"strings"
)

// maxJSGFBytes bounds the JSGF text; expanding counted repeats of large
// expansions can grow it past anything a decoder would load.
const maxJSGFBytes = 1 << 20

// JSGF renders a voice grammar as JSGF 1.0 for decoders that take it
// (pocketsphinx): one public rule <root>, the reachable rules as private
// rules, tokens in normalised lower case, one-of weights as /w/ (only when
// they differ), repeats as [x], x*, x+ or expanded counts. Tags are
// dropped: semantics come from matching the transcript afterwards.
//
// JSGF has no GARBAGE; it becomes <NULL>, so the decoder expects the
// surrounding words only. The result is false for DTMF grammars, for free
// transcription, and when the text would exceed 1 MiB.
func (c *Compiled) JSGF() (string, bool) {
	if c.mode != ModeVoice {
		return "", false
	}
	w := &jsgfWriter{names: map[*crule]string{}, used: map[string]bool{"root": true, "NULL": true, "VOID": true}, builtins: map[string]string{}}
	var top string
	if c.builtin != nil {
		name, ok := w.builtinRule(c.builtin)
		if !ok {
			return "", false
		}
		top = "<" + name + ">"
	} else {
		top = "<" + w.ruleName(c.root) + ">"
	}
	// Rules are emitted as they are discovered, breadth first.
	for i := 0; i < len(w.queue); i++ {
		r := w.queue[i]
		body, ok := w.expr(r.body, false)
		if !ok {
			return "", false
		}
		w.add(fmt.Sprintf("<%s> = %s;", w.names[r], body))
		if w.bytes > maxJSGFBytes {
			return "", false
		}
	}
	var sb strings.Builder
	sb.WriteString("#JSGF V1.0;\ngrammar g;\n")
	fmt.Fprintf(&sb, "public <root> = %s;\n", top)
	for _, r := range w.rules {
		sb.WriteString(r)
		sb.WriteByte('\n')
	}
	if sb.Len() > maxJSGFBytes {
		return "", false
	}
	return sb.String(), true
}

type jsgfWriter struct {
	names    map[*crule]string
	used     map[string]bool
	queue    []*crule
	rules    []string
	builtins map[string]string
	bytes    int
}

func (w *jsgfWriter) add(rules ...string) {
	for _, r := range rules {
		w.rules = append(w.rules, r)
		w.bytes += len(r) + 1
	}
}

// ruleName gives each rule a unique JSGF-safe name and queues it.
func (w *jsgfWriter) ruleName(r *crule) string {
	if n, ok := w.names[r]; ok {
		return n
	}
	n := w.unique(r.name)
	w.names[r] = n
	w.queue = append(w.queue, r)
	return n
}

func (w *jsgfWriter) unique(name string) string {
	var sb strings.Builder
	for _, r := range name {
		if r == '_' || r == '-' || r == '.' || (r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') {
			sb.WriteRune(r)
		} else {
			sb.WriteByte('_')
		}
	}
	base := sb.String()
	if base == "" {
		base = "rule"
	}
	n := base
	for i := 2; w.used[n]; i++ {
		n = base + "_" + strconv.Itoa(i)
	}
	w.used[n] = true
	return n
}

// expr renders n; grouped asks for parentheses around alternatives and
// sequences, for use inside a sequence or before a repeat operator.
func (w *jsgfWriter) expr(n *node, grouped bool) (string, bool) {
	switch n.kind {
	case nToken:
		parts := make([]string, len(n.words))
		for i, word := range n.words {
			parts[i] = jsgfToken(word)
		}
		s := strings.Join(parts, " ")
		if grouped && len(parts) > 1 {
			s = "(" + s + ")"
		}
		return s, true
	case nNull, nGarbage, nTag:
		return "<NULL>", true
	case nVoid:
		return "<VOID>", true
	case nRef:
		return "<" + w.ruleName(n.rule) + ">", true
	case nBuiltin:
		name, ok := w.builtinRule(n.builtin)
		return "<" + name + ">", ok
	case nSeq:
		var parts []string
		for _, it := range n.items {
			if it.kind == nTag {
				continue
			}
			s, ok := w.expr(it, true)
			if !ok {
				return "", false
			}
			parts = append(parts, s)
		}
		if len(parts) == 0 {
			return "<NULL>", true
		}
		s := strings.Join(parts, " ")
		if grouped && len(parts) > 1 {
			s = "(" + s + ")"
		}
		return s, true
	case nAlt:
		weighted := false
		for _, x := range n.weights[1:] {
			if x != n.weights[0] {
				weighted = true
			}
		}
		parts := make([]string, len(n.items))
		for i, it := range n.items {
			s, ok := w.expr(it, false)
			if !ok {
				return "", false
			}
			if weighted {
				s = "/" + strconv.FormatFloat(n.weights[i], 'g', -1, 64) + "/ " + s
			}
			parts[i] = s
		}
		s := strings.Join(parts, " | ")
		if grouped && len(parts) > 1 {
			s = "(" + s + ")"
		}
		return s, true
	case nRepeat:
		x, ok := w.expr(n.items[0], true)
		if !ok {
			return "", false
		}
		return repeatJSGF(x, n.min, n.max)
	}
	return "", false
}

// repeatJSGF expresses x{lo,hi} with JSGF's [ ], * and +.
func repeatJSGF(x string, lo, hi int) (string, bool) {
	if (lo+max(hi, 0))*(len(x)+3) > maxJSGFBytes {
		return "", false
	}
	var parts []string
	switch {
	case hi == Unbounded && lo == 0:
		return x + "*", true
	case hi == Unbounded:
		for i := 0; i < lo-1; i++ {
			parts = append(parts, x)
		}
		parts = append(parts, x+"+")
	default:
		for i := 0; i < lo; i++ {
			parts = append(parts, x)
		}
		if opt := hi - lo; opt > 0 {
			// x{0,k} as nested options: [x [x [x]]].
			tail := strings.Repeat("["+x+" ", opt-1) + "[" + x + "]" + strings.Repeat("]", opt-1)
			parts = append(parts, tail)
		}
	}
	if len(parts) == 0 {
		return "<NULL>", true
	}
	s := strings.Join(parts, " ")
	if len(parts) > 1 {
		s = "(" + s + ")"
	}
	return s, true
}

// jsgfToken quotes a token that contains a JSGF metacharacter.
func jsgfToken(word string) string {
	if strings.ContainsAny(word, ";=|*+<>()[]{}/\"\\ \t") {
		return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(word) + `"`
	}
	return word
}

// builtinRule adds the JSGF rules of a builtin grammar and returns the
// name of its top rule.
func (w *jsgfWriter) builtinRule(b *builtinGrammar) (string, bool) {
	if b.mode != ModeVoice || b.kind == builtinTranscribe {
		return "", false
	}
	key := b.uri
	if n, ok := w.builtins[key]; ok {
		return n, true
	}
	digit := func() string {
		if n, ok := w.builtins["#digit"]; ok {
			return n
		}
		n := w.unique("builtin_digit")
		w.builtins["#digit"] = n
		w.add(fmt.Sprintf("<%s> = zero | oh | one | two | three | four | five | six | seven | eight | nine;", n))
		return n
	}
	var name string
	switch b.kind {
	case builtinBoolean:
		name = w.unique("builtin_boolean")
		words := append(append([]string(nil), yesPhrases...), noPhrases...)
		var alts []string
		for _, p := range words {
			if isASCII(p) {
				alts = append(alts, p)
			}
		}
		w.add(fmt.Sprintf("<%s> = %s;", name, strings.Join(alts, " | ")))
	case builtinDigits:
		d := digit()
		name = w.unique("builtin_digits")
		lo, hi := b.minLen, b.maxLen
		lo = max(lo, 1)
		body, ok := repeatJSGF("<"+d+">", lo, hi)
		if !ok {
			return "", false
		}
		w.add(fmt.Sprintf("<%s> = %s;", name, body))
	case builtinNumber:
		// Scales strictly decrease ("two million five thousand"), as the
		// matcher requires.
		d := digit()
		name = w.unique("builtin_number")
		unit := w.unique("builtin_unit")
		below := w.unique("builtin_below100")
		chunk := w.unique("builtin_chunk")
		thousands := w.unique("builtin_thousands")
		millions := w.unique("builtin_millions")
		billions := w.unique("builtin_billions")
		w.add(
			fmt.Sprintf("<%s> = one | two | three | four | five | six | seven | eight | nine;", unit),
			fmt.Sprintf("<%s> = (twenty | thirty | forty | fifty | sixty | seventy | eighty | ninety) [<%s>] | "+
				"ten | eleven | twelve | thirteen | fourteen | fifteen | sixteen | seventeen | eighteen | nineteen | <%s>;", below, unit, unit),
			fmt.Sprintf("<%s> = (<%s> | a) hundred [[and] <%s>] | <%s>;", chunk, unit, below, below),
			fmt.Sprintf("<%s> = (<%s> | a) thousand [<%s>] | <%s>;", thousands, chunk, chunk, chunk),
			fmt.Sprintf("<%s> = (<%s> | a) million [<%s>] | <%s>;", millions, chunk, thousands, thousands),
			fmt.Sprintf("<%s> = (<%s> | a) billion [<%s>] | <%s>;", billions, chunk, millions, millions),
			fmt.Sprintf("<%s> = [minus] (zero | <%s>) [point <%s>+];", name, billions, d),
		)
	}
	w.builtins[key] = name
	return name, true
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
