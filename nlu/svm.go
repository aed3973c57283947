package nlu

import (
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
)

// svmParams configures one-vs-rest training of L2-regularised squared-hinge linear SVMs.
type svmParams struct {
	c         float64 // inverse regularisation strength
	eps       float64 // stopping tolerance on the projected-gradient spread
	maxIter   int
	seed      uint64
	workers   int
	posWeight float64
	iters     *atomic.Int64
	// weights, when not nil, scales c per example.
	weights []float64
	// scale, when not nil, returns class k's per-feature scaling (len dim): the binary problem for k sees
	// x∘scale(k) and the returned weights are already multiplied by it.
	scale func(k int) []float64
}

// trainOneVsRest returns a feature-major weight matrix of (dim+1) rows by classes columns; row dim holds the
// bias. Each class is trained independently (in parallel), each with its own seeded permutation stream, so
// the result does not depend on scheduling.
func trainOneVsRest(xs []sparseVec, labels []int, dim, classes int, p svmParams) []float32 {
	out := make([]float32, (dim+1)*classes)
	workers := p.workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(workers, classes) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := make([]float64, dim+1)
			sqNorms := make([]float64, len(xs))
			for i, x := range xs {
				sqNorms[i] = x.squaredNorm() + 1 // the constant bias feature
			}
			for k := range next {
				var scale []float64
				if p.scale != nil {
					scale = p.scale(k)
				}
				for i, x := range xs {
					if scale == nil {
						break
					}
					sqNorms[i] = 1 // the constant bias feature
					for j, c := range x.idx {
						v := float64(x.val[j])
						if scale != nil {
							v *= scale[c]
						}
						sqNorms[i] += v * v
					}
				}
				clear(w)
				trainBinarySVM(w, xs, sqNorms, labels, k, scale, p)
				for j, v := range w {
					if scale != nil && j < dim {
						v *= scale[j]
					}
					out[j*classes+k] = float32(v)
				}
			}
		}()
	}
	for k := range classes {
		next <- k
	}
	close(next)
	wg.Wait()
	return out
}

// trainBinarySVM solves the dual of the squared-hinge SVM for "class k against the rest" by coordinate
// descent with shrinking (Hsieh et al., ICML 2008). w must be zero on entry and has len dim+1; scale, when
// not nil, multiplies every feature.
func trainBinarySVM(w []float64, xs []sparseVec, sqNorms []float64, labels []int, k int, scale []float64, p svmParams) {
	n := len(xs)
	bias := len(w) - 1
	diag := func(i int) float64 {
		c := p.c
		if p.weights != nil {
			c *= p.weights[i]
		}
		if p.posWeight > 0 && labels[i] == k {
			c *= p.posWeight
		}
		return 0.5 / c
	}

	alpha := make([]float64, n)
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	rng := rand.New(rand.NewPCG(p.seed, uint64(k)+1))
	active := n
	pgMaxOld := math.Inf(1)
	for iter := 0; iter < p.maxIter; iter++ {
		pgMax, pgMin := math.Inf(-1), math.Inf(1)
		for i := active - 1; i > 0; i-- {
			j := rng.IntN(i + 1)
			order[i], order[j] = order[j], order[i]
		}
		for s := 0; s < active; s++ {
			i := order[s]
			y := -1.0
			if labels[i] == k {
				y = 1
			}
			x := xs[i]
			var dot float64
			if scale == nil {
				dot = x.dot(w)
			} else {
				for j, c := range x.idx {
					dot += float64(x.val[j]) * scale[c] * w[c]
				}
			}
			d := diag(i)
			g := y*(dot+w[bias]) - 1 + d*alpha[i]
			pg := 0.0
			if alpha[i] == 0 {
				if g > pgMaxOld {
					// Shrink: this example is far on the right side and will stay at zero.
					active--
					order[s], order[active] = order[active], order[s]
					s--
					continue
				}
				if g < 0 {
					pg = g
				}
			} else {
				pg = g
			}
			pgMax = max(pgMax, pg)
			pgMin = min(pgMin, pg)
			if math.Abs(pg) > 1e-12 {
				old := alpha[i]
				alpha[i] = math.Max(old-g/(sqNorms[i]+d), 0)
				step := (alpha[i] - old) * y
				for j, c := range x.idx {
					v := float64(x.val[j])
					if scale != nil {
						v *= scale[c]
					}
					w[c] += step * v
				}
				w[bias] += step
			}
		}
		if pgMax-pgMin <= p.eps {
			if active == n {
				if p.iters != nil {
					p.iters.Add(int64(iter))
				}
				return
			}
			active = n
			pgMaxOld = math.Inf(1)
			continue
		}
		pgMaxOld = pgMax
		if pgMaxOld <= 0 {
			pgMaxOld = math.Inf(1)
		}
	}
}
