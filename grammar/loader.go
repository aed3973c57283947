package grammar

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"net/url"
	"strings"
)

// SessionGrammars resolves the content id of a session: URI to a grammar
// the session defined earlier (DEFINE-GRAMMAR, or an inline grammar of a
// previous RECOGNIZE). It is the caller's store; the Loader only reads it.
type SessionGrammars func(contentID string) (*Compiled, bool)

// Loader turns grammar bodies and references into compiled grammars:
// inline SRGS, session: references, builtin: URIs and fetched http(s)
// documents, including rule references between documents. Compiled
// grammars are shared through a content-hash cache. A Loader is safe for
// concurrent use.
type Loader struct {
	fetcher *Fetcher
	cache   *Cache
	log     *slog.Logger
}

// LoaderOption configures a Loader.
type LoaderOption func(*Loader)

// WithFetcher sets the Fetcher for http(s) and file references.
func WithFetcher(f *Fetcher) LoaderOption { return func(l *Loader) { l.fetcher = f } }

// WithCache sets the compiled-grammar cache (shared between loaders if
// desired).
func WithCache(c *Cache) LoaderOption { return func(l *Loader) { l.cache = c } }

// WithLoaderLogger sets the logger.
func WithLoaderLogger(lg *slog.Logger) LoaderOption { return func(l *Loader) { l.log = lg } }

// NewLoader returns a Loader; without options it fetches with
// NewFetcher() defaults and caches DefaultCacheEntries grammars.
func NewLoader(opts ...LoaderOption) *Loader {
	l := &Loader{}
	for _, o := range opts {
		o(l)
	}
	if l.log == nil {
		l.log = slog.New(slog.DiscardHandler)
	}
	if l.fetcher == nil {
		l.fetcher = NewFetcher(WithFetchLogger(l.log))
	}
	if l.cache == nil {
		l.cache = NewCache(DefaultCacheEntries)
	}
	return l
}

// Cache returns the loader's cache.
func (l *Loader) Cache() *Cache { return l.cache }

// Loaded is one grammar of a request body.
type Loaded struct {
	Grammar *Compiled
	Weight  float64
	// URI names the grammar in results (the NLSML grammar attribute): the
	// reference as given, or "session:<content-id>" for an inline grammar.
	URI string
	// ContentID is set for inline grammars: the session must store the
	// grammar under it (RFC 6787 §9.5.1), so later session: URIs find it.
	ContentID string
}

// maxImportDepth bounds chains of rule references between documents.
const maxImportDepth = 8

// LoadBody loads the grammars of a RECOGNIZE or DEFINE-GRAMMAR body
// (RFC 6787 §9.5.1): an inline grammar (application/srgs+xml,
// application/srgs) identified by contentID, a reference list
// (text/uri-list, text/grammar-ref-list), or a multipart/mixed body of
// those.
func (l *Loader) LoadBody(ctx context.Context, contentType, contentID string, body []byte, session SessionGrammars) ([]Loaded, error) {
	mt := mediaType(contentType)
	switch {
	case mt == MediaTypeURIList || mt == MediaTypeGrammarRefList:
		refs, err := ParseReferences(contentType, body)
		if err != nil {
			return nil, err
		}
		out := make([]Loaded, 0, len(refs))
		for _, r := range refs {
			g, err := l.Resolve(ctx, r.URI, session)
			if err != nil {
				return nil, err
			}
			out = append(out, Loaded{Grammar: g, Weight: r.Weight, URI: r.URI})
		}
		return out, nil
	case strings.HasPrefix(mt, "multipart/"):
		return l.loadMultipart(ctx, contentType, body, session)
	}
	g, err := l.Inline(ctx, contentType, body, "", session)
	if err != nil {
		return nil, err
	}
	id := ContentID(contentID)
	uri := ""
	if id != "" {
		uri = "session:" + id
	}
	return []Loaded{{Grammar: g, Weight: 1, URI: uri, ContentID: id}}, nil
}

// maxParts bounds the parts of a multipart body.
const maxParts = 64

