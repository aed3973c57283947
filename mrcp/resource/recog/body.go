package recog

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"mime"
	"strconv"
	"strings"

	"github.com/mrcpd/mrcpd/mrcp"
)

// Media types of grammar containers (RFC 6787 §9.5.1, §13.5.1).
const (
	mediaURIList        = "text/uri-list"
	mediaGrammarRefList = "text/grammar-ref-list"
	mediaMultipartMixed = "multipart/mixed"
	mediaTextPlain      = "text/plain"
)

// Limits on a grammar body, so that a hostile body costs bounded work.
const (
	maxBodyParts     = 64
	maxMultipartNest = 2
	maxGrammarRefs   = 256
)

// bodyError is a body the machine refuses, with the status that says why.
type bodyError struct {
	status int    // 404, 406 or 408
	field  string // header field to echo, if any
	err    error
}

func (e *bodyError) Error() string { return e.err.Error() }
func (e *bodyError) Unwrap() error { return e.err }

var (
	errNoContentType = errors.New("message body without Content-Type")
	errNoContentID   = errors.New("inline grammar without Content-ID")
	errBadEntity     = errors.New("malformed grammar list")
)

// grammarBody is a request body taken apart: the grammars in precedence
// order (session: references not yet resolved) and the content-ids it binds.
type grammarBody struct {
	grammars []Grammar
	defines  []definition
}

// parseGrammarBody takes apart the body of a RECOGNIZE, INTERPRET or
// DEFINE-GRAMMAR request. contentType and contentID are the message's
// Content-Type and Content-ID fields. An inline grammar is bound to its own
// Content-ID; a list body (uri-list, grammar-ref-list, multipart) with a
// Content-ID is bound as a whole under it too, which is how UniMRCP clients
// name a builtin: reference.
func parseGrammarBody(contentType, contentID string, body []byte) (grammarBody, error) {
	var gb grammarBody
	if len(body) == 0 {
		return gb, nil
	}
	if strings.TrimSpace(contentType) == "" {
		return gb, &bodyError{status: mrcp.StatusMandatoryHeaderMissing, field: mrcp.HdrContentType, err: errNoContentType}
	}
	if err := gb.add(contentType, normalizeContentID(contentID), body, 0); err != nil {
		return gb, err
	}
	return gb, nil
}

func (gb *grammarBody) add(contentType, contentID string, body []byte, depth int) error {
	media, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return &bodyError{status: mrcp.StatusIllegalHeaderValue, field: mrcp.HdrContentType, err: fmt.Errorf("content-type %q: %w", contentType, err)}
	}
	var list []Grammar
	switch media {
	case mediaURIList:
		list = parseURIList(body)
	case mediaGrammarRefList:
		if list, err = parseGrammarRefList(body); err != nil {
			return &bodyError{status: mrcp.StatusUnsupportedEntity, err: err}
		}
	case mediaMultipartMixed:
		if depth >= maxMultipartNest {
			return &bodyError{status: mrcp.StatusUnsupportedEntity, err: fmt.Errorf("%w: multipart nested too deep", errBadEntity)}
		}
		first := len(gb.grammars)
		if err := gb.addMultipart(contentType, body, depth+1); err != nil {
			return err
		}
		if contentID != "" {
			gb.defines = append(gb.defines, definition{id: contentID, grammars: cloneGrammars(gb.grammars[first:])})
		}
		return nil
	default:
		if contentID == "" {
			return &bodyError{status: mrcp.StatusMandatoryHeaderMissing, field: mrcp.HdrContentID, err: errNoContentID}
		}
		if len(gb.grammars) >= maxGrammarRefs {
			return &bodyError{status: mrcp.StatusUnsupportedEntity, err: fmt.Errorf("%w: more than %d grammars", errBadEntity, maxGrammarRefs)}
		}
		g := Grammar{ContentID: contentID, ContentType: contentType, Body: body, Weight: 1}
		gb.grammars = append(gb.grammars, g)
		gb.defines = append(gb.defines, definition{id: contentID, grammars: []Grammar{g}, inline: true})
		return nil
	}
	if len(gb.grammars)+len(list) > maxGrammarRefs {
		return &bodyError{status: mrcp.StatusUnsupportedEntity, err: fmt.Errorf("%w: more than %d grammars", errBadEntity, maxGrammarRefs)}
	}
	gb.grammars = append(gb.grammars, list...)
	if contentID != "" {
		gb.defines = append(gb.defines, definition{id: contentID, grammars: cloneGrammars(list)})
	}
	return nil
}

