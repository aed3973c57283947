package transport

import (
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mrcpd/mrcpd/mrcp"
)

// ErrClosed is returned when sending on a closed connection or
// registering on a closed server.
var ErrClosed = errors.New("transport: closed")

// readBufferSize is one read from the socket; messages larger than it are
// assembled by the parser. Every connection holds one for its whole life
// (FreeSWITCH opens a connection per channel), and the messages of a call
// are a few hundred octets, an inline grammar a few KB: 4 KB keeps the
// common case to one read without costing each session 16.
const readBufferSize = 4 << 10

// keepWriteBuffer is the largest write buffer kept between messages; a
// rare large message should not pin its buffer for the connection's life.
const keepWriteBuffer = 64 << 10

// wire is the write side shared by server and client connections: whole
// messages, one at a time, so concurrent senders never interleave.
type wire struct {
	nc           net.Conn
	writeTimeout time.Duration
	metrics      Metrics

	mu     sync.Mutex
	buf    []byte
	closed atomic.Bool
}

func (w *wire) send(m *mrcp.Message) error {
	if err := m.Validate(); err != nil {
		return err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed.Load() {
		return ErrClosed
	}
	w.buf = m.AppendTo(w.buf[:0])
	if err := w.nc.SetWriteDeadline(time.Now().Add(w.writeTimeout)); err != nil {
		w.close()
		return fmt.Errorf("transport: send: %w", err)
	}
	_, err := w.nc.Write(w.buf)
	if cap(w.buf) > keepWriteBuffer {
		w.buf = nil
	}
	if err != nil {
		// A partial write leaves the peer out of step; the connection
		// cannot be used any more.
		w.close()
		return fmt.Errorf("transport: send: %w", err)
	}
	w.metrics.MessageSent(m)
	return nil
}

// close shuts the socket; the reader then ends and reports it. It does not
// wait for a send in progress: closing the socket is what unblocks it.
func (w *wire) close() error {
	if w.closed.Swap(true) {
		return nil
	}
	return w.nc.Close()
}
