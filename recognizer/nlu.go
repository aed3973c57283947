package recognizer

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/mrcpd/mrcpd/grammar"
	"github.com/mrcpd/mrcpd/grammar/semantic"
	"github.com/mrcpd/mrcpd/mrcp"
	"github.com/mrcpd/mrcpd/mrcp/server"
	"github.com/mrcpd/mrcpd/nlsml"
	"github.com/mrcpd/mrcpd/nlu"
	"github.com/mrcpd/mrcpd/nlu/entity"
)

// NLU is attached to a recognition in one of three ways, the first that
// applies winning: the grammar builtin:nlu/<model> (free-form recognition
// classified by that model), Vendor-Specific-Parameters
// mrcpd.nlu-model=<model>, or the configured default model. docs/nlu.md
// shows the resulting NLSML.
const (
	nluGrammarPrefix = "builtin:nlu/"
	vendorNLUModel   = "mrcpd.nlu-model"
	nluElement       = "nlu"
)

// loadNLUGrammar resolves builtin:nlu/<model>: free-form speech whose
// transcript the model classifies.
func (r *Recognizer) loadNLUGrammar(uri string) (*grammar.Compiled, string, error) {
	name := strings.TrimSpace(uri[len(nluGrammarPrefix):])
	if _, ok := r.model(name); !ok {
		return nil, "", &server.CauseError{Cause: mrcp.CauseGrammarLoadFailure, Reason: fmt.Sprintf("%s: no NLU model %q is loaded", uri, name)}
	}
	g, err := grammar.Builtin("builtin:speech/transcribe")
	if err != nil {
		return nil, "", grammarError(uri, err)
	}
	return g, name, nil
}

func (r *Recognizer) model(name string) (*nlu.Model, bool) {
	if r.opts.NLU == nil || name == "" {
		return nil, false
	}
	return r.opts.NLU.Get(name)
}

// classify runs the named model over text and returns the <nlu> tree.
func (r *Recognizer) classify(name, text string) (nlsml.Extension, bool) {
	m, ok := r.model(name)
	if !ok {
		return nlsml.Extension{}, false
	}
	start := time.Now()
	p := m.Predict(text, start)
	if r.opts.Observe != nil {
		r.opts.Observe("nlu", "predict", time.Since(start), nil)
	}
	return nlsml.Extension{Name: nluElement, Value: predictionValue(name, p)}, true
}

// predictionValue is the documented shape of <nlu> inside <instance>
// (docs/results.md): model, intent ("" when out of scope), confidence,
// out_of_scope, then one <alternative> (intent, confidence) per runner-up and
// one <entity> (type, text, value, start, end; byte offsets into the
// transcript) per entity found.
func predictionValue(model string, p nlu.Prediction) semantic.Value {
	v := semantic.NewObject()
	v.Set("model", semantic.String(model))
	v.Set("intent", semantic.String(p.Intent))
	v.Set("confidence", semantic.Number(round4(p.Confidence)))
	v.Set("out_of_scope", semantic.Bool(p.OutOfScope))
	alts := semantic.NewList()
	for _, a := range p.Alternatives {
		o := semantic.NewObject()
		o.Set("intent", semantic.String(a.Intent))
		o.Set("confidence", semantic.Number(round4(a.Confidence)))
		alts.Append(o)
	}
	v.Set("alternative", alts)
	ents := semantic.NewList()
	for _, e := range p.Entities {
		o := semantic.NewObject()
		o.Set("type", semantic.String(e.Type))
		o.Set("text", semantic.String(e.Text))
		o.Set("value", entityValue(e.Value))
		o.Set("start", semantic.Number(float64(e.Start)))
		o.Set("end", semantic.Number(float64(e.End)))
		ents.Append(o)
	}
	v.Set("entity", ents)
	return v
}

func entityValue(x any) semantic.Value {
	switch x := x.(type) {
	case float64:
		return semantic.Number(x)
	case int:
		return semantic.Number(float64(x))
	case bool:
		return semantic.Bool(x)
	case string:
		return semantic.String(x)
	case entity.Money:
		o := semantic.NewObject()
		o.Set("amount", semantic.Number(x.Amount))
		o.Set("currency", semantic.String(x.Currency))
		return o
	}
	return semantic.String(fmt.Sprint(x))
}

func round4(f float64) float64 { return math.Round(f*1e4) / 1e4 }
