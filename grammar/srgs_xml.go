package grammar

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// SRGSNamespace is the XML namespace of SRGS grammars.
const SRGSNamespace = "http://www.w3.org/2001/06/grammar"

const xmlNamespace = "http://www.w3.org/XML/1998/namespace"

// maxNesting bounds element nesting in XML grammars and parenthesis
// nesting in ABNF ones, so a hostile body cannot exhaust the stack.
const maxNesting = 100

// maxRepeat bounds repeat counts. SRGS sets no limit; real grammars stay
// far below it (card numbers, phone numbers), and the bound keeps the
// matcher and the JSGF expansion finite.
const maxRepeat = 1000

// ParseXML parses an SRGS 1.0 grammar in XML form (application/srgs+xml).
func ParseXML(body []byte) (*Grammar, error) {
	p := &xmlParser{dec: xml.NewDecoder(bytes.NewReader(body))}
	p.dec.Strict = true
	p.dec.CharsetReader = charsetReader
	return p.parse()
}

type xmlParser struct {
	dec   *xml.Decoder
	depth int
}

func (p *xmlParser) errorf(format string, args ...any) error {
	line, col := p.dec.InputPos()
	return &SyntaxError{Form: "xml", Line: line, Col: col, Msg: fmt.Sprintf(format, args...)}
}

func (p *xmlParser) token() (xml.Token, error) {
	tok, err := p.dec.Token()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, p.errorf("unexpected end of document")
		}
		var se *xml.SyntaxError
		if errors.As(err, &se) {
			return nil, &SyntaxError{Form: "xml", Line: se.Line, Msg: se.Msg}
		}
		return nil, p.errorf("%v", err)
	}
	return tok, nil
}

// inSRGS reports whether an element belongs to SRGS. Grammars without a
// namespace declaration are common in the field and are accepted.
func inSRGS(n xml.Name) bool { return n.Space == "" || n.Space == SRGSNamespace }

func (p *xmlParser) parse() (*Grammar, error) {
	for {
		tok, err := p.dec.Token()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil, p.errorf("no <grammar> element")
			}
			var se *xml.SyntaxError
			if errors.As(err, &se) {
				return nil, &SyntaxError{Form: "xml", Line: se.Line, Msg: se.Msg}
			}
			return nil, p.errorf("%v", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local != "grammar" || !inSRGS(t.Name) {
				return nil, p.errorf("root element is <%s>, want <grammar>", t.Name.Local)
			}
			return p.grammar(t)
		case xml.CharData:
			if len(bytes.TrimSpace(t)) > 0 {
				return nil, p.errorf("text before <grammar>")
			}
		}
	}
}

func (p *xmlParser) grammar(start xml.StartElement) (*Grammar, error) {
	g := &Grammar{}
	for _, a := range start.Attr {
		switch {
		case a.Name.Local == "lang" && (a.Name.Space == xmlNamespace || a.Name.Space == "xml"):
			g.Language = a.Value
		case a.Name.Local == "base" && (a.Name.Space == xmlNamespace || a.Name.Space == "xml"):
			g.Base = a.Value
		case a.Name.Space != "":
		case a.Name.Local == "mode":
			switch strings.TrimSpace(a.Value) {
			case "voice":
				g.Mode = ModeVoice
			case "dtmf":
				g.Mode = ModeDTMF
			default:
				return nil, p.errorf("mode %q is neither voice nor dtmf", a.Value)
			}
		case a.Name.Local == "root":
			g.Root = strings.TrimSpace(a.Value)
		case a.Name.Local == "tag-format":
			g.TagFormat = strings.TrimSpace(a.Value)
		}
	}
	for {
		tok, err := p.token()
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.EndElement:
			return g, nil
		case xml.CharData:
			if len(bytes.TrimSpace(t)) > 0 {
				return nil, p.errorf("text %q outside any rule", clip(string(bytes.TrimSpace(t))))
			}
		case xml.StartElement:
			switch {
			case !inSRGS(t.Name):
				if err := p.skip(); err != nil {
					return nil, err
				}
			case t.Name.Local == "rule":
				r, err := p.rule(t)
				if err != nil {
					return nil, err
				}
				g.Rules = append(g.Rules, r)
			case t.Name.Local == "tag":
				text, err := p.text()
				if err != nil {
					return nil, err
				}
				g.Tags = append(g.Tags, text)
			case t.Name.Local == "meta" || t.Name.Local == "metadata" || t.Name.Local == "lexicon":
				if err := p.skip(); err != nil {
					return nil, err
				}
			default:
				return nil, p.errorf("unexpected <%s> in <grammar>", t.Name.Local)
			}
		}
	}
}

