package websocket

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	gws "github.com/gorilla/websocket"

	"github.com/mrcpd/mrcpd/asr"
	"github.com/mrcpd/mrcpd/internal/rawtcp"
)

// Errors of a stream.
var (
	// ErrOverflow fails a stream whose audio cannot be sent as fast as it
	// arrives.
	ErrOverflow = errors.New("websocket: audio buffer overflow: the engine is not keeping up")
	// ErrFinished is returned by Write after Finish.
	ErrFinished = errors.New("websocket: write after finish")
	errClosed   = errors.New("websocket: stream closed")
)

// resultsBuffer holds partials the caller has not read yet; partials beyond
// it are dropped, the final result never is.
const resultsBuffer = 16

// readBufferStart is the first size of the reader's message buffer:
// answers are small JSON, and the buffer grows for a larger one.
const readBufferStart = 512

// stream is one recognition. Write runs on the caller's (media) goroutine
// and only appends to pending under a mutex. A reader goroutine, for the
// life of the stream, turns the server's answers into Results; it has to
// be there between answers too, since the server may refuse the config
// (a bad grammar) before any audio. Audio is sent by a sender goroutine
// started when a message's worth is pending and none is running; it sends
// what there is and returns. Between two messages a stream therefore has
// one goroutine, and each message costs one goroutine start where a
// standing writer would cost one wake-up.
type stream struct {
	r          *Recognizer
	req        asr.Request
	chunkBytes int // one audio message
	limit      int // bytes pending at most before the stream overflows
	stopCtx    func() bool
	sendFn     func() // s.flush, bound once: starting it allocates nothing
	// conn is cleared by the reader once every sender has returned;
	// shutdown reads it inside stopOnce, which release passes first.
	conn *gws.Conn
	// mode: what the server agreed to. With mode.reusable the connection
	// stays open after the final result; with mode.quiet the server sends
	// partials only when they change, so only the end of audio is owed an
	// answer.
	mode connMode
	// kept: the stream ended cleanly and the reader hands the connection
	// back to the Recognizer instead of closing it (set inside stopOnce,
	// read by the reader).
	kept    bool
	endedAt time.Time // when the final result was read: the engine's idle clock starts then
	// inline: the connection writes behind (rawtcp), so audio is sent on
	// the caller's goroutine, without a goroutine start per message.
	inline bool

	mu       sync.Mutex
	pending  *audioBuf // audio not yet taken by a sender; nil once released
	spare    *audioBuf // a sent buffer kept while a backlog lasts
	sending  bool      // a sender is running
	eofSent  bool      // a sender has taken the end of audio
	ended    bool      // the reader is releasing the stream: no new sender
	finished bool
	failure  error
	closed   bool

	// Reply accounting: the server answers every message in order, so the
	// answer to the end of audio is the one numbered eofAt.
	acct     sync.Mutex
	sent     int
	replied  int
	eofAt    int
	writeErr error // a failed send; the reader drains what the server said

	stop     chan struct{} // closed when the stream fails, ends or is closed
	closedCh chan struct{} // closed by Close
	exited   chan struct{} // closed when the reader has released everything
	results  chan asr.Result

	senders   sync.WaitGroup
	stopOnce  sync.Once
	closeOnce sync.Once
}

func newStream(ctx context.Context, r *Recognizer, conn *gws.Conn, req asr.Request, mode connMode) *stream {
	chunk := int(r.opts.Chunk.Seconds()*float64(req.SampleRate)) * 2
	limit := int(r.opts.Buffer.Seconds()*float64(req.SampleRate)) * 2
	s := &stream{
		r:          r,
		req:        req,
		conn:       conn,
		mode:       mode,
		chunkBytes: chunk,
		limit:      max(limit, 2*chunk),
		stop:       make(chan struct{}),
		closedCh:   make(chan struct{}),
		exited:     make(chan struct{}),
		results:    make(chan asr.Result, resultsBuffer),
	}
	s.pending = s.newPending(nil)
	s.sendFn = s.flush
	// What the socket does not take at once waits in the connection, up to
	// the stream's bound; past it the stream overflows as it would here.
	s.inline = rawtcp.SetWriteBehind(conn.NetConn(), s.limit)
	s.stopCtx = context.AfterFunc(ctx, func() {
		s.fail(fmt.Errorf("websocket: recognition cancelled: %w", context.Cause(ctx)))
	})
	go s.readLoop()
	return s
}

