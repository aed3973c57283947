package recog

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"mime"
	"strconv"
	"strings"

	"github.com/mrcpd/mrcpd/mrcp"
)

// getResult handles GET-RESULT (RFC 6787 §9.11): the kept result,
// re-filtered by the Confidence-Threshold and N-Best-List-Length the request
// carries.
func (m *Machine) getResult(req *mrcp.Message) []Action {
	// §9.11: it "MAY be issued when the recognizer resource is in the
	// recognized state".
	if m.state != Recognized {
		return respond(req, mrcp.StatusMethodInvalidInState)
	}
	resp := newResponse(req, mrcp.StatusSuccess)
	if m.result == nil || len(m.result.body) == 0 {
		return []Action{SendResponse{resp}}
	}
	var f resultFilter
	var constraints []mrcp.Field
	if v, ok := req.Header.Get(mrcp.HdrConfidenceThreshold); ok {
		t, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil {
			return []Action{SendResponse{withFields(newResponse(req, mrcp.StatusIllegalHeaderValue),
				[]mrcp.Field{{Name: mrcp.HdrConfidenceThreshold, Value: v}})}}
		}
		f.threshold, f.hasThreshold = t, true
		constraints = append(constraints, mrcp.Field{Name: mrcp.HdrConfidenceThreshold, Value: v})
	}
	if v, ok := req.Header.Get(mrcp.HdrNBestListLength); ok {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n < 1 {
			return []Action{SendResponse{withFields(newResponse(req, mrcp.StatusIllegalHeaderValue),
				[]mrcp.Field{{Name: mrcp.HdrNBestListLength, Value: v}})}}
		}
		f.nBest = n
		constraints = append(constraints, mrcp.Field{Name: mrcp.HdrNBestListLength, Value: v})
	}
	body := m.result.body
	if len(constraints) > 0 {
		if !isXMLType(m.result.contentType) {
			// §9.11: a server that cannot re-compute "MUST return a status
			// of unsupported feature".
			return []Action{SendResponse{withFields(newResponse(req, mrcp.StatusUnsupportedHeaderValue), constraints)}}
		}
		filtered, err := f.apply(body)
		if err != nil {
			return []Action{SendResponse{withFields(newResponse(req, mrcp.StatusUnsupportedHeaderValue), constraints)}}
		}
		body = filtered
	}
	setBody(resp, m.result.contentType, body)
	return []Action{SendResponse{resp}}
}

func isXMLType(contentType string) bool {
	media, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	return strings.HasSuffix(media, "+xml") || strings.HasSuffix(media, "/xml") || media == "application/x-nlsml"
}

// resultFilter removes NLSML interpretations (RFC 6787 §9.6.3.2) that fall
// below a confidence threshold or beyond an n-best length.
type resultFilter struct {
	threshold    float64
	hasThreshold bool
	nBest        int // 0: no limit
}

var errNotNLSML = errors.New("result is not NLSML: the root element is not <result>")

// nomatchInterpretation stands in for the interpretations a stricter
// threshold removed (RFC 6787 §9.6.3.5).
const nomatchInterpretation = "<interpretation><instance/><input><nomatch/></input></interpretation>"

type span struct {
	start, end int64
	keep       bool
}

// apply returns body without the rejected interpretations. It cuts them out
// of the original bytes rather than re-encoding the document, so namespaces,
// instance markup and formatting of what stays are untouched. When every
// interpretation goes, one <nomatch/> interpretation takes their place.
func (f resultFilter) apply(body []byte) ([]byte, error) {
	dec := xml.NewDecoder(bytes.NewReader(body))
	var spans []span
	depth, kept := 0, 0
	sawRoot := false
	for {
		start := dec.InputOffset()
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if depth == 1 {
				if t.Name.Local != "result" {
					return nil, errNotNLSML
				}
				sawRoot = true
			}
			if depth != 2 || t.Name.Local != "interpretation" {
				continue
			}
			conf, known := confidenceAttr(t.Attr)
			inputConf, inputKnown, err := skipInterpretation(dec)
			if err != nil {
				return nil, err
			}
			depth--
			if !known {
				conf, known = inputConf, inputKnown
			}
			keep := true
			// §9.4.1: only a match with a confidence "greater than the
			// confidence threshold" counts.
			if f.hasThreshold && known && conf <= f.threshold {
				keep = false
			}
			if keep && f.nBest > 0 && kept >= f.nBest {
				keep = false
			}
			if keep {
				kept++
			}
			spans = append(spans, span{start: start, end: dec.InputOffset(), keep: keep})
		case xml.EndElement:
			depth--
		}
	}
	if !sawRoot {
		return nil, errNotNLSML
	}
	out := make([]byte, 0, len(body))
	pos := int64(0)
	insertAt := -1
	for _, s := range spans {
		if s.keep {
			continue
		}
		out = append(out, body[pos:s.start]...)
		if insertAt < 0 {
			insertAt = len(out)
		}
		pos = s.end
	}
	out = append(out, body[pos:]...)
	if kept == 0 && insertAt >= 0 {
		out = append(out[:insertAt], append([]byte(nomatchInterpretation), out[insertAt:]...)...)
	}
	return out, nil
}

// skipInterpretation consumes an <interpretation> element up to its end tag
// and returns the confidence of its <input> child, the fallback goodness
// measure when the interpretation has none of its own.
func skipInterpretation(dec *xml.Decoder) (float64, bool, error) {
	depth := 1
	var conf float64
	known := false
	for depth > 0 {
		tok, err := dec.Token()
		if err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return 0, false, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if depth == 2 && t.Name.Local == "input" && !known {
				conf, known = confidenceAttr(t.Attr)
			}
		case xml.EndElement:
			depth--
		}
	}
	return conf, known, nil
}

// confidenceAttr reads a confidence attribute. RFC 6787 NLSML uses 0.0-1.0;
// engines written for the 0-100 scale of earlier NLSML are scaled down.
func confidenceAttr(attrs []xml.Attr) (float64, bool) {
	for _, a := range attrs {
		if a.Name.Local != "confidence" {
			continue
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(a.Value), 64)
		if err != nil || v != v || v < 0 {
			return 0, false
		}
		if v > 1 && v <= 100 {
			v /= 100
		}
		return v, true
	}
	return 0, false
}
