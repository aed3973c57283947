package recog

import (
	"bytes"
	"net/url"
	"strings"
)

// Grammar is one grammar of a RECOGNIZE, INTERPRET or DEFINE-GRAMMAR request
// (RFC 6787 §9.5.1). It is either inline (Body set, URI empty) or a reference
// the engine has to fetch (URI set, Body nil); session: references never
// reach the engine, the machine resolves them.
type Grammar struct {
	// ContentID names an inline grammar, without angle brackets. It is what
	// session:<content-id> refers to.
	ContentID string
	// ContentType is the media type of Body, parameters included
	// (application/srgs+xml, application/srgs ...).
	ContentType string
	Body        []byte
	// URI is an external reference: http:, https:, builtin: ...
	URI string
	// Weight is the weight given in a text/grammar-ref-list (RFC 6787
	// §13.5.1), 1 when the client gave none.
	Weight float64
}

// Ref is how results name the grammar (the grammar attribute of NLSML): the
// session: URI of an inline grammar, the URI of a reference.
func (g Grammar) Ref() string {
	if g.URI != "" {
		return g.URI
	}
	return sessionScheme + g.ContentID
}

func (g Grammar) size() int { return len(g.ContentID) + len(g.ContentType) + len(g.Body) + len(g.URI) }

const sessionScheme = "session:"

// sessionContentID returns the content-id a session: URI names, and whether
// uri is one. The scheme has the syntax of cid: (RFC 6787 §13.6, RFC 2392), so
// the content-id may be percent-encoded.
func sessionContentID(uri string) (string, bool) {
	if len(uri) < len(sessionScheme) || !strings.EqualFold(uri[:len(sessionScheme)], sessionScheme) {
		return "", false
	}
	id := uri[len(sessionScheme):]
	if dec, err := url.PathUnescape(id); err == nil {
		id = dec
	}
	return normalizeContentID(id), true
}

// normalizeContentID strips the angle brackets RFC 6787 examples put around
// Content-ID values ("<request1@form-level.store>"); the UniMRCP clients
// send the bare form.
func normalizeContentID(id string) string {
	id = strings.TrimSpace(id)
	if len(id) >= 2 && id[0] == '<' && id[len(id)-1] == '>' {
		id = strings.TrimSpace(id[1 : len(id)-1])
	}
	return id
}

// definition binds a content-id to the grammars it stands for: one inline
// grammar, or a list given by a uri-list or multipart body.
type definition struct {
	id       string
	grammars []Grammar
	inline   bool // one inline grammar named by its own Content-ID
}

func (d definition) size() int {
	n := len(d.id)
	for _, g := range d.grammars {
		n += g.size()
	}
	return n
}

// grammarStore is the session grammar store of one channel (RFC 6787 §9.5.1):
// grammars stay "for the duration of the session" unless redefined.
type grammarStore struct {
	entries    map[string][]Grammar
	bytes      int
	maxEntries int
	maxBytes   int
}

func newGrammarStore(maxEntries, maxBytes int) grammarStore {
	return grammarStore{entries: make(map[string][]Grammar), maxEntries: maxEntries, maxBytes: maxBytes}
}

func (s *grammarStore) lookup(id string) ([]Grammar, bool) {
	g, ok := s.entries[id]
	return g, ok
}

// fits reports whether defs can be stored, counting the room freed by the
// definitions they replace.
func (s *grammarStore) fits(defs []definition) bool {
	entries, bytes := len(s.entries), s.bytes
	seen := make(map[string]bool, len(defs))
	for _, d := range defs {
		if old, ok := s.entries[d.id]; ok && !seen[d.id] {
			entries--
			bytes -= definition{id: d.id, grammars: old}.size()
		}
		if !seen[d.id] {
			entries++
		}
		seen[d.id] = true
		bytes += d.size()
	}
	return entries <= s.maxEntries && bytes <= s.maxBytes
}

// store binds every definition, replacing what the content-id meant before
// (RFC 6787 §9.5.1: the previous grammar "MUST be freed").
func (s *grammarStore) store(defs []definition) {
	for _, d := range defs {
		s.remove(d.id)
		// Own the bodies: the request they came in may be reused.
		gs := cloneGrammars(d.grammars)
		for i := range gs {
			if gs[i].Body != nil {
				gs[i].Body = bytes.Clone(gs[i].Body)
			}
		}
		s.entries[d.id] = gs
		s.bytes += d.size()
	}
}

// remove clears a content-id; afterwards it is "one that has never been set".
func (s *grammarStore) remove(id string) {
	if old, ok := s.entries[id]; ok {
		s.bytes -= definition{id: id, grammars: old}.size()
		delete(s.entries, id)
	}
}

func cloneGrammars(gs []Grammar) []Grammar {
	if gs == nil {
		return nil
	}
	out := make([]Grammar, len(gs))
	copy(out, gs)
	return out
}
