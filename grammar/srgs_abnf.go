package grammar

import (
	"bytes"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ParseABNF parses an SRGS 1.0 grammar in ABNF form (application/srgs).
// The document must start with the self-identifying header "#ABNF 1.0"
// (SRGS 1.0 ABNF self-identifying header).
func ParseABNF(body []byte) (*Grammar, error) {
	body = bytes.TrimPrefix(body, []byte("\xef\xbb\xbf"))
	p := &abnfParser{src: body}
	if err := p.header(); err != nil {
		return nil, err
	}
	if !utf8.Valid(p.src) {
		return nil, p.errorf("grammar is not valid UTF-8")
	}
	return p.parse()
}

type abnfParser struct {
	src   []byte
	pos   int
	depth int
	g     Grammar
}

func (p *abnfParser) errorf(format string, args ...any) error {
	line, col := 1, 1
	for i := 0; i < p.pos && i < len(p.src); i++ {
		if p.src[i] == '\n' {
			line++
			col = 1
		} else if utf8.RuneStart(p.src[i]) {
			col++
		}
	}
	return &SyntaxError{Form: "abnf", Line: line, Col: col, Msg: fmt.Sprintf(format, args...)}
}

func (p *abnfParser) eof() bool { return p.pos >= len(p.src) }

func (p *abnfParser) peek() byte {
	if p.pos < len(p.src) {
		return p.src[p.pos]
	}
	return 0
}

func (p *abnfParser) hasPrefix(s string) bool { return bytes.HasPrefix(p.src[p.pos:], []byte(s)) }

// space skips white space and comments ("// ..." and "/* ... */").
func (p *abnfParser) space() error {
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		switch {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f':
			p.pos++
		case p.hasPrefix("//"):
			end := bytes.IndexByte(p.src[p.pos:], '\n')
			if end < 0 {
				p.pos = len(p.src)
			} else {
				p.pos += end + 1
			}
		case p.hasPrefix("/*"):
			end := bytes.Index(p.src[p.pos+2:], []byte("*/"))
			if end < 0 {
				return p.errorf("unterminated comment")
			}
			p.pos += end + 4
		default:
			return nil
		}
	}
	return nil
}

// header reads "#ABNF 1.0 [charset];" and transcodes a Latin-1 body.
func (p *abnfParser) header() error {
	for p.pos < len(p.src) && (p.src[p.pos] == ' ' || p.src[p.pos] == '\t' || p.src[p.pos] == '\r' || p.src[p.pos] == '\n') {
		p.pos++
	}
	if !p.hasPrefix("#ABNF") {
		return p.errorf("missing #ABNF header")
	}
	p.pos += len("#ABNF")
	end := bytes.IndexByte(p.src[p.pos:], ';')
	if end < 0 {
		return p.errorf("#ABNF header without ';'")
	}
	fields := strings.Fields(string(p.src[p.pos : p.pos+end]))
	if len(fields) == 0 || fields[0] != "1.0" {
		return p.errorf("unsupported ABNF version %q, want 1.0", strings.Join(fields, " "))
	}
	if len(fields) > 2 {
		return p.errorf("malformed #ABNF header")
	}
	p.pos += end + 1
	if len(fields) == 2 {
		switch strings.ToLower(fields[1]) {
		case "utf-8", "utf8", "us-ascii", "ascii":
		case "iso-8859-1", "iso8859-1", "latin1", "latin-1":
			rest := p.src[p.pos:]
			out := make([]byte, 0, len(rest)+len(rest)/4)
			for _, b := range rest {
				out = utf8.AppendRune(out, rune(b))
			}
			p.src, p.pos = out, 0
		default:
			return p.errorf("unsupported charset %q", fields[1])
		}
	}
	return nil
}

func (p *abnfParser) parse() (*Grammar, error) {
	rulesStarted := false
	for {
		if err := p.space(); err != nil {
			return nil, err
		}
		if p.eof() {
			return &p.g, nil
		}
		if p.peek() == '$' || p.hasWord("public") || p.hasWord("private") {
			rulesStarted = true
			if err := p.ruleDef(); err != nil {
				return nil, err
			}
			continue
		}
		if rulesStarted {
			return nil, p.errorf("expected a rule definition")
		}
		if err := p.declaration(); err != nil {
			return nil, err
		}
	}
}

