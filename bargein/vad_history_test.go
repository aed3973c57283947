package bargein

import "testing"

// The analysis window is always the last fftSize filtered samples, across
// the moves of the history buffer and after Reset.
func TestVADWindowIsLastSamples(t *testing.T) {
	s := newSignal(10, 200).voice(500, 2000).quiet(300)
	v := NewVAD()
	for round := range 2 {
		var ref highPass
		var filtered []float32
		for blk := 0; blk+BlockSamples <= len(s.pcm); blk += BlockSamples {
			block := (*[BlockSamples]int16)(s.pcm[blk : blk+BlockSamples])
			v.Frame(block[:], nil)
			var out [BlockSamples]float32
			ref.filter(block, &out)
			filtered = append(filtered, out[:]...)
			got := v.history[v.histEnd-fftSize : v.histEnd]
			for i := range fftSize {
				want := float32(0) // before the stream began
				if j := len(filtered) - fftSize + i; j >= 0 {
					want = filtered[j]
				}
				if got[i] != want {
					t.Fatalf("round %d, block %d: window[%d] = %v, want %v", round, blk/BlockSamples, i, got[i], want)
				}
			}
		}
		v.Reset()
	}
}
