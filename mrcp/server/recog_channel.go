package server

import (
	"context"
	"errors"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/mrcpd/mrcpd/mrcp"
	"github.com/mrcpd/mrcpd/mrcp/resource/recog"
	"github.com/mrcpd/mrcpd/mrcp/transport"
	"github.com/mrcpd/mrcpd/rtp"
)

// controlHandler is what the control-channel transport calls.
type controlHandler = transport.Handler

// backendTimeout bounds a grammar fetch/compile or an interpretation.
const backendTimeout = 30 * time.Second

// recogChannel is a speechrecog channel. Its fields belong to the session
// goroutine except sink, which the media goroutine reads.
type recogChannel struct {
	sess    *Session
	id      mrcp.ChannelID
	log     *slog.Logger
	machine *recog.Machine

	conn   *transport.Conn // where events go: the connection that spoke last
	media  *mediaStream
	active Recognition // the recognition in progress, if any
	actID  uint32

	// sink is what the media goroutine feeds: the active recognition.
	sink atomic.Pointer[sinkRef]
	// Media goroutine only: keys pressed while no recognition runs, and
	// the last recognition they were offered to.
	typeAhead [typeAheadSize]typedKey
	typed     int
	fed       *sinkRef

	// pending times requests from arrival to response and completion.
	pending map[uint32]pendingRequest
	// interpreting holds the cancel functions of interpretations running;
	// stopped ones answer EngineStopped instead of their result.
	interpreting map[uint32]*interpretation
	// starting cancels the recognition being prepared off the session
	// goroutine, if any.
	starting context.CancelFunc
	closed   bool
}

// sinkRef is the recognition the media goroutine feeds, with how it takes
// the keys typed ahead before it started (RFC 6787 §9.4.31, §9.4.32).
type sinkRef struct {
	rec        Recognition
	bufferTime time.Duration // DTMF-Buffer-Time; 0 takes none
	clear      bool          // Clear-DTMF-Buffer
}

// typeAheadSize bounds the keys kept while no recognition runs.
const typeAheadSize = 32

type typedKey struct {
	key byte
	at  time.Time
}

type pendingRequest struct {
	method string
	at     time.Time
}

type interpretation struct {
	cancel  context.CancelFunc
	stopped bool
}

func newRecogChannel(s *Session, id mrcp.ChannelID) (*recogChannel, error) {
	m, err := recog.New(recog.Config{})
	if err != nil {
		return nil, err
	}
	return &recogChannel{
		sess:         s,
		id:           id,
		log:          s.log.With("channel", id.String()),
		machine:      m,
		pending:      map[uint32]pendingRequest{},
		interpreting: map[uint32]*interpretation{},
	}, nil
}

func (rc *recogChannel) ID() mrcp.ChannelID { return rc.id }

func (rc *recogChannel) connected() bool { return rc.conn != nil }

func (rc *recogChannel) attach(ms *mediaStream) {
	if rc.media == ms {
		return
	}
	if rc.media != nil {
		rc.media.stream.SetSink(nil)
	}
	rc.media = ms
	if ms != nil {
		ms.stream.SetSink(rc)
	}
}

// HandleMessage implements transport.Handler (connection reader goroutine).
func (rc *recogChannel) HandleMessage(conn *transport.Conn, m *mrcp.Message) {
	at := time.Now()
	rc.sess.touch()
	if !rc.sess.post(func() { rc.onMessage(conn, m, at) }) {
		// The session ended between routing and now.
		resp := mrcp.NewResponse(m, mrcp.StatusResourceNotAllocated, mrcp.StateComplete)
		conn.Send(resp)
	}
}

// ConnectionClosed implements transport.Handler. Events can no longer reach
// the client, so whatever is in progress stops; the session itself ends with
// BYE or, if the client vanished, through the idle sweeper.
func (rc *recogChannel) ConnectionClosed(conn *transport.Conn) {
	rc.sess.post(func() {
		if rc.conn != conn {
			return
		}
		rc.conn = nil
		rc.log.Info("control connection closed")
		if rc.active != nil {
			rc.active.Stop()
		}
	})
}

