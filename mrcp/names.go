package mrcp

// Resource types of RFC 6787 §3.1, as they appear after the "@" of a
// Channel-Identifier and in the SDP "a=resource" attribute.
const (
	ResourceSpeechRecog = "speechrecog"
	ResourceDTMFRecog   = "dtmfrecog"
	ResourceSpeechSynth = "speechsynth"
	ResourceBasicSynth  = "basicsynth"
	ResourceSpeakVerify = "speakverify"
	ResourceRecorder    = "recorder"
)

// Method names (RFC 6787 §6.1, §8.2, §9.2, §10.2, §11.2).
const (
	MethodSetParams = "SET-PARAMS"
	MethodGetParams = "GET-PARAMS"

	MethodSpeak           = "SPEAK"
	MethodStop            = "STOP"
	MethodPause           = "PAUSE"
	MethodResume          = "RESUME"
	MethodBargeInOccurred = "BARGE-IN-OCCURRED"
	MethodControl         = "CONTROL"
	MethodDefineLexicon   = "DEFINE-LEXICON"

	MethodDefineGrammar         = "DEFINE-GRAMMAR"
	MethodRecognize             = "RECOGNIZE"
	MethodInterpret             = "INTERPRET"
	MethodGetResult             = "GET-RESULT"
	MethodStartInputTimers      = "START-INPUT-TIMERS"
	MethodStartPhraseEnrollment = "START-PHRASE-ENROLLMENT"
	MethodEnrollmentRollback    = "ENROLLMENT-ROLLBACK"
	MethodEndPhraseEnrollment   = "END-PHRASE-ENROLLMENT"
	MethodModifyPhrase          = "MODIFY-PHRASE"
	MethodDeletePhrase          = "DELETE-PHRASE"

	MethodRecord = "RECORD"

	MethodStartSession          = "START-SESSION"
	MethodEndSession            = "END-SESSION"
	MethodQueryVoiceprint       = "QUERY-VOICEPRINT"
	MethodDeleteVoiceprint      = "DELETE-VOICEPRINT"
	MethodVerify                = "VERIFY"
	MethodVerifyFromBuffer      = "VERIFY-FROM-BUFFER"
	MethodVerifyRollback        = "VERIFY-ROLLBACK"
	MethodClearBuffer           = "CLEAR-BUFFER"
	MethodGetIntermediateResult = "GET-INTERMEDIATE-RESULT"
)

// Event names (RFC 6787 §8.2, §9.2, §10.2, §11.2). START-OF-INPUT is shared
// by the recognizer, recorder and verifier.
const (
	EventSpeechMarker           = "SPEECH-MARKER"
	EventSpeakComplete          = "SPEAK-COMPLETE"
	EventStartOfInput           = "START-OF-INPUT"
	EventRecognitionComplete    = "RECOGNITION-COMPLETE"
	EventInterpretationComplete = "INTERPRETATION-COMPLETE"
	EventRecordComplete         = "RECORD-COMPLETE"
	EventVerificationComplete   = "VERIFICATION-COMPLETE"
	// EventIntermediateResult is a vendor extension carrying partial
	// recognition results; it is not part of RFC 6787.
	EventIntermediateResult = "INTERMEDIATE-RESULT"
)

// Generic header fields (RFC 6787 §6.2).
const (
	HdrChannelIdentifier        = "Channel-Identifier"
	HdrAccept                   = "Accept"
	HdrActiveRequestIDList      = "Active-Request-Id-List"
	HdrProxySyncID              = "Proxy-Sync-Id"
	HdrAcceptCharset            = "Accept-Charset"
	HdrContentType              = "Content-Type"
	HdrContentID                = "Content-ID"
	HdrContentBase              = "Content-Base"
	HdrContentEncoding          = "Content-Encoding"
	HdrContentLocation          = "Content-Location"
	HdrContentLength            = "Content-Length"
	HdrFetchTimeout             = "Fetch-Timeout"
	HdrCacheControl             = "Cache-Control"
	HdrLoggingTag               = "Logging-Tag"
	HdrSetCookie                = "Set-Cookie"
	HdrVendorSpecificParameters = "Vendor-Specific-Parameters"
)

