package rtp

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mrcpd/mrcpd/rtp/codec"
)

// Sink receives what a Stream decodes. Its methods run on the media
// goroutine of the stream's Engine shard: they must not block, and must not
// call Engine.Remove or Stream.Close.
type Sink interface {
	// OnAudio gets decoded samples at the codec's sample rate, in sequence
	// order. pcm is reused after the call returns.
	OnAudio(pcm []int16)
	// OnDTMF gets the begin and the end of each RFC 4733 digit.
	OnDTMF(ev DTMFEvent)
	// OnTick is called every media tick, packet or not, to drive timers.
	OnTick(now time.Time)
}

// Source supplies the audio a Stream sends, one frame per packet.
type Source interface {
	// ReadFrame fills pcm (one frame at the codec's sample rate) and reports
	// how many samples it wrote; a short frame is padded with silence.
	// ok=false means there is nothing to send now. It runs on the media
	// goroutine and must not block.
	ReadFrame(pcm []int16) (n int, ok bool)
}

// StreamConfig describes one negotiated media stream.
type StreamConfig struct {
	// Ports is the socket pair from a PortPool. The Stream owns it from
	// now on and releases it on Close.
	Ports *PortPair
	// Codec and PayloadType are the audio format of the SDP answer.
	Codec       codec.Codec
	PayloadType uint8
	// EventPayloadType is the telephone-event payload type (RFC 4733); 0
	// means none was negotiated (0 is PCMU's static type, never an event's).
	EventPayloadType uint8
	// Remote is the RTP address from the peer's SDP; RemoteRTCP defaults to
	// its port + 1 (RFC 3550 §11). Remote may be unset when Latch is on.
	Remote     netip.AddrPort
	RemoteRTCP netip.AddrPort
	// Latch turns on symmetric RTP (RFC 4961): the first RTP source is
	// where media goes from then on, and RTP from other addresses is
	// dropped. Media then reaches peers behind NAT, whose SDP carries an
	// address that cannot be reached from here.
	Latch bool
	// FrameDuration is the packetisation time (SDP ptime); default 20 ms.
	FrameDuration time.Duration
	// ReorderDepth is how many packets may wait for a gap; default 4.
	ReorderDepth int
	// MaxReorderDelay is how long a gap is waited for; default 60 ms.
	MaxReorderDelay time.Duration
	// DTMFTimeout ends a digit whose end packets never came; default 1 s.
	DTMFTimeout time.Duration
	// RTCPInterval is the mean report interval; default 5 s (RFC 3550 §6.2).
	RTCPInterval time.Duration
	// SSRC of what we send; 0 picks a random one. CNAME defaults to a
	// random identifier (RFC 7022).
	SSRC   uint32
	CNAME  string
	Logger *slog.Logger
}

// Stream is one RTP media stream of a session. It is driven by an Engine;
// its packet state belongs to the engine shard it is added to, and the
// exported methods are safe from any goroutine.
type Stream struct {
	// The fields a tick reads for every stream come first, so that a shard
	// walking thousands of streams touches few cache lines per stream.
	rtpSock, rtcpSock udpSocket // copies of the pair's sockets, one pointer hop less
	sink              atomic.Pointer[sinkBox]
	source            atomic.Pointer[sourceBox]
	// pendingRemote carries SetRemote to the media goroutine.
	pendingRemote atomic.Pointer[remoteAddrs]
	// dtmfQueued counts requests in dtmfQueue, read each tick without
	// touching the channel.
	dtmfQueued atomic.Int32
	// dtmfQueue carries SendDTMF requests to the media goroutine. It is made
	// by the first request: most streams never send a digit.
	dtmfQueue atomic.Pointer[chan dtmfRequest]
	// id is the stream's slot in its shard's readiness set.
	id int

	pt         uint8
	eventPT    uint8
	hasEvents  bool
	latch      bool
	frame      time.Duration
	frameUnits uint32 // RTP timestamp units per frame
	frameLen   int    // PCM samples per frame
	clockRate  int
	epoch      time.Time

	// Owned by the media goroutine.
	rx  receiver
	tx  sender
	ctl rtcpState

	stats counters

	// Cold: set-up, control and tear-down.
	// log gets its rtp_port attribute when first used, by the media
	// goroutine (logger): a handler's WithAttrs copies itself and formats
	// the attributes ahead, a few hundred bytes per stream that most streams
	// never log with.
	log       *slog.Logger
	logTagged bool
	ports     *PortPair
	codec     codec.Codec
	slow      slowStats

	// engine is set while the stream is added to one; shard is guarded by
	// the engine's lock.
	engine atomic.Pointer[Engine]
	shard  *shard

	closeOnce sync.Once
	closeErr  error
}

type sinkBox struct{ Sink }
type sourceBox struct{ Source }

type remoteAddrs struct {
	rtp, rtcp netip.AddrPort
}

