package nlu

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseCSVHeaderOrders(t *testing.T) {
	for _, in := range []string{
		"intent,text\nbuy,I want to buy\nsell,\"sell it, now\"\n",
		"text,category\nI want to buy,buy\n\"sell it, now\",sell\n",
		"\ufeffText,Label,extra\nI want to buy,buy,1\n\"sell it, now\",sell,2\n",
		"id,utterance,intent\n1,I want to buy,buy\n2,\"sell it, now\",sell\n",
	} {
		ds, err := ParseCSV(strings.NewReader(in))
		if err != nil {
			t.Fatalf("%q: %v", in, err)
		}
		if len(ds.Examples) != 2 || ds.Examples[0] != (Example{Text: "I want to buy", Intent: "buy"}) ||
			ds.Examples[1] != (Example{Text: "sell it, now", Intent: "sell"}) {
			t.Fatalf("%q: got %+v", in, ds.Examples)
		}
	}
}

func TestParseCSVErrors(t *testing.T) {
	for _, in := range []string{
		"",
		"text\nhello\n",
		"foo,bar\n1,2\n",
		"intent,text\n",
		"intent,text\nbuy\n",
		"intent,text\n,hello\n",
		"intent,text\nbuy,\n",
		"intent,text\nbuy,\"unterminated\n",
	} {
		if _, err := ParseCSV(strings.NewReader(in)); err == nil {
			t.Errorf("%q: no error", in)
		}
	}
}

func TestParseYAML(t *testing.T) {
	ds, err := LoadDataset("testdata/callflow.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(ds.Intents()) != 6 || len(ds.Examples) != 49 {
		t.Fatalf("intents %v, %d examples", ds.Intents(), len(ds.Examples))
	}
	if len(ds.Entities.Builtin) != 5 || len(ds.Entities.Lists) != 1 || ds.Entities.Lists[0].Name != "channel" {
		t.Fatalf("entities %+v", ds.Entities)
	}
	for _, in := range []string{
		"",
		"intents: [a, b]",
		"intents:\n  a: 5\n",
		"intents:\n  a: [\"\"]\n",
		"intents:\n  a: []\n",
		"intents:\n  a: [x]\nunknown: 1\n",
		"intents:\n  a: [x]\nentities:\n  builtin: number\n",
		"intents: {a: [x]\n",
	} {
		if _, err := ParseYAML([]byte(in)); err == nil {
			t.Errorf("%q: no error", in)
		}
	}
}

func TestLoadDatasetByExtension(t *testing.T) {
	dir := t.TempDir()
	csvPath := filepath.Join(dir, "d.CSV")
	os.WriteFile(csvPath, []byte("intent,text\na,x\nb,y\n"), 0o644)
	if ds, err := LoadDataset(csvPath); err != nil || len(ds.Examples) != 2 {
		t.Fatalf("csv: %v %v", ds, err)
	}
	yml := filepath.Join(dir, "d.yml")
	os.WriteFile(yml, []byte("intents:\n  a: [x]\n  b: [y]\n"), 0o644)
	if ds, err := LoadDataset(yml); err != nil || len(ds.Examples) != 2 {
		t.Fatalf("yml: %v %v", ds, err)
	}
	txt := filepath.Join(dir, "d.txt")
	os.WriteFile(txt, []byte("a,x"), 0o644)
	if _, err := LoadDataset(txt); err == nil {
		t.Fatal("unknown extension accepted")
	}
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("nothing useful"), 0o644)
	if _, err := LoadDataset(bad); err == nil || !strings.Contains(err.Error(), "bad.csv") {
		t.Fatalf("error %v should name the file", err)
	}
}

func TestSampleShots(t *testing.T) {
	var exs []Example
	for i := range 30 {
		exs = append(exs, Example{Text: string(rune('a' + i%26)), Intent: []string{"x", "y", "z"}[i%3]})
	}
	exs = append(exs, Example{Text: "lonely", Intent: "w"})
	a := SampleShots(exs, 4, 1)
	b := SampleShots(exs, 4, 1)
	c := SampleShots(exs, 4, 2)
	if len(a) != 13 {
		t.Fatalf("%d examples, want 4 per intent plus the single w", len(a))
	}
	same := true
	for i := range a {
		if a[i] != b[i] {
			t.Fatal("same seed, different sample")
		}
		same = same && a[i] == c[i]
	}
	if same {
		t.Fatal("different seeds gave the same sample")
	}
}
