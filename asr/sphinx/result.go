package sphinx

/*
#include <stdlib.h>
#include "bridge.h"
*/
import "C"

import (
	"math"
	"strings"
	"time"
	"unsafe"

	"github.com/mrcpd/mrcpd/asr"
)

const (
	maxSegments = 1024
	// nbestScanFactor bounds the A* paths read per wanted alternative: the
	// search yields the same text once per segmentation.
	nbestScanFactor = 20
)

// Confidence proxy. pocketsphinx 5prealpha gives no usable posterior here:
// ps_get_prob is 0 (probability 1) for grammar searches and, for the trigram
// search, a lattice posterior dominated by the language model. Senone scores
// are normalised so that the best senone of each frame scores 0, which makes
// a word's acoustic score per frame a likelihood ratio against an
// unconstrained phone loop. The logistic map below turns it into 0..1. The
// midpoint puts 0.5, the Confidence-Threshold UniMRCP clients send, where it
// best separated correct in-grammar results from out-of-grammar speech on
// 8 kHz recordings of human and synthetic speech (docs/engine.md); the two
// overlap, so treat it as a ranking signal, not a calibrated probability.
const (
	confidenceMidpoint = -34.0 // per-frame acoustic score mapped to 0.5
	confidenceSlope    = 0.08
)

func acousticConfidence(scorePerFrame float64) float64 {
	return 1 / (1 + math.Exp(-confidenceSlope*(scorePerFrame-confidenceMidpoint)))
}

// result reads the outcome of the utterance just ended.
func (d *decoder) result(nbest int) []asr.Alternative {
	best := asr.Alternative{Text: normaliseText(d.hypothesis())}
	frameTime := time.Second / time.Duration(d.frameRate)

	segs := make([]C.mrcpd_seg, maxSegments)
	n := int(C.mrcpd_segments(d.ps, &segs[0], C.int(len(segs))))
	var weighted, frames float64
	for _, s := range segs[:n] {
		w := C.GoString(s.word)
		if isFiller(w) {
			continue
		}
		nf := float64(s.end - s.start + 1)
		if nf < 1 {
			nf = 1
		}
		conf := acousticConfidence(float64(s.ascr) * d.segmentScale / nf)
		best.Words = append(best.Words, asr.Word{
			Text:       baseWord(w),
			Start:      time.Duration(s.start) * frameTime,
			End:        time.Duration(s.end+1) * frameTime,
			Confidence: conf,
		})
		weighted += conf * nf
		frames += nf
	}
	if frames > 0 && best.Text != "" {
		best.Confidence = weighted / frames
	}
	alts := []asr.Alternative{best}
	if nbest <= 1 || best.Text == "" {
		return alts
	}

	texts := make([]*C.char, nbest+1)
	scores := make([]C.int, nbest+1)
	m := int(C.mrcpd_nbest(d.ps, &texts[0], &scores[0], C.int(len(texts)), C.int(len(texts)*nbestScanFactor)))
	defer func() {
		for _, t := range texts[:m] {
			C.free(unsafe.Pointer(t))
		}
	}()
	if m == 0 {
		return alts
	}
	// Scores are relative to the best path's; an alternative's confidence
	// falls with its per-frame score gap, as a word's does.
	top := float64(scores[0])
	for i := range m {
		if t := normaliseText(C.GoString(texts[i])); t == best.Text {
			top = float64(scores[i])
			break
		}
	}
	total := float64(C.ps_get_n_frames(d.ps))
	if total < 1 {
		total = 1
	}
	for i := 0; i < m && len(alts) < nbest; i++ {
		t := normaliseText(C.GoString(texts[i]))
		if t == "" || t == best.Text {
			continue
		}
		gap := (float64(scores[i]) - top) / total
		alts = append(alts, asr.Alternative{
			Text:       t,
			Confidence: best.Confidence * math.Exp(confidenceSlope*math.Min(gap, 0)),
		})
	}
	return alts
}

func isFiller(w string) bool {
	return w == "" || w[0] == '<' || w[0] == '[' || w == "(NULL)"
}

// normaliseText drops fillers and alternative-pronunciation markers that
// some searches leave in the hypothesis.
func normaliseText(h string) string {
	fields := strings.Fields(h)
	out := fields[:0]
	for _, f := range fields {
		if isFiller(f) {
			continue
		}
		out = append(out, baseWord(f))
	}
	return strings.Join(out, " ")
}
