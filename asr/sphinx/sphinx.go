// Package sphinx runs the CMU pocketsphinx recogniser (the Debian build of
// 0.8+5prealpha) through cgo: warm decoders in a pool, grammar-constrained
// decoding switched at run time, free-form decoding with the en-us language
// model, and the 8 kHz to 16 kHz interpolation the en-us model needs.
//
// A pocketsphinx decoder is not safe for concurrent use: a Decoder belongs to
// one Utterance, and so to one goroutine, from acquire to release.
package sphinx

/*
#cgo pkg-config: pocketsphinx
#include <stdlib.h>
#include "bridge.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
)

// DefaultModelDir is where Debian's pocketsphinx-en-us package installs the
// US English model (`pkg-config --variable=modeldir pocketsphinx` + "/en-us").
const DefaultModelDir = "/usr/share/pocketsphinx/model/en-us"

// Model locates the files of one pocketsphinx model directory laid out as
// Debian ships it: an acoustic model sub-directory, a pronunciation
// dictionary and a binary trigram language model.
type Model struct {
	// Dir is the model directory; empty means DefaultModelDir.
	Dir string
	// Acoustic, Dictionary and LanguageModel override the file names inside
	// Dir; empty means the en-us names.
	Acoustic, Dictionary, LanguageModel string
}

func (m Model) dir() string {
	if m.Dir == "" {
		return DefaultModelDir
	}
	return m.Dir
}

func (m Model) join(name, fallback string) string {
	if name == "" {
		name = fallback
	}
	if filepath.IsAbs(name) {
		return name
	}
	return filepath.Join(m.dir(), name)
}

// AcousticPath is the acoustic model directory.
func (m Model) AcousticPath() string { return m.join(m.Acoustic, "en-us") }

// DictionaryPath is the pronunciation dictionary.
func (m Model) DictionaryPath() string { return m.join(m.Dictionary, "cmudict-en-us.dict") }

// LanguageModelPath is the language model used for free-form decoding.
func (m Model) LanguageModelPath() string { return m.join(m.LanguageModel, "en-us.lm.bin") }

// Check reports a missing model file up front: pocketsphinx exits the whole
// process on some missing files instead of returning an error.
func (m Model) Check() error {
	for _, p := range []string{
		filepath.Join(m.AcousticPath(), "mdef"),
		filepath.Join(m.AcousticPath(), "means"),
		filepath.Join(m.AcousticPath(), "variances"),
		filepath.Join(m.AcousticPath(), "transition_matrices"),
		filepath.Join(m.AcousticPath(), "noisedict"),
		m.DictionaryPath(),
		m.LanguageModelPath(),
	} {
		if _, err := os.Stat(p); err != nil {
			return fmt.Errorf("sphinx: model file missing (Debian package pocketsphinx-en-us): %w", err)
		}
	}
	return nil
}

// ErrFinished is returned when an Utterance is used after Finish or Close.
var ErrFinished = errors.New("sphinx: utterance already finished")

var quietOnce sync.Once

// quiet replaces the library's stderr logger, once per process: the logger is
// process-wide state inside the C library.
func quiet() { quietOnce.Do(func() { C.mrcpd_quiet() }) }