func (l *Loader) loadMultipart(ctx context.Context, contentType string, body []byte, session SessionGrammars) ([]Loaded, error) {
	_, params, err := mime.ParseMediaType(contentType)
	if err != nil || params["boundary"] == "" {
		return nil, loadErrorf("multipart body without a boundary")
	}
	mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
	var out []Loaded
	for n := 0; ; n++ {
		part, err := mr.NextRawPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, loadErrorf("multipart body: %v", err)
		}
		if n >= maxParts {
			return nil, loadErrorf("multipart body has more than %d parts", maxParts)
		}
		data, err := io.ReadAll(io.LimitReader(part, int64(len(body))+1))
		if err != nil {
			return nil, loadErrorf("multipart body: %v", err)
		}
		pt := part.Header.Get("Content-Type")
		if strings.HasPrefix(mediaType(pt), "multipart/") {
			return nil, loadErrorf("nested multipart bodies are not supported")
		}
		loaded, err := l.LoadBody(ctx, pt, part.Header.Get("Content-Id"), data, session)
		if err != nil {
			return nil, err
		}
		out = append(out, loaded...)
	}
	if len(out) == 0 {
		return nil, loadErrorf("multipart body holds no grammar")
	}
	return out, nil
}

// Inline parses and compiles a grammar body. base resolves relative rule
// references (the grammar's own xml:base or base declaration wins).
func (l *Loader) Inline(ctx context.Context, contentType string, body []byte, base string, session SessionGrammars) (*Compiled, error) {
	return l.compileBody(ctx, contentType, body, base, session, nil)
}

// Resolve loads the grammar a URI names: session:, builtin:, or a
// document the Fetcher may retrieve.
func (l *Loader) Resolve(ctx context.Context, uri string, session SessionGrammars) (*Compiled, error) {
	return l.resolve(ctx, uri, session, nil)
}

func (l *Loader) resolve(ctx context.Context, uri string, session SessionGrammars, chain []string) (*Compiled, error) {
	uri = strings.TrimSpace(uri)
	if id, ok := SessionID(uri); ok {
		if session != nil {
			if g, ok := session(id); ok && g != nil {
				return g, nil
			}
		}
		return nil, loadErrorf("no grammar defined as %q in this session", id)
	}
	if _, ok := cutPrefixFold(uri, "builtin:"); ok {
		return Builtin(uri)
	}
	for _, u := range chain {
		if u == uri {
			return nil, compileErrorf("grammar %s references itself through %s", uri, strings.Join(chain, " -> "))
		}
	}
	if len(chain) >= maxImportDepth {
		return nil, compileErrorf("grammar references nested deeper than %d documents", maxImportDepth)
	}
	doc, err := l.fetcher.Fetch(ctx, uri)
	if err != nil {
		return nil, err
	}
	next := append(append([]string(nil), chain...), uri)
	return l.compileBody(ctx, doc.ContentType, doc.Body, doc.URI, session, next)
}

func (l *Loader) compileBody(ctx context.Context, contentType string, body []byte, base string, session SessionGrammars, chain []string) (*Compiled, error) {
	key := ContentKey(contentType, body)
	if g, ok := l.cache.Get(key); ok {
		return g, nil
	}
	src, err := Parse(contentType, body)
	if err != nil {
		return nil, err
	}
	if src.Base != "" {
		base = resolveURI(base, src.Base)
	}
	importer := func(ref string) (*Compiled, error) {
		target := resolveURI(base, ref)
		g, err := l.resolve(ctx, target, session, chain)
		if err != nil {
			return nil, fmt.Errorf("rule reference %s: %w", ref, err)
		}
		return g, nil
	}
	g, err := Compile(src, WithImporter(importer))
	if err != nil {
		return nil, err
	}
	// A grammar that pulls rules from other documents is only as current as
	// those documents, so only self-contained grammars are shared.
	if g.SelfContained() {
		l.cache.Put(key, g)
	}
	return g, nil
}

// resolveURI resolves ref against base when ref is relative and base is a
// hierarchical URI; session: and builtin: references stay as they are.
func resolveURI(base, ref string) string {
	if base == "" {
		return ref
	}
	r, err := url.Parse(ref)
	if err != nil || r.IsAbs() {
		return ref
	}
	b, err := url.Parse(base)
	if err != nil || b.Opaque != "" || !b.IsAbs() {
		return ref
	}
	return b.ResolveReference(r).String()
}
