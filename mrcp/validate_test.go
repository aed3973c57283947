package mrcp

import (
	"errors"
	"reflect"
	"testing"
)

func request(name string, fields ...string) *Message {
	m := &Message{Kind: KindRequest, Name: name, RequestID: 1}
	for i := 0; i+1 < len(fields); i += 2 {
		m.Header.Add(fields[i], fields[i+1])
	}
	return m
}

func TestValidateRequest(t *testing.T) {
	cases := []struct {
		name     string
		resource string
		m        *Message
		code     int // 0: valid
		header   string
	}{
		{"freeswitch set-params", ResourceSpeechRecog, request(MethodSetParams,
			HdrChannelIdentifier, "a1@speechrecog", HdrConfidenceThreshold, "0.4", HdrSensitivityLevel, "0.531",
			HdrSpeedVsAccuracy, "0.5", HdrNBestListLength, "5", HdrNoInputTimeout, "5000",
			HdrVendorSpecificParameters, "confidencelevel=500;swirec_phoneme_lookahead_beam=-50"), 0, ""},
		{"get-params names with empty values", ResourceSpeechRecog, request(MethodGetParams,
			HdrChannelIdentifier, "a1@speechrecog", HdrConfidenceThreshold, "", HdrNoInputTimeout, "",
			"Set-Cookie2", ""), 0, ""},
		{"get-params of another resource's field", ResourceSpeechRecog, request(MethodGetParams,
			HdrKillOnBargeIn, ""), StatusUnsupportedHeader, HdrKillOnBargeIn},
		{"unknown vendor field kept", ResourceSpeechSynth, request(MethodSpeak, "X-Vendor-Thing", "whatever goes"), 0, ""},
		{"synth field on recognizer", ResourceSpeechRecog, request(MethodRecognize, HdrVoiceGender, "male"), StatusUnsupportedHeader, HdrVoiceGender},
		{"recog field on synthesizer", ResourceSpeechSynth, request(MethodSpeak, HdrNoInputTimeout, "5"), StatusUnsupportedHeader, HdrNoInputTimeout},
		{"recorder field on verifier", ResourceSpeakVerify, request(MethodVerify, HdrMaxTime, "5"), StatusUnsupportedHeader, HdrMaxTime},
		{"shared field on recorder", ResourceRecorder, request(MethodRecord, HdrSensitivityLevel, "0.2", HdrNoInputTimeout, "5000",
			HdrMediaType, "audio/wav", HdrFinalSilence, "300", HdrMaxTime, "10000", HdrCaptureOnSpeech, "true"), 0, ""},
		{"server-only field in request", ResourceSpeechRecog, request(MethodRecognize, HdrCompletionCause, "000 success"), StatusUnsupportedHeader, HdrCompletionCause},
		{"dtmfrecog uses recognizer fields", ResourceDTMFRecog, request(MethodRecognize, HdrDTMFTermChar, "#", HdrDTMFInterdigitTimeout, "3000"), 0, ""},
		{"basicsynth uses synthesizer fields", ResourceBasicSynth, request(MethodSpeak, HdrVoiceName, "Mary Ann", "Prosody-Rate", "fast"), 0, ""},
		{"prosody on recognizer", ResourceSpeechRecog, request(MethodRecognize, "prosody-volume", "loud"), StatusUnsupportedHeader, "prosody-volume"},
		{"bad integer", ResourceSpeechRecog, request(MethodRecognize, HdrNoInputTimeout, "5s"), StatusIllegalHeaderValue, HdrNoInputTimeout},
		{"negative integer", ResourceSpeechRecog, request(MethodRecognize, HdrRecognitionTimeout, "-1"), StatusIllegalHeaderValue, HdrRecognitionTimeout},
		{"integer too large", ResourceSpeechRecog, request(MethodRecognize, HdrRecognitionTimeout, "99999999999999999999"), StatusUnsupportedHeaderValue, HdrRecognitionTimeout},
		{"n-best zero", ResourceSpeechRecog, request(MethodRecognize, HdrNBestListLength, "0"), StatusUnsupportedHeaderValue, HdrNBestListLength},
		{"confidence out of range", ResourceSpeechRecog, request(MethodRecognize, HdrConfidenceThreshold, "1.5"), StatusUnsupportedHeaderValue, HdrConfidenceThreshold},
		{"confidence not a float", ResourceSpeechRecog, request(MethodRecognize, HdrConfidenceThreshold, "high"), StatusIllegalHeaderValue, HdrConfidenceThreshold},
		{"confidence exponent", ResourceSpeechRecog, request(MethodRecognize, HdrConfidenceThreshold, "1e-1"), StatusIllegalHeaderValue, HdrConfidenceThreshold},
		{"confidence negative", ResourceSpeechRecog, request(MethodRecognize, HdrConfidenceThreshold, "-0.1"), StatusIllegalHeaderValue, HdrConfidenceThreshold},
		{"float forms", ResourceSpeechRecog, request(MethodRecognize, HdrConfidenceThreshold, ".5", HdrSensitivityLevel, "1.", HdrSpeedVsAccuracy, "0"), 0, ""},
		{"bool", ResourceSpeechRecog, request(MethodRecognize, HdrStartInputTimers, "yes"), StatusIllegalHeaderValue, HdrStartInputTimers},
		{"bool any case", ResourceSpeechRecog, request(MethodRecognize, HdrStartInputTimers, "TRUE"), 0, ""},
		{"enum", ResourceSpeechRecog, request(MethodRecognize, HdrRecognitionMode, "sleepy"), StatusIllegalHeaderValue, HdrRecognitionMode},
		{"enum ok", ResourceSpeechRecog, request(MethodRecognize, HdrRecognitionMode, "hotword", HdrInputType, "dtmf"), 0, ""},
		{"dtmf term char not a key", ResourceSpeechRecog, request(MethodRecognize, HdrDTMFTermChar, "x"), StatusUnsupportedHeaderValue, HdrDTMFTermChar},
		{"dtmf term char two chars", ResourceSpeechRecog, request(MethodRecognize, HdrDTMFTermChar, "##"), StatusIllegalHeaderValue, HdrDTMFTermChar},
		{"channel id syntax", ResourceSpeechRecog, request(MethodStop, HdrChannelIdentifier, "nosign"), StatusIllegalHeaderValue, HdrChannelIdentifier},
		{"active request id list", ResourceSpeechSynth, request(MethodStop, HdrActiveRequestIDList, "543258, 543259"), 0, ""},
		{"active request id list bad", ResourceSpeechSynth, request(MethodStop, HdrActiveRequestIDList, "1,,2"), StatusIllegalHeaderValue, HdrActiveRequestIDList},
		{"vendor params bad", ResourceSpeechRecog, request(MethodSetParams, HdrVendorSpecificParameters, "novalue"), StatusIllegalHeaderValue, HdrVendorSpecificParameters},
		{"content type bad", ResourceSpeechRecog, request(MethodDefineGrammar, HdrContentType, "srgs"), StatusIllegalHeaderValue, HdrContentType},
		{"body without content type", ResourceSpeechSynth, &Message{Kind: KindRequest, Name: MethodSpeak, RequestID: 1, Body: []byte("hi")}, StatusMandatoryHeaderMissing, HdrContentType},
		{"lexicon search order", ResourceSpeechSynth, request(MethodSpeak, HdrLexiconSearchOrder, "<http://a/b> <http://c/d>"), 0, ""},
		{"lexicon search order bad", ResourceSpeechSynth, request(MethodSpeak, HdrLexiconSearchOrder, "http://a/b"), StatusIllegalHeaderValue, HdrLexiconSearchOrder},
		{"jump size", ResourceSpeechSynth, request(MethodControl, HdrJumpSize, "+2 Sentence"), 0, ""},
		{"jump size tag", ResourceSpeechSynth, request(MethodControl, HdrJumpSize, "mark1 Tag"), 0, ""},
		{"jump size unsigned", ResourceSpeechSynth, request(MethodControl, HdrJumpSize, "2 Second"), StatusIllegalHeaderValue, HdrJumpSize},
		{"speak length signed", ResourceSpeechSynth, request(MethodSpeak, HdrSpeakLength, "+2 Second"), StatusIllegalHeaderValue, HdrSpeakLength},
		{"cache control", ResourceSpeechRecog, request(MethodDefineGrammar, HdrCacheControl, "max-age=10, max-stale"), 0, ""},
		{"cache control bad", ResourceSpeechRecog, request(MethodDefineGrammar, HdrCacheControl, "no-cache"), StatusIllegalHeaderValue, HdrCacheControl},
		{"voice age", ResourceSpeechSynth, request(MethodSpeak, HdrVoiceAge, "1000"), StatusUnsupportedHeaderValue, HdrVoiceAge},
		{"min verification score", ResourceSpeakVerify, request(MethodVerify, HdrMinVerificationScore, "-0.5"), 0, ""},
		{"min verification score range", ResourceSpeakVerify, request(MethodVerify, HdrMinVerificationScore, "-1.5"), StatusUnsupportedHeaderValue, HdrMinVerificationScore},
		{"voiceprint ids", ResourceSpeakVerify, request(MethodStartSession, HdrVoiceprintIdentifier, "johnsmith.voiceprint;marysmith.voiceprint"), 0, ""},
		{"record uri from client", ResourceRecorder, request(MethodRecord, HdrRecordURI, "<file://mediaserver/recordings/myfile.wav>"), 0, ""},
		{"unknown resource", "telepathy", request(MethodStop), StatusResourceNotAllocated, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := ValidateRequest(c.resource, c.m)
			if c.code == 0 {
				if err != nil {
					t.Fatalf("unexpected %v", err)
				}
				return
			}
			var se *StatusError
			if !errors.As(err, &se) || se.Code != c.code || se.Header != c.header {
				t.Fatalf("got %v, want %d on %q", err, c.code, c.header)
			}
		})
	}
}

