package recognizer

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"sync"
	"time"

	"github.com/mrcpd/mrcpd/asr"
	"github.com/mrcpd/mrcpd/mrcp"
	"github.com/mrcpd/mrcpd/mrcp/server"
)

// checkTimeout bounds the engine's answer about a grammar; an engine slower
// than that is not taken as a verdict.
const checkTimeout = 3 * time.Second

// maxChecked bounds the grammars remembered as accepted; past it the memory
// starts over (a few engine round trips, nothing wrong).
const maxChecked = 4096

// grammarChecks remembers which engine grammars the engine accepted, so that
// a grammar defined once and recognised against all call long is asked about
// once.
type grammarChecks struct {
	seed maphash.Seed
	mu   sync.Mutex
	ok   map[uint64]struct{}
}

func newGrammarChecks() *grammarChecks {
	return &grammarChecks{seed: maphash.MakeSeed(), ok: map[uint64]struct{}{}}
}

func (c *grammarChecks) key(req asr.Request) uint64 {
	var h maphash.Hash
	h.SetSeed(c.seed)
	h.WriteString(req.Language)
	h.WriteByte(0)
	h.WriteString(req.JSGF)
	return h.Sum64()
}

func (c *grammarChecks) known(k uint64) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, ok := c.ok[k]
	return ok
}

func (c *grammarChecks) accept(k uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.ok) >= maxChecked {
		clear(c.ok)
	}
	c.ok[k] = struct{}{}
}

// checkGrammar asks the engine whether it can decode against the grammar of
// req: a stream with the grammar and no audio. The built-in engine refuses a
// grammar with a word outside its dictionary when the stream opens; without
// this the caller would hear of it only once speech reached the engine, as a
// recognizer-error. Only the engine's refusal fails the grammar: an engine
// that cannot be reached now may be back when the recognition starts.
func (r *Recognizer) checkGrammar(ctx context.Context, req asr.Request, uri string) error {
	if !r.opts.CheckGrammars || req.JSGF == "" {
		return nil
	}
	k := r.checks.key(req)
	if r.checks.known(k) {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, checkTimeout)
	defer cancel()
	start := time.Now()
	err := r.askEngine(ctx, req)
	r.observe("check_grammar", start, err)
	switch {
	case err == nil:
		r.checks.accept(k)
		return nil
	case errors.Is(err, asr.ErrGrammar):
		return &server.CauseError{Cause: mrcp.CauseGrammarCompilationFailure, Reason: fmt.Sprintf("%s: %v", uri, err)}
	}
	r.log.Info("grammar not checked: the engine did not answer", "grammar", uri, "err", err)
	return nil
}

func (r *Recognizer) askEngine(ctx context.Context, req asr.Request) error {
	req.Partial = false
	req.Phrases = nil
	if req.NBest < 1 {
		req.NBest = 1
	}
	if req.SampleRate == 0 {
		req.SampleRate = 8000
	}
	s, err := r.opts.ASR.Start(ctx, req)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := s.Finish(); err != nil {
		return err
	}
	for {
		select {
		case res, ok := <-s.Results():
			if !ok {
				return errors.New("the engine closed the stream without a result")
			}
			if res.Err != nil {
				return res.Err
			}
			if res.Final {
				return nil
			}
		case <-ctx.Done():
			return context.Cause(ctx)
		}
	}
}
