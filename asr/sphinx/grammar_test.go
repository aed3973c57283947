package sphinx

import (
	"errors"
	"strings"
	"testing"
)

func TestPhraseGrammar(t *testing.T) {
	g, err := PhraseGrammar([]string{"Yes", "no thanks!", "[unk]", "yes", "  ", "O'Brien's"})
	if err != nil {
		t.Fatal(err)
	}
	want := "#JSGF V1.0;\ngrammar phrases;\npublic <phrase> = ( yes ) | ( no thanks ) | ( o'brien's ) ;\n"
	if g != want {
		t.Errorf("got\n%s\nwant\n%s", g, want)
	}
	for _, bad := range [][]string{nil, {"[unk]"}, {"!!", "  "}} {
		_, err := PhraseGrammar(bad)
		var ge *GrammarError
		if !errors.As(err, &ge) {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

// FuzzPhraseGrammar checks that every grammar built from phrases compiles:
// the only acceptable failure is words missing from the dictionary.
func FuzzPhraseGrammar(f *testing.F) {
	d, err := newDecoder(Model{}, false)
	if err != nil {
		f.Fatalf("%v (`make test` installs pocketsphinx-en-us)", err)
	}
	defer d.close()
	dict, err := LoadDictionary(Model{}.DictionaryPath())
	if err != nil {
		f.Fatal(err)
	}
	f.Add("yes|no")
	f.Add("one two three|four")
	f.Add("<x>|{tag}|/1.0/ yes|\"quoted\"|a;b=c|*+()[]")
	f.Fuzz(func(t *testing.T, joined string) {
		g, err := PhraseGrammar(strings.Split(joined, "|"))
		if err != nil {
			return
		}
		err = d.useGrammar(g, dict)
		var ge *GrammarError
		if err != nil && (!errors.As(err, &ge) || len(ge.OutOfVocabulary) == 0) {
			t.Fatalf("grammar from %q does not compile: %v\n%s", joined, err, g)
		}
	})
}

// FuzzJSGF feeds client-supplied grammar text to the library's JSGF parser:
// any input must end in a usable grammar or a GrammarError, never a crash.
func FuzzJSGF(f *testing.F) {
	d, err := newDecoder(Model{}, false)
	if err != nil {
		f.Fatalf("%v (`make test` installs pocketsphinx-en-us)", err)
	}
	defer d.close()
	dict, err := LoadDictionary(Model{}.DictionaryPath())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(yesNo)
	f.Add(digits)
	f.Add("#JSGF V1.0; grammar g; public <r> = [please] (yes | no) {tag} <NULL> /2/ ok* go+ ;")
	f.Add("#JSGF V1.0; grammar g; import <x.y>; public <r> = <x.y> ;")
	f.Fuzz(func(t *testing.T, text string) {
		err := d.useGrammar(text, dict)
		var ge *GrammarError
		if err != nil && !errors.As(err, &ge) {
			t.Fatalf("%q: %v", text, err)
		}
	})
}