// Write queues 16-bit PCM; it never blocks on the network.
func (s *stream) Write(pcm []int16) error {
	s.mu.Lock()
	switch {
	case s.failure != nil:
		err := s.failure
		s.mu.Unlock()
		return err
	case s.finished:
		s.mu.Unlock()
		return ErrFinished
	case s.pending == nil:
		// Released after the final result: nothing more can be sent.
		s.mu.Unlock()
		return errClosed
	}
	if !s.pending.appendPCM(pcm, s.limit, 2*s.chunkBytes) {
		s.mu.Unlock()
		s.fail(ErrOverflow)
		return ErrOverflow
	}
	start := len(s.pending.b) >= s.chunkBytes && s.claimSender()
	s.mu.Unlock()
	if start {
		s.startSender()
	}
	return nil
}

// startSender sends on the caller's goroutine when the connection writes
// behind (its writes never block), and on a goroutine of its own otherwise.
func (s *stream) startSender() {
	if s.inline {
		s.sendFn()
		return
	}
	go s.sendFn()
}

// claimSender reports whether the caller is to start a sender (s.mu held).
func (s *stream) claimSender() bool {
	if s.sending || s.ended {
		return false
	}
	s.sending = true
	s.senders.Add(1)
	return true
}

// Finish flushes the audio and sends the end of audio.
func (s *stream) Finish() error {
	s.mu.Lock()
	if s.failure != nil {
		err := s.failure
		s.mu.Unlock()
		return err
	}
	s.finished = true
	start := s.claimSender()
	s.mu.Unlock()
	if start {
		s.startSender()
	}
	return nil
}

// Results delivers partials (when asked for), then one final Result or one
// with Err, then is closed.
func (s *stream) Results() <-chan asr.Result { return s.results }

// Close cancels the recognition and waits for the stream's goroutines.
func (s *stream) Close() error {
	s.mu.Lock()
	s.closed = true
	if s.failure == nil {
		s.failure = errClosed
	}
	s.mu.Unlock()
	s.closeOnce.Do(func() { close(s.closedCh) })
	s.shutdown()
	<-s.exited
	return nil
}

// fail records the first failure and tears the connection down; the reader
// then reports it.
func (s *stream) fail(err error) {
	s.mu.Lock()
	if s.failure == nil {
		s.failure = err
	}
	s.mu.Unlock()
	s.shutdown()
}

func (s *stream) shutdown() {
	s.stopOnce.Do(func() {
		close(s.stop)
		s.conn.Close()
	})
}

// keep ends the stream without closing the connection, when the server
// serves more recognitions on it and nothing went wrong; it reports whether
// the connection is now the reader's to hand back. A failure or Close that
// came first has closed it already.
func (s *stream) keep() bool {
	if !s.mode.reusable {
		return false
	}
	if s.sendError() != nil {
		return false
	}
	s.stopOnce.Do(func() {
		close(s.stop)
		s.kept = true
		s.endedAt = time.Now()
	})
	return s.kept
}

// release waits for the sender, then returns the buffers and drops (or
// hands back) the connection and the context, so that a stream its caller
// still holds keeps only its Results. The reader calls it on its way out:
// stopCtx is set after the context's callback may already run, but before
// the reader starts.
func (s *stream) release() {
	s.shutdown()
	s.mu.Lock()
	s.ended = true
	s.mu.Unlock()
	s.senders.Wait()
	s.stopCtx()
	s.mu.Lock()
	s.r.audio.put(s.pending)
	s.r.audio.put(s.spare)
	s.pending, s.spare = nil, nil
	s.mu.Unlock()
	if s.kept {
		// Nothing is owed on it: the final result answered the last message.
		_ = s.conn.SetReadDeadline(time.Time{})
		s.r.idle.put(s.conn, s.mode, s.endedAt)
	}
	s.conn = nil
}

