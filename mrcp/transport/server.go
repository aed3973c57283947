package transport

import (
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mrcpd/mrcpd/internal/rawtcp"
	"github.com/mrcpd/mrcpd/mrcp"
)

// ErrChannelRegistered is returned by Register for an identifier in use.
var ErrChannelRegistered = errors.New("transport: channel already registered")

// Handler receives the messages of one registered channel.
type Handler interface {
	// HandleMessage is called on the connection's reader goroutine, in
	// wire order. It must not block for long; the session posts it to its
	// own event loop. conn is how to answer.
	HandleMessage(conn *Conn, m *mrcp.Message)
	// ConnectionClosed is called once when the TCP connection that
	// carried this channel closes. By then the channel has been removed
	// from the registry. A Handler registered for several channels on one
	// connection is called once per channel.
	ConnectionClosed(conn *Conn)
}

// Server accepts control connections and routes requests to registered
// channels by their Channel-Identifier (RFC 6787 §6.2.1).
type Server struct {
	opts    Options
	log     *slog.Logger
	ln      net.Listener
	metrics Metrics

	mu       sync.Mutex
	channels map[mrcp.ChannelID]*binding
	conns    map[*Conn]struct{}
	closed   bool

	wg sync.WaitGroup
}

// binding ties a registered channel to the connection its first message
// arrived on (nil until then).
type binding struct {
	h    Handler
	conn *Conn
}

// Conn is one server-side control connection. Several channels share it
// when the client negotiated a=connection:existing (RFC 6787 §4.2).
type Conn struct {
	w      wire
	server *Server
	// bound counts channels bound to the connection; IdleTimeout only
	// applies while it is zero.
	bound atomic.Int32
	// channels bound here; guarded by server.mu.
	channels []mrcp.ChannelID
}

// Send writes m as one unit; it is safe from any goroutine. A write error
// closes the connection.
func (c *Conn) Send(m *mrcp.Message) error { return c.w.send(m) }

// Close closes the connection; ConnectionClosed follows for its channels.
func (c *Conn) Close() error { return c.w.close() }

// RemoteAddr is the client's address.
func (c *Conn) RemoteAddr() net.Addr { return c.w.nc.RemoteAddr() }

// Listen starts accepting control connections on addr ("host:port").
func Listen(addr string, opts Options) (*Server, error) {
	opts = opts.withDefaults()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("transport: listen: %w", err)
	}
	if opts.TLSConfig != nil {
		ln = tls.NewListener(ln, opts.TLSConfig)
	}
	s := &Server{
		opts:     opts,
		log:      opts.Logger,
		ln:       ln,
		metrics:  opts.Metrics,
		channels: make(map[mrcp.ChannelID]*binding),
		conns:    make(map[*Conn]struct{}),
	}
	s.wg.Add(1)
	go s.acceptLoop()
	return s, nil
}

// Addr is the address the server listens on.
func (s *Server) Addr() net.Addr { return s.ln.Addr() }

// Register routes messages carrying Channel-Identifier id to h. The
// channel is bound to the connection its first message arrives on.
func (s *Server) Register(id mrcp.ChannelID, h Handler) error {
	if h == nil {
		return errors.New("transport: nil handler")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	if _, ok := s.channels[id]; ok {
		return fmt.Errorf("%w: %s", ErrChannelRegistered, id)
	}
	s.channels[id] = &binding{h: h}
	return nil
}

// Unregister stops routing id. It does not close the connection, which
// other channels may share; ConnectionClosed is not called for id any more.
func (s *Server) Unregister(id mrcp.ChannelID) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.channels[id]
	if !ok {
		return
	}
	delete(s.channels, id)
	if c := b.conn; c != nil {
		for i, bid := range c.channels {
			if bid == id {
				c.channels = append(c.channels[:i], c.channels[i+1:]...)
				break
			}
		}
		c.bound.Add(-1)
	}
}

