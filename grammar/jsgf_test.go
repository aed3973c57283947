package grammar

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"
)

// A tiny JSGF reader, enough to read back what JSGF() writes: rules,
// weighted alternatives, sequences, ( ), [ ], * and +, <refs>, tokens.

type jsgfExpr struct {
	kind    string // "alt", "seq", "opt", "star", "plus", "tok", "ref"
	items   []*jsgfExpr
	weights []string
	text    string
}

type jsgfGrammar struct {
	public string
	rules  map[string]*jsgfExpr
}

func readJSGF(t *testing.T, src string) *jsgfGrammar {
	t.Helper()
	lines := strings.SplitN(src, "\n", 3)
	if len(lines) < 3 || lines[0] != "#JSGF V1.0;" || lines[1] != "grammar g;" {
		t.Fatalf("JSGF header wrong:\n%s", src)
	}
	g := &jsgfGrammar{rules: map[string]*jsgfExpr{}}
	for _, stmt := range strings.Split(strings.TrimSpace(lines[2]), ";\n") {
		stmt = strings.TrimSuffix(strings.TrimSpace(stmt), ";")
		if stmt == "" {
			continue
		}
		public := strings.HasPrefix(stmt, "public ")
		stmt = strings.TrimPrefix(stmt, "public ")
		name, body, ok := strings.Cut(stmt, " = ")
		if !ok || !strings.HasPrefix(name, "<") || !strings.HasSuffix(name, ">") {
			t.Fatalf("bad JSGF rule %q", stmt)
		}
		name = name[1 : len(name)-1]
		if _, dup := g.rules[name]; dup {
			t.Fatalf("JSGF rule %s defined twice", name)
		}
		p := &jsgfReader{t: t, toks: jsgfTokens(t, body)}
		g.rules[name] = p.alts()
		if p.i != len(p.toks) {
			t.Fatalf("JSGF rule %s: trailing %q", name, p.toks[p.i:])
		}
		if public {
			if g.public != "" {
				t.Fatalf("two public rules")
			}
			g.public = name
		}
	}
	if g.public != "root" {
		t.Fatalf("public rule = %q, want root", g.public)
	}
	for name := range g.rules {
		if name == "NULL" || name == "VOID" {
			t.Fatalf("special rule %s redefined", name)
		}
	}
	return g
}

func jsgfTokens(t *testing.T, s string) []string {
	var toks []string
	for i := 0; i < len(s); {
		switch c := s[i]; {
		case c == ' ':
			i++
		case strings.IndexByte("()[]|*+", c) >= 0:
			toks = append(toks, string(c))
			i++
		case c == '/':
			end := strings.IndexByte(s[i+1:], '/')
			toks = append(toks, s[i:i+end+2])
			i += end + 2
		case c == '<':
			end := strings.IndexByte(s[i:], '>')
			toks = append(toks, s[i:i+end+1])
			i += end + 1
		case c == '"':
			j := i + 1
			for ; j < len(s) && s[j] != '"'; j++ {
				if s[j] == '\\' {
					j++
				}
			}
			toks = append(toks, s[i:j+1])
			i = j + 1
		default:
			j := i
			for j < len(s) && strings.IndexByte(" ()[]|*+<>/\";", s[j]) < 0 {
				j++
			}
			if j == i {
				t.Fatalf("unexpected %q in JSGF %q", c, s)
			}
			toks = append(toks, s[i:j])
			i = j
		}
	}
	return toks
}

type jsgfReader struct {
	t    *testing.T
	toks []string
	i    int
}

func (p *jsgfReader) peek() string {
	if p.i < len(p.toks) {
		return p.toks[p.i]
	}
	return ""
}

func (p *jsgfReader) alts() *jsgfExpr {
	e := &jsgfExpr{kind: "alt"}
	for {
		w := ""
		if strings.HasPrefix(p.peek(), "/") {
			w = p.toks[p.i]
			p.i++
		}
		e.weights = append(e.weights, w)
		e.items = append(e.items, p.seq())
		if p.peek() != "|" {
			break
		}
		p.i++
	}
	return e
}

