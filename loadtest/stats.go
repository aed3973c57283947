package loadtest

import (
	"math"
	"math/rand/v2"
	"slices"
	"time"
)

// maxSamples bounds the durations kept per method for percentiles; beyond
// it a uniform reservoir stands for them all (count, sum, min and max stay
// exact).
const maxSamples = 1 << 17

// series accumulates one method's timings.
type series struct {
	count, errors int
	sum           time.Duration
	min, max      time.Duration
	samples       []time.Duration
	rng           *rand.Rand
}

func newSeries() *series {
	// A fixed seed: the reservoir needs uniformity, not secrecy, and the
	// same run order gives the same figures.
	return &series{rng: rand.New(rand.NewPCG(1, 2))}
}

func (s *series) add(d time.Duration) {
	if d < 0 {
		d = 0
	}
	if s.count == 0 || d < s.min {
		s.min = d
	}
	if d > s.max {
		s.max = d
	}
	s.count++
	s.sum += d
	if len(s.samples) < maxSamples {
		s.samples = append(s.samples, d)
		return
	}
	// Algorithm R: the i-th sample replaces a kept one with probability
	// maxSamples/i.
	if j := s.rng.IntN(s.count); j < maxSamples {
		s.samples[j] = d
	}
}

// stats summarises the series; percentiles are nearest-rank.
func (s *series) stats(method string) MethodStats {
	m := MethodStats{Method: method, Count: s.count, Errors: s.errors}
	if s.count == 0 {
		return m
	}
	sorted := slices.Clone(s.samples)
	slices.Sort(sorted)
	m.AvgMs = ms(s.sum / time.Duration(s.count))
	m.MinMs = ms(s.min)
	m.MaxMs = ms(s.max)
	m.P50Ms = ms(percentile(sorted, 50))
	m.P90Ms = ms(percentile(sorted, 90))
	m.P99Ms = ms(percentile(sorted, 99))
	return m
}

// percentile is the nearest-rank p-th percentile of sorted samples: the
// smallest sample that at least p % of the samples do not exceed.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	rank = min(max(rank, 1), len(sorted))
	return sorted[rank-1]
}

// ms is a duration in milliseconds with microsecond resolution.
func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
