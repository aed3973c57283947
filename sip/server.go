package sip

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"
)

// Handler is what the server calls for each speech session. Calls for one
// Dialog never overlap: Invite, then any number of Reinvite, then Ended
// (which waits for a Reinvite in progress; its ctx is done by then).
type Handler interface {
	// Invite handles an initial INVITE whose SDP parsed and is a valid
	// MRCPv2 offer. It returns the answer, or an error: a *Reject gives
	// that SIP status (488 etc.), any other error 500. ctx is the dialog's
	// context; it is done when the client cancels.
	Invite(ctx context.Context, d *Dialog, offer *Description) (*Description, error)
	// Reinvite handles an offer inside the dialog (re-INVITE or UPDATE):
	// added control lines, port 0 on lines being removed (RFC 6787 §4.2).
	// An error leaves the session as it was.
	Reinvite(ctx context.Context, d *Dialog, offer *Description) (*Description, error)
	// Ended is called exactly once for every Dialog passed to Invite,
	// whatever ended it: BYE received, CANCEL, rejection, session-timer
	// expiry, missing ACK, Dialog.Hangup, or Server.Close.
	Ended(d *Dialog, reason string)
}

// Reasons passed to Handler.Ended besides the one given to Dialog.Hangup.
const (
	EndRemoteBye      = "remote BYE"
	EndCancel         = "cancelled"
	EndRejected       = "rejected"
	EndSessionExpired = "session expired"
	EndRefreshFailed  = "session refresh failed"
	EndNoAck          = "no ACK"
	EndShutdown       = "server shutdown"
	EndSendFailed     = "answer not sent"
	EndHangup         = "hangup"
)

// byeTimeout bounds how long a BYE we send may delay Handler.Ended.
const byeTimeout = 4 * time.Second

// Server is the SIP user agent server of mrcpd.
type Server struct {
	cfg Config
	h   Handler
	log *slog.Logger

	ua     *sipgo.UserAgent
	sipSrv *sipgo.Server
	client *sipgo.Client

	mu      sync.Mutex
	dialogs map[string]*Dialog
	started bool
	closing bool
	udpConn net.PacketConn
	tcpLn   net.Listener

	// owners counts dialogs whose Ended has not returned yet.
	owners  sync.WaitGroup
	serving sync.WaitGroup
	closed  chan struct{}
	once    sync.Once
}

// NewServer prepares a server; Start binds it.
func NewServer(cfg Config, h Handler) (*Server, error) {
	if h == nil {
		return nil, errors.New("sip: nil Handler")
	}
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	lib := libraryLog(cfg.Logger)
	parser := sip.NewParser()
	parser.MaxMessageLength = cfg.MaxMessageSize
	ua, err := sipgo.NewUA(
		sipgo.WithUserAgent(cfg.UserAgent),
		sipgo.WithUserAgentParser(parser),
		sipgo.WithUserAgentTransactionLayerOptions(
			sip.WithTransactionLayerLogger(lib),
			sip.WithTransactionLayerUnhandledResponseHandler(unhandledResponse(lib)),
		),
		sipgo.WithUserAgentTransportLayerOptions(sip.WithTransportLayerLogger(lib)),
	)
	if err != nil {
		return nil, fmt.Errorf("sip: %w", err)
	}
	s := &Server{
		cfg:     cfg,
		h:       h,
		log:     cfg.Logger,
		ua:      ua,
		dialogs: make(map[string]*Dialog),
		closed:  make(chan struct{}),
	}
	if s.sipSrv, err = sipgo.NewServer(ua, sipgo.WithServerLogger(lib)); err != nil {
		ua.Close()
		return nil, fmt.Errorf("sip: %w", err)
	}
	if s.client, err = sipgo.NewClient(ua, sipgo.WithClientLogger(lib)); err != nil {
		ua.Close()
		return nil, fmt.Errorf("sip: %w", err)
	}
	s.sipSrv.OnInvite(s.onInvite)
	s.sipSrv.OnAck(s.onAck)
	s.sipSrv.OnBye(s.onBye)
	s.sipSrv.OnCancel(s.onCancel)
	s.sipSrv.OnOptions(s.onOptions)
	s.sipSrv.OnUpdate(s.onUpdate)
	s.sipSrv.OnNoRoute(s.onUnsupported)
	return s, nil
}

