package client

import (
	"context"
	"fmt"
	"log/slog"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mrcpd/mrcpd/rtp/codec"
	"github.com/mrcpd/mrcpd/sip"
)

// SetupTimes are the instants of a session's set-up.
type SetupTimes struct {
	InviteSent time.Time // the INVITE left
	Answered   time.Time // its 2xx was received and acknowledged
	Connected  time.Time // the control connections were up
}

// Session is one MRCPv2 session: a SIP dialog, its control channels and its
// audio stream. Its methods are safe from any goroutine.
type Session struct {
	opts    Options
	log     *slog.Logger
	host    netip.Addr
	sipc    *sip.Client
	ownSIP  bool
	dialog  *sip.ClientDialog
	reg     *codec.Registry
	formats []sip.Format
	media   *media
	times   SetupTimes
	refused []string

	lastRequestID atomic.Uint32

	offerMu sync.Mutex // one re-INVITE at a time

	mu       sync.Mutex
	lines    offerLines
	channels map[string]*Channel // by resource
	conns    []*controlConn
	pending  map[uint32]*pendingResponse
	closed   bool
	wg       sync.WaitGroup // goroutines started with goAttached

	closing      chan struct{} // closed by Close
	ended        chan struct{} // closed once torn down, by either side
	teardownOnce sync.Once
	closeOnce    sync.Once
	closeErr     error
}

// Dial opens a session: INVITE with the offer, the answer checked, control
// connections made and RTP ready toward the server. A SIP failure is an
// error carrying its status (see SIPStatus). Resources the server refused
// while accepting others are left out of the session (Channel returns nil
// for them; Refused lists them).
func Dial(ctx context.Context, opts Options) (*Session, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	s := &Session{
		opts:     opts,
		log:      opts.Logger,
		reg:      codec.NewDefaultRegistry(),
		channels: map[string]*Channel{},
		pending:  map[uint32]*pendingResponse{},
		closing:  make(chan struct{}),
		ended:    make(chan struct{}),
	}
	if s.formats, err = offerFormats(opts.Codecs, s.reg); err != nil {
		return nil, err
	}
	if s.host, err = netip.ParseAddr(opts.LocalHost); err != nil {
		return nil, fmt.Errorf("client: local host: %w", err)
	}
	s.host = s.host.Unmap()
	rtpConn, rtcpConn, err := bindPortPair(s.host, opts.RTPPortMin, opts.RTPPortMax)
	if err != nil {
		return nil, err
	}
	s.media = newMedia(rtpConn, rtcpConn, s.log)
	ok := false
	defer func() {
		if !ok {
			s.abort()
		}
	}()

	s.sipc = opts.SIPClient
	if s.sipc == nil {
		s.sipc, err = sip.NewClient(sip.ClientConfig{
			BindHost:       opts.LocalHost,
			Transport:      opts.SIPTransport,
			SessionExpires: opts.SessionExpires,
			Logger:         s.log,
		})
		if err != nil {
			return nil, fmt.Errorf("client: %w", err)
		}
		s.ownSIP = true
	}

	lines := newOfferLines(opts.Resources, opts.Connection, s.media.localPort(), s.formats)
	s.times.InviteSent = time.Now()
	dialog, answer, err := s.sipc.Invite(ctx, opts.Server, lines.description(s.host.String()))
	if err != nil {
		return nil, fmt.Errorf("client: INVITE %s: %w", opts.Server, err)
	}
	s.times.Answered = time.Now()
	s.dialog = dialog
	s.log = s.log.With("call_id", dialog.CallID())
	s.media.log = s.log

	ans, err := readAnswer(lines, answer, s.reg)
	if err != nil {
		return nil, err
	}
	lines.markRefused(ans.refused)
	s.refused = ans.refused
	if len(ans.refused) > 0 {
		s.log.Warn("resources refused by the server", "resources", ans.refused)
	}
	s.lines = lines
	for _, r := range lines.active() {
		if err := s.openChannel(ctx, r, ans.channels[r]); err != nil {
			return nil, err
		}
	}
	s.times.Connected = time.Now()
	s.media.start(ans.remote, newMediaFormat(ans.audio))
	s.goAttached(s.watchDialog)
	ok = true
	s.log.Info("session established", "server", opts.Server, "resources", lines.active(),
		"codec", ans.audio.codec.Name(), "rtp_remote", ans.remote.String(), "rtp_local", s.media.localPort())
	return s, nil
}

