package grammar

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// grammarServer serves files from a map and counts requests.
type grammarServer struct {
	*httptest.Server
	hits  atomic.Int64
	files map[string]struct{ ct, body string }
}

func newGrammarServer(t *testing.T, files map[string]struct{ ct, body string }) *grammarServer {
	t.Helper()
	gs := &grammarServer{files: files}
	gs.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gs.hits.Add(1)
		f, ok := gs.files[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		if f.ct != "" {
			w.Header().Set("Content-Type", f.ct)
		} else {
			w.Header()["Content-Type"] = nil // no sniffing by net/http
		}
		_, _ = w.Write([]byte(f.body))
	}))
	t.Cleanup(gs.Close)
	return gs
}

func TestFetchHTTP(t *testing.T) {
	gs := newGrammarServer(t, map[string]struct{ ct, body string }{
		"/digits.grxml": {"application/srgs+xml", traceGrammar},
		"/plain.gram":   {"", "#ABNF 1.0;\n$r = x;"},
	})
	f := NewFetcher()
	doc, err := f.Fetch(context.Background(), gs.URL+"/digits.grxml")
	if err != nil {
		t.Fatal(err)
	}
	if doc.ContentType != "application/srgs+xml" || string(doc.Body) != traceGrammar || doc.URI != gs.URL+"/digits.grxml" {
		t.Errorf("doc = %+v", doc)
	}
	doc, err = f.Fetch(context.Background(), gs.URL+"/plain.gram")
	if err != nil || doc.ContentType != MediaTypeSRGS {
		t.Errorf("untyped .gram: %+v, %v", doc, err)
	}
	_, err = f.Fetch(context.Background(), gs.URL+"/missing.grxml")
	if !errors.Is(err, ErrURI) || CauseCode(err) != 9 || !strings.Contains(err.Error(), "404") {
		t.Errorf("404: %v", err)
	}
}

func TestFetchAllowList(t *testing.T) {
	gs := newGrammarServer(t, map[string]struct{ ct, body string }{"/g.grxml": {"application/srgs+xml", traceGrammar}})
	u, _ := url.Parse(gs.URL)
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		f    *Fetcher
		uri  string
	}{
		{"scheme", NewFetcher(), "ftp://" + u.Host + "/g.grxml"},
		{"file without WithFiles", NewFetcher(WithSchemes("http", "file")), "file:///etc/hostname"},
		{"https only", NewFetcher(WithSchemes("https")), gs.URL + "/g.grxml"},
		{"other host", NewFetcher(WithHosts("grammars.example.com")), gs.URL + "/g.grxml"},
		{"other port", NewFetcher(WithHosts("127.0.0.1:1")), gs.URL + "/g.grxml"},
		{"wildcard does not cover the bare domain", NewFetcher(WithHosts("*.0.0.1")), "http://0.0.1/g"},
		{"no host", NewFetcher(), "http:///g.grxml"},
		{"unparsable", NewFetcher(), "http://[::1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := gs.hits.Load()
			_, err := tc.f.Fetch(ctx, tc.uri)
			if !errors.Is(err, ErrURI) {
				t.Fatalf("Fetch(%s) = %v, want a refusal", tc.uri, err)
			}
			if gs.hits.Load() != before {
				t.Errorf("a refused fetch reached the server")
			}
		})
	}
	for _, hosts := range [][]string{{"127.0.0.1"}, {u.Host}, {"*.example.com", "127.0.0.1"}} {
		if _, err := NewFetcher(WithHosts(hosts...)).Fetch(ctx, gs.URL+"/g.grxml"); err != nil {
			t.Errorf("hosts %q: %v", hosts, err)
		}
	}
	wild := NewFetcher(WithHosts("*.example.com"))
	if err := wild.allowed(&url.URL{Scheme: "http", Host: "a.b.example.com"}); err != nil {
		t.Errorf("wildcard subdomain refused: %v", err)
	}
}

