//go:build linux

package rawtcp

import (
	"io"
	"net"
	"os"
	"sync"
	"syscall"
	"time"
)

// Conn is a TCP connection with raw-system-call reads and writes. Its other
// methods are the wrapped connection's.
type Conn struct {
	tc *net.TCPConn
	rc syscall.RawConn

	// One read and one write at a time, as the poller allows; the mutexes
	// guard the arguments the callbacks (bound once, so a call allocates
	// nothing) take from the struct.
	rmu    sync.Mutex
	rbuf   []byte
	rn     int
	rerr   error
	readFn func(fd uintptr) bool

	wmu     sync.Mutex
	wbuf    []byte
	wn      int
	werr    error
	writeFn func(fd uintptr) bool
	tryFn   func(fd uintptr) bool

	// Write-behind (SetWriteBehind), under wmu: what the socket did not
	// take waits in backlog for a goroutine that writes it out.
	behind    int
	backlog   []byte
	spare     []byte
	draining  bool
	behindErr error
	// The background writer's own arguments, outside wmu.
	dbuf    []byte
	dn      int
	derr    error
	drainFn func(fd uintptr) bool
}

// Wrap returns c with raw reads and writes when it is a *net.TCPConn, and
// c itself otherwise.
func Wrap(c net.Conn) net.Conn {
	tc, ok := c.(*net.TCPConn)
	if !ok {
		return c
	}
	rc, err := tc.SyscallConn()
	if err != nil {
		return c
	}
	w := &Conn{tc: tc, rc: rc}
	w.readFn = w.doRead
	w.writeFn = w.doWrite
	w.tryFn = w.tryWrite
	w.drainFn = w.doDrain
	return w
}

// Read reads as net.Conn.Read does: io.EOF at the end of the stream, an
// error satisfying net.Error's Timeout after the read deadline, net.ErrClosed
// after Close.
func (c *Conn) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	c.rmu.Lock()
	defer c.rmu.Unlock()
	c.rbuf, c.rn, c.rerr = p, 0, nil
	err := c.rc.Read(c.readFn)
	n, rerr := c.rn, c.rerr
	c.rbuf, c.rerr = nil, nil
	switch {
	case err != nil:
		return 0, c.opError("read", err)
	case rerr != nil:
		return 0, c.opError("read", rerr)
	case n == 0:
		return 0, io.EOF
	}
	return n, nil
}

func (c *Conn) doRead(fd uintptr) bool {
	for {
		r, e := sysRead(fd, c.rbuf)
		switch e {
		case 0:
			c.rn = int(r)
			return true
		case syscall.EINTR:
		case syscall.EAGAIN:
			return false
		default:
			c.rerr = os.NewSyscallError("read", e)
			return true
		}
	}
}

// Write writes all of p, or fails as net.Conn.Write does. In write-behind
// mode it returns at once (see SetWriteBehind).
func (c *Conn) Write(p []byte) (int, error) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if c.behind > 0 {
		return c.writeBehind(p)
	}
	if len(p) == 0 {
		return 0, nil
	}
	return c.rawWrite(p, c.writeFn)
}

// rawWrite runs fn (doWrite or tryWrite) on p through the poller (wmu
// held) and returns what it wrote.
func (c *Conn) rawWrite(p []byte, fn func(fd uintptr) bool) (int, error) {
	c.wbuf, c.wn, c.werr = p, 0, nil
	err := c.rc.Write(fn)
	n, werr := c.wn, c.werr
	c.wbuf, c.werr = nil, nil
	switch {
	case err != nil:
		return n, c.opError("write", err)
	case werr != nil:
		return n, c.opError("write", werr)
	}
	return n, nil
}

func (c *Conn) doWrite(fd uintptr) bool { return writeOut(fd, c.wbuf, &c.wn, &c.werr) }

// writeOut writes b[*n:], advancing *n. It reports false when the socket
// is full (EAGAIN), true when b is written or *err is set.
func writeOut(fd uintptr, b []byte, n *int, err *error) bool {
	for *n < len(b) {
		rest := b[*n:]
		r, e := sysWrite(fd, rest)
		switch e {
		case 0:
			*n += int(r)
		case syscall.EINTR:
		case syscall.EAGAIN:
			return false
		default:
			*err = os.NewSyscallError("write", e)
			return true
		}
	}
	return true
}

// SetWriteBehind makes Write return at once, so that a goroutine that must
// not block (the media goroutine) can write: what the socket does not take
// at once is kept, up to limit bytes, and written in order by a goroutine
// that runs only while there is a backlog. A Write that would pass the
// limit fails with ErrBacklog; a failure of the background writer (the
// write deadline included) fails the Writes after it. The mode is for the
// connection's life; a later call changes the limit, and limit <= 0 is
// ignored.
func (c *Conn) SetWriteBehind(limit int) {
	if limit <= 0 {
		return
	}
	c.wmu.Lock()
	c.behind = limit
	c.wmu.Unlock()
}

