package nlsml

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/mrcpd/mrcpd/grammar/semantic"
)

// MaxDocumentBytes bounds the documents Parse accepts.
const MaxDocumentBytes = 1 << 20

// ParseOption configures Parse.
type ParseOption func(*parseConfig)

type parseConfig struct {
	extensions map[string]bool
}

// WithExtensions names the elements inside <instance> that Parse returns
// as Extensions rather than as part of the Instance.
func WithExtensions(names ...string) ParseOption {
	return func(c *parseConfig) {
		for _, n := range names {
			c.extensions[n] = true
		}
	}
}

// Parse reads an NLSML document. Elements are matched by local name, in the
// MRCPv2 namespace or in none (both occur in the field). Enrollment and
// verification results are skipped. Leaf values come back as strings:
// XML does not record that "25" was a number.
func Parse(data []byte, opts ...ParseOption) (*Result, error) {
	cfg := parseConfig{extensions: map[string]bool{}}
	for _, o := range opts {
		o(&cfg)
	}
	if len(data) > MaxDocumentBytes {
		return nil, fmt.Errorf("nlsml: document of %d bytes exceeds %d", len(data), MaxDocumentBytes)
	}
	p := &parser{data: data, dec: xml.NewDecoder(bytes.NewReader(data)), cfg: cfg}
	p.dec.Strict = true
	p.dec.CharsetReader = func(charset string, r io.Reader) (io.Reader, error) {
		switch strings.ToLower(charset) {
		case "utf-8", "utf8", "us-ascii", "ascii":
			return r, nil
		}
		return nil, fmt.Errorf("unsupported charset %q", charset)
	}
	for {
		tok, err := p.next()
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local != "result" || !inNLSML(t.Name) {
				return nil, p.errorf("root element is <%s>, want <result>", t.Name.Local)
			}
			return p.result(t)
		case xml.CharData:
			if len(bytes.TrimSpace(t)) > 0 {
				return nil, p.errorf("text before <result>")
			}
		}
	}
}

type parser struct {
	data   []byte
	dec    *xml.Decoder
	cfg    parseConfig
	offset int64 // input offset before the last token
}

func inNLSML(n xml.Name) bool { return n.Space == "" || n.Space == Namespace }

func (p *parser) errorf(format string, args ...any) error {
	line, col := p.dec.InputPos()
	return fmt.Errorf("nlsml: %d:%d: %s", line, col, fmt.Sprintf(format, args...))
}

func (p *parser) next() (xml.Token, error) {
	p.offset = p.dec.InputOffset()
	tok, err := p.dec.Token()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, p.errorf("unexpected end of document")
		}
		return nil, fmt.Errorf("nlsml: %w", err)
	}
	return tok, nil
}

func attr(start xml.StartElement, name string) (string, bool) {
	for _, a := range start.Attr {
		if a.Name.Local == name && (a.Name.Space == "" || a.Name.Space == Namespace) {
			return a.Value, true
		}
	}
	return "", false
}

func (p *parser) result(start xml.StartElement) (*Result, error) {
	r := &Result{}
	r.Grammar, _ = attr(start, "grammar")
	for {
		tok, err := p.next()
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.EndElement:
			if len(r.Interpretations) == 0 {
				return nil, p.errorf("<result> without <interpretation>")
			}
			return r, nil
		case xml.CharData:
			if len(bytes.TrimSpace(t)) > 0 {
				return nil, p.errorf("text directly inside <result>")
			}
		case xml.StartElement:
			switch {
			case t.Name.Local == "interpretation" && inNLSML(t.Name):
				in, err := p.interpretation(t)
				if err != nil {
					return nil, err
				}
				r.Interpretations = append(r.Interpretations, in)
			default:
				if err := p.dec.Skip(); err != nil {
					return nil, fmt.Errorf("nlsml: %w", err)
				}
			}
		}
	}
}

func (p *parser) confidence(start xml.StartElement) (Confidence, error) {
	s, ok := attr(start, "confidence")
	if !ok {
		return Confidence{}, nil
	}
	c, err := ParseConfidence(s)
	if err != nil {
		return Confidence{}, p.errorf("%v", err)
	}
	return c, nil
}

// ParseConfidence reads a confidence attribute. Values above 1 up to 100
// are taken as the 0-100 scale of MRCPv1 servers and scaled down.
func ParseConfidence(s string) (Confidence, error) {
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || v < 0 || v > 100 {
		return Confidence{}, fmt.Errorf("confidence %q is not a number in [0,1]", s)
	}
	if v > 1 {
		v /= 100
	}
	return Confidence{Value: v, Present: true}, nil
}

func (p *parser) interpretation(start xml.StartElement) (Interpretation, error) {
	in := Interpretation{}
	in.Grammar, _ = attr(start, "grammar")
	c, err := p.confidence(start)
	if err != nil {
		return in, err
	}
	in.Confidence = c
	seenInstance, seenInput := false, false
	for {
		tok, err := p.next()
		if err != nil {
			return in, err
		}
		switch t := tok.(type) {
		case xml.EndElement:
			return in, nil
		case xml.CharData:
			if len(bytes.TrimSpace(t)) > 0 {
				return in, p.errorf("text directly inside <interpretation>")
			}
		case xml.StartElement:
			switch {
			case t.Name.Local == "instance" && inNLSML(t.Name) && !seenInstance:
				seenInstance = true
				if err := p.instance(&in); err != nil {
					return in, err
				}
			case t.Name.Local == "input" && inNLSML(t.Name) && !seenInput:
				seenInput = true
				input, err := p.input(t, 0)
				if err != nil {
					return in, err
				}
				in.Input = input
			default:
				if err := p.dec.Skip(); err != nil {
					return in, fmt.Errorf("nlsml: %w", err)
				}
			}
		}
	}
}

