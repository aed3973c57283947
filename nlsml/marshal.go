package nlsml

import (
	"encoding/xml"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mrcpd/mrcpd/grammar/semantic"
)

// Encoder writes NLSML. The zero Encoder writes indented documents in the
// MRCPv2 namespace and announces application/nlsml+xml.
type Encoder struct {
	// ContentType is the media type to announce: ContentType (default) or
	// LegacyContentType for clients that expect application/x-nlsml.
	ContentType string
	// OmitNamespace leaves out xmlns on <result>, as some servers do; RFC
	// 6787 §6.3.1 puts the elements in the MRCPv2 namespace, so keep it
	// unless a client cannot cope.
	OmitNamespace bool
	// Compact writes no indentation or line breaks.
	Compact bool
}

// MediaType returns the Content-Type the encoder's documents carry.
func (e Encoder) MediaType() string {
	if e.ContentType == "" {
		return ContentType
	}
	return e.ContentType
}

// Marshal encodes r with the default Encoder.
func Marshal(r *Result) ([]byte, error) { return Encoder{}.Marshal(r) }

// Marshal encodes r.
func (e Encoder) Marshal(r *Result) ([]byte, error) { return e.Append(nil, r) }

// maxTreeDepth bounds the nesting written for value trees; grammar values
// are checked against the same kind of limit when they are produced.
const maxTreeDepth = 32

// Append appends the encoding of r to dst.
func (e Encoder) Append(dst []byte, r *Result) ([]byte, error) {
	if r == nil {
		return dst, errors.New("nlsml: nil result")
	}
	// RFC 6787 §16.1: <result> holds at least one <interpretation>.
	if len(r.Interpretations) == 0 {
		return dst, errors.New("nlsml: result without interpretations")
	}
	w := &writer{buf: dst, compact: e.Compact}
	w.raw(`<?xml version="1.0" encoding="UTF-8"?>`)
	w.nl()
	w.raw("<result")
	if !e.OmitNamespace {
		w.attr("xmlns", Namespace)
	}
	if r.Grammar != "" {
		w.attr("grammar", r.Grammar)
	}
	w.raw(">")
	for i := range r.Interpretations {
		if err := w.interpretation(&r.Interpretations[i]); err != nil {
			return dst, err
		}
	}
	w.nl()
	w.raw("</result>")
	w.nl()
	return w.buf, nil
}

type writer struct {
	buf     []byte
	compact bool
	depth   int
	names   map[nameKey]bool // nameRune answers for non-ASCII runes
}

type nameKey struct {
	r     rune
	first bool
}

func (w *writer) raw(s string) { w.buf = append(w.buf, s...) }

func (w *writer) nl() {
	if !w.compact {
		w.buf = append(w.buf, '\n')
	}
}

// line starts a new indented line at the current depth.
func (w *writer) line() {
	if w.compact {
		return
	}
	w.buf = append(w.buf, '\n')
	for i := 0; i < w.depth; i++ {
		w.buf = append(w.buf, "  "...)
	}
}

func (w *writer) attr(name, value string) {
	w.buf = append(w.buf, ' ')
	w.buf = append(w.buf, name...)
	w.buf = append(w.buf, `="`...)
	w.buf = appendEscaped(w.buf, value, true)
	w.buf = append(w.buf, '"')
}

func (w *writer) text(s string) { w.buf = appendEscaped(w.buf, s, false) }

func (w *writer) confidence(name string, c Confidence) error {
	if !c.Present {
		return nil
	}
	if math.IsNaN(c.Value) || math.IsInf(c.Value, 0) {
		return fmt.Errorf("nlsml: %s confidence is %v", name, c.Value)
	}
	w.attr("confidence", FormatConfidence(c.Value))
	return nil
}

// FormatConfidence renders a confidence as RFC 6787 §9.6.3.2 wants it: a
// float from 0.0 to 1.0, here with at most three decimals and at least
// one ("1.0", "0.5", "0.973").
func FormatConfidence(v float64) string {
	v = math.Max(0, math.Min(1, v))
	s := strconv.FormatFloat(math.Round(v*1000)/1000, 'f', -1, 64)
	if !strings.Contains(s, ".") {
		s += ".0"
	}
	return s
}

