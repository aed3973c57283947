package semantic

import "fmt"

// Script is a compiled tag. It is immutable: one Script may run in many
// matches at once.
type Script struct {
	src   string
	stmts []stmt
}

// Source returns the script text.
func (s *Script) Source() string { return s.src }

type stmt interface{ isStmt() }

type exprStmt struct{ x expr }
type varStmt struct {
	names []string
	inits []expr // nil entries for "var x;"
}
type ifStmt struct {
	cond      expr
	then, els []stmt
}
type blockStmt struct{ body []stmt }

func (exprStmt) isStmt()  {}
func (varStmt) isStmt()   {}
func (ifStmt) isStmt()    {}
func (blockStmt) isStmt() {}

type expr interface{ isExpr() }

type litExpr struct{ v Value } // scalars only: object literals build a new object per evaluation
type objExpr struct {
	keys []string
	vals []expr
}
type arrExpr struct{ items []expr }
type identExpr struct{ name string }
type memberExpr struct {
	obj  expr
	name string
}
type indexExpr struct{ obj, index expr }
type callExpr struct {
	fn   expr
	args []expr
}
type newExpr struct {
	ctor string
	args []expr
}
type unaryExpr struct {
	op string
	x  expr
}
type binaryExpr struct {
	op   string
	x, y expr
}
type condExpr struct{ cond, then, els expr }
type assignExpr struct {
	op     string // "=", "+=", ...
	target expr
	value  expr
}
type updateExpr struct {
	op     string // "++" or "--"
	target expr
	prefix bool
}

func (litExpr) isExpr()    {}
func (objExpr) isExpr()    {}
func (arrExpr) isExpr()    {}
func (identExpr) isExpr()  {}
func (memberExpr) isExpr() {}
func (indexExpr) isExpr()  {}
func (callExpr) isExpr()   {}
func (newExpr) isExpr()    {}
func (unaryExpr) isExpr()  {}
func (binaryExpr) isExpr() {}
func (condExpr) isExpr()   {}
func (assignExpr) isExpr() {}
func (updateExpr) isExpr() {}

// ParseScript compiles SISR script text. Errors are *SyntaxError.
func ParseScript(src string) (*Script, error) {
	toks, err := lexScript(src)
	if err != nil {
		return nil, err
	}
	p := &scriptParser{src: src, toks: toks}
	var stmts []stmt
	for p.peek().kind != stEOF {
		s, err := p.statement()
		if err != nil {
			return nil, err
		}
		if s != nil {
			stmts = append(stmts, s)
		}
	}
	return &Script{src: src, stmts: stmts}, nil
}

type scriptParser struct {
	src   string
	toks  []scriptTok
	i     int
	depth int
}

func (p *scriptParser) peek() scriptTok { return p.toks[p.i] }

func (p *scriptParser) next() scriptTok {
	t := p.toks[p.i]
	if t.kind != stEOF {
		p.i++
	}
	return t
}

func (p *scriptParser) isPunct(s string) bool {
	t := p.peek()
	return t.kind == stPunct && t.text == s
}

func (p *scriptParser) isWord(s string) bool {
	t := p.peek()
	return t.kind == stIdent && t.text == s
}

func (p *scriptParser) errorf(format string, args ...any) error {
	return scriptErr(p.src, p.peek().pos, fmt.Sprintf(format, args...))
}

func (p *scriptParser) expectPunct(s string) error {
	if !p.isPunct(s) {
		return p.errorf("expected %q, found %s", s, p.describe())
	}
	p.next()
	return nil
}

func (p *scriptParser) describe() string {
	t := p.peek()
	switch t.kind {
	case stEOF:
		return "end of tag"
	case stNumber:
		return "a number"
	case stString:
		return "a string"
	}
	return fmt.Sprintf("%q", t.text)
}

func (p *scriptParser) enter() error {
	p.depth++
	if p.depth > maxNesting {
		return p.errorf("nested deeper than %d", maxNesting)
	}
	return nil
}

func (p *scriptParser) leave() { p.depth-- }

func (p *scriptParser) statement() (stmt, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	switch {
	case p.isPunct(";"):
		p.next()
		return nil, nil
	case p.isPunct("{"):
		p.next()
		var body []stmt
		for !p.isPunct("}") {
			if p.peek().kind == stEOF {
				return nil, p.errorf("unterminated block")
			}
			s, err := p.statement()
			if err != nil {
				return nil, err
			}
			if s != nil {
				body = append(body, s)
			}
		}
		p.next()
		return blockStmt{body: body}, nil
	case p.isWord("var"):
		p.next()
		v := varStmt{}
		for {
			t := p.next()
			if t.kind != stIdent || reservedWord(t.text) {
				return nil, p.errorf("expected a variable name")
			}
			v.names = append(v.names, t.text)
			var init expr
			if p.isPunct("=") {
				p.next()
				x, err := p.assignment()
				if err != nil {
					return nil, err
				}
				init = x
			}
			v.inits = append(v.inits, init)
			if !p.isPunct(",") {
				break
			}
			p.next()
		}
		return v, p.endStatement()
	case p.isWord("if"):
		p.next()
		if err := p.expectPunct("("); err != nil {
			return nil, err
		}
		cond, err := p.expression()
		if err != nil {
			return nil, err
		}
		if err := p.expectPunct(")"); err != nil {
			return nil, err
		}
		s := ifStmt{cond: cond}
		then, err := p.statement()
		if err != nil {
			return nil, err
		}
		if then != nil {
			s.then = []stmt{then}
		}
		if p.isWord("else") {
			p.next()
			els, err := p.statement()
			if err != nil {
				return nil, err
			}
			if els != nil {
				s.els = []stmt{els}
			}
		}
		return s, nil
	}
	x, err := p.expression()
	if err != nil {
		return nil, err
	}
	return exprStmt{x: x}, p.endStatement()
}

