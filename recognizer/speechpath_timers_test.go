package recognizer_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mrcpd/mrcpd/mrcp"
	"github.com/mrcpd/mrcpd/mrcp/server/servertest"
	"github.com/mrcpd/mrcpd/nlsml"
)

// The input timers of RFC 6787 §9.4 and §9.9 on a live stream.
func speechTimers(t *testing.T, srv *servertest.Server) {
	// §9.4.6: no speech within No-Input-Timeout ends with 002 and an
	// NLSML <noinput/> result.
	t.Run("no-input", func(t *testing.T) {
		t.Parallel()
		call := dialSpeech(t, srv)
		call.s.Silence(callTimeout)
		t.Cleanup(func() { call.s.Silence(0) })
		sent := time.Now()
		call.recognize("text/uri-list", "builtin:grammar/boolean", mrcp.HdrNoInputTimeout, "700")
		done := call.wait(mrcp.EventRecognitionComplete, 5*time.Second)
		took := time.Since(sent)
		expectCause(t, done, 2)
		res := nlsmlResult(t, done, nlsml.ContentType)
		if !res.Interpretations[0].Input.NoInput {
			t.Fatalf("result is not <noinput/>:\n%s", done.Body)
		}
		if took < 650*time.Millisecond {
			t.Fatalf("no-input-timeout after %v, before the 700 ms asked", took)
		}
	})

	// §9.4.14, §9.13: with Start-Input-Timers: false the no-input timer
	// waits for START-INPUT-TIMERS (a prompt still playing), then runs.
	t.Run("start-input-timers", func(t *testing.T) {
		t.Parallel()
		call := dialSpeech(t, srv)
		call.s.Silence(callTimeout)
		t.Cleanup(func() { call.s.Silence(0) })
		call.recognize("text/uri-list", "builtin:grammar/boolean",
			mrcp.HdrNoInputTimeout, "500", mrcp.HdrStartInputTimers, "false")
		// Three times the timeout of silence: nothing may complete.
		ctx, cancel := context.WithTimeout(call.ctx, 1500*time.Millisecond)
		m, err := call.ch.WaitEvent(ctx, mrcp.EventRecognitionComplete)
		cancel()
		if err == nil {
			t.Fatalf("completed before START-INPUT-TIMERS:\n%s", m.Marshal())
		}
		started := time.Now()
		expectResponse(t, call.do(call.request(mrcp.MethodStartInputTimers)), 200, mrcp.StateComplete)
		done := call.wait(mrcp.EventRecognitionComplete, 5*time.Second)
		took := time.Since(started)
		expectCause(t, done, 2)
		if took < 450*time.Millisecond {
			t.Fatalf("no-input-timeout %v after START-INPUT-TIMERS, before the 500 ms asked", took)
		}
	})

	// §9.4.7: speech that lasts past Recognition-Timeout is cut there. The
	// digits heard so far are a full match of the digits grammar, so the
	// cause is 008 success-maxtime with the result so far (§9.4.11).
	t.Run("recognition-timeout", func(t *testing.T) {
		t.Parallel()
		call := dialSpeech(t, srv)
		audio := speech(t, "one two three four five six seven eight nine", 300*time.Millisecond, 0)
		call.recognize("text/uri-list", "builtin:grammar/digits",
			mrcp.HdrRecognitionTimeout, "1200")
		played := call.playAsync(audio)
		done := call.wait(mrcp.EventRecognitionComplete, 10*time.Second)
		select {
		case err := <-played:
			t.Fatalf("the recognition outlasted the %v of audio (%v)", dur8k(len(audio)), err)
		default:
		}
		expectCause(t, done, 8)
		in := nlsmlResult(t, done, nlsml.ContentType).Interpretations[0]
		inst := in.Instance.String()
		if inst == "" || strings.Trim(inst, "0123456789") != "" || len(inst) >= 9 {
			t.Fatalf("instance %q: want the first few digits\n%s", inst, done.Body)
		}
	})

	// §9.4.7 with a grammar the speech so far only begins: the timeout
	// comes before a full match, so 014 partial-match-maxtime.
	t.Run("recognition-timeout-partial", func(t *testing.T) {
		t.Parallel()
		call := dialSpeech(t, srv)
		audio := speech(t, "one two three four five six seven eight nine", 300*time.Millisecond, 0)
		call.recognize("application/srgs+xml", countingGrammar,
			mrcp.HdrRecognitionTimeout, "1200")
		played := call.playAsync(audio)
		done := call.wait(mrcp.EventRecognitionComplete, 10*time.Second)
		select {
		case err := <-played:
			t.Fatalf("the recognition outlasted the %v of audio (%v)", dur8k(len(audio)), err)
		default:
		}
		expectCause(t, done, 14)
		in := nlsmlResult(t, done, nlsml.ContentType).Interpretations[0]
		if !in.Input.NoMatch || !strings.HasPrefix("one two three four five six seven eight nine", in.Input.Text) {
			t.Fatalf("input %+v: want the beginning of the count as <nomatch>\n%s", in.Input, done.Body)
		}
	})

	// §9.4.16: speech that stops part way through the only phrase of the
	// grammar ends after Speech-Incomplete-Timeout with 013 partial-match.
	t.Run("speech-incomplete-timeout", func(t *testing.T) {
		t.Parallel()
		call := dialSpeech(t, srv)
		call.recognize("application/srgs+xml", countingGrammar,
			mrcp.HdrSpeechIncompleteTimeout, "600")
		call.play(speech(t, "one two three", 300*time.Millisecond, 0))
		done := call.wait(mrcp.EventRecognitionComplete, 10*time.Second)
		expectCause(t, done, 13)
		if in := nlsmlResult(t, done, nlsml.ContentType).Interpretations[0]; !in.Input.NoMatch {
			t.Fatalf("input %+v: want <nomatch>\n%s", in.Input, done.Body)
		}
	})

	// §9.11, §6.2.3: STOP ends the recognition in progress; its response
	// names it in Active-Request-Id-List and no RECOGNITION-COMPLETE follows.
	t.Run("stop", func(t *testing.T) {
		t.Parallel()
		call := dialSpeech(t, srv)
		rec := call.recognize("text/uri-list", "builtin:grammar/digits")
		call.playAsync(speech(t, "one two three four five six seven eight nine", 300*time.Millisecond, 0))
		call.wait(mrcp.EventStartOfInput, 5*time.Second)
		resp := call.do(call.request(mrcp.MethodStop))
		expectResponse(t, resp, 200, mrcp.StateComplete)
		if ids, _ := resp.Header.Get(mrcp.HdrActiveRequestIDList); strings.TrimSpace(ids) != strconv.FormatUint(uint64(rec.RequestID), 10) {
			t.Fatalf("Active-Request-Id-List %q, want %d\n%s", ids, rec.RequestID, resp.Marshal())
		}
		// The speech goes on for seconds and would have completed the
		// recognition meanwhile.
		ctx, cancel := context.WithTimeout(call.ctx, 3*time.Second)
		defer cancel()
		if m, err := call.ch.WaitEvent(ctx, mrcp.EventRecognitionComplete); err == nil {
			t.Fatalf("RECOGNITION-COMPLETE after STOP:\n%s", m.Marshal())
		}
		// The channel is idle again: a second STOP stops nothing.
		resp = call.do(call.request(mrcp.MethodStop))
		expectResponse(t, resp, 200, mrcp.StateComplete)
		if ids, ok := resp.Header.Get(mrcp.HdrActiveRequestIDList); ok {
			t.Fatalf("second STOP stopped %q", ids)
		}
	})

	// §9.4.15: the silence after a complete match that ends the input. Two
	// callers say the same thing with a short and a long timeout; the long
	// one's result comes about the difference later, measured from when
	// the last packet of speech left. Speech-Incomplete-Timeout is the same
	// for both, so a timer mix-up would show as no difference.
	t.Run("speech-complete-timeout", func(t *testing.T) {
		t.Parallel()
		audio := speech(t, "yes", 300*time.Millisecond, 0)
		_, offset := speechBounds(audio)
		timeouts := []string{"200", "1600"}
		calls := make([]*speechCall, len(timeouts))
		arrivals := make([]<-chan timedEvent, len(timeouts))
		played := make([]<-chan error, len(timeouts))
		for i, timeout := range timeouts {
			calls[i] = dialSpeech(t, srv)
			arrivals[i] = calls[i].timedEvents()
			calls[i].recognize("application/srgs+xml", yesNoGrammar,
				mrcp.HdrSpeechCompleteTimeout, timeout, mrcp.HdrSpeechIncompleteTimeout, "1000")
		}
		for i, call := range calls {
			played[i] = call.playAsync(audio)
		}
		waits := make([]time.Duration, len(timeouts))
		for i, call := range calls {
			if err := <-played[i]; err != nil {
				t.Fatal(err)
			}
			ev := call.nextTimed(arrivals[i], mrcp.EventRecognitionComplete, 10*time.Second)
			expectCause(t, ev.m, 0)
			waits[i] = ev.at.Sub(call.s.Playback().FirstPacket.Add(dur8k(offset)))
		}
		short, long := waits[0], waits[1]
		t.Logf("end of speech to RECOGNITION-COMPLETE: %v with 200 ms, %v with 1600 ms", short, long)
		if d := long - short; d < 900*time.Millisecond || d > 2400*time.Millisecond {
			t.Fatalf("the 1600 ms timeout completed %v after the 200 ms one, want about 1.4 s", d)
		}
	})
}

// countingGrammar is one long phrase: its beginning is only a partial match.
const countingGrammar = `<?xml version="1.0"?>
<grammar xmlns="http://www.w3.org/2001/06/grammar" xml:lang="en-US" version="1.0" mode="voice" root="count">
  <rule id="count" scope="public">one two three four five six seven eight nine ten</rule>
</grammar>
`

const yesNoGrammar = `<?xml version="1.0"?>
<grammar xmlns="http://www.w3.org/2001/06/grammar" xml:lang="en-US" version="1.0" mode="voice" root="answer">
  <rule id="answer" scope="public">
    <one-of>
      <item>yes</item>
      <item>no</item>
    </one-of>
  </rule>
</grammar>
`