// NewStream prepares a stream on the given ports. It starts receiving when
// added to an Engine.
func NewStream(cfg StreamConfig) (*Stream, error) {
	if cfg.Ports == nil {
		return nil, errors.New("rtp: stream needs a port pair")
	}
	if cfg.Codec == nil {
		return nil, errors.New("rtp: stream needs a codec")
	}
	if cfg.PayloadType > 127 || cfg.EventPayloadType > 127 {
		return nil, fmt.Errorf("rtp: payload types %d/%d out of range", cfg.PayloadType, cfg.EventPayloadType)
	}
	if cfg.EventPayloadType != 0 && cfg.EventPayloadType == cfg.PayloadType {
		return nil, fmt.Errorf("rtp: audio and telephone-event share payload type %d", cfg.PayloadType)
	}
	if cfg.FrameDuration == 0 {
		cfg.FrameDuration = 20 * time.Millisecond
	}
	if cfg.FrameDuration < 10*time.Millisecond || cfg.FrameDuration > 120*time.Millisecond {
		return nil, fmt.Errorf("rtp: frame duration %v outside 10-120 ms", cfg.FrameDuration)
	}
	if cfg.ReorderDepth == 0 {
		cfg.ReorderDepth = 4
	}
	if cfg.ReorderDepth < 1 || cfg.ReorderDepth > 32 {
		return nil, fmt.Errorf("rtp: reorder depth %d outside 1-32", cfg.ReorderDepth)
	}
	if cfg.MaxReorderDelay == 0 {
		cfg.MaxReorderDelay = 60 * time.Millisecond
	}
	if cfg.DTMFTimeout == 0 {
		cfg.DTMFTimeout = time.Second
	}
	if cfg.RTCPInterval == 0 {
		cfg.RTCPInterval = 5 * time.Second
	}
	if cfg.RTCPInterval < 10*time.Millisecond {
		return nil, fmt.Errorf("rtp: RTCP interval %v below 10 ms", cfg.RTCPInterval)
	}
	frameLen := int(time.Duration(cfg.Codec.SampleRate()) * cfg.FrameDuration / time.Second)
	if frameLen > frameBufSamples || 12+cfg.Codec.NewEncoder().PayloadLen(frameLen) > sendBufSize {
		return nil, fmt.Errorf("rtp: %v frames of %s/%d do not fit one packet", cfg.FrameDuration, cfg.Codec.Name(), cfg.Codec.ClockRate())
	}
	if !cfg.Remote.IsValid() && !cfg.Latch {
		return nil, errors.New("rtp: stream needs a remote address or latching")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	var rnd [12]byte
	if _, err := rand.Read(rnd[:]); err != nil {
		return nil, err
	}
	if cfg.SSRC == 0 {
		cfg.SSRC = binary.BigEndian.Uint32(rnd[:4]) | 1
	}
	if cfg.CNAME == "" {
		cfg.CNAME = hex.EncodeToString(rnd[4:])
	}
	if err := cfg.Ports.rtp.enableArrivalTimes(); err != nil {
		return nil, fmt.Errorf("rtp: enabling arrival timestamps: %w", err)
	}

	clock := cfg.Codec.ClockRate()
	s := &Stream{
		log:        cfg.Logger,
		ports:      cfg.Ports,
		rtpSock:    *cfg.Ports.rtp,
		rtcpSock:   *cfg.Ports.rtcp,
		codec:      cfg.Codec,
		pt:         cfg.PayloadType,
		eventPT:    cfg.EventPayloadType,
		hasEvents:  cfg.EventPayloadType != 0,
		latch:      cfg.Latch,
		frame:      cfg.FrameDuration,
		frameUnits: uint32(time.Duration(clock) * cfg.FrameDuration / time.Second),
		frameLen:   frameLen,
		clockRate:  clock,
		epoch:      time.Now(),
	}
	remoteRTCP := cfg.RemoteRTCP
	if !remoteRTCP.IsValid() {
		remoteRTCP = rtcpBeside(cfg.Remote)
	}
	s.rx = receiver{
		decoder: cfg.Codec.NewDecoder(),
		dtmf:    dtmfDetector{clockRate: clock, timeout: cfg.DTMFTimeout},
	}
	s.rx.reorder = newReorderBuffer(s, cfg.ReorderDepth, cfg.MaxReorderDelay)
	s.tx = sender{
		encoder: cfg.Codec.NewEncoder(),
		ssrc:    cfg.SSRC,
		seq:     binary.BigEndian.Uint16(rnd[4:]),
		ts:      binary.BigEndian.Uint32(rnd[6:]),
		remote:  cfg.Remote,
	}
	s.ctl = rtcpState{cname: cfg.CNAME, interval: cfg.RTCPInterval, remote: remoteRTCP}
	s.slow.remote = cfg.Remote
	if !cfg.Ports.owner.CompareAndSwap(nil, s) {
		return nil, errors.New("rtp: port pair already used by a stream")
	}
	return s, nil
}

// rtcpBeside is the RTCP address that goes with an RTP address when nothing
// else is said: the next port (RFC 3550 §11). None for the last port.
func rtcpBeside(rtp netip.AddrPort) netip.AddrPort {
	if !rtp.IsValid() || rtp.Port() == 0 || rtp.Port() == 65535 {
		return netip.AddrPort{}
	}
	return netip.AddrPortFrom(rtp.Addr(), rtp.Port()+1)
}

// logger is the stream's logger with its rtp_port attribute. Only the media
// goroutine calls it.
func (s *Stream) logger() *slog.Logger {
	if !s.logTagged {
		s.log, s.logTagged = s.log.With("rtp_port", s.ports.Port()), true
	}
	return s.log
}

// LocalPort is the RTP port to put in the SDP answer; RTCP is one above.
func (s *Stream) LocalPort() int { return s.ports.Port() }

// SSRC is the synchronisation source of what this stream sends.
func (s *Stream) SSRC() uint32 { return s.tx.ssrc }

// SampleRate is the rate of the PCM exchanged with the Sink and Source.
func (s *Stream) SampleRate() int { return s.codec.SampleRate() }

// FrameSamples is the length of the frame handed to Source.ReadFrame.
func (s *Stream) FrameSamples() int { return s.frameLen }

// SetSink sets where decoded audio and DTMF go; nil discards them.
func (s *Stream) SetSink(sink Sink) {
	if sink == nil {
		s.sink.Store(nil)
		return
	}
	s.sink.Store(&sinkBox{sink})
}

// SetSource sets what audio is sent; nil stops sending.
func (s *Stream) SetSource(src Source) {
	if src == nil {
		s.source.Store(nil)
		return
	}
	s.source.Store(&sourceBox{src})
}

// SetRemote changes the peer's addresses, as after a re-INVITE. A zero rtcp
// address means rtp's port + 1. It takes effect at the next tick and ends
// any latching done so far.
func (s *Stream) SetRemote(rtp, rtcp netip.AddrPort) error {
	if !rtp.IsValid() {
		return errors.New("rtp: invalid remote address")
	}
	if !rtcp.IsValid() {
		rtcp = rtcpBeside(rtp)
	}
	s.pendingRemote.Store(&remoteAddrs{rtp: rtp, rtcp: rtcp})
	return nil
}

// SendDTMF queues a digit ('0'-'9', '*', '#', 'A'-'D') to send as RFC 4733
// telephone-events of the given duration, in place of audio while it lasts.
func (s *Stream) SendDTMF(digit byte, duration time.Duration) error {
	if !s.hasEvents {
		return errors.New("rtp: no telephone-event payload type negotiated")
	}
	code, ok := digitEvent(digit)
	if !ok {
		return fmt.Errorf("rtp: %q is not a DTMF digit", digit)
	}
	units := uint64(duration) * uint64(s.clockRate) / uint64(time.Second)
	if duration < 10*time.Millisecond || units > 0xffff {
		return fmt.Errorf("rtp: DTMF duration %v outside 10 ms to the 16-bit field's limit", duration)
	}
	q := s.dtmfQueue.Load()
	if q == nil {
		c := make(chan dtmfRequest, dtmfQueueLen)
		if s.dtmfQueue.CompareAndSwap(nil, &c) {
			q = &c
		} else {
			q = s.dtmfQueue.Load()
		}
	}
	// Counted before it is queued, so that the count cannot drop below
	// zero when the media goroutine takes the request at once.
	s.dtmfQueued.Add(1)
	select {
	case *q <- dtmfRequest{code: code, units: uint32(units)}:
		return nil
	default:
		s.dtmfQueued.Add(-1)
		return errors.New("rtp: DTMF queue full")
	}
}

// Stats returns a snapshot of the counters.
func (s *Stream) Stats() Stats {
	c := &s.stats
	st := Stats{
		PacketsReceived: c.packetsReceived.Load(),
		BytesReceived:   c.bytesReceived.Load(),
		Lost:            c.lost.Load(),
		Late:            c.late.Load(),
		Duplicate:       c.duplicate.Load(),
		Bad:             c.bad.Load() + c.invalidSeq.Load(),
		Foreign:         c.foreign.Load(),
		PacketsSent:     c.packetsSent.Load(),
		BytesSent:       c.bytesSent.Load(),
		DigitsReceived:  c.digitsReceived.Load(),
		DigitsSent:      c.digitsSent.Load(),
		RTCPReceived:    c.rtcpReceived.Load(),
		RTCPSent:        c.rtcpSent.Load(),
		RTCPBad:         c.rtcpBad.Load(),
		Jitter:          time.Duration(c.jitterUnits.Load()) * time.Second / time.Duration(s.clockRate),
		SSRC:            s.tx.ssrc,
		RemoteSSRC:      c.remoteSSRC.Load(),
	}
	s.slow.mu.Lock()
	st.Remote, st.Latched = s.slow.remote, s.slow.latched
	st.RemoteReport, st.RemoteReportAt = s.slow.remoteReport, s.slow.remoteReportAt
	s.slow.mu.Unlock()
	return st
}

// Close detaches the stream from its Engine (waiting until the media
// goroutine has let go of it), then closes or releases its ports.
func (s *Stream) Close() error {
	s.closeOnce.Do(func() {
		if e := s.engine.Load(); e != nil {
			e.Remove(s)
		}
		s.ports.owner.CompareAndSwap(s, nil)
		s.closeErr = s.ports.free()
	})
	return s.closeErr
}
