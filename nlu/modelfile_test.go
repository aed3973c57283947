package nlu

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestSaveLoadRoundTrip(t *testing.T) {
	m := callFlowModel(t)
	path := filepath.Join(t.TempDir(), "model.json")
	if err := m.Save(path); err != nil {
		t.Fatal(err)
	}
	loaded, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	ref := time.Date(2025, 3, 12, 10, 0, 0, 0, time.UTC)
	for _, u := range noisyUtterances {
		a, _ := json.Marshal(m.Predict(u.text+" завтра за 100 рублей", ref))
		b, _ := json.Marshal(loaded.Predict(u.text+" завтра за 100 рублей", ref))
		if string(a) != string(b) {
			t.Fatalf("%q: prediction changed after reload:\n%s\n%s", u.text, a, b)
		}
	}
	if loaded.Config().Stemmer != StemAuto || len(loaded.Intents()) != 6 || loaded.Info() != m.Info() {
		t.Fatalf("metadata changed: %+v %+v", loaded.Config(), loaded.Info())
	}
	// Saving the loaded model reproduces the file byte for byte.
	again := filepath.Join(t.TempDir(), "again.json")
	if err := loaded.Save(again); err != nil {
		t.Fatal(err)
	}
	x, _ := os.ReadFile(path)
	y, _ := os.ReadFile(again)
	if string(x) != string(y) {
		t.Fatal("re-saved model differs")
	}
}

// rewrite loads the saved call-flow model as generic JSON, applies edit and writes it to a new file.
func rewrite(t *testing.T, edit func(map[string]any)) string {
	t.Helper()
	data, err := callFlowModel(t).MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	edit(v)
	out, _ := json.Marshal(v)
	path := filepath.Join(t.TempDir(), "edited.json")
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLoadVersionMismatch(t *testing.T) {
	for _, version := range []int{FormatVersion + 1, 0} {
		path := rewrite(t, func(v map[string]any) { v["version"] = version })
		_, err := Load(path)
		if !errors.Is(err, ErrFormatVersion) {
			t.Fatalf("version %d: err = %v, want ErrFormatVersion", version, err)
		}
		if !strings.Contains(err.Error(), fmt.Sprintf("version %d", version)) || !strings.Contains(err.Error(), "retrain") {
			t.Fatalf("error %q should name the version and the remedy", err)
		}
	}
}

// A version 1 file (before word pairs and views) still loads and predicts as it did: it is a model whose
// features are words and character n-grams only, which PairWeight -1 reproduces.
func TestLoadVersion1(t *testing.T) {
	ds, err := LoadDataset("testdata/callflow.yaml")
	if err != nil {
		t.Fatal(err)
	}
	m, err := Train(ds, Config{PairWeight: -1, ViewWeight: -1})
	if err != nil {
		t.Fatal(err)
	}
	data, err := m.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	if _, ok := v["pair_features"]; ok {
		t.Fatal("a model without pairs wrote pair_features")
	}
	v["version"] = 1
	cfg := v["config"].(map[string]any)
	delete(cfg, "pair_weight")
	delete(cfg, "view_weight")
	old, _ := json.Marshal(v)
	loaded, err := ReadModel(bytes.NewReader(old))
	if err != nil {
		t.Fatal(err)
	}
	if c := loaded.Config(); c.PairWeight != -1 || c.ViewWeight != -1 {
		t.Fatalf("version 1 config resolved to pair_weight %v, view_weight %v", c.PairWeight, c.ViewWeight)
	}
	for _, u := range noisyUtterances {
		a, b := m.Classify(u.text, 2), loaded.Classify(u.text, 2)
		if a.Intent != b.Intent || a.Confidence != b.Confidence {
			t.Fatalf("%q: %+v before, %+v after loading as version 1", u.text, a, b)
		}
	}
	// Version 1 cannot carry pairs.
	v["pair_features"] = 1
	bad, _ := json.Marshal(v)
	if _, err := ReadModel(bytes.NewReader(bad)); err == nil {
		t.Fatal("version 1 file with pair_features loaded")
	}
}

func TestLoadRejectsBadFiles(t *testing.T) {
	cases := map[string]func(map[string]any){
		"wrong format":      func(v map[string]any) { v["format"] = "something-else" },
		"no version":        func(v map[string]any) { delete(v, "version") },
		"one intent":        func(v map[string]any) { v["intents"] = []string{"a"} },
		"duplicate intents": func(v map[string]any) { v["intents"] = []string{"a", "a", "b", "c", "d", "e"} },
		"short weights":     func(v map[string]any) { v["weights"] = "AAAA" },
		"short scales":      func(v map[string]any) { v["scales"] = "AAAAAA==" },
		"bad base64":        func(v map[string]any) { v["features"] = "%%%" },
		"odd feature bytes": func(v map[string]any) { v["features"] = "AAA=" },
		"idf count":         func(v map[string]any) { v["idf"] = "" },
		"zero temperature":  func(v map[string]any) { v["calibration"].(map[string]any)["temperature"] = 0 },
		"word features":     func(v map[string]any) { v["word_features"] = -1 },
		"pair features":     func(v map[string]any) { v["pair_features"] = -1 },
		"too many features": func(v map[string]any) { v["pair_features"] = v["word_features"].(float64) + 1e6 },
		"pairs switched off": func(v map[string]any) {
			v["config"].(map[string]any)["pair_weight"] = -1
		},
		"unknown field": func(v map[string]any) { v["surprise"] = true },
		"bad stemmer":   func(v map[string]any) { v["config"].(map[string]any)["stemmer"] = "fr" },
		"bad entity type": func(v map[string]any) {
			v["entities"] = map[string]any{"builtin": []string{"colour"}}
		},
	}
	for name, edit := range cases {
		if _, err := Load(rewrite(t, edit)); err == nil {
			t.Errorf("%s: Load succeeded", name)
		}
	}
	dir := t.TempDir()
	for name, content := range map[string]string{"empty": "", "not json": "hello", "array": "[1,2]", "truncated": `{"format":"mrcpd-nlu","version":1,"config":{`} {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(content), 0o644)
		if _, err := Load(p); err == nil {
			t.Errorf("%s: Load succeeded", name)
		}
	}
	if _, err := Load(filepath.Join(dir, "missing.json")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: err = %v", err)
	}
}

