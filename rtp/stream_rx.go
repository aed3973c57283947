package rtp

import (
	"net/netip"
	"time"

	"github.com/mrcpd/mrcpd/rtp/codec"
)

// maxBatchesPerTick bounds the datagrams taken from one socket per tick, so
// that a flood on one stream cannot starve the others of the shard; the
// rest waits in the socket buffer (and overflows there).
const maxBatchesPerTick = 8

// receiver is the receive state of a Stream, owned by its media goroutine.
type receiver struct {
	decoder codec.Decoder
	reorder reorderBuffer
	rr      reception
	dtmf    dtmfDetector
	events  dtmfEvents

	haveSSRC bool
	ssrc     uint32
	latched  bool

	published       reorderCounts
	publishedJitter uint32

	// now and pcm are set for the duration of one service call: the tick
	// time and the shard's decode buffer.
	now time.Time
	pcm []int16
}

// drainRTP reads everything queued on the RTP socket.
func (s *Stream) drainRTP(now time.Time, rd *batchReader) {
	for range maxBatchesPerTick {
		n, err := rd.read(&s.rtpSock)
		if err != nil {
			s.logger().Debug("rtp read failed", "err", err)
			return
		}
		for i := range n {
			data, from, arrival, whole := rd.datagram(i)
			if arrival.IsZero() {
				arrival = now
			}
			s.receive(data, from, arrival, whole)
		}
		if n < readBatch {
			return
		}
	}
}

// receive takes one datagram from the RTP socket.
func (s *Stream) receive(data []byte, from netip.AddrPort, arrival time.Time, whole bool) {
	if !whole {
		s.stats.bad.Add(1)
		return
	}
	h, payload, err := parseHeader(data)
	if err != nil {
		s.stats.bad.Add(1)
		return
	}
	if h.payloadType != s.pt && (!s.hasEvents || h.payloadType != s.eventPT) {
		s.stats.bad.Add(1)
		return
	}
	if s.latch {
		if !s.rx.latched {
			s.latchRTP(from)
		} else if from != s.tx.remote {
			s.stats.foreign.Add(1)
			return
		}
	}
	if !s.rx.haveSSRC || h.ssrc != s.rx.ssrc {
		s.newSource(h.ssrc)
	}
	s.stats.packetsReceived.Add(1)
	s.stats.bytesReceived.Add(uint64(len(payload)))
	s.rx.rr.packet(h.seq)
	if h.payloadType == s.pt {
		s.rx.rr.arrival(h.timestamp, s.units(arrival.Sub(s.epoch)))
	}
	s.rx.reorder.push(h, payload, s.rx.now)
}

// units converts a duration to RTP timestamp units, exact for any call
// length below years.
func (s *Stream) units(d time.Duration) uint32 {
	return uint32(int64(d/time.Microsecond) * int64(s.clockRate) / 1e6)
}

// latchRTP makes the first RTP source the destination of what we send
// (symmetric RTP, RFC 4961). RTCP follows to the port above unless RTCP
// latches on its own.
func (s *Stream) latchRTP(from netip.AddrPort) {
	s.rx.latched = true
	s.tx.remote = from
	if !s.ctl.latched {
		s.ctl.remote = rtcpBeside(from)
	}
	s.slow.mu.Lock()
	s.slow.remote, s.slow.latched = from, true
	s.slow.mu.Unlock()
	s.logger().Debug("rtp latched", "remote", from)
}

// newSource starts over when the sender's SSRC appears or changes, as when
// the peer re-originates the stream: sequence numbers and codec state of
// the old source mean nothing for the new one.
func (s *Stream) newSource(ssrc uint32) {
	if s.rx.haveSSRC {
		s.logger().Debug("rtp source changed", "old_ssrc", s.rx.ssrc, "ssrc", ssrc)
		s.rx.reorder.reset()
		s.rx.rr = reception{}
		s.rx.decoder = s.codec.NewDecoder()
	}
	s.rx.haveSSRC, s.rx.ssrc = true, ssrc
	s.stats.remoteSSRC.Store(ssrc)
}

// deliver gets packets from the reorder buffer in sequence order.
func (s *Stream) deliver(h header, payload []byte) {
	if h.payloadType == s.pt {
		n := s.rx.decoder.DecodeTo(s.rx.pcm, payload)
		if sink := s.sink.Load(); sink != nil && n > 0 {
			sink.OnAudio(s.rx.pcm[:n])
		}
		return
	}
	te, err := parseTelephoneEvent(payload)
	if err != nil {
		s.stats.bad.Add(1)
		return
	}
	s.rx.dtmf.packet(h.timestamp, te, s.rx.now, &s.rx.events)
	s.emitDTMF()
}

func (s *Stream) emitDTMF() {
	ev := &s.rx.events
	if ev.n == 0 {
		return
	}
	sink := s.sink.Load()
	for i := range ev.n {
		if ev.ev[i].End {
			s.stats.digitsReceived.Add(1)
		}
		if sink != nil {
			sink.OnDTMF(ev.ev[i])
		}
	}
	ev.n = 0
}

// publishReorderCounts copies the reorder buffer's counters and the jitter
// out once per tick rather than once per packet, and only when they moved:
// an atomic store costs a locked instruction even when nothing changed.
func (s *Stream) publishReorderCounts() {
	c, p := &s.rx.reorder.counts, &s.rx.published
	if *c != *p {
		s.stats.lost.Store(c.lost)
		s.stats.late.Store(c.late)
		s.stats.duplicate.Store(c.duplicate)
		s.stats.invalidSeq.Store(c.invalid)
		*p = *c
	}
	if j := s.rx.rr.jitterUnits(); j != s.rx.publishedJitter {
		s.stats.jitterUnits.Store(j)
		s.rx.publishedJitter = j
	}
}
