package bargein

import (
	"testing"
	"time"
)

// script drives a Detector with synthetic audio, 20 ms at a time, and
// collects its events.
type script struct {
	t   *testing.T
	d   *Detector
	sig *signal
	pos int
	evs []Event
}

func newScript(t *testing.T, p Params) *script {
	t.Helper()
	vad := NewVAD()
	// A second of background first: a channel's VAD has been listening
	// since the call began.
	sig := newSignal(11, 10)
	sig.quiet(1000)
	runVAD(vad, sig.pcm, 160)
	s := &script{t: t, sig: sig, pos: len(sig.pcm)}
	s.d = NewDetector(vad, p)
	return s
}

func (s *script) feed() *script {
	for s.pos+160 <= len(s.sig.pcm) {
		s.evs = s.d.Frame(s.sig.pcm[s.pos:s.pos+160], s.evs)
		s.pos += 160
	}
	return s
}

func (s *script) quiet(ms int) *script          { s.sig.quiet(ms); return s.feed() }
func (s *script) voice(ms int) *script          { s.sig.voice(ms, 2000); return s.feed() }
func (s *script) match(m Match) *script         { s.evs = s.d.SetMatch(m, s.evs); return s }
func (s *script) dtmf(m Match) *script          { s.evs = s.d.DTMF(m, s.evs); return s }
func (s *script) tick(at time.Duration) *script { s.evs = s.d.Tick(at, s.evs); return s }

// syllables appends n voiced stretches of 200 ms with 80 ms gaps: running
// speech that the VAD keeps as one segment.
func (s *script) syllables(n int) *script {
	for range n {
		s.sig.voice(200, 2000)
		s.sig.quiet(80)
	}
	return s.feed()
}

func (s *script) find(typ EventType) (Event, bool) {
	for _, e := range s.evs {
		if e.Type == typ {
			return e, true
		}
	}
	return Event{}, false
}

func (s *script) completion() (Event, bool) { return s.find(EventComplete) }

const ms = time.Millisecond

func near(got, want, tol time.Duration) bool { return got >= want-tol && got <= want+tol }

