package grammar

// Mode is the input modality a grammar accepts (SRGS 1.0 "mode").
type Mode uint8

// Grammar modes.
const (
	ModeVoice Mode = iota
	ModeDTMF
)

func (m Mode) String() string {
	if m == ModeDTMF {
		return "dtmf"
	}
	return "voice"
}

// Tag formats understood by the semantic evaluator (SISR 1.0).
const (
	TagFormatScript   = "semantics/1.0"
	TagFormatLiterals = "semantics/1.0-literals"
)

// Grammar is an SRGS 1.0 grammar as parsed from either form, before
// compilation. Parsers fill it; programs may also build one by hand.
type Grammar struct {
	Mode      Mode
	Language  string // xml:lang / "language"
	Root      string // id of the root rule; empty when not declared
	TagFormat string // "" when not declared
	Base      string // xml:base / "base", for relative rule references
	// Tags are grammar-level tags (ABNF header tags, XML <tag> children of
	// <grammar>): SISR runs them once before any rule, so they declare
	// variables every rule can read.
	Tags  []string
	Rules []*Rule
}

// Rule returns the rule with the given id, or nil.
func (g *Grammar) Rule(id string) *Rule {
	for _, r := range g.Rules {
		if r.ID == id {
			return r
		}
	}
	return nil
}

// Scope says whether a rule may be referenced from other grammars
// (SRGS 1.0 rule scoping).
type Scope uint8

// Rule scopes; private is the SRGS default.
const (
	ScopePrivate Scope = iota
	ScopePublic
)

// Rule is a named rule expansion.
type Rule struct {
	ID    string
	Scope Scope
	Body  Expansion
}

// Expansion is a node of a rule body: *Sequence, *OneOf, *Repeat, *Token,
// *RuleRef or *Tag.
type Expansion interface {
	isExpansion()
}

// Sequence matches its items one after another. An empty sequence matches
// nothing, like NULL.
type Sequence struct {
	Items []Expansion
}

// OneOf matches exactly one of its alternatives (SRGS 1.0 §2.4).
type OneOf struct {
	Alternatives []Alternative
}

// Alternative is one weighted branch of a OneOf. Weight is relative to the
// other branches; parsers set 1 when the grammar gives none (SRGS 1.0
// §2.4.1).
type Alternative struct {
	Weight float64
	Body   Expansion
}

// Unbounded is Repeat.Max for "n-" repeats.
const Unbounded = -1

// Repeat matches Body between Min and Max times (SRGS 1.0 §2.5).
// Repeat probabilities are parsed but not used.
type Repeat struct {
	Min, Max int
	Body     Expansion
}

// Token is one token; in voice grammars it may span several words ("new
// york" quoted as one token), in DTMF grammars it is a key or a run of keys.
type Token struct {
	Text string
}

// Special names the SRGS special rules (SRGS 1.0 §2.2.3).
type Special uint8

// Special rules. SpecialNone marks an ordinary reference by URI.
const (
	SpecialNone Special = iota
	SpecialNull
	SpecialVoid
	SpecialGarbage
)

func (s Special) String() string {
	switch s {
	case SpecialNull:
		return "NULL"
	case SpecialVoid:
		return "VOID"
	case SpecialGarbage:
		return "GARBAGE"
	}
	return ""
}

// RuleRef references a rule: a local one ("#id"), a rule of another grammar
// ("http://host/g.grxml#id", "other.grxml" for its root, "builtin:..."), or
// a special rule.
type RuleRef struct {
	URI     string
	Special Special
}

// Tag is a semantic interpretation tag; its text is interpreted according
// to the grammar's tag format.
type Tag struct {
	Text string
}

func (*Sequence) isExpansion() {}
func (*OneOf) isExpansion()    {}
func (*Repeat) isExpansion()   {}
func (*Token) isExpansion()    {}
func (*RuleRef) isExpansion()  {}
func (*Tag) isExpansion()      {}
