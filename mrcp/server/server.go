// Package server is the MRCPv2 speech server: it answers SIP offers, owns one
// Session per SIP dialog, routes control messages to resource state machines
// and connects them to media and recognition engines.
package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/mrcpd/mrcpd/mrcp/transport"
	"github.com/mrcpd/mrcpd/rtp"
	"github.com/mrcpd/mrcpd/rtp/codec"
	"github.com/mrcpd/mrcpd/sip"
)

// Options configure a Server.
type Options struct {
	// SIP, MRCP and RTP listeners.
	SIP  sip.Config
	MRCP transport.Options
	// MRCPAddr is the control listener's address ("127.0.0.1:1544").
	MRCPAddr string
	// AdvertiseHost goes into SDP c= lines; empty means the RTP bind host.
	AdvertiseHost string
	RTP           rtp.PortPoolOptions
	Media         rtp.EngineOptions
	// Codecs accepted, by preference ("PCMU", "PCMA", "L16", "G722").
	Codecs []string
	// Latching sends media to where the client's packets come from.
	Latching bool
	// IdleTimeout ends a session whose control connection is gone and whose
	// media has been silent for this long.
	IdleTimeout time.Duration
	// Speech runs recognitions; nil leaves speechrecog unavailable, and
	// offers for it are refused (port 0).
	Speech SpeechPath
	// Backend times backend calls; nil registers a private one on Registerer.
	Backend *BackendMetrics
	// Logger and Registerer; nil means discard and a private registry.
	Logger     *slog.Logger
	Registerer prometheus.Registerer
}

// Server is a running speech server.
type Server struct {
	opts    Options
	log     *slog.Logger
	metrics *metrics

	sip    *sip.Server
	ctl    *transport.Server
	ports  *rtp.PortPool
	media  *rtp.Engine
	codecs *codec.Registry

	mu       sync.Mutex
	sessions map[*sip.Dialog]*Session
	streams  map[*mediaStream]struct{} // every open stream, for the media collector
	mediaC   *mediaCollector
	draining atomic.Bool
	started  atomic.Bool

	sweepStop chan struct{}
	sweepDone chan struct{}
}

// New prepares a server; Start binds its listeners.
func New(opts Options) (*Server, error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Registerer == nil {
		opts.Registerer = prometheus.NewRegistry()
	}
	if opts.IdleTimeout <= 0 {
		opts.IdleTimeout = time.Minute
	}
	if len(opts.Codecs) == 0 {
		opts.Codecs = []string{"PCMU", "PCMA"}
	}
	s := &Server{
		opts:      opts,
		log:       opts.Logger,
		metrics:   newMetrics(opts.Registerer, opts.Backend),
		sessions:  map[*sip.Dialog]*Session{},
		sweepStop: make(chan struct{}),
		sweepDone: make(chan struct{}),
		codecs:    codec.NewDefaultRegistry(),
		streams:   map[*mediaStream]struct{}{},
	}
	s.mediaC = newMediaCollector(s)
	opts.Registerer.MustRegister(s.mediaC)
	for _, name := range opts.Codecs {
		if !s.knownCodec(name) {
			return nil, fmt.Errorf("server: unknown codec %q", name)
		}
	}
	return s, nil
}

// Start binds RTP, MRCPv2 and SIP, in that order, so that no offer is
// answered before everything it needs is there.
func (s *Server) Start(ctx context.Context) (err error) {
	defer func() {
		if err != nil {
			s.closeListeners()
		}
	}()
	if s.ports, err = rtp.NewPortPool(s.opts.RTP); err != nil {
		return err
	}
	s.opts.Media.Logger = s.log
	if s.media, err = rtp.NewEngine(s.opts.Media); err != nil {
		return err
	}
	s.opts.MRCP.Logger = s.log
	if s.ctl, err = transport.Listen(s.opts.MRCPAddr, s.opts.MRCP); err != nil {
		return err
	}
	s.opts.SIP.Logger = s.log
	if s.sip, err = sip.NewServer(s.opts.SIP, s); err != nil {
		return err
	}
	if err = s.sip.Start(ctx); err != nil {
		return err
	}
	go s.sweep()
	s.started.Store(true)
	s.log.Info("mrcpd listening", "sip_udp", s.sip.UDPAddr(), "sip_tcp", s.sip.TCPAddr(),
		"mrcp", s.ctl.Addr(), "rtp_ports", s.ports.Size()*2)
	return nil
}

// Ready reports whether new calls can be taken.
func (s *Server) Ready() error {
	switch {
	case !s.started.Load():
		return errors.New("starting")
	case s.draining.Load():
		return errors.New("draining")
	case s.ports.Available() == 0:
		return errors.New("no free RTP ports")
	}
	return nil
}

// Drain refuses new sessions (503) and waits until the existing ones end or
// ctx is done; it returns how many were still up.
func (s *Server) Drain(ctx context.Context) int {
	s.draining.Store(true)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		if n := s.SessionCount(); n == 0 {
			return 0
		}
		select {
		case <-ctx.Done():
			return s.SessionCount()
		case <-tick.C:
		}
	}
}

// Close ends every session and releases every listener and port.
func (s *Server) Close() error {
	s.draining.Store(true)
	if s.started.CompareAndSwap(true, false) {
		close(s.sweepStop)
		<-s.sweepDone
	}
	// Ending the SIP server ends every dialog (BYE), which tears each
	// session down; the control and media listeners go last, once no
	// session uses them.
	if s.sip != nil {
		s.sip.Close()
	}
	for _, sess := range s.snapshot() {
		sess.end("server shutdown")
		<-sess.done
	}
	s.closeListeners()
	return nil
}

