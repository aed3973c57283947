package recognizer

import (
	"fmt"
	"strings"
	"time"

	"github.com/mrcpd/mrcpd/bargein"
	"github.com/mrcpd/mrcpd/mrcp"
)

// params are the effective recogniser settings of one RECOGNIZE.
type params struct {
	timers              bargein.Params
	confidenceThreshold float64
	nBest               int
	language            string
	termChar            byte // 0: none
	saveWaveform        bool
	// dtmfStopsSpeech: the first digit ends speech recognition and the
	// input becomes DTMF (what callers expect when they start keying).
	dtmfStopsSpeech bool
	// nluModel names the intent model of this request (empty: default).
	nluModel string
	// intermediate: the client asked for INTERMEDIATE-RESULT events.
	intermediate bool
}

// Vendor-Specific-Parameters understood here (RFC 6787 §6.2.16).
const (
	vendorDTMFStopsSpeech = "mrcpd.dtmf-stops-speech"
	vendorIntermediate    = "mrcpd.intermediate-results"
)

// parseParams reads the header fields of RFC 6787 §9.4 from the effective
// parameter set. The state machine has validated their syntax already, so an
// error here means a value the recogniser cannot honour (409).
func parseParams(h *mrcp.Header) (params, error) {
	p := params{
		timers:              bargein.DefaultParams(),
		confidenceThreshold: 0.5, // RFC 6787 §9.4.1 default
		nBest:               1,
		dtmfStopsSpeech:     true,
	}
	durations := []struct {
		name string
		dst  *time.Duration
	}{
		{mrcp.HdrNoInputTimeout, &p.timers.NoInputTimeout},
		{mrcp.HdrRecognitionTimeout, &p.timers.RecognitionTimeout},
		{mrcp.HdrSpeechCompleteTimeout, &p.timers.SpeechCompleteTimeout},
		{mrcp.HdrSpeechIncompleteTimeout, &p.timers.SpeechIncompleteTimeout},
		{mrcp.HdrDTMFInterdigitTimeout, &p.timers.DTMFInterdigitTimeout},
		{mrcp.HdrDTMFTermTimeout, &p.timers.DTMFTermTimeout},
		{mrcp.HdrHotwordMinDuration, &p.timers.HotwordMinDuration},
		{mrcp.HdrHotwordMaxDuration, &p.timers.HotwordMaxDuration},
	}
	for _, d := range durations {
		ms, ok, err := h.Int(d.name)
		if err != nil {
			return p, err
		}
		if ok {
			*d.dst = time.Duration(ms) * time.Millisecond
		}
	}
	if v, ok, err := h.Bool(mrcp.HdrStartInputTimers); err != nil {
		return p, err
	} else if ok {
		p.timers.StartInputTimers = v
	}
	if v, ok, err := h.Bool(mrcp.HdrEarlyNoMatch); err != nil {
		return p, err
	} else if ok {
		p.timers.EarlyNoMatch = v
	}
	if v, ok, err := h.Float(mrcp.HdrSensitivityLevel); err != nil {
		return p, err
	} else if ok {
		p.timers.Sensitivity = v
	}
	if v, ok, err := h.Float(mrcp.HdrConfidenceThreshold); err != nil {
		return p, err
	} else if ok {
		p.confidenceThreshold = v
	}
	if v, ok, err := h.Int(mrcp.HdrNBestListLength); err != nil {
		return p, err
	} else if ok && v > 0 {
		p.nBest = v
	}
	if v, ok, err := h.Bool(mrcp.HdrSaveWaveform); err != nil {
		return p, err
	} else if ok {
		p.saveWaveform = v
	}
	if v, ok := h.Get(mrcp.HdrSpeechLanguage); ok {
		p.language = strings.TrimSpace(v)
	}
	if v, ok := h.Get(mrcp.HdrRecognitionMode); ok {
		switch strings.ToLower(strings.TrimSpace(v)) {
		case "normal":
			p.timers.Mode = bargein.ModeNormal
		case "hotword":
			p.timers.Mode = bargein.ModeHotword
		default:
			return p, &mrcp.StatusError{Code: mrcp.StatusUnsupportedHeaderValue, Header: mrcp.HdrRecognitionMode,
				Reason: fmt.Sprintf("recognition mode %q", v)}
		}
	}
	if v, ok := h.Get(mrcp.HdrDTMFTermChar); ok {
		if v = strings.TrimSpace(v); len(v) == 1 {
			p.termChar = v[0]
		}
	}
	vendor, _, err := h.VendorParams()
	if err != nil {
		return p, err
	}
	for _, vp := range vendor {
		switch {
		case strings.EqualFold(vp.Name, vendorDTMFStopsSpeech):
			p.dtmfStopsSpeech = !strings.EqualFold(vp.Value, "false")
		case strings.EqualFold(vp.Name, vendorNLUModel):
			p.nluModel = strings.TrimSpace(vp.Value)
		case strings.EqualFold(vp.Name, vendorIntermediate):
			p.intermediate = strings.EqualFold(strings.TrimSpace(vp.Value), "true")
		}
	}
	return p, nil
}
