package rtp

import (
	"encoding/binary"
	"testing"
	"time"
)

// countingSink consumes audio without keeping it, like a real Sink that
// copies into its own ring.
type countingSink struct {
	samples, digits, ticks int
	sum                    int64
}

func (c *countingSink) OnAudio(pcm []int16) {
	c.samples += len(pcm)
	for _, v := range pcm {
		c.sum += int64(v)
	}
}
func (c *countingSink) OnDTMF(DTMFEvent) { c.digits++ }
func (c *countingSink) OnTick(time.Time) { c.ticks++ }

// silentSource hands out frames of silence forever.
type silentSource struct{}

func (silentSource) ReadFrame(pcm []int16) (int, bool) {
	clear(pcm)
	return len(pcm), true
}

// TestPacketPathDoesNotAllocate covers the whole receive path over a real
// socket: recvmmsg, header parse, reorder, decode, Sink; and the send path:
// Source, encode, header marshal, sendto.
func TestPacketPathDoesNotAllocate(t *testing.T) {
	pool := testPool(t)
	peer := newRawPeer(t)
	s := newTestStream(t, pool, streamOpts{pt: 0, eventPT: 101, remote: peer.addr()})
	sink := &countingSink{}
	s.SetSink(sink)
	m := newManualShard(t, s)
	pkt := rtpPacket(0, false, 0, 0, 77, make([]byte, 160))
	to := addrOf(s)
	now := time.Now()
	seq := uint16(0)
	step := func() {
		seq++
		binary.BigEndian.PutUint16(pkt[2:], seq)
		binary.BigEndian.PutUint32(pkt[4:], uint32(seq)*160)
		if _, err := peer.conn.WriteToUDPAddrPort(pkt, to); err != nil {
			t.Fatal(err)
		}
		now = now.Add(20 * time.Millisecond)
		m.sh.tick(now)
	}
	step() // first packet sets up the source state
	if allocs := testing.AllocsPerRun(500, step); allocs != 0 {
		t.Fatalf("receive path: %v allocations per packet", allocs)
	}
	m.tickUntil(t, now, "all packets", func() bool { return s.Stats().PacketsReceived == uint64(seq) })
	if sink.samples == 0 || sink.ticks == 0 {
		t.Fatal("sink saw nothing")
	}

	// Out-of-order and telephone-event packets go through the reorder
	// buffer's copy and the DTMF detector.
	from := peer.addr()
	ev := rtpPacket(101, false, 0, 0, 77, eventPayload(5, false, 10, 160))
	outOfOrder := func() {
		seq += 2
		binary.BigEndian.PutUint16(pkt[2:], seq)
		s.receive(pkt, from, now, true)
		binary.BigEndian.PutUint16(ev[2:], seq-1)
		binary.BigEndian.PutUint32(ev[4:], uint32(seq)*160)
		s.receive(ev, from, now, true)
	}
	if allocs := testing.AllocsPerRun(500, outOfOrder); allocs != 0 {
		t.Fatalf("reorder/DTMF path: %v allocations per pair", allocs)
	}
	if sink.digits == 0 {
		t.Fatal("no digits seen")
	}

	// Sending: one frame per 20 ms tick.
	s.SetSource(silentSource{})
	send := func() {
		now = now.Add(20 * time.Millisecond)
		m.sh.tick(now)
	}
	send()
	before := s.Stats().PacketsSent
	if allocs := testing.AllocsPerRun(200, send); allocs != 0 {
		t.Fatalf("send path: %v allocations per tick", allocs)
	}
	if sent := s.Stats().PacketsSent - before; sent < 200 {
		t.Fatalf("sent %d packets in 201 ticks", sent)
	}
}
