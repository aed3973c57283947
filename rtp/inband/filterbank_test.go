package inband

import (
	"math"
	"math/cmplx"
	"math/rand/v2"
	"testing"
)

// The quarter-block decomposition must give the same spectrum as one
// Goertzel (or a direct DTFT) over the whole block, at every hop.
func TestBlockPowerMatchesDirectDFT(t *testing.T) {
	for _, rate := range []int{8000, 16000, 44100} {
		quarter := NewDetector(rate).quarter
		n := nQuarters * quarter
		rng := rand.New(rand.NewPCG(uint64(rate), 1))
		pcm := make([]int16, 9*quarter)
		for i := range pcm {
			pcm[i] = int16(rng.IntN(20001) - 10000 + 700) // DC offset too
		}
		fb := newFilterBank(rate, quarter)
		for hop := 1; hop*quarter <= len(pcm); hop++ {
			if !fb.feed(pcm[(hop-1)*quarter : hop*quarter]) {
				t.Fatalf("%d Hz: sub-block %d not complete after %d samples", rate, hop, quarter)
			}
			fb.closeQuarter()
			if hop < nQuarters {
				continue
			}
			_, total := fb.blockEnergy()
			block := pcm[(hop-nQuarters)*quarter : hop*quarter]
			for i := range nFilters {
				w := 2 * math.Pi * toneHz(i) / float64(rate)
				var x complex128
				for k, v := range block {
					x += complex(float64(v), 0) * cmplx.Exp(complex(0, -w*float64(k)))
				}
				want := 2 * real(x*cmplx.Conj(x)) / float64(n*n)
				if got := fb.blockPower(i); math.Abs(got-want) > 1e-9*want+1e-6 {
					t.Errorf("%d Hz hop %d filter %v Hz: power %v, want %v", rate, hop, toneHz(i), got, want)
				}
			}
			var mean, sq float64
			for _, v := range block {
				mean += float64(v)
				sq += float64(v) * float64(v)
			}
			mean /= float64(n)
			if want := sq/float64(n) - mean*mean; math.Abs(total-want) > 1e-9*want {
				t.Errorf("%d Hz hop %d: total %v, want %v", rate, hop, total, want)
			}
		}
	}
}

func TestQuarterLengths(t *testing.T) {
	// 13 ms blocks: 104 samples at 8 kHz, 208 at 16 kHz.
	for rate, want := range map[int]int{8000: 26, 16000: 52, 48000: 156} {
		if got := NewDetector(rate).quarter; got != want {
			t.Errorf("%d Hz: %d samples per hop, want %d", rate, got, want)
		}
	}
}
