package grammar

import (
	"math"
	"sort"
	"strings"

	"github.com/mrcpd/mrcpd/grammar/semantic"
)

// Compiled is a grammar ready for matching: rules resolved, tokens
// normalised, tags parsed. It is immutable and safe for concurrent use, so
// one Compiled serves every session that uses the same grammar.
type Compiled struct {
	mode     Mode
	language string
	source   *Grammar
	root     *crule
	rules    map[string]*crule
	order    []*crule // document order
	globals  []*semantic.Script
	builtin  *builtinGrammar // set when the whole grammar is a builtin
	imports  bool            // references rules of other documents
}

// Mode reports the grammar's input mode.
func (c *Compiled) Mode() Mode { return c.mode }

// Language reports the grammar's declared language ("" when none).
func (c *Compiled) Language() string { return c.language }

// Source returns the parsed grammar, or nil for a builtin grammar. It is
// shared: callers must not modify it.
func (c *Compiled) Source() *Grammar { return c.source }

// SelfContained reports that the grammar uses no rules of other documents
// (builtin: references aside), so it depends on its own text only and may
// be shared by content hash.
func (c *Compiled) SelfContained() bool { return !c.imports }

// Builtin returns the builtin: URI the grammar was built from, or "".
func (c *Compiled) Builtin() string {
	if c.builtin == nil {
		return ""
	}
	return c.builtin.uri
}

type crule struct {
	name   string
	public bool
	body   *node
}

type nodeKind uint8

const (
	nSeq nodeKind = iota
	nAlt
	nRepeat
	nToken
	nRef
	nNull
	nVoid
	nGarbage
	nTag
	nBuiltin
)

type node struct {
	kind     nodeKind
	items    []*node   // nSeq: the sequence; nAlt: the alternatives; nRepeat: items[0]
	weights  []float64 // nAlt: weights as written
	logw     []float64 // nAlt: log of the normalised weights
	order    []int     // nAlt: alternatives by decreasing weight
	min, max int       // nRepeat
	words    []string  // nToken
	rule     *crule    // nRef
	tag      *tagCode  // nTag
	builtin  *builtinGrammar
}

// tagCode is a compiled tag: a script or a literal.
type tagCode struct {
	script  *semantic.Script
	literal string
}

// Importer resolves a rule reference to another document (a URI without
// its fragment) to a compiled grammar. The Loader provides one; Compile
// without it accepts local and builtin: references only.
type Importer func(uri string) (*Compiled, error)

// CompileOption configures Compile.
type CompileOption func(*compileConfig)

type compileConfig struct {
	importer Importer
}

// WithImporter lets Compile follow references to other grammars.
func WithImporter(imp Importer) CompileOption {
	return func(c *compileConfig) { c.importer = imp }
}

// Compile checks and compiles g. Errors wrap ErrCompile (or, for failed
// imports, the importer's error class).
func Compile(g *Grammar, opts ...CompileOption) (*Compiled, error) {
	var cfg compileConfig
	for _, o := range opts {
		o(&cfg)
	}
	if g == nil {
		return nil, compileErrorf("no grammar")
	}
	if len(g.Rules) == 0 {
		return nil, compileErrorf("grammar has no rules")
	}
	c := &Compiled{mode: g.Mode, language: g.Language, source: g, rules: map[string]*crule{}}
	cc := &compiler{c: c, g: g, cfg: cfg, format: tagFormatOf(g.TagFormat)}
	for _, r := range g.Rules {
		if !validRuleName(r.ID) {
			return nil, compileErrorf("invalid rule name %q", r.ID)
		}
		if _, dup := c.rules[r.ID]; dup {
			return nil, compileErrorf("rule %q defined twice", r.ID)
		}
		cr := &crule{name: r.ID, public: r.Scope == ScopePublic}
		c.rules[r.ID] = cr
		c.order = append(c.order, cr)
	}
	for _, r := range g.Rules {
		body, err := cc.node(r.Body, 0)
		if err != nil {
			return nil, err
		}
		c.rules[r.ID].body = body
	}
	for _, t := range g.Tags {
		s, err := semantic.ParseScript(t)
		if err != nil {
			if cc.format == formatScript {
				return nil, compileErrorf("grammar tag: %v", err)
			}
			continue
		}
		c.globals = append(c.globals, s)
	}
	switch {
	case g.Root != "":
		c.root = c.rules[g.Root]
		if c.root == nil {
			return nil, compileErrorf("root rule %q is not defined", g.Root)
		}
	default:
		// SRGS 1.0 makes the root declaration optional; a grammar used on its own
		// needs one, and the first public rule (else the first rule) is
		// what authors mean when they leave it out.
		for _, r := range c.order {
			if r.public {
				c.root = r
				break
			}
		}
		if c.root == nil {
			c.root = c.order[0]
		}
	}
	c.imports = cc.imports
	if err := checkLeftRecursion(c); err != nil {
		return nil, err
	}
	return c, nil
}

