package nlsml

import (
	"testing"

	"github.com/mrcpd/mrcpd/grammar/semantic"
)

func traceResult() *Result {
	return &Result{Interpretations: []Interpretation{{
		Grammar: "session:request1@form-level.store", Confidence: Conf(0.97),
		Instance: semantic.String("one"), Input: Input{Mode: "speech", Confidence: Conf(0.97), Text: "one"},
	}}}
}

func BenchmarkMarshalTrace(b *testing.B) {
	r := traceResult()
	buf := make([]byte, 0, 1024)
	b.ReportAllocs()
	for b.Loop() {
		var err error
		if buf, err = (Encoder{}).Append(buf[:0], r); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseTrace(b *testing.B) {
	doc, _ := Marshal(traceResult())
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(doc); err != nil {
			b.Fatal(err)
		}
	}
}
