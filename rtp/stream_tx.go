package rtp

import (
	"net/netip"
	"time"

	"github.com/mrcpd/mrcpd/rtp/codec"
	pionrtp "github.com/pion/rtp"
)

const (
	// maxCatchUp is how far the sender may fall behind (a stalled tick)
	// before it skips frames instead of sending a burst.
	maxCatchUp = 100 * time.Millisecond
	// dtmfEndPackets is how often the final packet of an event is sent
	// (RFC 4733 §2.5.1.4).
	dtmfEndPackets = 3
	// dtmfPauseFrames keeps digits apart so that the receiver hears two.
	dtmfPauseFrames = 2
	// dtmfVolume is the power level sent, -10 dBm0 (RFC 4733 §2.3.4).
	dtmfVolume = 10
)

// dtmfQueueLen is how many digits SendDTMF accepts ahead of the sender.
const dtmfQueueLen = 16

type dtmfRequest struct {
	code  uint8
	units uint32
}

// dtmfSending is the telephone-event being sent.
type dtmfSending struct {
	active   bool
	code     uint8
	startTS  uint32
	total    uint32
	elapsed  uint32
	endsSent int
	first    bool
	pause    int // frames to wait before the next digit
}

// sender paces outgoing packets, owned by the media goroutine.
type sender struct {
	encoder codec.Encoder
	ssrc    uint32
	seq     uint16
	// ts is the RTP timestamp of the frame slot at next.
	ts      uint32
	next    time.Time
	running bool
	talking bool
	remote  netip.AddrPort
	// sockaddr is sendTo's scratch, kept here so it never escapes per packet.
	sockaddr sockaddrBuf

	packets, octets uint32 // for sender reports
	sentSinceReport bool

	dtmf dtmfSending
}

// pace sends the frames whose slots have come, one per FrameDuration.
// The RTP clock runs on through silence, so timestamps keep the wall-clock
// spacing of the audio (RFC 3550 §5.1).
func (s *Stream) pace(now time.Time, sh *shard) {
	src := s.source.Load()
	idle := src == nil && !s.tx.dtmf.active && s.dtmfQueued.Load() == 0
	tx := &s.tx
	if !tx.running {
		if idle {
			return
		}
		if !tx.next.IsZero() {
			if gap := now.Sub(tx.next); gap > 0 {
				tx.ts += s.units(gap)
			}
		}
		tx.running, tx.talking, tx.next = true, false, now
	}
	if behind := now.Sub(tx.next); behind > maxCatchUp {
		k := behind / s.frame
		tx.next = tx.next.Add(k * s.frame)
		tx.ts += uint32(k) * s.frameUnits
		tx.talking = false
	}
	for !now.Before(tx.next) {
		s.sendSlot(src, sh)
		tx.next = tx.next.Add(s.frame)
		tx.ts += s.frameUnits
	}
	if idle && tx.dtmf.pause == 0 {
		tx.running = false
	}
}

// sendSlot fills one frame slot: a DTMF event packet, an audio packet, or
// nothing.
func (s *Stream) sendSlot(src *sourceBox, sh *shard) {
	d := &s.tx.dtmf
	if d.pause > 0 {
		d.pause--
	} else if !d.active && s.dtmfQueued.Load() > 0 {
		if q := s.dtmfQueue.Load(); q != nil {
			select {
			case req := <-*q:
				s.dtmfQueued.Add(-1)
				*d = dtmfSending{active: true, code: req.code, startTS: s.tx.ts, total: req.units, first: true}
			default:
			}
		}
	}
	if d.active {
		s.sendDTMFSlot(sh)
		return
	}
	if src == nil {
		s.tx.talking = false
		return
	}
	pcm := sh.frame[:s.frameLen]
	n, ok := src.ReadFrame(pcm)
	if !ok {
		s.tx.talking = false
		return
	}
	clear(pcm[min(max(n, 0), len(pcm)):])
	buf := sh.sendBuf
	hn, err := s.header(s.pt, !s.tx.talking, s.tx.ts).MarshalTo(buf)
	if err != nil {
		return
	}
	pn := s.tx.encoder.EncodeTo(buf[hn:], pcm)
	s.tx.talking = true
	s.write(buf[:hn+pn], pn)
}

func (s *Stream) sendDTMFSlot(sh *shard) {
	d := &s.tx.dtmf
	d.elapsed = min(d.elapsed+s.frameUnits, d.total)
	end := d.elapsed >= d.total
	te := telephoneEvent{event: d.code, end: end, volume: dtmfVolume, duration: uint16(d.elapsed)}
	// RFC 4733 §2.5.1.1: the marker bit starts a new event.
	hn, err := s.header(s.eventPT, d.first, d.startTS).MarshalTo(sh.sendBuf)
	if err != nil {
		return
	}
	pkt := te.appendTo(sh.sendBuf[:hn])
	d.first = false
	s.write(pkt, len(pkt)-hn)
	if end {
		d.endsSent++
		if d.endsSent == dtmfEndPackets {
			*d = dtmfSending{pause: dtmfPauseFrames}
			s.stats.digitsSent.Add(1)
		}
	}
	s.tx.talking = false
}

func (s *Stream) header(pt uint8, marker bool, ts uint32) pionrtp.Header {
	return pionrtp.Header{
		Version:        2,
		Marker:         marker,
		PayloadType:    pt,
		SequenceNumber: s.tx.seq,
		Timestamp:      ts,
		SSRC:           s.tx.ssrc,
	}
}

// write sends one packet and advances the sequence number. Without a remote
// address yet (latching, nothing received) the packet is dropped, but the
// sequence still advances, as for a packet lost on the way.
func (s *Stream) write(pkt []byte, payloadLen int) {
	s.tx.seq++
	if !s.tx.remote.IsValid() {
		return
	}
	if err := s.rtpSock.sendTo(pkt, s.tx.remote, &s.tx.sockaddr); err != nil {
		s.logger().Debug("rtp send failed", "err", err)
		return
	}
	s.tx.packets++
	s.tx.octets += uint32(payloadLen)
	s.tx.sentSinceReport = true
	s.stats.packetsSent.Add(1)
	s.stats.bytesSent.Add(uint64(payloadLen))
}

// rtpTimeAt maps a wall-clock time to the RTP clock of what we send, for
// sender reports.
func (s *Stream) rtpTimeAt(now time.Time) uint32 {
	if s.tx.next.IsZero() {
		return s.tx.ts
	}
	if ahead := s.tx.next.Sub(now); ahead > 0 {
		return s.tx.ts - s.units(ahead)
	}
	return s.tx.ts + s.units(now.Sub(s.tx.next))
}
