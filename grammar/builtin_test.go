package grammar

import (
	"strings"
	"testing"

	"github.com/mrcpd/mrcpd/grammar/semantic"
)

type builtinCase struct {
	in     string
	status Status
	want   semantic.Value // for complete matches
	extend bool
}

func runBuiltin(t *testing.T, uri string, cases []builtinCase) {
	t.Helper()
	c, err := Builtin(uri)
	if err != nil {
		t.Fatalf("Builtin(%q): %v", uri, err)
	}
	if c.Builtin() != uri || c.Source() != nil {
		t.Errorf("Builtin() = %q, Source() = %v", c.Builtin(), c.Source())
	}
	for _, tc := range cases {
		var m Match
		if c.Mode() == ModeDTMF {
			m, err = c.MatchDTMF(tc.in)
		} else {
			m, err = c.MatchText(tc.in)
		}
		if err != nil {
			t.Errorf("%s %q: %v", uri, tc.in, err)
			continue
		}
		if m.Status != tc.status || m.CanExtend != tc.extend {
			t.Errorf("%s %q = %v extend=%v, want %v extend=%v", uri, tc.in, m.Status, m.CanExtend, tc.status, tc.extend)
			continue
		}
		if tc.status == Complete && !semantic.Equal(m.Instance, tc.want) {
			t.Errorf("%s %q instance = %v, want %v", uri, tc.in, m.Instance, tc.want)
		}
	}
}

func TestBuiltinTranscribe(t *testing.T) {
	runBuiltin(t, "builtin:speech/transcribe", []builtinCase{
		{"Hello, World!", Complete, semantic.String("Hello, World!"), true},
		{"  two   spaces ", Complete, semantic.String("two spaces"), true},
		{"", Incomplete, semantic.Value{}, true},
		{"...", Incomplete, semantic.Value{}, true},
	})
}

func TestBuiltinBoolean(t *testing.T) {
	runBuiltin(t, "builtin:grammar/boolean", []builtinCase{
		{"Yes.", Complete, semantic.Bool(true), true}, // "yes please" is longer
		{"yeah", Complete, semantic.Bool(true), false},
		{"of course", Complete, semantic.Bool(true), false},
		{"That's right!", Complete, semantic.Bool(true), false},
		{"No", Complete, semantic.Bool(false), true},
		{"no thank you", Complete, semantic.Bool(false), false},
		{"nope", Complete, semantic.Bool(false), false},
		{"Да", Complete, semantic.Bool(true), true},
		{"нет", Complete, semantic.Bool(false), true},
		{"of", Incomplete, semantic.Value{}, true},
		{"", Incomplete, semantic.Value{}, true},
		{"maybe", NoMatch, semantic.Value{}, false},
		{"yes no", NoMatch, semantic.Value{}, false},
	})
	runBuiltin(t, "builtin:voice/boolean", []builtinCase{{"sure", Complete, semantic.Bool(true), false}})
	runBuiltin(t, "builtin:dtmf/boolean", []builtinCase{
		{"1", Complete, semantic.Bool(true), false},
		{"2", Complete, semantic.Bool(false), false},
		{"", Incomplete, semantic.Value{}, true},
		{"3", NoMatch, semantic.Value{}, false},
		{"12", NoMatch, semantic.Value{}, false},
	})
	runBuiltin(t, "builtin:dtmf/boolean?y=7;n=9", []builtinCase{
		{"7", Complete, semantic.Bool(true), false},
		{"9", Complete, semantic.Bool(false), false},
		{"1", NoMatch, semantic.Value{}, false},
	})
}