type tagFormat uint8

const (
	formatAuto tagFormat = iota
	formatScript
	formatLiterals
)

func tagFormatOf(s string) tagFormat {
	s = strings.TrimSpace(s)
	switch {
	case s == TagFormatLiterals:
		return formatLiterals
	case s == TagFormatScript || strings.HasPrefix(s, TagFormatScript+"."):
		return formatScript
	}
	return formatAuto
}

type compiler struct {
	c       *Compiled
	g       *Grammar
	cfg     compileConfig
	format  tagFormat
	imports bool
	cache   map[string]*Compiled
}

func (cc *compiler) node(x Expansion, depth int) (*node, error) {
	if depth > 4*maxNesting {
		return nil, compileErrorf("rule expansion nested deeper than %d", 4*maxNesting)
	}
	switch e := x.(type) {
	case nil:
		return &node{kind: nNull}, nil
	case *Sequence:
		n := &node{kind: nSeq}
		for _, it := range e.Items {
			child, err := cc.node(it, depth+1)
			if err != nil {
				return nil, err
			}
			if child.kind == nNull {
				continue
			}
			n.items = append(n.items, child)
		}
		switch len(n.items) {
		case 0:
			return &node{kind: nNull}, nil
		case 1:
			return n.items[0], nil
		}
		return n, nil
	case *OneOf:
		if len(e.Alternatives) == 0 {
			return nil, compileErrorf("one-of without alternatives")
		}
		n := &node{kind: nAlt}
		sum := 0.0
		for _, a := range e.Alternatives {
			if a.Weight < 0 || math.IsNaN(a.Weight) || math.IsInf(a.Weight, 0) {
				return nil, compileErrorf("invalid weight %v", a.Weight)
			}
			child, err := cc.node(a.Body, depth+1)
			if err != nil {
				return nil, err
			}
			n.items = append(n.items, child)
			n.weights = append(n.weights, a.Weight)
			sum += a.Weight
		}
		for _, w := range n.weights {
			if sum == 0 {
				n.logw = append(n.logw, -math.Log(float64(len(n.weights))))
			} else {
				n.logw = append(n.logw, math.Log(w/sum))
			}
		}
		n.order = make([]int, len(n.items))
		for i := range n.order {
			n.order[i] = i
		}
		sort.SliceStable(n.order, func(i, j int) bool { return n.weights[n.order[i]] > n.weights[n.order[j]] })
		return n, nil
	case *Repeat:
		if e.Min < 0 || e.Min > maxRepeat || (e.Max != Unbounded && (e.Max < e.Min || e.Max > maxRepeat)) {
			return nil, compileErrorf("invalid repeat %d-%d", e.Min, e.Max)
		}
		child, err := cc.node(e.Body, depth+1)
		if err != nil {
			return nil, err
		}
		switch {
		case e.Max == 0:
			return &node{kind: nNull}, nil
		case e.Min == 1 && e.Max == 1:
			return child, nil
		}
		return &node{kind: nRepeat, items: []*node{child}, min: e.Min, max: e.Max}, nil
	case *Token:
		var words []string
		if cc.g.Mode == ModeDTMF {
			keys, err := Keys(e.Text)
			if err != nil {
				return nil, compileErrorf("DTMF token %q: %v", e.Text, err)
			}
			words = keys
		} else {
			words = Words(e.Text)
		}
		if len(words) == 0 {
			// A token of punctuation only ("," or "?") can never be heard.
			return &node{kind: nNull}, nil
		}
		return &node{kind: nToken, words: words}, nil
	case *Tag:
		tc, err := cc.tag(e.Text)
		if err != nil {
			return nil, err
		}
		return &node{kind: nTag, tag: tc}, nil
	case *RuleRef:
		return cc.ref(e)
	}
	return nil, compileErrorf("unknown expansion %T", x)
}

func (cc *compiler) tag(text string) (*tagCode, error) {
	switch cc.format {
	case formatLiterals:
		return &tagCode{literal: strings.TrimSpace(text)}, nil
	case formatScript:
		s, err := semantic.ParseScript(text)
		if err != nil {
			return nil, compileErrorf("tag %q: %v", clip(strings.TrimSpace(text)), err)
		}
		return &tagCode{script: s}, nil
	}
	if s, err := semantic.ParseScript(text); err == nil && s.HasEffect() {
		return &tagCode{script: s}, nil
	}
	return &tagCode{literal: strings.TrimSpace(text)}, nil
}

