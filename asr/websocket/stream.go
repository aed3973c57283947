package websocket

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	gws "github.com/gorilla/websocket"

	"github.com/mrcpd/mrcpd/asr"
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

// stream is one recognition. Write runs on the caller's (media) goroutine and
// only copies into pending under a mutex; a writer goroutine sends the audio
// in ~100 ms messages; a reader goroutine turns answers into Results.
type stream struct {
	r          *Recognizer
	req        asr.Request
	conn       *gws.Conn
	chunkBytes int
	stopCtx    func() bool

	mu       sync.Mutex
	pending  []byte // capacity fixed at the buffer size: Write never allocates
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

	wake     chan struct{}
	stop     chan struct{} // closed when the stream fails or is closed
	closedCh chan struct{} // closed by Close
	results  chan asr.Result

	stopOnce  sync.Once
	closeOnce sync.Once
	wg        sync.WaitGroup
}

func newStream(ctx context.Context, r *Recognizer, conn *gws.Conn, req asr.Request) *stream {
	chunk := req.SampleRate / 10 * 2
	capacity := int(r.opts.Buffer.Seconds()*float64(req.SampleRate)) * 2
	if capacity < 2*chunk {
		capacity = 2 * chunk
	}
	s := &stream{
		r:          r,
		req:        req,
		conn:       conn,
		chunkBytes: chunk,
		pending:    make([]byte, 0, capacity),
		wake:       make(chan struct{}, 1),
		stop:       make(chan struct{}),
		closedCh:   make(chan struct{}),
		results:    make(chan asr.Result, resultsBuffer),
	}
	s.stopCtx = context.AfterFunc(ctx, func() {
		s.fail(fmt.Errorf("websocket: recognition cancelled: %w", context.Cause(ctx)))
	})
	s.wg.Add(2)
	go s.writeLoop()
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
	case len(s.pending)+2*len(pcm) > cap(s.pending):
		s.mu.Unlock()
		s.fail(ErrOverflow)
		return ErrOverflow
	}
	for _, v := range pcm {
		s.pending = binary.LittleEndian.AppendUint16(s.pending, uint16(v))
	}
	ready := len(s.pending) >= s.chunkBytes
	s.mu.Unlock()
	if ready {
		s.signal()
	}
	return nil
}

func (s *stream) signal() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
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
	s.mu.Unlock()
	s.signal()
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
	s.wg.Wait()
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
		if s.stopCtx != nil {
			s.stopCtx()
		}
		s.conn.Close()
	})
}

func (s *stream) writeLoop() {
	defer s.wg.Done()
	s.mu.Lock()
	buf := make([]byte, 0, cap(s.pending))
	s.mu.Unlock()
	for {
		select {
		case <-s.wake:
		case <-s.stop:
			return
		}
		for {
			s.mu.Lock()
			fin := s.finished
			n := len(s.pending) / s.chunkBytes * s.chunkBytes
			if fin {
				n = len(s.pending)
			}
			buf = append(buf[:0], s.pending[:n]...)
			s.pending = s.pending[:copy(s.pending, s.pending[n:])]
			s.mu.Unlock()

			for off := 0; off < len(buf); off += s.chunkBytes {
				if err := s.send(gws.BinaryMessage, buf[off:min(off+s.chunkBytes, len(buf))], false); err != nil {
					s.writeFailed(fmt.Errorf("websocket: sending audio: %w", err))
					return
				}
			}
			if fin {
				if err := s.send(gws.TextMessage, []byte(EOFMessage), true); err != nil {
					s.writeFailed(fmt.Errorf("websocket: sending end of audio: %w", err))
				}
				return
			}
			if n == 0 {
				break
			}
		}
	}
}

// send writes one message the server will answer. The reply clock starts
// when the first unanswered message goes out.
func (s *stream) send(kind int, data []byte, eof bool) error {
	s.acct.Lock()
	s.sent++
	if eof {
		s.eofAt = s.sent
	}
	if s.sent-s.replied == 1 {
		_ = s.conn.SetReadDeadline(time.Now().Add(s.r.opts.ReplyTimeout))
	}
	s.acct.Unlock()
	_ = s.conn.SetWriteDeadline(time.Now().Add(s.r.opts.WriteTimeout))
	return s.conn.WriteMessage(kind, data)
}

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

// answered counts one reply and reports whether it answers the end of audio.
func (s *stream) answered() bool {
	s.acct.Lock()
	defer s.acct.Unlock()
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

func (s *stream) readLoop() {
	defer s.wg.Done()
	defer close(s.results)
	// vosk cuts long audio into utterances and answers a cut with a result
	// before the end of audio; those segments are joined to the final one.
	var segments []asr.Alternative
	lastPartial := ""
	partial := func(alts []asr.Alternative) {
		// Only changes are worth a message; vosk repeats itself every 100 ms.
		if !s.req.Partial || len(alts) == 0 || alts[0].Text == "" || alts[0].Text == lastPartial {
			return
		}
		lastPartial = alts[0].Text
		s.deliverPartial(alts)
	}
	for {
		kind, data, err := s.conn.ReadMessage()
		if err != nil {
			s.report(s.readError(err))
			return
		}
		if kind != gws.TextMessage {
			s.report(errors.New("websocket: engine sent a binary message"))
			return
		}
		final := s.answered()
		resp, rk, err := ParseResponse(data)
		if err != nil {
			s.report(err)
			return
		}
		switch rk {
		case KindError:
			s.report(&ServerError{Code: resp.ErrorCode, Message: resp.Error})
			return
		case KindPartial:
			if final {
				s.deliverFinal(joinSegments(segments, []asr.Alternative{{Text: strings.TrimSpace(*resp.Partial), Confidence: 1}}))
				return
			}
			partial(joinSegments(segments, []asr.Alternative{{Text: strings.TrimSpace(*resp.Partial), Confidence: 1}}))
		case KindResult:
			alts := resp.ToAlternatives()
			if final {
				s.deliverFinal(joinSegments(segments, alts))
				return
			}
			if len(alts) > 0 && alts[0].Text != "" {
				segments = append(segments, alts[0])
				partial(joinSegments(segments, nil))
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
	s.acct.Lock()
	werr := s.writeErr
	s.acct.Unlock()
	if werr != nil {
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
	select {
	case s.results <- asr.Result{Final: true, Err: err}:
	case <-s.closedCh:
	}
}

func (s *stream) deliverPartial(alts []asr.Alternative) {
	select {
	case s.results <- asr.Result{Alternatives: alts}:
	default:
	}
}

func (s *stream) deliverFinal(alts []asr.Alternative) {
	// The exchange is over: close politely, then drop the connection.
	_ = s.conn.WriteControl(gws.CloseMessage, gws.FormatCloseMessage(gws.CloseNormalClosure, ""),
		time.Now().Add(s.r.opts.WriteTimeout))
	s.shutdown()
	select {
	case s.results <- asr.Result{Final: true, Alternatives: alts}:
	case <-s.closedCh:
	}
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
