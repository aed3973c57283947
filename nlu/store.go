package nlu

import (
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"sync"
	"sync/atomic"
)

// Store holds named models loaded from files and replaces them atomically on reload. Get never blocks and
// never sees a half-loaded model; a model file that fails to load leaves the previous model in service.
type Store struct {
	log *slog.Logger
	mu  sync.Mutex // serialises Add, Remove and Reload
	cur atomic.Pointer[map[string]storeEntry]
}

type storeEntry struct {
	path  string
	model *Model
}

// NewStore returns an empty store that logs loads and failures to log (nil discards them).
func NewStore(log *slog.Logger) *Store {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Store{log: log}
	empty := map[string]storeEntry{}
	s.cur.Store(&empty)
	return s
}

// Add loads the model at path under name, replacing a model of that name. On error the store is unchanged.
func (s *Store) Add(name, path string) error {
	if name == "" {
		return errors.New("nlu: model name is empty")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m, err := Load(path)
	if err != nil {
		s.log.Warn("nlu model not loaded", "model", name, "path", path, "err", err)
		return err
	}
	next := maps.Clone(*s.cur.Load())
	next[name] = storeEntry{path: path, model: m}
	s.cur.Store(&next)
	s.log.Info("nlu model loaded", "model", name, "path", path, "intents", len(m.intents))
	return nil
}

// Remove drops a model; it reports whether the name was present.
func (s *Store) Remove(name string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	cur := *s.cur.Load()
	if _, ok := cur[name]; !ok {
		return false
	}
	next := maps.Clone(cur)
	delete(next, name)
	s.cur.Store(&next)
	return true
}

// Get returns the current model of that name.
func (s *Store) Get(name string) (*Model, bool) {
	e, ok := (*s.cur.Load())[name]
	return e.model, ok
}

// Names returns the names of the loaded models, sorted.
func (s *Store) Names() []string {
	return slices.Sorted(maps.Keys(*s.cur.Load()))
}

// Reload reads every model again from its file and swaps the new set in at once. A model whose file is
// missing or invalid keeps its previous version; the returned error lists each such model.
func (s *Store) Reload() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	cur := *s.cur.Load()
	next := maps.Clone(cur)
	var errs []error
	for _, name := range slices.Sorted(maps.Keys(cur)) {
		e := cur[name]
		m, err := Load(e.path)
		if err != nil {
			s.log.Warn("nlu model reload failed; keeping the previous version", "model", name, "path", e.path, "err", err)
			errs = append(errs, fmt.Errorf("model %q: %w", name, err))
			continue
		}
		next[name] = storeEntry{path: e.path, model: m}
		s.log.Info("nlu model reloaded", "model", name, "path", e.path, "intents", len(m.intents))
	}
	s.cur.Store(&next)
	return errors.Join(errs...)
}
