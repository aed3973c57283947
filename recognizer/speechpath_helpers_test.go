package recognizer_test

import (
	"context"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mrcpd/mrcpd/engine/speechtest"
	"github.com/mrcpd/mrcpd/mrcp"
	"github.com/mrcpd/mrcpd/mrcp/client"
	"github.com/mrcpd/mrcpd/mrcp/server/servertest"
	"github.com/mrcpd/mrcpd/nlsml"
)

// TestSpeechPath runs the end-to-end scenarios of the speech path: real
// servers on loopback, real audio over RTP, one built-in engine shared by
// all. Each group has a server of its own on 20 RTP ports of 23600-23859
// (nlu_e2e_test.go uses 23900-23929) and runs beside the others; the
// scenarios inside a group run in parallel too, since each streams audio
// in real time and mostly waits.
func TestSpeechPath(t *testing.T) {
	engine := servertest.StartEngine(t, 0)
	groups := []struct {
		name string
		run  func(*testing.T, *servertest.Server)
		opts servertest.Options
	}{
		{"results", speechResults, servertest.Options{}},
		{"legacy-result-type", speechResultLegacyType, servertest.Options{ResultType: nlsml.LegacyContentType}},
		{"timers", speechTimers, servertest.Options{}},
		{"dtmf-events", dtmfEvents, servertest.Options{}},
		{"dtmf-inband", dtmfInbandTones, servertest.Options{}},
		{"start-of-input", startOfInputFollowsOnset, servertest.Options{}},
		{"grammar-failures", grammarFailures, servertest.Options{}},
		{"grammar-checks", grammarChecks, servertest.Options{}},
	}
	for i, g := range groups {
		t.Run(g.name, func(t *testing.T) {
			t.Parallel()
			g.opts.EngineURL = engine
			g.opts.RTPMin = speechPortBase + 20*i
			g.opts.RTPMax = g.opts.RTPMin + 19
			g.run(t, servertest.Start(t, g.opts))
		})
	}
}

const speechPortBase = 23600

// callTimeout bounds every wait of a call: the longest scenario streams
// about 5 s of audio.
const callTimeout = 30 * time.Second

// speechCall is one client session with its speechrecog channel.
type speechCall struct {
	t   *testing.T
	s   *client.Session
	ch  *client.Channel
	ctx context.Context
}

// waitContext bounds the waits of a test.
func waitContext(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

func dialSpeech(t *testing.T, srv *servertest.Server) *speechCall {
	t.Helper()
	ctx := waitContext(t, callTimeout)
	s, err := client.Dial(ctx, client.Options{Server: srv.SIPUDPAddr()})
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		s.Close(ctx)
	})
	ch := s.Channel(mrcp.ResourceSpeechRecog)
	if ch == nil {
		t.Fatal("no speechrecog channel")
	}
	return &speechCall{t: t, s: s, ch: ch, ctx: ctx}
}

// request builds a request with header fields given as name, value pairs.
func (c *speechCall) request(method string, fields ...string) *mrcp.Message {
	m := c.ch.NewRequest(method)
	for i := 0; i+1 < len(fields); i += 2 {
		m.Header.Set(fields[i], fields[i+1])
	}
	return m
}

func (c *speechCall) do(m *mrcp.Message) *mrcp.Message {
	c.t.Helper()
	resp, err := c.ch.Do(c.ctx, m)
	if err != nil {
		c.t.Fatalf("%s: %v", m.Name, err)
	}
	return resp
}

// lenientThreshold is the Confidence-Threshold of the tests unless they
// set one. The built-in engine's confidence is an uncalibrated proxy
// (docs/engine.md) that scores espeak-ng's words anywhere from 0.4 to 0.9
// from one run to the next; the tests check the path and the semantics,
// not the engine's scores.
const lenientThreshold = "0.1"

// recognize sends RECOGNIZE with the grammar body and fields and expects
// 200 IN-PROGRESS.
func (c *speechCall) recognize(contentType, body string, fields ...string) *mrcp.Message {
	c.t.Helper()
	m := c.recognizeRequest(contentType, body, append([]string{mrcp.HdrConfidenceThreshold, lenientThreshold}, fields...)...)
	expectResponse(c.t, c.do(m), 200, mrcp.StateInProgress)
	return m
}

// recognizeFails sends a RECOGNIZE like recognize and expects it refused
// with 407 (RFC 6787 §9.9); it returns the response.
func (c *speechCall) recognizeFails(contentType, body string, fields ...string) *mrcp.Message {
	c.t.Helper()
	resp := c.do(c.recognizeRequest(contentType, body, fields...))
	expectResponse(c.t, resp, 407, mrcp.StateComplete)
	return resp
}

// recognizeRequest builds a RECOGNIZE with the grammar given inline (with a
// Content-ID) or as a text/uri-list.
func (c *speechCall) recognizeRequest(contentType, body string, fields ...string) *mrcp.Message {
	m := c.request(mrcp.MethodRecognize, append([]string{mrcp.HdrCancelIfQueue, "false"}, fields...)...)
	m.Header.Set(mrcp.HdrContentType, contentType)
	if contentType != "text/uri-list" {
		m.Header.Set(mrcp.HdrContentID, "grammar"+strconv.Itoa(int(m.RequestID))+"@speechpath.test")
	}
	m.Body = []byte(body)
	return m
}