// endStatement applies ECMAScript's automatic semicolon insertion: a
// statement ends at ';', before '}', at the end, or at a line break.
func (p *scriptParser) endStatement() error {
	switch {
	case p.isPunct(";"):
		p.next()
		return nil
	case p.isPunct("}"), p.peek().kind == stEOF, p.peek().newline:
		return nil
	}
	return p.errorf("expected ';', found %s", p.describe())
}

func reservedWord(s string) bool {
	switch s {
	case "var", "if", "else", "new", "typeof", "true", "false", "null", "function", "return", "for", "while", "do", "this", "delete", "in", "instanceof":
		return true
	}
	return false
}

func (p *scriptParser) expression() (expr, error) {
	x, err := p.assignment()
	if err != nil {
		return nil, err
	}
	for p.isPunct(",") {
		p.next()
		y, err := p.assignment()
		if err != nil {
			return nil, err
		}
		x = binaryExpr{op: ",", x: x, y: y}
	}
	return x, nil
}

func isAssignOp(s string) bool {
	switch s {
	case "=", "+=", "-=", "*=", "/=", "%=":
		return true
	}
	return false
}

func assignable(x expr) bool {
	switch x.(type) {
	case identExpr, memberExpr, indexExpr:
		return true
	}
	return false
}

func (p *scriptParser) assignment() (expr, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	x, err := p.conditional()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind == stPunct && isAssignOp(t.text) {
		if !assignable(x) {
			return nil, p.errorf("invalid assignment target")
		}
		p.next()
		v, err := p.assignment()
		if err != nil {
			return nil, err
		}
		return assignExpr{op: t.text, target: x, value: v}, nil
	}
	return x, nil
}

func (p *scriptParser) conditional() (expr, error) {
	c, err := p.binary(0)
	if err != nil {
		return nil, err
	}
	if !p.isPunct("?") {
		return c, nil
	}
	p.next()
	t, err := p.assignment()
	if err != nil {
		return nil, err
	}
	if err := p.expectPunct(":"); err != nil {
		return nil, err
	}
	e, err := p.assignment()
	if err != nil {
		return nil, err
	}
	return condExpr{cond: c, then: t, els: e}, nil
}

var binaryLevels = [][]string{
	{"||"},
	{"&&"},
	{"==", "!=", "===", "!=="},
	{"<", ">", "<=", ">="},
	{"+", "-"},
	{"*", "/", "%"},
}

