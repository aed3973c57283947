package sphinx

import (
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// maxAddedPronunciations retires a grammar decoder whose dictionary has
// grown with many grammars' words, so a long-running engine stays small.
const maxAddedPronunciations = 4000

// PoolConfig sizes a Pool.
type PoolConfig struct {
	Model Model
	// Grammar is the number of idle grammar decoders kept warm.
	Grammar int
	// FreeForm is the number of idle free-form (language-model) decoders
	// kept warm; each holds the whole dictionary and trigram model.
	FreeForm int
	Logger   *slog.Logger
}

// Pool keeps warm decoders: initialising one costs ~20 ms for a grammar
// decoder and ~2.5 s for a free-form one. A decoder taken from the pool is
// owned by one Utterance until it is released.
type Pool struct {
	cfg  PoolConfig
	log  *slog.Logger
	dict *Dictionary

	mu       sync.Mutex
	grammar  []*decoder
	freeForm []*decoder
	closed   bool
}

// ErrPoolClosed is returned by Start after Close.
var ErrPoolClosed = errors.New("sphinx: pool closed")

// NewPool checks the model, loads the pronunciation dictionary and warms the
// configured number of decoders.
func NewPool(cfg PoolConfig) (*Pool, error) {
	if cfg.Grammar < 0 || cfg.FreeForm < 0 {
		return nil, fmt.Errorf("sphinx: negative pool size")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if err := cfg.Model.Check(); err != nil {
		return nil, err
	}
	begin := time.Now()
	dict, err := LoadDictionary(cfg.Model.DictionaryPath())
	if err != nil {
		return nil, err
	}
	p := &Pool{cfg: cfg, log: cfg.Logger, dict: dict}
	for range cfg.Grammar {
		d, err := newDecoder(cfg.Model, false)
		if err != nil {
			p.Close()
			return nil, err
		}
		p.grammar = append(p.grammar, d)
	}
	for range cfg.FreeForm {
		d, err := newDecoder(cfg.Model, true)
		if err != nil {
			p.Close()
			return nil, err
		}
		p.freeForm = append(p.freeForm, d)
	}
	p.log.Info("sphinx pool ready", "model", cfg.Model.dir(), "words", dict.Len(),
		"grammar_decoders", cfg.Grammar, "free_form_decoders", cfg.FreeForm, "took", time.Since(begin))
	return p, nil
}

// Dictionary is the pool's pronunciation dictionary.
func (p *Pool) Dictionary() *Dictionary { return p.dict }

// Idle reports the warm decoders waiting in the pool.
func (p *Pool) Idle() (grammar, freeForm int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.grammar), len(p.freeForm)
}

func (p *Pool) acquire(freeForm bool) (*decoder, error) {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil, ErrPoolClosed
	}
	idle := &p.grammar
	if freeForm {
		idle = &p.freeForm
	}
	if n := len(*idle); n > 0 {
		d := (*idle)[n-1]
		*idle = (*idle)[:n-1]
		p.mu.Unlock()
		return d, nil
	}
	p.mu.Unlock()
	// Pool exhausted: build one now rather than queue; the engine bounds
	// the number of concurrent utterances.
	p.log.Debug("sphinx pool empty, initialising a decoder", "free_form", freeForm)
	return newDecoder(p.cfg.Model, freeForm)
}

func (p *Pool) release(d *decoder, healthy bool) {
	if d.inUtt {
		if err := d.end(); err != nil {
			healthy = false
		}
	}
	p.mu.Lock()
	keep := healthy && !p.closed && d.added < maxAddedPronunciations
	if keep {
		if d.freeForm && len(p.freeForm) < p.cfg.FreeForm {
			p.freeForm = append(p.freeForm, d)
		} else if !d.freeForm && len(p.grammar) < p.cfg.Grammar {
			p.grammar = append(p.grammar, d)
		} else {
			keep = false
		}
	}
	p.mu.Unlock()
	if !keep {
		d.close()
	}
}

// Close frees the idle decoders; decoders still held by utterances are freed
// when those are closed.
func (p *Pool) Close() {
	p.mu.Lock()
	idle := append(p.grammar, p.freeForm...)
	p.grammar, p.freeForm = nil, nil
	p.closed = true
	p.mu.Unlock()
	for _, d := range idle {
		d.close()
	}
}
