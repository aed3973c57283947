package transport

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"

	"github.com/mrcpd/mrcpd/internal/rawtcp"
	"github.com/mrcpd/mrcpd/mrcp"
)

// ClientConn is the client end of a control connection.
type ClientConn struct {
	w         wire
	opts      Options
	msgs      chan *mrcp.Message
	done      chan struct{}
	closeOnce sync.Once
	wg        sync.WaitGroup

	mu  sync.Mutex
	err error
}

// Dial connects to an MRCPv2 server's control port (the port of the
// m=application line the server answered with).
func Dial(ctx context.Context, addr string, opts Options) (*ClientConn, error) {
	opts = opts.withDefaults()
	var nc net.Conn
	var err error
	if opts.TLSConfig != nil {
		d := tls.Dialer{Config: opts.TLSConfig}
		nc, err = d.DialContext(ctx, "tcp", addr)
	} else {
		var d net.Dialer
		nc, err = d.DialContext(ctx, "tcp", addr)
	}
	if err != nil {
		return nil, fmt.Errorf("transport: dial %s: %w", addr, err)
	}
	nc = rawtcp.Wrap(nc)
	c := &ClientConn{
		w:    wire{nc: nc, writeTimeout: opts.WriteTimeout, metrics: opts.Metrics},
		opts: opts,
		msgs: make(chan *mrcp.Message, opts.ClientQueue),
		done: make(chan struct{}),
	}
	opts.Metrics.ConnectionOpened()
	c.wg.Add(1)
	go c.readLoop()
	return c, nil
}

// Send writes m as one unit; it is safe from any goroutine.
func (c *ClientConn) Send(m *mrcp.Message) error { return c.w.send(m) }

// Messages delivers received messages in wire order. It is closed when
// the connection ends; Err then says why.
func (c *ClientConn) Messages() <-chan *mrcp.Message { return c.msgs }

// Err is the reason the connection ended: nil while it is open and after
// Close, io.EOF when the server closed it, or the read or framing error.
func (c *ClientConn) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// LocalAddr is the client's address.
func (c *ClientConn) LocalAddr() net.Addr { return c.w.nc.LocalAddr() }

// Close closes the connection and waits for its reader to end.
func (c *ClientConn) Close() error {
	c.closeOnce.Do(func() { close(c.done) })
	err := c.w.close()
	c.wg.Wait()
	return err
}

func (c *ClientConn) fail(err error) {
	c.mu.Lock()
	if c.err == nil {
		c.err = err
	}
	c.mu.Unlock()
}

func (c *ClientConn) readLoop() {
	defer c.wg.Done()
	defer c.opts.Metrics.ConnectionClosed()
	defer close(c.msgs)
	defer c.w.close()
	log := c.opts.Logger.With("remote", c.w.nc.RemoteAddr().String())
	p := mrcp.NewParser(c.opts.MaxMessageSize)
	buf := make([]byte, readBufferSize)
	for {
		n, err := c.w.nc.Read(buf)
		if n > 0 {
			p.Write(buf[:n])
			for {
				m, perr := p.Next()
				if errors.Is(perr, mrcp.ErrNeedMore) {
					break
				}
				if perr != nil {
					var pe *mrcp.ParseError
					errors.As(perr, &pe)
					if pe != nil {
						c.opts.Metrics.ParseError(pe.Code)
					}
					log.Warn("mrcp message from server dropped", "err", perr)
					if errors.Is(perr, mrcp.ErrMessageTooLarge) {
						c.fail(perr)
						return
					}
					continue
				}
				c.opts.Metrics.MessageReceived(m)
				select {
				case c.msgs <- m:
				case <-c.done:
					return
				}
			}
		}
		if err != nil {
			select {
			case <-c.done: // closed by us: not an error
			default:
				if !errors.Is(err, io.EOF) {
					log.Info("mrcp connection read failed", "err", err)
				}
				c.fail(err)
			}
			return
		}
	}
}
