package bargein

import "time"

// Mode is the Recognition-Mode (RFC 6787 §9.4.26).
type Mode uint8

const (
	// ModeNormal matches the whole input against the grammars.
	ModeNormal Mode = iota
	// ModeHotword listens for grammar matches and ignores other speech.
	ModeHotword
)

func (m Mode) String() string {
	if m == ModeHotword {
		return "hotword"
	}
	return "normal"
}

// Params are the input-timer header fields of one RECOGNIZE (RFC 6787 §9.4),
// already merged with SET-PARAMS by the caller. Start from DefaultParams and
// override what the request carries.
type Params struct {
	// NoInputTimeout (§9.4.6): no speech or DTMF this long after the timers
	// start ends the recognition with no-input-timeout. Zero disables it.
	NoInputTimeout time.Duration
	// RecognitionTimeout (§9.4.7): the longest recognition, counted from the
	// first speech or digit. Zero disables it.
	RecognitionTimeout time.Duration
	// SpeechCompleteTimeout (§9.4.15): silence after speech that ends the
	// input when the hypothesis is a complete match. Zero ends it as soon as
	// the VAD closes the segment.
	SpeechCompleteTimeout time.Duration
	// SpeechIncompleteTimeout (§9.4.16): silence after speech that ends the
	// input otherwise. Zero ends it as soon as the VAD closes the segment.
	SpeechIncompleteTimeout time.Duration
	// DTMFInterdigitTimeout (§9.4.17): wait after a digit when the grammar
	// allows more. Zero ends the input right after the digit.
	DTMFInterdigitTimeout time.Duration
	// DTMFTermTimeout (§9.4.18): wait after a digit when the grammar allows
	// no more. Zero ends the input right after the digit.
	DTMFTermTimeout time.Duration
	// StartInputTimers (§9.4.14): false holds the no-input timer until
	// Detector.StartInputTimers.
	StartInputTimers bool
	// EarlyNoMatch (§9.4.33): end with no-match as soon as the caller reports
	// MatchNone, without waiting for the end of speech.
	EarlyNoMatch bool
	// Mode is the Recognition-Mode (§9.4.26).
	Mode Mode
	// HotwordMinDuration and HotwordMaxDuration (§9.4.28, §9.4.29) bound the
	// speech segments worth evaluating in hotword mode. Zero means no bound.
	HotwordMinDuration time.Duration
	HotwordMaxDuration time.Duration
	// Sensitivity is the Sensitivity-Level (§9.4.2), 0.0-1.0.
	Sensitivity float64
}

// DefaultParams are the values used when neither the request nor SET-PARAMS
// set a field: the RFC's where it gives one (Recognition-Timeout 10 s,
// DTMF-Interdigit-Timeout 5 s, DTMF-Term-Timeout 10 s, Start-Input-Timers
// true), otherwise those common to UniMRCP-based deployments (No-Input-Timeout
// 5 s, Speech-Complete-Timeout 1 s, Speech-Incomplete-Timeout 2 s).
func DefaultParams() Params {
	return Params{
		NoInputTimeout:          5 * time.Second,
		RecognitionTimeout:      10 * time.Second,
		SpeechCompleteTimeout:   time.Second,
		SpeechIncompleteTimeout: 2 * time.Second,
		DTMFInterdigitTimeout:   5 * time.Second,
		DTMFTermTimeout:         10 * time.Second,
		StartInputTimers:        true,
		Mode:                    ModeNormal,
		Sensitivity:             DefaultSensitivity,
	}
}
