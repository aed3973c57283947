package server

import (
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mrcpd/mrcpd/mrcp"
	"github.com/mrcpd/mrcpd/rtp"
	"github.com/mrcpd/mrcpd/rtp/codec"
	"github.com/mrcpd/mrcpd/sip"
)

// inboxSize bounds the events queued for one session. Control messages wait
// for room (back-pressure on that TCP connection); media events never wait.
const inboxSize = 64

// Session is everything of one SIP dialog: its control channels, media
// streams, recognitions and timers. One goroutine (run) owns all of it;
// other goroutines post closures to its inbox and they run in order, so the
// session needs no locks of its own.
type Session struct {
	srv    *Server
	id     string
	dialog *sip.Dialog
	log    *slog.Logger

	inbox   chan func()
	stop    chan struct{} // closed by end
	done    chan struct{} // closed when torn down
	endOnce sync.Once
	reason  atomic.Pointer[string]

	// Owned by run (and by Invite before run starts).
	channels map[string]channel      // by resource
	streams  map[string]*mediaStream // by a=mid
	version  uint64                  // SDP o= version

	// lastControl is the time of the last control message (or media seen
	// by the sweeper), read by the process-wide idle sweeper.
	lastControl atomic.Int64
	created     time.Time
}

// channel is one MRCPv2 control channel of a session (RFC 6787 §4.2).
type channel interface {
	ID() mrcp.ChannelID
	// attach binds the channel's media stream (nil detaches).
	attach(ms *mediaStream)
	// connected reports whether a control connection carries it now.
	connected() bool
	// close ends whatever is in progress and releases the channel.
	close(reason string)
}

func newSession(srv *Server, id string, d *sip.Dialog) *Session {
	now := time.Now()
	s := &Session{
		srv:      srv,
		id:       id,
		dialog:   d,
		log:      d.Logger().With("session", id),
		inbox:    make(chan func(), inboxSize),
		stop:     make(chan struct{}),
		done:     make(chan struct{}),
		channels: map[string]channel{},
		streams:  map[string]*mediaStream{},
		created:  now,
	}
	s.lastControl.Store(now.UnixNano())
	return s
}

// run is the session's goroutine.
func (s *Session) run() {
	s.log.Info("session started", "remote", s.dialog.RemoteAddr(), "transport", s.dialog.Transport())
	for {
		select {
		case f := <-s.inbox:
			f()
		case <-s.stop:
			reason := *s.reason.Load()
			s.release(reason)
			s.srv.forget(s, reason)
			s.log.Info("session ended", "reason", reason, "duration", time.Since(s.created).Round(time.Millisecond))
			close(s.done)
			return
		}
	}
}

// post queues f for the session goroutine, waiting for room; false when the
// session has ended.
func (s *Session) post(f func()) bool {
	select {
	case s.inbox <- f:
		return true
	case <-s.stop:
		return false
	}
}

// tryPost queues f without waiting, for callers on the media path.
func (s *Session) tryPost(f func()) bool {
	select {
	case s.inbox <- f:
		return true
	default:
		s.log.Error("session inbox full: media event dropped")
		return false
	}
}

// call runs f on the session goroutine and waits for it.
func (s *Session) call(f func()) bool {
	ran := make(chan struct{})
	if !s.post(func() { f(); close(ran) }) {
		return false
	}
	select {
	case <-ran:
		return true
	case <-s.done:
		return false
	}
}

// end asks the session to tear down; the first reason wins.
func (s *Session) end(reason string) {
	s.endOnce.Do(func() {
		s.reason.Store(&reason)
		close(s.stop)
	})
}

// release is the one tear-down call: every channel, stream and port.
func (s *Session) release(reason string) {
	for res, ch := range s.channels {
		ch.close(reason)
		delete(s.channels, res)
		s.srv.metrics.channelsActive.WithLabelValues(res).Dec()
	}
	for mid, ms := range s.streams {
		ms.close()
		delete(s.streams, mid)
	}
}

// idleFor reports how long the session has had neither a control
// connection nor media. Called from the sweeper goroutine; media activity is
// noticed by the packet count moving between two sweeps, so the media path
// keeps no clock for it.
func (s *Session) idleFor(now time.Time) time.Duration {
	idle := time.Duration(0)
	s.call(func() {
		for _, ch := range s.channels {
			if ch.connected() {
				return
			}
		}
		for _, ms := range s.streams {
			if n := ms.stream.Stats().PacketsReceived; n != ms.packets {
				ms.packets, ms.active = n, now
			}
			if ms.active.UnixNano() > s.lastControl.Load() {
				s.lastControl.Store(ms.active.UnixNano())
			}
		}
		idle = now.Sub(time.Unix(0, s.lastControl.Load()))
	})
	return idle
}

// touch records control activity.
func (s *Session) touch() { s.lastControl.Store(time.Now().UnixNano()) }

