package nlu

import (
	"math"
	"math/rand/v2"
)

type tweaks struct {
	augment    int
	augmentMax int
	augWeight  float64
	augSwap    bool
	nb         bool
	nbAlpha    float64
	nbPow      float64
	views      float64
	balance    bool
	nameWeight float64
	pairShare  float64
	posWeight  float64
}

func augment(exs []hashedExample, classes int, cfg Config) []hashedExample {
	counts := make([]int, classes)
	for _, e := range exs {
		counts[e.label]++
	}
	spec := cfg.featureSpec()
	rng := rand.New(rand.NewPCG(cfg.Seed, 0xa06))
	out := exs
	var pad []byte
	var offs []int
	for _, e := range exs {
		if e.name || len(e.toks) < 3 || (cfg.tw.augmentMax > 0 && counts[e.label] > cfg.tw.augmentMax) {
			continue
		}
		perm := rng.Perm(len(e.toks))
		for c := 0; c < cfg.tw.augment && c < len(perm); c++ {
			var toks []token
			if cfg.tw.augSwap && c%2 == 1 {
				toks = append([]token(nil), e.toks...)
				i := perm[c] % (len(toks) - 1)
				toks[i], toks[i+1] = toks[i+1], toks[i]
			} else {
				toks = append(append([]token(nil), e.toks[:perm[c]]...), e.toks[perm[c]+1:]...)
			}
			n := hashedExample{label: e.label}
			pad, offs = spec.hashes(&n.hs, toks, pad, offs)
			out = append(out, n)
		}
	}
	return out
}

// nbScale returns per-class log-count ratios (Wang & Manning 2012) over binarised features.
func nbScale(xs []sparseVec, labels []int, dim int, alpha, pow float64) func(k int) []float64 {
	total := make([]float64, dim)
	classes := 0
	for _, l := range labels {
		classes = max(classes, l+1)
	}
	per := make([]map[int32]float64, classes)
	for k := range per {
		per[k] = map[int32]float64{}
	}
	for i, x := range xs {
		for _, c := range x.idx {
			total[c]++
			per[labels[i]][c]++
		}
	}
	var sumTotal float64
	for _, v := range total {
		sumTotal += v
	}
	return func(k int) []float64 {
		var sp float64
		for _, v := range per[k] {
			sp += v
		}
		sp += alpha * float64(dim)
		sq := sumTotal + alpha*float64(dim) - sp + alpha*float64(dim)
		r := make([]float64, dim)
		for j := range r {
			p := per[k][int32(j)] + alpha
			q := total[j] - per[k][int32(j)] + alpha
			v := math.Log((p / sp) / (q / sq))
			r[j] = math.Pow(math.Abs(v), pow)
		}
		return r
	}
}
