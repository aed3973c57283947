package websocket

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/mrcpd/mrcpd/asr"
)

func TestParseControl(t *testing.T) {
	for _, tc := range []struct {
		in     string
		config bool
		eof    bool
		bad    bool
	}{
		{in: EOFMessage, eof: true},
		{in: `{"eof":1}`, eof: true},
		{in: `{"config": {"sample_rate": 8000, "words": true}}`, config: true},
		{in: `{"config": {"sample_rate": 16000.0, "phrase_list": ["yes", "no"], "grammar_jsgf": "#JSGF V1.0;"}}`, config: true},
		{in: `{"config": {"sample_rate": -1}}`, bad: true},
		{in: `{"config": {"max_alternatives": 1000}}`, bad: true},
		{in: `{"config": {}, "eof": 1}`, bad: true},
		{in: `{"hello": 1}`, bad: true},
		{in: `not json`, bad: true},
		{in: ``, bad: true},
	} {
		c, err := ParseControl([]byte(tc.in))
		if tc.bad {
			if err == nil {
				t.Errorf("%q accepted: %+v", tc.in, c)
			}
			continue
		}
		if err != nil || (c.Config != nil) != tc.config || c.EOF != tc.eof {
			t.Errorf("%q: %+v, %v", tc.in, c, err)
		}
	}
}

func TestParseResponseKinds(t *testing.T) {
	for _, tc := range []struct {
		in   string
		kind ResponseKind
	}{
		{`{"partial" : ""}`, KindPartial},
		{`{"partial" : "one two"}`, KindPartial},
		{`{"text" : ""}`, KindResult},
		{`{"result": [{"conf": 1.0, "end": 1.11, "start": 0.87, "word": "what"}], "text": "what"}`, KindResult},
		{`{"alternatives" : [{"text": "", "confidence" : 1.0}] }`, KindResult},
		{`{"error": "no", "error_code": "grammar"}`, KindError},
	} {
		_, k, err := ParseResponse([]byte(tc.in))
		if err != nil || k != tc.kind {
			t.Errorf("%s: kind %v err %v, want %v", tc.in, k, err, tc.kind)
		}
	}
	for _, bad := range []string{
		`{}`, `[]`, `"text"`, `{"text": 1}`,
		`{"text": "a", "result": [{"word": "a", "start": 2, "end": 1}]}`,
		`{"text": "a", "result": [{"word": "a", "start": -1, "end": 1}]}`,
	} {
		if _, _, err := ParseResponse([]byte(bad)); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}

func TestVoskAlternativesBecomeProbabilities(t *testing.T) {
	r, _, err := ParseResponse([]byte(`{"alternatives": [
		{"text": "one two three", "confidence": 286.8, "result": [{"word": "one", "start": 0.1, "end": 0.4}]},
		{"text": "one to three", "confidence": 285.1},
		{"text": "won two three", "confidence": 280.0}]}`))
	if err != nil {
		t.Fatal(err)
	}
	alts := r.ToAlternatives()
	if len(alts) != 3 || alts[0].Text != "one two three" {
		t.Fatalf("%+v", alts)
	}
	sum := 0.0
	for i, a := range alts {
		sum += a.Confidence
		if a.Confidence <= 0 || a.Confidence >= 1 || (i > 0 && a.Confidence > alts[i-1].Confidence) {
			t.Errorf("alternative %d confidence %v", i, a.Confidence)
		}
	}
	if math.Abs(sum-1) > 1e-9 {
		t.Errorf("softmax sums to %v", sum)
	}
	want := 1 / (1 + math.Exp(-1.7) + math.Exp(-6.8))
	if math.Abs(alts[0].Confidence-want) > 1e-9 {
		t.Errorf("best confidence %v, want %v", alts[0].Confidence, want)
	}
	if len(alts[0].Words) != 1 || alts[0].Words[0].Confidence != 1 {
		t.Errorf("words without conf: %+v", alts[0].Words)
	}

	// The engine's 0..1 confidences pass through untouched.
	r, _, _ = ParseResponse([]byte(`{"alternatives": [{"text": "yes", "confidence": 0.8}, {"text": "no", "confidence": 0.3}]}`))
	if alts := r.ToAlternatives(); alts[0].Confidence != 0.8 || alts[1].Confidence != 0.3 {
		t.Errorf("%+v", alts)
	}
}

func TestSingleResultConfidenceIsWordMean(t *testing.T) {
	r, _, err := ParseResponse([]byte(`{"result": [{"conf": 1.0, "end": 1.1, "start": 0.8, "word": "what"}, {"conf": 0.5, "end": 1.5, "start": 1.1, "word": "zero"}], "text": "what zero"}`))
	if err != nil {
		t.Fatal(err)
	}
	a := r.ToAlternatives()
	if len(a) != 1 || a[0].Text != "what zero" || a[0].Confidence != 0.75 || len(a[0].Words) != 2 {
		t.Fatalf("%+v", a)
	}
}

func FuzzParseResponse(f *testing.F) {
	for _, s := range []string{
		`{"partial" : "one"}`,
		`{"text" : ""}`,
		`{"result": [{"conf": 1.0, "end": 1.11, "start": 0.87, "word": "what"}], "text": "what"}`,
		`{"alternatives" : [{"text": "", "confidence" : 1.0}] }`,
		`{"alternatives": [{"text": "a", "confidence": 200.5, "result": [{"word": "a", "start": 0, "end": 0.3}]}]}`,
		`{"error": "x", "error_code": "grammar"}`,
		"{\n  \"partial\" : \"one two\"\n}",
		`{"partial" : "caf\u00e9 \"x\""}`,
		`{"partial" : "café"}`,
		"{\"partial\":\"\xff\"}",
		`{"partial" : "one", "text": "two"}`,
		`{"partial" : "one"} {}`,
		`{"PARTIAL" : "one"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		// The partial fast path accepts only what the decoder reads as
		// exactly that partial.
		if text, ok := partialText(data); ok {
			var want Response
			if err := json.Unmarshal(data, &want); err != nil || want.Partial == nil || *want.Partial != string(text) ||
				want.Text != nil || want.Result != nil || want.Alternatives != nil || want.Error != "" || want.ErrorCode != "" {
				t.Fatalf("fast path read %q from %q; the decoder: %+v, %v", text, data, want, err)
			}
		}
		r, kind, err := ParseResponse(data)
		if err != nil {
			return
		}
		if kind == KindResult {
			for _, a := range r.ToAlternatives() {
				if math.IsNaN(a.Confidence) || a.Confidence < 0 || a.Confidence > 1 {
					t.Fatalf("confidence %v from %q", a.Confidence, data)
				}
				for _, w := range a.Words {
					if w.End < w.Start || w.Start < 0 {
						t.Fatalf("word times %v..%v from %q", w.Start, w.End, data)
					}
				}
			}
		}
	})
}

func FuzzParseControl(f *testing.F) {
	for _, s := range []string{
		EOFMessage,
		`{"config": {"sample_rate": 8000, "words": true, "max_alternatives": 3}}`,
		`{"config": {"phrase_list": ["yes", "no", "[unk]"], "grammar_jsgf": "#JSGF V1.0; grammar g; public <r> = yes;"}}`,
		`{"config": {"partial_results": false}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseControl(data)
		if err != nil {
			return
		}
		if (c.Config == nil) == !c.EOF {
			t.Fatalf("control %+v is neither or both", c)
		}
		if c.Config != nil && (c.Config.SampleRate < 0 || c.Config.MaxAlternatives < 0) {
			t.Fatalf("accepted %+v", c.Config)
		}
	})
}

func FuzzParseReuse(f *testing.F) {
	for _, s := range []string{"", "1", "0", " 1 ", "1; idle=30", "1;idle=5; x=y", "1; idle=-3", "1; idle=",
		"1; idle=999999999999999999999", "1;;;", "; idle=30", "1; idle=30; idle=4"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		agreed, idle := ParseReuse(v)
		if idle < 0 || idle > (1<<20)*time.Second || (!agreed && idle != 0) {
			t.Fatalf("ParseReuse(%q) = %v, %v", v, agreed, idle)
		}
		if agreed {
			// What a server states round-trips.
			if a, d := ParseReuse(ReuseAnswer(idle)); !a || d != idle.Truncate(time.Second) {
				t.Fatalf("ReuseAnswer(%v) reads back as %v, %v", idle, a, d)
			}
		}
	})
}

