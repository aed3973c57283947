package mrcp

import "strconv"

// CompletionCause is the value of the Completion-Cause header field: a
// three-digit code and its name, e.g. "002 no-input-timeout". Codes are
// scoped per resource type, so the same code means different things for a
// recognizer and a synthesizer.
type CompletionCause struct {
	Code int
	Name string
}

// Recognizer causes (RFC 6787 §9.4.11).
var (
	CauseSuccess                   = CompletionCause{0, "success"}
	CauseNoMatch                   = CompletionCause{1, "no-match"}
	CauseNoInputTimeout            = CompletionCause{2, "no-input-timeout"}
	CauseHotwordMaxtime            = CompletionCause{3, "hotword-maxtime"}
	CauseGrammarLoadFailure        = CompletionCause{4, "grammar-load-failure"}
	CauseGrammarCompilationFailure = CompletionCause{5, "grammar-compilation-failure"}
	CauseRecognizerError           = CompletionCause{6, "recognizer-error"}
	CauseSpeechTooEarly            = CompletionCause{7, "speech-too-early"}
	CauseSuccessMaxtime            = CompletionCause{8, "success-maxtime"}
	CauseURIFailure                = CompletionCause{9, "uri-failure"}
	CauseLanguageUnsupported       = CompletionCause{10, "language-unsupported"}
	CauseCancelled                 = CompletionCause{11, "cancelled"}
	CauseSemanticsFailure          = CompletionCause{12, "semantics-failure"}
	CausePartialMatch              = CompletionCause{13, "partial-match"}
	CausePartialMatchMaxtime       = CompletionCause{14, "partial-match-maxtime"}
	CauseNoMatchMaxtime            = CompletionCause{15, "no-match-maxtime"}
	CauseGrammarDefinitionFailure  = CompletionCause{16, "grammar-definition-failure"}
)

// Synthesizer causes (RFC 6787 §8.4.4).
var (
	CauseSynthNormal              = CompletionCause{0, "normal"}
	CauseSynthBargeIn             = CompletionCause{1, "barge-in"}
	CauseSynthParseFailure        = CompletionCause{2, "parse-failure"}
	CauseSynthURIFailure          = CompletionCause{3, "uri-failure"}
	CauseSynthError               = CompletionCause{4, "error"}
	CauseSynthLanguageUnsupported = CompletionCause{5, "language-unsupported"}
	CauseSynthLexiconLoadFailure  = CompletionCause{6, "lexicon-load-failure"}
	CauseSynthCancelled           = CompletionCause{7, "cancelled"}
)

// Recorder causes (RFC 6787 §10.4.3).
var (
	CauseRecordSuccessSilence = CompletionCause{0, "success-silence"}
	CauseRecordSuccessMaxtime = CompletionCause{1, "success-maxtime"}
	CauseRecordNoInputTimeout = CompletionCause{2, "no-input-timeout"}
	CauseRecordURIFailure     = CompletionCause{3, "uri-failure"}
	CauseRecordError          = CompletionCause{4, "error"}
)

// Verifier causes (RFC 6787 §11.4.16).
var (
	CauseVerifySuccess              = CompletionCause{0, "success"}
	CauseVerifyError                = CompletionCause{1, "error"}
	CauseVerifyNoInputTimeout       = CompletionCause{2, "no-input-timeout"}
	CauseVerifyTooMuchSpeechTimeout = CompletionCause{3, "too-much-speech-timeout"}
	CauseVerifySpeechTooEarly       = CompletionCause{4, "speech-too-early"}
	CauseVerifyBufferEmpty          = CompletionCause{5, "buffer-empty"}
	CauseVerifyOutOfSequence        = CompletionCause{6, "out-of-sequence"}
	CauseVerifyRepositoryURIFailure = CompletionCause{7, "repository-uri-failure"}
	CauseVerifyRepositoryURIMissing = CompletionCause{8, "repository-uri-missing"}
	CauseVerifyVoiceprintIDMissing  = CompletionCause{9, "voiceprint-id-missing"}
	CauseVerifyVoiceprintIDNotExist = CompletionCause{10, "voiceprint-id-not-exist"}
	CauseVerifySpeechNotUsable      = CompletionCause{11, "speech-not-usable"}
)

// String renders the header value, e.g. "001 no-match".
func (c CompletionCause) String() string { return string(c.AppendTo(nil)) }

// AppendTo appends the header value to dst.
func (c CompletionCause) AppendTo(dst []byte) []byte {
	code := c.Code
	if code < 0 || code > 999 {
		code = 999
	}
	dst = append(dst, byte('0'+code/100), byte('0'+code/10%10), byte('0'+code%10), ' ')
	return append(dst, c.Name...)
}

// ParseCompletionCause parses "3DIGIT SP cause-name" (RFC 6787 §9.4.11).
// The name is optional in the grammar (*VCHAR) and kept as sent; callers
// that act on the cause should look at Code.
func ParseCompletionCause(s string) (CompletionCause, error) {
	s = trimWSP(s)
	if len(s) < 3 || !isDigit(s[0]) || !isDigit(s[1]) || !isDigit(s[2]) {
		return CompletionCause{}, illegalValue(HdrCompletionCause, "want a three-digit cause code")
	}
	code, _ := strconv.Atoi(s[:3])
	rest := s[3:]
	if rest != "" && rest[0] != ' ' && rest[0] != '\t' {
		return CompletionCause{}, illegalValue(HdrCompletionCause, "want a space after the cause code")
	}
	name := trimWSP(rest)
	for i := 0; i < len(name); i++ {
		if !isVCHAR(name[i]) {
			return CompletionCause{}, illegalValue(HdrCompletionCause, "cause name must be visible characters")
		}
	}
	return CompletionCause{Code: code, Name: name}, nil
}
