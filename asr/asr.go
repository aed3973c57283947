// Package asr defines the streaming speech-recognition interface every
// backend implements, and a registry the command wires backends into.
package asr

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"
)

// ErrGrammar is matched (errors.Is) by a backend's error when the grammar of
// a Request was refused: a syntax error, or words the engine cannot
// recognise. The server answers such a grammar with Completion-Cause 005
// grammar-load-failure or 004 grammar-compilation-failure, not 006.
var ErrGrammar = errors.New("asr: grammar refused by the engine")

// Recognizer is a speech-recognition backend: a factory of streams. One
// Recognizer serves every session of the process, so implementations are safe
// for concurrent use.
type Recognizer interface {
	Name() string
	Start(ctx context.Context, req Request) (Stream, error)
}

// Request describes one recognition.
type Request struct {
	// SampleRate of the audio pushed with Stream.Write (8000 or 16000).
	SampleRate int
	// Language is a BCP-47 tag such as "en-US"; empty means the backend default.
	Language string
	// Phrases, when not empty, restricts or biases recognition to these
	// phrases (the vosk-server "phrase_list").
	Phrases []string
	// JSGF, when not empty, is a grammar the backend decodes against (the
	// built-in engine); backends that cannot use it fall back to Phrases or
	// free-form recognition, and the caller matches the transcript.
	JSGF string
	// NBest is the number of alternatives wanted (at least 1).
	NBest int
	// Partial asks for partial hypotheses as well as the final one.
	Partial bool
	// OnResult, when set, receives the results instead of Results: each
	// partial, then the final Result (or the one with Err), in order, on
	// the backend's own goroutine. A caller that acts on every result so
	// needs no goroutine of its own and no hand-off per result. It must
	// return promptly and must not call the stream's Close, which waits for
	// that goroutine. Results then only closes when the stream ends; once
	// Close has returned, nothing more is delivered. Every backend must
	// honour it: the speech path relies on it.
	OnResult func(Result)
}

// Stream is one recognition in progress.
type Stream interface {
	// Write pushes linear PCM at Request.SampleRate. It must not block the
	// caller (the media goroutine): a backend buffers, and an overflowing
	// buffer makes the stream fail rather than stall.
	Write(pcm []int16) error
	// Finish marks the end of audio; the final Result follows.
	Finish() error
	// Results delivers partial results, then exactly one final Result (or one
	// with Err set), then is closed (see Request.OnResult).
	Results() <-chan Result
	// Close cancels the recognition and releases its resources. Safe to call
	// more than once and after the final Result.
	Close() error
}

// Result is a partial or final hypothesis.
type Result struct {
	Final        bool
	Alternatives []Alternative
	Err          error
}

// Alternative is one N-best entry.
type Alternative struct {
	Text       string
	Confidence float64 // 0..1; 1 when the backend gives none
	Words      []Word
}

// Word carries timing when the backend reports it.
type Word struct {
	Text       string
	Start, End time.Duration
	Confidence float64
}

// Factory builds a Recognizer from backend-specific settings.
type Factory func(settings map[string]string) (Recognizer, error)

// Registry maps backend names to factories. It is filled explicitly by the
// command, never from package init functions.
type Registry struct {
	mu        sync.RWMutex
	factories map[string]Factory
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry { return &Registry{factories: map[string]Factory{}} }

// Register adds a backend; registering a name twice is an error.
func (r *Registry) Register(name string, f Factory) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, dup := r.factories[name]; dup {
		return fmt.Errorf("asr: backend %q registered twice", name)
	}
	r.factories[name] = f
	return nil
}

// New builds the named backend.
func (r *Registry) New(name string, settings map[string]string) (Recognizer, error) {
	r.mu.RLock()
	f, ok := r.factories[name]
	r.mu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("asr: unknown backend %q (known: %v)", name, r.Names())
	}
	return f(settings)
}

// Names lists the registered backends, sorted.
func (r *Registry) Names() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	names := make([]string, 0, len(r.factories))
	for n := range r.factories {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
