//go:build linux

package rawtcp

import (
	"io"
	"net"
	"os"
	"sync"
	"syscall"
	"time"
	"unsafe"
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
		r, _, e := syscall.RawSyscall(syscall.SYS_READ, fd,
			uintptr(unsafe.Pointer(unsafe.SliceData(c.rbuf))), uintptr(len(c.rbuf)))
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

// Write writes all of p, or fails as net.Conn.Write does.
func (c *Conn) Write(p []byte) (int, error) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	c.wbuf, c.wn, c.werr = p, 0, nil
	var err error
	if len(p) > 0 {
		err = c.rc.Write(c.writeFn)
	}
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

func (c *Conn) doWrite(fd uintptr) bool {
	for c.wn < len(c.wbuf) {
		rest := c.wbuf[c.wn:]
		r, _, e := syscall.RawSyscall(syscall.SYS_WRITE, fd,
			uintptr(unsafe.Pointer(unsafe.SliceData(rest))), uintptr(len(rest)))
		switch e {
		case 0:
			c.wn += int(r)
		case syscall.EINTR:
		case syscall.EAGAIN:
			return false
		default:
			c.werr = os.NewSyscallError("write", e)
			return true
		}
	}
	return true
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

// Idle reports whether a connection nobody is reading is still open with
// nothing waiting to be read, which is what a pooled connection must be
// before it is used again. It looks through wrappers that expose
// NetConn (crypto/tls). A connection it cannot inspect is not idle.
func Idle(c net.Conn) bool {
	for {
		u, ok := c.(interface{ NetConn() net.Conn })
		if !ok {
			break
		}
		c = u.NetConn()
	}
	var rc syscall.RawConn
	switch t := c.(type) {
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
		var b [1]byte
		for {
			_, _, e := syscall.RawSyscall6(syscall.SYS_RECVFROM, fd, uintptr(unsafe.Pointer(&b[0])), 1,
				syscall.MSG_PEEK|syscall.MSG_DONTWAIT, 0, 0)
			if e != syscall.EINTR {
				// EAGAIN: open and empty. 0 bytes (no error) is the peer's
				// close, a byte is data nobody expects: neither is idle.
				idle = e == syscall.EAGAIN
				return true
			}
		}
	})
	return err == nil && idle
}
