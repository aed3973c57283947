package mrcp

import "math"

// resourceMask says which resource types a header field belongs to.
type resourceMask uint8

const (
	resGeneric  resourceMask = 1 << iota // RFC 6787 §6.2: every resource
	resSynth                             // §8.4: speechsynth, basicsynth
	resRecog                             // §9.4: speechrecog, dtmfrecog
	resRecorder                          // §10.4
	resVerifier                          // §11.4: speakverify

	resMedia = resSynth | resRecog | resRecorder | resVerifier
)

func maskOf(resource string) resourceMask {
	switch resource {
	case ResourceSpeechSynth, ResourceBasicSynth:
		return resSynth
	case ResourceSpeechRecog, ResourceDTMFRecog:
		return resRecog
	case ResourceRecorder:
		return resRecorder
	case ResourceSpeakVerify:
		return resVerifier
	}
	return 0
}

// valueKind selects the grammar a header value is checked against.
type valueKind uint8

const (
	vText           valueKind = iota // anything, including empty
	vNonEmpty                        // 1*UTFCHAR with embedded spaces allowed
	vVisible                         // 1*VCHAR: no whitespace
	vUint                            // 1*19DIGIT within [imin, imax]
	vFloat                           // FLOAT within [fmin, fmax]
	vSignedFloat                     // [-] FLOAT within [fmin, fmax]
	vBool                            // BOOLEAN
	vEnum                            // one of enum, case-insensitive
	vCause                           // 3DIGIT SP cause-name
	vRequestIDs                      // request-id *("," request-id)
	vVendor                          // Vendor-Specific-Parameters list
	vChannelID                       // session@resource
	vMediaType                       // type/subtype *(;param)
	vURI                             // one URI
	vURIList                         // <uri> *(SP <uri>)
	vSizedURI                        // [<uri>;size=N;duration=N]
	vDTMFChar                        // one VCHAR; a DTMF key to be useful
	vSpeechMarker                    // timestamp=N[;text]
	vSpeechLength                    // signed length or "<mark> Tag"
	vPositiveLength                  // unsigned length or "<mark> Tag"
	vTokenList                       // token *("," token)
	vCacheControl                    // cache-directive list
	vVoiceprintIDs                   // vid *(";" vid)
)

// headerSpec describes one header field of RFC 6787.
type headerSpec struct {
	name string
	res  resourceMask
	kind valueKind
	imin uint64
	imax uint64
	fmin float64
	fmax float64
	enum []string
	// serverOnly fields are only ever sent by a server (in responses and
	// events); RFC 6787 §5.1 disallows a field on any method that its
	// section does not list, and none of these lists a request.
	serverOnly bool
}

const maxUint = uint64(math.MaxInt64)

func uintSpec(name string, res resourceMask, lo, hi uint64) headerSpec {
	return headerSpec{name: name, res: res, kind: vUint, imin: lo, imax: hi}
}

func unitFloat(name string, res resourceMask) headerSpec {
	return headerSpec{name: name, res: res, kind: vFloat, fmin: 0, fmax: 1}
}

func kindSpec(name string, res resourceMask, kind valueKind) headerSpec {
	return headerSpec{name: name, res: res, kind: kind}
}

func enumSpec(name string, res resourceMask, values ...string) headerSpec {
	return headerSpec{name: name, res: res, kind: vEnum, enum: values}
}

func serverSpec(name string, res resourceMask, kind valueKind) headerSpec {
	return headerSpec{name: name, res: res, kind: kind, serverOnly: true}
}

