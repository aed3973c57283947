package nlu

import (
	"math"
	"math/rand/v2"
	"slices"
)

// calibration is what cross-validation on the training data decides: how much of the centroid scorer to
// blend in, and the softmax temperature that turns blended scores into honest probabilities.
type calibration struct {
	centroidWeight float64
	temperature    float64
	// cvAccuracy and cvLogLoss describe the chosen setting on held-out folds.
	cvAccuracy float64
	cvLogLoss  float64
}

// foldsOf assigns every example to one of k folds, stratified by label: each intent's examples are shuffled
// with the seed and dealt round-robin, so every fold sees every intent that has at least k examples.
func foldsOf(exs []hashedExample, classes, k int, seed uint64) []int {
	byClass := make([][]int, classes)
	for i, e := range exs {
		byClass[e.label] = append(byClass[e.label], i)
	}
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	fold := make([]int, len(exs))
	offset := 0
	for _, idx := range byClass {
		rng.Shuffle(len(idx), func(a, b int) { idx[a], idx[b] = idx[b], idx[a] })
		for j, i := range idx {
			// Rotating the start keeps fold sizes even when intents have fewer than k examples.
			fold[i] = (offset + j) % k
		}
		offset += len(idx)
	}
	return fold
}

// calibrate runs k-fold cross-validation and picks the centroid weight with the lowest held-out log-loss,
// then the temperature that minimises it.
func calibrate(exs []hashedExample, classes int, cfg Config, an *analyzer) calibration {
	minCount := len(exs)
	counts := make([]int, classes)
	for _, e := range exs {
		counts[e.label]++
	}
	for _, n := range counts {
		minCount = min(minCount, n)
	}
	k := min(cfg.Folds, max(minCount, 2))
	if len(exs) >= largeDataset {
		// Thousands of held-out predictions calibrate as well from three folds as from five, at half the
		// training cost.
		k = min(k, 3)
	}
	fold := foldsOf(exs, classes, k, cfg.Seed)
	svm := make([][]float64, len(exs))
	cent := make([][]float64, len(exs))
	labels := make([]int, len(exs))
	for f := range k {
		var train []hashedExample
		var held []int
		for i, e := range exs {
			if fold[i] == f {
				held = append(held, i)
			} else {
				train = append(train, e)
			}
		}
		if len(held) == 0 || len(train) == 0 {
			continue
		}
		model, fz := fit(train, classes, cfg, an)
		var sc scratch
		for _, i := range held {
			x := fz.vector(&exs[i].hs, &sc)
			svm[i] = make([]float64, classes)
			cent[i] = make([]float64, classes)
			model.scores(x, svm[i], cent[i])
			labels[i] = exs[i].label
		}
	}
	grid := []float64{cfg.CentroidWeight}
	switch {
	case cfg.CentroidWeight < 0:
		grid = []float64{0}
	case cfg.CentroidWeight == 0:
		grid = centroidGrid()
	}
	best := calibration{cvLogLoss: math.Inf(1)}
	blended := make([][]float64, 0, len(exs))
	for _, beta := range grid {
		blended = blended[:0]
		var ys []int
		for i := range exs {
			if svm[i] == nil {
				continue
			}
			s := make([]float64, classes)
			for c := range s {
				s[c] = svm[i][c] + beta*cent[i][c]
			}
			blended = append(blended, s)
			ys = append(ys, labels[i])
		}
		t, loss := fitTemperature(blended, ys)
		if loss < best.cvLogLoss {
			best = calibration{centroidWeight: beta, temperature: t, cvLogLoss: loss, cvAccuracy: accuracyOf(blended, ys)}
		}
	}
	if math.IsInf(best.cvLogLoss, 1) {
		best = calibration{centroidWeight: max(cfg.CentroidWeight, 0), temperature: 1}
	}
	return best
}

// largeDataset is the example count from which calibration uses at most three folds.
const largeDataset = 2000

func centroidGrid() []float64 { return []float64{0, 0.5, 1, 2, 4, 8} }

func accuracyOf(scores [][]float64, ys []int) float64 {
	if len(ys) == 0 {
		return 0
	}
	right := 0
	for i, s := range scores {
		if argmax(s) == ys[i] {
			right++
		}
	}
	return float64(right) / float64(len(ys))
}

func argmax(s []float64) int {
	best := 0
	for i, v := range s {
		if v > s[best] {
			best = i
		}
	}
	return best
}

// logLoss is the mean negative log-likelihood of ys under softmax(scores/t); maxes holds each row's
// largest score.
func logLoss(scores [][]float64, maxes []float64, ys []int, t float64) float64 {
	var sum float64
	for i, s := range scores {
		m := maxes[i] / t
		var z float64
		for _, v := range s {
			z += math.Exp(v/t - m)
		}
		sum += m + math.Log(z) - s[ys[i]]/t
	}
	return sum / float64(len(scores))
}

// fitTemperature minimises the log-loss over the temperature by golden-section search on its logarithm
// (temperature scaling, Guo et al. 2017).
func fitTemperature(scores [][]float64, ys []int) (float64, float64) {
	if len(scores) == 0 {
		return 1, math.Inf(1)
	}
	maxes := make([]float64, len(scores))
	for i, s := range scores {
		maxes[i] = slices.Max(s)
	}
	lo, hi := math.Log(1e-3), math.Log(1e3)
	phi := (math.Sqrt(5) - 1) / 2
	a := hi - phi*(hi-lo)
	b := lo + phi*(hi-lo)
	fa, fb := logLoss(scores, maxes, ys, math.Exp(a)), logLoss(scores, maxes, ys, math.Exp(b))
	// 30 steps narrow the bracket to 1e-6 of its width: far below what changes a probability.
	for range 30 {
		if fa < fb {
			hi, b, fb = b, a, fa
			a = hi - phi*(hi-lo)
			fa = logLoss(scores, maxes, ys, math.Exp(a))
		} else {
			lo, a, fa = a, b, fb
			b = lo + phi*(hi-lo)
			fb = logLoss(scores, maxes, ys, math.Exp(b))
		}
	}
	t := math.Exp((lo + hi) / 2)
	return t, logLoss(scores, maxes, ys, t)
}
