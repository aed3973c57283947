package recog

import "github.com/mrcpd/mrcpd/mrcp"

// EngineEvent is what the engine side reports to the machine through Input.
// It is one of GrammarsLoaded, RecognitionStarted, StartOfInput,
// RecognitionComplete, InterpretationComplete, EngineStopped or
// EngineFailure.
type EngineEvent interface{ isEngineEvent() }

// GrammarsLoaded answers LoadGrammars. A Cause other than 000 success fails
// the DEFINE-GRAMMAR with 407 and that cause (RFC 6787 §9.8). Reason becomes
// Completion-Reason; Header may add fields such as Failed-URI and
// Failed-URI-Cause.
type GrammarsLoaded struct {
	RequestID uint32
	Cause     mrcp.CompletionCause
	Reason    string
	Header    mrcp.Header
}

// RecognitionStarted answers StartRecognition, before any other report about
// the request: the grammars were fetched and compiled and audio is being
// taken (Cause 000 success), or the recognition could not start. RFC 6787
// §9.9: a RECOGNIZE whose grammars fail is answered 407 with the
// Completion-Cause (grammar-load-failure, grammar-compilation-failure,
// uri-failure, language-unsupported ...), so the RECOGNIZE response waits
// for this report. Reason becomes Completion-Reason; Header may add fields
// such as Failed-URI.
type RecognitionStarted struct {
	RequestID uint32
	Cause     mrcp.CompletionCause
	Reason    string
	Header    mrcp.Header
}

// StartOfInput reports that speech or DTMF was detected (RFC 6787 §9.12).
// InputType is "speech" or "dtmf" (§9.4.5); empty means speech.
type StartOfInput struct {
	RequestID uint32
	InputType string
}

// RecognitionComplete ends a recognition (RFC 6787 §9.14). Body is the result
// (NLSML) of ContentType; Header may add fields such as Waveform-URI.
type RecognitionComplete struct {
	RequestID   uint32
	Cause       mrcp.CompletionCause
	Reason      string
	Header      mrcp.Header
	ContentType string
	Body        []byte
}

// InterpretationComplete ends an interpretation (RFC 6787 §9.21).
type InterpretationComplete struct {
	RequestID   uint32
	Cause       mrcp.CompletionCause
	Reason      string
	Header      mrcp.Header
	ContentType string
	Body        []byte
}

// EngineStopped confirms StopRecognition or StopInterpretation.
type EngineStopped struct{ RequestID uint32 }

// EngineFailure reports that the engine can no longer serve the channel.
// Whatever was in progress completes with 006 recognizer-error, queued
// requests with 011 cancelled, a pending DEFINE-GRAMMAR with 407 and 016
// grammar-definition-failure.
type EngineFailure struct{ Reason string }

func (GrammarsLoaded) isEngineEvent()         {}
func (RecognitionStarted) isEngineEvent()     {}
func (StartOfInput) isEngineEvent()           {}
func (RecognitionComplete) isEngineEvent()    {}
func (InterpretationComplete) isEngineEvent() {}
func (EngineStopped) isEngineEvent()          {}
func (EngineFailure) isEngineEvent()          {}
