package recog

import (
	"testing"

	"github.com/mrcpd/mrcpd/mrcp"
)

// BenchmarkRecognitionCycle measures one RECOGNIZE by session reference, a
// START-OF-INPUT and a RECOGNITION-COMPLETE: the per-utterance work of the
// machine in a call.
func BenchmarkRecognitionCycle(b *testing.B) {
	m, err := New(Config{})
	if err != nil {
		b.Fatal(err)
	}
	define := wireMessage(b, "MRCP/2.0 LEN DEFINE-GRAMMAR 1\nChannel-Identifier: "+chanID+"\nContent-Type: application/srgs+xml\nContent-Id: request1@form-level", digitGrammar)
	m.Request(define)
	m.Input(GrammarsLoaded{RequestID: 1})
	recognize := wireMessage(b, `MRCP/2.0 LEN RECOGNIZE 2
Channel-Identifier: `+chanID+`
Content-Type: text/uri-list
Cancel-If-Queue: false
No-Input-Timeout: 5000
Recognition-Timeout: 10000
Start-Input-Timers: true
Confidence-Threshold: 0.5`, "session:request1@form-level")
	result := []byte(nlsmlOne)
	id := uint32(2)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		recognize.RequestID = id
		if len(m.Request(recognize)) != 2 {
			b.Fatal("RECOGNIZE not started")
		}
		m.Input(StartOfInput{RequestID: id})
		if len(m.Input(RecognitionComplete{RequestID: id, Cause: mrcp.CauseSuccess, Body: result})) != 1 {
			b.Fatal("no RECOGNITION-COMPLETE")
		}
		id++
	}
}

// BenchmarkGetResultFilter measures GET-RESULT re-filtering a three-way
// n-best NLSML result.
func BenchmarkGetResultFilter(b *testing.B) {
	f := resultFilter{threshold: 0.5, hasThreshold: true, nBest: 2}
	body := []byte(nlsmlThree)
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for range b.N {
		if _, err := f.apply(body); err != nil {
			b.Fatal(err)
		}
	}
}
