package grammar

import (
	"errors"
	"testing"

	"github.com/mrcpd/mrcpd/grammar/semantic"
)

var xmlSeeds = []string{
	traceGrammar,
	rfcSpeakToGrammar,
	`<grammar root="a" tag-format="semantics/1.0"><tag>var g = 1;</tag><rule id="a" scope="public"><item repeat="1-"><one-of><item weight="2">x<tag>out = g + 1</tag></item><item>y<ruleref uri="#b"/></item></one-of></item><ruleref special="GARBAGE"/></rule><rule id="b"><token>new york</token><ruleref special="NULL"/></rule></grammar>`,
	`<grammar mode="dtmf" root="pin"><rule id="pin"><item repeat="4"><one-of><item>1</item><item>2</item></one-of></item><item repeat="0-1">#</item></rule></grammar>`,
	`<grammar root="r"><rule id="r">pin <ruleref uri="builtin:grammar/digits?length=2"/></rule></grammar>`,
}

var abnfSeeds = []string{
	"#ABNF 1.0 UTF-8;\nlanguage en-US;\nmode voice;\nroot $digit;\n$digit = one | two | three;\n",
	commandGrammar,
	"#ABNF 1.0;\nmode dtmf;\ntag-format <semantics/1.0>;\nroot $pin;\n$digit = 0|1|2|3|4|5|6|7|8|9;\npublic $pin = {out = \"\"} ($digit {out += rules.latest()})<4> [#] | * 9 {out = \"operator\"};\n",
	"#ABNF 1.0;\n{var x = 1;};\n// comment\n$r = /10/ a<2-4 /0.5/> | [b] {!{ out = {k: [1, 'v']} }!} | $GARBAGE \"quoted tok\"!en | $<builtin:grammar/number>;\n",
	"#ABNF 1.0 ISO-8859-1;\n/* c */ public $r = $NULL | $VOID | x $r;\n",
}

// exercise compiles g and runs every consumer on it; none may panic, and
// every error must belong to the documented classes.
func exercise(t *testing.T, g *Grammar, input string) {
	c, err := Compile(g)
	if err != nil {
		if !errors.Is(err, ErrCompile) && !errors.Is(err, ErrLoad) {
			t.Fatalf("Compile error of no class: %v", err)
		}
		return
	}
	var m Match
	if c.Mode() == ModeDTMF {
		m, err = c.MatchDTMF(input)
	} else {
		m, err = c.MatchText(input)
	}
	if err != nil && !errors.Is(err, ErrSemantics) && !errors.Is(err, ErrSearchLimit) {
		t.Fatalf("match error of no class: %v", err)
	}
	if m.Status != Complete && !m.Instance.IsUndefined() {
		t.Fatalf("instance without a complete match: %+v", m)
	}
	if m.Status == Incomplete && !m.CanExtend {
		t.Fatalf("incomplete match that cannot extend: %+v", m)
	}
	if m.Status == Complete && err == nil {
		if err := semantic.CheckLimits(m.Instance); err != nil {
			t.Fatalf("instance escapes the limits: %v", err)
		}
	}
	c.JSGF()
	for _, p := range c.Phrases(20) {
		if m, err := c.MatchText(p); err == nil && m.Status != Complete {
			t.Fatalf("phrase %q of the grammar does not match it: %v", p, m.Status)
		}
	}
}

func FuzzParseXML(f *testing.F) {
	for _, s := range xmlSeeds {
		f.Add([]byte(s), "one two three")
	}
	f.Fuzz(func(t *testing.T, body []byte, input string) {
		g, err := ParseXML(body)
		if err != nil {
			if !errors.Is(err, ErrCompile) {
				t.Fatalf("parse error of no class: %v", err)
			}
			return
		}
		exercise(t, g, input)
	})
}

func FuzzParseABNF(f *testing.F) {
	for _, s := range abnfSeeds {
		f.Add([]byte(s), "open the window")
	}
	f.Fuzz(func(t *testing.T, body []byte, input string) {
		g, err := ParseABNF(body)
		if err != nil {
			if !errors.Is(err, ErrCompile) {
				t.Fatalf("parse error of no class: %v", err)
			}
			return
		}
		exercise(t, g, input)
	})
}
