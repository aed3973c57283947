package client

import (
	"errors"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	pionrtp "github.com/pion/rtp"

	"github.com/mrcpd/mrcpd/rtp/codec"
)

const (
	// frameDuration is the packetisation time of everything sent (the
	// offered a=ptime).
	frameDuration = ptimeMillis * time.Millisecond
	// FastFactor is how much faster than real time a fast playback runs:
	// one 20 ms frame every 4 ms. The server drains up to 64 packets of a
	// stream per 20 ms tick and delivers in-order packets at once, so five
	// per tick keep far from its socket and reorder limits while making a
	// file five times quicker to recognise.
	FastFactor = 5
	// maxLag is how late the sender may wake (a stalled machine) before it
	// restarts its schedule instead of sending a burst.
	maxLag = 100 * time.Millisecond
	// sendBufSize holds the largest frame: 20 ms of L16 at 48 kHz.
	sendBufSize = 12 + 2*960
	// dtmfEndPackets is how often the last packet of an event is sent
	// (RFC 4733 §2.5.1.4); dtmfGapFrames keep two digits apart.
	dtmfEndPackets = 3
	dtmfGapFrames  = 2
	// dtmfVolume is -10 dBm0 (RFC 4733 §2.3.4).
	dtmfVolume = 10
)

// mediaFormat is the negotiated audio format; replaced whole after a
// re-INVITE.
type mediaFormat struct {
	codec        codec.Codec
	pt           uint8
	eventPT      uint8
	events       bool
	frameSamples int    // PCM samples per 20 ms frame
	frameUnits   uint32 // RTP timestamp units per frame
}

func newMediaFormat(a negotiatedAudio) *mediaFormat {
	return &mediaFormat{
		codec:        a.codec,
		pt:           a.pt,
		eventPT:      a.eventPT,
		events:       a.events,
		frameSamples: a.codec.SampleRate() * ptimeMillis / 1000,
		frameUnits:   uint32(a.codec.ClockRate() * ptimeMillis / 1000),
	}
}

// Playback describes the latest audio playback: when its first and last
// packets left, so that latencies can be measured from them.
type Playback struct {
	FirstPacket time.Time
	LastPacket  time.Time
	Frames      int
	Fast        bool
	Done        bool
}

// MediaStats counts what the session's RTP sockets sent and received.
type MediaStats struct {
	PacketsSent     uint64
	BytesSent       uint64 // payload bytes
	DigitsSent      uint64
	PacketsReceived uint64
	BytesReceived   uint64
	RTCPReceived    uint64
	// FirstReceived is when the first RTP packet from the server came.
	FirstReceived time.Time
}

type playJob struct {
	pcm   []int16 // at the codec's sample rate
	fast  bool
	stop  <-chan struct{}
	done  chan error
	pos   int
	track *Playback // guarded by media.playMu
}

type dtmfJob struct {
	code  uint8
	units uint32
	done  chan error
}

// media is the session's RTP: one socket pair and one sender goroutine that
// paces audio frames, RFC 4733 events and silence. The goroutine only wakes
// while something is to be sent.
type media struct {
	log      *slog.Logger
	rtpConn  *net.UDPConn
	rtcpConn *net.UDPConn
	remote   atomic.Pointer[netip.AddrPort]
	format   atomic.Pointer[mediaFormat]

	plays   chan *playJob
	digits  chan *dtmfJob
	wake    chan struct{}
	quit    chan struct{}
	closing sync.Once
	wg      sync.WaitGroup

	// silenceUntil (unix nanoseconds) keeps silence frames going.
	silenceUntil atomic.Int64

	sink atomic.Pointer[func([]int16)]

	playMu sync.Mutex
	last   Playback

	packetsSent, bytesSent, digitsSent atomic.Uint64
	packetsRecv, bytesRecv, rtcpRecv   atomic.Uint64
	firstRecv                          atomic.Int64
}

func newMedia(rtpConn, rtcpConn *net.UDPConn, log *slog.Logger) *media {
	return &media{
		log:      log,
		rtpConn:  rtpConn,
		rtcpConn: rtcpConn,
		plays:    make(chan *playJob, 16),
		digits:   make(chan *dtmfJob, 16),
		wake:     make(chan struct{}, 1),
		quit:     make(chan struct{}),
	}
}

