package grammar

import (
	"errors"
	"strings"
	"testing"

	"github.com/mrcpd/mrcpd/grammar/semantic"
)

// traceGrammar is the DEFINE-GRAMMAR body of the UniMRCP reference trace
// (/work/shared/ref/traces/recog.txt), byte for byte.
const traceGrammar = `<?xml version="1.0"?>
<grammar xmlns="http://www.w3.org/2001/06/grammar" xml:lang="en-US" version="1.0" mode="voice" root="digit">
  <rule id="digit">
    <one-of>
      <item>one</item>
      <item>two</item>
      <item>three</item>
    </one-of>
  </rule>
</grammar>`

// rfcSpeakToGrammar is the SRGS example of RFC 6787 §9.5.1.
const rfcSpeakToGrammar = `<?xml version="1.0"?>

   <!-- the default grammar language is US English -->
   <grammar xmlns="http://www.w3.org/2001/06/grammar"
            xml:lang="en-US" version="1.0" root="request">

   <!-- single language attachment to tokens -->
         <rule id="yes">
               <one-of>
                     <item xml:lang="fr-CA">oui</item>
                     <item xml:lang="en-US">yes</item>
               </one-of>
         </rule>

   <!-- single language attachment to a rule expansion -->
         <rule id="request">
               may I speak to
               <one-of xml:lang="fr-CA">
                     <item>Michel Tremblay</item>
                     <item>Andre Roy</item>
               </one-of>
         </rule>

         <!-- multiple language attachment to a token -->
         <rule id="people1">
               <token lexicon="en-US,fr-CA"> Robert </token>
         </rule>

         <!-- the equivalent single-language attachment expansion -->
         <rule id="people2">
               <one-of>
                     <item xml:lang="en-US">Robert</item>
                     <item xml:lang="fr-CA">Robert</item>
               </one-of>
         </rule>

         </grammar>`

func mustXML(t testing.TB, src string) *Compiled {
	t.Helper()
	g, err := ParseXML([]byte(src))
	if err != nil {
		t.Fatalf("ParseXML: %v", err)
	}
	c, err := Compile(g)
	if err != nil {
		t.Fatalf("Compile: %v", err)
	}
	return c
}

func TestParseXMLTraceGrammar(t *testing.T) {
	g, err := ParseXML([]byte(traceGrammar))
	if err != nil {
		t.Fatal(err)
	}
	if g.Mode != ModeVoice || g.Language != "en-US" || g.Root != "digit" || len(g.Rules) != 1 {
		t.Fatalf("grammar = %+v", g)
	}
	oneOf, ok := g.Rules[0].Body.(*OneOf)
	if !ok || len(oneOf.Alternatives) != 3 {
		t.Fatalf("body = %#v, want a one-of of three items", g.Rules[0].Body)
	}
	for i, want := range []string{"one", "two", "three"} {
		tok, ok := oneOf.Alternatives[i].Body.(*Token)
		if !ok || tok.Text != want || oneOf.Alternatives[i].Weight != 1 {
			t.Errorf("alternative %d = %#v, want token %q weight 1", i, oneOf.Alternatives[i], want)
		}
	}
	c, err := Compile(g)
	if err != nil {
		t.Fatal(err)
	}
	// The trace's recogniser answered "one" with <instance>one</instance>.
	m, err := c.MatchText("one")
	if err != nil || m.Status != Complete || m.Text != "one" || !semantic.Equal(m.Instance, semantic.String("one")) {
		t.Fatalf("MatchText(one) = %+v, %v", m, err)
	}
}

func TestParseXMLRFCExample(t *testing.T) {
	c := mustXML(t, rfcSpeakToGrammar)
	for _, tc := range []struct {
		in     string
		status Status
	}{
		{"May I speak to Andre Roy?", Complete},
		{"may i speak to michel tremblay", Complete},
		{"may I speak to", Incomplete},
		{"may I speak to Robert", NoMatch},
		{"yes", NoMatch}, // not the root rule
	} {
		m, err := c.MatchText(tc.in)
		if err != nil || m.Status != tc.status {
			t.Errorf("MatchText(%q) = %v, %v; want %v", tc.in, m.Status, err, tc.status)
		}
	}
	m, _ := c.MatchText("May I speak to Andre Roy?")
	if !semantic.Equal(m.Instance, semantic.String("may i speak to andre roy")) {
		t.Errorf("instance = %v, want the matched text", m.Instance)
	}
	if r := c.Source().Rule("people1"); r == nil || r.Body.(*Token).Text != "Robert" {
		t.Errorf("people1 = %#v, want the token Robert", r)
	}
}

