package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/mrcpd/mrcpd/asr/sphinx"
	"github.com/mrcpd/mrcpd/engine"
)

type engineFlags struct {
	listen      string
	pool        int
	freeForm    int
	maxSessions int
	modelDir    string
	idleTimeout time.Duration
	maxAudio    time.Duration
	logLevel    string
}

func newEngineCommand() *cobra.Command {
	var f engineFlags
	cmd := &cobra.Command{
		Use:   "engine",
		Short: "Serve the built-in pocketsphinx recogniser over the vosk-server websocket protocol",
		Long: `Serve the built-in speech recogniser (pocketsphinx, US English) over the
vosk-server websocket protocol, on vosk-server's default port. The "websocket"
ASR backend of "mrcpd serve" talks to it, and so can any vosk client.
Grammar-constrained decoding (grammar_jsgf or phrase_list in the config
message) is the accurate mode; free-form decoding is weak on telephone audio
(docs/engine.md).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), syscall.SIGINT, syscall.SIGTERM)
			defer stop()
			return runEngine(ctx, f, cmd.ErrOrStderr())
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.listen, "listen", "127.0.0.1:2700", "address to listen on")
	fl.IntVar(&f.pool, "pool", 4, "warm grammar decoders kept ready")
	fl.IntVar(&f.freeForm, "free-form-pool", 1, "warm free-form (language model) decoders kept ready, ~90 MB each")
	fl.IntVar(&f.maxSessions, "max-sessions", engine.DefaultMaxSessions, "concurrent connections; more are refused with HTTP 503")
	fl.StringVar(&f.modelDir, "model", sphinx.DefaultModelDir, "pocketsphinx model directory")
	fl.DurationVar(&f.idleTimeout, "idle-timeout", engine.DefaultIdleTimeout, "longest wait for a client's next message")
	fl.DurationVar(&f.maxAudio, "max-audio", sphinx.DefaultMaxAudio, "longest utterance accepted")
	fl.StringVar(&f.logLevel, "log-level", "info", "debug, info, warn or error")
	return cmd
}

func runEngine(ctx context.Context, f engineFlags, logOut io.Writer) error {
	var level slog.Level
	if err := level.UnmarshalText([]byte(strings.ToUpper(f.logLevel))); err != nil {
		return fmt.Errorf("--log-level: %w", err)
	}
	log := slog.New(slog.NewTextHandler(logOut, &slog.HandlerOptions{Level: level}))
	if f.pool < 0 || f.freeForm < 0 || f.maxSessions < 1 {
		return fmt.Errorf("--pool and --free-form-pool must be >= 0 and --max-sessions >= 1")
	}
	// Listen first: a taken port should fail before seconds of model loading.
	ln, err := net.Listen("tcp", f.listen)
	if err != nil {
		return fmt.Errorf("engine: %w", err)
	}
	pool, err := sphinx.NewPool(sphinx.PoolConfig{
		Model:    sphinx.Model{Dir: f.modelDir},
		Grammar:  f.pool,
		FreeForm: f.freeForm,
		Logger:   log,
	})
	if err != nil {
		ln.Close()
		return err
	}
	defer pool.Close()
	srv, err := engine.New(engine.Options{
		Pool:        pool,
		MaxSessions: f.maxSessions,
		IdleTimeout: f.idleTimeout,
		MaxAudio:    f.maxAudio,
		Logger:      log,
	})
	if err != nil {
		ln.Close()
		return err
	}
	return srv.Serve(ctx, ln)
}
