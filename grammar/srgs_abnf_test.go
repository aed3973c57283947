package grammar

import (
	"errors"
	"strings"
	"testing"

	"github.com/mrcpd/mrcpd/grammar/semantic"
)

func mustABNF(t testing.TB, src string) *Compiled {
	t.Helper()
	g, err := ParseABNF([]byte(src))
	if err != nil {
		t.Fatalf("ParseABNF: %v", err)
	}
	c, err := Compile(g)
	if err != nil {
		t.Fatalf("Compile: %v", err)
	}
	return c
}

func TestParseABNFDeclarations(t *testing.T) {
	g, err := ParseABNF([]byte("\xef\xbb\xbf#ABNF 1.0 UTF-8;\n" + `
// header declarations (SRGS 1.0 §4.2 - §4.11)
language en-US;
mode voice;
root $main;
tag-format <semantics/1.0>;
base <http://example.com/grammars/>;
lexicon <http://example.com/lex.pls>~<application/pls+xml>;
meta "author" is "somebody \"quoted\"";
http-equiv "Date" is "Thu, 01 Jan 2026";
{ var greeting = "hi"; };
/* rules */
public $main = $verb "new york" {out = greeting};
private $verb = go | travel;
$other = x;
`))
	if err != nil {
		t.Fatal(err)
	}
	if g.Language != "en-US" || g.Mode != ModeVoice || g.Root != "main" || g.TagFormat != "semantics/1.0" ||
		g.Base != "http://example.com/grammars/" || len(g.Tags) != 1 || len(g.Rules) != 3 {
		t.Fatalf("grammar = %+v", g)
	}
	if g.Rule("main").Scope != ScopePublic || g.Rule("verb").Scope != ScopePrivate || g.Rule("other").Scope != ScopePrivate {
		t.Errorf("scopes wrong")
	}
	c, err := Compile(g)
	if err != nil {
		t.Fatal(err)
	}
	m, err := c.MatchText("travel New York")
	if err != nil || m.Status != Complete || !semantic.Equal(m.Instance, semantic.String("hi")) {
		t.Fatalf("match = %+v, %v; want instance \"hi\" from the header tag", m, err)
	}
}

func TestParseABNFExpansions(t *testing.T) {
	g, err := ParseABNF([]byte(`#ABNF 1.0;
$r = /10/ a | /2.5/ (b c) | d<2-4> | e<1-> | [f] | g<3 /0.7/> | h!en-US | $NULL $VOID $GARBAGE | $<other.gram#x> | $<http://h/g.gram>~<application/srgs> | "quoted token" | {!{ out = {a: "}"} }!} | {tag};`))
	if err != nil {
		t.Fatal(err)
	}
	alts := g.Rules[0].Body.(*OneOf).Alternatives
	if len(alts) != 13 {
		t.Fatalf("%d alternatives, want 13", len(alts))
	}
	if alts[0].Weight != 10 || alts[1].Weight != 2.5 || alts[2].Weight != 1 {
		t.Errorf("weights = %v %v %v", alts[0].Weight, alts[1].Weight, alts[2].Weight)
	}
	check := func(i int, min, max int) {
		t.Helper()
		r, ok := alts[i].Body.(*Repeat)
		if !ok || r.Min != min || r.Max != max {
			t.Errorf("alternative %d = %#v, want repeat %d-%d", i, alts[i].Body, min, max)
		}
	}
	check(2, 2, 4)
	check(3, 1, Unbounded)
	check(4, 0, 1)
	check(5, 3, 3)
	if tok := alts[6].Body.(*Token); tok.Text != "h" {
		t.Errorf("language attachment kept in token: %q", tok.Text)
	}
	specials := alts[7].Body.(*Sequence).Items
	for i, want := range []Special{SpecialNull, SpecialVoid, SpecialGarbage} {
		if specials[i].(*RuleRef).Special != want {
			t.Errorf("special %d = %v, want %v", i, specials[i].(*RuleRef).Special, want)
		}
	}
	if ref := alts[8].Body.(*RuleRef); ref.URI != "other.gram#x" {
		t.Errorf("external ref = %q", ref.URI)
	}
	if ref := alts[9].Body.(*RuleRef); ref.URI != "http://h/g.gram" {
		t.Errorf("external ref with media type = %q", ref.URI)
	}
	if tok := alts[10].Body.(*Token); tok.Text != "quoted token" {
		t.Errorf("quoted token = %q", tok.Text)
	}
	if tag := alts[11].Body.(*Tag); tag.Text != ` out = {a: "}"} ` {
		t.Errorf("escaped tag = %q", tag.Text)
	}
	if tag := alts[12].Body.(*Tag); tag.Text != "tag" {
		t.Errorf("tag = %q", tag.Text)
	}
}