// Start binds the UDP and TCP listeners and returns once both are bound;
// the server then runs until ctx is done or Close is called.
func (s *Server) Start(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.started || s.closing {
		return errors.New("sip: server already started or closed")
	}
	var lc net.ListenConfig
	udp, err := lc.ListenPacket(ctx, "udp", net.JoinHostPort(s.cfg.BindHost, strconv.Itoa(listenPort(s.cfg.UDPPort))))
	if err != nil {
		return fmt.Errorf("sip: listen udp: %w", err)
	}
	tcp, err := lc.Listen(ctx, "tcp", net.JoinHostPort(s.cfg.BindHost, strconv.Itoa(listenPort(s.cfg.TCPPort))))
	if err != nil {
		udp.Close()
		return fmt.Errorf("sip: listen tcp: %w", err)
	}
	s.udpConn, s.tcpLn, s.started = udp, tcp, true
	s.serving.Add(2)
	go func() {
		defer s.serving.Done()
		s.sipSrv.ServeUDP(udp)
	}()
	go func() {
		defer s.serving.Done()
		s.sipSrv.ServeTCP(tcp)
	}()
	go func() {
		select {
		case <-ctx.Done():
			s.Close()
		case <-s.closed:
		}
	}()
	s.log.Info("sip listening", "udp", udp.LocalAddr().String(), "tcp", tcp.Addr().String())
	return nil
}

// UDPAddr is the bound UDP address, nil before Start.
func (s *Server) UDPAddr() *net.UDPAddr {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.udpConn == nil {
		return nil
	}
	a, _ := s.udpConn.LocalAddr().(*net.UDPAddr)
	return a
}

// TCPAddr is the bound TCP address, nil before Start.
func (s *Server) TCPAddr() *net.TCPAddr {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tcpLn == nil {
		return nil
	}
	a, _ := s.tcpLn.Addr().(*net.TCPAddr)
	return a
}

// Close ends every dialog (sending BYE on the answered ones), waits for
// their Handler.Ended calls, then stops listening. It is safe to call more
// than once.
func (s *Server) Close() error {
	s.once.Do(func() {
		close(s.closed)
		s.mu.Lock()
		s.closing = true
		live := make([]*Dialog, 0, len(s.dialogs))
		for _, d := range s.dialogs {
			live = append(live, d)
		}
		s.mu.Unlock()
		for _, d := range live {
			d.end(EndShutdown, true)
		}
		s.owners.Wait()

		s.mu.Lock()
		if s.udpConn != nil {
			s.udpConn.Close()
		}
		if s.tcpLn != nil {
			s.tcpLn.Close()
		}
		s.mu.Unlock()
		s.ua.Close()
		s.serving.Wait()
		s.log.Info("sip server closed")
	})
	return nil
}

// register adds a new dialog unless the server is shutting down.
func (s *Server) register(d *Dialog) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		return false
	}
	s.dialogs[d.id] = d
	s.owners.Add(1)
	return true
}

func (s *Server) unregister(d *Dialog) {
	s.mu.Lock()
	delete(s.dialogs, d.id)
	s.mu.Unlock()
}

// lookup finds the dialog an in-dialog request belongs to.
func (s *Server) lookup(req *sip.Request) *Dialog {
	id, err := sip.DialogIDFromRequestUAS(req)
	if err != nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.dialogs[id]
}

// listenPortFor is the port of our listener for a sipgo transport name.
func (s *Server) listenPortFor(transport string) int {
	if isReliable(transport) {
		if a := s.TCPAddr(); a != nil {
			return a.Port
		}
	} else if a := s.UDPAddr(); a != nil {
		return a.Port
	}
	return 0
}

// advertiseHost picks the host of Contact and Via (see Config.AdvertiseHost).
func (s *Server) advertiseHost(req *sip.Request) string {
	if s.cfg.AdvertiseHost != "" {
		return s.cfg.AdvertiseHost
	}
	if ip := net.ParseIP(s.cfg.BindHost); ip != nil && !ip.IsUnspecified() {
		return s.cfg.BindHost
	}
	return req.Recipient.Host
}

func isReliable(transport string) bool {
	return sip.IsReliable(transport)
}