func (rc *recogChannel) onMessage(conn *transport.Conn, m *mrcp.Message, at time.Time) {
	if rc.closed {
		return
	}
	rc.conn = conn
	if m.Kind != mrcp.KindRequest {
		rc.log.Warn("ignoring a non-request from the client", "kind", m.Kind.String(), "name", m.Name, "request_id", m.RequestID)
		return
	}
	rc.pending[m.RequestID] = pendingRequest{method: m.Name, at: at}
	rc.log.Debug("request", "method", m.Name, "request_id", m.RequestID)
	rc.execute(rc.machine.Request(m))
}

// onEngine feeds an engine event to the machine (session goroutine).
func (rc *recogChannel) onEngine(ev recog.EngineEvent) {
	if rc.closed {
		return
	}
	switch e := ev.(type) {
	case recog.RecognitionComplete:
		rc.finished(e.RequestID)
	case recog.EngineStopped:
		rc.finished(e.RequestID)
	}
	rc.execute(rc.machine.Input(ev))
}

// finished forgets the recognition with this request-id: the media goroutine
// stops feeding it at its next frame.
func (rc *recogChannel) finished(id uint32) {
	if rc.active != nil && rc.actID == id {
		rc.sink.Store(nil)
		rc.active = nil
	}
}

// report is handed to a recognition; it may run on any goroutine.
func (rc *recogChannel) report(ev recog.EngineEvent) {
	rc.sess.tryPost(func() { rc.onEngine(ev) })
}

// execute carries out the machine's actions in order. Engine answers that
// come back synchronously are fed to the machine and their actions run after
// the ones already queued, preserving order.
func (rc *recogChannel) execute(acts []recog.Action) {
	for len(acts) > 0 {
		a := acts[0]
		acts = acts[1:]
		switch a := a.(type) {
		case recog.SendResponse:
			rc.send(a.Message)
		case recog.SendEvent:
			rc.send(a.Message)
		case recog.StartRecognition:
			if ev := rc.startRecognition(a); ev != nil {
				acts = append(acts, rc.machine.Input(ev)...)
			}
		case recog.StartInputTimers:
			if rc.active != nil && rc.actID == a.RequestID {
				rc.active.StartInputTimers()
			}
		case recog.StopRecognition:
			if rc.active != nil && rc.actID == a.RequestID {
				rc.active.Stop()
			} else {
				// Already finished: nothing is processing audio for it.
				acts = append(acts, rc.machine.Input(recog.EngineStopped{RequestID: a.RequestID})...)
			}
		case recog.LoadGrammars:
			rc.loadGrammars(a)
		case recog.Interpret:
			rc.interpret(a)
		case recog.StopInterpretation:
			if it, ok := rc.interpreting[a.RequestID]; ok {
				it.stopped = true
				it.cancel()
			} else {
				acts = append(acts, rc.machine.Input(recog.EngineStopped{RequestID: a.RequestID})...)
			}
		case recog.Drop:
			rc.log.Debug("engine event dropped", "reason", a.Reason)
		}
	}
}

// startRecognition prepares the recognition off the session goroutine
// (grammars may have to be fetched) and reports RecognitionStarted when it is
// ready or has failed. A failure known at once is returned instead.
func (rc *recogChannel) startRecognition(a recog.StartRecognition) recog.EngineEvent {
	if rc.media == nil {
		return recog.RecognitionStarted{RequestID: a.RequestID, Cause: mrcp.CauseRecognizerError,
			Reason: "no audio stream is attached to this channel"}
	}
	req := RecognitionRequest{
		Channel:         rc.id,
		RequestID:       a.RequestID,
		Params:          a.Params,
		Grammars:        a.Grammars,
		InputTimers:     a.InputTimers,
		SampleRate:      rc.media.stream.SampleRate(),
		TelephoneEvents: rc.media.telephoneEvents(),
	}
	id := a.RequestID
	req.Intermediate = func(contentType string, body []byte) {
		rc.sess.tryPost(func() { rc.intermediate(id, contentType, body) })
	}
	speech := rc.sess.srv.opts.Speech
	m := rc.sess.srv.metrics
	ctx, cancel := context.WithTimeout(context.Background(), backendTimeout)
	rc.starting = cancel
	go func() {
		defer cancel()
		start := time.Now()
		rec, err := speech.Recognize(ctx, req, rc.report)
		m.backend.Observe("speech", "recognize_start", time.Since(start), err)
		if !rc.sess.post(func() { rc.started(a, rec, err) }) && rec != nil {
			// The session is gone; nothing will feed or stop it.
			rec.Stop()
		}
	}()
	return nil
}