// flush is the sender: it sends every whole message pending (and, after
// Finish, the rest and the end of audio) until there is none left.
func (s *stream) flush() {
	defer s.senders.Done()
	for {
		taken, eof := s.take()
		if taken == nil && !eof {
			return
		}
		if taken != nil {
			err := s.sendAudio(taken.b)
			s.recycle(taken)
			if errors.Is(err, rawtcp.ErrBacklog) {
				s.fail(ErrOverflow)
				return
			}
			if err != nil {
				s.writeFailed(fmt.Errorf("websocket: sending audio: %w", err))
				return
			}
		}
		if eof {
			if err := s.send(opText, eofMessage, true); err != nil {
				s.writeFailed(fmt.Errorf("websocket: sending end of audio: %w", err))
			}
			return
		}
	}
}

// take hands the sender the buffer of audio to send: every whole message,
// or everything once Finish was called, with eof set the one time the end
// of audio is to follow. The rest (less than a message) moves to a buffer
// from the Recognizer's pool, the new pending: between two messages a
// stream holds one buffer, and the one being sent goes back to the pool.
// With nothing to send, the sender is done: it says so under the lock
// that Write checks.
func (s *stream) take() (taken *audioBuf, eof bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	eof = s.finished && !s.eofSent
	p := s.pending
	n := 0
	if p != nil && !s.ended {
		n = len(p.b) / s.chunkBytes * s.chunkBytes
		if eof {
			n = len(p.b)
		}
	} else {
		eof = false
	}
	if n == 0 && !eof {
		s.sending = false
		return nil, false
	}
	s.eofSent = s.eofSent || eof
	if n == 0 {
		return nil, eof
	}
	s.pending = s.newPending(p.b[n:])
	p.b = p.b[:n]
	return p, eof
}

// newPending takes the spare buffer kept through a backlog, or one from
// the pool, for rest and what follows (s.mu held). It gets room for two
// messages here, on the sender's or the caller's goroutine, so that Write
// does not grow it unless the sender falls behind, whatever the pool had
// to give.
func (s *stream) newPending(rest []byte) *audioBuf {
	ab := s.spare
	s.spare = nil
	if ab == nil {
		ab = s.r.audio.get()
	}
	if c := 2 * s.chunkBytes; cap(ab.b) < c {
		ab.b = make([]byte, 0, max(c, len(rest)))
	}
	ab.b = append(ab.b[:0], rest...)
	return ab
}

// sendAudio sends audio in messages of chunkBytes.
func (s *stream) sendAudio(audio []byte) error {
	for off := 0; off < len(audio); off += s.chunkBytes {
		if err := s.send(opBinary, audio[off:min(off+s.chunkBytes, len(audio))], false); err != nil {
			return err
		}
	}
	return nil
}

// recycle disposes of a sent buffer. A stream keeping up sends a message
// at a time and returns the buffer to the pool; one that was grown by a
// burst or a backlog that is over is let go. During a backlog (batches of
// several messages) the stream keeps it for the next batch, rather than
// grow a pooled one again every time.
func (s *stream) recycle(ab *audioBuf) {
	switch {
	case len(ab.b) > 2*s.chunkBytes:
		s.mu.Lock()
		if s.spare == nil && !s.ended {
			s.spare, ab = ab, nil
		}
		s.mu.Unlock()
		s.r.audio.put(ab)
	case cap(ab.b) <= 4*s.chunkBytes:
		s.r.audio.put(ab)
	}
}

