package bargein

import "time"

// EventType says what a Detector event asks the caller to do.
type EventType uint8

const (
	// EventStartOfInput: send START-OF-INPUT (RFC 6787 §9.12). Normal mode
	// only, once per recognition, for the first speech or digit.
	EventStartOfInput EventType = iota + 1
	// EventSpeechStart: a speech segment began at Event.At (back-dated to the
	// first block of evidence, so the caller can hand the recogniser the audio
	// from there).
	EventSpeechStart
	// EventSpeechEnd: the segment ended at Event.At and lasted Event.Duration.
	EventSpeechEnd
	// EventComplete: the recognition is over; send RECOGNITION-COMPLETE with
	// Event.Cause. The caller may refine a success/no-match cause with the
	// recogniser's final result. No events follow.
	EventComplete
)

func (t EventType) String() string {
	switch t {
	case EventStartOfInput:
		return "start-of-input"
	case EventSpeechStart:
		return "speech-start"
	case EventSpeechEnd:
		return "speech-end"
	case EventComplete:
		return "complete"
	}
	return "event(?)"
}

// Input is the Input-Type of START-OF-INPUT (RFC 6787 §9.4.5).
type Input uint8

const (
	InputSpeech Input = iota
	InputDTMF
)

func (i Input) String() string {
	if i == InputDTMF {
		return "dtmf"
	}
	return "speech"
}

// Event is one thing the caller must act on.
type Event struct {
	Type EventType
	// At is the media time the event refers to, since the Detector began.
	At time.Duration
	// Input is set on EventStartOfInput.
	Input Input
	// Cause is set on EventComplete.
	Cause Cause
	// Duration is the segment length on EventSpeechEnd.
	Duration time.Duration
	// Eligible, on EventSpeechEnd in hotword mode, says the segment lies within
	// Hotword-Min-Duration and Hotword-Max-Duration, so it is worth matching.
	Eligible bool
}

// Detector runs the input timers of one recognition (RFC 6787 §9.4, §9.9)
// over a VAD. It is a pure state machine: time advances only with the audio
// passed to Frame and the media time passed to Tick, so it starts no
// goroutines and reads no clock. It is not safe for concurrent use; the
// goroutine that owns the channel's media drives it.
type Detector struct {
	vad *VAD
	p   Params

	base time.Duration // VAD media time when the recognition began
	skew time.Duration // media time added by Tick over gaps in the audio
	now  time.Duration // detector time reached so far

	started      bool // first call made (speech-too-early is checked there)
	done         bool
	timersOn     bool
	timersAt     time.Duration
	input        bool // speech or a digit was detected
	recogOn      bool
	recogAt      time.Duration
	inSpeech     bool
	segStart     time.Duration
	silenceOn    bool // speech ended; waiting for a silence timer
	silenceAt    time.Duration
	dtmfOn       bool
	dtmfAt       time.Duration
	dtmfMatch    Match
	match        Match
	earlyPending bool

	acts [4]Activity // scratch for one Frame call
}

// NewDetector starts a recognition on vad with p. The VAD keeps its noise
// floors and any segment in progress: speech already under way is a
// speech-too-early completion in hotword mode and an immediate
// START-OF-INPUT in normal mode.
func NewDetector(vad *VAD, p Params) *Detector {
	vad.SetSensitivity(p.Sensitivity)
	d := &Detector{vad: vad, p: p, base: vad.Elapsed()}
	if p.StartInputTimers {
		d.timersOn = true
	}
	return d
}

// Params returns the parameters in force.
func (d *Detector) Params() Params { return d.p }

// Done reports whether EventComplete has been emitted.
func (d *Detector) Done() bool { return d.done }

// Now is the media time reached, since the Detector began.
func (d *Detector) Now() time.Duration { return d.now }

// StartInputTimers starts the no-input timer now, for a recognition started
// with Start-Input-Timers: false (RFC 6787 §9.13). Later calls do nothing.
func (d *Detector) StartInputTimers() {
	if d.timersOn || d.done {
		return
	}
	d.timersOn = true
	d.timersAt = d.now
}