// wait returns the next event of that name within d.
func (c *speechCall) wait(name string, d time.Duration) *mrcp.Message {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(c.ctx, d)
	defer cancel()
	m, err := c.ch.WaitEvent(ctx, name)
	if err != nil {
		c.t.Fatalf("%v", err)
	}
	return m
}

// play streams pcm (8 kHz) in real time and keeps silence flowing after it,
// as a telephone line does, until the test ends.
func (c *speechCall) play(pcm []int16) {
	c.t.Helper()
	if err := c.s.PlayPCM(c.ctx, pcm, 8000, true); err != nil {
		c.t.Fatalf("PlayPCM: %v", err)
	}
	c.s.Silence(callTimeout)
	c.t.Cleanup(func() { c.s.Silence(0) })
}

// playAsync streams pcm in real time on another goroutine; the returned
// channel gives PlayPCM's error once the last packet left.
func (c *speechCall) playAsync(pcm []int16) <-chan error {
	done := make(chan error, 1)
	go func() {
		err := c.s.PlayPCM(c.ctx, pcm, 8000, true)
		c.s.Silence(callTimeout)
		done <- err
	}()
	c.t.Cleanup(func() { c.s.Silence(0) })
	return done
}

func expectResponse(t *testing.T, resp *mrcp.Message, code int, state mrcp.RequestState) {
	t.Helper()
	if resp.StatusCode != code || resp.State != state {
		t.Fatalf("response %d %s, want %d %s\n%s", resp.StatusCode, resp.State, code, state, resp.Marshal())
	}
}

// completionCause returns the Completion-Cause code of a completion.
func completionCause(t *testing.T, m *mrcp.Message) int {
	t.Helper()
	v, ok := m.Header.Get(mrcp.HdrCompletionCause)
	if !ok {
		t.Fatalf("no Completion-Cause in\n%s", m.Marshal())
	}
	code, err := strconv.Atoi(strings.Fields(v)[0])
	if err != nil {
		t.Fatalf("Completion-Cause %q: %v", v, err)
	}
	return code
}

func expectCause(t *testing.T, m *mrcp.Message, want ...int) int {
	t.Helper()
	got := completionCause(t, m)
	for _, w := range want {
		if got == w {
			return got
		}
	}
	t.Fatalf("Completion-Cause %03d, want one of %v\n%s", got, want, m.Marshal())
	return got
}

// nlsmlResult parses the NLSML body of a completion and checks its type.
func nlsmlResult(t *testing.T, m *mrcp.Message, contentType string) *nlsml.Result {
	t.Helper()
	ct, _ := m.Header.Get(mrcp.HdrContentType)
	if strings.TrimSpace(ct) != contentType {
		t.Fatalf("Content-Type %q, want %s\n%s", ct, contentType, m.Marshal())
	}
	res, err := nlsml.Parse(m.Body)
	if err != nil {
		t.Fatalf("NLSML: %v\n%s", err, m.Body)
	}
	if len(res.Interpretations) == 0 {
		t.Fatalf("no interpretation in\n%s", m.Body)
	}
	return res
}

// speech synthesises text at 8 kHz with lead silence before it and trail
// after it.
func speech(t *testing.T, text string, lead, trail time.Duration) []int16 {
	t.Helper()
	pcm := speechtest.Synthesize(t, text, 8000)
	out := make([]int16, at8k(lead), at8k(lead)+len(pcm)+at8k(trail))
	out = append(out, pcm...)
	return append(out, make([]int16, at8k(trail))...)
}

func at8k(d time.Duration) int { return int(d * 8000 / time.Second) }

func dur8k(n int) time.Duration { return time.Duration(n) * time.Second / 8000 }

// speechBounds finds where speech starts and ends in pcm by energy: the
// first and last 5 ms frame within 30 dB of the loudest one.
func speechBounds(pcm []int16) (onset, offset int) {
	const frame = 40
	n := len(pcm) / frame
	energy := make([]float64, n)
	peak := 0.0
	for i := range energy {
		var e float64
		for _, s := range pcm[i*frame : (i+1)*frame] {
			e += float64(s) * float64(s)
		}
		energy[i] = e / frame
		peak = math.Max(peak, energy[i])
	}
	floor := peak / 1000
	onset, offset = -1, -1
	for i, e := range energy {
		if e >= floor {
			if onset < 0 {
				onset = i * frame
			}
			offset = (i + 1) * frame
		}
	}
	return onset, offset
}

// timedEvent is an event with the instant it reached the client.
type timedEvent struct {
	m  *mrcp.Message
	at time.Time
}

// timedEvents stamps every event of the call as it arrives.
func (c *speechCall) timedEvents() <-chan timedEvent {
	out := make(chan timedEvent, 64)
	events := c.ch.Events()
	go func() {
		defer close(out)
		for m := range events {
			select {
			case out <- timedEvent{m: m, at: time.Now()}:
			default: // a test reads a handful; never block the session
			}
		}
	}()
	return out
}

// nextTimed skips to the next event of that name within d.
func (c *speechCall) nextTimed(events <-chan timedEvent, name string, d time.Duration) timedEvent {
	c.t.Helper()
	timer := time.NewTimer(d)
	defer timer.Stop()
	for {
		select {
		case ev, ok := <-events:
			if !ok {
				c.t.Fatalf("session ended while waiting for %s", name)
			}
			if ev.m.Name == name {
				return ev
			}
		case <-timer.C:
			c.t.Fatalf("no %s within %v", name, d)
		}
	}
}
