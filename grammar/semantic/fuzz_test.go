package semantic

import (
	"errors"
	"testing"
)

func FuzzScript(f *testing.F) {
	for _, s := range []string{
		`out = 1 + 2`, `out.a = rules.latest(); out.b = meta.current().text`,
		`var l = []; l.push("x"); out = l.join("-")`, `if (out) { out = {a: [1, "2"]} } else out = null`,
		`out = "abc".substring(1).toUpperCase() + parseInt("0x1f")`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		s, err := ParseScript(src)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("script error is not a SyntaxError: %v", err)
			}
			return
		}
		scope := NewScope("r", "some text")
		scope.Adopt("x", "x", NewObject())
		ev := NewInterpreter()
		_ = ev.Run(s, scope)
		_ = CheckLimits(scope.Value())
	})
}