func (s *Server) closeListeners() {
	if s.sip != nil {
		s.sip.Close()
	}
	if s.ctl != nil {
		s.ctl.Close()
	}
	if s.media != nil {
		s.media.Close()
	}
}

// SessionCount is the number of live sessions.
func (s *Server) SessionCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.sessions)
}

// SIPAddr, MRCPAddr describe the bound listeners (useful with port 0).
func (s *Server) SIPUDPAddr() string { return s.sip.UDPAddr().String() }
func (s *Server) SIPTCPAddr() string { return s.sip.TCPAddr().String() }
func (s *Server) MRCPAddr() string   { return s.ctl.Addr().String() }

// FreePorts is the number of RTP port pairs not in use.
func (s *Server) FreePorts() int { return s.ports.Available() }

func (s *Server) snapshot() []*Session {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]*Session, 0, len(s.sessions))
	for _, sess := range s.sessions {
		out = append(out, sess)
	}
	return out
}

// sweep ends sessions whose client vanished: one goroutine for the whole
// process rather than a timer per session.
func (s *Server) sweep() {
	defer close(s.sweepDone)
	every := s.opts.IdleTimeout / 4
	if every < 100*time.Millisecond {
		every = 100 * time.Millisecond
	}
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-s.sweepStop:
			return
		case now := <-tick.C:
			for _, sess := range s.snapshot() {
				if idle := sess.idleFor(now); idle >= s.opts.IdleTimeout {
					sess.log.Warn("session idle: no control connection and no media", "idle", idle.Round(time.Millisecond))
					sess.dialog.Hangup("idle timeout")
				}
			}
		}
	}
}

// Invite implements sip.Handler.
func (s *Server) Invite(ctx context.Context, d *sip.Dialog, offer *sip.Description) (*sip.Description, error) {
	if s.draining.Load() {
		s.metrics.sessionsTotal.WithLabelValues("503").Inc()
		return nil, &sip.Reject{Code: 503, Reason: "Server draining"}
	}
	sess := newSession(s, newSessionID(), d)
	answer, err := sess.negotiate(offer)
	if err != nil {
		sess.release("rejected")
		code := 488
		var rej *sip.Reject
		if errors.As(err, &rej) {
			code = rej.Code
		}
		s.metrics.sessionsTotal.WithLabelValues(fmt.Sprint(code)).Inc()
		sess.log.Warn("offer refused", "err", err)
		return nil, err
	}
	s.mu.Lock()
	s.sessions[d] = sess
	s.mu.Unlock()
	s.metrics.sessionsTotal.WithLabelValues("accepted").Inc()
	s.metrics.sessionsActive.Inc()
	go sess.run()
	return answer, nil
}

// Reinvite implements sip.Handler.
func (s *Server) Reinvite(ctx context.Context, d *sip.Dialog, offer *sip.Description) (*sip.Description, error) {
	sess := s.lookup(d)
	if sess == nil {
		return nil, &sip.Reject{Code: 481, Reason: "Call/Transaction Does Not Exist"}
	}
	var answer *sip.Description
	var err error
	if !sess.call(func() { answer, err = sess.negotiate(offer) }) {
		return nil, &sip.Reject{Code: 481, Reason: "Session ended"}
	}
	if err != nil {
		sess.log.Warn("re-offer refused", "err", err)
	}
	return answer, err
}

// Ended implements sip.Handler.
func (s *Server) Ended(d *sip.Dialog, reason string) {
	if sess := s.lookup(d); sess != nil {
		sess.end(reason)
	}
}

func (s *Server) lookup(d *sip.Dialog) *Session {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sessions[d]
}

func (s *Server) forget(sess *Session, reason string) {
	s.mu.Lock()
	_, ok := s.sessions[sess.dialog]
	delete(s.sessions, sess.dialog)
	s.mu.Unlock()
	if ok {
		s.metrics.sessionsActive.Dec()
		s.metrics.sessionsEnded.WithLabelValues(reason).Inc()
	}
}

// newSessionID returns the session part of Channel-Identifiers: 64 random
// bits in hex, as unguessable as the channel needs to be (RFC 6787 §6.2.1).
func newSessionID() string {
	var b [8]byte
	rand.Read(b[:]) // never fails (crypto/rand, Go 1.24+)
	return hex.EncodeToString(b[:])
}

func (s *Server) knownCodec(name string) bool {
	n, _, _ := strings.Cut(name, "/")
	for _, c := range s.codecs.Codecs() {
		if strings.EqualFold(c.Name(), n) {
			return true
		}
	}
	return false
}

// advertiseHost is the address written into SDP: configured, else the RTP
// bind address when it is specific, else the host's first non-loopback IPv4
// address.
func (s *Server) advertiseHost() string {
	if s.opts.AdvertiseHost != "" {
		return s.opts.AdvertiseHost
	}
	if h := s.opts.RTP.Host; h.IsValid() && !h.IsUnspecified() {
		return h.String()
	}
	return outboundIPv4()
}

func (s *Server) mrcpPort() int { return s.ctl.Addr().(*net.TCPAddr).Port }

func outboundIPv4() string {
	addrs, err := net.InterfaceAddrs()
	if err == nil {
		for _, a := range addrs {
			if ipn, ok := a.(*net.IPNet); ok && !ipn.IP.IsLoopback() && ipn.IP.To4() != nil {
				return ipn.IP.String()
			}
		}
	}
	return "127.0.0.1"
}
