package mrcp

// knownNames are the method and event names of RFC 6787 plus our vendor
// event. Parsed names that match one (in any case: ABNF literals are
// case-insensitive, RFC 5234 §2.3) are replaced by the constant, which
// spares an allocation and lets callers compare with ==.
var knownNames = [...]string{
	MethodSetParams, MethodGetParams,
	MethodSpeak, MethodStop, MethodPause, MethodResume, MethodBargeInOccurred, MethodControl, MethodDefineLexicon,
	MethodDefineGrammar, MethodRecognize, MethodInterpret, MethodGetResult, MethodStartInputTimers,
	MethodStartPhraseEnrollment, MethodEnrollmentRollback, MethodEndPhraseEnrollment, MethodModifyPhrase,
	MethodDeletePhrase, MethodRecord, MethodStartSession, MethodEndSession, MethodQueryVoiceprint,
	MethodDeleteVoiceprint, MethodVerify, MethodVerifyFromBuffer, MethodVerifyRollback, MethodClearBuffer,
	MethodGetIntermediateResult,
	EventSpeechMarker, EventSpeakComplete, EventStartOfInput, EventRecognitionComplete,
	EventInterpretationComplete, EventRecordComplete, EventVerificationComplete, EventIntermediateResult,
}

// internName returns the canonical constant for a known name, or a copy of b.
func internName(b []byte) string {
	for _, name := range knownNames {
		if string(b) == name {
			return name
		}
	}
	for _, name := range knownNames {
		if equalFoldBytes(b, name) {
			return name
		}
	}
	return string(b)
}