func TestDetectorTimers(t *testing.T) {
	type want struct {
		cause Cause
		at    time.Duration // expected completion time
		tol   time.Duration
	}
	p := DefaultParams
	tests := []struct {
		name   string
		params func() Params
		run    func(s *script)
		want   *want // nil: no completion
	}{
		{"no-input-timeout", p, func(s *script) { s.quiet(6000) },
			&want{CauseNoInputTimeout, 5 * time.Second, 0}},
		{"no-input-timeout disabled by 0", func() Params { q := p(); q.NoInputTimeout = 0; return q },
			func(s *script) { s.quiet(12000) }, nil},
		{"no-input-timeout over a media gap (Tick)", p, func(s *script) { s.quiet(1000).tick(7 * time.Second) },
			&want{CauseNoInputTimeout, 5 * time.Second, 0}},
		{"Start-Input-Timers false holds the timer", func() Params { q := p(); q.StartInputTimers = false; return q },
			func(s *script) { s.quiet(7000) }, nil},
		{"START-INPUT-TIMERS starts it", func() Params { q := p(); q.StartInputTimers = false; return q },
			func(s *script) { s.quiet(3000); s.d.StartInputTimers(); s.quiet(6000) },
			&want{CauseNoInputTimeout, 8 * time.Second, 0}},
		{"speech stops the no-input timer", p, func(s *script) { s.quiet(4000).voice(500).quiet(2500) },
			&want{CauseNoMatch, 4500*ms + 2*time.Second, 40 * ms}},
		{"Speech-Complete-Timeout on a complete match", p,
			func(s *script) { s.quiet(500).voice(600).match(MatchComplete).quiet(1500) },
			&want{CauseSuccess, 1100*ms + time.Second, 40 * ms}},
		{"Speech-Incomplete-Timeout on a partial match", p,
			func(s *script) { s.quiet(500).voice(600).match(MatchPartial).quiet(2500) },
			&want{CausePartialMatch, 1100*ms + 2*time.Second, 40 * ms}},
		{"Speech-Incomplete-Timeout on an extensible match", p,
			func(s *script) { s.quiet(500).voice(600).match(MatchExtensible).quiet(2500) },
			&want{CauseSuccess, 1100*ms + 2*time.Second, 40 * ms}},
		{"Speech-Incomplete-Timeout with no match", p,
			func(s *script) { s.quiet(500).voice(600).match(MatchNone).quiet(2500) },
			&want{CauseNoMatch, 1100*ms + 2*time.Second, 40 * ms}},
		{"zero Speech-Complete-Timeout ends at the VAD's end of speech",
			func() Params { q := p(); q.SpeechCompleteTimeout = 0; return q },
			func(s *script) { s.quiet(500).voice(600).match(MatchComplete).quiet(1000) },
			&want{CauseSuccess, 1100 * ms, 40 * ms}},
		{"a pause shorter than the timeout keeps the input open", p,
			func(s *script) {
				s.quiet(500).voice(600).match(MatchPartial).quiet(1200).voice(600).match(MatchComplete).quiet(1500)
			},
			&want{CauseSuccess, 2900*ms + time.Second, 40 * ms}},
		{"Recognition-Timeout with no match", func() Params { q := p(); q.RecognitionTimeout = 3 * time.Second; return q },
			func(s *script) { s.quiet(500).syllables(14) },
			&want{CauseNoMatchMaxtime, 500*ms + 3*time.Second, 80 * ms}},
		{"Recognition-Timeout with a partial match", func() Params { q := p(); q.RecognitionTimeout = 3 * time.Second; return q },
			func(s *script) { s.quiet(500).syllables(3).match(MatchPartial).syllables(11) },
			&want{CausePartialMatchMaxtime, 500*ms + 3*time.Second, 80 * ms}},
		{"Recognition-Timeout with a full match", func() Params { q := p(); q.RecognitionTimeout = 3 * time.Second; return q },
			func(s *script) { s.quiet(500).syllables(3).match(MatchComplete).syllables(11) },
			&want{CauseSuccessMaxtime, 500*ms + 3*time.Second, 80 * ms}},
		{"Recognition-Timeout disabled by 0", func() Params { q := p(); q.RecognitionTimeout = 0; return q },
			func(s *script) { s.quiet(500).syllables(14) }, nil},
		{"Early-No-Match ends at once", func() Params { q := p(); q.EarlyNoMatch = true; return q },
			func(s *script) { s.quiet(500).voice(300).match(MatchNone).voice(300) },
			&want{CauseNoMatch, 800 * ms, 0}},
		{"without Early-No-Match no-match waits for the end of speech", p,
			func(s *script) { s.quiet(500).voice(300).match(MatchNone).voice(300) }, nil},
		{"DTMF interdigit timeout, partial", p,
			func(s *script) { s.quiet(1000).dtmf(MatchPartial).quiet(6000) },
			&want{CauseNoMatch, time.Second + 5*time.Second, 0}},
		{"DTMF interdigit timeout, extensible match", p,
			func(s *script) { s.quiet(1000).dtmf(MatchExtensible).quiet(6000) },
			&want{CauseSuccess, time.Second + 5*time.Second, 0}},
		{"DTMF term timeout, complete match", p,
			func(s *script) { s.quiet(1000).dtmf(MatchComplete).quiet(4000).tick(12 * time.Second) },
			&want{CauseSuccess, 11 * time.Second, 0}},
		{"DTMF term timeout 0 completes at the digit", func() Params { q := p(); q.DTMFTermTimeout = 0; return q },
			func(s *script) { s.quiet(1000).dtmf(MatchComplete) },
			&want{CauseSuccess, time.Second, 0}},
		{"each digit restarts the interdigit timer", p,
			func(s *script) { s.quiet(1000).dtmf(MatchPartial).quiet(4000).dtmf(MatchPartial).quiet(6000) },
			&want{CauseNoMatch, 10 * time.Second, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newScript(t, tt.params())
			tt.run(s)
			got, ok := s.completion()
			if tt.want == nil {
				if ok {
					t.Fatalf("completed with %v at %v, want no completion; events %+v", got.Cause, got.At, s.evs)
				}
				return
			}
			if !ok {
				t.Fatalf("no completion; events %+v", s.evs)
			}
			if got.Cause != tt.want.cause || !near(got.At, tt.want.at, tt.want.tol) {
				t.Fatalf("completed with %v at %v, want %v at %v±%v; events %+v",
					got.Cause, got.At, tt.want.cause, tt.want.at, tt.want.tol, s.evs)
			}
			if last := s.evs[len(s.evs)-1]; last.Type != EventComplete {
				t.Fatalf("events after completion: %+v", s.evs)
			}
		})
	}
}