func (p *scriptParser) binary(level int) (expr, error) {
	if level == len(binaryLevels) {
		return p.unary()
	}
	x, err := p.binary(level + 1)
	if err != nil {
		return nil, err
	}
	for {
		t := p.peek()
		if t.kind != stPunct || !contains(binaryLevels[level], t.text) {
			return x, nil
		}
		p.next()
		y, err := p.binary(level + 1)
		if err != nil {
			return nil, err
		}
		x = binaryExpr{op: t.text, x: x, y: y}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (p *scriptParser) unary() (expr, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	t := p.peek()
	switch {
	case t.kind == stPunct && (t.text == "!" || t.text == "-" || t.text == "+"):
		p.next()
		x, err := p.unary()
		if err != nil {
			return nil, err
		}
		return unaryExpr{op: t.text, x: x}, nil
	case t.kind == stIdent && t.text == "typeof":
		p.next()
		x, err := p.unary()
		if err != nil {
			return nil, err
		}
		return unaryExpr{op: "typeof", x: x}, nil
	case t.kind == stPunct && (t.text == "++" || t.text == "--"):
		p.next()
		x, err := p.unary()
		if err != nil {
			return nil, err
		}
		if !assignable(x) {
			return nil, p.errorf("invalid %s operand", t.text)
		}
		return updateExpr{op: t.text, target: x, prefix: true}, nil
	}
	x, err := p.postfix()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind == stPunct && (t.text == "++" || t.text == "--") && !t.newline {
		if !assignable(x) {
			return nil, p.errorf("invalid %s operand", t.text)
		}
		p.next()
		return updateExpr{op: t.text, target: x}, nil
	}
	return x, nil
}

func (p *scriptParser) postfix() (expr, error) {
	x, err := p.primary()
	if err != nil {
		return nil, err
	}
	for {
		switch {
		case p.isPunct("."):
			p.next()
			t := p.next()
			if t.kind != stIdent {
				return nil, p.errorf("expected a property name after '.'")
			}
			x = memberExpr{obj: x, name: t.text}
		case p.isPunct("["):
			p.next()
			idx, err := p.expression()
			if err != nil {
				return nil, err
			}
			if err := p.expectPunct("]"); err != nil {
				return nil, err
			}
			x = indexExpr{obj: x, index: idx}
		case p.isPunct("("):
			args, err := p.arguments()
			if err != nil {
				return nil, err
			}
			x = callExpr{fn: x, args: args}
		default:
			return x, nil
		}
	}
}

func (p *scriptParser) arguments() ([]expr, error) {
	p.next() // '('
	var args []expr
	for !p.isPunct(")") {
		a, err := p.assignment()
		if err != nil {
			return nil, err
		}
		args = append(args, a)
		if p.isPunct(",") {
			p.next()
			continue
		}
		if !p.isPunct(")") {
			return nil, p.errorf("expected ',' or ')' in arguments, found %s", p.describe())
		}
	}
	p.next()
	return args, nil
}

func (p *scriptParser) primary() (expr, error) {
	t := p.next()
	switch t.kind {
	case stNumber:
		return litExpr{v: Number(t.num)}, nil
	case stString:
		return litExpr{v: String(t.text)}, nil
	case stIdent:
		switch t.text {
		case "true":
			return litExpr{v: Bool(true)}, nil
		case "false":
			return litExpr{v: Bool(false)}, nil
		case "null":
			return litExpr{v: Null()}, nil
		case "new":
			c := p.next()
			if c.kind != stIdent {
				return nil, p.errorf("expected a constructor after new")
			}
			var args []expr
			if p.isPunct("(") {
				a, err := p.arguments()
				if err != nil {
					return nil, err
				}
				args = a
			}
			return newExpr{ctor: c.text, args: args}, nil
		}
		if reservedWord(t.text) {
			return nil, scriptErr(p.src, t.pos, fmt.Sprintf("%q is not supported in tags", t.text))
		}
		return identExpr{name: t.text}, nil
	case stPunct:
		switch t.text {
		case "(":
			x, err := p.expression()
			if err != nil {
				return nil, err
			}
			return x, p.expectPunct(")")
		case "{":
			return p.objectLiteral()
		case "[":
			a := arrExpr{}
			for !p.isPunct("]") {
				x, err := p.assignment()
				if err != nil {
					return nil, err
				}
				a.items = append(a.items, x)
				if p.isPunct(",") {
					p.next()
					continue
				}
				if !p.isPunct("]") {
					return nil, p.errorf("expected ',' or ']' in array literal, found %s", p.describe())
				}
			}
			p.next()
			return a, nil
		}
	case stEOF:
		return nil, scriptErr(p.src, t.pos, "unexpected end of tag")
	}
	return nil, scriptErr(p.src, t.pos, fmt.Sprintf("unexpected %q", t.text))
}

func (p *scriptParser) objectLiteral() (expr, error) {
	o := objExpr{}
	for !p.isPunct("}") {
		k := p.next()
		var key string
		switch k.kind {
		case stIdent, stString:
			key = k.text
		case stNumber:
			key = FormatNumber(k.num)
		default:
			return nil, p.errorf("expected a property name in object literal")
		}
		if err := p.expectPunct(":"); err != nil {
			return nil, err
		}
		v, err := p.assignment()
		if err != nil {
			return nil, err
		}
		o.keys = append(o.keys, key)
		o.vals = append(o.vals, v)
		if p.isPunct(",") {
			p.next()
			continue
		}
		if !p.isPunct("}") {
			return nil, p.errorf("expected ',' or '}' in object literal, found %s", p.describe())
		}
	}
	p.next()
	return o, nil
}

// HasEffect reports whether a script assigns, declares or calls anything.
// A grammar can use it to read a tag of undeclared format with no effect
// as a literal (<tag>open</tag>), the way most platforms read such tags.
func (s *Script) HasEffect() bool {
	for _, st := range s.stmts {
		if stmtHasEffect(st) {
			return true
		}
	}
	return false
}

func stmtHasEffect(st stmt) bool {
	switch s := st.(type) {
	case varStmt:
		return true
	case ifStmt:
		return true
	case blockStmt:
		for _, x := range s.body {
			if stmtHasEffect(x) {
				return true
			}
		}
	case exprStmt:
		return exprHasEffect(s.x)
	}
	return false
}

func exprHasEffect(x expr) bool {
	switch e := x.(type) {
	case assignExpr, updateExpr:
		return true
	case callExpr:
		return true
	case binaryExpr:
		return exprHasEffect(e.x) || exprHasEffect(e.y)
	}
	return false
}
