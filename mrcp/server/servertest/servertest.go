// Package servertest starts a complete mrcpd on loopback for tests: the real
// server with the real speech path, backed by the built-in pocketsphinx
// engine served over its websocket protocol on an ephemeral port. Nothing in
// it is a stand-in; it only picks ports and cleans up.
package servertest

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/mrcpd/mrcpd/asr/sphinx"
	"github.com/mrcpd/mrcpd/asr/websocket"
	"github.com/mrcpd/mrcpd/engine"
	"github.com/mrcpd/mrcpd/mrcp/server"
	"github.com/mrcpd/mrcpd/nlu"
	"github.com/mrcpd/mrcpd/recognizer"
	"github.com/mrcpd/mrcpd/rtp"
	"github.com/mrcpd/mrcpd/sip"
)

// Options shape the server. RTPMin/RTPMax are required: packages' tests run
// in parallel processes, so each must use a port range of its own.
type Options struct {
	RTPMin, RTPMax int
	// EngineURL of a running engine; empty starts one for this server.
	EngineURL string
	// FreeForm decoders to keep warm in a started engine (about 2.5 s and
	// 90 MB each); 0 when the test uses grammars only.
	FreeForm       int
	IdleTimeout    time.Duration
	SessionExpires time.Duration
	MinSE          time.Duration
	ResultType     string
	WaveformDir    string
	Codecs         []string
	// NLU models and the default one, as in recognizer.Options.
	NLU        *nlu.Store
	DefaultNLU string
	// Logger; nil logs warnings and errors to the test's stderr when
	// MRCPD_TEST_LOG is set, nothing otherwise.
	Logger *slog.Logger
}

// Server is a running mrcpd.
type Server struct {
	*server.Server
	EngineURL string
	Metrics   *prometheus.Registry
	asr       *websocket.Recognizer
}

// CloseIdleEngineConnections closes the engine connections the speech path
// keeps between recognitions, and so the engine goroutines serving them,
// for tests that count the process's goroutines.
func (s *Server) CloseIdleEngineConnections() { s.asr.CloseIdleConnections() }

// StartEngine serves the built-in recogniser on 127.0.0.1 until the test
// ends and returns its websocket URL.
func StartEngine(tb testing.TB, freeForm int) string {
	tb.Helper()
	log := logger(nil)
	pool, err := sphinx.NewPool(sphinx.PoolConfig{Grammar: 2, FreeForm: freeForm, Logger: log})
	if err != nil {
		tb.Fatalf("servertest: pocketsphinx: %v (make test installs libpocketsphinx-dev and pocketsphinx-en-us)", err)
	}
	eng, err := engine.New(engine.Options{Pool: pool, Logger: log})
	if err != nil {
		pool.Close()
		tb.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		pool.Close()
		tb.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- eng.Serve(ctx, ln) }()
	tb.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil && !errors.Is(err, http.ErrServerClosed) && !errors.Is(err, context.Canceled) {
				tb.Errorf("servertest: engine: %v", err)
			}
		case <-time.After(10 * time.Second):
			tb.Errorf("servertest: engine did not stop")
		}
		pool.Close()
	})
	return "ws://" + ln.Addr().String()
}

// Start runs a server on 127.0.0.1 with ephemeral SIP and MRCPv2 ports.
func Start(tb testing.TB, o Options) *Server {
	tb.Helper()
	if o.RTPMin == 0 || o.RTPMax == 0 {
		tb.Fatal("servertest: Options.RTPMin/RTPMax are required")
	}
	if o.EngineURL == "" {
		o.EngineURL = StartEngine(tb, o.FreeForm)
	}
	log := logger(o.Logger)
	reg := prometheus.NewRegistry()
	backend := server.NewBackendMetrics(reg)
	asrBackend, err := websocket.New(websocket.Options{URL: o.EngineURL, Logger: log})
	if err != nil {
		tb.Fatal(err)
	}
	// After the server's own cleanup (registered below, run first).
	tb.Cleanup(func() { asrBackend.Close() })
	speech, err := recognizer.New(recognizer.Options{
		ASR:         asrBackend,
		ResultType:  o.ResultType,
		WaveformDir: o.WaveformDir,
		// As configured by default (recognizer.check_grammars).
		CheckGrammars: true,
		NLU:           o.NLU,
		DefaultNLU:    o.DefaultNLU,
		Observe:       backend.Observe,
		Logger:        log,
	})
	if err != nil {
		tb.Fatal(err)
	}
	srv, err := server.New(server.Options{
		SIP: sip.Config{
			BindHost:       "127.0.0.1",
			UDPPort:        sip.PortAny,
			TCPPort:        sip.PortAny,
			SessionExpires: o.SessionExpires,
			MinSE:          o.MinSE,
		},
		MRCPAddr:    "127.0.0.1:0",
		RTP:         rtp.PortPoolOptions{Host: netip.MustParseAddr("127.0.0.1"), Min: o.RTPMin, Max: o.RTPMax},
		Media:       rtp.EngineOptions{Shards: 1, Tick: 20 * time.Millisecond},
		Codecs:      o.Codecs,
		Latching:    true,
		IdleTimeout: o.IdleTimeout,
		Speech:      speech,
		Backend:     backend,
		Logger:      log,
		Registerer:  reg,
	})
	if err != nil {
		tb.Fatal(err)
	}
	if err := srv.Start(context.Background()); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { srv.Close() })
	return &Server{Server: srv, EngineURL: o.EngineURL, Metrics: reg, asr: asrBackend}
}

func logger(l *slog.Logger) *slog.Logger {
	if l != nil {
		return l
	}
	if os.Getenv("MRCPD_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.DiscardHandler)
}