// Frame feeds 8 kHz audio to the VAD, runs the timers up to the end of it
// and appends the resulting events to dst. It allocates nothing when dst has
// room; audio keeps feeding the VAD after completion, so that its noise
// floors stay current for the next recognition.
func (d *Detector) Frame(pcm []int16, dst []Event) []Event {
	for len(pcm) > 0 {
		// Bound each step so that the scratch array always has room: a chunk
		// of at most HangoverBlocks blocks holds at most one onset and one
		// offset.
		n := min(len(pcm), BlockSamples*max(1, d.vad.seg.cfg.HangoverBlocks-1))
		acts := d.vad.Frame(pcm[:n], d.acts[:0])
		pcm = pcm[n:]
		dst = d.begin(dst)
		for _, a := range acts {
			dst = d.advance(d.rel(a.Detected), dst)
			dst = d.activity(a, dst)
		}
		dst = d.advance(d.rel(d.vad.Elapsed()), dst)
	}
	return dst
}

// Tick advances the timers to now, the media time since the Detector began,
// for stretches with no audio (lost packets, a muted or on-hold caller):
// that time counts as silence. A now not past Now does nothing.
func (d *Detector) Tick(now time.Duration, dst []Event) []Event {
	dst = d.begin(dst)
	if now <= d.now {
		return dst
	}
	d.skew += now - d.now
	return d.advance(now, dst)
}

// SetMatch reports how the hypothesis so far matches the grammars. In
// hotword mode a full match completes at once with success; with
// Early-No-Match, MatchNone completes at once with no-match (RFC 6787 §9.9).
func (d *Detector) SetMatch(m Match, dst []Event) []Event {
	if d.done {
		return dst
	}
	d.match = m
	switch {
	case d.p.Mode == ModeHotword && m.full():
		return d.complete(d.now, CauseSuccess, dst)
	case d.p.Mode == ModeNormal && d.p.EarlyNoMatch && m == MatchNone:
		return d.complete(d.now, CauseNoMatch, dst)
	}
	return dst
}

// DTMF reports a digit, with how the digits so far match the DTMF grammars.
// The caller handles DTMF-Term-Char itself (it ends the input at once).
func (d *Detector) DTMF(m Match, dst []Event) []Event {
	dst = d.begin(dst)
	if d.done {
		return dst
	}
	d.match = m
	if d.p.Mode == ModeHotword {
		if m.full() {
			return d.complete(d.now, CauseSuccess, dst)
		}
		d.noteInput()
		return dst
	}
	if !d.input {
		dst = append(dst, Event{Type: EventStartOfInput, At: d.now, Input: InputDTMF})
	}
	d.noteInput()
	d.dtmfOn = true
	d.dtmfAt = d.now
	d.dtmfMatch = m
	// A zero wait completes right here rather than at the next frame.
	return d.advance(d.now, dst)
}

func (d *Detector) rel(vadTime time.Duration) time.Duration {
	return vadTime - d.base + d.skew
}

// underWayGap is the silence after which a VAD segment still open (in its
// hangover) no longer counts as speech under way at the start.
const underWayGap = 100 * time.Millisecond

// begin runs once, on the first call: the check for speech already under way.
func (d *Detector) begin(dst []Event) []Event {
	if d.started {
		return dst
	}
	d.started = true
	// A segment in its hangover has already gone quiet: the caller stopped
	// talking before the request came, so it is not speech under way.
	if !d.vad.InSpeech() || d.vad.seg.Trailing() >= underWayGap {
		return dst
	}
	if d.p.Mode == ModeHotword {
		// RFC 6787 §9.4.11 cause 007: the stream was in speech when the
		// request arrived.
		return d.complete(0, CauseSpeechTooEarly, dst)
	}
	d.inSpeech = true
	d.segStart = 0
	d.noteInput()
	return append(dst,
		Event{Type: EventStartOfInput, At: 0, Input: InputSpeech},
		Event{Type: EventSpeechStart, At: 0})
}

// noteInput records speech or a digit: the no-input timer stops and the
// recognition timer starts (RFC 6787 §9.9).
func (d *Detector) noteInput() {
	d.input = true
	if !d.recogOn {
		d.recogOn = true
		d.recogAt = d.now
	}
}