func TestBuiltinDigits(t *testing.T) {
	runBuiltin(t, "builtin:grammar/digits", []builtinCase{
		{"one two three", Complete, semantic.String("123"), true},
		{"Oh, five, zero.", Complete, semantic.String("050"), true},
		{"double five nine", Complete, semantic.String("559"), true},
		{"triple seven", Complete, semantic.String("777"), true},
		{"123 four", Complete, semantic.String("1234"), true},
		{"4155551212", Complete, semantic.String("4155551212"), true},
		{"один два три", Complete, semantic.String("123"), true},
		{"double", Incomplete, semantic.Value{}, true},
		{"", Incomplete, semantic.Value{}, true},
		{"one two buckle", NoMatch, semantic.Value{}, false},
		{"twenty", NoMatch, semantic.Value{}, false},
		{"double 12", NoMatch, semantic.Value{}, false},
	})
	runBuiltin(t, "builtin:grammar/digits?length=3", []builtinCase{
		{"one two", Incomplete, semantic.Value{}, true},
		{"one two three", Complete, semantic.String("123"), false},
		{"one two three four", NoMatch, semantic.Value{}, false},
		{"one double two", Complete, semantic.String("122"), false},
		{"one two double", NoMatch, semantic.Value{}, false},
	})
	runBuiltin(t, "builtin:dtmf/digits", []builtinCase{
		{"1234", Complete, semantic.String("1234"), true},
		{"0", Complete, semantic.String("0"), true},
		{"", Incomplete, semantic.Value{}, true},
		{"12*", NoMatch, semantic.Value{}, false},
		{"12#", NoMatch, semantic.Value{}, false},
	})
	runBuiltin(t, "builtin:dtmf/digits?length=4", []builtinCase{
		{"123", Incomplete, semantic.Value{}, true},
		{"1234", Complete, semantic.String("1234"), false},
		{"12345", NoMatch, semantic.Value{}, false},
	})
	runBuiltin(t, "builtin:dtmf/digits?minlength=2;maxlength=4", []builtinCase{
		{"1", Incomplete, semantic.Value{}, true},
		{"12", Complete, semantic.String("12"), true},
		{"1234", Complete, semantic.String("1234"), false},
		{"12345", NoMatch, semantic.Value{}, false},
	})
	runBuiltin(t, "builtin:dtmf/digits?minlength=3", []builtinCase{
		{"12", Incomplete, semantic.Value{}, true},
		{"123456789", Complete, semantic.String("123456789"), true},
	})
}

func TestBuiltinNumber(t *testing.T) {
	runBuiltin(t, "builtin:grammar/number", []builtinCase{
		{"twenty five", Complete, semantic.Number(25), true},
		{"twenty-five", Complete, semantic.Number(25), true},
		{"zero", Complete, semantic.Number(0), true},
		{"seven", Complete, semantic.Number(7), true},
		{"thirteen", Complete, semantic.Number(13), true},
		{"a hundred", Complete, semantic.Number(100), true},
		{"one hundred and five", Complete, semantic.Number(105), true},
		{"nine hundred ninety nine", Complete, semantic.Number(999), true},
		{"two thousand twenty four", Complete, semantic.Number(2024), true},
		{"one million two hundred thousand", Complete, semantic.Number(1200000), true},
		{"a thousand", Complete, semantic.Number(1000), true},
		{"minus forty", Complete, semantic.Number(-40), true},
		{"three point one four", Complete, semantic.Number(3.14), true},
		{"5 million", Complete, semantic.Number(5000000), true},
		{"25", Complete, semantic.Number(25), true},
		{"1,000", Complete, semantic.Number(1000), true},
		{"2.5", Complete, semantic.Number(2.5), true},
		{"-7", Complete, semantic.Number(7), true}, // the sign is punctuation to the normaliser
		{"minus", Incomplete, semantic.Value{}, true},
		{"one hundred and", Incomplete, semantic.Value{}, true},
		{"three point", Incomplete, semantic.Value{}, true},
		{"a", Incomplete, semantic.Value{}, true},
		{"", Incomplete, semantic.Value{}, true},
		{"five twenty", NoMatch, semantic.Value{}, false},
		{"thousand thousand", NoMatch, semantic.Value{}, false},
		{"two thousand one thousand", NoMatch, semantic.Value{}, false},
		{"twenty twenty", NoMatch, semantic.Value{}, false},
		{"apples", NoMatch, semantic.Value{}, false},
		{"25 apples", NoMatch, semantic.Value{}, false},
	})
	runBuiltin(t, "builtin:dtmf/number", []builtinCase{
		{"42", Complete, semantic.Number(42), true},
		{"12*5", Complete, semantic.Number(12.5), true},
		{"12*", Incomplete, semantic.Value{}, true},
		{"", Incomplete, semantic.Value{}, true},
		{"*5", NoMatch, semantic.Value{}, false},
		{"1*2*3", NoMatch, semantic.Value{}, false},
		{"1#", NoMatch, semantic.Value{}, false},
	})
}