// start begins sending toward remote in format f, and receiving.
func (m *media) start(remote netip.AddrPort, f *mediaFormat) {
	m.remote.Store(&remote)
	m.format.Store(f)
	m.wg.Add(3)
	go m.send()
	go m.receiveRTP()
	go m.receiveRTCP()
}

func (m *media) localPort() int { return m.rtpConn.LocalAddr().(*net.UDPAddr).Port }

func (m *media) close() {
	m.closing.Do(func() {
		close(m.quit)
		m.rtpConn.Close()
		m.rtcpConn.Close()
	})
	m.wg.Wait()
}

func (m *media) closed() bool {
	select {
	case <-m.quit:
		return true
	default:
		return false
	}
}

func (m *media) setSilence(d time.Duration) {
	if d <= 0 {
		m.silenceUntil.Store(0)
		return
	}
	m.silenceUntil.Store(time.Now().Add(d).UnixNano())
	select {
	case m.wake <- struct{}{}:
	default:
	}
}

func (m *media) playback() Playback {
	m.playMu.Lock()
	defer m.playMu.Unlock()
	return m.last
}

func (m *media) stats() MediaStats {
	st := MediaStats{
		PacketsSent:     m.packetsSent.Load(),
		BytesSent:       m.bytesSent.Load(),
		DigitsSent:      m.digitsSent.Load(),
		PacketsReceived: m.packetsRecv.Load(),
		BytesReceived:   m.bytesRecv.Load(),
		RTCPReceived:    m.rtcpRecv.Load(),
	}
	if t := m.firstRecv.Load(); t != 0 {
		st.FirstReceived = time.Unix(0, t)
	}
	return st
}

// sender is the state of the sender goroutine.
type sender struct {
	m      *media
	f      *mediaFormat
	enc    codec.Encoder
	ssrc   uint32
	seq    uint16
	ts     uint32 // timestamp of the slot at next
	next   time.Time
	marker bool
	buf    []byte
	pcm    []int16

	play   *playJob
	dtmf   *dtmfJob
	dtmfTS uint32 // timestamp of the event being sent
	dtmfAt uint32 // duration sent so far
	ends   int    // end packets sent
	gap    int    // frames to wait before the next digit
}

func (m *media) send() {
	defer m.wg.Done()
	s := &sender{
		m:      m,
		ssrc:   rand.Uint32() | 1,
		seq:    uint16(rand.Uint32()),
		ts:     rand.Uint32(),
		buf:    make([]byte, sendBufSize),
		marker: true,
	}
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	defer timer.Stop()
	defer s.abandon(ErrClosed)
	for {
		s.pickUp()
		if s.idle() {
			select {
			case s.play = <-m.plays:
			case j := <-m.digits:
				s.startDigit(j)
			case <-m.wake:
			case <-m.quit:
				return
			}
			s.resume(time.Now())
			continue
		}
		if d := time.Until(s.next); d > 0 {
			timer.Reset(d)
			select {
			case <-timer.C:
			case <-m.quit:
				return
			}
		}
		now := time.Now()
		if now.Sub(s.next) > maxLag {
			s.resume(now)
		}
		s.refreshFormat()
		interval := s.slot(now)
		s.next = s.next.Add(interval)
		s.ts += s.f.frameUnits
	}
}

// pickUp takes queued work without waiting.
func (s *sender) pickUp() {
	if s.play == nil {
		select {
		case s.play = <-s.m.plays:
		default:
		}
	}
	if s.dtmf == nil && s.gap == 0 {
		select {
		case j := <-s.m.digits:
			s.startDigit(j)
		default:
		}
	}
}

func (s *sender) idle() bool {
	return s.play == nil && s.dtmf == nil && s.gap == 0 && time.Now().UnixNano() >= s.m.silenceUntil.Load()
}