// Close stops accepting, closes every connection and waits until all
// goroutines of the server have ended, including the ConnectionClosed
// calls.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		s.wg.Wait()
		return nil
	}
	s.closed = true
	err := s.ln.Close()
	for c := range s.conns {
		c.w.close()
	}
	s.mu.Unlock()
	s.wg.Wait()
	return err
}

func (s *Server) acceptLoop() {
	defer s.wg.Done()
	backoff := time.Duration(0)
	for {
		nc, err := s.ln.Accept()
		if err != nil {
			s.mu.Lock()
			closed := s.closed
			s.mu.Unlock()
			if closed || errors.Is(err, net.ErrClosed) {
				return
			}
			// Out of descriptors and similar: wait instead of spinning.
			backoff = min(max(2*backoff, 5*time.Millisecond), time.Second)
			s.log.Warn("mrcp accept failed", "err", err, "retry_in", backoff)
			time.Sleep(backoff)
			continue
		}
		backoff = 0
		if tcp, ok := nc.(*net.TCPConn); ok {
			// Responses are small and latency matters (RFC 6787 §4.2 runs
			// one request/response at a time per channel).
			tcp.SetNoDelay(true)
		}
		nc = rawtcp.Wrap(nc)
		c := &Conn{server: s, w: wire{nc: nc, writeTimeout: s.opts.WriteTimeout, metrics: s.metrics}}
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			nc.Close()
			return
		}
		s.conns[c] = struct{}{}
		s.wg.Add(1)
		s.mu.Unlock()
		go s.serveConn(c)
	}
}

func (s *Server) serveConn(c *Conn) {
	defer s.wg.Done()
	log := s.log.With("remote", c.w.nc.RemoteAddr().String())
	s.metrics.ConnectionOpened()
	log.Debug("mrcp connection opened")
	defer s.connDone(c, log)

	p := mrcp.NewParser(s.opts.MaxMessageSize)
	buf := make([]byte, readBufferSize)
	for {
		if s.opts.IdleTimeout > 0 {
			deadline := time.Time{}
			if c.bound.Load() == 0 {
				deadline = time.Now().Add(s.opts.IdleTimeout)
			}
			c.w.nc.SetReadDeadline(deadline)
		}
		n, err := c.w.nc.Read(buf)
		if n > 0 {
			p.Write(buf[:n])
			if !s.drain(c, p, log) {
				return
			}
		}
		if err != nil {
			var ne net.Error
			switch {
			case errors.Is(err, io.EOF), c.w.closed.Load():
				log.Debug("mrcp connection closed")
			case errors.As(err, &ne) && ne.Timeout():
				log.Info("mrcp connection idle without a channel, closing", "idle_timeout", s.opts.IdleTimeout)
			default:
				log.Info("mrcp connection read failed", "err", err)
			}
			return
		}
	}
}

// drain delivers every whole message buffered in p. It returns false when
// the connection must be closed.
func (s *Server) drain(c *Conn, p *mrcp.Parser, log *slog.Logger) bool {
	for {
		m, err := p.Next()
		if errors.Is(err, mrcp.ErrNeedMore) {
			return true
		}
		if err != nil {
			if !s.parseFailed(c, err, log) {
				return false
			}
			continue
		}
		s.metrics.MessageReceived(m)
		s.dispatch(c, m, log)
		if c.w.closed.Load() {
			return false
		}
	}
}

