package nlu

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"
)

// FewShotOptions configures a few-shot evaluation.
type FewShotOptions struct {
	// Shots lists the examples per intent to train on; 0 means every training example.
	Shots []int
	// Draws is the number of random samples averaged for each positive shot count.
	Draws int
	// Seed fixes the samples.
	Seed uint64
	// Config is the model configuration under test.
	Config Config
}

// FewShotResult summarises one shot count.
type FewShotResult struct {
	Shots int `json:"shots"` // 0 = all
	Draws int `json:"draws"`
	// Accuracy and MacroF1 are means over the draws; Accuracies lists each draw.
	Accuracy   float64   `json:"accuracy"`
	MacroF1    float64   `json:"macro_f1"`
	Accuracies []float64 `json:"accuracies"`
	// TrainTime is the mean wall time of one training run.
	TrainTime time.Duration `json:"train_time"`
	// Latency is measured on the last draw.
	Latency Latency `json:"latency"`
	// ModelBytes is the size of the last draw's saved model.
	ModelBytes int `json:"model_bytes"`
}

// SampleShots returns n examples per intent drawn with the seed, in a stable order. Intents with fewer
// examples keep all of them.
func SampleShots(examples []Example, n int, seed uint64) []Example {
	byIntent := make(map[string][]Example)
	var intents []string
	for _, e := range examples {
		if _, ok := byIntent[e.Intent]; !ok {
			intents = append(intents, e.Intent)
		}
		byIntent[e.Intent] = append(byIntent[e.Intent], e)
	}
	slices.Sort(intents)
	rng := rand.New(rand.NewPCG(seed, 0xf3e5))
	var out []Example
	for _, in := range intents {
		exs := slices.Clone(byIntent[in])
		rng.Shuffle(len(exs), func(a, b int) { exs[a], exs[b] = exs[b], exs[a] })
		out = append(out, exs[:min(n, len(exs))]...)
	}
	return out
}

// FewShot trains on n examples per intent for each shot count and evaluates on test. progress, when not
// nil, is called after each training run.
func FewShot(train, test *Dataset, opts FewShotOptions, progress func(shots, draw int, acc float64)) ([]FewShotResult, error) {
	draws := max(opts.Draws, 1)
	var results []FewShotResult
	for _, shots := range opts.Shots {
		res := FewShotResult{Shots: shots}
		n := draws
		if shots <= 0 {
			n = 1 // the full training set has only one "draw"
		}
		for d := range n {
			exs := train.Examples
			if shots > 0 {
				exs = SampleShots(train.Examples, shots, opts.Seed+uint64(d)*7919)
			}
			start := time.Now()
			m, err := Train(&Dataset{Examples: exs, Entities: train.Entities}, opts.Config)
			if err != nil {
				return nil, fmt.Errorf("nlu: %d-shot draw %d: %w", shots, d, err)
			}
			res.TrainTime += time.Since(start)
			rep := Evaluate(m, test.Examples, 0)
			res.Accuracies = append(res.Accuracies, rep.Accuracy)
			res.Accuracy += rep.Accuracy / float64(n)
			res.MacroF1 += rep.MacroF1 / float64(n)
			res.Latency = rep.Latency
			if progress != nil {
				progress(shots, d, rep.Accuracy)
			}
			if d == n-1 {
				b, err := m.MarshalJSON()
				if err != nil {
					return nil, err
				}
				res.ModelBytes = len(b)
			}
		}
		res.Draws = n
		res.TrainTime /= time.Duration(n)
		results = append(results, res)
	}
	return results, nil
}
