package nlsml

import (
	"bytes"
	"flag"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mrcpd/mrcpd/grammar/semantic"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func obj(kv ...any) semantic.Value {
	o := semantic.NewObject()
	for i := 0; i+1 < len(kv); i += 2 {
		o.Set(kv[i].(string), kv[i+1].(semantic.Value))
	}
	return o
}

// goldenResults are the documents under testdata/, one per case.
func goldenResults() []struct {
	name string
	enc  Encoder
	r    *Result
} {
	nlu := obj("intent", semantic.String("check_balance"), "confidence", semantic.Number(0.92),
		"entities", obj("account", semantic.String("savings")))
	return []struct {
		name string
		enc  Encoder
		r    *Result
	}{
		{"trace", Encoder{}, &Result{Interpretations: []Interpretation{{
			Grammar: "session:request1@form-level.store", Confidence: Conf(0.97),
			Instance: semantic.String("one"), Input: Input{Mode: "speech", Confidence: Conf(0.97), Text: "one"},
		}}}},
		{"nbest_objects", Encoder{}, &Result{Grammar: "http://www.example.com/flight", Interpretations: []Interpretation{
			{Confidence: Conf(0.6), Instance: obj("airline", obj("to_city", semantic.String("Pittsburgh"))),
				Input: Input{Mode: "speech", Text: "I want to go to Pittsburgh"}},
			{Confidence: Conf(0.4), Instance: obj("airline", obj("to_city", semantic.String("Stockholm"))),
				Input: Input{Text: "I want to go to Stockholm"}},
		}}},
		{"types", Encoder{}, &Result{Interpretations: []Interpretation{{
			Grammar: "builtin:grammar/number", Confidence: Conf(1),
			Instance: obj("n", semantic.Number(25), "ok", semantic.Bool(true), "none", semantic.Null(),
				"ingredients", semantic.NewList(semantic.String("pepperoni"), semantic.String("cheese")),
				"matrix", semantic.NewList(semantic.NewList(semantic.Number(1)), semantic.Number(2)),
				"street", obj("_attributes", obj("confidence", semantic.String("0.75")), "_value", semantic.String("123 Maple Street")),
				"1st place", semantic.String("x")),
			Input: Input{Mode: "speech", Confidence: Conf(0.5), Text: "twenty five"},
		}}}},
		{"nomatch", Encoder{}, NoMatchResult("speech", "I want to go to New York", Conf(0.1))},
		{"nomatch_empty", Encoder{}, NoMatchResult("", "", Confidence{})},
		{"noinput", Encoder{}, NoInputResult()},
		{"semantics_failure", Encoder{}, InputOnlyResult("session:menu@form", "speech", "open the window", Conf(0.8))},
		{"dtmf", Encoder{ContentType: LegacyContentType, OmitNamespace: true}, &Result{Interpretations: []Interpretation{{
			Grammar: "builtin:dtmf/digits?length=4", Confidence: Conf(1), Instance: semantic.String("1234"),
			Input: Input{Mode: "dtmf", Confidence: Conf(1), Text: "1234"},
		}}}},
		{"nested_input", Encoder{}, &Result{Grammar: "session:pin", Interpretations: []Interpretation{{
			Instance: semantic.String("1234"),
			Input: Input{Inputs: []Input{
				{Mode: "speech", Confidence: Conf(1), TimestampStart: "2000-04-03T0:00:00", TimestampEnd: "2000-04-03T0:00:01.5", Text: "My pin is"},
				{Mode: "dtmf", Confidence: Conf(1), TimestampStart: "2000-04-03T0:00:01.5", TimestampEnd: "2000-04-03T0:00:02.0", Text: "1 2 3 4"},
			}},
		}}}},
		{"nlu_extension", Encoder{}, &Result{Interpretations: []Interpretation{{
			Grammar: "builtin:speech/transcribe", Confidence: Conf(0.88),
			Instance:   semantic.String("what is my savings balance"),
			Extensions: []Extension{{Name: "nlu", Value: nlu}},
			Input:      Input{Mode: "speech", Confidence: Conf(0.88), Text: "what is my savings balance"},
		}}}},
		{"escaping", Encoder{}, &Result{Grammar: `http://x/g?a=1&b="2"<>`, Interpretations: []Interpretation{{
			Grammar: "tab\there\nnewline\rcr", Confidence: Conf(0.333333),
			Instance: obj("text", semantic.String("AT&T <rocks> \"quoted\" 'single' ]]>"), "ctl", semantic.String("bell\x07 nul\x00 bad\xff end"),
				"a:b", semantic.String("colon key"), "", semantic.String("empty key")),
			Input: Input{Mode: "speech", Text: "AT&T <rocks>\r\n"},
		}}}},
		{"compact", Encoder{Compact: true}, &Result{Grammar: "g", Interpretations: []Interpretation{{
			Instance: obj("a", semantic.String("1")), Input: Input{Text: "a"},
		}}}},
	}
}