func TestBuiltinErrors(t *testing.T) {
	for _, uri := range []string{
		"builtin:grammar/date", "builtin:video/digits", "builtin:dtmf/transcribe", "http://x",
		"builtin:dtmf/digits?length=x", "builtin:dtmf/digits?length=4;minlength=2",
		"builtin:dtmf/digits?minlength=5;maxlength=2", "builtin:dtmf/boolean?y=12",
		"builtin:dtmf/boolean?y=2", "builtin:grammar/boolean?y=1", "builtin:grammar/number?length=3",
		"builtin:dtmf/digits?maxlength=100000",
	} {
		if _, err := Builtin(uri); err == nil {
			t.Errorf("Builtin(%q) succeeded", uri)
		} else if CauseCode(err) != 4 {
			t.Errorf("Builtin(%q) cause = %d, want 4", uri, CauseCode(err))
		}
	}
	// Unknown parameters are platform-specific and ignored.
	if _, err := Builtin("BUILTIN:DTMF/DIGITS?length=2;vendor-thing=1"); err != nil {
		t.Errorf("case-insensitive builtin with a vendor parameter: %v", err)
	}
	if _, err := Builtin("builtin:digits"); err != nil {
		t.Errorf("builtin without a type: %v", err)
	}
}

func TestBuiltinInsideSRGS(t *testing.T) {
	c := mustXML(t, `<grammar root="r" tag-format="semantics/1.0"><rule id="r">
	  my pin is <ruleref uri="builtin:grammar/digits?length=4"/>
	  <tag>out.pin = rules.digits; out.again = rules.latest();</tag>
	</rule></grammar>`)
	m, err := c.MatchText("My PIN is one two three four")
	if err != nil || m.Status != Complete {
		t.Fatalf("match = %+v, %v", m, err)
	}
	want := semantic.NewObject()
	want.Set("pin", semantic.String("1234"))
	want.Set("again", semantic.String("1234"))
	if !semantic.Equal(m.Instance, want) {
		t.Errorf("instance = %v, want %v", m.Instance, want)
	}
	if m, _ := c.MatchText("my pin is one two"); m.Status != Incomplete {
		t.Errorf("short pin = %v, want incomplete", m.Status)
	}
	d := mustXML(t, `<grammar mode="dtmf" root="r"><rule id="r"><ruleref uri="builtin:dtmf/digits?minlength=2"/> #</rule></grammar>`)
	if m, _ := d.MatchDTMF("123#"); m.Status != Complete || !semantic.Equal(m.Instance, semantic.String("123#")) {
		t.Errorf("dtmf builtin in SRGS = %+v", m)
	}
}

func TestDigitsLongInputIsBounded(t *testing.T) {
	c, _ := Builtin("builtin:dtmf/digits")
	m, err := c.MatchDTMF(strings.Repeat("1", 5000))
	if err != nil || m.Status != Complete {
		t.Fatalf("long DTMF = %v, %v", m.Status, err)
	}
	v, _ := Builtin("builtin:grammar/digits")
	m, _ = v.MatchText(strings.Repeat("one ", 2000))
	if m.Status != NoMatch {
		t.Errorf("2000 spoken digits = %v, want no-match past the limit", m.Status)
	}
}
