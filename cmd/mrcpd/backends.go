package main

// This file is the one place where backends are chosen and wired: the
// recogniser engine, the grammar fetcher and, through them, the speech path
// of the server.

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/mrcpd/mrcpd/admin"
	"github.com/mrcpd/mrcpd/asr"
	"github.com/mrcpd/mrcpd/asr/websocket"
	"github.com/mrcpd/mrcpd/config"
	"github.com/mrcpd/mrcpd/grammar"
	"github.com/mrcpd/mrcpd/mrcp/server"
	"github.com/mrcpd/mrcpd/nlu"
	"github.com/mrcpd/mrcpd/recognizer"
)

type backends struct {
	asr     asr.Recognizer
	speech  server.SpeechPath
	metrics *server.BackendMetrics
	models  *nlu.Store
}

// asrRegistry lists the recogniser backends this build offers.
func asrRegistry(log *slog.Logger) *asr.Registry {
	reg := asr.NewRegistry()
	must(reg.Register("websocket", websocket.NewFactory(log)))
	return reg
}

func newBackends(cfg config.Config, log *slog.Logger, reg prometheus.Registerer) (*backends, error) {
	b := &backends{metrics: server.NewBackendMetrics(reg), models: nlu.NewStore(log)}
	files, err := cfg.NLU.ModelFiles()
	if err != nil {
		return nil, err
	}
	for name, path := range files {
		if err := b.models.Add(name, path); err != nil {
			return nil, fmt.Errorf("nlu model %s: %w", name, err)
		}
	}
	settings := map[string]string{"url": cfg.Recognizer.URL, "keep_alive": cfg.Recognizer.KeepAlive.String()}
	engine, err := asrRegistry(log).New(cfg.Recognizer.Backend, settings)
	if err != nil {
		return nil, fmt.Errorf("recognizer.backend: %w", err)
	}
	speech, err := recognizer.New(recognizer.Options{
		ASR:           engine,
		Grammars:      grammarLoader(cfg.Grammar, log),
		ResultType:    cfg.Recognizer.ResultType,
		WaveformDir:   cfg.Recognizer.WaveformDir,
		CheckGrammars: cfg.Recognizer.CheckGrammars,
		NLU:           b.models,
		DefaultNLU:    cfg.NLU.DefaultModel,
		Observe:       b.metrics.Observe,
		Logger:        log,
	})
	if err != nil {
		return nil, err
	}
	b.asr, b.speech = engine, speech
	log.Info("recogniser", "backend", cfg.Recognizer.Backend, "url", cfg.Recognizer.URL)
	return b, nil
}

// grammarLoader applies the fetch allow-list: no host listed means no
// remote grammar is fetched at all; "*" allows any host.
func grammarLoader(c config.Grammar, log *slog.Logger) *grammar.Loader {
	opts := []grammar.FetchOption{
		grammar.WithTimeout(c.FetchTimeout),
		grammar.WithMaxBytes(int64(c.FetchMaxBytes)),
		grammar.WithFetchLogger(log),
	}
	switch {
	case len(c.FetchHosts) == 0:
		opts = append(opts, grammar.WithSchemes())
	case slices.Contains(c.FetchHosts, "*"):
		opts = append(opts, grammar.WithSchemes(c.FetchSchemes...))
	default:
		opts = append(opts, grammar.WithSchemes(c.FetchSchemes...), grammar.WithHosts(c.FetchHosts...))
	}
	return grammar.NewLoader(grammar.WithFetcher(grammar.NewFetcher(opts...)), grammar.WithLoaderLogger(log))
}

// registerAdmin exposes backend actions on the admin endpoint.
func (b *backends) registerAdmin(a *admin.Server) {
	a.Handle("reload", func(context.Context) error { return b.reload() })
}

// reload re-reads the NLU models; a model whose file fails keeps serving its
// previous version, and the error names it.
func (b *backends) reload() error {
	return b.models.Reload()
}

// Close releases what the backends hold between calls (the websocket
// backend's idle connections), once the server has stopped.
func (b *backends) Close() {
	if c, ok := b.asr.(io.Closer); ok {
		_ = c.Close()
	}
}

func must(err error) {
	if err != nil {
		panic(err)
	}
}