// abort undoes a Dial that failed half way.
func (s *Session) abort() {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	close(s.closing)
	s.teardown(ErrClosed)
	if s.dialog != nil {
		s.dialog.Close()
	}
	if s.ownSIP {
		s.sipc.Close()
	}
	s.wg.Wait()
}

// openChannel binds a resource's answered channel to a control connection:
// a new one, or (answer "existing") one already open to the same address
// (RFC 6787 §4.2).
func (s *Session) openChannel(ctx context.Context, resource string, a answeredChannel) error {
	c, err := s.connectionFor(ctx, a)
	if err != nil {
		return fmt.Errorf("client: control connection for %s: %w", a.id, err)
	}
	ch := newChannel(s, a.id, c)
	s.mu.Lock()
	c.users++
	s.channels[resource] = ch
	s.mu.Unlock()
	return nil
}

func (s *Session) connectionFor(ctx context.Context, a answeredChannel) (*controlConn, error) {
	if strings.EqualFold(a.connection, sip.ConnectionExisting) {
		s.mu.Lock()
		for _, c := range s.conns {
			if c.addr == a.addr {
				s.mu.Unlock()
				return c, nil
			}
		}
		s.mu.Unlock()
	}
	c, err := s.connect(ctx, a.addr)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.conns = append(s.conns, c)
	s.mu.Unlock()
	return c, nil
}

// release unbinds a channel from its connection and closes the connection
// once no channel uses it (RFC 6787 §4.2).
func (s *Session) release(ch *Channel) {
	c := ch.connection()
	s.mu.Lock()
	c.users--
	last := c.users == 0
	s.mu.Unlock()
	if last {
		c.conn.Close()
	}
}

// watchDialog tears the session down when the server ends the dialog.
func (s *Session) watchDialog() {
	select {
	case <-s.dialog.Context().Done():
		if s.dialog.EndReason() == sip.EndRemoteBye {
			s.log.Info("session ended by the server")
		}
		s.teardown(ErrEndedByServer)
	case <-s.closing:
	}
}

// goAttached runs f on a goroutine that Close waits for; false once the
// session is closed.
func (s *Session) goAttached(f func()) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		f()
	}()
	return true
}

func (s *Session) isClosed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}

// teardown stops media and control connections and ends every channel; the
// SIP dialog is Close's business.
func (s *Session) teardown(reason error) {
	s.teardownOnce.Do(func() {
		s.media.close()
		s.mu.Lock()
		conns := append([]*controlConn(nil), s.conns...)
		channels := make([]*Channel, 0, len(s.channels))
		for _, ch := range s.channels {
			channels = append(channels, ch)
		}
		s.mu.Unlock()
		for _, ch := range channels {
			ch.end(reason)
		}
		for _, c := range conns {
			c.conn.Close()
			<-c.done
		}
		close(s.ended)
	})
}

// Close ends the session: control connections and RTP are closed, BYE is
// sent (ctx bounds the wait for its answer) and every goroutine and port of
// the session is released. It is idempotent and returns the first call's
// result.
func (s *Session) Close(ctx context.Context) error {
	s.closeOnce.Do(func() {
		s.mu.Lock()
		s.closed = true
		s.mu.Unlock()
		close(s.closing)
		s.teardown(ErrClosed)
		if s.dialog.Context().Err() == nil {
			if err := s.dialog.Bye(ctx); err != nil {
				s.closeErr = fmt.Errorf("client: BYE: %w", err)
			}
		}
		s.dialog.Close()
		if s.ownSIP {
			s.sipc.Close()
		}
		s.wg.Wait()
		s.log.Info("session closed")
	})
	return s.closeErr
}

// Done is closed once the session has ended, by Close or by the server.
func (s *Session) Done() <-chan struct{} { return s.ended }

// CallID is the SIP Call-ID of the session.
func (s *Session) CallID() string { return s.dialog.CallID() }