func TestEveryHeaderNameHasASpec(t *testing.T) {
	names := []string{
		HdrChannelIdentifier, HdrAccept, HdrActiveRequestIDList, HdrProxySyncID, HdrAcceptCharset, HdrContentType,
		HdrContentID, HdrContentBase, HdrContentEncoding, HdrContentLocation, HdrContentLength, HdrFetchTimeout,
		HdrCacheControl, HdrLoggingTag, HdrSetCookie, HdrVendorSpecificParameters,
		HdrJumpSize, HdrKillOnBargeIn, HdrSpeakerProfile, HdrCompletionCause, HdrCompletionReason, HdrVoiceGender,
		HdrVoiceAge, HdrVoiceVariant, HdrVoiceName, HdrSpeechMarker, HdrSpeechLanguage, HdrFetchHint, HdrAudioFetchHint,
		HdrFailedURI, HdrFailedURICause, HdrSpeakRestart, HdrSpeakLength, HdrLoadLexicon, HdrLexiconSearchOrder,
		HdrProsodyPitch, HdrProsodyRange, HdrProsodyRate, HdrProsodyVolume,
		HdrConfidenceThreshold, HdrSensitivityLevel, HdrSpeedVsAccuracy, HdrNBestListLength, HdrInputType,
		HdrNoInputTimeout, HdrRecognitionTimeout, HdrWaveformURI, HdrInputWaveformURI, HdrRecognizerContextBlock,
		HdrStartInputTimers, HdrSpeechCompleteTimeout, HdrSpeechIncompleteTimeout, HdrDTMFInterdigitTimeout,
		HdrDTMFTermTimeout, HdrDTMFTermChar, HdrSaveWaveform, HdrMediaType, HdrNewAudioChannel, HdrVerBufferUtterance,
		HdrRecognitionMode, HdrCancelIfQueue, HdrHotwordMaxDuration, HdrHotwordMinDuration, HdrInterpretText,
		HdrDTMFBufferTime, HdrClearDTMFBuffer, HdrEarlyNoMatch, HdrNumMinConsistentPronunciations,
		HdrConsistencyThreshold, HdrClashThreshold, HdrPersonalGrammarURI, HdrEnrollUtterance, HdrPhraseID, HdrPhraseNL,
		HdrWeight, HdrSaveBestWaveform, HdrNewPhraseID, HdrConfusablePhrasesURI, HdrAbortPhraseEnrollment,
		HdrRecordURI, HdrMaxTime, HdrTrimLength, HdrFinalSilence, HdrCaptureOnSpeech,
		HdrRepositoryURI, HdrVoiceprintIdentifier, HdrVerificationMode, HdrAdaptModel, HdrAbortModel,
		HdrMinVerificationScore, HdrNumMinVerificationPhrases, HdrNumMaxVerificationPhrases, HdrVoiceprintExists,
		HdrAbortVerification,
	}
	seen := map[string]bool{}
	for _, n := range names {
		s := lookupSpec(n)
		if s == nil {
			t.Errorf("%s has no spec", n)
			continue
		}
		seen[s.name] = true
	}
	for _, s := range headerSpecs {
		if !seen[s.name] {
			t.Errorf("spec %s has no constant in this test", s.name)
		}
		if lookupSpec(s.name) != lookupSpec(upper(s.name)) {
			t.Errorf("%s: lookup is case-sensitive", s.name)
		}
	}
	if lookupSpec("X-Unknown") != nil || lookupSpec("") != nil {
		t.Error("unknown names must have no spec")
	}
}