// BenchmarkParseResponse parses the two answers a stream reads most: a
// partial (one per audio message) and a result with words.
func BenchmarkParseResponse(b *testing.B) {
	for _, tc := range []struct{ name, msg string }{
		{"partial", `{"partial" : "one two three"}`},
		{"result", `{"result" : [{"conf" : 0.9, "end" : 0.5, "start" : 0.1, "word" : "one"}, {"conf" : 0.8, "end" : 0.9, "start" : 0.5, "word" : "two"}], "text" : "one two"}`},
	} {
		b.Run(tc.name, func(b *testing.B) {
			data := []byte(tc.msg)
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := ParseResponse(data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func TestPartialTextFastPath(t *testing.T) {
	for _, tc := range []struct {
		in   string
		text string
		ok   bool
	}{
		{`{"partial" : "one two"}`, "one two", true},
		{"{\n  \"partial\" : \"\"\n}", "", true},
		{" {\"partial\":\"café\"}\r\n", "café", true},
		// Left to the decoder: escapes, other keys, other spellings,
		// invalid UTF-8 or JSON, trailing data.
		{`{"partial" : "say \"yes\""}`, "", false},
		{`{"partial" : "one", "text" : "one"}`, "", false},
		{`{"Partial" : "one"}`, "", false},
		{"{\"partial\" : \"\xff\"}", "", false},
		{"{\"partial\" : \"a\tb\"}", "", false},
		{`{"partial" : "one"`, "", false},
		{`{"partial" : "one"} x`, "", false},
		{`{"partial" : 1}`, "", false},
		{`{"text" : "one"}`, "", false},
		{``, "", false},
	} {
		text, ok := partialText([]byte(tc.in))
		if ok != tc.ok || string(text) != tc.text {
			t.Errorf("%q: %q %v, want %q %v", tc.in, text, ok, tc.text, tc.ok)
		}
		// Whatever the path, ParseResponse reads a partial the same.
		if r, kind, err := ParseResponse([]byte(tc.in)); tc.ok && (err != nil || kind != KindPartial || *r.Partial != tc.text) {
			t.Errorf("%q: ParseResponse %+v %v %v", tc.in, r, kind, err)
		}
	}
}

func TestServerErrorMatchesErrGrammar(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{&ServerError{Code: CodeGrammar, Message: "unknown word"}, true},
		{fmt.Errorf("recognition: %w", &ServerError{Code: CodeGrammar}), true},
		{&ServerError{Code: CodeInternal, Message: "grammar"}, false},
		{&ServerError{Code: CodeBadRequest}, false},
		{&ServerError{Message: "no code"}, false},
		{errors.New("websocket: engine error (grammar): x"), false},
	} {
		if got := errors.Is(tc.err, asr.ErrGrammar); got != tc.want {
			t.Errorf("errors.Is(%v, asr.ErrGrammar) = %v", tc.err, got)
		}
	}
	if errors.Is(&ServerError{Code: CodeGrammar}, errors.New("other")) {
		t.Error("a grammar error matches an unrelated error")
	}
}
