package client

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/mrcpd/mrcpd/mrcp"
	"github.com/mrcpd/mrcpd/mrcp/transport"
)

// maxPending bounds the responses kept for requests nobody awaits.
const maxPending = 1024

// errConnectionClosed is the end of a control connection the server closed
// cleanly.
var errConnectionClosed = errors.New("client: control connection closed by the server")

// controlConn is one TCP control connection (RFC 6787 §4.2); channels of the
// session share it when the answer said "existing".
type controlConn struct {
	addr  string
	conn  *transport.ClientConn
	users int           // channels bound to it, guarded by Session.mu
	done  chan struct{} // closed when its reader has ended
}

type pendingResponse struct {
	conn *controlConn
	resp chan *mrcp.Message // holds the response once it came
}

// connect opens a control connection and starts reading it.
func (s *Session) connect(ctx context.Context, addr string) (*controlConn, error) {
	tc, err := transport.Dial(ctx, addr, transport.Options{Logger: s.log})
	if err != nil {
		return nil, err
	}
	c := &controlConn{addr: addr, conn: tc, done: make(chan struct{})}
	if !s.goAttached(func() { s.read(c) }) {
		tc.Close()
		return nil, ErrClosed
	}
	s.log.Debug("control connection open", "remote", addr, "local", tc.LocalAddr().String())
	return c, nil
}

// read hands every message of a connection to its channel, in wire order.
func (s *Session) read(c *controlConn) {
	defer close(c.done)
	for m := range c.conn.Messages() {
		s.dispatch(c, m)
	}
	err := c.conn.Err()
	if err == nil {
		err = ErrClosed
	} else if errors.Is(err, io.EOF) {
		err = errConnectionClosed
	}
	s.connectionLost(c, err)
}

func (s *Session) dispatch(c *controlConn, m *mrcp.Message) {
	switch m.Kind {
	case mrcp.KindResponse:
		s.mu.Lock()
		p := s.pending[m.RequestID]
		s.mu.Unlock()
		if p == nil {
			s.log.Info("response to no request of ours dropped", "request_id", m.RequestID, "status", m.StatusCode)
			return
		}
		select {
		case p.resp <- m:
		default:
			s.log.Info("second response to one request dropped", "request_id", m.RequestID, "status", m.StatusCode)
		}
	case mrcp.KindEvent:
		ch := s.eventChannel(c, m)
		if ch == nil {
			id, _ := m.Header.Get(mrcp.HdrChannelIdentifier)
			s.log.Warn("event for an unknown channel dropped", "event", m.Name, "request_id", m.RequestID, "channel", id)
			return
		}
		s.log.Debug("event", "channel", ch.id.String(), "event", m.Name, "request_id", m.RequestID, "state", m.State.String())
		ch.deliverEvent(m)
	default:
		// RFC 6787 §5: servers send responses and events only.
		s.log.Warn("request from the server dropped", "method", m.Name, "request_id", m.RequestID)
	}
}

// eventChannel finds the channel an event belongs to: by its
// Channel-Identifier, or the connection's only channel when the server left
// the identifier out or garbled it.
func (s *Session) eventChannel(c *controlConn, m *mrcp.Message) *Channel {
	s.mu.Lock()
	defer s.mu.Unlock()
	if id, ok := m.Header.Get(mrcp.HdrChannelIdentifier); ok {
		for _, ch := range s.channels {
			if strings.EqualFold(ch.id.String(), strings.TrimSpace(id)) {
				return ch
			}
		}
	}
	var only *Channel
	for _, ch := range s.channels {
		if ch.connection() == c {
			if only != nil {
				return nil
			}
			only = ch
		}
	}
	return only
}

// connectionLost ends the channels of a connection and fails its waiters.
func (s *Session) connectionLost(c *controlConn, err error) {
	s.mu.Lock()
	var ended []*Channel
	for _, ch := range s.channels {
		if ch.connection() == c {
			ended = append(ended, ch)
		}
	}
	s.conns = slices.DeleteFunc(s.conns, func(x *controlConn) bool { return x == c })
	s.mu.Unlock()
	for _, ch := range ended {
		ch.end(fmt.Errorf("client: control connection to %s: %w", c.addr, err))
	}
	if !errors.Is(err, ErrClosed) {
		s.log.Info("control connection ended", "remote", c.addr, "err", err)
	}
}

// expect registers a request whose response Await will want.
func (s *Session) expect(id uint32, c *controlConn) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	if p, ok := s.pending[id]; ok && len(p.resp) == 0 {
		// Sent again before its response (a deliberate duplicate): the
		// first response answers both.
		return nil
	}
	if len(s.pending) >= maxPending {
		oldest := uint32(0)
		first := true
		for k := range s.pending {
			if first || k < oldest {
				oldest, first = k, false
			}
		}
		delete(s.pending, oldest)
	}
	s.pending[id] = &pendingResponse{conn: c, resp: make(chan *mrcp.Message, 1)}
	return nil
}

func (s *Session) forget(id uint32) {
	s.mu.Lock()
	delete(s.pending, id)
	s.mu.Unlock()
}

func (s *Session) await(ctx context.Context, id uint32) (*mrcp.Message, error) {
	s.mu.Lock()
	p := s.pending[id]
	s.mu.Unlock()
	if p == nil {
		return nil, fmt.Errorf("client: no request %d awaits a response", id)
	}
	defer s.forget(id)
	select {
	case m := <-p.resp:
		return m, nil
	case <-ctx.Done():
		return nil, fmt.Errorf("client: response to request %d: %w", id, ctx.Err())
	case <-p.conn.done:
	case <-s.closing:
	}
	// The response may have come just before the connection ended.
	select {
	case m := <-p.resp:
		return m, nil
	default:
	}
	if s.isClosed() {
		return nil, fmt.Errorf("client: response to request %d: %w", id, ErrClosed)
	}
	return nil, fmt.Errorf("client: response to request %d: control connection to %s ended", id, p.conn.addr)
}