func upper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'a' <= c && c <= 'z' {
			b[i] = c - 32
		}
	}
	return string(b)
}

func TestTypedGetters(t *testing.T) {
	var h Header
	h.SetInt(HdrNoInputTimeout, 5000)
	h.SetFloat(HdrConfidenceThreshold, 0.25)
	h.SetBool(HdrStartInputTimers, true)
	h.SetCompletionCause(CauseNoMatchMaxtime)
	h.SetChannelID(ChannelID{"32AECB23433801", ResourceSpeechRecog})
	h.SetRequestIDList([]uint32{543258, 543259})
	h.SetVendorParams([]VendorParam{{"a", "1"}, {"b", "two words"}, {"c", `q"uote`}})

	if v, _ := h.Get(HdrCompletionCause); v != "015 no-match-maxtime" {
		t.Fatalf("cause wire form %q", v)
	}
	if v, _ := h.Get(HdrVendorSpecificParameters); v != `a=1;b="two words";c="q\"uote"` {
		t.Fatalf("vendor wire form %q", v)
	}
	if v, ok, err := h.Int(HdrNoInputTimeout); v != 5000 || !ok || err != nil {
		t.Fatal("Int", v, ok, err)
	}
	if v, ok, err := h.Float(HdrConfidenceThreshold); v != 0.25 || !ok || err != nil {
		t.Fatal("Float", v, ok, err)
	}
	if v, ok, err := h.Bool(HdrStartInputTimers); !v || !ok || err != nil {
		t.Fatal("Bool", v, ok, err)
	}
	if v, ok, err := h.CompletionCause(); v != CauseNoMatchMaxtime || !ok || err != nil {
		t.Fatal("CompletionCause", v, ok, err)
	}
	if v, ok, err := h.ChannelID(); v.Session != "32AECB23433801" || !ok || err != nil {
		t.Fatal("ChannelID", v, ok, err)
	}
	if v, ok, err := h.RequestIDList(); !reflect.DeepEqual(v, []uint32{543258, 543259}) || !ok || err != nil {
		t.Fatal("RequestIDList", v, ok, err)
	}
	if v, ok, err := h.VendorParams(); len(v) != 3 || v[1].Value != "two words" || v[2].Value != `q"uote` || !ok || err != nil {
		t.Fatal("VendorParams", v, ok, err)
	}

	// Absent fields: not present, no error.
	var empty Header
	if _, ok, err := empty.Int(HdrNoInputTimeout); ok || err != nil {
		t.Fatal("absent Int")
	}
	if _, ok, err := empty.CompletionCause(); ok || err != nil {
		t.Fatal("absent cause")
	}
	// Present but bad: the error says which code to answer with.
	h.Set(HdrConfidenceThreshold, "2")
	if _, ok, err := h.Float(HdrConfidenceThreshold); !ok || err.(*StatusError).Code != StatusUnsupportedHeaderValue {
		t.Fatal("Float range", err)
	}
	h.Set(HdrNoInputTimeout, "")
	if _, ok, err := h.Int(HdrNoInputTimeout); !ok || err.(*StatusError).Code != StatusIllegalHeaderValue {
		t.Fatal("Int empty", err)
	}
}