// send writes one message. The reply clock starts when the first message
// owed an answer goes out: every message, or on a quiet connection only the
// end of audio.
func (s *stream) send(kind byte, data []byte, eof bool) error {
	s.acct.Lock()
	// On a quiet connection only the end of audio is owed an answer.
	if !s.mode.quiet || eof {
		s.sent++
		if eof {
			s.eofAt = s.sent
		}
		if s.sent-s.replied == 1 {
			_ = s.conn.SetReadDeadline(time.Now().Add(s.r.opts.ReplyTimeout))
		}
	}
	s.acct.Unlock()
	_ = s.conn.SetWriteDeadline(time.Now().Add(s.r.opts.WriteTimeout))
	buf := s.r.frames.get(maxFrameHeader + len(data))
	*buf = appendFrame((*buf)[:0], kind, data, maskKey())
	_, err := s.conn.NetConn().Write(*buf)
	s.r.frames.put(buf)
	return err
}

var eofMessage = []byte(EOFMessage)

// drainGrace is how long the reader may still read after a failed send: a
// server that rejects a request says why and closes, and the client's
// pending writes then fail before the explanation has been read.
const drainGrace = time.Second

func (s *stream) writeFailed(err error) {
	s.acct.Lock()
	if s.writeErr == nil {
		s.writeErr = err
	}
	_ = s.conn.SetReadDeadline(time.Now().Add(drainGrace))
	s.acct.Unlock()
}

// sendError is the first failed send, if any.
func (s *stream) sendError() error {
	s.acct.Lock()
	defer s.acct.Unlock()
	return s.writeErr
}

// answered counts one reply, a partial or not, and reports whether it
// answers the end of audio.
func (s *stream) answered(partial bool) bool {
	s.acct.Lock()
	defer s.acct.Unlock()
	if s.mode.quiet && partial {
		// Sent when the hypothesis changed, owed to nothing.
		return false
	}
	s.replied++
	switch {
	case s.writeErr != nil:
		// keep the drain deadline
	case s.sent > s.replied:
		_ = s.conn.SetReadDeadline(time.Now().Add(s.r.opts.ReplyTimeout))
	default:
		// Nothing owed: the caller may simply not be sending audio yet.
		_ = s.conn.SetReadDeadline(time.Time{})
	}
	return s.eofAt > 0 && s.replied >= s.eofAt
}

// readMessage reads the next message into buf's storage (grown when
// needed; the connection's read limit bounds it) and returns it.
func readMessage(conn *gws.Conn, buf []byte) (int, []byte, error) {
	kind, r, err := conn.NextReader()
	if err != nil {
		return 0, buf, err
	}
	b := buf[:0]
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return kind, b, nil
		}
		if err != nil {
			return 0, b, err
		}
	}
}

func (s *stream) readLoop() {
	defer close(s.exited)
	defer close(s.results)
	defer s.release()
	msg := make([]byte, 0, readBufferStart)
	// vosk cuts long audio into utterances and answers a cut with a result
	// before the end of audio; those segments are joined to the final one.
	var segments []asr.Alternative
	lastPartial := ""
	// partial delivers the hypothesis so far (the segments, then text) when
	// it changed: vosk repeats itself in every answer, and an unchanged
	// partial costs no allocation.
	partial := func(text []byte) {
		if !s.req.Partial {
			return
		}
		var alts []asr.Alternative
		if len(text) > 0 {
			if len(segments) == 0 && string(text) == lastPartial {
				return
			}
			alts = []asr.Alternative{{Text: string(text), Confidence: 1}}
		}
		alts = joinSegments(segments, alts)
		if len(alts) == 0 || alts[0].Text == lastPartial {
			return
		}
		lastPartial = alts[0].Text
		if s.req.OnResult != nil {
			s.req.OnResult(asr.Result{Alternatives: alts})
			return
		}
		select {
		case s.results <- asr.Result{Alternatives: alts}:
		default:
		}
	}
	for {
		kind, data, err := readMessage(s.conn, msg)
		msg = data
		if err != nil {
			s.report(s.readError(err))
			return
		}
		if kind != gws.TextMessage {
			s.report(errors.New("websocket: engine sent a binary message"))
			return
		}
		if text, ok := partialText(data); ok {
			// The common answer, read without a decoder.
			final := s.answered(true)
			text = bytes.TrimSpace(text)
			if final {
				s.deliverFinal(joinSegments(segments, []asr.Alternative{{Text: string(text), Confidence: 1}}))
				return
			}
			partial(text)
			continue
		}
		resp, rk, err := ParseResponse(data)
		if err != nil {
			s.report(err)
			return
		}
		final := s.answered(rk == KindPartial)
		switch rk {
		case KindError:
			s.report(&ServerError{Code: resp.ErrorCode, Message: resp.Error})
			return
		case KindPartial:
			text := strings.TrimSpace(*resp.Partial)
			if final {
				s.deliverFinal(joinSegments(segments, []asr.Alternative{{Text: text, Confidence: 1}}))
				return
			}
			partial([]byte(text))
		case KindResult:
			alts := resp.ToAlternatives()
			if final {
				s.deliverFinal(joinSegments(segments, alts))
				return
			}
			if len(alts) > 0 && alts[0].Text != "" {
				segments = append(segments, alts[0])
				partial(nil)
			}
		}
	}
}

