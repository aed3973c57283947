package grammar

import (
	"slices"
	"testing"
)

func TestPhrases(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		limit     int
		want      []string
	}{
		{"trace grammar", "#ABNF 1.0;\n$digit = one | two | three;", 10, []string{"one", "two", "three"}},
		{"sequence and options", "#ABNF 1.0;\n$r = [please] call (home | \"the Office\");", 10,
			[]string{"call home", "call the office", "please call home", "please call the office"}},
		{"duplicates once", "#ABNF 1.0;\n$r = yes | yes {x} | (yes);", 10, []string{"yes"}},
		{"counted repeat", "#ABNF 1.0;\n$r = la<1-3>;", 10, []string{"la", "la la", "la la la"}},
		{"empty sentence left out", "#ABNF 1.0;\n$r = [hi];", 10, []string{"hi"}},
		{"void alternative", "#ABNF 1.0;\n$r = a | b $VOID;", 10, []string{"a"}},
		{"nullable unbounded repeat", "#ABNF 1.0;\n$r = a $NULL<0->;", 10, []string{"a"}},
		{"over the limit", "#ABNF 1.0;\n$r = (a | b | c) (d | e | f);", 8, nil},
		{"at the limit", "#ABNF 1.0;\n$r = (a | b | c) (d | e | f);", 9,
			[]string{"a d", "a e", "a f", "b d", "b e", "b f", "c d", "c e", "c f"}},
		{"unbounded repeat", "#ABNF 1.0;\n$r = a<1->;", 100, nil},
		{"recursion", "#ABNF 1.0;\n$r = a [$r];", 100, nil},
		{"garbage", "#ABNF 1.0;\n$r = $GARBAGE a;", 100, nil},
		{"digits builtin", "#ABNF 1.0;\n$r = pin $<builtin:grammar/digits>;", 100, nil},
		{"boolean builtin", "#ABNF 1.0;\n$r = $<builtin:grammar/boolean>;", 100, append(append([]string(nil), yesPhrases...), noPhrases...)},
		{"nothing", "#ABNF 1.0;\n$r = $VOID;", 100, nil},
		{"exponential", "#ABNF 1.0;\n$r = ((a | b)<10>)<10>;", 1000, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := mustABNF(t, tc.src)
			if got := c.Phrases(tc.limit); !slices.Equal(got, tc.want) {
				t.Errorf("Phrases(%d) = %q, want %q", tc.limit, got, tc.want)
			}
		})
	}
	dtmf := mustABNF(t, "#ABNF 1.0;\nmode dtmf;\n$r = 1 | 2;")
	if p := dtmf.Phrases(10); p != nil {
		t.Errorf("DTMF phrases = %q", p)
	}
	free, _ := Builtin("builtin:speech/transcribe")
	if p := free.Phrases(10); p != nil {
		t.Errorf("transcribe phrases = %q", p)
	}
	if p := mustABNF(t, "#ABNF 1.0;\n$r = a;").Phrases(0); p != nil {
		t.Errorf("limit 0 gave %q", p)
	}
}