// resume restarts the schedule at now after idling or a stall. The RTP
// clock kept running meanwhile (RFC 3550 §5.1), and a new talkspurt begins
// with the marker bit.
func (s *sender) resume(now time.Time) {
	s.refreshFormat()
	if !s.next.IsZero() && now.After(s.next) {
		s.ts += uint32(int64(now.Sub(s.next)) * int64(s.f.codec.ClockRate()) / int64(time.Second))
	}
	s.next = now
	s.marker = true
}

func (s *sender) refreshFormat() {
	if f := s.m.format.Load(); f != s.f {
		s.f = f
		s.enc = f.codec.NewEncoder()
		if cap(s.pcm) < f.frameSamples {
			s.pcm = make([]int16, f.frameSamples)
		}
		s.pcm = s.pcm[:f.frameSamples]
	}
}

// slot fills one frame slot and returns the time to the next one: an
// RFC 4733 event packet takes the place of audio while a digit lasts, then
// audio of the playback, then silence.
func (s *sender) slot(now time.Time) time.Duration {
	switch {
	case s.dtmf != nil:
		s.sendDigitPacket()
		return frameDuration
	case s.gap > 0:
		s.gap--
		s.marker = true
		return frameDuration
	case s.play != nil:
		return s.sendPlayFrame(now)
	default:
		clear(s.pcm)
		s.sendAudio(s.pcm)
		return frameDuration
	}
}

func (s *sender) sendPlayFrame(now time.Time) time.Duration {
	p := s.play
	select {
	case <-p.stop:
		s.finishPlay(errPlaybackStopped)
		return frameDuration
	default:
	}
	n := copy(s.pcm, p.pcm[p.pos:])
	clear(s.pcm[n:])
	p.pos += n
	sent := s.sendAudio(s.pcm)
	at := time.Now()
	s.m.playMu.Lock()
	if sent && p.track.FirstPacket.IsZero() {
		p.track.FirstPacket = at
	}
	if sent {
		p.track.LastPacket = at
	}
	p.track.Frames++
	s.m.last = *p.track
	s.m.playMu.Unlock()
	if p.pos >= len(p.pcm) {
		s.finishPlay(nil)
	}
	if p.fast {
		return frameDuration / FastFactor
	}
	return frameDuration
}

var errPlaybackStopped = errors.New("client: playback stopped")

func (s *sender) finishPlay(err error) {
	p := s.play
	s.play = nil
	s.m.playMu.Lock()
	p.track.Done = true
	s.m.last = *p.track
	s.m.playMu.Unlock()
	p.done <- err
}

// abandon fails whatever is queued or under way when the session closes.
func (s *sender) abandon(err error) {
	if s.play != nil {
		s.finishPlay(err)
	}
	if s.dtmf != nil {
		s.dtmf.done <- err
		s.dtmf = nil
	}
	for {
		select {
		case p := <-s.m.plays:
			p.done <- err
		case d := <-s.m.digits:
			d.done <- err
		default:
			return
		}
	}
}

// sendAudio encodes and sends one frame; false when it could not leave.
func (s *sender) sendAudio(pcm []int16) bool {
	h := pionrtp.Header{Version: 2, Marker: s.marker, PayloadType: s.f.pt, SequenceNumber: s.seq, Timestamp: s.ts, SSRC: s.ssrc}
	hn, err := h.MarshalTo(s.buf)
	if err != nil {
		return false
	}
	pn := s.enc.EncodeTo(s.buf[hn:], pcm)
	s.marker = false
	return s.write(s.buf[:hn+pn], pn)
}

func (s *sender) write(pkt []byte, payload int) bool {
	s.seq++
	remote := s.m.remote.Load()
	if _, err := s.m.rtpConn.WriteToUDPAddrPort(pkt, *remote); err != nil {
		s.m.log.Debug("rtp send failed", "err", err)
		return false
	}
	s.m.packetsSent.Add(1)
	s.m.bytesSent.Add(uint64(payload))
	return true
}

func (s *sender) startDigit(j *dtmfJob) {
	s.dtmf, s.dtmfAt, s.ends = j, 0, 0
}