func TestMarshalGolden(t *testing.T) {
	for _, tc := range goldenResults() {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.enc.Marshal(tc.r)
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", tc.name+".xml")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("output differs from %s\ngot:\n%s\nwant:\n%s", path, got, want)
			}
			// Every golden document parses, and parsing then writing again
			// reproduces it.
			r, err := Parse(got, WithExtensions("nlu"))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			again, err := tc.enc.Marshal(r)
			if err != nil {
				t.Fatal(err)
			}
			if tc.name != "types" && tc.name != "escaping" && tc.name != "nomatch_empty" && !bytes.Equal(again, got) {
				t.Errorf("re-encoding differs\nfirst:\n%s\nsecond:\n%s", got, again)
			}
		})
	}
}

func TestEncoderMediaType(t *testing.T) {
	if (Encoder{}).MediaType() != "application/nlsml+xml" || (Encoder{ContentType: LegacyContentType}).MediaType() != "application/x-nlsml" {
		t.Error("media types")
	}
}

func TestParseTrace(t *testing.T) {
	// RECOGNITION-COMPLETE body of /work/shared/ref/traces/recog.txt.
	body := "<?xml version=\"1.0\"?>\n<result> \n  <interpretation grammar=\"session:request1@form-level.store\" confidence=\"0.97\">\n" +
		"    <instance>one</instance>\n    <input mode=\"speech\">one</input>\n  </interpretation>\n</result>\n"
	r, err := Parse([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	in := r.Interpretations[0]
	if len(r.Interpretations) != 1 || in.Grammar != "session:request1@form-level.store" || in.Confidence != Conf(0.97) ||
		!semantic.Equal(in.Instance, semantic.String("one")) || in.Input.Mode != "speech" || in.Input.Text != "one" ||
		in.Input.Confidence.Present || in.RawInstance != "one" {
		t.Fatalf("parsed = %+v", r)
	}
}

func TestParseRFCExamples(t *testing.T) {
	// RFC 6787 §9.6.2.
	r, err := Parse([]byte(`<?xml version="1.0"?>
   <result xmlns="urn:ietf:params:xml:ns:mrcpv2"
           xmlns:ex="http://www.example.com/example"
           grammar="http://www.example.com/theYesNoGrammar">
     <interpretation>
        <instance>
           <ex:response>yes</ex:response>
         </instance>
       <input>OK</input>
     </interpretation>
   </result>`))
	if err != nil {
		t.Fatal(err)
	}
	in := r.Interpretations[0]
	if r.Grammar != "http://www.example.com/theYesNoGrammar" || !semantic.Equal(in.Instance, obj("response", semantic.String("yes"))) ||
		in.Input.Text != "OK" || in.Confidence.Present || !strings.Contains(in.RawInstance, "<ex:response>yes</ex:response>") {
		t.Errorf("§9.6.2: %+v", r)
	}

	// RFC 6787 §14.2.2, with a namespace prefix on the NLSML elements.
	r, err = Parse([]byte(`<?xml version="1.0"?>
   <nl:result xmlns:nl="urn:ietf:params:xml:ns:mrcpv2"
              xmlns="http://www.example.com/example"
              grammar="http://www.example.com/foodorder">
     <nl:interpretation confidence="1.0" >
        <nl:instance>
         <order>
           <food_item confidence="1.0">
             <pizza>
               <ingredients confidence="1.0">
                 pepperoni
               </ingredients>
               <ingredients confidence="1.0">
                 cheese
               </ingredients>
             </pizza>
             <pizza>
               <ingredients>sausage</ingredients>
             </pizza>
           </food_item>
           <drink_item confidence="1.0">
             <size>2-liter</size>
           </drink_item>
           <delivery_method>to go</delivery_method>
         </order>
       </nl:instance>
       <nl:input mode="speech">I would like 2 pizzas,
            one with pepperoni and cheese, one with sausage
            and a bottle of coke, to go.
       </nl:input>
     </nl:interpretation>
   </nl:result>`))
	if err != nil {
		t.Fatal(err)
	}
	in = r.Interpretations[0]
	conf := obj("confidence", semantic.String("1.0"))
	ingredient := func(s string) semantic.Value { return obj("_attributes", conf, "_value", semantic.String(s)) }
	want := obj("order", obj(
		"food_item", obj("_attributes", conf, "pizza", semantic.NewList(
			obj("ingredients", semantic.NewList(ingredient("pepperoni"), ingredient("cheese"))),
			obj("ingredients", semantic.String("sausage")),
		)),
		"drink_item", obj("_attributes", conf, "size", semantic.String("2-liter")),
		"delivery_method", semantic.String("to go"),
	))
	if !semantic.Equal(in.Instance, want) {
		t.Errorf("§14.2.2 instance = %v\nwant %v", in.Instance, want)
	}
	if in.Confidence != Conf(1) || in.Input.Mode != "speech" ||
		in.Input.Text != "I would like 2 pizzas, one with pepperoni and cheese, one with sausage and a bottle of coke, to go." {
		t.Errorf("§14.2.2 = %+v", in)
	}

	// RFC 6787 §9.6.3.5 and §9.6.3.6 inside a result.
	r, err = Parse([]byte(`<result grammar="g">
   <interpretation>
      <instance/>
         <input confidence="0.1">
            <nomatch/>
         </input>
   </interpretation>
   <interpretation>
      <instance/>
      <input mode="speech" confidence="0.1">
        <nomatch>I want to go to New York</nomatch>
      </input>
   </interpretation>
   <interpretation>
      <instance/>
      <input>
         <noinput/>
      </input>
   </interpretation></result>`))
	if err != nil {
		t.Fatal(err)
	}
	if a := r.Interpretations[0].Input; !a.NoMatch || a.Text != "" || a.Confidence != Conf(0.1) {
		t.Errorf("nomatch = %+v", a)
	}
	if b := r.Interpretations[1].Input; !b.NoMatch || b.Text != "I want to go to New York" || b.Mode != "speech" {
		t.Errorf("nomatch with text = %+v", b)
	}
	if c := r.Interpretations[2].Input; !c.NoInput || c.NoMatch {
		t.Errorf("noinput = %+v", c)
	}
	if !r.Interpretations[0].Instance.IsUndefined() {
		t.Errorf("empty instance = %v", r.Interpretations[0].Instance)
	}

	// RFC 6787 §14.2.3 nested DTMF input.
	r, err = Parse([]byte(`<result><interpretation grammar="g"><instance>1234</instance><input>
     <input mode="speech" confidence ="1.0"
        timestamp-start="2000-04-03T0:00:00"
        timestamp-end="2000-04-03T0:00:01.5">My pin is
     </input>
     <input mode="dtmf" confidence ="1.0"
        timestamp-start="2000-04-03T0:00:01.5"
        timestamp-end="2000-04-03T0:00:02.0">1 2 3 4
     </input>
   </input></interpretation></result>`))
	if err != nil {
		t.Fatal(err)
	}
	nested := r.Interpretations[0].Input.Inputs
	if len(nested) != 2 || nested[1].Mode != "dtmf" || nested[1].Text != "1 2 3 4" || nested[0].TimestampEnd != "2000-04-03T0:00:01.5" {
		t.Errorf("nested inputs = %+v", nested)
	}

	// RFC 6787 §14.2.1 as printed is not well-formed (<ex:airline> is never
	// closed, and an attribute list lacks '>'): it must be refused cleanly.
	_, err = Parse([]byte(`<?xml version="1.0"?>
   <result xmlns="urn:ietf:params:xml:ns:mrcpv2"
           xmlns:ex="http://www.example.com/example"
           grammar="http://www.example.com/flight">
     <interpretation confidence="0.6">
        <instance>
           <ex:airline>
              <ex:to_city>Pittsburgh</ex:to_city>
           <ex:airline>
        <instance>
        <input mode="speech">
           I want to go to Pittsburgh
        </input>
     </interpretation>
     <interpretation confidence="0.4"
        <instance>
           <ex:airline>
              <ex:to_city>Stockholm</ex:to_city>
           </ex:airline>
        </instance>
        <input>I want to go to Stockholm</input>
     </interpretation>
   </result>`))
	if err == nil {
		t.Error("malformed §14.2.1 example parsed")
	}
}

func TestEscapingRoundTrip(t *testing.T) {
	for _, s := range []string{
		`AT&T <rocks>`, `"double" and 'single'`, "tab\tand\nnewline", "carriage\rreturn", "]]> end",
		"unicode: café 日本 🎉", "&amp; literally",
	} {
		r := &Result{Grammar: s, Interpretations: []Interpretation{{
			Grammar: s, Instance: obj("v", semantic.String(s)), Input: Input{Mode: s, Text: "x"},
		}}}
		b, err := Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		back, err := Parse(b)
		if err != nil {
			t.Fatalf("%q: %v\n%s", s, err, b)
		}
		in := back.Interpretations[0]
		v, _ := in.Instance.Get("v")
		if back.Grammar != s || in.Grammar != s || in.Input.Mode != s {
			t.Errorf("attribute %q came back as %q / %q / %q", s, back.Grammar, in.Grammar, in.Input.Mode)
		}
		if got, _ := v.AsString(); got != strings.TrimSpace(s) {
			t.Errorf("text %q came back as %q", s, got)
		}
	}
	b, _ := Marshal(&Result{Interpretations: []Interpretation{{Instance: semantic.String("a\x01b\uFFFEc"), Input: Input{Text: "\xff"}}}})
	if !bytes.Contains(b, []byte("a\uFFFDb\uFFFDc")) || !bytes.Contains(b, []byte(">\uFFFD</input>")) {
		t.Errorf("characters XML cannot hold were not replaced:\n%s", b)
	}
	if _, err := Parse(b); err != nil {
		t.Errorf("output with replaced characters does not parse: %v", err)
	}
}

func TestInstanceValueTrees(t *testing.T) {
	in := obj(
		"name", semantic.String("Andre Roy"),
		"count", semantic.Number(2),
		"yes", semantic.Bool(false),
		"items", semantic.NewList(semantic.String("a"), semantic.String("b"), semantic.String("c")),
		"nested", obj("deeper", obj("deepest", semantic.String("x"))),
	)
	b, err := Marshal(&Result{Interpretations: []Interpretation{{Instance: in}}})
	if err != nil {
		t.Fatal(err)
	}
	r, err := Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	// Numbers and booleans come back as their text.
	want := obj(
		"name", semantic.String("Andre Roy"),
		"count", semantic.String("2"),
		"yes", semantic.String("false"),
		"items", semantic.NewList(semantic.String("a"), semantic.String("b"), semantic.String("c")),
		"nested", obj("deeper", obj("deepest", semantic.String("x"))),
	)
	if got := r.Interpretations[0].Instance; !semantic.Equal(got, want) {
		t.Errorf("instance = %v\nwant %v", got, want)
	}
	if r.Interpretations[0].Input.Text != "" || !strings.Contains(string(b), "<instance>\n      <name>Andre Roy</name>") {
		t.Errorf("document:\n%s", b)
	}
	// Without WithExtensions an extension is just part of the instance.
	b, _ = Marshal(&Result{Interpretations: []Interpretation{{
		Instance: obj("a", semantic.String("1")), Extensions: []Extension{{Name: "nlu", Value: obj("intent", semantic.String("x"))}},
	}}})
	r, _ = Parse(b)
	if _, ok := r.Interpretations[0].Instance.Get("nlu"); !ok || len(r.Interpretations[0].Extensions) != 0 {
		t.Errorf("plain parse = %+v", r.Interpretations[0])
	}
	r, _ = Parse(b, WithExtensions("nlu"))
	ext := r.Interpretations[0].Extensions
	if len(ext) != 1 || ext[0].Name != "nlu" || !semantic.Equal(ext[0].Value, obj("intent", semantic.String("x"))) {
		t.Errorf("extensions = %+v", ext)
	}
	if _, ok := r.Interpretations[0].Instance.Get("nlu"); ok {
		t.Error("extension left in the instance")
	}
	// A text instance with an extension is mixed content.
	b, _ = Marshal(&Result{Interpretations: []Interpretation{{
		Instance: semantic.String("hello"), Extensions: []Extension{{Name: "nlu", Value: semantic.String("greet")}},
	}}})
	r, _ = Parse(b, WithExtensions("nlu"))
	if !semantic.Equal(r.Interpretations[0].Instance, semantic.String("hello")) || len(r.Interpretations[0].Extensions) != 1 {
		t.Errorf("mixed content = %+v\n%s", r.Interpretations[0], b)
	}
}

func TestConfidence(t *testing.T) {
	for _, tc := range []struct {
		v    float64
		want string
	}{
		{0, "0.0"}, {1, "1.0"}, {0.5, "0.5"}, {0.97, "0.97"}, {0.123456, "0.123"}, {0.9999, "1.0"},
		{1.5, "1.0"}, {-0.2, "0.0"},
	} {
		if got := FormatConfidence(tc.v); got != tc.want {
			t.Errorf("FormatConfidence(%v) = %q, want %q", tc.v, got, tc.want)
		}
	}
	for _, tc := range []struct {
		s    string
		want float64
		ok   bool
	}{
		{"0.97", 0.97, true}, {" 1 ", 1, true}, {"0", 0, true}, {"85", 0.85, true}, {"100", 1, true},
		{"101", 0, false}, {"-0.1", 0, false}, {"NaN", 0, false}, {"high", 0, false}, {"", 0, false},
	} {
		c, err := ParseConfidence(tc.s)
		if (err == nil) != tc.ok || (tc.ok && (c.Value != tc.want || !c.Present)) {
			t.Errorf("ParseConfidence(%q) = %+v, %v", tc.s, c, err)
		}
	}
	if c := Conf(math.NaN()); c.Value != 0 || !c.Present {
		t.Errorf("Conf(NaN) = %+v", c)
	}
	if c := Conf(7); c.Value != 1 {
		t.Errorf("Conf(7) = %+v", c)
	}
}

func TestMarshalErrors(t *testing.T) {
	cyc := semantic.NewObject()
	cyc.Set("self", cyc)
	deepInput := Input{Text: "x"}
	for range 40 {
		deepInput = Input{Inputs: []Input{deepInput}}
	}
	for name, r := range map[string]*Result{
		"nil":                  nil,
		"no interpretations":   {},
		"NaN confidence":       {Interpretations: []Interpretation{{Confidence: Confidence{Value: math.NaN(), Present: true}}}},
		"infinite input conf":  {Interpretations: []Interpretation{{Input: Input{Text: "x", Confidence: Confidence{Value: math.Inf(1), Present: true}}}}},
		"cyclic instance":      {Interpretations: []Interpretation{{Instance: cyc}}},
		"deeply nested inputs": {Interpretations: []Interpretation{{Input: deepInput}}},
	} {
		if _, err := Marshal(r); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestParseErrors(t *testing.T) {
	for _, doc := range []string{
		``, `not xml`, `<interpretation/>`, `<result/>`, `<result>text<interpretation/></result>`,
		`<result><interpretation>text</interpretation></result>`,
		`<result><interpretation confidence="x"><instance/></interpretation></result>`,
		`<result><interpretation><input confidence="2000"/></interpretation></result>`,
		`<result><interpretation><instance>` + strings.Repeat("<a>", 50) + strings.Repeat("</a>", 50) + `</instance></interpretation></result>`,
		`<result><interpretation><input>` + strings.Repeat("<input>", 50) + strings.Repeat("</input>", 50) + `</input></interpretation></result>`,
		`<?xml version="1.0" encoding="EBCDIC"?><result/>`,
		`<result><interpretation><instance>&bogus;</instance></interpretation></result>`,
		`<result><interpretation><instance>`,
		"<result>" + strings.Repeat(" ", MaxDocumentBytes) + "</result>",
	} {
		if _, err := Parse([]byte(doc)); err == nil {
			t.Errorf("Parse(%.60q) succeeded", doc)
		}
	}
}

func TestParseSkipsForeignContent(t *testing.T) {
	r, err := Parse([]byte(`<result><enrollment-result><num-clashes>1</num-clashes></enrollment-result>
	  <interpretation><instance>a</instance><instance>b</instance><input>x<foo:bar xmlns:foo="urn:x">y</foo:bar></input><extra/></interpretation></result>`))
	if err != nil {
		t.Fatal(err)
	}
	in := r.Interpretations[0]
	if !semantic.Equal(in.Instance, semantic.String("a")) || in.Input.Text != "x" {
		t.Errorf("parsed = %+v", in)
	}
}

func TestListInstances(t *testing.T) {
	v := semantic.NewList(semantic.String("a"), semantic.NewList(semantic.String("b"), semantic.String("c")))
	b, err := Marshal(&Result{Interpretations: []Interpretation{{Instance: v}}})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte("<item>a</item>\n      <item>\n        <item>b</item>\n        <item>c</item>\n      </item>")) {
		t.Errorf("nested list:\n%s", b)
	}
	r, err := Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	want := obj("item", semantic.NewList(semantic.String("a"), obj("item", semantic.NewList(semantic.String("b"), semantic.String("c")))))
	if !semantic.Equal(r.Interpretations[0].Instance, want) {
		t.Errorf("parsed = %v", r.Interpretations[0].Instance)
	}
	cyc := semantic.NewList()
	cyc.Append(cyc)
	if _, err := Marshal(&Result{Interpretations: []Interpretation{{Instance: cyc}}}); err == nil {
		t.Error("cyclic list marshalled")
	}
}
