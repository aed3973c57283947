// Package nlsml writes and reads recognition results in NLSML, the result
// format of MRCPv2 (RFC 6787 §6.3.1, §9.6, schema in §16.1).
//
// A Result holds one Interpretation per N-best entry; each carries the
// semantic instance as a generic value tree (semantic.Value), optional named
// extension trees written inside <instance> after the semantics (the place
// for NLU output such as <nlu>), and the <input> that was interpreted,
// including the <nomatch/> and <noinput/> forms.
package nlsml

import (
	"math"

	"github.com/mrcpd/mrcpd/grammar/semantic"
)

// Media types of NLSML bodies. RFC 6787 §13.2.1 registers
// application/nlsml+xml; many deployed clients and servers (UniMRCP among
// them) label results application/x-nlsml.
const (
	ContentType       = "application/nlsml+xml"
	LegacyContentType = "application/x-nlsml"
)

// Namespace is the MRCPv2 XML namespace NLSML elements belong to
// (RFC 6787 §6.3.1).
const Namespace = "urn:ietf:params:xml:ns:mrcpv2"

// Result is an NLSML <result>.
type Result struct {
	// Grammar is the result-level grammar attribute; interpretations that
	// matched another grammar override it (RFC 6787 §9.6.3.1).
	Grammar string
	// Interpretations, best first (RFC 6787 §9.6.3.2).
	Interpretations []Interpretation
}

// Interpretation is one alternative meaning of the input.
type Interpretation struct {
	Grammar    string
	Confidence Confidence
	// Instance is the semantic result: a string is written as text, an
	// object as child elements, a list as repeated elements. The zero
	// Value gives an empty <instance/>.
	Instance semantic.Value
	// Extensions are further trees written inside <instance> after the
	// semantics, each as an element of its name (for example "nlu").
	Extensions []Extension
	// RawInstance is filled by Parse only: the inner XML of <instance>
	// exactly as received, for clients that need what the value tree
	// cannot hold (namespaces, foreign attributes).
	RawInstance string
	Input       Input
}

// Extension is a named value tree inside <instance>.
type Extension struct {
	Name  string
	Value semantic.Value
}

// Input is an NLSML <input> (RFC 6787 §9.6.3.4 - §9.6.3.6).
type Input struct {
	Mode           string // "speech", "dtmf"; "" omits the attribute
	Confidence     Confidence
	TimestampStart string // ISO 8601
	TimestampEnd   string
	// Text is the input text; with NoMatch it is the best rejected text.
	Text    string
	NoMatch bool
	NoInput bool
	// Inputs are nested, cumulative inputs (multi-modal or per word).
	Inputs []Input
}

func (in *Input) empty() bool {
	return in.Mode == "" && !in.Confidence.Present && in.TimestampStart == "" && in.TimestampEnd == "" &&
		in.Text == "" && !in.NoMatch && !in.NoInput && len(in.Inputs) == 0
}

// Confidence is an optional score in [0.0, 1.0]; the zero value is absent.
type Confidence struct {
	Value   float64
	Present bool
}

// Conf returns a present confidence of v, clamped to [0, 1].
func Conf(v float64) Confidence {
	if math.IsNaN(v) {
		v = 0
	}
	return Confidence{Value: math.Max(0, math.Min(1, v)), Present: true}
}

// NoMatchResult is the result of a recognition that heard input matching
// no grammar (Completion-Cause 001): one interpretation with an empty
// instance and <input><nomatch>text</nomatch></input>, text being the best
// rejected hypothesis or "" (RFC 6787 §9.6.3.5).
func NoMatchResult(mode, text string, conf Confidence) *Result {
	return &Result{Interpretations: []Interpretation{{
		Input: Input{Mode: mode, Confidence: conf, Text: text, NoMatch: true},
	}}}
}

// InputOnlyResult carries the recognised input without an interpretation,
// as RFC 6787 §9.4.11 requires with Completion-Cause 012
// semantics-failure: an empty instance and the input text.
func InputOnlyResult(grammarURI, mode, text string, conf Confidence) *Result {
	return &Result{Interpretations: []Interpretation{{
		Grammar: grammarURI,
		Input:   Input{Mode: mode, Confidence: conf, Text: text},
	}}}
}

// NoInputResult is the result of a recognition that heard nothing
// (Completion-Cause 002): <input><noinput/></input> (RFC 6787 §9.6.3.6).
func NoInputResult() *Result {
	return &Result{Interpretations: []Interpretation{{Input: Input{NoInput: true}}}}
}