// Setup returns when the INVITE left, was answered, and the control
// connections came up.
func (s *Session) Setup() SetupTimes { return s.times }

// Channel returns the channel of a resource, nil if the session has none.
func (s *Session) Channel(resource string) *Channel {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.channels[strings.ToLower(resource)]
}

// Refused lists the resources of the INVITE that the server refused.
func (s *Session) Refused() []string { return append([]string(nil), s.refused...) }

// Resources lists the resources allocated now, in offer order.
func (s *Session) Resources() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lines.active()
}

// Codec is the audio encoding the server chose, e.g. "PCMU/8000".
func (s *Session) Codec() string {
	f := s.media.format.Load()
	return fmt.Sprintf("%s/%d", f.codec.Name(), f.codec.ClockRate())
}

// LocalRTPPort is the port audio is sent from (RTCP is the one above).
func (s *Session) LocalRTPPort() int { return s.media.localPort() }

// nextRequestID numbers requests from 1 up, across the session's channels
// (RFC 6787 §5.1: monotonic within the session, small initial value).
func (s *Session) nextRequestID() uint32 { return s.lastRequestID.Add(1) }

// Reinvite changes the resources of the session with a re-INVITE
// (RFC 6787 §4.2): added resources get control lines, removed ones port 0,
// and the audio direction follows what is left. A refused offer (an error
// carrying its SIP status) leaves the session as it was. When the server
// accepts the offer but refuses an added resource, the error is a
// *RefusedError and the other changes stand.
func (s *Session) Reinvite(ctx context.Context, add, remove []string) error {
	s.offerMu.Lock()
	defer s.offerMu.Unlock()
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return ErrClosed
	}
	cur := s.lines
	s.mu.Unlock()
	next, err := cur.reoffer(add, remove, s.opts.Connection)
	if err != nil {
		return err
	}
	answer, err := s.dialog.Reinvite(ctx, next.description(s.host.String()))
	if err != nil {
		return fmt.Errorf("client: re-INVITE: %w", err)
	}
	ans, err := readAnswer(next, answer, s.reg)
	if err != nil {
		return err
	}
	next.markRefused(ans.refused)

	was := map[string]bool{}
	for _, r := range cur.active() {
		was[r] = true
	}
	now := map[string]bool{}
	for _, r := range next.active() {
		now[r] = true
		if was[r] {
			if err := s.keepChannel(ctx, r, ans.channels[r]); err != nil {
				return err
			}
			continue
		}
		if err := s.openChannel(ctx, r, ans.channels[r]); err != nil {
			return err
		}
		s.log.Info("resource added", "channel", ans.channels[r].id.String())
	}
	for r := range was {
		if now[r] {
			continue
		}
		s.mu.Lock()
		ch := s.channels[r]
		delete(s.channels, r)
		s.mu.Unlock()
		if ch != nil {
			ch.end(ErrChannelRemoved)
			s.release(ch)
			s.log.Info("resource removed", "channel", ch.id.String())
		}
	}
	s.media.update(ans.remote, ans.audio)
	s.mu.Lock()
	s.lines = next
	s.mu.Unlock()
	if len(ans.refused) > 0 {
		return &RefusedError{Resources: ans.refused}
	}
	return nil
}

// keepChannel applies the answer to a resource that stays: when the server
// wants a new connection for it, the client must make one (RFC 6787 §4.2).
func (s *Session) keepChannel(ctx context.Context, resource string, a answeredChannel) error {
	s.mu.Lock()
	ch := s.channels[resource]
	s.mu.Unlock()
	if ch == nil || strings.EqualFold(a.connection, sip.ConnectionExisting) {
		return nil
	}
	c, err := s.connect(ctx, a.addr)
	if err != nil {
		return fmt.Errorf("client: new control connection for %s: %w", a.id, err)
	}
	s.mu.Lock()
	s.conns = append(s.conns, c)
	c.users++
	s.mu.Unlock()
	old := ch.connection()
	ch.rebind(c)
	s.mu.Lock()
	old.users--
	last := old.users == 0
	s.mu.Unlock()
	if last {
		old.conn.Close()
	}
	return nil
}