// hasWord reports whether the keyword w starts here as a whole word.
func (p *abnfParser) hasWord(w string) bool {
	if !p.hasPrefix(w) {
		return false
	}
	rest := p.src[p.pos+len(w):]
	return len(rest) == 0 || !isNameByte(rest[0])
}

func isNameByte(c byte) bool {
	return c >= 0x80 || c == '_' || c == '-' || c == '.' || c == ':' ||
		(c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

// word reads a run of non-space, non-';' characters.
func (p *abnfParser) word() string {
	start := p.pos
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		if c == ';' || c == ' ' || c == '\t' || c == '\r' || c == '\n' {
			break
		}
		p.pos++
	}
	return string(p.src[start:p.pos])
}

func (p *abnfParser) expect(c byte) error {
	if err := p.space(); err != nil {
		return err
	}
	if p.peek() != c {
		if p.eof() {
			return p.errorf("expected %q, found end of grammar", c)
		}
		return p.errorf("expected %q, found %q", c, p.peek())
	}
	p.pos++
	return nil
}

// declaration parses one header declaration (SRGS 1.0 grammar header).
func (p *abnfParser) declaration() error {
	if p.peek() == '{' {
		text, err := p.tagText()
		if err != nil {
			return err
		}
		p.g.Tags = append(p.g.Tags, text)
		return p.expect(';')
	}
	start := p.pos
	kw := p.name()
	if kw == "" {
		return p.errorf("expected a declaration or a rule, found %q", p.peek())
	}
	if err := p.space(); err != nil {
		return err
	}
	switch kw {
	case "language":
		p.g.Language = p.word()
		if p.g.Language == "" {
			return p.errorf("language declaration without a language")
		}
	case "mode":
		switch m := p.word(); m {
		case "voice":
			p.g.Mode = ModeVoice
		case "dtmf":
			p.g.Mode = ModeDTMF
		default:
			return p.errorf("mode %q is neither voice nor dtmf", m)
		}
	case "root":
		if p.peek() != '$' {
			return p.errorf("root declaration needs a $rulename")
		}
		p.pos++
		p.g.Root = p.name()
		if !validRuleName(p.g.Root) {
			return p.errorf("invalid root rule name %q", p.g.Root)
		}
	case "tag-format":
		uri, err := p.uriOrWord()
		if err != nil {
			return err
		}
		p.g.TagFormat = uri
	case "base":
		uri, err := p.uriOrWord()
		if err != nil {
			return err
		}
		p.g.Base = uri
	case "lexicon":
		if _, err := p.uriOrWord(); err != nil {
			return err
		}
		if p.peek() == '~' {
			p.pos++
			if _, err := p.uriOrWord(); err != nil {
				return err
			}
		}
	case "meta", "http-equiv":
		if _, err := p.quoted(); err != nil {
			return err
		}
		if err := p.space(); err != nil {
			return err
		}
		if !p.hasWord("is") {
			return p.errorf("%s declaration without 'is'", kw)
		}
		p.pos += 2
		if err := p.space(); err != nil {
			return err
		}
		if _, err := p.quoted(); err != nil {
			return err
		}
	default:
		p.pos = start
		return p.errorf("unknown declaration %q", kw)
	}
	return p.expect(';')
}

// name reads a rule name or keyword.
func (p *abnfParser) name() string {
	start := p.pos
	for p.pos < len(p.src) && isNameByte(p.src[p.pos]) {
		p.pos++
	}
	return string(p.src[start:p.pos])
}

// uriOrWord reads "<uri>" or a bare word.
func (p *abnfParser) uriOrWord() (string, error) {
	if p.peek() == '<' {
		end := bytes.IndexByte(p.src[p.pos:], '>')
		if end < 0 {
			return "", p.errorf("unterminated <uri>")
		}
		uri := strings.TrimSpace(string(p.src[p.pos+1 : p.pos+end]))
		p.pos += end + 1
		return uri, nil
	}
	w := p.word()
	if w == "" {
		return "", p.errorf("expected a URI")
	}
	return w, nil
}

// quoted reads a double-quoted string; \" and \\ are escapes.
func (p *abnfParser) quoted() (string, error) {
	if p.peek() != '"' {
		return "", p.errorf("expected a quoted string")
	}
	p.pos++
	var sb strings.Builder
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		switch {
		case c == '"':
			p.pos++
			return sb.String(), nil
		case c == '\\' && p.pos+1 < len(p.src) && (p.src[p.pos+1] == '"' || p.src[p.pos+1] == '\\'):
			sb.WriteByte(p.src[p.pos+1])
			p.pos += 2
		default:
			sb.WriteByte(c)
			p.pos++
		}
	}
	return "", p.errorf("unterminated quoted string")
}