func TestDetectorStartOfInput(t *testing.T) {
	s := newScript(t, DefaultParams()).quiet(500).voice(500).quiet(300).voice(400).quiet(300)
	var sois, starts, ends int
	for _, e := range s.evs {
		switch e.Type {
		case EventStartOfInput:
			sois++
			if e.Input != InputSpeech || !near(e.At, 500*ms, 40*ms) {
				t.Errorf("START-OF-INPUT %+v, want speech at about 500ms", e)
			}
		case EventSpeechStart:
			starts++
		case EventSpeechEnd:
			ends++
			if e.Duration <= 0 {
				t.Errorf("segment of %v", e.Duration)
			}
		}
	}
	if sois != 1 || starts != 2 || ends != 2 {
		t.Fatalf("%d START-OF-INPUT, %d starts, %d ends; want 1, 2, 2: %+v", sois, starts, ends, s.evs)
	}

	s = newScript(t, DefaultParams()).quiet(700).dtmf(MatchPartial)
	if e, ok := s.find(EventStartOfInput); !ok || e.Input != InputDTMF || e.At != 700*ms {
		t.Fatalf("START-OF-INPUT for a digit: %+v, %v", e, ok)
	}
}

func TestDetectorHotword(t *testing.T) {
	hot := DefaultParams()
	hot.Mode = ModeHotword
	hot.HotwordMinDuration = 400 * ms
	hot.HotwordMaxDuration = 1000 * ms

	t.Run("no START-OF-INPUT, segments judged by duration", func(t *testing.T) {
		s := newScript(t, hot).quiet(500).voice(200).quiet(500).voice(700).quiet(500).voice(1500).quiet(500)
		if _, ok := s.find(EventStartOfInput); ok {
			t.Fatal("START-OF-INPUT in hotword mode")
		}
		var eligible []bool
		for _, e := range s.evs {
			if e.Type == EventSpeechEnd {
				eligible = append(eligible, e.Eligible)
			}
		}
		if len(eligible) != 3 || eligible[0] || !eligible[1] || eligible[2] {
			t.Fatalf("eligibility %v, want [false true false]: %+v", eligible, s.evs)
		}
		if _, ok := s.completion(); ok {
			t.Fatalf("completed: %+v", s.evs)
		}
	})
	t.Run("a match completes at once", func(t *testing.T) {
		s := newScript(t, hot).quiet(500).voice(700).match(MatchComplete)
		if e, ok := s.completion(); !ok || e.Cause != CauseSuccess {
			t.Fatalf("completion %+v %v", e, ok)
		}
	})
	t.Run("speech without a match resets the recognition timer", func(t *testing.T) {
		q := hot
		q.RecognitionTimeout = time.Second
		s := newScript(t, q)
		for range 4 {
			s.voice(700).quiet(600)
		}
		if e, ok := s.completion(); ok {
			t.Fatalf("completed with %v: the timer should restart with each segment", e.Cause)
		}
		s.syllables(6)
		if e, ok := s.completion(); !ok || e.Cause != CauseHotwordMaxtime {
			t.Fatalf("completion %+v %v, want hotword-maxtime", e, ok)
		}
	})
	t.Run("no-input-timeout", func(t *testing.T) {
		s := newScript(t, hot).quiet(5500)
		if e, ok := s.completion(); !ok || e.Cause != CauseNoInputTimeout || e.At != 5*time.Second {
			t.Fatalf("completion %+v %v", e, ok)
		}
	})
}

