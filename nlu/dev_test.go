package nlu

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// banking77DevSplit cuts a development split out of BANKING77's training data, never its test split, so
// that model changes can be chosen without looking at the test: with shots > 0, shots training examples
// and up to 25 development examples per intent, disjoint; with shots == 0, a fifth of each intent is held
// out and the rest trains. draw selects the random cut.
func banking77DevSplit(all []Example, shots, draw int) (train, dev []Example) {
	byIntent := make(map[string][]Example)
	var intents []string
	for _, e := range all {
		if _, ok := byIntent[e.Intent]; !ok {
			intents = append(intents, e.Intent)
		}
		byIntent[e.Intent] = append(byIntent[e.Intent], e)
	}
	slices.Sort(intents)
	rng := rand.New(rand.NewPCG(9000+uint64(draw), 42))
	for _, in := range intents {
		exs := slices.Clone(byIntent[in])
		rng.Shuffle(len(exs), func(a, b int) { exs[a], exs[b] = exs[b], exs[a] })
		if shots > 0 {
			train = append(train, exs[:min(shots, len(exs))]...)
			dev = append(dev, exs[min(shots, len(exs)):min(len(exs), shots+25)]...)
			continue
		}
		k := len(exs) / 5
		dev = append(dev, exs[:k]...)
		train = append(train, exs[k:]...)
	}
	return train, dev
}

func TestBanking77DevSplit(t *testing.T) {
	all, _ := loadBanking77(t)
	for _, shots := range []int{10, 0} {
		train, dev := banking77DevSplit(all.Examples, shots, 1)
		seen := make(map[Example]int)
		for _, e := range all.Examples {
			seen[e]++
		}
		for _, e := range append(slices.Clone(train), dev...) {
			if seen[e] == 0 {
				t.Fatalf("%d shots: %+v used more often than it occurs in the training data", shots, e)
			}
			seen[e]--
		}
		if shots > 0 && (len(train) != 770 || len(dev) != 77*25) {
			t.Fatalf("10 shots: %d train, %d dev, want 770 and 1925", len(train), len(dev))
		}
		if shots == 0 && (len(train)+len(dev) != len(all.Examples) || len(dev) < 1900 || len(dev) > 2001) {
			t.Fatalf("all: %d train, %d dev", len(train), len(dev))
		}
	}
}

// BenchmarkBanking77Dev reports accuracy on development splits of the training data (metric dev-%): the
// figure to compare model changes by. Three draws at 10 examples per intent, one on the full data:
//
//	go test ./nlu -run '^$' -bench Banking77Dev -benchtime 1x
func BenchmarkBanking77Dev(b *testing.B) {
	all, _ := loadBanking77(b)
	for _, c := range []struct {
		name         string
		shots, draws int
	}{{"10-shot", 10, 3}, {"all", 0, 1}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			var acc float64
			for b.Loop() {
				acc = 0
				for d := range c.draws {
					train, dev := banking77DevSplit(all.Examples, c.shots, d)
					m, err := Train(&Dataset{Examples: train}, Config{})
					if err != nil {
						b.Fatal(err)
					}
					acc += Evaluate(m, dev, 0).Accuracy / float64(c.draws)
				}
			}
			b.ReportMetric(100*acc, "dev-%")
		})
	}
}
