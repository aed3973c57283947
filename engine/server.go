// Package engine is the server side of the vosk-server websocket protocol,
// backed by pocketsphinx: what `mrcpd engine` runs. One goroutine serves
// each connection and holds a decoder from a recognition's config to its
// final result.
package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	gws "github.com/gorilla/websocket"

	"github.com/mrcpd/mrcpd/asr/sphinx"
	"github.com/mrcpd/mrcpd/asr/websocket"
)

// Defaults of Options.
const (
	DefaultMaxSessions = 64
	DefaultIdleTimeout = 30 * time.Second
)

// Options configure a Server.
type Options struct {
	// Pool supplies the decoders; required.
	Pool *sphinx.Pool
	// MaxSessions bounds concurrent connections, idle ones kept by clients
	// for their next recognition included; more are refused with HTTP 503
	// before the websocket upgrade.
	MaxSessions int
	// IdleTimeout bounds the wait for the client's next message, also
	// between two recognitions on one connection.
	IdleTimeout time.Duration
	// MaxAudio bounds one utterance (sphinx.DefaultMaxAudio when zero).
	MaxAudio time.Duration
	Logger   *slog.Logger
}

// Server accepts websocket connections and runs one recognition on each.
type Server struct {
	opts     Options
	log      *slog.Logger
	upgrader gws.Upgrader

	active atomic.Int64
	nextID atomic.Uint64

	mu       sync.Mutex
	conns    map[*gws.Conn]struct{}
	draining bool
	sessions sync.WaitGroup
}

// New checks opts and returns a Server.
func New(opts Options) (*Server, error) {
	if opts.Pool == nil {
		return nil, errors.New("engine: no decoder pool")
	}
	if opts.MaxSessions == 0 {
		opts.MaxSessions = DefaultMaxSessions
	}
	if opts.MaxSessions < 0 {
		return nil, errors.New("engine: negative session limit")
	}
	if opts.IdleTimeout <= 0 {
		opts.IdleTimeout = DefaultIdleTimeout
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	return &Server{
		opts: opts,
		log:  opts.Logger,
		upgrader: gws.Upgrader{
			ReadBufferSize:  8192,
			WriteBufferSize: 4096,
			// The protocol carries no credentials and vosk clients send no
			// Origin a browser policy could use.
			CheckOrigin: func(*http.Request) bool { return true },
		},
		conns: map[*gws.Conn]struct{}{},
	}, nil
}

// Active is the number of connections being served.
func (s *Server) Active() int { return int(s.active.Load()) }

// ServeHTTP upgrades the request and serves the recognition.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if n := s.active.Add(1); n > int64(s.opts.MaxSessions) {
		s.active.Add(-1)
		s.log.Warn("engine at capacity, connection refused", "remote", r.RemoteAddr, "max_sessions", s.opts.MaxSessions)
		http.Error(w, "engine at capacity", http.StatusServiceUnavailable)
		return
	}
	defer s.active.Add(-1)
	// A client that asks may keep the connection for more recognitions
	// (websocket.ReuseHeader); the idle timeout still bounds the wait
	// between two.
	answer := http.Header{}
	reuse := r.Header.Get(websocket.ReuseHeader) == "1"
	if reuse {
		answer.Set(websocket.ReuseHeader, websocket.ReuseAnswer(s.opts.IdleTimeout))
	}
	// A client that asks gets partials only when they change.
	quiet := r.Header.Get(websocket.PartialsHeader) == websocket.PartialsChanged
	if quiet {
		answer.Set(websocket.PartialsHeader, websocket.PartialsChanged)
	}
	conn, err := s.upgrader.Upgrade(w, r, answer)
	if err != nil {
		s.log.Debug("websocket upgrade failed", "remote", r.RemoteAddr, "err", err)
		return
	}
	if !s.track(conn) {
		_ = conn.WriteControl(gws.CloseMessage, gws.FormatCloseMessage(gws.CloseGoingAway, "engine shutting down"), time.Now().Add(time.Second))
		conn.Close()
		return
	}
	defer s.untrack(conn)
	sess := &session{
		srv:   s,
		conn:  conn,
		reuse: reuse,
		quiet: quiet,
		log:   s.log.With("session", s.nextID.Add(1), "remote", r.RemoteAddr),
	}
	sess.run()
}

func (s *Server) track(c *gws.Conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.draining {
		return false
	}
	s.conns[c] = struct{}{}
	s.sessions.Add(1)
	return true
}

func (s *Server) untrack(c *gws.Conn) {
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
	c.Close()
	s.sessions.Done()
}

// Serve accepts connections on ln until ctx is done, then stops accepting,
// closes the open connections and waits for their sessions to end.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	hs := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelDebug),
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	s.log.Info("engine listening", "addr", ln.Addr().String(), "max_sessions", s.opts.MaxSessions)
	select {
	case err := <-errc:
		return fmt.Errorf("engine: %w", err)
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	// Hijacked websocket connections are not the http.Server's any more:
	// it only stops accepting; the sessions are closed here.
	err := hs.Shutdown(shutdownCtx)
	s.mu.Lock()
	s.draining = true
	for c := range s.conns {
		_ = c.WriteControl(gws.CloseMessage, gws.FormatCloseMessage(gws.CloseGoingAway, "engine shutting down"), time.Now().Add(time.Second))
		c.Close()
	}
	s.mu.Unlock()
	s.sessions.Wait()
	<-errc
	s.log.Info("engine stopped")
	if err != nil {
		return fmt.Errorf("engine: shutdown: %w", err)
	}
	return nil
}