// writeBehind is Write in write-behind mode (wmu held).
func (c *Conn) writeBehind(p []byte) (int, error) {
	switch {
	case c.behindErr != nil:
		return 0, c.behindErr
	case len(p) == 0:
		return 0, nil
	case c.draining:
		if len(c.backlog)+len(p) > c.behind {
			return 0, c.opError("write", ErrBacklog)
		}
		c.backlog = append(c.backlog, p...)
		return len(p), nil
	}
	n, err := c.rawWrite(p, c.tryFn)
	switch {
	case err != nil:
		return n, err
	case n == len(p):
		return n, nil
	case len(p)-n > c.behind:
		return n, c.opError("write", ErrBacklog)
	}
	c.backlog = append(c.backlog[:0], p[n:]...)
	c.draining = true
	go c.drain()
	return len(p), nil
}

// tryWrite writes what the socket takes now and never waits.
func (c *Conn) tryWrite(fd uintptr) bool {
	c.doWrite(fd)
	return true
}

// drain writes the backlog out, waiting in the poller, until none is left.
func (c *Conn) drain() {
	for {
		c.wmu.Lock()
		if len(c.backlog) == 0 {
			c.draining = false
			if cap(c.backlog) > maxKeptBacklog {
				c.backlog, c.spare = nil, nil
			}
			c.wmu.Unlock()
			return
		}
		out := c.backlog
		c.backlog, c.spare = c.spare[:0], nil
		c.wmu.Unlock()

		c.dbuf, c.dn, c.derr = out, 0, nil
		err := c.rc.Write(c.drainFn)
		derr := c.derr
		c.dbuf, c.derr = nil, nil

		c.wmu.Lock()
		c.spare = out[:0]
		if err == nil {
			err = derr
		}
		if err != nil {
			c.behindErr = c.opError("write", err)
			c.backlog = c.backlog[:0]
			c.draining = false
			c.wmu.Unlock()
			return
		}
		c.wmu.Unlock()
	}
}

// maxKeptBacklog bounds the backlog buffers kept once a backlog is written.
const maxKeptBacklog = 64 << 10

func (c *Conn) doDrain(fd uintptr) bool { return writeOut(fd, c.dbuf, &c.dn, &c.derr) }

// SetWriteBehind puts c, or the connection it wraps (crypto/tls), in
// write-behind mode (Conn.SetWriteBehind) and reports whether it could.
func SetWriteBehind(c net.Conn, limit int) bool {
	rc, ok := innermost(c).(*Conn)
	if ok {
		rc.SetWriteBehind(limit)
	}
	return ok
}

// innermost looks through the wrappers that expose the connection they
// wrap (crypto/tls) to the connection that carries the bytes.
func innermost(c net.Conn) net.Conn {
	for {
		u, ok := c.(interface{ NetConn() net.Conn })
		if !ok {
			return c
		}
		c = u.NetConn()
	}
}

// opError gives an error the shape net.Conn's have. The poller's errors
// (deadline, closed) arrive already wrapped in an *net.OpError naming the
// raw operation; they keep their cause and get the plain name.
func (c *Conn) opError(op string, err error) error {
	if oe, ok := err.(*net.OpError); ok {
		err = oe.Err
	}
	return &net.OpError{Op: op, Net: "tcp", Source: c.tc.LocalAddr(), Addr: c.tc.RemoteAddr(), Err: err}
}

// Close closes the connection; a blocked Read or Write returns net.ErrClosed.
func (c *Conn) Close() error { return c.tc.Close() }

// CloseWrite shuts down the writing side.
func (c *Conn) CloseWrite() error { return c.tc.CloseWrite() }

// LocalAddr is the connection's local address.
func (c *Conn) LocalAddr() net.Addr { return c.tc.LocalAddr() }

// RemoteAddr is the connection's remote address.
func (c *Conn) RemoteAddr() net.Addr { return c.tc.RemoteAddr() }

// SetDeadline sets both deadlines.
func (c *Conn) SetDeadline(t time.Time) error { return c.tc.SetDeadline(t) }

// SetReadDeadline bounds Read.
func (c *Conn) SetReadDeadline(t time.Time) error { return c.tc.SetReadDeadline(t) }

// SetWriteDeadline bounds Write.
func (c *Conn) SetWriteDeadline(t time.Time) error { return c.tc.SetWriteDeadline(t) }

// TCPConn is the wrapped connection, for options such as SetNoDelay.
func (c *Conn) TCPConn() *net.TCPConn { return c.tc }

// CanInspect reports whether Idle can look at a socket on this system.
const CanInspect = true

// Idle reports whether a connection nobody is reading is still open with
// nothing waiting to be read, which is what a pooled connection must be
// before it is used again. It looks through wrappers that expose
// NetConn (crypto/tls). A connection it cannot inspect is not idle.
func Idle(c net.Conn) bool {
	var rc syscall.RawConn
	switch t := innermost(c).(type) {
	case *Conn:
		rc = t.rc
	case *net.TCPConn:
		var err error
		if rc, err = t.SyscallConn(); err != nil {
			return false
		}
	default:
		return false
	}
	idle := false
	err := rc.Read(func(fd uintptr) bool {
		idle = peekEmpty(fd)
		return true
	})
	return err == nil && idle
}
