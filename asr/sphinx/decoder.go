package sphinx

/*
#include <stdlib.h>
#include "bridge.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"unsafe"
)

// GrammarError reports a grammar the decoder cannot use: a syntax error, or
// words the pronunciation dictionary does not know.
type GrammarError struct {
	// OutOfVocabulary lists the grammar's words missing from the dictionary.
	OutOfVocabulary []string
	// Reason is the parser's message when the grammar did not compile.
	Reason string
}

func (e *GrammarError) Error() string {
	if len(e.OutOfVocabulary) > 0 {
		quoted := make([]string, len(e.OutOfVocabulary))
		for i, w := range e.OutOfVocabulary {
			quoted[i] = fmt.Sprintf("%q", w)
		}
		return "sphinx: grammar words not in the pronunciation dictionary: " + strings.Join(quoted, ", ")
	}
	return "sphinx: grammar rejected: " + e.Reason
}

var importStatement = regexp.MustCompile(`\bimport\s*<`)

// decoder wraps one ps_decoder_t. Two kinds exist: grammar decoders start
// with no words (a few MB each) and receive the words of each grammar they
// run; free-form decoders hold the whole dictionary and the trigram model
// (tens of MB each).
type decoder struct {
	ps        *C.ps_decoder_t
	freeForm  bool
	lmSearch  string
	grammar   string
	serial    int
	added     int
	frameRate int
	inUtt     bool
	// segmentScale brings word acoustic scores to the grammar search's
	// scale: after the trigram search's best-path pass, segments come from
	// the word lattice, whose scores the library reports shifted left by
	// its 10-bit senone score shift (1024 times larger).
	segmentScale float64
	// modelMean is the model's initial cepstral mean (feat.params
	// -cmninit), measured on wideband speech.
	modelMean []float32
}

// errorf wraps the library's last message on this thread; callers hold the
// OS thread so the message belongs to the call that failed.
func errorf(format string, args ...any) error {
	msg := C.GoString(C.mrcpd_last_error())
	err := fmt.Errorf(format, args...)
	if msg == "" {
		return err
	}
	return fmt.Errorf("%w: %s", err, msg)
}

func newDecoder(m Model, freeForm bool) (*decoder, error) {
	quiet()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	C.mrcpd_clear_error()

	hmm := C.CString(m.AcousticPath())
	defer C.free(unsafe.Pointer(hmm))
	var dict, lm *C.char
	if freeForm {
		dict = C.CString(m.DictionaryPath())
		defer C.free(unsafe.Pointer(dict))
		lm = C.CString(m.LanguageModelPath())
		defer C.free(unsafe.Pointer(lm))
	}
	ps := C.mrcpd_decoder_new(hmm, dict, lm)
	if ps == nil {
		return nil, errorf("sphinx: decoder initialisation failed (model %s)", m.dir())
	}
	d := &decoder{ps: ps, freeForm: freeForm, frameRate: int(C.mrcpd_frame_rate(ps))}
	if d.frameRate <= 0 {
		d.frameRate = 100
	}
	d.segmentScale = 1
	if freeForm && C.mrcpd_bestpath(ps) != 0 {
		d.segmentScale = 1.0 / 1024
	}
	// Read before any utterance has moved it.
	d.modelMean = make([]float32, int(C.mrcpd_cmn_len(ps)))
	if len(d.modelMean) > 0 {
		C.mrcpd_cmn_mean(ps, (*C.float)(unsafe.Pointer(&d.modelMean[0])), C.int(len(d.modelMean)))
	}
	if freeForm {
		if name := C.ps_get_search(ps); name != nil {
			d.lmSearch = C.GoString(name)
		}
		if d.lmSearch == "" {
			d.close()
			return nil, errors.New("sphinx: the language model did not load")
		}
	}
	return d, nil
}

func (d *decoder) close() {
	if d.ps != nil {
		C.ps_free(d.ps)
		d.ps = nil
	}
}

func (d *decoder) hasWord(w *C.char) bool {
	p := C.ps_lookup_word(d.ps, w)
	if p == nil {
		return false
	}
	C.free(unsafe.Pointer(p))
	return true
}

// useGrammar compiles a JSGF grammar, gives the decoder the pronunciations of
// its words and makes it the active search. A grammar word missing from the
// dictionary is an error: pocketsphinx would otherwise drop the word's arcs
// and silently recognise a different language.
func (d *decoder) useGrammar(jsgf string, dict *Dictionary) error {
	if importStatement.MatchString(jsgf) {
		// The library would resolve the import against the engine's file
		// system.
		return &GrammarError{Reason: "JSGF import statements are not supported"}
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	C.mrcpd_clear_error()

	text := C.CString(jsgf)
	defer C.free(unsafe.Pointer(text))
	fsg := C.mrcpd_fsg_from_jsgf(d.ps, text)
	if fsg == nil {
		return &GrammarError{Reason: parserMessage(C.GoString(C.mrcpd_last_error()))}
	}
	defer C.fsg_model_free(fsg)

	var oov []string
	n := int(C.mrcpd_fsg_word_count(fsg))
	for i := 0; i < n; i++ {
		cw := C.mrcpd_fsg_word(fsg, C.int(i))
		if cw == nil || d.hasWord(cw) {
			continue
		}
		w := C.GoString(cw)
		prons := dict.Pronunciations(w)
		if len(prons) == 0 {
			oov = append(oov, w)
			continue
		}
		if err := d.addWord(w, prons); err != nil {
			return err
		}
	}
	if len(oov) > 0 {
		sort.Strings(oov)
		return &GrammarError{OutOfVocabulary: oov}
	}

	// Replacing the active search frees it under the decoder's feet, so each
	// grammar gets a fresh name and the previous one is dropped afterwards.
	d.serial++
	name := fmt.Sprintf("grammar%d", d.serial)
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	if C.ps_set_fsg(d.ps, cname, fsg) != 0 {
		return &GrammarError{Reason: C.GoString(C.mrcpd_last_error())}
	}
	if C.ps_set_search(d.ps, cname) != 0 {
		return errorf("sphinx: activating the grammar failed")
	}
	if d.grammar != "" {
		old := C.CString(d.grammar)
		C.ps_unset_search(d.ps, old)
		C.free(unsafe.Pointer(old))
	}
	d.grammar = name
	return nil
}

func (d *decoder) addWord(w string, prons []string) error {
	for i, p := range prons {
		name := w
		if i > 0 {
			name = fmt.Sprintf("%s(%d)", w, i+1)
		}
		cname := C.CString(name)
		cpron := C.CString(p)
		rc := C.ps_add_word(d.ps, cname, cpron, 0)
		C.free(unsafe.Pointer(cname))
		C.free(unsafe.Pointer(cpron))
		if rc < 0 {
			return errorf("sphinx: adding %q to the dictionary failed", name)
		}
		d.added++
	}
	return nil
}

// useLanguageModel makes the trigram model the active search.
func (d *decoder) useLanguageModel() error {
	if !d.freeForm {
		return errors.New("sphinx: decoder has no language model")
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	C.mrcpd_clear_error()
	name := C.CString(d.lmSearch)
	defer C.free(unsafe.Pointer(name))
	if C.ps_set_search(d.ps, name) != 0 {
		return errorf("sphinx: activating the language model failed")
	}
	return nil
}

// startStream begins an utterance in a state that owes nothing to earlier
// utterances: frame numbers, and so word times, restart at zero and the
// noise estimate is dropped (ps_start_stream), cepstral mean normalisation
// starts from mean with no history, and the live feature buffer is cleared.
// pocketsphinx keeps the last two across utterances: after the first
// streaming pass its running cepstral mean replaces batch normalisation for
// good and accumulates over every later utterance, and the first frames of
// a stream still see the previous stream's cepstra. A reused decoder then
// decoded the same audio differently depending on its earlier callers
// ("call me back later" came back empty after "i already paid").
func (d *decoder) startStream(mean []float32) error {
	if C.ps_start_stream(d.ps) < 0 {
		return errors.New("sphinx: starting the stream failed")
	}
	d.setMean(mean)
	C.mrcpd_feat_reset(d.ps)
	if C.ps_start_utt(d.ps) < 0 {
		return errors.New("sphinx: starting the utterance failed")
	}
	d.inUtt = true
	return nil
}

func (d *decoder) setMean(mean []float32) {
	if len(mean) == 0 {
		C.mrcpd_cmn_start(d.ps, nil, 0)
		return
	}
	C.mrcpd_cmn_start(d.ps, (*C.float)(unsafe.Pointer(&mean[0])), C.int(len(mean)))
}

// process feeds 16 kHz samples to the streaming pass.
func (d *decoder) process(pcm []int16) error {
	if len(pcm) == 0 {
		return nil
	}
	if C.ps_process_raw(d.ps, (*C.int16)(unsafe.Pointer(&pcm[0])), C.size_t(len(pcm)), 0, 0) < 0 {
		return errors.New("sphinx: decoding failed")
	}
	return nil
}

// priorFrames is how many frames of speech the prior mean counts for in the
// final pass's cepstral mean: about one second. On the measurements in
// docs/engine.md it lifted single FSDD digits from 226 to 234 of 300 right
// and espeak-ng phrases from 33 to 35 of 45, against the utterance's own
// mean alone.
const priorFrames = 100

// decodeUtterance decodes pcm, 16 kHz samples, as one whole utterance from a
// clean state. Cepstral mean normalisation uses the utterance's own mean
// drawn towards prior, the mean expected for this kind of input.
func (d *decoder) decodeUtterance(pcm []int16, prior []float32) error {
	if err := d.end(); err != nil {
		return err
	}
	if err := d.startStream(prior); err != nil {
		return err
	}
	if len(pcm) > 0 {
		var p *C.float
		if len(prior) > 0 {
			p = (*C.float)(unsafe.Pointer(&prior[0]))
		}
		if C.mrcpd_process_utterance(d.ps, (*C.int16)(unsafe.Pointer(&pcm[0])), C.size_t(len(pcm)),
			p, C.int(len(prior)), priorFrames) < 0 {
			return errors.New("sphinx: decoding failed")
		}
	}
	return d.end()
}

func (d *decoder) end() error {
	if !d.inUtt {
		return nil
	}
	d.inUtt = false
	if C.ps_end_utt(d.ps) < 0 {
		return errors.New("sphinx: ending the utterance failed")
	}
	return nil
}

// hypothesis is the current best text, cheap enough for partial results.
func (d *decoder) hypothesis() string {
	var score C.int32
	h := C.ps_get_hyp(d.ps, &score)
	if h == nil {
		return ""
	}
	return C.GoString(h)
}

// parserMessage drops the line number from the JSGF parser's syntax errors:
// this version reports an uninitialised one.
func parserMessage(msg string) string {
	if i := strings.Index(msg, " at line "); i >= 0 {
		rest := msg[i+len(" at line "):]
		j := strings.IndexByte(rest, ' ')
		if j < 0 {
			return msg[:i]
		}
		return msg[:i] + rest[j:]
	}
	if msg == "" {
		return "JSGF grammar could not be compiled"
	}
	return msg
}