func TestParseABNFErrors(t *testing.T) {
	for _, tc := range []struct {
		name, src, want string
	}{
		{"no header", `$a = x;`, "#ABNF header"},
		{"bad version", "#ABNF 2.0;\n$a = x;", "version"},
		{"bad charset", "#ABNF 1.0 KOI8-R;\n$a = x;", "charset"},
		{"header without semicolon", "#ABNF 1.0", "without ';'"},
		{"missing semicolon", "#ABNF 1.0;\n$a = x", "end of grammar"},
		{"empty expansion", "#ABNF 1.0;\n$a = ;", "empty rule expansion"},
		{"empty alternative", "#ABNF 1.0;\n$a = x | | y;", "empty rule expansion"},
		{"unbalanced paren", "#ABNF 1.0;\n$a = (x | y;", `expected ')'`},
		{"bad weight", "#ABNF 1.0;\n$a = /x/ a | b;", "weight"},
		{"unterminated weight", "#ABNF 1.0;\n$a = /1 a;", "weight"},
		{"bad repeat", "#ABNF 1.0;\n$a = x<a-b>;", "repeat"},
		{"unterminated repeat", "#ABNF 1.0;\n$a = x<2;", "repeat"},
		{"bad repeat prob", "#ABNF 1.0;\n$a = x<0-1 /3/>;", "probability"},
		{"unterminated tag", "#ABNF 1.0;\n$a = x {out = 1;", "unterminated"},
		{"unterminated quote", "#ABNF 1.0;\n$a = \"x;", "unterminated"},
		{"unterminated comment", "#ABNF 1.0;\n/* $a = x;", "unterminated comment"},
		{"bad mode", "#ABNF 1.0;\nmode touch;\n$a = x;", "mode"},
		{"unknown declaration", "#ABNF 1.0;\nfoo bar;\n$a = x;", "unknown declaration"},
		{"declaration after rule", "#ABNF 1.0;\n$a = x;\nmode voice;", "expected a rule"},
		{"reserved rule name", "#ABNF 1.0;\n$NULL = x;", "invalid rule name"},
		{"bad root", "#ABNF 1.0;\nroot main;\n$main = x;", "root"},
		{"meta without is", "#ABNF 1.0;\nmeta \"a\" \"b\";\n$a = x;", "'is'"},
		{"stray character", "#ABNF 1.0;\n$a = x = y;", "unexpected"},
		{"invalid utf-8", "#ABNF 1.0;\n$a = \xff;", "UTF-8"},
		{"deep nesting", "#ABNF 1.0;\n$a = " + strings.Repeat("(", 200) + "x" + strings.Repeat(")", 200) + ";", "nested deeper"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseABNF([]byte(tc.src))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error = %v, want one containing %q", err, tc.want)
			}
			if !errors.Is(err, ErrCompile) {
				t.Errorf("error %v is not a compilation failure", err)
			}
		})
	}
}

func TestParseABNFErrorPosition(t *testing.T) {
	_, err := ParseABNF([]byte("#ABNF 1.0;\n$a = x;\n$b = (y;"))
	var se *SyntaxError
	if !errors.As(err, &se) || se.Line != 3 || se.Form != "abnf" {
		t.Fatalf("error = %#v, want an abnf SyntaxError on line 3", err)
	}
}

func TestParseABNFLatin1(t *testing.T) {
	g, err := ParseABNF(append([]byte("#ABNF 1.0 ISO-8859-1;\n$a = caf"), 0xE9, ';'))
	if err != nil {
		t.Fatal(err)
	}
	if tok := g.Rules[0].Body.(*Token); tok.Text != "café" {
		t.Fatalf("token = %q", tok.Text)
	}
}

