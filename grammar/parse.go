package grammar

import (
	"bytes"
	"mime"
	"strings"
)

// Media types of grammar bodies (RFC 6787 §9.5.1).
const (
	MediaTypeSRGSXML = "application/srgs+xml"
	MediaTypeSRGS    = "application/srgs"
)

// Parse parses a grammar body of the given media type. Generic XML and text
// types, and an empty type, are sniffed: "#ABNF" starts an ABNF grammar,
// '<' an XML one.
func Parse(contentType string, body []byte) (*Grammar, error) {
	switch mediaType(contentType) {
	case MediaTypeSRGSXML, "application/grammar+xml":
		return ParseXML(body)
	case MediaTypeSRGS, "application/x-srgs", "application/srgs+abnf", "application/grammar":
		return ParseABNF(body)
	case "", "text/plain", "application/xml", "text/xml", "application/octet-stream":
		return parseSniffed(body)
	}
	return nil, loadErrorf("unsupported grammar media type %q", contentType)
}

func parseSniffed(body []byte) (*Grammar, error) {
	trimmed := bytes.TrimLeft(bytes.TrimPrefix(body, []byte("\xef\xbb\xbf")), " \t\r\n")
	switch {
	case bytes.HasPrefix(trimmed, []byte("#ABNF")):
		return ParseABNF(body)
	case bytes.HasPrefix(trimmed, []byte("<")):
		return ParseXML(body)
	}
	return nil, loadErrorf("cannot tell the grammar format of the body")
}

// mediaType returns the lower-case type/subtype without parameters.
func mediaType(contentType string) string {
	if contentType == "" {
		return ""
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		mt, _, _ = strings.Cut(contentType, ";")
	}
	return strings.ToLower(strings.TrimSpace(mt))
}
