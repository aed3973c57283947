package grammar

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"
)

// Fetcher retrieves grammar documents by URI. RFC 6787 §9.5.1 requires
// http and https; file is available only when enabled explicitly. Every
// fetch is bounded in time and size, and both the URI and every redirect
// target must pass the scheme and host allow-lists: a client must not be
// able to make the server read arbitrary internal resources.
type Fetcher struct {
	client   *http.Client
	timeout  time.Duration
	maxBytes int64
	schemes  map[string]bool
	hosts    []string
	fileDir  string
	log      *slog.Logger
}

// Document is a fetched grammar body.
type Document struct {
	URI         string // after redirects
	ContentType string
	Body        []byte
}

// FetchOption configures a Fetcher.
type FetchOption func(*Fetcher)

// Defaults of a Fetcher.
const (
	DefaultFetchTimeout  = 10 * time.Second
	DefaultFetchMaxBytes = 1 << 20
	maxRedirects         = 5
)

// WithTimeout bounds each fetch, redirects included. A shorter deadline on
// the context passed to Fetch (the request's Fetch-Timeout) wins.
func WithTimeout(d time.Duration) FetchOption { return func(f *Fetcher) { f.timeout = d } }

// WithMaxBytes bounds the size of a fetched body.
func WithMaxBytes(n int64) FetchOption { return func(f *Fetcher) { f.maxBytes = n } }

// WithSchemes replaces the allowed URI schemes (default http and https).
// Adding "file" here is not enough: file access needs WithFiles.
func WithSchemes(schemes ...string) FetchOption {
	return func(f *Fetcher) {
		f.schemes = map[string]bool{}
		for _, s := range schemes {
			f.schemes[strings.ToLower(s)] = true
		}
	}
}

// WithHosts restricts http(s) fetches to the given hosts: "example.com"
// (any port), "example.com:8080", or "*.example.com" (any subdomain). With
// no host list every host is allowed.
func WithHosts(hosts ...string) FetchOption {
	return func(f *Fetcher) {
		f.hosts = nil
		for _, h := range hosts {
			if h = strings.ToLower(strings.TrimSpace(h)); h != "" {
				f.hosts = append(f.hosts, h)
			}
		}
	}
}

// WithFiles allows file: URIs naming files inside dir (symbolic links
// cannot lead out of it).
func WithFiles(dir string) FetchOption {
	return func(f *Fetcher) {
		f.fileDir = dir
		if f.schemes == nil {
			f.schemes = map[string]bool{"http": true, "https": true}
		}
		f.schemes["file"] = true
	}
}

// WithHTTPClient sets the HTTP client (transport, proxy, TLS settings).
// Its redirect policy is replaced by the Fetcher's own.
func WithHTTPClient(c *http.Client) FetchOption { return func(f *Fetcher) { f.client = c } }

// WithFetchLogger sets the logger; fetches log at debug level.
func WithFetchLogger(l *slog.Logger) FetchOption { return func(f *Fetcher) { f.log = l } }

// NewFetcher returns a Fetcher with the given options.
func NewFetcher(opts ...FetchOption) *Fetcher {
	f := &Fetcher{timeout: DefaultFetchTimeout, maxBytes: DefaultFetchMaxBytes}
	for _, o := range opts {
		o(f)
	}
	if f.schemes == nil {
		f.schemes = map[string]bool{"http": true, "https": true}
	}
	if f.log == nil {
		f.log = slog.New(slog.DiscardHandler)
	}
	base := f.client
	if base == nil {
		base = &http.Client{}
	}
	c := *base
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if len(via) >= maxRedirects {
			return fmt.Errorf("more than %d redirects", maxRedirects)
		}
		return f.allowed(req.URL)
	}
	f.client = &c
	return f
}

// allowed checks a URI against the allow-lists.
func (f *Fetcher) allowed(u *url.URL) error {
	scheme := strings.ToLower(u.Scheme)
	if !f.schemes[scheme] {
		return fmt.Errorf("scheme %q is not allowed", u.Scheme)
	}
	if scheme == "file" {
		if f.fileDir == "" {
			return fmt.Errorf("file access is not enabled")
		}
		return nil
	}
	if u.Host == "" {
		return fmt.Errorf("URI has no host")
	}
	if len(f.hosts) == 0 {
		return nil
	}
	host, hostPort := strings.ToLower(u.Hostname()), strings.ToLower(u.Host)
	for _, h := range f.hosts {
		switch {
		case strings.HasPrefix(h, "*."):
			if strings.HasSuffix(host, h[1:]) {
				return nil
			}
		case h == host || h == hostPort:
			return nil
		}
	}
	return fmt.Errorf("host %q is not allowed", u.Host)
}