func (p *xmlParser) rule(start xml.StartElement) (*Rule, error) {
	r := &Rule{}
	for _, a := range start.Attr {
		if a.Name.Space != "" {
			continue
		}
		switch a.Name.Local {
		case "id":
			r.ID = strings.TrimSpace(a.Value)
		case "scope":
			switch strings.TrimSpace(a.Value) {
			case "public":
				r.Scope = ScopePublic
			case "private":
				r.Scope = ScopePrivate
			default:
				return nil, p.errorf("rule scope %q is neither public nor private", a.Value)
			}
		}
	}
	if r.ID == "" {
		return nil, p.errorf("<rule> without id")
	}
	if !validRuleName(r.ID) {
		return nil, p.errorf("rule id %q is not a valid rule name", r.ID)
	}
	items, err := p.content()
	if err != nil {
		return nil, err
	}
	r.Body = seqOf(items)
	return r, nil
}

// content parses rule expansion content up to the end of the enclosing
// element.
func (p *xmlParser) content() ([]Expansion, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxNesting {
		return nil, p.errorf("elements nested deeper than %d", maxNesting)
	}
	var items []Expansion
	for {
		tok, err := p.token()
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.EndElement:
			return items, nil
		case xml.CharData:
			words, err := splitTokens(string(t))
			if err != nil {
				return nil, p.errorf("%v", err)
			}
			for _, w := range words {
				items = append(items, &Token{Text: w})
			}
		case xml.StartElement:
			if !inSRGS(t.Name) {
				if err := p.skip(); err != nil {
					return nil, err
				}
				continue
			}
			switch t.Name.Local {
			case "item":
				x, _, err := p.item(t)
				if err != nil {
					return nil, err
				}
				items = append(items, x)
			case "one-of":
				x, err := p.oneOf()
				if err != nil {
					return nil, err
				}
				items = append(items, x)
			case "ruleref":
				x, err := p.ruleRef(t)
				if err != nil {
					return nil, err
				}
				items = append(items, x)
			case "token":
				text, err := p.text()
				if err != nil {
					return nil, err
				}
				text = strings.Join(strings.Fields(text), " ")
				if text == "" {
					return nil, p.errorf("empty <token>")
				}
				items = append(items, &Token{Text: text})
			case "tag":
				text, err := p.text()
				if err != nil {
					return nil, err
				}
				items = append(items, &Tag{Text: text})
			case "example", "meta", "metadata", "lexicon":
				if err := p.skip(); err != nil {
					return nil, err
				}
			default:
				return nil, p.errorf("unexpected <%s> in rule content", t.Name.Local)
			}
		}
	}
}

// item parses <item>; weight is returned for the enclosing <one-of>.
func (p *xmlParser) item(start xml.StartElement) (Expansion, float64, error) {
	weight := 1.0
	repeat := ""
	for _, a := range start.Attr {
		if a.Name.Space != "" {
			continue
		}
		switch a.Name.Local {
		case "weight":
			w, err := parseWeight(a.Value)
			if err != nil {
				return nil, 0, p.errorf("%v", err)
			}
			weight = w
		case "repeat":
			repeat = a.Value
		case "repeat-prob":
			if _, err := parseProbability(a.Value); err != nil {
				return nil, 0, p.errorf("%v", err)
			}
		}
	}
	items, err := p.content()
	if err != nil {
		return nil, 0, err
	}
	body := seqOf(items)
	if repeat != "" {
		lo, hi, err := parseRepeat(repeat)
		if err != nil {
			return nil, 0, p.errorf("%v", err)
		}
		return &Repeat{Min: lo, Max: hi, Body: body}, weight, nil
	}
	return body, weight, nil
}

func (p *xmlParser) oneOf() (Expansion, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxNesting {
		return nil, p.errorf("elements nested deeper than %d", maxNesting)
	}
	o := &OneOf{}
	for {
		tok, err := p.token()
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.EndElement:
			if len(o.Alternatives) == 0 {
				return nil, p.errorf("<one-of> without items")
			}
			return o, nil
		case xml.CharData:
			if len(bytes.TrimSpace(t)) > 0 {
				return nil, p.errorf("text %q directly inside <one-of>", clip(string(bytes.TrimSpace(t))))
			}
		case xml.StartElement:
			switch {
			case !inSRGS(t.Name):
				if err := p.skip(); err != nil {
					return nil, err
				}
			case t.Name.Local == "item":
				x, w, err := p.item(t)
				if err != nil {
					return nil, err
				}
				o.Alternatives = append(o.Alternatives, Alternative{Weight: w, Body: x})
			default:
				return nil, p.errorf("unexpected <%s> in <one-of>", t.Name.Local)
			}
		}
	}
}

