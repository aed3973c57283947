package recog

import "github.com/mrcpd/mrcpd/mrcp"

// Action is one thing the session must do, in the order the machine returns
// them. It is one of SendResponse, SendEvent, StartRecognition,
// StartInputTimers, StopRecognition, LoadGrammars, Interpret,
// StopInterpretation or Drop.
type Action interface{ isAction() }

// SendResponse sends a response to the client. The message is complete:
// request-id, status, request-state, Channel-Identifier and any
// method-specific fields.
type SendResponse struct{ Message *mrcp.Message }

// SendEvent sends an event to the client, equally complete.
type SendEvent struct{ Message *mrcp.Message }

// StartRecognition asks the engine to start recognising for a RECOGNIZE
// request. Params is the effective parameter set: the session parameters
// overridden by the request's own fields. Grammars are in precedence order,
// session: references already resolved. InputTimers tells whether the
// no-input timer starts now (Start-Input-Timers, RFC 6787 §9.4.14, default
// true) or waits for a StartInputTimers action.
//
// The engine answers first with exactly one RecognitionStarted (the
// RECOGNIZE response waits for it), then reports StartOfInput and
// RecognitionComplete. Starting may fetch and compile grammars, so the
// session does it off its own goroutine; requests that arrive meanwhile are
// held.
type StartRecognition struct {
	RequestID   uint32
	Params      mrcp.Header
	Grammars    []Grammar
	InputTimers bool
}

// StartInputTimers starts the no-input timer of the recognition in progress
// (START-INPUT-TIMERS, RFC 6787 §9.13).
type StartInputTimers struct{ RequestID uint32 }

// StopRecognition stops the recognition of RequestID. The engine side MUST
// answer with exactly one EngineStopped for that request-id once no more
// audio is being processed for it, even if it had already finished: the STOP
// response (or the cancelling RECOGNIZE's response) waits for it.
type StopRecognition struct{ RequestID uint32 }

// LoadGrammars asks the engine to fetch and compile grammars for a
// DEFINE-GRAMMAR request (RFC 6787 §9.8: the server "MUST attempt to fetch,
// compile, and optimize the grammar before returning a response"). The engine
// answers with GrammarsLoaded for RequestID.
type LoadGrammars struct {
	RequestID uint32
	Params    mrcp.Header
	Grammars  []Grammar
}

// Interpret asks for the natural language interpretation of Text against
// Grammars (INTERPRET, RFC 6787 §9.20). The engine answers with
// InterpretationComplete.
type Interpret struct {
	RequestID uint32
	Text      string
	Params    mrcp.Header
	Grammars  []Grammar
}

// StopInterpretation stops the interpretation of RequestID; like
// StopRecognition it MUST be answered by exactly one EngineStopped.
type StopInterpretation struct{ RequestID uint32 }

// Drop reports an engine event the machine discarded, and why: it belongs to
// no request in progress, or arrived after a STOP or after completion. It
// also answers a message handed to Request that is not a request; Event is
// nil then. The session logs it at debug level.
type Drop struct {
	Event  EngineEvent
	Reason string
}

func (SendResponse) isAction()       {}
func (SendEvent) isAction()          {}
func (StartRecognition) isAction()   {}
func (StartInputTimers) isAction()   {}
func (StopRecognition) isAction()    {}
func (LoadGrammars) isAction()       {}
func (Interpret) isAction()          {}
func (StopInterpretation) isAction() {}
func (Drop) isAction()               {}
