package mrcp

import (
	"bytes"
	"errors"
	"strings"
)

// Part is one body part of a multipart/mixed body. Its header holds the
// part's own content fields (Content-Type, Content-ID, ...); RFC 6787
// §6.2.6 forbids MRCPv2 fields there.
type Part struct {
	Header Header
	Body   []byte
}

// ErrNotMultipart is returned by SplitMultipart for a content type that is
// not multipart or has no boundary.
var ErrNotMultipart = errors.New("mrcp: not a multipart content type")

// SplitMultipart splits a multipart body (RFC 2046 §5.1) - RFC 6787 uses
// multipart/mixed to carry several grammars, or a URI list beside inline
// SSML - into its parts. contentType is the message's Content-Type value,
// from which the boundary is taken.
//
// Either CRLF or bare LF may end lines. The preamble and epilogue are
// ignored. A part that declares a Content-Length shorter than the octets
// before the next delimiter is cut to it (RFC 6787's own examples leave a
// blank line there); a longer one is an error. A body that ends without
// the closing delimiter is accepted, because message framing already
// guarantees it is complete. Part bodies share memory with body.
func SplitMultipart(contentType string, body []byte) ([]Part, error) {
	mediaType, params, err := checkMediaType(HdrContentType, contentType)
	if err != nil {
		return nil, err
	}
	boundary := params["boundary"]
	if !strings.HasPrefix(mediaType, "multipart/") || boundary == "" {
		return nil, ErrNotMultipart
	}
	delim := []byte("--" + boundary)

	// Find the first delimiter at the start of a line.
	pos := -1
	for i := 0; i+len(delim) <= len(body); {
		j := bytes.Index(body[i:], delim)
		if j < 0 {
			break
		}
		j += i
		if j == 0 || body[j-1] == '\n' {
			pos = j
			break
		}
		i = j + 1
	}
	if pos < 0 {
		return nil, illegalValue(HdrContentType, "multipart body has no boundary delimiter")
	}

	var parts []Part
	for {
		pos += len(delim)
		rest := body[pos:]
		if bytes.HasPrefix(rest, []byte("--")) {
			break // close delimiter
		}
		// Skip transport padding and the end of the delimiter line.
		nl := bytes.IndexByte(rest, '\n')
		if nl < 0 {
			break
		}
		if len(bytes.TrimRight(rest[:nl], " \t\r")) != 0 {
			return nil, illegalValue(HdrContentType, "text after a boundary delimiter")
		}
		start := pos + nl + 1

		// The part runs to the line break before the next delimiter.
		end, next := len(body), -1
		for i := start; i < len(body); {
			j := bytes.Index(body[i:], delim)
			if j < 0 {
				break
			}
			j += i
			if body[j-1] == '\n' {
				next = j
				end = j - 1
				if end > start && body[end-1] == '\r' {
					end--
				}
				break
			}
			i = j + 1
		}
		part, err := parsePart(body[start:max(start, end)])
		if err != nil {
			return nil, err
		}
		parts = append(parts, part)
		if next < 0 {
			break
		}
		pos = next
	}
	if len(parts) == 0 {
		return nil, illegalValue(HdrContentType, "multipart body has no parts")
	}
	return parts, nil
}

func parsePart(b []byte) (Part, error) {
	var p Part
	// A part with no header fields starts with its empty line.
	headEnd, bodyStart := -1, -1
	for pos := 0; pos <= len(b); {
		nl := bytes.IndexByte(b[pos:], '\n')
		if nl < 0 {
			break
		}
		if nl == 0 || (nl == 1 && b[pos] == '\r') {
			headEnd, bodyStart = pos, pos+nl+1
			break
		}
		pos += nl + 1
	}
	if headEnd < 0 {
		// Header fields only, or body only; RFC 2046 requires the empty
		// line, so treat the whole part as header fields.
		headEnd, bodyStart = len(b), len(b)
	}
	var firstErr error
	parseHeaderLines(&p.Header, string(b[:headEnd]), func(pe *ParseError) {
		if firstErr == nil {
			firstErr = pe.Status()
		}
	})
	if firstErr != nil {
		return Part{}, firstErr
	}
	p.Body = b[bodyStart:]
	if v, ok := p.Header.Get(HdrContentLength); ok {
		n, err := parseUint(HdrContentLength, v, 0, maxUint)
		if err != nil {
			return Part{}, err
		}
		if n > uint64(len(p.Body)) {
			return Part{}, illegalValue(HdrContentLength, "part is shorter than its Content-Length")
		}
		p.Body = p.Body[:n]
	}
	if len(p.Body) == 0 {
		p.Body = nil
	}
	return p, nil
}
