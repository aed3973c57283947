//go:build !purego

package bargein

func voicingSums(p *[voicingBins - 1]float32, cos *[voicingBins - 1][lagGroups * 8]float32, odd, even *[lagGroups * 8]float32) {
	if haveAVX2 {
		voicingSumsAVX2(p, cos, odd, even)
		return
	}
	voicingSumsGeneric(p, cos, odd, even)
}

// voicingSumsAVX2 is voicingSumsGeneric for eight lags at a time; it also
// fills the padding rows, with zeros.
//
//go:noescape
func voicingSumsAVX2(p *[voicingBins - 1]float32, cos *[voicingBins - 1][lagGroups * 8]float32, odd, even *[lagGroups * 8]float32)

// The assembly is written for 32 bins and cosine rows of 48 lags; these
// fail to compile otherwise.
var (
	_ [voicingBins - 1 - 32]struct{}
	_ [32 - (voicingBins - 1)]struct{}
	_ [lagGroups*8 - 48]struct{}
	_ [48 - lagGroups*8]struct{}
)