func TestParseCompletionCause(t *testing.T) {
	cases := []struct {
		in   string
		want CompletionCause
		ok   bool
	}{
		{"000 success", CauseSuccess, true},
		{"002 no-input-timeout", CauseNoInputTimeout, true},
		{" 001  no-match ", CauseNoMatch, true},
		{"007", CompletionCause{7, ""}, true},
		{"7 no-match", CompletionCause{}, false},
		{"abc success", CompletionCause{}, false},
		{"0001 x", CompletionCause{}, false},
		{"", CompletionCause{}, false},
	}
	for _, c := range cases {
		got, err := ParseCompletionCause(c.in)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("%q: %+v %v", c.in, got, err)
		}
	}
	for _, c := range []CompletionCause{CauseSuccess, CauseGrammarDefinitionFailure, CauseSynthBargeIn, CauseRecordSuccessMaxtime, CauseVerifySpeechNotUsable} {
		if got, err := ParseCompletionCause(c.String()); err != nil || got != c {
			t.Errorf("round trip %v: %v %v", c, got, err)
		}
	}
}

func TestParseChannelID(t *testing.T) {
	good := map[string]ChannelID{
		"32AECB23433801@speechrecog":     {"32AECB23433801", "speechrecog"},
		" 20a54ddb9b9740d6@speechsynth ": {"20a54ddb9b9740d6", "speechsynth"},
		"a-b_c.d@recorder":               {"a-b_c.d", "recorder"},
	}
	for in, want := range good {
		if got, err := ParseChannelID(in); err != nil || got != want {
			t.Errorf("%q: %+v %v", in, got, err)
		}
	}
	for _, in := range []string{"", "@", "abc", "abc@", "@speechrecog", "a b@speechrecog", "a@speech-recog", "a@b@c"} {
		if _, err := ParseChannelID(in); err == nil {
			t.Errorf("%q accepted", in)
		}
	}
}