// negotiate answers an offer (initial or re-offer, RFC 6787 §4.2, RFC 3264):
// control m-lines open, keep or (port 0) remove channels; audio m-lines named
// by a kept channel's cmid get a media stream. Lines we cannot serve are
// answered with port 0 and the rest kept. On error nothing of this offer
// stays allocated.
func (s *Session) negotiate(offer *sip.Description) (answer *sip.Description, err error) {
	srv := s.srv
	answer = &sip.Description{
		Origin: sip.Origin{
			Username:       "mrcpd",
			SessionID:      sessionNumber(s.id),
			SessionVersion: s.version,
			Address:        srv.advertiseHost(),
		},
		ConnectionAddr: srv.advertiseHost(),
		Media:          make([]sip.Media, len(offer.Media)),
	}
	s.version++

	// Removals (port 0) take effect only once the whole offer is accepted:
	// a refused re-offer leaves the session as it was (RFC 3264 §8).
	var addedChannels []channel
	var addedStreams []*mediaStream
	var removeChannels, removeStreams []string
	defer func() {
		if err == nil {
			return
		}
		for _, ch := range addedChannels {
			ch.close("offer refused")
			delete(s.channels, ch.ID().Resource)
			srv.metrics.channelsActive.WithLabelValues(ch.ID().Resource).Dec()
		}
		for _, ms := range addedStreams {
			ms.close()
			delete(s.streams, ms.mid)
		}
	}()

	// Control lines first: they decide which audio lines are wanted.
	wanted := map[string][]channel{} // mid -> channels using it
	accepted := 0
	for i, m := range offer.Media {
		if !m.IsControl() {
			continue
		}
		res := m.Resource
		if res == "" {
			res = m.ChannelResource()
		}
		if m.Port == 0 {
			if _, ok := s.channels[res]; ok {
				removeChannels = append(removeChannels, res)
			}
			answer.Media[i] = m.Rejected()
			continue
		}
		if m.Proto != "TCP/MRCPv2" {
			s.log.Warn("control transport not offered by this server", "proto", m.Proto, "resource", res)
			answer.Media[i] = m.Rejected()
			continue
		}
		ch, ok := s.channels[res]
		if !ok {
			ch, err = s.openChannel(res)
			if errors.Is(err, errUnsupportedResource) {
				s.log.Warn("resource refused", "resource", res, "err", err)
				answer.Media[i] = m.Rejected()
				err = nil
				continue
			}
			if err != nil {
				return nil, err
			}
			s.channels[res] = ch
			addedChannels = append(addedChannels, ch)
			srv.metrics.channelsActive.WithLabelValues(res).Inc()
		}
		conn := m.Connection
		if conn == "" {
			conn = "new"
		}
		answer.Media[i] = sip.Media{
			Kind:       sip.KindApplication,
			Port:       srv.mrcpPort(),
			Proto:      m.Proto,
			Setup:      "passive", // RFC 6787 §4.2: the client opens the connection
			Connection: conn,
			Channel:    ch.ID().String(),
			CMID:       m.CMID,
		}
		wanted[m.CMID] = append(wanted[m.CMID], ch)
		accepted++
	}
	if accepted == 0 {
		return nil, &sip.Reject{Code: 488, Reason: "No supported MRCPv2 resource offered"}
	}

	for i, m := range offer.Media {
		if m.IsControl() {
			continue
		}
		users := wanted[m.Mid]
		if m.Kind != "audio" || !m.IsRTP() || m.Port == 0 || len(users) == 0 {
			if _, ok := s.streams[m.Mid]; ok && m.Port == 0 {
				removeStreams = append(removeStreams, m.Mid)
			}
			answer.Media[i] = m.Rejected()
			continue
		}
		remote, rerr := remoteAddr(offer.AddrOf(&m), m.Port)
		if rerr != nil {
			return nil, &sip.Reject{Code: 488, Reason: rerr.Error()}
		}
		ms, ok := s.streams[m.Mid]
		if !ok {
			ms, err = s.openStream(m, remote)
			if err != nil {
				return nil, err
			}
			s.streams[m.Mid] = ms
			addedStreams = append(addedStreams, ms)
		} else if err = ms.stream.SetRemote(remote, netip.AddrPortFrom(remote.Addr(), remote.Port()+1)); err != nil {
			return nil, err
		}
		answer.Media[i] = ms.answer
		for _, ch := range users {
			ch.attach(ms)
		}
	}
	// A kept channel whose cmid names no audio line has no media to work on.
	for mid := range wanted {
		if _, ok := s.streams[mid]; !ok {
			return nil, &sip.Reject{Code: 488, Reason: fmt.Sprintf("a=cmid:%s names no audio stream", mid)}
		}
	}
	for _, res := range removeChannels {
		ch := s.channels[res]
		ch.close("removed by re-offer")
		delete(s.channels, res)
		srv.metrics.channelsActive.WithLabelValues(res).Dec()
		s.log.Info("channel removed", "channel", ch.ID().String())
	}
	for _, mid := range removeStreams {
		s.streams[mid].close()
		delete(s.streams, mid)
	}
	return answer, nil
}