// Fetch retrieves uri. Errors wrap ErrURI when the resource could not be
// accessed (refused, unreachable, timed out, HTTP error) and ErrLoad when
// it was too large.
func (f *Fetcher) Fetch(ctx context.Context, uri string) (*Document, error) {
	u, err := url.Parse(strings.TrimSpace(uri))
	if err != nil {
		return nil, uriErrorf("%q: %v", uri, err)
	}
	if err := f.allowed(u); err != nil {
		return nil, uriErrorf("%s: %v", uri, err)
	}
	if f.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, f.timeout)
		defer cancel()
	}
	start := time.Now()
	var doc *Document
	if strings.EqualFold(u.Scheme, "file") {
		doc, err = f.fetchFile(u)
	} else {
		doc, err = f.fetchHTTP(ctx, u)
	}
	if err != nil {
		f.log.DebugContext(ctx, "grammar fetch failed", "uri", uri, "err", err)
		return nil, err
	}
	f.log.DebugContext(ctx, "grammar fetched", "uri", uri, "bytes", len(doc.Body), "elapsed", time.Since(start))
	return doc, nil
}

func (f *Fetcher) fetchHTTP(ctx context.Context, u *url.URL) (*Document, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, uriErrorf("%s: %v", u, err)
	}
	req.Header.Set("Accept", "application/srgs+xml, application/srgs;q=0.9, */*;q=0.1")
	resp, err := f.client.Do(req)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return nil, uriErrorf("%s: timed out", u)
		}
		return nil, uriErrorf("%s: %v", u, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, uriErrorf("%s: HTTP status %s", u, resp.Status)
	}
	if resp.ContentLength > f.maxBytes {
		return nil, loadErrorf("%s: %d bytes exceed the limit of %d", u, resp.ContentLength, f.maxBytes)
	}
	body, err := readLimited(resp.Body, f.maxBytes)
	if err != nil {
		if errors.Is(err, errTooBig) {
			return nil, loadErrorf("%s: body exceeds the limit of %d bytes", u, f.maxBytes)
		}
		if errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return nil, uriErrorf("%s: timed out", u)
		}
		return nil, uriErrorf("%s: %v", u, err)
	}
	final := u.String()
	if resp.Request != nil && resp.Request.URL != nil {
		final = resp.Request.URL.String()
	}
	ct := resp.Header.Get("Content-Type")
	if mt := mediaType(ct); mt == "" || mt == "text/plain" || mt == "application/octet-stream" {
		if byExt := typeByExtension(final); byExt != "" {
			ct = byExt
		}
	}
	return &Document{URI: final, ContentType: ct, Body: body}, nil
}

func (f *Fetcher) fetchFile(u *url.URL) (*Document, error) {
	p := u.Path
	if p == "" {
		p = u.Opaque
	}
	if u.Host != "" && u.Host != "localhost" {
		return nil, uriErrorf("%s: file URIs on other hosts are not supported", u)
	}
	dir, err := filepath.Abs(f.fileDir)
	if err != nil {
		return nil, uriErrorf("%s: %v", u, err)
	}
	abs := filepath.Clean(filepath.FromSlash(p))
	if !filepath.IsAbs(abs) {
		abs = filepath.Join(dir, abs)
	}
	rel, err := filepath.Rel(dir, abs)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return nil, uriErrorf("%s: outside the allowed directory", u)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, uriErrorf("%s: %v", u, err)
	}
	defer root.Close()
	fh, err := root.Open(rel)
	if err != nil {
		return nil, uriErrorf("%s: %v", u, err)
	}
	defer fh.Close()
	body, err := readLimited(fh, f.maxBytes)
	if err != nil {
		if errors.Is(err, errTooBig) {
			return nil, loadErrorf("%s: file exceeds the limit of %d bytes", u, f.maxBytes)
		}
		return nil, uriErrorf("%s: %v", u, err)
	}
	return &Document{URI: u.String(), ContentType: typeByExtension(p), Body: body}, nil
}

var errTooBig = errors.New("body too large")

func readLimited(r io.Reader, limit int64) ([]byte, error) {
	body, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(body)) > limit {
		return nil, errTooBig
	}
	return body, nil
}

// typeByExtension maps the usual grammar file extensions to media types.
func typeByExtension(uri string) string {
	if u, err := url.Parse(uri); err == nil {
		uri = u.Path
	}
	switch strings.ToLower(path.Ext(uri)) {
	case ".grxml", ".srgs", ".xml":
		return MediaTypeSRGSXML
	case ".gram", ".abnf", ".srgsabnf":
		return MediaTypeSRGS
	}
	return ""
}
