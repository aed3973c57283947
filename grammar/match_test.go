package grammar

import (
	"errors"
	"strings"
	"testing"

	"github.com/mrcpd/mrcpd/grammar/semantic"
)

func TestWords(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Hello, World!", "hello world"},
		{"  twenty-five  ", "twenty five"},
		{"Don't stop", "don't stop"},
		{"Don’t", "don't"},
		{"'quoted'", "quoted"},
		{"1,000 dollars", "1000 dollars"},
		{"2.5 kg.", "2.5 kg"},
		{"a, b", "a b"},
		{"Ёлка и ёж", "елка и еж"},
		{"New York — city", "new york city"},
		{"¿Qué?", "qué"},
		{"", ""},
	} {
		if got := strings.Join(Words(tc.in), " "); got != tc.want {
			t.Errorf("Words(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestKeys(t *testing.T) {
	keys, err := Keys("12 *#ab")
	if err != nil || strings.Join(keys, "") != "12*#AB" {
		t.Fatalf("Keys = %q, %v", keys, err)
	}
	if _, err := Keys("12x"); err == nil {
		t.Fatal("Keys accepted x")
	}
}

const commandGrammar = `#ABNF 1.0;
root $cmd;
tag-format <semantics/1.0>;
public $cmd = $action [the | a] $object [please] {out.action = rules.action; out.object = rules.object;};
$action = /10/ open {out = "open"} | /2/ close {out = "close"} | /1/ delete {out = "delete"};
$object = window | file | menu;
`

func TestMatchStatuses(t *testing.T) {
	c := mustABNF(t, commandGrammar)
	for _, tc := range []struct {
		in     string
		status Status
		extend bool
	}{
		{"open the window", Complete, true}, // "please" may follow
		{"Open the window, please.", Complete, false},
		{"close file", Complete, true},
		{"open", Incomplete, true},
		{"open the", Incomplete, true},
		{"", Incomplete, true},
		{"open the door", NoMatch, false},
		{"window", NoMatch, false},
		{"open the window please now", NoMatch, false},
	} {
		m, err := c.MatchText(tc.in)
		if err != nil || m.Status != tc.status || m.CanExtend != tc.extend {
			t.Errorf("MatchText(%q) = %v extend=%v (%v); want %v extend=%v", tc.in, m.Status, m.CanExtend, err, tc.status, tc.extend)
		}
		if m.Status != Complete && !m.Instance.IsUndefined() {
			t.Errorf("MatchText(%q) has an instance without a complete match", tc.in)
		}
	}
	m, _ := c.MatchText("Open the window, please.")
	want := semantic.NewObject()
	want.Set("action", semantic.String("open"))
	want.Set("object", semantic.String("window"))
	if !semantic.Equal(m.Instance, want) || m.Text != "open the window please" {
		t.Errorf("instance = %v text = %q", m.Instance, m.Text)
	}
}

func TestWeightsChooseDerivation(t *testing.T) {
	// "new york" can be one city or two words; the weights decide which
	// reading (and so which semantics) wins.
	for _, tc := range []struct {
		wCity, wWords string
		want          string
	}{
		{"5", "1", "city"},
		{"1", "5", "words"},
	} {
		c := mustABNF(t, `#ABNF 1.0;
tag-format <semantics/1.0>;
root $r;
$r = /`+tc.wCity+`/ new york {out = "city"} | /`+tc.wWords+`/ $w $w {out = "words"};
$w = new | york;
`)
		m, err := c.MatchText("new york")
		if err != nil || !semantic.Equal(m.Instance, semantic.String(tc.want)) {
			t.Errorf("weights %s/%s: instance %v (%v), want %q", tc.wCity, tc.wWords, m.Instance, err, tc.want)
		}
		if m.Score <= 0 || m.Score > 1 {
			t.Errorf("score %v out of (0,1]", m.Score)
		}
	}
}

func TestSpecialRules(t *testing.T) {
	c := mustABNF(t, `#ABNF 1.0;
tag-format <semantics/1.0>;
root $r;
$r = $GARBAGE (yes {out = true} | no {out = false}) $GARBAGE | maybe $NULL {out = "maybe"};
`)
	for _, tc := range []struct {
		in      string
		status  Status
		value   semantic.Value
		garbage int
	}{
		{"yes", Complete, semantic.Bool(true), 0},
		{"well no I think not", Complete, semantic.Bool(false), 4},
		{"uh yes", Complete, semantic.Bool(true), 1},
		{"maybe", Complete, semantic.String("maybe"), 0},
		{"something else", Incomplete, semantic.Value{}, 0}, // GARBAGE may still be followed by yes/no
	} {
		m, err := c.MatchText(tc.in)
		if err != nil || m.Status != tc.status || !semantic.Equal(m.Instance, tc.value) || m.Garbage != tc.garbage {
			t.Errorf("MatchText(%q) = %+v, %v", tc.in, m, err)
		}
	}
}

func TestVoid(t *testing.T) {
	c := mustABNF(t, "#ABNF 1.0;\nroot $r;\n$r = never $VOID | ok;")
	for in, want := range map[string]Status{"never": NoMatch, "ok": Complete} {
		if m, _ := c.MatchText(in); m.Status != want {
			t.Errorf("MatchText(%q) = %v, want %v", in, m.Status, want)
		}
	}
}

func TestRepeats(t *testing.T) {
	c := mustABNF(t, `#ABNF 1.0;
root $r;
$r = a<2-3> b<0-> c<1-> [d];
`)
	for _, tc := range []struct {
		in     string
		status Status
	}{
		{"a a c", Complete},
		{"a a a b b b c c c d", Complete},
		{"a c", NoMatch},
		{"a a", Incomplete},
		{"a a a a c", NoMatch},
		{"a a b", Incomplete},
		{"a a d", NoMatch},
	} {
		m, _ := c.MatchText(tc.in)
		if m.Status != tc.status {
			t.Errorf("MatchText(%q) = %v, want %v", tc.in, m.Status, tc.status)
		}
	}
}

func TestNullableRepeatTerminates(t *testing.T) {
	c := mustABNF(t, "#ABNF 1.0;\nroot $r;\n$r = ([x] $NULL)<0-> y;")
	m, err := c.MatchText("x x x y")
	if err != nil || m.Status != Complete {
		t.Fatalf("MatchText = %+v, %v", m, err)
	}
}

func TestSemantics(t *testing.T) {
	for _, tc := range []struct {
		name, grammar, in, want string // want is the JSON of the instance
	}{
		{"text by default", "$r = hello world;", "Hello world", `"hello world"`},
		{"string literal", `$r = yes {out = "yes"};`, "yes", `"yes"`},
		{"boolean", `$r = yes {out = true} | no {out = false};`, "no", `false`},
		{"number", `$r = five {out = 5};`, "five", `5`},
		{"arithmetic", `$r = $d $d {out = rules.latest() + 10 * 2};  $d = one {out = 1} | two {out = 2};`, "one two", `22`},
		{"object properties", `$r = from $c {out.from = rules.c} to $c {out.to = rules.latest()}; $c = paris | london;`, "from paris to london", `{"from":"paris","to":"london"}`},
		{"object literal", `$r = go {!{ out = {a: 1, "b c": [true, null, "x"]} }!};`, "go", `{"a":1,"b c":[true,null,"x"]}`},
		{"nested rule objects", `$r = $p {out.person = rules.p}; $p = john smith {out.first = "john"; out.last = "smith"};`, "john smith", `{"person":{"first":"john","last":"smith"}}`},
		{"meta current text", `$r = call $n {out = meta.current().text};  $n = bob | alice;`, "call bob", `"call bob"`},
		{"meta rule text", `$r = call $n {out = meta.n.text + "!"};  $n = bob | alice;`, "call alice", `"alice!"`},
		{"meta latest", `$r = call $n {out = meta.latest().text};  $n = bob | alice;`, "call alice", `"alice"`},
		{"child without tags yields text", `$r = $n {out = rules.n};  $n = big bob;`, "big bob", `"big bob"`},
		{"concatenating repeats", `$r = {out = ""} ($d {out += rules.d})<1->; $d = one {out = "1"} | two {out = "2"};`, "one two two", `"122"`},
		{"list push", `$r = {out = []} ($d {out.push(rules.d)})<1->; $d = one {out = 1} | two {out = 2};`, "two one", `[2,1]`},
		{"var and if", `$r = $d {var n = rules.d; if (n > 1) { out = "many" } else out = "one"}; $d = one {out = 1} | two {out = 2};`, "two", `"many"`},
		{"ternary and typeof", `$r = x {out = typeof rules.missing == "undefined" ? "none" : "some"};`, "x", `"none"`},
		{"global tag", `{var base = 100;}; $r = x {out = base + 1};`, "x", `101`},
		{"parseInt and string methods", `$r = x {out = parseInt("42abc") + "-" + "MiXeD".toLowerCase()};`, "x", `"42-mixed"`},
		{"last assignment wins", `$r = x {out = 1} y {out = 2};`, "x y", `2`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := mustABNF(t, "#ABNF 1.0;\nroot $r;\ntag-format <semantics/1.0>;\n"+tc.grammar)
			m, err := c.MatchText(tc.in)
			if err != nil || m.Status != Complete {
				t.Fatalf("MatchText(%q) = %+v, %v", tc.in, m, err)
			}
			got, _ := m.Instance.MarshalJSON()
			if string(got) != tc.want {
				t.Errorf("instance = %s, want %s", got, tc.want)
			}
		})
	}
}

func TestLiteralTags(t *testing.T) {
	// RFC 6787 §9.8's grammar puts plain words in tags and declares no tag
	// format: they are literals.
	c := mustXML(t, `<grammar root="action"><rule id="action"><one-of>
	  <item weight="10"> open <tag>open</tag> </item>
	  <item weight="2"> close <tag>close</tag> </item>
	</one-of></rule></grammar>`)
	m, _ := c.MatchText("close")
	if !semantic.Equal(m.Instance, semantic.String("close")) {
		t.Errorf("undeclared format: instance = %v", m.Instance)
	}
	c = mustXML(t, `<grammar root="a" tag-format="semantics/1.0-literals"><rule id="a">yes<tag>out = true</tag></rule></grammar>`)
	m, _ = c.MatchText("yes")
	if !semantic.Equal(m.Instance, semantic.String("out = true")) {
		t.Errorf("literals format: instance = %v", m.Instance)
	}
	c = mustXML(t, `<grammar root="a"><rule id="a">yes<tag>out = true</tag></rule></grammar>`)
	m, _ = c.MatchText("yes")
	if !semantic.Equal(m.Instance, semantic.Bool(true)) {
		t.Errorf("undeclared format with a script: instance = %v", m.Instance)
	}
}

func TestSemanticsFailure(t *testing.T) {
	for _, tc := range []struct{ name, grammar, in string }{
		{"undefined variable", `$r = x {out = nosuch + 1};`, "x"},
		{"property of undefined", `$r = x {out = rules.nosuch.value};`, "x"},
		{"cyclic result", `$r = x {out.self = out};`, "x"},
		{"string bomb", `$r = {out = "xxxxxxxxxxxxxxxx"} (x {out = out + out})<1->;`, strings.Repeat("x ", 20)},
		{"assign to rules", `$r = x {rules.x = 1};`, "x"},
		{"unknown function", `$r = x {out = eval("1")};`, "x"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := mustABNF(t, "#ABNF 1.0;\nroot $r;\ntag-format <semantics/1.0>;\n"+tc.grammar)
			m, err := c.MatchText(tc.in)
			if !errors.Is(err, ErrSemantics) || CauseCode(err) != 12 {
				t.Fatalf("err = %v, want a semantics failure", err)
			}
			if m.Status != Complete || m.Text == "" {
				t.Errorf("match = %+v; the input text must survive for the no-interpretation result", m)
			}
		})
	}
}

