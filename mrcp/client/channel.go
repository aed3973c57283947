package client

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/mrcpd/mrcpd/mrcp"
)

// maxEventLog bounds the events a channel keeps for WaitEvent and Events;
// the oldest go first. A recognition produces a handful.
const maxEventLog = 4096

// Channel is the control channel of one resource in a session
// (RFC 6787 §4.2): it numbers and sends requests and collects the server's
// responses and events for them. Its methods are safe from any goroutine.
type Channel struct {
	s  *Session
	id mrcp.ChannelID

	mu     sync.Mutex
	conn   *controlConn
	events []*loggedEvent
	base   int           // log index of events[0]
	notify chan struct{} // closed and replaced at every change
	err    error         // why the channel ended; nil while it lasts

	pumpOnce sync.Once
	out      chan *mrcp.Message
}

type loggedEvent struct {
	m     *mrcp.Message
	taken bool // returned by WaitEvent
}

func newChannel(s *Session, id mrcp.ChannelID, c *controlConn) *Channel {
	return &Channel{s: s, id: id, conn: c, notify: make(chan struct{})}
}

// ID is the Channel-Identifier the server assigned (RFC 6787 §6.2.1).
func (ch *Channel) ID() mrcp.ChannelID { return ch.id }

// Resource is the resource type, e.g. "speechrecog".
func (ch *Channel) Resource() string { return ch.id.Resource }

// NewRequest starts a request of this channel: its Channel-Identifier and
// the session's next request-id. Request-ids increase across all channels
// of the session (RFC 6787 §5.1), so requests must be sent in the order
// they were made.
func (ch *Channel) NewRequest(method string) *mrcp.Message {
	m := &mrcp.Message{Kind: mrcp.KindRequest, Name: method, RequestID: ch.s.nextRequestID()}
	m.Header.Add(mrcp.HdrChannelIdentifier, ch.id.String())
	return m
}

// Send writes m on the channel's control connection without touching its
// header, so that conformance tests can send wrong values on purpose; the
// response is collected for Await, matched by request-id alone.
func (ch *Channel) Send(m *mrcp.Message) error {
	ch.mu.Lock()
	c, err := ch.conn, ch.err
	ch.mu.Unlock()
	if err != nil {
		return err
	}
	if m.Kind == mrcp.KindRequest {
		if err := ch.s.expect(m.RequestID, c); err != nil {
			return err
		}
	}
	if err := c.conn.Send(m); err != nil {
		if m.Kind == mrcp.KindRequest {
			ch.s.forget(m.RequestID)
		}
		return fmt.Errorf("client: send %s %d on %s: %w", m.Name, m.RequestID, ch.id, err)
	}
	return nil
}

// Await waits for the response to the request with this request-id, sent
// earlier with Send. A response with any status is returned without error;
// errors mean no response came (ctx done, connection or session ended).
func (ch *Channel) Await(ctx context.Context, requestID uint32) (*mrcp.Message, error) {
	return ch.s.await(ctx, requestID)
}

// Do sends a request and waits for its response.
func (ch *Channel) Do(ctx context.Context, m *mrcp.Message) (*mrcp.Message, error) {
	if err := ch.Send(m); err != nil {
		return nil, err
	}
	return ch.Await(ctx, m.RequestID)
}

// WaitEvent returns the earliest event with this name (case-insensitive)
// that WaitEvent has not returned yet, waiting for one if needed. Events
// that arrived before the call count, so an event is never missed by
// asking for it late.
func (ch *Channel) WaitEvent(ctx context.Context, name string) (*mrcp.Message, error) {
	for {
		ch.mu.Lock()
		for _, e := range ch.events {
			if !e.taken && strings.EqualFold(e.m.Name, name) {
				e.taken = true
				ch.mu.Unlock()
				return e.m, nil
			}
		}
		wait, err := ch.notify, ch.err
		ch.mu.Unlock()
		if err != nil {
			return nil, fmt.Errorf("client: waiting for %s on %s: %w", name, ch.id, err)
		}
		select {
		case <-wait:
		case <-ctx.Done():
			return nil, fmt.Errorf("client: waiting for %s on %s: %w", name, ch.id, ctx.Err())
		}
	}
}

// Events delivers every event of the channel in the order received, from
// the first one on, independently of WaitEvent. It is closed when the
// channel ends (session closed, resource removed, connection lost) and the
// events received before have been delivered, or at once when the session
// is closed.
func (ch *Channel) Events() <-chan *mrcp.Message {
	ch.pumpOnce.Do(func() {
		ch.out = make(chan *mrcp.Message)
		if !ch.s.goAttached(ch.pump) {
			close(ch.out)
		}
	})
	return ch.out
}

// Err says why the channel ended, nil while it is usable.
func (ch *Channel) Err() error {
	ch.mu.Lock()
	defer ch.mu.Unlock()
	return ch.err
}

func (ch *Channel) pump() {
	defer close(ch.out)
	next := 0 // log index of the next event to deliver
	for {
		ch.mu.Lock()
		next = max(next, ch.base)
		var m *mrcp.Message
		if i := next - ch.base; i < len(ch.events) {
			m = ch.events[i].m
		}
		wait, ended := ch.notify, ch.err != nil
		ch.mu.Unlock()
		if m == nil {
			if ended {
				return
			}
			select {
			case <-wait:
			case <-ch.s.closing:
				return
			}
			continue
		}
		select {
		case ch.out <- m:
			next++
		case <-ch.s.closing:
			return
		}
	}
}

// deliverEvent appends an event to the log (connection reader goroutine).
func (ch *Channel) deliverEvent(m *mrcp.Message) {
	ch.mu.Lock()
	defer ch.mu.Unlock()
	if ch.err != nil {
		return
	}
	if len(ch.events) == maxEventLog {
		ch.s.log.Warn("event log full: oldest event dropped", "channel", ch.id.String())
		ch.events[0] = nil
		ch.events = ch.events[1:]
		ch.base++
	}
	ch.events = append(ch.events, &loggedEvent{m: m})
	ch.changed()
}

// end marks the channel finished; the first reason stays.
func (ch *Channel) end(err error) {
	ch.mu.Lock()
	defer ch.mu.Unlock()
	if ch.err == nil {
		ch.err = err
		ch.changed()
	}
}

// changed wakes every waiter; ch.mu is held.
func (ch *Channel) changed() {
	close(ch.notify)
	ch.notify = make(chan struct{})
}

func (ch *Channel) connection() *controlConn {
	ch.mu.Lock()
	defer ch.mu.Unlock()
	return ch.conn
}

func (ch *Channel) rebind(c *controlConn) {
	ch.mu.Lock()
	ch.conn = c
	ch.mu.Unlock()
}