// ruleDef parses "[public|private] $name = expansion ;" (SRGS 1.0 rule
// definitions).
func (p *abnfParser) ruleDef() error {
	r := &Rule{}
	switch {
	case p.hasWord("public"):
		r.Scope = ScopePublic
		p.pos += len("public")
	case p.hasWord("private"):
		p.pos += len("private")
	}
	if err := p.expect('$'); err != nil {
		return err
	}
	r.ID = p.name()
	if !validRuleName(r.ID) {
		return p.errorf("invalid rule name %q", r.ID)
	}
	if err := p.expect('='); err != nil {
		return err
	}
	body, err := p.alternatives()
	if err != nil {
		return err
	}
	r.Body = body
	if err := p.expect(';'); err != nil {
		return err
	}
	p.g.Rules = append(p.g.Rules, r)
	return nil
}

// alternatives parses "[/w/] seq ( '|' [/w/] seq )*".
func (p *abnfParser) alternatives() (Expansion, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxNesting {
		return nil, p.errorf("expansions nested deeper than %d", maxNesting)
	}
	var alts []Alternative
	weighted := false
	for {
		if err := p.space(); err != nil {
			return nil, err
		}
		w := 1.0
		if p.peek() == '/' {
			weight, err := p.slashNumber()
			if err != nil {
				return nil, err
			}
			w, err = parseWeight(weight)
			if err != nil {
				return nil, p.errorf("%v", err)
			}
			weighted = true
		}
		seq, err := p.sequence()
		if err != nil {
			return nil, err
		}
		alts = append(alts, Alternative{Weight: w, Body: seq})
		if err := p.space(); err != nil {
			return nil, err
		}
		if p.peek() != '|' {
			break
		}
		p.pos++
	}
	if len(alts) == 1 && !weighted {
		return alts[0].Body, nil
	}
	return &OneOf{Alternatives: alts}, nil
}

// slashNumber reads "/text/" and returns text.
func (p *abnfParser) slashNumber() (string, error) {
	p.pos++
	end := bytes.IndexByte(p.src[p.pos:], '/')
	if end < 0 {
		return "", p.errorf("unterminated /weight/")
	}
	s := string(p.src[p.pos : p.pos+end])
	p.pos += end + 1
	return s, nil
}

// sequence parses one or more items up to '|', ')', ']' or ';'.
func (p *abnfParser) sequence() (Expansion, error) {
	var items []Expansion
	for {
		if err := p.space(); err != nil {
			return nil, err
		}
		if p.eof() {
			return nil, p.errorf("unexpected end of grammar in a rule expansion")
		}
		switch p.peek() {
		case '|', ')', ']', ';':
			if len(items) == 0 {
				return nil, p.errorf("empty rule expansion")
			}
			return seqOf(items), nil
		}
		item, err := p.item()
		if err != nil {
			return nil, err
		}
		items = append(items, item)
	}
}

// item parses one primary with an optional repeat and language attachment.
func (p *abnfParser) item() (Expansion, error) {
	var x Expansion
	switch c := p.peek(); c {
	case '(', '[':
		p.pos++
		inner, err := p.alternatives()
		if err != nil {
			return nil, err
		}
		if c == '(' {
			err = p.expect(')')
		} else {
			err = p.expect(']')
			inner = &Repeat{Min: 0, Max: 1, Body: inner}
		}
		if err != nil {
			return nil, err
		}
		x = inner
	case '{':
		text, err := p.tagText()
		if err != nil {
			return nil, err
		}
		x = &Tag{Text: text}
	case '$':
		ref, err := p.ruleRef()
		if err != nil {
			return nil, err
		}
		x = ref
	case '"':
		text, err := p.quoted()
		if err != nil {
			return nil, err
		}
		text = strings.Join(strings.Fields(text), " ")
		if text == "" {
			return nil, p.errorf("empty quoted token")
		}
		x = &Token{Text: text}
	default:
		tok := p.bareToken()
		if tok == "" {
			return nil, p.errorf("unexpected %q", c)
		}
		x = &Token{Text: tok}
	}
	p.language()
	if p.peek() == '<' {
		rep, err := p.repeat()
		if err != nil {
			return nil, err
		}
		rep.Body = x
		x = rep
		p.language()
	}
	return x, nil
}

