//go:build !purego

package bargein

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestVoicingSumsAVX2MatchesGeneric(t *testing.T) {
	if !haveAVX2 {
		t.Skip("this CPU has no AVX2; isVoiced runs the Go version")
	}
	rng := rand.New(rand.NewPCG(11, 12))
	for trial := range 200 {
		var p [voicingBins - 1]float32
		scale := math.Pow(10, float64(trial%12))
		for k := range p {
			p[k] = float32(rng.ExpFloat64() * scale)
		}
		var o1, e1, o2, e2 [lagGroups * 8]float32
		voicingSumsGeneric(&p, &voicingTab.cos, &o1, &e1)
		voicingSumsAVX2(&p, &voicingTab.cos, &o2, &e2)
		for i := range o1 {
			same := o1[i] == o2[i] && e1[i] == e2[i]
			if goFusesMultiplyAdd {
				tol := 1e-6 * 32 * scale
				same = math.Abs(float64(o1[i]-o2[i])) <= tol && math.Abs(float64(e1[i]-e2[i])) <= tol
			}
			if !same {
				t.Fatalf("trial %d lag row %d: odd %v / %v, even %v / %v (Go / AVX2)", trial, i, o1[i], o2[i], e1[i], e2[i])
			}
		}
	}
}
