package nlu

import (
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
)

// svmParams configures one-vs-rest training of L2-regularised squared-hinge linear SVMs.
type svmParams struct {
	c       float64 // inverse regularisation strength
	eps     float64 // stopping tolerance on the projected-gradient spread
	maxIter int
	seed    uint64
	workers int
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
	sqNorms := make([]float64, len(xs))
	for i, x := range xs {
		sqNorms[i] = x.squaredNorm() + 1 // the constant bias feature
	}
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(workers, classes) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := make([]float64, dim+1)
			for k := range next {
				clear(w)
				trainBinarySVM(w, xs, sqNorms, labels, k, p)
				for j, v := range w {
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
// descent with shrinking (Hsieh et al., ICML 2008). w must be zero on entry and has len dim+1.
func trainBinarySVM(w []float64, xs []sparseVec, sqNorms []float64, labels []int, k int, p svmParams) {
	n := len(xs)
	bias := len(w) - 1
	diag := 0.5 / p.c

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
			g := y*(x.dot(w)+w[bias]) - 1 + diag*alpha[i]
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
				alpha[i] = math.Max(old-g/(sqNorms[i]+diag), 0)
				d := (alpha[i] - old) * y
				for j, c := range x.idx {
					w[c] += d * float64(x.val[j])
				}
				w[bias] += d
			}
		}
		if pgMax-pgMin <= p.eps {
			if active == n {
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