// started takes the prepared recognition (session goroutine): from now on
// the media goroutine feeds it, and its events follow RecognitionStarted.
func (rc *recogChannel) started(a recog.StartRecognition, rec Recognition, err error) {
	rc.starting = nil
	if rc.closed {
		if rec != nil {
			rec.Stop()
		}
		return
	}
	if err != nil {
		cause, reason := causeOf(err, mrcp.CauseRecognizerError)
		rc.log.Info("recognition not started", "request_id", a.RequestID, "cause", cause.String(), "reason", reason)
		rc.onEngine(recog.RecognitionStarted{RequestID: a.RequestID, Cause: cause, Reason: reason})
		return
	}
	rc.active, rc.actID = rec, a.RequestID
	ref := &sinkRef{rec: rec}
	if ms, ok, _ := a.Params.Int(mrcp.HdrDTMFBufferTime); ok && ms > 0 {
		ref.bufferTime = time.Duration(ms) * time.Millisecond
	}
	ref.clear, _, _ = a.Params.Bool(mrcp.HdrClearDTMFBuffer)
	rc.sink.Store(ref)
	rc.onEngine(recog.RecognitionStarted{RequestID: a.RequestID, Cause: mrcp.CauseSuccess})
	if rc.conn == nil && rc.active == rec {
		// The control connection closed while the grammars compiled.
		rec.Stop()
	}
}

func (rc *recogChannel) loadGrammars(a recog.LoadGrammars) {
	speech := rc.sess.srv.opts.Speech
	m := rc.sess.srv.metrics
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), backendTimeout)
		defer cancel()
		start := time.Now()
		ev := speech.LoadGrammars(ctx, LoadRequest{Channel: rc.id, RequestID: a.RequestID, Params: a.Params, Grammars: a.Grammars})
		var err error
		if ev.Cause.Code != mrcp.CauseSuccess.Code {
			err = errors.New(ev.Reason)
		}
		m.backend.Observe("speech", "load_grammars", time.Since(start), err)
		ev.RequestID = a.RequestID
		rc.sess.post(func() { rc.onEngine(ev) })
	}()
}

func (rc *recogChannel) interpret(a recog.Interpret) {
	speech := rc.sess.srv.opts.Speech
	m := rc.sess.srv.metrics
	ctx, cancel := context.WithTimeout(context.Background(), backendTimeout)
	it := &interpretation{cancel: cancel}
	rc.interpreting[a.RequestID] = it
	go func() {
		defer cancel()
		start := time.Now()
		ev := speech.Interpret(ctx, InterpretRequest{Channel: rc.id, RequestID: a.RequestID, Text: a.Text, Params: a.Params, Grammars: a.Grammars})
		m.backend.Observe("speech", "interpret", time.Since(start), nil)
		ev.RequestID = a.RequestID
		rc.sess.post(func() {
			delete(rc.interpreting, a.RequestID)
			if it.stopped {
				rc.onEngine(recog.EngineStopped{RequestID: a.RequestID})
				return
			}
			rc.onEngine(ev)
		})
	}()
}