func (w *writer) interpretation(in *Interpretation) error {
	w.depth = 1
	w.line()
	w.raw("<interpretation")
	if in.Grammar != "" {
		w.attr("grammar", in.Grammar)
	}
	if err := w.confidence("interpretation", in.Confidence); err != nil {
		return err
	}
	w.raw(">")
	w.depth = 2
	if err := w.instance(in); err != nil {
		return err
	}
	if !in.Input.empty() {
		w.depth = 2
		if err := w.input(&in.Input, 0); err != nil {
			return err
		}
	}
	w.depth = 1
	w.line()
	w.raw("</interpretation>")
	return nil
}

func (w *writer) instance(in *Interpretation) error {
	w.line()
	v := in.Instance
	if v.IsUndefined() && len(in.Extensions) == 0 {
		w.raw("<instance/>")
		return nil
	}
	w.raw("<instance>")
	nested := false
	switch v.Kind() {
	case semantic.KindObject:
		if tv, ok := v.Get("_value"); ok && isScalar(tv) {
			w.text(scalarText(tv))
		}
		for _, k := range v.Keys() {
			if k == "_value" || k == "_attributes" {
				continue
			}
			x, _ := v.Get(k)
			if err := w.property(k, x, 3); err != nil {
				return err
			}
			nested = true
		}
	case semantic.KindList:
		if err := w.property("item", v, 3); err != nil {
			return err
		}
		nested = v.Len() > 0
	default:
		w.text(scalarText(v))
	}
	for _, ext := range in.Extensions {
		if err := w.property(ext.Name, ext.Value, 3); err != nil {
			return err
		}
		nested = true
	}
	if nested {
		w.depth = 2
		w.line()
	}
	w.raw("</instance>")
	return nil
}

// property writes one element per value; a list writes the element once
// per item (RFC 6787 §9.6.3.3 shows repeated <ingredients>).
func (w *writer) property(name string, v semantic.Value, depth int) error {
	if depth > maxTreeDepth+3 {
		return fmt.Errorf("nlsml: instance nested deeper than %d levels (or cyclic)", maxTreeDepth)
	}
	if v.Kind() == semantic.KindList {
		for i := 0; i < v.Len(); i++ {
			item := v.Index(i)
			if item.Kind() == semantic.KindList {
				// A list inside a list needs an element of its own.
				w.depth = depth
				w.line()
				tag := w.xmlName(name)
				w.raw("<" + tag + ">")
				if err := w.property("item", item, depth+1); err != nil {
					return err
				}
				w.depth = depth
				w.line()
				w.raw("</" + tag + ">")
				continue
			}
			if err := w.property(name, item, depth); err != nil {
				return err
			}
		}
		return nil
	}
	tag := w.xmlName(name)
	w.depth = depth
	w.line()
	w.raw("<" + tag)
	if v.Kind() != semantic.KindObject {
		if v.IsUndefined() || v.Kind() == semantic.KindNull {
			w.raw("/>")
			return nil
		}
		w.raw(">")
		w.text(scalarText(v))
		w.raw("</" + tag + ">")
		return nil
	}
	if attrs, ok := v.Get("_attributes"); ok && attrs.Kind() == semantic.KindObject {
		written := map[string]bool{}
		for _, k := range attrs.Keys() {
			a, _ := attrs.Get(k)
			name := w.xmlName(k)
			// A duplicate would make the document malformed, and xmlns
			// would declare a namespace rather than carry a value.
			if !isScalar(a) || written[name] || name == "xmlns" {
				continue
			}
			written[name] = true
			w.attr(name, scalarText(a))
		}
	}
	w.raw(">")
	if tv, ok := v.Get("_value"); ok && isScalar(tv) {
		w.text(scalarText(tv))
	}
	children := false
	for _, k := range v.Keys() {
		if k == "_value" || k == "_attributes" {
			continue
		}
		x, _ := v.Get(k)
		if err := w.property(k, x, depth+1); err != nil {
			return err
		}
		children = true
	}
	if children {
		w.depth = depth
		w.line()
	}
	w.raw("</" + tag + ">")
	return nil
}

func isScalar(v semantic.Value) bool {
	switch v.Kind() {
	case semantic.KindString, semantic.KindNumber, semantic.KindBool:
		return true
	}
	return false
}

// scalarText is the XML text of a scalar (SISR writes numbers and
// booleans in their ECMAScript string form).
func scalarText(v semantic.Value) string {
	switch v.Kind() {
	case semantic.KindUndefined, semantic.KindNull, semantic.KindObject, semantic.KindList:
		return ""
	}
	return v.String()
}