// readError prefers the failure that caused the connection to close (an
// overflow, a write error, Close) to the read error it provoked.
func (s *stream) readError(err error) error {
	s.mu.Lock()
	f := s.failure
	s.mu.Unlock()
	if f != nil {
		return f
	}
	if werr := s.sendError(); werr != nil {
		return werr
	}
	var ce *gws.CloseError
	if errors.As(err, &ce) {
		return fmt.Errorf("websocket: engine closed the connection before the final result: %w", err)
	}
	if ne, ok := err.(interface{ Timeout() bool }); ok && ne.Timeout() {
		return fmt.Errorf("websocket: engine did not answer within %v: %w", s.r.opts.ReplyTimeout, err)
	}
	return fmt.Errorf("websocket: connection to engine lost: %w", err)
}

func (s *stream) report(err error) {
	s.fail(err)
	s.mu.Lock()
	closed := s.closed
	err = s.failure
	s.mu.Unlock()
	if closed {
		return
	}
	s.r.log.Debug("asr stream failed", "err", err)
	s.deliverLast(asr.Result{Final: true, Err: err})
}

// deliverLast hands over the final Result or the failure, unless the
// caller has closed the stream.
func (s *stream) deliverLast(res asr.Result) {
	if s.req.OnResult != nil {
		s.mu.Lock()
		closed := s.closed
		s.mu.Unlock()
		if !closed {
			s.req.OnResult(res)
		}
		return
	}
	select {
	case s.results <- res:
	case <-s.closedCh:
	}
}

func (s *stream) deliverFinal(alts []asr.Alternative) {
	if !s.keep() {
		// The exchange is over: close politely, then drop the connection.
		_ = s.conn.WriteControl(gws.CloseMessage, gws.FormatCloseMessage(gws.CloseNormalClosure, ""),
			time.Now().Add(s.r.opts.WriteTimeout))
		s.shutdown()
	}
	s.deliverLast(asr.Result{Final: true, Alternatives: alts})
}

// joinSegments prefixes every alternative with the earlier segments' best
// text and words; its confidence is the lowest of the parts, since the
// whole is only as sure as its weakest segment.
func joinSegments(segments, alts []asr.Alternative) []asr.Alternative {
	if len(segments) == 0 {
		return alts
	}
	var prefix asr.Alternative
	prefix.Confidence = 1
	texts := make([]string, 0, len(segments))
	for _, seg := range segments {
		texts = append(texts, seg.Text)
		prefix.Words = append(prefix.Words, seg.Words...)
		prefix.Confidence = min(prefix.Confidence, seg.Confidence)
	}
	prefix.Text = strings.Join(texts, " ")
	if len(alts) == 0 || (len(alts) == 1 && alts[0].Text == "") {
		return []asr.Alternative{prefix}
	}
	out := make([]asr.Alternative, 0, len(alts))
	for _, a := range alts {
		j := asr.Alternative{
			Text:       strings.TrimSpace(prefix.Text + " " + a.Text),
			Confidence: min(prefix.Confidence, a.Confidence),
		}
		j.Words = append(append(j.Words, prefix.Words...), a.Words...)
		out = append(out, j)
	}
	return out
}

var _ asr.Stream = (*stream)(nil)
