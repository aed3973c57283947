package sphinx

/*
#include <stdlib.h>
#include "bridge.h"
static ps_decoder_t *dbg_new(int argc, char **argv) {
	cmd_ln_t *c = cmd_ln_parse_r(NULL, ps_args(), argc, argv, TRUE);
	if (!c) return NULL;
	ps_decoder_t *ps = ps_init(c);
	cmd_ln_free_r(c);
	return ps;
}
*/
import "C"

import "unsafe"

func (d *decoder) cmnMeanNow() []float32 {
	m := make([]float32, int(C.mrcpd_cmn_len(d.ps)))
	C.mrcpd_cmn_mean(d.ps, (*C.float)(unsafe.Pointer(&m[0])), C.int(len(m)))
	return m
}

func (d *decoder) segScores() []float64 {
	segs := make([]C.mrcpd_seg, maxSegments)
	n := int(C.mrcpd_segments(d.ps, &segs[0], C.int(len(segs))))
	var out []float64
	for _, s := range segs[:n] {
		nf := float64(s.end - s.start + 1)
		out = append(out, float64(s.ascr)/nf)
	}
	return out
}

func (d *decoder) wordScores() (words []string, scores []float64, frames []int) {
	segs := make([]C.mrcpd_seg, maxSegments)
	n := int(C.mrcpd_segments(d.ps, &segs[0], C.int(len(segs))))
	for _, s := range segs[:n] {
		w := C.GoString(s.word)
		if isFiller(w) {
			continue
		}
		nf := int(s.end - s.start + 1)
		if nf < 1 {
			nf = 1
		}
		words = append(words, baseWord(w))
		scores = append(scores, float64(s.ascr))
		frames = append(frames, nf)
	}
	return
}

func dbgNewFree(kv ...string) *decoder {
	m := Model{}
	kv = append([]string{"-hmm", m.AcousticPath(), "-dict", m.DictionaryPath(), "-lm", m.LanguageModelPath()}, kv...)
	argv := make([]*C.char, len(kv))
	for i, v := range kv {
		argv[i] = C.CString(v)
	}
	ps := C.dbg_new(C.int(len(kv)), &argv[0])
	if ps == nil {
		panic("dbg_new")
	}
	d := &decoder{ps: ps, frameRate: 100, freeForm: true}
	d.lmSearch = C.GoString(C.ps_get_search(ps))
	d.modelMean = d.cmnMeanNow()
	return d
}