func (d *Detector) activity(a Activity, dst []Event) []Event {
	if d.done {
		return dst
	}
	switch a.Transition {
	case Onset:
		at := max(d.rel(a.At), 0)
		d.inSpeech = true
		d.segStart = at
		d.silenceOn = false
		if d.p.Mode == ModeNormal && !d.input {
			dst = append(dst, Event{Type: EventStartOfInput, At: at, Input: InputSpeech})
		}
		d.noteInput()
		dst = append(dst, Event{Type: EventSpeechStart, At: at})
	case Offset:
		if !d.inSpeech {
			return dst // a segment that began before the recognition and was not reported
		}
		at := max(d.rel(a.At), d.segStart)
		d.inSpeech = false
		e := Event{Type: EventSpeechEnd, At: at, Duration: at - d.segStart}
		if d.p.Mode == ModeHotword {
			e.Eligible = e.Duration >= d.p.HotwordMinDuration &&
				(d.p.HotwordMaxDuration == 0 || e.Duration <= d.p.HotwordMaxDuration)
			// RFC 6787 §9.9 hotword rule 5: speech that did not match stops
			// and resets the recognition timer until speech comes again.
			if !d.match.full() {
				d.recogOn = false
			}
		} else {
			d.silenceOn = true
			d.silenceAt = at
		}
		dst = append(dst, e)
	}
	return dst
}

// advance moves detector time to t, firing every timer whose deadline falls
// at or before t, at its deadline.
func (d *Detector) advance(t time.Duration, dst []Event) []Event {
	if t > d.now {
		d.now = t
	}
	if d.done {
		return dst
	}
	// Of the timers due, the earliest wins; the order of the checks breaks
	// ties in favour of the more specific cause.
	best, cause, due := time.Duration(0), Cause(0), false
	consider := func(deadline time.Duration, c Cause) {
		if deadline <= d.now && (!due || deadline < best) {
			best, cause, due = deadline, c, true
		}
	}
	if d.timersOn && !d.input && d.p.NoInputTimeout > 0 {
		consider(d.timersAt+d.p.NoInputTimeout, CauseNoInputTimeout)
	}
	if d.silenceOn && !d.inSpeech {
		timeout := d.p.SpeechIncompleteTimeout
		if d.match == MatchComplete {
			timeout = d.p.SpeechCompleteTimeout
		}
		// The VAD needs its hangover to call the end of speech; a shorter
		// timeout ends at that moment.
		consider(d.silenceAt+timeout, d.silenceCause())
	}
	if d.dtmfOn {
		wait := d.p.DTMFInterdigitTimeout
		if d.dtmfMatch == MatchComplete {
			wait = d.p.DTMFTermTimeout
		}
		c := CauseNoMatch
		if d.dtmfMatch.full() {
			c = CauseSuccess
		}
		consider(d.dtmfAt+wait, c)
	}
	if d.recogOn && d.p.RecognitionTimeout > 0 {
		consider(d.recogAt+d.p.RecognitionTimeout, d.maxtimeCause())
	}
	if !due {
		return dst
	}
	return d.complete(max(best, 0), cause, dst)
}

// silenceCause is the cause when a silence timer expires (RFC 6787 §9.9
// rules 3 and 4).
func (d *Detector) silenceCause() Cause {
	switch d.match {
	case MatchComplete, MatchExtensible:
		return CauseSuccess
	case MatchPartial:
		return CausePartialMatch
	}
	return CauseNoMatch
}

// maxtimeCause is the cause when the Recognition-Timeout expires (RFC 6787
// §9.9 rule 5 in normal mode, rules 3 and 4 in hotword mode).
func (d *Detector) maxtimeCause() Cause {
	switch {
	case d.match.full():
		return CauseSuccessMaxtime
	case d.p.Mode == ModeHotword:
		return CauseHotwordMaxtime
	case d.match == MatchPartial:
		return CausePartialMatchMaxtime
	}
	return CauseNoMatchMaxtime
}

func (d *Detector) complete(at time.Duration, c Cause, dst []Event) []Event {
	d.done = true
	return append(dst, Event{Type: EventComplete, At: at, Cause: c})
}
