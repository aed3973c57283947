package loadtest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mrcpd/mrcpd/mrcp"
	"github.com/mrcpd/mrcpd/mrcp/client"
)

// methodRTP collects errors of the audio stream itself; it has no timing.
const methodRTP = "RTP"

// grammarContentID names the grammar a session defines; RECOGNIZE refers to
// it as session:<id> (RFC 6787 §9.5.1, §9.8).
const grammarContentID = "grammar1@mrcpd-loadtest"

// recognizeDefaults are the header fields the UniMRCP client library (and
// so FreeSWITCH and Asterisk) sends with RECOGNIZE; Config.Params replace
// them by name.
var recognizeDefaults = []mrcp.Field{
	{Name: mrcp.HdrCancelIfQueue, Value: "false"},
	{Name: mrcp.HdrNoInputTimeout, Value: "5000"},
	{Name: mrcp.HdrRecognitionTimeout, Value: "10000"},
	{Name: mrcp.HdrStartInputTimers, Value: "true"},
	{Name: mrcp.HdrConfidenceThreshold, Value: "0.5"},
}

// call is one simulated caller.
type call struct {
	r     *runner
	index int
	sess  *client.Session
	ch    *client.Channel
	// events is the channel's event stream, read by this call only.
	events <-chan *mrcp.Message
	cycle  int
}

// run is the whole life of one call: INVITE, recognitions at the cadence
// until the run stops, BYE.
func (c *call) run(startAt time.Time) {
	r := c.r
	if !r.waitUntil(startAt) {
		return
	}
	dctx, cancel := context.WithTimeout(r.hard, inviteTimeout)
	sess, err := client.Dial(dctx, client.Options{
		Server:    r.cfg.Server,
		LocalHost: r.cfg.LocalHost,
		SIPClient: r.sip,
		Logger:    r.log,
	})
	timedOut := errors.Is(dctx.Err(), context.DeadlineExceeded)
	cancel()
	if err != nil {
		r.rec.fail(MethodInvite, dialFailure(err, timedOut))
		return
	}
	c.sess = sess
	setup := sess.Setup()
	r.rec.observe(MethodInvite, setup.Answered.Sub(setup.InviteSent))
	r.rec.sessionStarted()
	defer c.hangUp()

	c.ch = sess.Channel(mrcp.ResourceSpeechRecog)
	if c.ch == nil {
		r.rec.fail(MethodInvite, "the server refused the speechrecog resource")
		return
	}
	c.events = c.ch.Events()
	// A phone line carries audio all the time: silence fills every gap
	// between recordings until the session closes.
	sess.Silence(r.cfg.Duration + r.cfg.Drain)

	if len(r.cfg.Grammar.Body) > 0 && !r.cfg.MediaOnly {
		if !c.defineGrammar() {
			return
		}
	}
	next := time.Now()
	for ; ; c.cycle++ {
		if !r.waitUntil(next) {
			return
		}
		begun := time.Now()
		next = begun.Add(r.cfg.RecognizeEvery)
		rec := r.recordingFor(c.index, c.cycle)
		var ok bool
		if r.cfg.MediaOnly {
			ok = c.play(rec)
		} else {
			ok = c.recognize(rec)
		}
		if !ok {
			return
		}
		if now := time.Now(); now.After(next) {
			r.rec.overrun()
			next = now
		}
	}
}

// dialFailure describes why INVITE failed, without the per-call details
// (Call-IDs, ports) that would make every failure a kind of its own.
func dialFailure(err error, timedOut bool) string {
	if code := client.SIPStatus(err); code != 0 {
		return fmt.Sprintf("SIP %d", code)
	}
	if timedOut {
		return fmt.Sprintf("no answer within %v", inviteTimeout)
	}
	return err.Error()
}

func (c *call) hangUp() {
	r := c.r
	r.rec.sessionEnded(c.sess.MediaStats().PacketsSent, time.Since(c.sess.Setup().Answered))
	select {
	case <-c.sess.Done():
		r.rec.fail(MethodBye, "the session had ended before BYE (server BYE or lost control connection)")
		c.sess.Close(context.Background())
		return
	default:
	}
	ctx, cancel := context.WithTimeout(context.Background(), byeTimeout)
	defer cancel()
	start := time.Now()
	if err := c.sess.Close(ctx); err != nil {
		if code := client.SIPStatus(err); code != 0 {
			r.rec.fail(MethodBye, fmt.Sprintf("SIP %d", code))
		} else if ctx.Err() != nil {
			r.rec.fail(MethodBye, fmt.Sprintf("no answer within %v", byeTimeout))
		} else {
			r.rec.fail(MethodBye, err.Error())
		}
		return
	}
	r.rec.observe(MethodBye, time.Since(start))
}

func (c *call) defineGrammar() bool {
	g := c.r.cfg.Grammar
	req := c.ch.NewRequest(mrcp.MethodDefineGrammar)
	req.Header.Set(mrcp.HdrContentType, g.ContentType)
	req.Header.Set(mrcp.HdrContentID, grammarContentID)
	req.Body = g.Body
	resp, ok := c.request(MethodDefineGrammar, req)
	if resp != nil && resp.StatusCode >= 300 {
		cause, _ := resp.Header.Get(mrcp.HdrCompletionCause)
		c.r.rec.fail(MethodDefineGrammar, fmt.Sprintf("answered %d %s", resp.StatusCode, strings.TrimSpace(cause)))
		return false
	}
	return ok && resp != nil
}

