package sphinx

import (
	"strings"
	"testing"
)

func TestParseDictionary(t *testing.T) {
	d, err := ParseDictionary(strings.NewReader("# comment\n;;; cmu comment\n\nyes Y EH S\nZero Z IH R OW\nzero(2)  Z IY R OW\n'bout B AW T\nread(10) R EH D\n"))
	if err != nil {
		t.Fatal(err)
	}
	if d.Len() != 4 {
		t.Errorf("Len %d, want 4", d.Len())
	}
	if got := d.Pronunciations("ZERO"); len(got) != 2 || got[0] != "Z IH R OW" || got[1] != "Z IY R OW" {
		t.Errorf("zero: %q", got)
	}
	if got := d.Pronunciations("read"); len(got) != 1 {
		t.Errorf("read: %q", got)
	}
	if d.Pronunciations("nope") != nil {
		t.Error("unknown word has pronunciations")
	}
	for _, bad := range []string{"", "yes\n", "yes Y EH S;\n", "# only comments\n", strings.Repeat("a", 5000) + " A\n"} {
		if _, err := ParseDictionary(strings.NewReader(bad)); err == nil {
			t.Errorf("%.40q accepted", bad)
		}
	}
}

func TestBaseWord(t *testing.T) {
	for in, want := range map[string]string{
		"zero(2)": "zero", "zero": "zero", "a(b)": "a(b)", "x()": "x()", "(2)": "(2)", "r(12)": "r",
	} {
		if got := baseWord(in); got != want {
			t.Errorf("baseWord(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestInstalledDictionaryLoads(t *testing.T) {
	d, err := LoadDictionary(Model{}.DictionaryPath())
	if err != nil {
		t.Fatalf("%v (`make test` installs pocketsphinx-en-us)", err)
	}
	if d.Len() < 100000 || len(d.Pronunciations("yes")) == 0 {
		t.Errorf("dictionary has %d words", d.Len())
	}
}

func FuzzParseDictionary(f *testing.F) {
	f.Add("yes Y EH S\nno N OW\n")
	f.Add("zero Z IH R OW\nzero(2) Z IY R OW\n")
	f.Add("# c\n;;; c\n\n'em AH M\n")
	f.Fuzz(func(t *testing.T, text string) {
		d, err := ParseDictionary(strings.NewReader(text))
		if err != nil {
			return
		}
		if d.Len() == 0 {
			t.Fatal("empty dictionary accepted")
		}
		for w, prons := range d.prons {
			if w == "" || len(prons) == 0 {
				t.Fatalf("entry %q %q", w, prons)
			}
			for _, p := range prons {
				for _, ph := range strings.Fields(p) {
					if !validPhone(ph) {
						t.Fatalf("phone %q kept", ph)
					}
				}
			}
		}
	})
}