// A RECOGNIZE that arrives while the caller is already talking.
func TestDetectorSpeechAlreadyUnderWay(t *testing.T) {
	for _, tc := range []struct {
		mode Mode
		want EventType
	}{{ModeHotword, EventComplete}, {ModeNormal, EventStartOfInput}} {
		vad := NewVAD()
		sig := newSignal(12, 10).quiet(800).voice(300, 2000)
		runVAD(vad, sig.pcm, 160)
		if !vad.InSpeech() {
			t.Fatal("VAD not in speech")
		}
		p := DefaultParams()
		p.Mode = tc.mode
		d := NewDetector(vad, p)
		evs := d.Frame(newSignal(13, 10).voice(20, 2000).pcm, nil)
		if len(evs) == 0 || evs[0].Type != tc.want || evs[0].At != 0 {
			t.Fatalf("%v mode: events %+v, want %v at 0", tc.mode, evs, tc.want)
		}
		if tc.mode == ModeHotword && evs[0].Cause != CauseSpeechTooEarly {
			t.Fatalf("cause %v, want speech-too-early", evs[0].Cause)
		}
	}
}

// Speech that ended just before the request, while the VAD is still in its
// hangover, is not speech under way.
func TestDetectorSpeechJustEnded(t *testing.T) {
	vad := NewVAD()
	runVAD(vad, newSignal(16, 10).quiet(800).voice(300, 2000).quiet(150).pcm, 160)
	if !vad.InSpeech() {
		t.Fatal("VAD left the segment before its hangover ended")
	}
	p := DefaultParams()
	p.Mode = ModeHotword
	d := NewDetector(vad, p)
	if evs := d.Frame(newSignal(17, 10).quiet(500).pcm, nil); len(evs) != 0 {
		t.Fatalf("events %+v, want none", evs)
	}
}

func TestDetectorInputsAfterCompletion(t *testing.T) {
	s := newScript(t, DefaultParams()).quiet(5200)
	n := len(s.evs)
	s.voice(500).quiet(3000).dtmf(MatchComplete).match(MatchComplete).tick(time.Minute)
	if len(s.evs) != n || !s.d.Done() {
		t.Fatalf("events after completion: %+v", s.evs[n:])
	}
}

func TestCauseHeaderValue(t *testing.T) {
	for c, want := range map[Cause]string{
		CauseSuccess:             "000 success",
		CauseNoInputTimeout:      "002 no-input-timeout",
		CauseSpeechTooEarly:      "007 speech-too-early",
		CauseSuccessMaxtime:      "008 success-maxtime",
		CausePartialMatchMaxtime: "014 partial-match-maxtime",
		CauseNoMatchMaxtime:      "015 no-match-maxtime",
	} {
		if got := c.HeaderValue(); got != want {
			t.Errorf("%d: %q, want %q", c, got, want)
		}
	}
}

// timerlessDetector returns synthetic speech between quiet stretches and
// a detector whose timers never complete, so that every frame takes the
// full path.
func timerlessDetector(seed uint64) (*signal, *Detector) {
	p := DefaultParams()
	p.NoInputTimeout = 0
	p.RecognitionTimeout = 0
	return newSignal(seed, 10).quiet(300).voice(400, 2000).quiet(300), NewDetector(NewVAD(), p)
}

func TestDetectorFrameAllocatesNothing(t *testing.T) {
	sig, d := timerlessDetector(14)
	dst := make([]Event, 0, 8)
	i := 0
	allocs := testing.AllocsPerRun(500, func() {
		dst = d.Frame(sig.pcm[i:i+160], dst[:0])
		i = (i + 160) % (len(sig.pcm) - 160)
	})
	if allocs != 0 {
		t.Fatalf("Detector.Frame allocates %v times per frame", allocs)
	}
}

func BenchmarkDetectorFrame20ms(b *testing.B) {
	sig, d := timerlessDetector(15)
	dst := make([]Event, 0, 8)
	b.ReportAllocs()
	i := 0
	reportCPU(b, func() {
		for b.Loop() {
			dst = d.Frame(sig.pcm[i:i+160], dst[:0])
			i = (i + 160) % (len(sig.pcm) - 160)
		}
	})
}
