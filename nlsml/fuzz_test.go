package nlsml

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse checks that Parse never fails badly and that whatever it
// accepts survives a write-read cycle: writing the parsed result and
// parsing it again gives a document that writes back byte for byte.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.xml"))
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`<result><interpretation grammar="g" confidence="85"><instance><a x="1">t<b/>u</a><a>2</a></instance><input mode="dtmf"><input>1</input><nomatch>z</nomatch></input></interpretation></result>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := Parse(data, WithExtensions("nlu"))
		if err != nil {
			return
		}
		first, err := Marshal(r)
		if err != nil {
			return // e.g. a parsed tree deeper than the writer allows
		}
		r2, err := Parse(first, WithExtensions("nlu"))
		if err != nil {
			t.Fatalf("our own output does not parse: %v\n%s", err, first)
		}
		second, err := Marshal(r2)
		if err != nil {
			t.Fatalf("re-marshal: %v", err)
		}
		r3, err := Parse(second, WithExtensions("nlu"))
		if err != nil {
			t.Fatalf("second output does not parse: %v", err)
		}
		third, _ := Marshal(r3)
		if !bytes.Equal(second, third) {
			t.Fatalf("write-read cycle is not stable\nsecond:\n%s\nthird:\n%s", second, third)
		}
	})
}