// language skips a "!lang" attachment; languages do not affect matching.
func (p *abnfParser) language() {
	if p.peek() != '!' {
		return
	}
	p.pos++
	for p.pos < len(p.src) && (isNameByte(p.src[p.pos])) {
		p.pos++
	}
}

// bareToken reads an unquoted token: anything up to white space or a
// character with meaning in rule expansions.
func (p *abnfParser) bareToken() string {
	start := p.pos
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		if c == ' ' || c == '\t' || c == '\r' || c == '\n' || strings.IndexByte(";|/()[]{}<>$!\"=", c) >= 0 {
			break
		}
		if c >= 0x80 {
			r, size := utf8.DecodeRune(p.src[p.pos:])
			if unicode.IsSpace(r) {
				break
			}
			p.pos += size
			continue
		}
		p.pos++
	}
	return string(p.src[start:p.pos])
}

// ruleRef parses $name, $<uri>, $<uri>~<media-type> and the specials.
func (p *abnfParser) ruleRef() (Expansion, error) {
	p.pos++ // '$'
	if p.peek() == '<' {
		uri, err := p.uriOrWord()
		if err != nil {
			return nil, err
		}
		if uri == "" {
			return nil, p.errorf("empty rule reference URI")
		}
		if p.peek() == '~' {
			p.pos++
			if _, err := p.uriOrWord(); err != nil {
				return nil, err
			}
		}
		return &RuleRef{URI: uri}, nil
	}
	name := p.name()
	switch name {
	case "NULL":
		return &RuleRef{Special: SpecialNull}, nil
	case "VOID":
		return &RuleRef{Special: SpecialVoid}, nil
	case "GARBAGE":
		return &RuleRef{Special: SpecialGarbage}, nil
	}
	if !validRuleName(name) {
		return nil, p.errorf("invalid rule reference $%s", name)
	}
	return &RuleRef{URI: "#" + name}, nil
}

// repeat parses "<n>", "<n->", "<n-m>", each with an optional "/prob/".
func (p *abnfParser) repeat() (*Repeat, error) {
	end := bytes.IndexByte(p.src[p.pos:], '>')
	if end < 0 {
		return nil, p.errorf("unterminated repeat")
	}
	spec := string(p.src[p.pos+1 : p.pos+end])
	if i := strings.IndexByte(spec, '/'); i >= 0 {
		prob := strings.TrimSpace(spec[i:])
		if len(prob) < 2 || prob[len(prob)-1] != '/' {
			return nil, p.errorf("malformed repeat probability in <%s>", spec)
		}
		if _, err := parseProbability(prob[1 : len(prob)-1]); err != nil {
			return nil, p.errorf("%v", err)
		}
		spec = spec[:i]
	}
	lo, hi, err := parseRepeat(spec)
	if err != nil {
		return nil, p.errorf("%v", err)
	}
	p.pos += end + 1
	return &Repeat{Min: lo, Max: hi}, nil
}

// tagText reads "{...}" or "{!{...}!}" and returns the content. The plain
// form balances nested braces outside string literals, so object literals
// in scripts need not use the escaped form.
func (p *abnfParser) tagText() (string, error) {
	if p.hasPrefix("{!{") {
		end := bytes.Index(p.src[p.pos+3:], []byte("}!}"))
		if end < 0 {
			return "", p.errorf("unterminated {!{ tag")
		}
		text := string(p.src[p.pos+3 : p.pos+3+end])
		p.pos += end + 6
		return text, nil
	}
	start := p.pos + 1
	depth := 0
	var quote byte
	for i := p.pos; i < len(p.src); i++ {
		c := p.src[i]
		switch {
		case quote != 0:
			if c == '\\' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '{':
			depth++
		case c == '}':
			depth--
			if depth == 0 {
				p.pos = i + 1
				return string(p.src[start:i]), nil
			}
		}
	}
	// An apostrophe in a literal tag ({don't}) opens no string: fall back
	// to the first closing brace.
	if end := bytes.IndexByte(p.src[start:], '}'); end >= 0 {
		p.pos = start + end + 1
		return string(p.src[start : start+end]), nil
	}
	return "", p.errorf("unterminated tag")
}