// request sends m and waits (bounded) for its response, timing it. The
// response is nil when none came; ok is false when the call cannot go on.
func (c *call) request(method string, m *mrcp.Message) (resp *mrcp.Message, ok bool) {
	r := c.r
	ctx, cancel := context.WithTimeout(r.hard, responseTimeout)
	defer cancel()
	sent := time.Now()
	resp, err := c.ch.Do(ctx, m)
	switch {
	case err == nil:
		r.rec.observe(method, time.Since(sent))
		return resp, true
	case r.hard.Err() != nil:
		r.rec.fail(method, "abandoned at the end of the drain")
		return nil, false
	case ctx.Err() != nil:
		r.rec.fail(method, fmt.Sprintf("no response within %v", responseTimeout))
		return nil, c.ch.Err() == nil
	default:
		r.rec.fail(method, "no response: the control channel ended")
		return nil, false
	}
}

// recognize runs one recognition: RECOGNIZE, the recording in real time,
// START-OF-INPUT and RECOGNITION-COMPLETE (or STOP when it does not come).
// It returns false when the call cannot go on.
func (c *call) recognize(rec Recording) bool {
	r := c.r
	req := c.ch.NewRequest(mrcp.MethodRecognize)
	for _, f := range recognizeDefaults {
		req.Header.Set(f.Name, f.Value)
	}
	for _, f := range r.cfg.Params {
		req.Header.Set(f.Name, f.Value)
	}
	req.Header.Set(mrcp.HdrContentType, "text/uri-list")
	if len(r.cfg.Grammar.Body) > 0 {
		req.Body = []byte("session:" + grammarContentID)
	} else {
		req.Body = []byte(r.cfg.Grammar.URI)
	}
	resp, ok := c.request(MethodRecognize, req)
	if resp == nil {
		return ok
	}
	if resp.StatusCode >= 300 || resp.State != mrcp.StateInProgress {
		if cause, found := resp.Header.Get(mrcp.HdrCompletionCause); found {
			r.rec.cause(normalCause(cause))
		}
		r.rec.fail(MethodRecognize, fmt.Sprintf("answered %d %s", resp.StatusCode, resp.State))
		return true
	}

	inProgress := time.Now()
	playCtx, stopPlay := context.WithCancel(r.hard)
	played := make(chan error, 1)
	go func() { played <- c.sess.PlayPCM(playCtx, rec.PCM, rec.Rate, true) }()
	playing := true
	finish := func() {
		stopPlay()
		if playing {
			<-played
			playing = false
		}
	}
	defer finish()

	var deadline <-chan time.Time
	sawStart := false
	for {
		select {
		case m, open := <-c.events:
			if !open {
				r.rec.fail(MethodRecognitionComplete, "the control channel ended")
				return false
			}
			if m.RequestID != req.RequestID {
				continue // an event of an earlier, stopped request
			}
			at := time.Now()
			pb := c.sess.Playback()
			ours := !pb.FirstPacket.IsZero() && !pb.FirstPacket.Before(inProgress)
			switch m.Name {
			case mrcp.EventStartOfInput:
				if ours && !sawStart {
					r.rec.observe(MethodStartOfInput, at.Sub(pb.FirstPacket))
					sawStart = true
				}
			case mrcp.EventRecognitionComplete:
				cause, _ := m.Header.Get(mrcp.HdrCompletionCause)
				r.rec.cause(normalCause(cause))
				switch {
				case !sawStart:
					r.rec.observe(MethodNoInput, at.Sub(inProgress))
				case ours && pb.Done:
					r.rec.observe(MethodRecognitionComplete, at.Sub(pb.LastPacket))
				default:
					r.rec.earlyCompletion()
				}
				return true
			}
		case err := <-played:
			playing = false
			if err != nil {
				if errors.Is(err, client.ErrClosed) || r.hard.Err() != nil {
					r.rec.fail(methodRTP, "audio stopped: the session closed")
					return false
				}
				r.rec.fail(methodRTP, err.Error())
			}
			t := time.NewTimer(r.cfg.CompleteTimeout)
			defer t.Stop()
			deadline = t.C
		case <-deadline:
			r.rec.fail(MethodRecognitionComplete, fmt.Sprintf("none within %v of the end of audio; stopped", r.cfg.CompleteTimeout))
			return c.stop()
		case <-r.hard.Done():
			r.rec.fail(MethodRecognitionComplete, "abandoned at the end of the drain")
			return false
		}
	}
}

// stop ends a recognition that did not complete (RFC 6787 §9.10: the
// server answers 200 and sends no RECOGNITION-COMPLETE for it).
func (c *call) stop() bool {
	req := c.ch.NewRequest(mrcp.MethodStop)
	resp, ok := c.request(MethodStop, req)
	if resp != nil && resp.StatusCode >= 300 {
		c.r.rec.fail(MethodStop, fmt.Sprintf("answered %d", resp.StatusCode))
	}
	return ok
}

// play streams one recording without recognising it (media-only runs).
func (c *call) play(rec Recording) bool {
	err := c.sess.PlayPCM(c.r.hard, rec.PCM, rec.Rate, true)
	switch {
	case err == nil:
		return true
	case c.r.hard.Err() != nil:
		return false
	case errors.Is(err, client.ErrClosed):
		c.r.rec.fail(methodRTP, "audio stopped: the session closed")
		return false
	default:
		c.r.rec.fail(methodRTP, err.Error())
		return true
	}
}

// normalCause renders a Completion-Cause value the same way whatever its
// spacing; an unparsable one is kept, quoted, so that it shows up.
func normalCause(v string) string {
	cc, err := mrcp.ParseCompletionCause(v)
	if err != nil {
		if len(v) > 40 {
			v = v[:40]
		}
		return fmt.Sprintf("unparsable %q", v)
	}
	return cc.String()
}
