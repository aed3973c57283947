package websocket

import (
	"sync"
	"time"

	gws "github.com/gorilla/websocket"

	"github.com/mrcpd/mrcpd/internal/rawtcp"
)

// idleConns keeps the connections of finished recognitions whose server
// agreed to serve more on them (ReuseHeader), so that the next recognition
// does not dial: a dial and handshake cost more server CPU than the rest of
// a short recognition's messages together (docs/performance-load.md).
//
// Nothing watches an idle connection, so it costs no goroutine: it is
// checked when taken (younger than keepAlive, still open, nothing unread),
// and the expired ones are closed whenever one is taken or put back.
// keepAlive is kept below the server's own idle timeout (learnt from the
// handshake when the server states it), so that the server does not close
// a connection the client might take at the same moment.
type idleConns struct {
	max       int
	keepAlive time.Duration // as configured; the effective one is ttl

	mu     sync.Mutex
	ttl    time.Duration
	conns  []idleConn // oldest first
	closed bool
}

func newIdleConns(max int, keepAlive time.Duration) idleConns {
	return idleConns{max: max, keepAlive: keepAlive, ttl: keepAlive}
}

// serverIdle caps the keep-alive at three quarters of the idle timeout the
// server stated.
func (p *idleConns) serverIdle(d time.Duration) {
	if d <= 0 {
		return
	}
	p.mu.Lock()
	p.ttl = min(p.ttl, d-d/4)
	p.mu.Unlock()
}

type idleConn struct {
	c     *gws.Conn
	mode  connMode
	since time.Time
}

// connMode is what the server agreed to in a connection's handshake.
type connMode struct {
	reusable bool // ReuseHeader
	quiet    bool // PartialsHeader
}

// enabled reports whether connections are offered for reuse at all: not
// where a kept connection cannot be checked before use.
func (p *idleConns) enabled() bool { return p.max > 0 && p.keepAlive > 0 && rawtcp.CanInspect }

// get returns the most recently used connection that is still good, or
// nil; the ones it finds broken or too old it closes, and so the expired
// ones at the front, so that a quiet spell after a busy one does not keep
// connections the engine has closed.
func (p *idleConns) get() (*gws.Conn, connMode) {
	now := time.Now()
	for {
		p.mu.Lock()
		drop := p.expire(now, nil)
		n := len(p.conns)
		var ic idleConn
		if n > 0 {
			ic = p.conns[n-1]
			p.conns[n-1] = idleConn{}
			p.conns = p.conns[:n-1]
		}
		p.mu.Unlock()
		closeAll(drop)
		if ic.c == nil {
			return nil, connMode{}
		}
		if rawtcp.Idle(ic.c.NetConn()) {
			return ic.c, ic.mode
		}
		ic.c.Close()
	}
}

// put keeps c, whose recognition ended at since, for another recognition,
// unless the pool is full or closed.
func (p *idleConns) put(c *gws.Conn, mode connMode, since time.Time) {
	p.mu.Lock()
	drop := p.expire(time.Now(), nil)
	if p.closed || len(p.conns) >= p.max || time.Since(since) >= p.ttl {
		drop = append(drop, c)
	} else {
		p.conns = append(p.conns, idleConn{c: c, mode: mode, since: since})
	}
	p.mu.Unlock()
	closeAll(drop)
}

// expire removes the connections idle for ttl or longer (the oldest
// are first) and appends them to drop (p.mu held).
func (p *idleConns) expire(now time.Time, drop []*gws.Conn) []*gws.Conn {
	n := 0
	for n < len(p.conns) && now.Sub(p.conns[n].since) >= p.ttl {
		drop = append(drop, p.conns[n].c)
		n++
	}
	if n > 0 {
		rest := copy(p.conns, p.conns[n:])
		clear(p.conns[rest:])
		p.conns = p.conns[:rest]
	}
	return drop
}

func closeAll(conns []*gws.Conn) {
	for _, c := range conns {
		c.Close()
	}
}

// len is the number of idle connections held.
func (p *idleConns) len() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.conns)
}

// drop closes the idle connections.
func (p *idleConns) drop() { p.shut(false) }

// close closes the idle connections; later ones are closed as they come
// back.
func (p *idleConns) close() { p.shut(true) }

func (p *idleConns) shut(final bool) {
	p.mu.Lock()
	conns := p.conns
	p.conns = nil
	p.closed = p.closed || final
	p.mu.Unlock()
	for _, ic := range conns {
		ic.c.Close()
	}
}