// intermediate sends a partial result while its recognition is still the
// one in progress (a vendor event: clients opt in, docs/results.md).
func (rc *recogChannel) intermediate(id uint32, contentType string, body []byte) {
	if rc.closed || rc.active == nil || rc.actID != id {
		return
	}
	ev := mrcp.NewEvent(mrcp.EventIntermediateResult, id, mrcp.StateInProgress, rc.id)
	ev.Header.Set(mrcp.HdrContentType, contentType)
	ev.Body = body
	rc.send(ev)
}

// send writes a response or event and records its timing.
func (rc *recogChannel) send(m *mrcp.Message) {
	metrics := rc.sess.srv.metrics
	p, known := rc.pending[m.RequestID]
	switch m.Kind {
	case mrcp.KindResponse:
		if known {
			metrics.observeResponse(rc.id.Resource, p.method, m.StatusCode, p.at)
		}
		if m.State == mrcp.StateComplete {
			delete(rc.pending, m.RequestID)
		}
	case mrcp.KindEvent:
		cause := ""
		if v, ok := m.Header.Get(mrcp.HdrCompletionCause); ok {
			cause = v
		}
		metrics.events.WithLabelValues(rc.id.Resource, m.Name, cause).Inc()
		if m.State == mrcp.StateComplete {
			if known {
				metrics.completionTime.WithLabelValues(rc.id.Resource, p.method, cause).Observe(time.Since(p.at).Seconds())
			}
			delete(rc.pending, m.RequestID)
		}
	}
	if rc.conn == nil {
		rc.log.Warn("no control connection: message not delivered", "kind", m.Kind.String(), "name", m.Name, "request_id", m.RequestID)
		return
	}
	if err := rc.conn.Send(m); err != nil {
		rc.log.Warn("send failed", "err", err, "request_id", m.RequestID)
	}
}

// close ends the channel: the recognition stops, the channel leaves the
// control registry and the media stream.
func (rc *recogChannel) close(reason string) {
	if rc.closed {
		return
	}
	rc.closed = true
	rc.sink.Store(nil)
	if rc.starting != nil {
		rc.starting()
		rc.starting = nil
	}
	if rc.active != nil {
		rc.active.Stop()
		rc.active = nil
	}
	for _, it := range rc.interpreting {
		it.cancel()
	}
	rc.attach(nil)
	rc.sess.srv.ctl.Unregister(rc.id)
	rc.log.Debug("channel closed", "reason", reason)
}

// rtp.Sink, on the media goroutine: hand everything to the recognition.

func (rc *recogChannel) OnAudio(pcm []int16) {
	if r := rc.current(); r != nil {
		r.rec.OnAudio(pcm)
	}
}

func (rc *recogChannel) OnDTMF(ev rtp.DTMFEvent) {
	if r := rc.current(); r != nil {
		r.rec.OnDTMF(ev)
		return
	}
	// No recognition: the type-ahead buffer keeps the press (RFC 6787
	// §9.4.31), the oldest giving way when it is full.
	if !ev.End {
		return
	}
	if rc.typed == typeAheadSize {
		copy(rc.typeAhead[:], rc.typeAhead[1:])
		rc.typed--
	}
	rc.typeAhead[rc.typed] = typedKey{key: ev.Digit, at: time.Now()}
	rc.typed++
}

func (rc *recogChannel) OnTick(now time.Time) {
	if r := rc.current(); r != nil {
		r.rec.OnTick(now)
	}
}

// current returns the recognition to feed; a recognition seen for the first
// time is first given the keys typed ahead within its DTMF-Buffer-Time,
// unless it asked for the buffer to be cleared. Either way the buffer
// empties.
func (rc *recogChannel) current() *sinkRef {
	r := rc.sink.Load()
	if r == nil || r == rc.fed {
		return r
	}
	rc.fed = r
	if !r.clear && r.bufferTime > 0 {
		cutoff := time.Now().Add(-r.bufferTime)
		for _, k := range rc.typeAhead[:rc.typed] {
			if k.at.After(cutoff) {
				r.rec.OnDTMF(rtp.DTMFEvent{Digit: k.key, Begin: true, End: true})
			}
		}
	}
	rc.typed = 0
	return r
}