// sendDigitPacket sends the next packet of the RFC 4733 event: all share
// the event's start timestamp, the first carries the marker bit, the
// duration grows by one frame per packet, and the final one (E bit) is
// sent three times (§2.5.1).
func (s *sender) sendDigitPacket() {
	d := s.dtmf
	first := s.dtmfAt == 0 && s.ends == 0
	if first {
		s.dtmfTS = s.ts
	}
	s.dtmfAt = min(s.dtmfAt+s.f.frameUnits, d.units)
	end := s.dtmfAt >= d.units
	h := pionrtp.Header{Version: 2, Marker: first, PayloadType: s.f.eventPT, SequenceNumber: s.seq, Timestamp: s.dtmfTS, SSRC: s.ssrc}
	hn, err := h.MarshalTo(s.buf)
	if err != nil {
		return
	}
	payload := appendTelephoneEvent(s.buf[hn:hn], d.code, end, uint16(s.dtmfAt))
	s.write(s.buf[:hn+len(payload)], len(payload))
	if end {
		s.ends++
		if s.ends == dtmfEndPackets {
			s.m.digitsSent.Add(1)
			d.done <- nil
			s.dtmf = nil
			s.gap = dtmfGapFrames
		}
	}
}

// appendTelephoneEvent writes the RFC 4733 §2.3 payload: event, E bit and
// volume, duration.
func appendTelephoneEvent(dst []byte, event uint8, end bool, duration uint16) []byte {
	flags := byte(dtmfVolume)
	if end {
		flags |= 0x80
	}
	return append(dst, event, flags, byte(duration>>8), byte(duration))
}

// dtmfEvent maps a digit to its RFC 4733 §3.2 event code.
func dtmfEvent(digit byte) (uint8, bool) {
	switch {
	case digit >= '0' && digit <= '9':
		return digit - '0', true
	case digit == '*':
		return 10, true
	case digit == '#':
		return 11, true
	case digit >= 'A' && digit <= 'D':
		return 12 + digit - 'A', true
	case digit >= 'a' && digit <= 'd':
		return 12 + digit - 'a', true
	}
	return 0, false
}

// receiveRTP counts what the server sends and hands decoded audio to the
// sink, if one is set.
func (m *media) receiveRTP() {
	defer m.wg.Done()
	buf := make([]byte, 2048)
	var pcm []int16
	var dec codec.Decoder
	var decFor *mediaFormat
	for {
		n, _, err := m.rtpConn.ReadFromUDPAddrPort(buf)
		if err != nil {
			if !m.closed() {
				m.log.Debug("rtp receive ended", "err", err)
			}
			return
		}
		var h pionrtp.Header
		hn, err := h.Unmarshal(buf[:n])
		if err != nil {
			continue
		}
		if h.Padding && n > hn {
			// RFC 3550 §5.1: the last octet counts the padding.
			n -= min(int(buf[n-1]), n-hn)
		}
		m.firstRecv.CompareAndSwap(0, time.Now().UnixNano())
		m.packetsRecv.Add(1)
		m.bytesRecv.Add(uint64(n - hn))
		sink := m.sink.Load()
		f := m.format.Load()
		if sink == nil || h.PayloadType != f.pt {
			continue
		}
		if decFor != f {
			dec, decFor = f.codec.NewDecoder(), f
		}
		payload := buf[hn:n]
		if need := dec.Samples(len(payload)); cap(pcm) < need {
			pcm = make([]int16, need)
		}
		k := dec.DecodeTo(pcm[:cap(pcm)], payload)
		(*sink)(pcm[:k])
	}
}

func (m *media) receiveRTCP() {
	defer m.wg.Done()
	buf := make([]byte, 1500)
	for {
		if _, _, err := m.rtcpConn.ReadFromUDPAddrPort(buf); err != nil {
			return
		}
		m.rtcpRecv.Add(1)
	}
}

// update applies a re-INVITE's answer: a new address or format takes effect
// at the next packet.
func (m *media) update(remote netip.AddrPort, a negotiatedAudio) {
	if cur := m.remote.Load(); *cur != remote {
		m.remote.Store(&remote)
	}
	f := m.format.Load()
	if f.codec.Name() != a.codec.Name() || f.codec.ClockRate() != a.codec.ClockRate() ||
		f.pt != a.pt || f.eventPT != a.eventPT || f.events != a.events {
		m.format.Store(newMediaFormat(a))
	}
}