func TestSaveLeavesNoTemporaryFiles(t *testing.T) {
	dir := t.TempDir()
	if err := callFlowModel(t).Save(filepath.Join(dir, "m.json")); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("directory holds %d files after Save", len(entries))
	}
	if err := callFlowModel(t).Save(filepath.Join(dir, "no-such-dir", "m.json")); err == nil {
		t.Fatal("Save into a missing directory succeeded")
	}
}

func TestQuantizationKeepsDecisions(t *testing.T) {
	w := []float32{0.5, -1.25, 0.001, 0, 0, 0, 3, 2.9, -3}
	q := quantize(w, 3)
	for r := range 3 {
		got := make([]float64, 3)
		q.addRow(got, r, 1)
		for c := range 3 {
			want := float64(w[r*3+c])
			if d := got[c] - want; d > 0.006*3 || d < -0.006*3 {
				t.Fatalf("row %d col %d: %v, want %v", r, c, got[c], want)
			}
		}
	}
}

func TestSaveLoadKeepsEmptyEntityList(t *testing.T) {
	ds := &Dataset{
		Examples: []Example{{Text: "yes", Intent: "agree"}, {Text: "no", Intent: "refuse"}},
		Entities: EntitySpec{Builtin: []string{}},
	}
	m, err := Train(ds, Config{})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "m.json")
	if err := m.Save(path); err != nil {
		t.Fatal(err)
	}
	loaded, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	ref := time.Date(2025, 3, 12, 10, 0, 0, 0, time.UTC)
	if got := loaded.Predict("yes tomorrow at 5 pm", ref).Entities; len(got) != 0 {
		t.Fatalf("a model trained without entity types extracts %+v after reload", got)
	}
}