// element is a parsed XML element of an instance.
type element struct {
	name     string
	attrs    [][2]string
	text     strings.Builder
	children []*element
}

func (p *parser) instance(in *Interpretation) error {
	begin := p.dec.InputOffset()
	root, err := p.element("instance", nil, 0)
	if err != nil {
		return err
	}
	if end := p.offset; end >= begin && end <= int64(len(p.data)) {
		in.RawInstance = string(p.data[begin:end])
	}
	var kept []*element
	for _, ch := range root.children {
		if p.cfg.extensions[ch.name] {
			in.Extensions = append(in.Extensions, Extension{Name: ch.name, Value: elementValue(ch)})
			continue
		}
		kept = append(kept, ch)
	}
	root.children = kept
	root.attrs = nil
	in.Instance = elementValue(root)
	return nil
}

// element reads the content of an element whose start tag was consumed.
func (p *parser) element(name string, start *xml.StartElement, depth int) (*element, error) {
	if depth > maxTreeDepth {
		return nil, p.errorf("instance nested deeper than %d levels", maxTreeDepth)
	}
	el := &element{name: name}
	if start != nil {
		for _, a := range start.Attr {
			if a.Name.Space == "xmlns" || (a.Name.Space == "" && a.Name.Local == "xmlns") {
				continue
			}
			el.attrs = append(el.attrs, [2]string{a.Name.Local, a.Value})
		}
	}
	for {
		tok, err := p.next()
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.EndElement:
			return el, nil
		case xml.CharData:
			el.text.Write(t)
		case xml.StartElement:
			ch, err := p.element(t.Name.Local, &t, depth+1)
			if err != nil {
				return nil, err
			}
			el.children = append(el.children, ch)
		}
	}
}

// elementValue turns an element into a value: text only gives a string,
// child elements give an object whose repeated names hold lists;
// attributes and text mixed with elements go to "_attributes" and "_value"
// as SISR's XML mapping has them.
func elementValue(el *element) semantic.Value {
	text := strings.TrimSpace(el.text.String())
	if len(el.children) == 0 && len(el.attrs) == 0 {
		if text == "" {
			return semantic.Value{}
		}
		return semantic.String(text)
	}
	obj := semantic.NewObject()
	if len(el.attrs) > 0 {
		attrs := semantic.NewObject()
		for _, a := range el.attrs {
			attrs.Set(a[0], semantic.String(a[1]))
		}
		obj.Set("_attributes", attrs)
	}
	if text != "" {
		obj.Set("_value", semantic.String(text))
	}
	var names []string
	groups := map[string][]semantic.Value{}
	for _, ch := range el.children {
		v := elementValue(ch)
		if v.IsUndefined() {
			v = semantic.String("")
		}
		if _, seen := groups[ch.name]; !seen {
			names = append(names, ch.name)
		}
		groups[ch.name] = append(groups[ch.name], v)
	}
	for _, n := range names {
		if vs := groups[n]; len(vs) == 1 {
			obj.Set(n, vs[0])
		} else {
			obj.Set(n, semantic.NewList(vs...))
		}
	}
	return obj
}

func (p *parser) input(start xml.StartElement, depth int) (Input, error) {
	if depth > maxTreeDepth {
		return Input{}, p.errorf("inputs nested deeper than %d levels", maxTreeDepth)
	}
	in := Input{}
	in.Mode, _ = attr(start, "mode")
	in.TimestampStart, _ = attr(start, "timestamp-start")
	in.TimestampEnd, _ = attr(start, "timestamp-end")
	c, err := p.confidence(start)
	if err != nil {
		return in, err
	}
	in.Confidence = c
	var text strings.Builder
	for {
		tok, err := p.next()
		if err != nil {
			return in, err
		}
		switch t := tok.(type) {
		case xml.EndElement:
			if !in.NoMatch {
				in.Text = strings.Join(strings.Fields(text.String()), " ")
			}
			return in, nil
		case xml.CharData:
			text.Write(t)
		case xml.StartElement:
			if !inNLSML(t.Name) {
				if err := p.dec.Skip(); err != nil {
					return in, fmt.Errorf("nlsml: %w", err)
				}
				continue
			}
			switch t.Name.Local {
			case "noinput":
				in.NoInput = true
				if err := p.dec.Skip(); err != nil {
					return in, fmt.Errorf("nlsml: %w", err)
				}
			case "nomatch":
				in.NoMatch = true
				el, err := p.element("nomatch", &t, depth+1)
				if err != nil {
					return in, err
				}
				in.Text = strings.Join(strings.Fields(el.text.String()), " ")
			case "input":
				child, err := p.input(t, depth+1)
				if err != nil {
					return in, err
				}
				in.Inputs = append(in.Inputs, child)
			default:
				if err := p.dec.Skip(); err != nil {
					return in, fmt.Errorf("nlsml: %w", err)
				}
			}
		}
	}
}
