package websocket

import (
	"math"
	"testing"
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
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
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