func (p *jsgfReader) seq() *jsgfExpr {
	e := &jsgfExpr{kind: "seq"}
	for {
		switch p.peek() {
		case "", "|", ")", "]":
			if len(e.items) == 0 {
				p.t.Fatalf("empty JSGF sequence at %d in %q", p.i, p.toks)
			}
			return e
		}
		e.items = append(e.items, p.item())
	}
}

func (p *jsgfReader) item() *jsgfExpr {
	var x *jsgfExpr
	switch tok := p.peek(); {
	case tok == "(" || tok == "[":
		p.i++
		x = p.alts()
		closer := ")"
		if tok == "[" {
			closer = "]"
			x = &jsgfExpr{kind: "opt", items: []*jsgfExpr{x}}
		}
		if p.peek() != closer {
			p.t.Fatalf("missing %s in %q", closer, p.toks)
		}
		p.i++
	case strings.HasPrefix(tok, "<"):
		p.i++
		x = &jsgfExpr{kind: "ref", text: tok[1 : len(tok)-1]}
	case strings.HasPrefix(tok, `"`):
		p.i++
		x = &jsgfExpr{kind: "tok", text: strings.NewReplacer(`\"`, `"`, `\\`, `\`).Replace(tok[1 : len(tok)-1])}
	default:
		p.i++
		x = &jsgfExpr{kind: "tok", text: tok}
	}
	switch p.peek() {
	case "*":
		p.i++
		x = &jsgfExpr{kind: "star", items: []*jsgfExpr{x}}
	case "+":
		p.i++
		x = &jsgfExpr{kind: "plus", items: []*jsgfExpr{x}}
	}
	return x
}

// sentences enumerates the language with * and + limited to reps
// iterations and at most limit sentences.
func (g *jsgfGrammar) sentences(t *testing.T, reps, limit int) []string {
	var expand func(e *jsgfExpr, depth int) []string
	product := func(a, b []string) []string {
		var out []string
		for _, x := range a {
			for _, y := range b {
				out = append(out, strings.TrimSpace(x+" "+y))
				if len(out) > limit {
					t.Fatalf("JSGF language larger than %d", limit)
				}
			}
		}
		return out
	}
	expand = func(e *jsgfExpr, depth int) []string {
		if depth > 50 {
			t.Fatalf("JSGF recursion")
		}
		switch e.kind {
		case "tok":
			return []string{e.text}
		case "ref":
			switch e.text {
			case "NULL":
				return []string{""}
			case "VOID":
				return nil
			}
			r, ok := g.rules[e.text]
			if !ok {
				t.Fatalf("JSGF references undefined <%s>", e.text)
			}
			return expand(r, depth+1)
		case "seq":
			set := []string{""}
			for _, it := range e.items {
				set = product(set, expand(it, depth+1))
			}
			return set
		case "alt":
			var set []string
			for _, it := range e.items {
				set = append(set, expand(it, depth+1)...)
			}
			return set
		case "opt":
			return append([]string{""}, expand(e.items[0], depth+1)...)
		case "star", "plus":
			one := expand(e.items[0], depth+1)
			var set []string
			if e.kind == "star" {
				set = []string{""}
			}
			power := []string{""}
			for i := 1; i <= reps; i++ {
				power = product(power, one)
				set = append(set, power...)
			}
			return set
		}
		t.Fatalf("unknown JSGF node %s", e.kind)
		return nil
	}
	seen := map[string]bool{}
	var out []string
	for _, s := range expand(g.rules["root"], 0) {
		s = strings.Join(strings.Fields(s), " ")
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}

// sample generates one random sentence; * and + repeat up to 3 times.
func (g *jsgfGrammar) sample(t *testing.T, rng *rand.Rand) string {
	var words []string
	var gen func(e *jsgfExpr, depth int)
	gen = func(e *jsgfExpr, depth int) {
		if depth > 50 {
			t.Fatalf("JSGF recursion")
		}
		switch e.kind {
		case "tok":
			words = append(words, e.text)
		case "ref":
			if e.text != "NULL" && e.text != "VOID" {
				gen(g.rules[e.text], depth+1)
			}
		case "seq":
			for _, it := range e.items {
				gen(it, depth+1)
			}
		case "alt":
			gen(e.items[rng.IntN(len(e.items))], depth+1)
		case "opt":
			if rng.IntN(2) == 1 {
				gen(e.items[0], depth+1)
			}
		case "star", "plus":
			n := rng.IntN(4)
			if e.kind == "plus" {
				n = 1 + rng.IntN(3)
			}
			for range n {
				gen(e.items[0], depth+1)
			}
		}
	}
	gen(g.rules["root"], 0)
	return strings.Join(words, " ")
}

func TestJSGFFiniteGrammarsHaveTheSameLanguage(t *testing.T) {
	for _, src := range []string{
		traceGrammar,
		rfcSpeakToGrammar,
		`<grammar root="cmd"><rule id="cmd"><ruleref uri="#action"/><item repeat="0-1"><one-of><item>the</item><item>a</item></one-of></item><ruleref uri="#object"/></rule>
		 <rule id="action"><one-of><item weight="10">open<tag>open</tag></item><item weight="2">close</item><item weight="1">delete</item></one-of></rule>
		 <rule id="object"><one-of><item>window</item><item>file</item><item>"new york"</item></one-of></rule></grammar>`,
		`<grammar root="r"><rule id="r"><item repeat="2-4">la</item> <item repeat="1">x</item> <item repeat="0-2"><ruleref uri="#ab"/></item></rule>
		 <rule id="ab"><one-of><item>a</item><item>b<ruleref special="NULL"/></item><item><ruleref special="VOID"/></item></one-of></rule></grammar>`,
		`<grammar root="my.rule-1"><rule id="my.rule-1">"it's" a <ruleref uri="#root"/></rule><rule id="root"><one-of><item>NULL</item><item>test;</item></one-of></rule></grammar>`,
	} {
		c := mustXML(t, src)
		js, ok := c.JSGF()
		if !ok {
			t.Fatalf("JSGF() failed for\n%s", src)
		}
		got := readJSGF(t, js).sentences(t, 3, 10000)
		want := c.Phrases(10000)
		sort.Strings(want)
		if !slices.Equal(got, want) {
			t.Errorf("JSGF language differs\njsgf:   %q\nphrases: %q\n%s", got, want, js)
		}
	}
}

func TestJSGFRepeatsAndWeights(t *testing.T) {
	c := mustABNF(t, `#ABNF 1.0;
root $r;
$r = /10/ $d<1-> | /2.5/ call $d<0-> home | /1/ x<3-> | y<2-5> | $GARBAGE z;
$d = one | two;
`)
	js, ok := c.JSGF()
	if !ok {
		t.Fatal("JSGF() failed")
	}
	if !strings.Contains(js, "public <root> = <r>;") || !strings.Contains(js, "/10/ ") || !strings.Contains(js, "/2.5/ ") {
		t.Errorf("JSGF lacks the root rule or the weights:\n%s", js)
	}
	if !strings.Contains(js, "<d>+") || !strings.Contains(js, "<d>*") || !strings.Contains(js, "x x x+") {
		t.Errorf("JSGF repeats not written with + and *:\n%s", js)
	}
	g := readJSGF(t, js)
	sentences := g.sentences(t, 3, 100000)
	for _, s := range sentences {
		m, err := c.MatchText(s)
		if err != nil || m.Status != Complete {
			t.Errorf("JSGF sentence %q does not match the grammar: %v", s, m.Status)
		}
	}
	for _, s := range []string{"one two one", "call home", "call two two home", "x x x x", "y y", "y y y y y", "z"} {
		if !slices.Contains(sentences, s) {
			t.Errorf("grammar sentence %q missing from the JSGF language", s)
		}
	}
	for _, s := range []string{"y", "y y y y y y", "x x"} {
		if slices.Contains(sentences, s) {
			t.Errorf("JSGF accepts %q, the grammar does not", s)
		}
	}
}

func TestJSGFEqualWeightsAreOmitted(t *testing.T) {
	c := mustABNF(t, "#ABNF 1.0;\n$r = /2/ a | /2/ b;")
	js, _ := c.JSGF()
	if strings.Contains(js, "/2/") {
		t.Errorf("equal weights written:\n%s", js)
	}
}

func TestJSGFBuiltins(t *testing.T) {
	for _, uri := range []string{"builtin:grammar/boolean", "builtin:grammar/digits?length=3", "builtin:grammar/number"} {
		c, err := Builtin(uri)
		if err != nil {
			t.Fatal(err)
		}
		js, ok := c.JSGF()
		if !ok {
			t.Fatalf("%s: no JSGF", uri)
		}
		// The number language is large: check random sentences of it.
		g := readJSGF(t, js)
		rng := rand.New(rand.NewPCG(1, 2))
		for range 500 {
			s := g.sample(t, rng)
			if m, _ := c.MatchText(s); m.Status != Complete {
				t.Errorf("%s: JSGF sentence %q is %v", uri, s, m.Status)
			}
		}
	}
	c, _ := Builtin("builtin:grammar/digits?length=3")
	js, _ := c.JSGF()
	got := readJSGF(t, js).sentences(t, 1, 10000)
	if len(got) != 11*11*11 {
		t.Errorf("digits?length=3 gives %d sentences, want 1331", len(got))
	}
	for _, uri := range []string{"builtin:speech/transcribe", "builtin:dtmf/digits"} {
		c, _ := Builtin(uri)
		if _, ok := c.JSGF(); ok {
			t.Errorf("%s has a JSGF form", uri)
		}
	}
	embedded := mustXML(t, `<grammar root="r"><rule id="r">pin <ruleref uri="builtin:grammar/digits?length=2"/> <ruleref uri="builtin:grammar/digits?length=2"/></rule></grammar>`)
	js, ok := embedded.JSGF()
	if !ok || strings.Count(js, "= zero | oh") != 1 {
		t.Errorf("embedded builtins: ok=%v\n%s", ok, js)
	}
	readJSGF(t, js)
}

func TestJSGFRefusals(t *testing.T) {
	dtmf := mustABNF(t, "#ABNF 1.0;\nmode dtmf;\n$r = 1 2;")
	if _, ok := dtmf.JSGF(); ok {
		t.Error("DTMF grammar converted to JSGF")
	}
	free := mustXML(t, `<grammar root="r"><rule id="r">say <ruleref uri="builtin:speech/transcribe"/></rule></grammar>`)
	if _, ok := free.JSGF(); ok {
		t.Error("transcription converted to JSGF")
	}
	// Nested counted repeats expand multiplicatively; the size limit stops them.
	big := mustABNF(t, "#ABNF 1.0;\n$r = ((((a b c d e f g h)<900>)<900>)<900>);")
	if _, ok := big.JSGF(); ok {
		t.Error("huge expansion converted to JSGF")
	}
}

func TestJSGFQuoting(t *testing.T) {
	g := &Grammar{Rules: []*Rule{{ID: "r", Body: &Token{Text: "a"}}}}
	c, err := Compile(g)
	if err != nil {
		t.Fatal(err)
	}
	// Tokens are normalised words, so metacharacters are rare; quote them
	// when they do occur.
	c.root.body = &node{kind: nToken, words: []string{`a;b`, `c"d`}}
	js, _ := c.JSGF()
	if !strings.Contains(js, `"a;b" "c\"d"`) {
		t.Errorf("quoting:\n%s", js)
	}
	got := readJSGF(t, js).sentences(t, 1, 10)
	if fmt.Sprint(got) != `[a;b c"d]` {
		t.Errorf("read back %q", got)
	}
}
