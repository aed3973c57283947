package sphinx

import (
	"testing"

	"github.com/mrcpd/mrcpd/engine/speechtest"
)

func TestScratchFreeScale(t *testing.T) {
	a := dbgNewFree()
	b := dbgNewFree("-bestpath", "no")
	for _, s := range []string{"please call me back later", "what is the weather today"} {
		pcm := speechtest.Synthesize(t, s, 16000)
		var up []int16 = pcm
		for _, d := range []*decoder{a, b} {
			d.useLanguageModel()
			d.decodeUtterance(up, d.modelMean)
			w, sc, f := d.wordScores()
			t.Logf("%q %v %v %v", d.hypothesis(), w, sc, f)
		}
	}
}