func (gb *grammarBody) addMultipart(contentType string, body []byte, depth int) error {
	parts, err := mrcp.SplitMultipart(contentType, body)
	if errors.Is(err, mrcp.ErrNotMultipart) {
		return &bodyError{status: mrcp.StatusIllegalHeaderValue, field: mrcp.HdrContentType, err: err}
	}
	if err != nil {
		return &bodyError{status: mrcp.StatusUnsupportedEntity, err: fmt.Errorf("%w: %v", errBadEntity, err)}
	}
	if len(parts) > maxBodyParts {
		return &bodyError{status: mrcp.StatusUnsupportedEntity, err: fmt.Errorf("%w: more than %d parts", errBadEntity, maxBodyParts)}
	}
	for _, part := range parts {
		if len(bytes.TrimSpace(part.Body)) == 0 {
			continue
		}
		ct, _ := part.Header.Get(mrcp.HdrContentType)
		if strings.TrimSpace(ct) == "" {
			// RFC 2046 §5.1: a body part without Content-Type is text/plain.
			ct = mediaTextPlain
		}
		id, _ := part.Header.Get(mrcp.HdrContentID)
		if err := gb.add(ct, normalizeContentID(id), part.Body, depth); err != nil {
			return err
		}
	}
	return nil
}

// parseURIList reads a text/uri-list (RFC 2483 §5): one URI per line, lines
// starting with "#" are comments.
func parseURIList(body []byte) []Grammar {
	var out []Grammar
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(nil, len(body)+1)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		out = append(out, Grammar{URI: line, Weight: 1})
	}
	return out
}

// parseGrammarRefList reads a text/grammar-ref-list (RFC 6787 §13.5.1):
//
//	reference  = "<" uri ">" [parameters] CRLF
//	parameters = ";" parameter *(";" parameter)
//	parameter  = attribute "=" value
//
// Only the weight parameter is defined; others are ignored.
func parseGrammarRefList(body []byte) ([]Grammar, error) {
	var out []Grammar
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(nil, len(body)+1)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		if line[0] != '<' {
			return nil, fmt.Errorf("%w: reference %q does not start with \"<\"", errBadEntity, line)
		}
		end := strings.IndexByte(line, '>')
		if end < 0 {
			return nil, fmt.Errorf("%w: reference %q has no closing \">\"", errBadEntity, line)
		}
		uri := strings.TrimSpace(line[1:end])
		if uri == "" {
			return nil, fmt.Errorf("%w: empty reference", errBadEntity)
		}
		g := Grammar{URI: uri, Weight: 1}
		rest := strings.TrimSpace(line[end+1:])
		for rest != "" {
			if rest[0] != ';' {
				return nil, fmt.Errorf("%w: unexpected %q after reference", errBadEntity, rest)
			}
			rest = rest[1:]
			param := rest
			if i := strings.IndexByte(rest, ';'); i >= 0 {
				param, rest = rest[:i], rest[i:]
			} else {
				rest = ""
			}
			name, value, ok := strings.Cut(param, "=")
			if !ok {
				return nil, fmt.Errorf("%w: parameter %q without value", errBadEntity, param)
			}
			if !strings.EqualFold(strings.TrimSpace(name), "weight") {
				continue
			}
			w, err := parseWeight(value)
			if err != nil {
				return nil, err
			}
			g.Weight = w
		}
		out = append(out, g)
	}
	return out, nil
}

// parseWeight reads a weight value, quoted or not. SRGS weights (the meaning
// RFC 6787 §9.9 gives them) are non-negative finite floats.
func parseWeight(s string) (float64, error) {
	s = strings.TrimSpace(s)
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		s = s[1 : len(s)-1]
	}
	w, err := strconv.ParseFloat(s, 64)
	if err != nil || w < 0 || w != w || w > 1e9 {
		return 0, fmt.Errorf("%w: bad weight %q", errBadEntity, s)
	}
	return w, nil
}