func (p *xmlParser) ruleRef(start xml.StartElement) (Expansion, error) {
	ref := &RuleRef{}
	hasURI := false
	for _, a := range start.Attr {
		if a.Name.Space != "" {
			continue
		}
		switch a.Name.Local {
		case "uri":
			ref.URI = strings.TrimSpace(a.Value)
			hasURI = true
		case "special":
			switch strings.TrimSpace(a.Value) {
			case "NULL":
				ref.Special = SpecialNull
			case "VOID":
				ref.Special = SpecialVoid
			case "GARBAGE":
				ref.Special = SpecialGarbage
			default:
				return nil, p.errorf("special rule %q is not NULL, VOID or GARBAGE", a.Value)
			}
		}
	}
	switch {
	case hasURI && ref.Special != SpecialNone:
		return nil, p.errorf("<ruleref> with both uri and special")
	case !hasURI && ref.Special == SpecialNone:
		return nil, p.errorf("<ruleref> without uri or special")
	case hasURI && ref.URI == "":
		return nil, p.errorf("<ruleref> with an empty uri")
	}
	// <ruleref> is empty; tolerate white space and comments inside.
	for {
		tok, err := p.token()
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.EndElement:
			return ref, nil
		case xml.CharData:
			if len(bytes.TrimSpace(t)) > 0 {
				return nil, p.errorf("text inside <ruleref>")
			}
		case xml.StartElement:
			return nil, p.errorf("element <%s> inside <ruleref>", t.Name.Local)
		}
	}
}

// text returns the character content of a text-only element.
func (p *xmlParser) text() (string, error) {
	var sb strings.Builder
	for {
		tok, err := p.token()
		if err != nil {
			return "", err
		}
		switch t := tok.(type) {
		case xml.EndElement:
			return sb.String(), nil
		case xml.CharData:
			sb.Write(t)
		case xml.StartElement:
			return "", p.errorf("element <%s> inside a text-only element", t.Name.Local)
		}
	}
}

// skip consumes the rest of an element that carries no grammar content.
func (p *xmlParser) skip() error {
	depth := 1
	for depth > 0 {
		tok, err := p.token()
		if err != nil {
			return err
		}
		switch tok.(type) {
		case xml.StartElement:
			depth++
		case xml.EndElement:
			depth--
		}
	}
	return nil
}

// splitTokens splits SRGS text into tokens: white space separates them, a
// double-quoted run is one token (SRGS 1.0 §2.1).
func splitTokens(text string) ([]string, error) {
	var toks []string
	for {
		text = strings.TrimLeft(text, " \t\r\n")
		if text == "" {
			return toks, nil
		}
		if text[0] == '"' {
			end := strings.IndexByte(text[1:], '"')
			if end < 0 {
				return nil, fmt.Errorf("unterminated quoted token %q", clip(text))
			}
			tok := strings.Join(strings.Fields(text[1:1+end]), " ")
			if tok != "" {
				toks = append(toks, tok)
			}
			text = text[end+2:]
			continue
		}
		end := strings.IndexAny(text, " \t\r\n\"")
		if end < 0 {
			end = len(text)
		}
		toks = append(toks, text[:end])
		text = text[end:]
	}
}

// seqOf wraps items in a Sequence unless there is exactly one.
func seqOf(items []Expansion) Expansion {
	if len(items) == 1 {
		return items[0]
	}
	return &Sequence{Items: items}
}

// clip shortens text quoted in an error message.
func clip(s string) string {
	const n = 40
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "..."
}

// charsetReader lets grammars declare the encodings seen in practice.
func charsetReader(charset string, input io.Reader) (io.Reader, error) {
	switch strings.ToLower(strings.TrimSpace(charset)) {
	case "utf-8", "utf8", "us-ascii", "ascii":
		return input, nil
	case "iso-8859-1", "iso8859-1", "latin1", "latin-1":
		return &latin1Reader{r: input}, nil
	}
	return nil, fmt.Errorf("unsupported charset %q", charset)
}

// latin1Reader transcodes ISO-8859-1 to UTF-8.
type latin1Reader struct {
	r   io.Reader
	buf []byte
	out []byte
}

func (l *latin1Reader) Read(p []byte) (int, error) {
	for len(l.out) == 0 {
		if cap(l.buf) == 0 {
			l.buf = make([]byte, 2048)
		}
		n, err := l.r.Read(l.buf[:cap(l.buf)])
		for _, b := range l.buf[:n] {
			l.out = utf8.AppendRune(l.out, rune(b))
		}
		if n == 0 && err != nil {
			return 0, err
		}
	}
	n := copy(p, l.out)
	l.out = l.out[n:]
	return n, nil
}