// xmlName makes a property name usable as an element or attribute name:
// characters an XML name cannot hold become '_', and a name that cannot
// start an XML name gets a '_' in front. Colons are replaced too, so no
// element lands in an undeclared namespace.
func (w *writer) xmlName(s string) string {
	if s == "" {
		return "_"
	}
	var sb strings.Builder
	for i, r := range s {
		switch {
		case w.nameRune(r, i == 0):
			sb.WriteRune(r)
		case i == 0 && w.nameRune(r, false):
			sb.WriteByte('_')
			sb.WriteRune(r)
		default:
			sb.WriteByte('_')
		}
	}
	return sb.String()
}

// nameRune reports whether r may start (first) or continue an XML name.
// ASCII is decided here; other characters are checked against the XML
// decoder this package parses with, so what Marshal writes Parse reads.
func (w *writer) nameRune(r rune, first bool) bool {
	switch {
	case r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z'):
		return true
	case r == '-' || r == '.' || (r >= '0' && r <= '9'):
		return !first
	case r < 0x80 || !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.Is(unicode.Mn, r):
		return false
	}
	key := nameKey{r, first}
	if ok, seen := w.names[key]; seen {
		return ok
	}
	doc := "<" + string(r) + "/>"
	if !first {
		doc = "<a" + string(r) + "/>"
	}
	_, err := xml.NewDecoder(strings.NewReader(doc)).Token()
	if w.names == nil {
		w.names = map[nameKey]bool{}
	}
	w.names[key] = err == nil
	return err == nil
}

func (w *writer) input(in *Input, level int) error {
	if level > maxTreeDepth {
		return errors.New("nlsml: inputs nested too deeply")
	}
	w.line()
	w.raw("<input")
	if in.Mode != "" {
		w.attr("mode", in.Mode)
	}
	if err := w.confidence("input", in.Confidence); err != nil {
		return err
	}
	if in.TimestampStart != "" {
		w.attr("timestamp-start", in.TimestampStart)
	}
	if in.TimestampEnd != "" {
		w.attr("timestamp-end", in.TimestampEnd)
	}
	switch {
	case in.NoInput:
		w.raw("><noinput/></input>")
	case in.NoMatch:
		if in.Text == "" {
			w.raw("><nomatch/></input>")
		} else {
			w.raw("><nomatch>")
			w.text(in.Text)
			w.raw("</nomatch></input>")
		}
	case len(in.Inputs) > 0:
		w.raw(">")
		depth := w.depth
		w.depth++
		for i := range in.Inputs {
			if err := w.input(&in.Inputs[i], level+1); err != nil {
				return err
			}
		}
		w.depth = depth
		w.line()
		w.raw("</input>")
	default:
		w.raw(">")
		w.text(in.Text)
		w.raw("</input>")
	}
	return nil
}

// appendEscaped escapes s for XML character data or a double-quoted
// attribute value. Characters XML cannot carry (most controls, invalid
// UTF-8, U+FFFE, U+FFFF) become U+FFFD; CR is written as a reference so
// parsers do not fold it away, and in attributes so are TAB and LF.
func appendEscaped(dst []byte, s string, attr bool) []byte {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == '&':
			dst = append(dst, "&amp;"...)
		case r == '<':
			dst = append(dst, "&lt;"...)
		case r == '>':
			dst = append(dst, "&gt;"...)
		case r == '"' && attr:
			dst = append(dst, "&quot;"...)
		case r == '\r':
			dst = append(dst, "&#xD;"...)
		case (r == '\n' || r == '\t') && attr:
			if r == '\n' {
				dst = append(dst, "&#xA;"...)
			} else {
				dst = append(dst, "&#x9;"...)
			}
		case r == utf8.RuneError && size == 1, !isXMLChar(r):
			dst = append(dst, "\uFFFD"...)
		default:
			dst = utf8.AppendRune(dst, r)
		}
	}
	return dst
}

// isXMLChar reports whether r may appear in an XML 1.0 document.
func isXMLChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		(r >= 0x20 && r <= 0xD7FF) || (r >= 0xE000 && r <= 0xFFFD) || (r >= 0x10000 && r <= 0x10FFFF)
}