func TestSearchLimit(t *testing.T) {
	// Every split of the input into x-runs is a derivation: exponential.
	c := mustABNF(t, "#ABNF 1.0;\nroot $r;\n$r = (x | x x | x x x)<1-> z;")
	m, err := c.MatchText(strings.Repeat("x ", 60) + "y")
	if !errors.Is(err, ErrSearchLimit) || m.Status != NoMatch {
		t.Fatalf("match = %+v, err = %v; want ErrSearchLimit", m, err)
	}
	// A found match survives the budget running out while looking for more.
	m, err = c.MatchText(strings.Repeat("x ", 60) + "z")
	if err != nil || m.Status != Complete {
		t.Fatalf("match = %+v, err = %v; want complete", m, err)
	}
}

func TestModesDoNotMix(t *testing.T) {
	voice := mustABNF(t, "#ABNF 1.0;\n$r = one;")
	dtmf := mustABNF(t, "#ABNF 1.0;\nmode dtmf;\n$r = 1;")
	if m, _ := voice.MatchDTMF("1"); m.Status != NoMatch {
		t.Error("DTMF matched a voice grammar")
	}
	if m, _ := dtmf.MatchText("1"); m.Status != NoMatch {
		t.Error("speech matched a DTMF grammar")
	}
	if m, _ := dtmf.MatchDTMF("1"); m.Status != Complete || m.Text != "1" {
		t.Errorf("DTMF 1 = %+v", m)
	}
}

