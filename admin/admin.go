// Package admin serves the operator's HTTP endpoint: Prometheus metrics,
// liveness, readiness and admin actions such as reloading models.
package admin

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// ReadyFunc reports nil when the server can take new calls.
type ReadyFunc func() error

// Action is an admin operation exposed as POST /admin/<name>.
type Action func(ctx context.Context) error

// Server is the HTTP endpoint.
type Server struct {
	log     *slog.Logger
	mux     *http.ServeMux
	srv     *http.Server
	ln      net.Listener
	mu      sync.Mutex
	ready   ReadyFunc
	actions map[string]Action
	done    chan struct{}
}

// New builds the endpoint around a Prometheus gatherer (the process's own
// registry, never the global one).
func New(g prometheus.Gatherer, log *slog.Logger) *Server {
	s := &Server{log: log, mux: http.NewServeMux(), actions: map[string]Action{}, done: make(chan struct{})}
	s.mux.Handle("GET /metrics", promhttp.HandlerFor(g, promhttp.HandlerOpts{ErrorLog: slogPrinter{log}}))
	s.mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintln(w, "ok")
	})
	s.mux.HandleFunc("GET /readyz", s.readyz)
	s.mux.HandleFunc("POST /admin/{action}", s.action)
	return s
}

// EnableProfiling serves the Go runtime's profiles (net/http/pprof) under
// /debug/pprof/: CPU, heap, goroutines. They show the process's internals,
// so they are off unless configured (http.pprof).
func (s *Server) EnableProfiling() {
	s.mux.HandleFunc("GET /debug/pprof/", pprof.Index)
	s.mux.HandleFunc("GET /debug/pprof/cmdline", pprof.Cmdline)
	s.mux.HandleFunc("GET /debug/pprof/profile", pprof.Profile)
	s.mux.HandleFunc("GET /debug/pprof/symbol", pprof.Symbol)
	s.mux.HandleFunc("POST /debug/pprof/symbol", pprof.Symbol) // what go tool pprof sends
	s.mux.HandleFunc("GET /debug/pprof/trace", pprof.Trace)
}

// SetReady installs the readiness check; until then /readyz says not ready.
func (s *Server) SetReady(f ReadyFunc) {
	s.mu.Lock()
	s.ready = f
	s.mu.Unlock()
}

// Handle registers an admin action.
func (s *Server) Handle(name string, a Action) {
	s.mu.Lock()
	s.actions[name] = a
	s.mu.Unlock()
}

func (s *Server) readyz(w http.ResponseWriter, _ *http.Request) {
	s.mu.Lock()
	ready := s.ready
	s.mu.Unlock()
	err := errors.New("starting")
	if ready != nil {
		err = ready()
	}
	if err != nil {
		http.Error(w, "not ready: "+err.Error(), http.StatusServiceUnavailable)
		return
	}
	fmt.Fprintln(w, "ready")
}

func (s *Server) action(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("action")
	s.mu.Lock()
	a, ok := s.actions[name]
	s.mu.Unlock()
	if !ok {
		http.Error(w, "unknown admin action "+name, http.StatusNotFound)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 30*time.Second)
	defer cancel()
	if err := a(ctx); err != nil {
		s.log.Warn("admin action failed", "action", name, "err", err)
		http.Error(w, name+": "+err.Error(), http.StatusUnprocessableEntity)
		return
	}
	s.log.Info("admin action done", "action", name)
	fmt.Fprintln(w, "ok")
}

// Listen binds addr and serves in the background.
func (s *Server) Listen(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("admin: %w", err)
	}
	s.ln = ln
	s.srv = &http.Server{Handler: s.mux, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		defer close(s.done)
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("admin endpoint stopped", "err", err)
		}
	}()
	return nil
}

// Addr is the bound address (useful with port 0).
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Close stops serving and waits for the serving goroutine.
func (s *Server) Close(ctx context.Context) error {
	if s.srv == nil {
		return nil
	}
	err := s.srv.Shutdown(ctx)
	<-s.done
	return err
}

type slogPrinter struct{ log *slog.Logger }

func (p slogPrinter) Println(v ...any) { p.log.Error("metrics", "err", fmt.Sprint(v...)) }
