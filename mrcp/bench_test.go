package mrcp

import (
	"errors"
	"testing"
)

func BenchmarkParseRecognize(b *testing.B) {
	wire := typicalRecognize().Marshal()
	b.ReportAllocs()
	b.SetBytes(int64(len(wire)))
	for b.Loop() {
		if _, err := Parse(wire); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAppendRecognize(b *testing.B) {
	m := typicalRecognize()
	buf := make([]byte, 0, 1024)
	b.ReportAllocs()
	b.SetBytes(int64(len(m.Marshal())))
	for b.Loop() {
		buf = m.AppendTo(buf[:0])
	}
}

func BenchmarkParserStream(b *testing.B) {
	// Ten pipelined messages per Write, as a busy connection delivers them.
	one := typicalRecognize().Marshal()
	var batch []byte
	for range 10 {
		batch = append(batch, one...)
	}
	p := NewParser(0)
	b.ReportAllocs()
	b.SetBytes(int64(len(batch)))
	for b.Loop() {
		p.Write(batch)
		for n := 0; ; n++ {
			_, err := p.Next()
			if errors.Is(err, ErrNeedMore) {
				if n != 10 {
					b.Fatalf("%d messages", n)
				}
				break
			}
			if err != nil {
				b.Fatal(err)
			}
		}
	}
}

func BenchmarkValidateRecognize(b *testing.B) {
	m := typicalRecognize()
	b.ReportAllocs()
	for b.Loop() {
		if err := ValidateRequest(ResourceSpeechRecog, m); err != nil {
			b.Fatal(err)
		}
	}
}
