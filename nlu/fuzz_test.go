package nlu

import (
	"bytes"
	"math"
	"strings"
	"testing"
	"unicode/utf8"
)

func FuzzParseCSV(f *testing.F) {
	f.Add("intent,text\nbuy,I want to buy\nsell,\"sell, now\"\n")
	f.Add("text,category\nhello,greet\n")
	f.Add("\ufeffText,Label\n\"multi\nline\",x\n")
	f.Add("intent,text\nbuy\n")
	f.Fuzz(func(t *testing.T, in string) {
		ds, err := ParseCSV(strings.NewReader(in))
		if err != nil {
			return
		}
		for _, e := range ds.Examples {
			if e.Text == "" || e.Intent == "" {
				t.Fatalf("empty field accepted: %+v", e)
			}
		}
	})
}

func FuzzParseYAML(f *testing.F) {
	f.Add([]byte("intents:\n  a: [x, y]\n  b: [z]\n"))
	f.Add([]byte("intents:\n  a: [x]\nentities:\n  builtin: [number]\n  lists:\n    - name: c\n      values:\n        - value: v\n          synonyms: [w]\n"))
	f.Add([]byte("intents: &a {b: *a}"))
	f.Add([]byte("intents:\n  a: 5\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		ds, err := ParseYAML(in)
		if err != nil {
			return
		}
		if len(ds.Examples) == 0 {
			t.Fatal("no examples and no error")
		}
	})
}

func FuzzReadModel(f *testing.F) {
	small, err := Train(&Dataset{Examples: []Example{
		{Text: "yes", Intent: "agree"}, {Text: "да", Intent: "agree"},
		{Text: "no", Intent: "refuse"}, {Text: "нет", Intent: "refuse"},
	}}, Config{CharNGramMin: 3, CharNGramMax: 3})
	if err != nil {
		f.Fatal(err)
	}
	data, err := small.MarshalJSON()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add(bytes.Replace(data, []byte(`"version":2`), []byte(`"version":7`), 1))
	f.Add(bytes.Replace(data, []byte(`"version":2`), []byte(`"version":1`), 1))
	f.Add([]byte(`{"format":"mrcpd-nlu","version":1}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		m, err := ReadModel(bytes.NewReader(in))
		if err != nil {
			return
		}
		p := m.Classify("да yes", 2)
		if p.Confidence < 0 || p.Confidence > 1 || math.IsNaN(p.Confidence) {
			t.Fatalf("confidence %v", p.Confidence)
		}
	})
}

func FuzzClassify(f *testing.F) {
	for _, u := range noisyUtterances {
		f.Add(u.text)
	}
	f.Add("\xff\xfe\x00 и\u0306 ЁЁЁ 12:30 $5")
	f.Add(strings.Repeat("a", 300))
	f.Add(strings.Repeat("why was i charged a fee on my transfer ", 40))
	f.Fuzz(func(t *testing.T, text string) {
		m := callFlowModel(t)
		p := m.Classify(text, 3)
		if p.OutOfScope == (p.Intent != "") {
			t.Fatalf("intent %q with out of scope %v", p.Intent, p.OutOfScope)
		}
		if p.Confidence < 0 || p.Confidence > 1 || math.IsNaN(p.Confidence) {
			t.Fatalf("confidence %v", p.Confidence)
		}
	})
}

func FuzzStem(f *testing.F) {
	for _, w := range []string{"running", "generously", "оплатила", "бегавшись", "y", "yy", "'s", "ейше", "нн"} {
		f.Add(w)
	}
	f.Fuzz(func(t *testing.T, w string) {
		for _, word := range normaliseWords(nil, w) {
			en, ru := stemEnglish(word), stemRussian(word)
			if len(en) > len(word)+1 || len(ru) > len(word) {
				t.Fatalf("%q: stems %q %q grew", word, en, ru)
			}
			if !utf8.ValidString(ru) {
				t.Fatalf("%q: invalid UTF-8 stem %q", word, ru)
			}
		}
	})
}