func TestParseXMLStructure(t *testing.T) {
	g, err := ParseXML([]byte(`<grammar xmlns="http://www.w3.org/2001/06/grammar" version="1.0" root="main" tag-format="semantics/1.0" xml:base="http://example.com/g/">
	  <meta name="author" content="x"/>
	  <tag>var prefix = "p";</tag>
	  <rule id="main" scope="public">
	    <example>please call home</example>
	    <item repeat="0-1">please</item>
	    <ruleref uri="#verb"/>
	    "new york" <token>san   francisco</token>
	    <item repeat="2-"><ruleref special="GARBAGE"/></item>
	    <item repeat="3" repeat-prob="0.5">x</item>
	    <ruleref special="NULL"/><ruleref special="VOID"/>
	    <tag>out = 1;</tag>
	  </rule>
	  <rule id="verb"><one-of><item weight="2.5">call</item><item weight="0">dial</item></one-of></rule>
	</grammar>`))
	if err != nil {
		t.Fatal(err)
	}
	if g.TagFormat != TagFormatScript || g.Base != "http://example.com/g/" || len(g.Tags) != 1 {
		t.Fatalf("header = %+v", g)
	}
	main := g.Rule("main")
	if main.Scope != ScopePublic || g.Rule("verb").Scope != ScopePrivate {
		t.Errorf("scopes = %v, %v", main.Scope, g.Rule("verb").Scope)
	}
	seq := main.Body.(*Sequence).Items
	var kinds []string
	for _, x := range seq {
		switch e := x.(type) {
		case *Repeat:
			kinds = append(kinds, "repeat")
			_ = e
		case *RuleRef:
			kinds = append(kinds, "ref:"+e.URI+e.Special.String())
		case *Token:
			kinds = append(kinds, "tok:"+e.Text)
		case *Tag:
			kinds = append(kinds, "tag:"+e.Text)
		}
	}
	want := []string{"repeat", "ref:#verb", "tok:new york", "tok:san francisco", "repeat", "repeat", "ref:NULL", "ref:VOID", "tag:out = 1;"}
	if strings.Join(kinds, "|") != strings.Join(want, "|") {
		t.Errorf("items = %q\nwant    %q", kinds, want)
	}
	r := seq[4].(*Repeat)
	if r.Min != 2 || r.Max != Unbounded {
		t.Errorf("repeat 2- = %d-%d", r.Min, r.Max)
	}
	r = seq[5].(*Repeat)
	if r.Min != 3 || r.Max != 3 {
		t.Errorf("repeat 3 = %d-%d", r.Min, r.Max)
	}
	alts := g.Rule("verb").Body.(*OneOf).Alternatives
	if alts[0].Weight != 2.5 || alts[1].Weight != 0 {
		t.Errorf("weights = %v, %v", alts[0].Weight, alts[1].Weight)
	}
}

func TestParseXMLErrors(t *testing.T) {
	for _, tc := range []struct {
		name, src, want string
	}{
		{"not xml", `hello`, "text before"},
		{"wrong root", `<speak/>`, "want <grammar>"},
		{"unclosed", `<grammar><rule id="a">x</rule>`, "unexpected EOF"},
		{"bad mode", `<grammar mode="video"><rule id="a">x</rule></grammar>`, "mode"},
		{"rule without id", `<grammar><rule>x</rule></grammar>`, "without id"},
		{"special rule name", `<grammar><rule id="NULL">x</rule></grammar>`, "not a valid rule name"},
		{"bad scope", `<grammar><rule id="a" scope="global">x</rule></grammar>`, "scope"},
		{"text outside rule", `<grammar>hello<rule id="a">x</rule></grammar>`, "outside any rule"},
		{"unquoted weight (RFC 6787 §9.9 example)", `<grammar><rule id="a"><one-of><item weight=10>x</item></one-of></rule></grammar>`, "syntax error"},
		{"negative weight", `<grammar><rule id="a"><one-of><item weight="-1">x</item></one-of></rule></grammar>`, "weight"},
		{"empty one-of", `<grammar><rule id="a"><one-of></one-of></rule></grammar>`, "without items"},
		{"text in one-of", `<grammar><rule id="a"><one-of>x<item>y</item></one-of></rule></grammar>`, "inside <one-of>"},
		{"bad repeat", `<grammar><rule id="a"><item repeat="x">y</item></rule></grammar>`, "repeat"},
		{"reversed repeat", `<grammar><rule id="a"><item repeat="4-2">y</item></rule></grammar>`, "maximum below minimum"},
		{"huge repeat", `<grammar><rule id="a"><item repeat="1000000">y</item></rule></grammar>`, "limit"},
		{"bad repeat-prob", `<grammar><rule id="a"><item repeat="1-2" repeat-prob="2">y</item></rule></grammar>`, "probability"},
		{"ruleref both", `<grammar><rule id="a"><ruleref uri="#a" special="NULL"/></rule></grammar>`, "both"},
		{"ruleref neither", `<grammar><rule id="a"><ruleref/></rule></grammar>`, "without uri"},
		{"bad special", `<grammar><rule id="a"><ruleref special="ANY"/></rule></grammar>`, "special"},
		{"unknown element", `<grammar><rule id="a"><sub>x</sub></rule></grammar>`, "unexpected <sub>"},
		{"unterminated quote", `<grammar><rule id="a">"new york</rule></grammar>`, "unterminated"},
		{"empty token", `<grammar><rule id="a"><token> </token></rule></grammar>`, "empty <token>"},
		{"unknown entity", `<grammar><rule id="a">&foo;</rule></grammar>`, "syntax error"},
		{"bad charset", `<?xml version="1.0" encoding="EBCDIC"?><grammar/>`, "charset"},
		{"deep nesting", `<grammar><rule id="a">` + strings.Repeat("<item>", 150) + "x" + strings.Repeat("</item>", 150) + `</rule></grammar>`, "nested deeper"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseXML([]byte(tc.src))
			if err == nil {
				t.Fatalf("no error, want one containing %q", tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not contain %q", err, tc.want)
			}
			if !errors.Is(err, ErrCompile) {
				t.Errorf("error %v is not a compilation failure", err)
			}
			if CauseCode(err) != 5 {
				t.Errorf("CauseCode = %d, want 5", CauseCode(err))
			}
		})
	}
}