func TestSelect(t *testing.T) {
	yesno := mustABNF(t, "#ABNF 1.0;\ntag-format <semantics/1.0>;\n$r = yes {out = true} | no {out = false};")
	cities := mustABNF(t, "#ABNF 1.0;\n$r = new york | boston | yes town;")
	broken := mustABNF(t, "#ABNF 1.0;\ntag-format <semantics/1.0>;\n$r = yes {out = nosuch};")
	free, err := Builtin("builtin:speech/transcribe")
	if err != nil {
		t.Fatal(err)
	}
	digits, _ := Builtin("builtin:dtmf/digits?length=4")
	explosive := mustABNF(t, "#ABNF 1.0;\nroot $r;\n$r = (x | x x | x x x)<1-> z;")
	cands := []Candidate{{cities, 1}, {yesno, 1}, {free, 1}, {digits, 1}}

	for _, tc := range []struct {
		name  string
		cands []Candidate
		in    string
		dtmf  bool
		index int
		more  bool
		err   bool
	}{
		{"specific beats free-form", cands, "yes", false, 1, true, false},
		{"complete beats incomplete", cands, "new york", false, 0, true, false},
		{"free-form catches the rest", cands, "something else", false, 2, true, false},
		{"only DTMF grammars see DTMF", cands, "12", true, 3, true, false},
		{"no grammar", []Candidate{{yesno, 1}}, "maybe", false, -1, false, false},
		{"weight wins", []Candidate{{yesno, 1}, {mustABNF(t, "#ABNF 1.0;\n$r = yes;"), 2}}, "yes", false, 1, false, false},
		{"earlier wins a tie", []Candidate{{yesno, 1}, {mustABNF(t, "#ABNF 1.0;\n$r = yes;"), 1}}, "yes", false, 0, false, false},
		{"working semantics beat a failure", []Candidate{{broken, 1}, {yesno, 1}}, "yes", false, 1, false, false},
		{"a failure is reported", []Candidate{{broken, 1}}, "yes", false, 0, false, true},
		{"a search that gave up is reported", []Candidate{{explosive, 1}}, strings.Repeat("x ", 60) + "y", false, -1, false, true},
		{"a match outranks a search that gave up", []Candidate{{explosive, 1}, {free, 1}}, strings.Repeat("x ", 60) + "y", false, 1, true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sel := Select(tc.cands, tc.in, tc.dtmf)
			if sel.Index != tc.index || sel.MoreInputPossible != tc.more || (sel.Err != nil) != tc.err {
				t.Errorf("Select(%q) = index %d more %v err %v; want %d %v err=%v", tc.in, sel.Index, sel.MoreInputPossible, sel.Err, tc.index, tc.more, tc.err)
			}
		})
	}
}