// parseFailed answers input that did not parse. A response needs the
// request-id, so only input whose start line was readable gets one; the
// rest is logged and skipped (the parser has already resynchronised).
func (s *Server) parseFailed(c *Conn, err error, log *slog.Logger) bool {
	var pe *mrcp.ParseError
	if !errors.As(err, &pe) {
		log.Error("mrcp parser failed", "err", err)
		return false
	}
	s.metrics.ParseError(pe.Code)
	attrs := []any{"err", err, "code", pe.Code}
	if pe.Message != nil && pe.Message.RequestID != 0 {
		attrs = append(attrs, "request_id", pe.Message.RequestID)
		if ch, ok := pe.Message.Header.Get(mrcp.HdrChannelIdentifier); ok {
			attrs = append(attrs, "channel", ch)
		}
	}
	log.Warn("mrcp message rejected", attrs...)
	if pe.Message != nil && pe.Message.RequestID != 0 && pe.Message.Kind == mrcp.KindRequest {
		s.reply(c, pe.Message, pe.Code)
	}
	// RFC 6787 §5.4: 504; a peer that sends oversized messages is not
	// worth keeping, and its stream may be unframeable anyway.
	return !errors.Is(err, mrcp.ErrMessageTooLarge)
}

func (s *Server) dispatch(c *Conn, m *mrcp.Message, log *slog.Logger) {
	if m.Kind != mrcp.KindRequest {
		// Clients only send requests (RFC 6787 §5); there is no request
		// to answer.
		log.Warn("mrcp client sent a non-request, dropped", "kind", m.Kind.String(), "request_id", m.RequestID)
		return
	}
	raw, ok := m.Header.Get(mrcp.HdrChannelIdentifier)
	if !ok {
		log.Warn("mrcp request without Channel-Identifier", "request_id", m.RequestID, "method", m.Name)
		s.reject(c, m, mrcp.StatusResourceNotAllocated)
		return
	}
	id, err := mrcp.ParseChannelID(raw)
	if err != nil {
		log.Warn("mrcp request with malformed Channel-Identifier", "request_id", m.RequestID, "channel", raw)
		s.reject(c, m, mrcp.StatusIllegalHeaderValue)
		return
	}
	h, reason := s.bind(c, id)
	if h == nil {
		log.Warn("mrcp request not routable", "reason", reason, "request_id", m.RequestID, "method", m.Name, "channel", raw)
		s.reject(c, m, mrcp.StatusResourceNotAllocated)
		return
	}
	s.deliver(log, func() { h.HandleMessage(c, m) })
}

// bind finds the handler of id and binds the channel to c on its first
// message. A channel already bound to another connection is refused: its
// messages must stay on one connection to stay in order.
func (s *Server) bind(c *Conn, id mrcp.ChannelID) (Handler, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.channels[id]
	if !ok {
		return nil, "unknown channel"
	}
	switch b.conn {
	case c:
	case nil:
		b.conn = c
		c.channels = append(c.channels, id)
		c.bound.Add(1)
	default:
		return nil, "channel bound to another connection"
	}
	return b.h, ""
}

func (s *Server) reject(c *Conn, req *mrcp.Message, code int) {
	s.metrics.MessageRejected(code)
	s.reply(c, req, code)
}

func (s *Server) reply(c *Conn, req *mrcp.Message, code int) {
	if err := c.Send(mrcp.NewResponse(req, code, mrcp.StateComplete)); err != nil {
		s.log.Debug("mrcp error response not sent", "err", err)
	}
}

// deliver runs a handler call, containing a panic so one broken session
// cannot take the whole server down.
func (s *Server) deliver(log *slog.Logger, call func()) {
	defer func() {
		if r := recover(); r != nil {
			log.Error("mrcp handler panicked", "panic", r, "stack", string(debug.Stack()))
		}
	}()
	call()
}

// connDone unbinds the channels of a closed connection and tells their
// handlers, outside the lock so they may call Unregister or Register.
func (s *Server) connDone(c *Conn, log *slog.Logger) {
	c.w.close()
	s.mu.Lock()
	delete(s.conns, c)
	var handlers []Handler
	for _, id := range c.channels {
		if b := s.channels[id]; b != nil && b.conn == c {
			handlers = append(handlers, b.h)
			delete(s.channels, id)
		}
	}
	c.channels = nil
	c.bound.Store(0)
	s.mu.Unlock()
	for _, h := range handlers {
		s.deliver(log, func() { h.ConnectionClosed(c) })
	}
	s.metrics.ConnectionClosed()
}
