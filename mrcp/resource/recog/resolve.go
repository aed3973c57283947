package recog

import (
	"errors"
	"fmt"

	"github.com/mrcpd/mrcpd/mrcp"
)

// maxResolvedGrammars bounds the grammars one request may activate once
// session: references are expanded.
const maxResolvedGrammars = 1024

var errTooManyGrammars = errors.New("too many grammars")

// undefinedError is a session: reference to a content-id nobody defined.
type undefinedError struct{ uri string }

func (e *undefinedError) Error() string { return fmt.Sprintf("grammar %s is not defined", e.uri) }

// resolve expands the session: references of a request body: to an inline
// grammar of the same body, else to the session store. The body's list
// definitions are expanded too, so nothing stored ever holds a reference.
func (m *Machine) resolve(gb grammarBody) ([]Grammar, []definition, error) {
	grammars, err := m.resolveList(gb.grammars, gb.defines)
	if err != nil {
		return nil, nil, err
	}
	defines := make([]definition, len(gb.defines))
	for i, d := range gb.defines {
		if !d.inline {
			if d.grammars, err = m.resolveList(d.grammars, gb.defines); err != nil {
				return nil, nil, err
			}
		}
		defines[i] = d
	}
	return grammars, defines, nil
}

func (m *Machine) resolveList(list []Grammar, local []definition) ([]Grammar, error) {
	out := make([]Grammar, 0, len(list))
	for _, g := range list {
		id, ok := sessionContentID(g.URI)
		if !ok {
			out = append(out, g)
		} else {
			target, found := inlineDefinition(local, id)
			if !found {
				target, found = m.store.lookup(id)
			}
			if !found {
				return nil, &undefinedError{uri: g.URI}
			}
			for _, t := range target {
				// A weight on the reference scales what it stands for.
				t.Weight *= g.Weight
				out = append(out, t)
			}
		}
		if len(out) > maxResolvedGrammars {
			return nil, errTooManyGrammars
		}
	}
	return out, nil
}

func inlineDefinition(defs []definition, id string) ([]Grammar, bool) {
	for i := len(defs) - 1; i >= 0; i-- {
		if defs[i].inline && defs[i].id == id {
			return defs[i].grammars, true
		}
	}
	return nil, false
}

// grammarFailure answers a request whose grammars cannot be used.
func grammarFailure(req *mrcp.Message, err error) []Action {
	var ue *undefinedError
	if errors.As(err, &ue) {
		// RFC 6787 §9.4.20, §9.4.21: the failed URI and a cause for it go
		// in the response. The session: scheme has no protocol status, so
		// the cause says what happened in words.
		resp := failure(req, mrcp.CauseURIFailure, err.Error())
		resp.Header.Set(mrcp.HdrFailedURI, ue.uri)
		resp.Header.Set(mrcp.HdrFailedURICause, "undefined")
		return []Action{SendResponse{resp}}
	}
	return []Action{SendResponse{failure(req, mrcp.CauseGrammarLoadFailure, err.Error())}}
}

// bodyFailure answers a request whose body the machine cannot take apart.
func bodyFailure(req *mrcp.Message, err error) []Action {
	resp := newResponse(req, mrcp.StatusUnsupportedEntity)
	var be *bodyError
	if errors.As(err, &be) {
		resp.StatusCode = be.status
		if be.field != "" && be.status != mrcp.StatusMandatoryHeaderMissing {
			if v, ok := req.Header.Get(be.field); ok {
				resp.Header.Add(be.field, v)
			}
		}
	}
	return []Action{SendResponse{resp}}
}

// storeFull answers a request whose grammars do not fit the session store
// (RFC 6787 §9.5.1: "If there is no space on the server to store the inline
// grammar, the request MUST return with a Completion-Cause code of 016").
func storeFull(req *mrcp.Message) []Action {
	return []Action{SendResponse{failure(req, mrcp.CauseGrammarDefinitionFailure, "session grammar store is full")}}
}
