package recog

import (
	"github.com/mrcpd/mrcpd/mrcp"
	"github.com/mrcpd/mrcpd/mrcp/resource"
)

// recogScopes classifies the recognizer header fields (RFC 6787 §9.4).
//
// Session scope goes to the fields §9.4 says "MAY occur in ... SET-PARAMS",
// and also to the RECOGNIZE fields that make sense as a default for every
// recognition (Start-Input-Timers, Recognition-Mode, Hotword-*-Duration,
// Early-No-Match, Clear-DTMF-Buffer): UniMRCP based clients set them that
// way, e.g. Asterisk's res_speech_unimrcp sends "Start-Input-Timers: TRUE" in
// SET-PARAMS from its stock configuration and treats any status but 200 as a
// failure. Request scope (ignored by SET-PARAMS with 201) is left for fields
// that only mean something for one request: Cancel-If-Queue, the input of
// one operation, and the context block that travels with a body.
//
// Left out, hence unsupported: the fields only a server sends
// (Completion-Cause, Waveform-URI ...), and the enrollment fields, because
// this recognizer does not implement the optional voice enrollment (§9.4:
// they can only be set after START-PHRASE-ENROLLMENT).
var recogScopes = resource.ScopeTable{
	{Name: mrcp.HdrConfidenceThreshold, Scope: resource.ScopeSession},
	{Name: mrcp.HdrSensitivityLevel, Scope: resource.ScopeSession},
	{Name: mrcp.HdrSpeedVsAccuracy, Scope: resource.ScopeSession},
	{Name: mrcp.HdrNBestListLength, Scope: resource.ScopeSession},
	{Name: mrcp.HdrNoInputTimeout, Scope: resource.ScopeSession},
	{Name: mrcp.HdrRecognitionTimeout, Scope: resource.ScopeSession},
	{Name: mrcp.HdrMediaType, Scope: resource.ScopeSession},
	{Name: mrcp.HdrSpeechCompleteTimeout, Scope: resource.ScopeSession},
	{Name: mrcp.HdrSpeechIncompleteTimeout, Scope: resource.ScopeSession},
	{Name: mrcp.HdrDTMFInterdigitTimeout, Scope: resource.ScopeSession},
	{Name: mrcp.HdrDTMFTermTimeout, Scope: resource.ScopeSession},
	{Name: mrcp.HdrDTMFTermChar, Scope: resource.ScopeSession},
	{Name: mrcp.HdrSaveWaveform, Scope: resource.ScopeSession},
	{Name: mrcp.HdrSpeechLanguage, Scope: resource.ScopeSession},
	{Name: mrcp.HdrDTMFBufferTime, Scope: resource.ScopeSession},
	{Name: mrcp.HdrStartInputTimers, Scope: resource.ScopeSession},
	{Name: mrcp.HdrRecognitionMode, Scope: resource.ScopeSession},
	{Name: mrcp.HdrHotwordMaxDuration, Scope: resource.ScopeSession},
	{Name: mrcp.HdrHotwordMinDuration, Scope: resource.ScopeSession},
	{Name: mrcp.HdrEarlyNoMatch, Scope: resource.ScopeSession},
	{Name: mrcp.HdrClearDTMFBuffer, Scope: resource.ScopeSession},

	{Name: mrcp.HdrCancelIfQueue, Scope: resource.ScopeRequest},
	{Name: mrcp.HdrInterpretText, Scope: resource.ScopeRequest},
	{Name: mrcp.HdrInputWaveformURI, Scope: resource.ScopeRequest},
	{Name: mrcp.HdrNewAudioChannel, Scope: resource.ScopeRequest},
	{Name: mrcp.HdrVerBufferUtterance, Scope: resource.ScopeRequest},
	{Name: mrcp.HdrInputType, Scope: resource.ScopeRequest},
	// §9.4.13: a context block travels with a body; not keeping one is
	// allowed ("MAY contain"), so SET-PARAMS may safely ignore it.
	{Name: mrcp.HdrRecognizerContextBlock, Scope: resource.ScopeRequest},
}

// classify is the resource.Classifier of speechrecog.
func classify(name string) resource.Scope {
	if s, ok := resource.GenericScope(name); ok {
		return s
	}
	if s, ok := recogScopes.Lookup(name); ok {
		return s
	}
	return resource.ScopeUnsupported
}

// DefaultParams returns the session parameters a channel starts with, which
// wildcard GET-PARAMS reports and every recognition inherits. Values the RFC
// fixes are taken from it (§9.4.4 N-Best-List-Length 1, §9.4.7
// Recognition-Timeout 10 s, §9.4.17 DTMF-Interdigit-Timeout 5 s, §9.4.18
// DTMF-Term-Timeout 10 s, §9.4.22 Save-Waveform false); the others are
// implementation specific and chosen for telephony.
func DefaultParams() mrcp.Header {
	var h mrcp.Header
	h.Set(mrcp.HdrConfidenceThreshold, "0.5")
	h.Set(mrcp.HdrSensitivityLevel, "0.5")
	h.Set(mrcp.HdrSpeedVsAccuracy, "0.5")
	h.Set(mrcp.HdrNBestListLength, "1")
	h.Set(mrcp.HdrNoInputTimeout, "5000")
	h.Set(mrcp.HdrRecognitionTimeout, "10000")
	h.Set(mrcp.HdrSpeechCompleteTimeout, "800")
	h.Set(mrcp.HdrSpeechIncompleteTimeout, "1500")
	h.Set(mrcp.HdrDTMFInterdigitTimeout, "5000")
	h.Set(mrcp.HdrDTMFTermTimeout, "10000")
	h.Set(mrcp.HdrSaveWaveform, "false")
	h.Set(mrcp.HdrSpeechLanguage, "en-US")
	return h
}
