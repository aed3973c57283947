package grammar

import (
	"math"
	"strconv"
	"strings"
)

// Media types of grammar reference lists (RFC 6787 §9.5.1, §13.5.1).
const (
	MediaTypeURIList        = "text/uri-list"
	MediaTypeGrammarRefList = "text/grammar-ref-list"
)

// Reference is one grammar URI of a RECOGNIZE or DEFINE-GRAMMAR body.
type Reference struct {
	URI    string
	Weight float64 // 1 unless a text/grammar-ref-list gave one
}

// maxReferences bounds the references one body may list.
const maxReferences = 256

// ParseReferences parses a text/uri-list (RFC 2483: one URI per line, '#'
// starts a comment) or text/grammar-ref-list body
// ("<uri>;weight=\"0.85\"" per line, RFC 6787 §13.5.1).
func ParseReferences(contentType string, body []byte) ([]Reference, error) {
	mt := mediaType(contentType)
	if mt != MediaTypeURIList && mt != MediaTypeGrammarRefList {
		return nil, loadErrorf("%q is not a grammar reference list", contentType)
	}
	var refs []Reference
	for _, line := range strings.Split(string(body), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		ref := Reference{Weight: 1}
		if mt == MediaTypeURIList && !strings.HasPrefix(line, "<") {
			ref.URI = line
		} else {
			var err error
			if ref, err = parseRefLine(line); err != nil {
				return nil, err
			}
		}
		if ref.URI == "" {
			return nil, loadErrorf("empty grammar URI in reference list")
		}
		refs = append(refs, ref)
		if len(refs) > maxReferences {
			return nil, loadErrorf("more than %d grammar references", maxReferences)
		}
	}
	if len(refs) == 0 {
		return nil, loadErrorf("grammar reference list is empty")
	}
	return refs, nil
}

// parseRefLine parses `<uri>[;param=value...]`.
func parseRefLine(line string) (Reference, error) {
	ref := Reference{Weight: 1}
	if !strings.HasPrefix(line, "<") {
		return ref, loadErrorf("grammar reference %q does not start with '<'", clip(line))
	}
	end := strings.IndexByte(line, '>')
	if end < 0 {
		return ref, loadErrorf("grammar reference %q lacks '>'", clip(line))
	}
	ref.URI = strings.TrimSpace(line[1:end])
	for _, p := range strings.Split(line[end+1:], ";") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		k, v, _ := strings.Cut(p, "=")
		if !strings.EqualFold(strings.TrimSpace(k), "weight") {
			continue // parameters registered later (RFC 6787 §13.1.5) are ignored
		}
		v = strings.Trim(strings.TrimSpace(v), `"`)
		w, err := strconv.ParseFloat(v, 64)
		if err != nil || math.IsNaN(w) || math.IsInf(w, 0) || w < 0 {
			return ref, loadErrorf("grammar reference weight %q is not a non-negative number", v)
		}
		ref.Weight = w
	}
	return ref, nil
}

// SessionID returns the content id a session: URI names
// ("session:help@root-level.store" gives "help@root-level.store").
func SessionID(uri string) (string, bool) {
	rest, ok := cutPrefixFold(strings.TrimSpace(uri), "session:")
	if !ok || rest == "" {
		return "", false
	}
	return rest, true
}

// ContentID normalises a Content-ID header value for use as a session
// grammar key: the angle brackets of the RFC 2392 form are dropped
// ("<request1@form-level.store>" gives "request1@form-level.store").
func ContentID(header string) string {
	id := strings.TrimSpace(header)
	if strings.HasPrefix(id, "<") && strings.HasSuffix(id, ">") {
		id = strings.TrimSpace(id[1 : len(id)-1])
	}
	return id
}