func TestParseVendorParams(t *testing.T) {
	got, err := ParseVendorParams(`com.example.a=1; b = "x;y" ;c=-0.5`)
	want := []VendorParam{{"com.example.a", "1"}, {"b", "x;y"}, {"c", "-0.5"}}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("%+v %v", got, err)
	}
	if got, err := ParseVendorParams(""); err != nil || got != nil {
		t.Fatal("empty list", got, err)
	}
	for _, in := range []string{"a", "a=1;", `a="open`, `a="x"y`, "=1", "a b=1"} {
		if _, err := ParseVendorParams(in); err == nil {
			t.Errorf("%q accepted", in)
		}
	}
	round := []VendorParam{{"a", ""}, {"b", `\`}, {"c", "plain"}}
	back, err := ParseVendorParams(string(AppendVendorParams(nil, round)))
	if err != nil || !reflect.DeepEqual(back, round) {
		t.Fatalf("round trip %+v %v", back, err)
	}
}

func TestParseRequestIDList(t *testing.T) {
	if got, err := ParseRequestIDList("1,2, 4294967295"); err != nil || !reflect.DeepEqual(got, []uint32{1, 2, 4294967295}) {
		t.Fatal(got, err)
	}
	for _, in := range []string{"", ",", "1,", "0", "4294967296", "1;2", "a"} {
		if _, err := ParseRequestIDList(in); err == nil {
			t.Errorf("%q accepted", in)
		}
	}
}

func TestParseSizedURI(t *testing.T) {
	u, err := ParseSizedURI(HdrWaveformURI, "<http://web.media.com/session123/audio.wav>;size=124535;duration=2340")
	if err != nil || u != (SizedURI{"http://web.media.com/session123/audio.wav", 124535, 2340}) {
		t.Fatal(u, err)
	}
	back, err := ParseSizedURI(HdrWaveformURI, u.String())
	if err != nil || back != u {
		t.Fatal("round trip", back, err)
	}
	if u, err := ParseSizedURI(HdrWaveformURI, ""); err != nil || u.String() != "" {
		t.Fatal("empty", u, err)
	}
	for _, in := range []string{"<a b>", "<x>;size=1", "<x>;size=1;duration=z", "<x>;colour=1;size=1;duration=1", "<x", "<x>junk"} {
		if _, err := ParseSizedURI(HdrWaveformURI, in); err == nil {
			t.Errorf("%q accepted", in)
		}
	}
}

func TestStatusErrorText(t *testing.T) {
	e := &StatusError{Code: 409, Header: HdrConfidenceThreshold, Reason: "out of range"}
	if e.Error() != "mrcp: 409 unsupported header field value (Confidence-Threshold): out of range" {
		t.Fatal(e.Error())
	}
	for _, code := range []int{200, 201, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 501, 502, 504} {
		if StatusText(code) == "" {
			t.Errorf("no text for %d", code)
		}
	}
	if StatusText(503) != "" || StatusText(299) != "" {
		t.Error("text for an undefined code")
	}
}