// Synthesizer header fields (RFC 6787 §8.4).
const (
	HdrJumpSize           = "Jump-Size"
	HdrKillOnBargeIn      = "Kill-On-Barge-In"
	HdrSpeakerProfile     = "Speaker-Profile"
	HdrCompletionCause    = "Completion-Cause"
	HdrCompletionReason   = "Completion-Reason"
	HdrVoiceGender        = "Voice-Gender"
	HdrVoiceAge           = "Voice-Age"
	HdrVoiceVariant       = "Voice-Variant"
	HdrVoiceName          = "Voice-Name"
	HdrSpeechMarker       = "Speech-Marker"
	HdrSpeechLanguage     = "Speech-Language"
	HdrFetchHint          = "Fetch-Hint"
	HdrAudioFetchHint     = "Audio-Fetch-Hint"
	HdrFailedURI          = "Failed-URI"
	HdrFailedURICause     = "Failed-URI-Cause"
	HdrSpeakRestart       = "Speak-Restart"
	HdrSpeakLength        = "Speak-Length"
	HdrLoadLexicon        = "Load-Lexicon"
	HdrLexiconSearchOrder = "Lexicon-Search-Order"

	// HdrProsodyPrefix starts every prosody-parameter header field
	// (RFC 6787 §8.4.6), e.g. "Prosody-Volume".
	HdrProsodyPrefix = "Prosody-"
	HdrProsodyPitch  = "Prosody-Pitch"
	HdrProsodyRange  = "Prosody-Range"
	HdrProsodyRate   = "Prosody-Rate"
	HdrProsodyVolume = "Prosody-Volume"
)

// Recognizer header fields (RFC 6787 §9.4), including the enrollment ones.
const (
	HdrConfidenceThreshold     = "Confidence-Threshold"
	HdrSensitivityLevel        = "Sensitivity-Level"
	HdrSpeedVsAccuracy         = "Speed-Vs-Accuracy"
	HdrNBestListLength         = "N-Best-List-Length"
	HdrInputType               = "Input-Type"
	HdrNoInputTimeout          = "No-Input-Timeout"
	HdrRecognitionTimeout      = "Recognition-Timeout"
	HdrWaveformURI             = "Waveform-URI"
	HdrInputWaveformURI        = "Input-Waveform-URI"
	HdrRecognizerContextBlock  = "Recognizer-Context-Block"
	HdrStartInputTimers        = "Start-Input-Timers"
	HdrSpeechCompleteTimeout   = "Speech-Complete-Timeout"
	HdrSpeechIncompleteTimeout = "Speech-Incomplete-Timeout"
	HdrDTMFInterdigitTimeout   = "DTMF-Interdigit-Timeout"
	HdrDTMFTermTimeout         = "DTMF-Term-Timeout"
	HdrDTMFTermChar            = "DTMF-Term-Char"
	HdrSaveWaveform            = "Save-Waveform"
	HdrMediaType               = "Media-Type"
	HdrNewAudioChannel         = "New-Audio-Channel"
	HdrVerBufferUtterance      = "Ver-Buffer-Utterance"
	HdrRecognitionMode         = "Recognition-Mode"
	HdrCancelIfQueue           = "Cancel-If-Queue"
	HdrHotwordMaxDuration      = "Hotword-Max-Duration"
	HdrHotwordMinDuration      = "Hotword-Min-Duration"
	HdrInterpretText           = "Interpret-Text"
	HdrDTMFBufferTime          = "DTMF-Buffer-Time"
	HdrClearDTMFBuffer         = "Clear-DTMF-Buffer"
	HdrEarlyNoMatch            = "Early-No-Match"

	HdrNumMinConsistentPronunciations = "Num-Min-Consistent-Pronunciations"
	HdrConsistencyThreshold           = "Consistency-Threshold"
	HdrClashThreshold                 = "Clash-Threshold"
	HdrPersonalGrammarURI             = "Personal-Grammar-URI"
	HdrEnrollUtterance                = "Enroll-Utterance"
	HdrPhraseID                       = "Phrase-ID"
	HdrPhraseNL                       = "Phrase-NL"
	HdrWeight                         = "Weight"
	HdrSaveBestWaveform               = "Save-Best-Waveform"
	HdrNewPhraseID                    = "New-Phrase-ID"
	HdrConfusablePhrasesURI           = "Confusable-Phrases-URI"
	HdrAbortPhraseEnrollment          = "Abort-Phrase-Enrollment"
)

// Recorder header fields (RFC 6787 §10.4) not already listed above.
const (
	HdrRecordURI       = "Record-URI"
	HdrMaxTime         = "Max-Time"
	HdrTrimLength      = "Trim-Length"
	HdrFinalSilence    = "Final-Silence"
	HdrCaptureOnSpeech = "Capture-On-Speech"
)

// Verifier header fields (RFC 6787 §11.4) not already listed above.
const (
	HdrRepositoryURI             = "Repository-URI"
	HdrVoiceprintIdentifier      = "Voiceprint-Identifier"
	HdrVerificationMode          = "Verification-Mode"
	HdrAdaptModel                = "Adapt-Model"
	HdrAbortModel                = "Abort-Model"
	HdrMinVerificationScore      = "Min-Verification-Score"
	HdrNumMinVerificationPhrases = "Num-Min-Verification-Phrases"
	HdrNumMaxVerificationPhrases = "Num-Max-Verification-Phrases"
	HdrVoiceprintExists          = "Voiceprint-Exists"
	HdrAbortVerification         = "Abort-Verification"
)