func TestCompileErrors(t *testing.T) {
	for _, tc := range []struct {
		name, src, want string
	}{
		{"no rules", `<grammar/>`, "no rules"},
		{"undefined root", `<grammar root="b"><rule id="a">x</rule></grammar>`, `root rule "b"`},
		{"undefined ref", `<grammar><rule id="a"><ruleref uri="#b"/></rule></grammar>`, `undefined rule "b"`},
		{"duplicate rule", `<grammar><rule id="a">x</rule><rule id="a">y</rule></grammar>`, "defined twice"},
		{"left recursion", `<grammar><rule id="a"><one-of><item><ruleref uri="#a"/> x</item><item>y</item></one-of></rule></grammar>`, "left-recursive"},
		{"indirect left recursion", `<grammar root="a"><rule id="a"><item repeat="0-1">z</item><ruleref uri="#b"/></rule><rule id="b"><ruleref uri="#a"/> x</rule></grammar>`, "left-recursive"},
		{"external without loader", `<grammar><rule id="a"><ruleref uri="http://example.com/g.grxml#x"/></rule></grammar>`, "needs a loader"},
		{"bad DTMF token", `<grammar mode="dtmf"><rule id="a">1 2 x</rule></grammar>`, "DTMF"},
		{"voice builtin in dtmf grammar", `<grammar mode="dtmf"><rule id="a"><ruleref uri="builtin:grammar/digits"/></rule></grammar>`, "voice grammar"},
		{"unknown builtin", `<grammar><rule id="a"><ruleref uri="builtin:grammar/date"/></rule></grammar>`, "not supported"},
		{"bad script", `<grammar tag-format="semantics/1.0"><rule id="a">x<tag>out = ;</tag></rule></grammar>`, "script syntax error"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g, err := ParseXML([]byte(tc.src))
			if err != nil {
				t.Fatalf("ParseXML: %v", err)
			}
			_, err = Compile(g)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Compile error = %v, want one containing %q", err, tc.want)
			}
			if c := CauseCode(err); c != 5 && c != 4 {
				t.Errorf("CauseCode = %d, want 4 or 5", c)
			}
		})
	}
}

func TestRightRecursionIsAccepted(t *testing.T) {
	c := mustXML(t, `<grammar root="digits"><rule id="digits">
	  <one-of><item>one <ruleref uri="#digits"/></item><item>one</item></one-of>
	</rule></grammar>`)
	m, err := c.MatchText(strings.Repeat("one ", 50))
	if err != nil || m.Status != Complete || !m.CanExtend {
		t.Fatalf("MatchText = %+v, %v", m, err)
	}
}

func TestParseXMLLatin1(t *testing.T) {
	src := append([]byte(`<?xml version="1.0" encoding="ISO-8859-1"?><grammar><rule id="a">caf`), 0xE9, '<', '/', 'r', 'u', 'l', 'e', '>', '<', '/', 'g', 'r', 'a', 'm', 'm', 'a', 'r', '>')
	g, err := ParseXML(src)
	if err != nil {
		t.Fatal(err)
	}
	if tok := g.Rules[0].Body.(*Token); tok.Text != "café" {
		t.Fatalf("token = %q, want café", tok.Text)
	}
}

func TestParseDispatch(t *testing.T) {
	for _, tc := range []struct {
		ct, body string
		ok       bool
	}{
		{"application/srgs+xml", traceGrammar, true},
		{"application/srgs+xml; charset=UTF-8", traceGrammar, true},
		{"application/srgs", "#ABNF 1.0;\n$a = x;", true},
		{"", "  #ABNF 1.0;\n$a = x;", true},
		{"text/plain", traceGrammar, true},
		{"application/xml", traceGrammar, true},
		{"", "hello", false},
		{"audio/wav", traceGrammar, false},
	} {
		_, err := Parse(tc.ct, []byte(tc.body))
		if (err == nil) != tc.ok {
			t.Errorf("Parse(%q) error = %v, want ok=%v", tc.ct, err, tc.ok)
		}
		if err != nil && tc.ct == "audio/wav" && CauseCode(err) != 4 {
			t.Errorf("unsupported type cause = %d, want 4", CauseCode(err))
		}
	}
}
