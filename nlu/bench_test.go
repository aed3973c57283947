package nlu

import (
	"testing"
	"time"
)

func BenchmarkPredict(b *testing.B) {
	m := callFlowModel(b)
	ref := time.Date(2025, 3, 12, 10, 0, 0, 0, time.UTC)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		m.Predict(noisyUtterances[i%len(noisyUtterances)].text, ref)
	}
}

// BenchmarkPredictBanking77 measures a 77-intent model trained on the whole BANKING77 training split.
func BenchmarkPredictBanking77(b *testing.B) {
	train, test := loadBanking77(b)
	m, err := Train(train, Config{})
	if err != nil {
		b.Fatal(err)
	}
	ref := time.Date(2025, 3, 12, 10, 0, 0, 0, time.UTC)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		m.Predict(test.Examples[i%len(test.Examples)].Text, ref)
	}
}

func BenchmarkTrainBanking77TenShot(b *testing.B) {
	train, _ := loadBanking77(b)
	exs := SampleShots(train.Examples, 10, 1)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Train(&Dataset{Examples: exs}, Config{}); err != nil {
			b.Fatal(err)
		}
	}
}
