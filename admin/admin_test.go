package admin

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
)

func get(t *testing.T, method, url string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, url, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestEndpoints(t *testing.T) {
	reg := prometheus.NewRegistry()
	c := prometheus.NewCounter(prometheus.CounterOpts{Name: "mrcpd_test_total", Help: "test"})
	reg.MustRegister(c)
	c.Add(3)
	s := New(reg, slog.New(slog.DiscardHandler))
	if err := s.Listen("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	defer s.Close(context.Background())
	base := "http://" + s.Addr()

	if code, body := get(t, "GET", base+"/healthz"); code != 200 || !strings.Contains(body, "ok") {
		t.Fatalf("healthz %d %q", code, body)
	}
	if code, _ := get(t, "GET", base+"/readyz"); code != 503 {
		t.Fatalf("readyz before SetReady = %d, want 503", code)
	}
	ready := errors.New("draining")
	s.SetReady(func() error { return ready })
	if code, body := get(t, "GET", base+"/readyz"); code != 503 || !strings.Contains(body, "draining") {
		t.Fatalf("readyz while draining %d %q", code, body)
	}
	ready = nil
	if code, _ := get(t, "GET", base+"/readyz"); code != 200 {
		t.Fatalf("readyz = %d, want 200", code)
	}
	if code, body := get(t, "GET", base+"/metrics"); code != 200 || !strings.Contains(body, "mrcpd_test_total 3") {
		t.Fatalf("metrics %d %q", code, body)
	}

	calls := 0
	s.Handle("reload", func(context.Context) error { calls++; return nil })
	s.Handle("broken", func(context.Context) error { return errors.New("bad model file") })
	if code, _ := get(t, "POST", base+"/admin/reload"); code != 200 || calls != 1 {
		t.Fatalf("reload %d calls=%d", code, calls)
	}
	if code, body := get(t, "POST", base+"/admin/broken"); code != 422 || !strings.Contains(body, "bad model file") {
		t.Fatalf("broken action %d %q", code, body)
	}
	if code, _ := get(t, "POST", base+"/admin/nope"); code != 404 {
		t.Fatalf("unknown action %d", code)
	}
	if code, _ := get(t, "GET", base+"/admin/reload"); code != 405 {
		t.Fatalf("GET on action %d, want 405", code)
	}
}

func TestProfilingIsOptIn(t *testing.T) {
	for _, on := range []bool{false, true} {
		s := New(prometheus.NewRegistry(), slog.New(slog.DiscardHandler))
		if on {
			s.EnableProfiling()
		}
		if err := s.Listen("127.0.0.1:0"); err != nil {
			t.Fatal(err)
		}
		base := "http://" + s.Addr()
		code, body := get(t, "GET", base+"/debug/pprof/heap?debug=1")
		goroutines, _ := get(t, "GET", base+"/debug/pprof/goroutine?debug=1")
		symbol, _ := get(t, "POST", base+"/debug/pprof/symbol")
		s.Close(context.Background())
		switch {
		case !on && (code != 404 || goroutines != 404 || symbol != 404):
			t.Errorf("profiling off: heap %d, goroutine %d, symbol %d; want 404", code, goroutines, symbol)
		case on && (code != 200 || !strings.Contains(body, "heap profile") || goroutines != 200 || symbol != 200):
			t.Errorf("profiling on: heap %d %.60q, goroutine %d, symbol %d; want 200 with a heap profile", code, body, goroutines, symbol)
		}
	}
}
