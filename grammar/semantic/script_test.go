package semantic

import (
	"errors"
	"math"
	"strings"
	"testing"
)

// evalOut runs src in a fresh rule scope and returns out as JSON.
func evalOut(t *testing.T, src string) (string, error) {
	t.Helper()
	s, err := ParseScript(src)
	if err != nil {
		return "", err
	}
	f := NewScope("r", "the text")
	f.Adopt("city", "new york", String("NYC"))
	ev := &Interpreter{globals: map[string]Value{}}
	if err := ev.Run(s, f); err != nil {
		return "", err
	}
	b, err := f.Value().MarshalJSON()
	return string(b), err
}

func TestScriptEvaluation(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{`out = 1 + 2 * 3 - 4 / 2`, `5`},
		{`out = (1 + 2) * 3 % 4`, `1`},
		{`out = "a" + 1 + 2`, `"a12"`},
		{`out = 1 + 2 + "a"`, `"3a"`},
		{`out = "5" * "2"`, `10`},
		{`out = -"3" + +"4"`, `1`},
		{`out = 1 / 0`, `null`}, // Infinity has no JSON form
		{`out = 0.1 + 0.2 > 0.3`, `true`},
		{`out = "b" > "a" && 2 >= 2 && !(1 <= 0)`, `true`},
		{`out = null == undefined`, `true`},
		{`out = null === undefined`, `false`},
		{`out = "1" == 1`, `true`},
		{`out = "1" === 1`, `false`},
		{`out = 0 || "" || "fallback"`, `"fallback"`},
		{`out = 1 && 0`, `0`},
		{`out = true ? "y" : "n"`, `"y"`},
		{`var a = 1, b; b = a++; out = [a, b, ++a, a--, a]`, `[2,1,3,3,2]`},
		{`var s = "x"; s += "y"; s += 1; out = s`, `"xy1"`},
		{`var n = 10; n -= 3; n *= 2; n /= 7; n %= 2; out = n`, `0`},
		{`out.a = 1; out["b"] = 2; out.c = {d: [1, {e: "f"}]}; out.c.d[1].e = "g"`, `{"a":1,"b":2,"c":{"d":[1,{"e":"g"}]}}`},
		{`var l = []; l[2] = "x"; out = l.length`, `3`},
		{`var l = new Array(); l.push(1, 2); out = l.concat([3], 4).join("-")`, `"1-2-3-4"`},
		{`var l = [1, 2, 3]; l.pop(); out = [l.indexOf(2), l.indexOf(9), l.toString()]`, `[1,-1,"1,2"]`},
		{`out = new Object(); out.x = new String(5)`, `{"x":"5"}`},
		{`out = "Hello".toUpperCase() + "Hello".toLowerCase() + " x ".trim()`, `"HELLOhellox"`},
		{`out = ["abcdef".substring(4, 1), "abcdef".substr(1, 2), "abcdef".slice(-2), "abc".charAt(1), "abc".indexOf("c")]`, `["bcd","bc","ef","b",2]`},
		{`out = "a,b,c".split(",").length + "abc".length`, `6`},
		{`out = "aXa".replace("a", "b") + "x".concat("y", 1)`, `"bXaxy1"`},
		{`out = [parseInt("0x1f"), parseInt("12px"), parseInt("ff", 16), parseFloat("2.5e1x"), Number("7"), isNaN("x")]`, `[31,12,255,25,7,true]`},
		{`out = [String(12), Boolean(""), Math.floor(2.7), Math.ceil(2.1), Math.round(2.5), Math.abs(-1), Math.max(1, 5, 3), Math.min(4, 2)]`, `["12",false,2,3,3,1,5,2]`},
		{`out = (12.345).toFixed(1) + (3).toString()`, `"12.33"`},
		{`out = typeof out + typeof 1 + typeof "" + typeof true + typeof nothing + typeof null`, `"objectnumberstringbooleanundefinedobject"`},
		{`out = rules.city`, `"NYC"`},
		{`out = rules.latest()`, `"NYC"`},
		{`out = rules.nothing`, `null`},
		{`out = meta.current().text + "/" + meta.city.text + "/" + meta.latest().text + "/" + meta.city.score`, `"the text/new york/new york/1"`},
		{`if (rules.city == "NYC") out = 1; else out = 2`, `1`},
		{`if (false) { out = 1 } else if (true) { out = 2 } else { out = 3 }`, `2`},
		{`out = 1
out = out + 1`, `2`},
		{`// comment
out = /* inline */ 'single\'s \u0041\x42\n'`, `"single's AB\n"`},
		{`x = 5; out = x`, `5`},
		{`;;out = 0x10;;`, `16`},
		{`out = {1: "a", "k": "b"}`, `{"1":"a","k":"b"}`},
		{`out = "x"; out.prop = 1`, `"x"`}, // property writes on primitives are ignored
		{``, `"the text"`},
		{`var unused = 1`, `"the text"`},
	} {
		got, err := evalOut(t, tc.src)
		if err != nil {
			t.Errorf("%q: %v", tc.src, err)
			continue
		}
		if got != tc.want {
			t.Errorf("%q = %s, want %s", tc.src, got, tc.want)
		}
	}
}

