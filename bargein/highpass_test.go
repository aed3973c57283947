package bargein

import (
	"math"
	"testing"
)

// The unrolled filter, with its gain put back, is the biquad of its
// definition run one sample at a time, across block boundaries.
func TestHighPassMatchesBiquad(t *testing.T) {
	s := newSignal(9, 300).tone(200, 8000, 50).voice(300, 3000).white(200, 10000).quiet(100)
	var h highPass
	var x1, x2, y1, y2 float64
	for blk := 0; blk+BlockSamples <= len(s.pcm); blk += BlockSamples {
		block := (*[BlockSamples]int16)(s.pcm[blk : blk+BlockSamples])
		var out [BlockSamples]float32
		h.filter(block, &out)
		for i, v := range block {
			x := float64(v)
			y := hpGain*(x-2*x1+x2) - hpA1*y1 - hpA2*y2
			x2, x1 = x1, x
			y2, y1 = y1, y
			got := hpGain * float64(out[i])
			if math.Abs(got-y) > 1e-5*math.Abs(y)+1e-2 {
				t.Fatalf("sample %d: %v, want %v", blk+i, got, y)
			}
		}
	}
}
