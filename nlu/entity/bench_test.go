package entity

import (
	"testing"
	"time"
)

func BenchmarkExtract(b *testing.B) {
	e, err := NewExtractor(nil, nil)
	if err != nil {
		b.Fatal(err)
	}
	ref := time.Date(2025, 3, 12, 14, 0, 0, 0, time.UTC)
	texts := []string{
		"um i can pay twenty five dollars next friday at 5 pm",
		"да я заплачу полторы тысячи рублей в следующую пятницу в 17 30",
		"who is this",
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		e.Extract(texts[i%len(texts)], ref)
	}
}