func TestScriptSyntaxErrors(t *testing.T) {
	for _, src := range []string{
		`out = `, `out = (1`, `out = [1,`, `out = {a 1}`, `out = "unterminated`, `1 = 2`, `out++ ++`,
		`function f() {}`, `for (;;) {}`, `out = 1 2`, `var = 3`, `out = a.`, `out = @`, `/* open`,
		`out = 'a` + "\n" + `'`, `out = 1e`, `out = 3x`, `if (1 out = 2`, `{ out = 1`, `out = new 5`,
		strings.Repeat("(", 300) + "1" + strings.Repeat(")", 300),
	} {
		_, err := ParseScript(src)
		var se *SyntaxError
		if !errors.As(err, &se) || se.Line < 1 || se.Col < 1 {
			t.Errorf("ParseScript(%q) = %v, want a script syntax error", src, err)
		}
	}
}

func TestScriptRuntimeErrors(t *testing.T) {
	for _, src := range []string{
		`out = missing`, `out = rules.x.y`, `out = rules`, `out = rules.latest`, `out = meta.current`,
		`rules.x = 1`, `meta = 1`, `out = "x".nosuch()`, `out = [].nosuch()`, `out = ({}).nosuch()`,
		`out = (1).nosuch()`, `out = rules.nosuch.foo()`, `out = Math.sqrt(4)`, `out = Math.LN2`,
		`out = new Date()`, `out = new Array(-1)`, `var u; u.x = 1`, `var l = []; l[-1] = 1`,
		`out = (5).toFixed(50)`, `out = nosuch(1)`, `out = meta.nosuch()`, `out = rules.other()`,
		`out = (1)(2)`,
	} {
		if _, err := evalOut(t, src); err == nil {
			t.Errorf("%q evaluated without error", src)
		}
	}
}

func TestScriptStepBudget(t *testing.T) {
	// No loops, but a long enough script still has to stop.
	s, err := ParseScript(strings.Repeat("out = 1 + 1 + 1 + 1;", 100))
	if err != nil {
		t.Fatal(err)
	}
	ev := &Interpreter{globals: map[string]Value{}, limit: 500}
	if err := ev.Run(s, NewScope("r", "")); !errors.Is(err, ErrBudget) {
		t.Fatalf("err = %v, want the step budget error", err)
	}
}

func TestFormatNumber(t *testing.T) {
	for _, tc := range []struct {
		n    float64
		want string
	}{
		{0, "0"}, {math.Copysign(0, -1), "0"}, {25, "25"}, {-3.5, "-3.5"}, {0.1, "0.1"},
		{1e21, "1e+21"}, {1e-7, "1e-7"}, {-2e-9, "-2e-9"}, {123456789012, "123456789012"},
		{math.NaN(), "NaN"}, {math.Inf(1), "Infinity"}, {math.Inf(-1), "-Infinity"},
	} {
		if got := FormatNumber(tc.n); got != tc.want {
			t.Errorf("FormatNumber(%v) = %q, want %q", tc.n, got, tc.want)
		}
	}
}