func TestParseABNFLiteralTagWithApostrophe(t *testing.T) {
	c := mustABNF(t, "#ABNF 1.0;\ntag-format <semantics/1.0-literals>;\n$a = dont {don't};")
	m, _ := c.MatchText("dont")
	if !semantic.Equal(m.Instance, semantic.String("don't")) {
		t.Fatalf("instance = %v", m.Instance)
	}
}

// The same grammar in both forms must behave the same.
func TestXMLAndABNFAgree(t *testing.T) {
	xmlForm := mustXML(t, `<grammar xmlns="http://www.w3.org/2001/06/grammar" root="order" tag-format="semantics/1.0">
	  <rule id="order" scope="public">
	    <item repeat="0-1">i want</item>
	    <ruleref uri="#count"/>
	    <ruleref uri="#drink"/>
	    <item repeat="0-1">please</item>
	    <tag>out.count = rules.count; out.drink = rules.drink;</tag>
	  </rule>
	  <rule id="count">
	    <one-of>
	      <item>one<tag>out = 1</tag></item>
	      <item>two<tag>out = 2</tag></item>
	      <item>a couple of<tag>out = 2</tag></item>
	    </one-of>
	  </rule>
	  <rule id="drink">
	    <one-of>
	      <item weight="3"><item repeat="1-">large</item> coke<tag>out = "coca-cola"</tag></item>
	      <item>beer<tag>out = "beer"</tag></item>
	      <item>beers<tag>out = "beer"</tag></item>
	    </one-of>
	  </rule>
	</grammar>`)
	abnfForm := mustABNF(t, `#ABNF 1.0 UTF-8;
root $order;
tag-format <semantics/1.0>;
public $order = [i want] $count $drink [please] {out.count = rules.count; out.drink = rules.drink;};
$count = one {out = 1} | two {out = 2} | a couple of {out = 2};
$drink = /3/ large<1-> coke {out = "coca-cola"} | /1/ beer {out = "beer"} | /1/ beers {out = "beer"};
`)
	for _, in := range []string{
		"I want two large large coke please", "one beer", "a couple of beers", "two", "i want", "",
		"three beers", "one coke", "one large coke please please",
	} {
		a, errA := xmlForm.MatchText(in)
		b, errB := abnfForm.MatchText(in)
		if (errA == nil) != (errB == nil) || a.Status != b.Status || a.CanExtend != b.CanExtend || !semantic.Equal(a.Instance, b.Instance) {
			t.Errorf("%q: xml %+v (%v), abnf %+v (%v)", in, a, errA, b, errB)
		}
	}
	m, _ := abnfForm.MatchText("I want two large large coke please")
	want := semantic.NewObject()
	want.Set("count", semantic.Number(2))
	want.Set("drink", semantic.String("coca-cola"))
	if m.Status != Complete || !semantic.Equal(m.Instance, want) {
		t.Errorf("instance = %v, want %v", m.Instance, want)
	}
}

func TestABNFDTMFGrammar(t *testing.T) {
	c := mustABNF(t, `#ABNF 1.0;
mode dtmf;
tag-format <semantics/1.0>;
root $pin;
$digit = 0|1|2|3|4|5|6|7|8|9;
public $pin = {out = ""} ($digit {out += rules.latest()})<4> [#] | * 9 {out = "operator"};
`)
	for _, tc := range []struct {
		in     string
		status Status
		value  string
		extend bool
	}{
		{"1234", Complete, "1234", true},
		{"1234#", Complete, "1234", false},
		{"12", Incomplete, "", true},
		{"*9", Complete, "operator", false},
		{"*", Incomplete, "", true},
		{"12345", NoMatch, "", false},
		{"12a4", NoMatch, "", false},
	} {
		m, err := c.MatchDTMF(tc.in)
		if err != nil || m.Status != tc.status || m.CanExtend != tc.extend {
			t.Errorf("MatchDTMF(%q) = %+v, %v", tc.in, m, err)
			continue
		}
		if tc.status == Complete && !semantic.Equal(m.Instance, semantic.String(tc.value)) {
			t.Errorf("MatchDTMF(%q) instance = %v, want %q", tc.in, m.Instance, tc.value)
		}
	}
	if m, _ := c.MatchText("one two three four"); m.Status != NoMatch {
		t.Errorf("speech matched a DTMF grammar: %+v", m)
	}
}
