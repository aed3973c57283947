package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mrcpd/mrcpd/nlu"
)

// runNLU runs "mrcpd nlu args..." in-process and returns what it printed.
func runNLU(t *testing.T, args ...string) (string, error) {
	t.Helper()
	cmd := newNLUCommand()
	var out, errOut bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	cmd.SetArgs(args)
	cmd.SilenceUsage = true
	cmd.SilenceErrors = true
	err := cmd.Execute()
	return out.String(), err
}

const trainCSV = `text,category
I already paid,already_paid
I paid it yesterday,already_paid
the bill has been paid,already_paid
я уже оплатил,already_paid
я вчера заплатил,already_paid
оплата уже прошла,already_paid
call me back later,call_back_later
I'm busy right now,call_back_later
can you call again in an hour,call_back_later
перезвоните позже,call_back_later
я сейчас занят,call_back_later
сейчас неудобно говорить,call_back_later
who is this,who_is_calling
who are you,who_is_calling
what company are you from,who_is_calling
кто это,who_is_calling
кто звонит,who_is_calling
откуда вы звоните,who_is_calling
`

const testCSV = `intent,text
already_paid,um i already payed it
already_paid,ну я уже оплатила
call_back_later,call me later please
call_back_later,э перезвоните попозже
who_is_calling,who is calling
who_is_calling,а кто мне звонит
`

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestNLUTrainEvalPredict(t *testing.T) {
	dir := t.TempDir()
	train := writeFile(t, dir, "train.csv", trainCSV)
	test := writeFile(t, dir, "test.csv", testCSV)
	model := filepath.Join(dir, "model.json")

	out, err := runNLU(t, "train", "--data", train, "--out", model)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "trained 3 intents on 18 examples") || !strings.Contains(out, model) {
		t.Fatalf("train printed %q", out)
	}
	if _, err := nlu.Load(model); err != nil {
		t.Fatalf("written model does not load: %v", err)
	}

	out, err = runNLU(t, "eval", "--model", model, "--data", test)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"accuracy   100.00%", "macro-F1   100.00%", "latency    p50", "already_paid", "who_is_calling"} {
		if !strings.Contains(out, want) {
			t.Errorf("eval output lacks %q:\n%s", want, out)
		}
	}
	out, err = runNLU(t, "eval", "--model", model, "--data", test, "--json")
	if err != nil {
		t.Fatal(err)
	}
	var rep nlu.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("eval --json: %v\n%s", err, out)
	}
	if rep.Examples != 6 || rep.Accuracy != 1 || len(rep.PerIntent) != 3 || rep.Latency.P50 <= 0 {
		t.Fatalf("report %+v", rep)
	}

	out, err = runNLU(t, "predict", "--model", model, "--now", "2025-03-12T10:00:00+03:00", "я уже оплатил вчера", "hmm")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 {
		t.Fatalf("want one JSON line per text, got %q", out)
	}
	var p nlu.Prediction
	if err := json.Unmarshal([]byte(lines[0]), &p); err != nil {
		t.Fatal(err)
	}
	if p.Intent != "already_paid" || p.OutOfScope || len(p.Entities) != 1 || p.Entities[0].Value != "2025-03-11" {
		t.Fatalf("prediction %s", lines[0])
	}
	if err := json.Unmarshal([]byte(lines[1]), &p); err != nil || !p.OutOfScope || p.Intent != "" {
		t.Fatalf("prediction for noise %s (%v)", lines[1], err)
	}
}

func TestNLUFewShot(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "train.csv", trainCSV)
	writeFile(t, dir, "test.csv", testCSV)
	out, err := runNLU(t, "fewshot", "--data-dir", dir, "--shots", "3,all", "--draws", "2", "--seed", "4", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var res []nlu.FewShotResult
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if len(res) != 2 || res[0].Shots != 3 || res[0].Draws != 2 || len(res[0].Accuracies) != 2 || res[1].Shots != 0 || res[1].Draws != 1 {
		t.Fatalf("results %+v", res)
	}
	if res[1].Accuracy != 1 || res[1].ModelBytes == 0 {
		t.Fatalf("full-data result %+v", res[1])
	}
	out, err = runNLU(t, "fewshot", "--data-dir", dir, "--shots", "all")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "shots") || !strings.Contains(out, "100.00%") {
		t.Fatalf("table output %q", out)
	}
}

func TestNLUErrors(t *testing.T) {
	dir := t.TempDir()
	train := writeFile(t, dir, "train.csv", trainCSV)
	bad := writeFile(t, dir, "bad.json", `{"format":"mrcpd-nlu","version":99}`)
	for _, args := range [][]string{
		{"train"},
		{"train", "--data", filepath.Join(dir, "none.csv")},
		{"train", "--data", train, "--stemmer", "fr", "--out", filepath.Join(dir, "m.json")},
		{"eval", "--model", bad, "--data", train},
		{"predict", "--model", bad, "text"},
		{"predict", "--model", bad},
		{"fewshot", "--data-dir", dir, "--shots", "0"},
		{"fewshot", "--data-dir", dir, "--shots", "five"},
		{"fewshot", "--data-dir", filepath.Join(dir, "missing")},
	} {
		if _, err := runNLU(t, args...); err == nil {
			t.Errorf("%v: no error", args)
		}
	}
	model := filepath.Join(dir, "m.json")
	if _, err := runNLU(t, "train", "--data", train, "--out", model); err != nil {
		t.Fatal(err)
	}
	if _, err := runNLU(t, "predict", "--model", model, "--now", "yesterday", "text"); err == nil {
		t.Error("bad --now accepted")
	}
	_, err := runNLU(t, "eval", "--model", bad, "--data", train)
	if err == nil || !strings.Contains(err.Error(), "version") {
		t.Errorf("version mismatch error %v should say so", err)
	}
}