// headerSpecs lists every header field of RFC 6787 §6.2, §8.4, §9.4,
// §10.4 and §11.4, following the IANA registry of §13.1.3. A field shared
// by several resources appears once with all of them in res.
var headerSpecs = [...]headerSpec{
	// Generic (§6.2).
	kindSpec(HdrChannelIdentifier, resGeneric, vChannelID),
	kindSpec(HdrAccept, resGeneric, vText),
	kindSpec(HdrActiveRequestIDList, resGeneric, vRequestIDs),
	kindSpec(HdrProxySyncID, resGeneric, vVisible),
	kindSpec(HdrAcceptCharset, resGeneric, vText),
	kindSpec(HdrContentType, resGeneric, vMediaType),
	kindSpec(HdrContentID, resGeneric, vVisible),
	kindSpec(HdrContentBase, resGeneric, vURI),
	kindSpec(HdrContentEncoding, resGeneric, vTokenList),
	kindSpec(HdrContentLocation, resGeneric, vURI),
	uintSpec(HdrContentLength, resGeneric, 0, maxUint),
	uintSpec(HdrFetchTimeout, resGeneric, 0, maxUint),
	kindSpec(HdrCacheControl, resGeneric, vCacheControl),
	kindSpec(HdrLoggingTag, resGeneric, vNonEmpty),
	kindSpec(HdrSetCookie, resGeneric, vNonEmpty),
	kindSpec(HdrVendorSpecificParameters, resGeneric, vVendor),

	// Shared by several resources.
	serverSpec(HdrCompletionCause, resMedia, vCause),
	serverSpec(HdrCompletionReason, resMedia, vText),
	serverSpec(HdrFailedURI, resSynth|resRecog|resRecorder, vURI),
	serverSpec(HdrFailedURICause, resSynth|resRecog|resRecorder, vNonEmpty),
	kindSpec(HdrSpeechLanguage, resSynth|resRecog, vVisible),
	unitFloat(HdrSensitivityLevel, resRecog|resRecorder),
	uintSpec(HdrNoInputTimeout, resRecog|resRecorder|resVerifier, 0, maxUint),
	kindSpec(HdrMediaType, resRecog|resRecorder|resVerifier, vMediaType),
	kindSpec(HdrStartInputTimers, resRecog|resRecorder|resVerifier, vBool),
	kindSpec(HdrNewAudioChannel, resRecog|resRecorder|resVerifier, vBool),
	kindSpec(HdrVerBufferUtterance, resRecog|resRecorder|resVerifier, vBool),
	kindSpec(HdrSaveWaveform, resRecog|resVerifier, vBool),
	serverSpec(HdrWaveformURI, resRecog|resVerifier, vSizedURI),
	kindSpec(HdrInputWaveformURI, resRecog|resVerifier, vURI),
	uintSpec(HdrSpeechCompleteTimeout, resRecog|resVerifier, 0, maxUint),
	enumSpec(HdrInputType, resRecog|resVerifier, "speech", "dtmf"),

	// Synthesizer (§8.4).
	kindSpec(HdrJumpSize, resSynth, vSpeechLength),
	kindSpec(HdrKillOnBargeIn, resSynth, vBool),
	kindSpec(HdrSpeakerProfile, resSynth, vURI),
	enumSpec(HdrVoiceGender, resSynth, "male", "female", "neutral"),
	uintSpec(HdrVoiceAge, resSynth, 0, 999),
	uintSpec(HdrVoiceVariant, resSynth, 0, maxUint),
	kindSpec(HdrVoiceName, resSynth, vNonEmpty),
	serverSpec(HdrSpeechMarker, resSynth, vSpeechMarker),
	enumSpec(HdrFetchHint, resSynth, "prefetch", "safe"),
	enumSpec(HdrAudioFetchHint, resSynth, "prefetch", "safe", "stream"),
	kindSpec(HdrSpeakRestart, resSynth, vBool),
	kindSpec(HdrSpeakLength, resSynth, vPositiveLength),
	kindSpec(HdrLoadLexicon, resSynth, vBool),
	kindSpec(HdrLexiconSearchOrder, resSynth, vURIList),

	// Recognizer (§9.4).
	unitFloat(HdrConfidenceThreshold, resRecog),
	unitFloat(HdrSpeedVsAccuracy, resRecog),
	uintSpec(HdrNBestListLength, resRecog, 1, maxUint),
	uintSpec(HdrRecognitionTimeout, resRecog, 0, maxUint),
	kindSpec(HdrRecognizerContextBlock, resRecog, vText),
	uintSpec(HdrSpeechIncompleteTimeout, resRecog, 0, maxUint),
	uintSpec(HdrDTMFInterdigitTimeout, resRecog, 0, maxUint),
	uintSpec(HdrDTMFTermTimeout, resRecog, 0, maxUint),
	kindSpec(HdrDTMFTermChar, resRecog, vDTMFChar),
	enumSpec(HdrRecognitionMode, resRecog, "normal", "hotword"),
	kindSpec(HdrCancelIfQueue, resRecog, vBool),
	uintSpec(HdrHotwordMaxDuration, resRecog, 0, maxUint),
	uintSpec(HdrHotwordMinDuration, resRecog, 0, maxUint),
	kindSpec(HdrInterpretText, resRecog, vNonEmpty),
	uintSpec(HdrDTMFBufferTime, resRecog, 0, maxUint),
	kindSpec(HdrClearDTMFBuffer, resRecog, vBool),
	kindSpec(HdrEarlyNoMatch, resRecog, vBool),
	uintSpec(HdrNumMinConsistentPronunciations, resRecog, 1, maxUint),
	unitFloat(HdrConsistencyThreshold, resRecog),
	unitFloat(HdrClashThreshold, resRecog),
	kindSpec(HdrPersonalGrammarURI, resRecog, vURI),
	kindSpec(HdrEnrollUtterance, resRecog, vBool),
	kindSpec(HdrPhraseID, resRecog, vVisible),
	kindSpec(HdrPhraseNL, resRecog, vNonEmpty),
	{name: HdrWeight, res: resRecog, kind: vFloat, fmin: 0, fmax: math.MaxFloat64},
	kindSpec(HdrSaveBestWaveform, resRecog, vBool),
	kindSpec(HdrNewPhraseID, resRecog, vVisible),
	kindSpec(HdrConfusablePhrasesURI, resRecog, vURI),
	kindSpec(HdrAbortPhraseEnrollment, resRecog, vBool),

	// Recorder (§10.4).
	kindSpec(HdrRecordURI, resRecorder, vSizedURI),
	uintSpec(HdrMaxTime, resRecorder, 0, maxUint),
	uintSpec(HdrTrimLength, resRecorder, 0, maxUint),
	uintSpec(HdrFinalSilence, resRecorder, 0, maxUint),
	kindSpec(HdrCaptureOnSpeech, resRecorder, vBool),

	// Verifier (§11.4).
	kindSpec(HdrRepositoryURI, resVerifier, vURI),
	kindSpec(HdrVoiceprintIdentifier, resVerifier, vVoiceprintIDs),
	enumSpec(HdrVerificationMode, resVerifier, "train", "verify"),
	kindSpec(HdrAdaptModel, resVerifier, vBool),
	kindSpec(HdrAbortModel, resVerifier, vBool),
	{name: HdrMinVerificationScore, res: resVerifier, kind: vSignedFloat, fmin: -1, fmax: 1},
	uintSpec(HdrNumMinVerificationPhrases, resVerifier, 1, maxUint),
	uintSpec(HdrNumMaxVerificationPhrases, resVerifier, 1, maxUint),
	serverSpec(HdrVoiceprintExists, resVerifier, vBool),
	kindSpec(HdrAbortVerification, resVerifier, vBool),
}

// prosodySpec covers the open-ended "Prosody-" family (RFC 6787 §8.4.6).
var prosodySpec = headerSpec{name: HdrProsodyPrefix, res: resSynth, kind: vVisible}

// lookupSpec finds the spec of a header field name, case-insensitively,
// without allocating. It returns nil for fields RFC 6787 does not define.
func lookupSpec(name string) *headerSpec {
	if name == "" {
		return nil
	}
	if len(name) > len(HdrProsodyPrefix) && equalFoldASCII(name[:len(HdrProsodyPrefix)], HdrProsodyPrefix) {
		return &prosodySpec
	}
	// Most fields are distinguished by length and first letter; the full
	// comparison runs on few candidates.
	for i := range headerSpecs {
		s := &headerSpecs[i]
		if len(s.name) == len(name) && (s.name[0]|0x20) == (name[0]|0x20) && equalFoldASCII(s.name, name) {
			return s
		}
	}
	return nil
}