func TestFetchRedirects(t *testing.T) {
	target := newGrammarServer(t, map[string]struct{ ct, body string }{"/g.grxml": {"application/srgs+xml", traceGrammar}})
	var redirector *httptest.Server
	redirector = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/away":
			http.Redirect(w, r, target.URL+"/g.grxml", http.StatusFound)
		case "/loop":
			http.Redirect(w, r, redirector.URL+"/loop", http.StatusFound)
		}
	}))
	t.Cleanup(redirector.Close)
	ru, _ := url.Parse(redirector.URL)
	ctx := context.Background()

	// Allowed: the redirect target is on an allowed host too.
	doc, err := NewFetcher(WithHosts("127.0.0.1")).Fetch(ctx, redirector.URL+"/away")
	if err != nil || doc.URI != target.URL+"/g.grxml" {
		t.Fatalf("redirect: %+v, %v", doc, err)
	}
	// Refused: only the redirector's host:port is allowed.
	before := target.hits.Load()
	_, err = NewFetcher(WithHosts(ru.Host)).Fetch(ctx, redirector.URL+"/away")
	if !errors.Is(err, ErrURI) || !strings.Contains(err.Error(), "not allowed") {
		t.Errorf("redirect off the allow-list: %v", err)
	}
	if target.hits.Load() != before {
		t.Error("the refused redirect target was contacted")
	}
	_, err = NewFetcher().Fetch(ctx, redirector.URL+"/loop")
	if !errors.Is(err, ErrURI) || !strings.Contains(err.Error(), "redirects") {
		t.Errorf("redirect loop: %v", err)
	}
}

func TestFetchSizeLimit(t *testing.T) {
	big := strings.Repeat("x", 5000)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/chunked" {
			// Flushing before the end forces chunked encoding: no
			// Content-Length to refuse up front.
			_, _ = w.Write([]byte(big[:100]))
			w.(http.Flusher).Flush()
			_, _ = w.Write([]byte(big[100:]))
			return
		}
		_, _ = w.Write([]byte(big))
	}))
	t.Cleanup(srv.Close)
	f := NewFetcher(WithMaxBytes(4096))
	for _, path := range []string{"/length", "/chunked"} {
		_, err := f.Fetch(context.Background(), srv.URL+path)
		if !errors.Is(err, ErrLoad) || !strings.Contains(err.Error(), "limit") {
			t.Errorf("%s: %v, want a size-limit load failure", path, err)
		}
	}
	if doc, err := NewFetcher(WithMaxBytes(5000)).Fetch(context.Background(), srv.URL+"/chunked"); err != nil || len(doc.Body) != 5000 {
		t.Errorf("body at the limit: %v", err)
	}
}

func TestFetchTimeout(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		case <-time.After(5 * time.Second):
		}
	}))
	t.Cleanup(func() { close(release); srv.Close() })
	start := time.Now()
	_, err := NewFetcher(WithTimeout(100*time.Millisecond)).Fetch(context.Background(), srv.URL+"/slow")
	if !errors.Is(err, ErrURI) || !strings.Contains(err.Error(), "timed out") {
		t.Fatalf("err = %v, want a timeout", err)
	}
	if elapsed := time.Since(start); elapsed > 3*time.Second {
		t.Errorf("timeout took %v", elapsed)
	}
	// The caller's deadline (Fetch-Timeout) is honoured too.
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := NewFetcher().Fetch(ctx, srv.URL+"/slow"); !errors.Is(err, ErrURI) {
		t.Errorf("context deadline: %v", err)
	}
}

func TestFetchFiles(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "g.grxml"), []byte(traceGrammar), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "big.gram"), []byte(strings.Repeat("x", 100)), 0o600); err != nil {
		t.Fatal(err)
	}
	outside := filepath.Join(t.TempDir(), "secret.grxml")
	if err := os.WriteFile(outside, []byte("secret"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(dir, "link.grxml")); err != nil {
		t.Fatal(err)
	}
	f := NewFetcher(WithFiles(dir), WithMaxBytes(50))
	ctx := context.Background()
	doc, err := NewFetcher(WithFiles(dir)).Fetch(ctx, "file://"+filepath.ToSlash(filepath.Join(dir, "g.grxml")))
	if err != nil || string(doc.Body) != traceGrammar || doc.ContentType != MediaTypeSRGSXML {
		t.Fatalf("file fetch: %+v, %v", doc, err)
	}
	for _, uri := range []string{
		"file://" + filepath.ToSlash(outside),
		"file://" + filepath.ToSlash(filepath.Join(dir, "..", filepath.Base(filepath.Dir(outside)), "secret.grxml")),
		"file:../secret.grxml",
		"file://" + filepath.ToSlash(filepath.Join(dir, "link.grxml")),
		"file://" + filepath.ToSlash(filepath.Join(dir, "missing.grxml")),
		"file://otherhost/" + filepath.ToSlash(filepath.Join(dir, "g.grxml")),
	} {
		if _, err := f.Fetch(ctx, uri); !errors.Is(err, ErrURI) {
			t.Errorf("Fetch(%s) = %v, want a refusal", uri, err)
		}
	}
	if _, err := f.Fetch(ctx, "file://"+filepath.ToSlash(filepath.Join(dir, "big.gram"))); !errors.Is(err, ErrLoad) {
		t.Errorf("big file: %v", err)
	}
}
