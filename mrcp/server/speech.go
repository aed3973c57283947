package server

import (
	"context"
	"errors"

	"github.com/mrcpd/mrcpd/mrcp"
	"github.com/mrcpd/mrcpd/mrcp/resource/recog"
	"github.com/mrcpd/mrcpd/rtp"
)

// SpeechPath is the recogniser side of speechrecog channels: everything
// between decoded audio and a finished result (VAD, input timers, DTMF,
// engines, grammars, NLSML). The protocol code talks to it only through this
// interface.
type SpeechPath interface {
	// LoadGrammars fetches and compiles grammars for DEFINE-GRAMMAR. It may
	// block (fetching a URI); it is called off the session goroutine.
	LoadGrammars(ctx context.Context, req LoadRequest) recog.GrammarsLoaded
	// Recognize fetches and compiles the grammars and prepares a
	// recognition; a *CauseError tells the client why it could not (RFC 6787
	// §9.9: the RECOGNIZE is answered 407 with that cause). It may block; it
	// is called off the session goroutine, and the recognition gets audio
	// only once the session has taken it. report delivers the recognition's
	// events (StartOfInput, RecognitionComplete, EngineStopped) from any
	// goroutine and never blocks.
	Recognize(ctx context.Context, req RecognitionRequest, report func(recog.EngineEvent)) (Recognition, error)
	// Interpret classifies text (INTERPRET). It may block; it is called off
	// the session goroutine.
	Interpret(ctx context.Context, req InterpretRequest) recog.InterpretationComplete
}

// LoadRequest asks for grammars to be fetched and compiled.
type LoadRequest struct {
	Channel   mrcp.ChannelID
	RequestID uint32
	Params    mrcp.Header
	Grammars  []recog.Grammar
}

// RecognitionRequest describes one RECOGNIZE.
type RecognitionRequest struct {
	Channel     mrcp.ChannelID
	RequestID   uint32
	Params      mrcp.Header // effective: session parameters overridden by the request
	Grammars    []recog.Grammar
	InputTimers bool
	// SampleRate of the audio the Recognition's Sink will receive.
	SampleRate int
	// TelephoneEvents: the stream negotiated RFC 4733 events, so keys come
	// as events rather than as tones in the audio.
	TelephoneEvents bool
	// Intermediate sends a partial result to the client as an
	// INTERMEDIATE-RESULT event, for clients that opted in. It may be called
	// from any goroutine and never blocks.
	Intermediate func(contentType string, body []byte)
}

// InterpretRequest describes one INTERPRET.
type InterpretRequest struct {
	Channel   mrcp.ChannelID
	RequestID uint32
	Text      string
	Params    mrcp.Header
	Grammars  []recog.Grammar
}

// Recognition is one recognition in progress. The embedded Sink is fed on the
// media goroutine; the methods below are called on the session goroutine.
type Recognition interface {
	rtp.Sink
	// StartInputTimers starts the no-input timer (START-INPUT-TIMERS).
	StartInputTimers()
	// Stop ends the recognition; EngineStopped is reported once no more
	// audio is being processed for it.
	Stop()
}

// CauseError is an error with the completion cause the client should see
// (grammar-load-failure, language-unsupported, ...).
type CauseError struct {
	Cause  mrcp.CompletionCause
	Reason string
}

func (e *CauseError) Error() string { return e.Cause.String() + ": " + e.Reason }

// causeOf extracts the completion cause of err, or def.
func causeOf(err error, def mrcp.CompletionCause) (mrcp.CompletionCause, string) {
	var ce *CauseError
	if errors.As(err, &ce) {
		return ce.Cause, ce.Reason
	}
	return def, err.Error()
}