func (cc *compiler) ref(e *RuleRef) (*node, error) {
	switch e.Special {
	case SpecialNull:
		return &node{kind: nNull}, nil
	case SpecialVoid:
		return &node{kind: nVoid}, nil
	case SpecialGarbage:
		return &node{kind: nGarbage}, nil
	}
	uri := strings.TrimSpace(e.URI)
	if strings.HasPrefix(uri, "#") {
		r := cc.c.rules[uri[1:]]
		if r == nil {
			return nil, compileErrorf("reference to undefined rule %q", uri[1:])
		}
		return &node{kind: nRef, rule: r}, nil
	}
	if strings.HasPrefix(strings.ToLower(uri), "builtin:") {
		b, err := parseBuiltin(uri)
		if err != nil {
			return nil, err
		}
		if b.mode != cc.g.Mode {
			return nil, compileErrorf("%s is a %s grammar, referenced from a %s grammar", uri, b.mode, cc.g.Mode)
		}
		return &node{kind: nBuiltin, builtin: b}, nil
	}
	doc, fragment, _ := strings.Cut(uri, "#")
	if cc.cfg.importer == nil {
		return nil, compileErrorf("reference to %q needs a loader to fetch it", uri)
	}
	if cc.cache == nil {
		cc.cache = map[string]*Compiled{}
	}
	other := cc.cache[doc]
	if other == nil {
		var err error
		other, err = cc.cfg.importer(doc)
		if err != nil {
			return nil, err
		}
		cc.cache[doc] = other
	}
	cc.imports = true
	if other.mode != cc.g.Mode {
		return nil, compileErrorf("%s is a %s grammar, referenced from a %s grammar", doc, other.mode, cc.g.Mode)
	}
	if other.builtin != nil {
		return &node{kind: nBuiltin, builtin: other.builtin}, nil
	}
	if fragment == "" {
		return &node{kind: nRef, rule: other.root}, nil
	}
	r := other.rules[fragment]
	if r == nil {
		return nil, compileErrorf("%s has no rule %q", doc, fragment)
	}
	// SRGS 1.0 rule scoping: only public rules may be referenced from outside.
	if !r.public {
		return nil, compileErrorf("rule %q of %s is private", fragment, doc)
	}
	return &node{kind: nRef, rule: r}, nil
}

// checkLeftRecursion rejects grammars in which a rule can reach itself
// without consuming input: matching them would not terminate, and SRGS
// processors commonly refuse them as well.
func checkLeftRecursion(c *Compiled) error {
	all := reachableRules(c.order)
	nullable := map[*crule]bool{}
	for changed := true; changed; {
		changed = false
		for _, r := range all {
			if !nullable[r] && isNullable(r.body, nullable) {
				nullable[r] = true
				changed = true
			}
		}
	}
	const (
		unvisited = iota
		active
		done
	)
	state := map[*crule]int{}
	var visit func(r *crule, depth int) error
	visit = func(r *crule, depth int) error {
		if depth > 10000 {
			return compileErrorf("rule references nested too deeply")
		}
		state[r] = active
		var refs []*crule
		leftRefs(r.body, nullable, &refs)
		for _, x := range refs {
			switch state[x] {
			case active:
				return compileErrorf("rule %q is left-recursive", x.name)
			case unvisited:
				if err := visit(x, depth+1); err != nil {
					return err
				}
			}
		}
		state[r] = done
		return nil
	}
	for _, r := range all {
		if state[r] == unvisited {
			if err := visit(r, 0); err != nil {
				return err
			}
		}
	}
	return nil
}

// reachableRules lists the given rules and every rule they reference,
// imported ones included.
func reachableRules(start []*crule) []*crule {
	seen := map[*crule]bool{}
	var all []*crule
	var walk func(n *node)
	walk = func(n *node) {
		if n.kind == nRef && !seen[n.rule] {
			seen[n.rule] = true
			all = append(all, n.rule)
			walk(n.rule.body)
		}
		for _, it := range n.items {
			walk(it)
		}
	}
	for _, r := range start {
		if !seen[r] {
			seen[r] = true
			all = append(all, r)
			walk(r.body)
		}
	}
	return all
}

func isNullable(n *node, nullable map[*crule]bool) bool {
	switch n.kind {
	case nNull, nGarbage, nTag:
		return true
	case nToken, nVoid, nBuiltin:
		return false
	case nRef:
		return nullable[n.rule]
	case nRepeat:
		return n.min == 0 || isNullable(n.items[0], nullable)
	case nAlt:
		for _, it := range n.items {
			if isNullable(it, nullable) {
				return true
			}
		}
		return false
	case nSeq:
		for _, it := range n.items {
			if !isNullable(it, nullable) {
				return false
			}
		}
		return true
	}
	return false
}

// leftRefs collects the rules reachable from n before any token.
func leftRefs(n *node, nullable map[*crule]bool, out *[]*crule) {
	switch n.kind {
	case nRef:
		*out = append(*out, n.rule)
	case nRepeat:
		leftRefs(n.items[0], nullable, out)
	case nAlt:
		for _, it := range n.items {
			leftRefs(it, nullable, out)
		}
	case nSeq:
		for _, it := range n.items {
			leftRefs(it, nullable, out)
			if !isNullable(it, nullable) {
				return
			}
		}
	}
}
