package grammar

import "testing"

func benchMatch(b *testing.B, c *Compiled, input string, dtmf bool) {
	b.ReportAllocs()
	for b.Loop() {
		var m Match
		if dtmf {
			m, _ = c.MatchDTMF(input)
		} else {
			m, _ = c.MatchText(input)
		}
		if m.Status != Complete {
			b.Fatalf("%q: %v", input, m.Status)
		}
	}
}

func BenchmarkMatchTraceGrammar(b *testing.B) {
	benchMatch(b, mustXML(b, traceGrammar), "three", false)
}

func BenchmarkMatchCommandWithTags(b *testing.B) {
	benchMatch(b, mustABNF(b, commandGrammar), "Open the window, please.", false)
}

func BenchmarkMatchDTMFPin(b *testing.B) {
	c := mustABNF(b, "#ABNF 1.0;\nmode dtmf;\ntag-format <semantics/1.0>;\nroot $pin;\n$digit = 0|1|2|3|4|5|6|7|8|9;\n"+
		"public $pin = {out = \"\"} ($digit {out += rules.latest()})<4> [#];\n")
	benchMatch(b, c, "1234#", true)
}

func BenchmarkMatchBuiltinNumber(b *testing.B) {
	c, _ := Builtin("builtin:grammar/number")
	benchMatch(b, c, "two thousand three hundred and forty five", false)
}

func BenchmarkCompileXML(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		g, err := ParseXML([]byte(rfcSpeakToGrammar))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Compile(g); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSelectFourGrammars(b *testing.B) {
	free, _ := Builtin("builtin:speech/transcribe")
	boolean, _ := Builtin("builtin:grammar/boolean")
	cands := []Candidate{{mustXML(b, traceGrammar), 1}, {mustABNF(b, commandGrammar), 1}, {boolean, 1}, {free, 1}}
	b.ReportAllocs()
	for b.Loop() {
		if sel := Select(cands, "close the file", false); sel.Index != 1 {
			b.Fatalf("index %d", sel.Index)
		}
	}
}

func BenchmarkJSGF(b *testing.B) {
	c := mustABNF(b, commandGrammar)
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := c.JSGF(); !ok {
			b.Fatal("no JSGF")
		}
	}
}