var errUnsupportedResource = errors.New("resource not supported")

// openChannel creates and registers the channel of a resource.
func (s *Session) openChannel(resource string) (channel, error) {
	id := mrcp.ChannelID{Session: s.id, Resource: resource}
	var ch channel
	switch resource {
	case mrcp.ResourceSpeechRecog:
		if s.srv.opts.Speech == nil {
			return nil, fmt.Errorf("%w: %s (no recogniser configured)", errUnsupportedResource, resource)
		}
		rc, err := newRecogChannel(s, id)
		if err != nil {
			return nil, err
		}
		ch = rc
	default:
		return nil, fmt.Errorf("%w: %s", errUnsupportedResource, resource)
	}
	if err := s.srv.ctl.Register(id, ch.(controlHandler)); err != nil {
		ch.close("register failed")
		return nil, err
	}
	s.log.Info("channel opened", "channel", id.String())
	return ch, nil
}

// mediaStream is one RTP stream of the session (one a=mid).
type mediaStream struct {
	mid    string
	ports  *rtp.PortPair
	stream *rtp.Stream
	answer sip.Media
	srv    *Server
	// packets and active track media activity for the idle sweeper.
	packets uint64
	active  time.Time
}

func (s *Session) openStream(m sip.Media, remote netip.AddrPort) (*mediaStream, error) {
	srv := s.srv
	ports, err := srv.ports.Allocate()
	if err != nil {
		return nil, &sip.Reject{Code: 503, Reason: "No free RTP ports"}
	}
	ans, err := sip.AnswerAudio(m, srv.opts.Codecs, ports.Port())
	if err != nil {
		ports.Release()
		return nil, &sip.Reject{Code: 488, Reason: err.Error()}
	}
	var audio codec.Codec
	var pt, tePT uint8
	for _, f := range ans.Formats {
		if f.Name == "telephone-event" {
			tePT = f.PayloadType
			continue
		}
		if c, ok := srv.codecs.Lookup(f.Name, f.ClockRate); ok && audio == nil {
			audio, pt = c, f.PayloadType
		}
	}
	if audio == nil {
		ports.Release()
		return nil, &sip.Reject{Code: 488, Reason: "No common codec"}
	}
	st, err := rtp.NewStream(rtp.StreamConfig{
		Ports:            ports,
		Codec:            audio,
		PayloadType:      pt,
		EventPayloadType: tePT,
		Remote:           remote,
		RemoteRTCP:       netip.AddrPortFrom(remote.Addr(), remote.Port()+1),
		Latch:            srv.opts.Latching,
		CNAME:            "mrcpd-" + s.id,
		Logger:           s.log.With("mid", m.Mid),
	})
	if err != nil {
		ports.Release()
		return nil, err
	}
	if err := srv.media.Add(st); err != nil {
		st.Close()
		return nil, err
	}
	s.log.Debug("media stream opened", "mid", m.Mid, "port", ports.Port(), "codec", audio.Name(), "remote", remote)
	ms := &mediaStream{mid: m.Mid, ports: ports, stream: st, answer: ans, srv: srv}
	srv.mu.Lock()
	srv.streams[ms] = struct{}{}
	srv.mu.Unlock()
	return ms, nil
}

// telephoneEvents reports whether the answer kept RFC 4733 events.
func (ms *mediaStream) telephoneEvents() bool {
	for _, f := range ms.answer.Formats {
		if strings.EqualFold(f.Name, "telephone-event") {
			return true
		}
	}
	return false
}

func (ms *mediaStream) close() {
	ms.srv.media.Remove(ms.stream)
	ms.stream.Close()
	ms.srv.mu.Lock()
	if _, ok := ms.srv.streams[ms]; ok {
		delete(ms.srv.streams, ms)
		ms.srv.mediaC.closed.add(totalsOf(ms))
	}
	ms.srv.mu.Unlock()
}

func remoteAddr(host string, port int) (netip.AddrPort, error) {
	addr, err := netip.ParseAddr(host)
	if err != nil {
		return netip.AddrPort{}, fmt.Errorf("connection address %q is not an IP address", host)
	}
	if port <= 0 || port > 65535 {
		return netip.AddrPort{}, fmt.Errorf("media port %d out of range", port)
	}
	return netip.AddrPortFrom(addr.Unmap(), uint16(port)), nil
}

// sessionNumber turns the hex session id into the o= session number.
func sessionNumber(id string) uint64 {
	n, _ := strconv.ParseUint(id, 16, 64)
	return n >> 1 // o= numbers are conventionally kept within int64
}
