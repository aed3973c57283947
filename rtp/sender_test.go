package rtp

import (
	"sync"
	"testing"
	"time"

	pionrtp "github.com/pion/rtp"
)

// gatedSource sends frames while open is set.
type gatedSource struct {
	mu   sync.Mutex
	open bool
}

func (g *gatedSource) set(open bool) {
	g.mu.Lock()
	g.open = open
	g.mu.Unlock()
}

func (g *gatedSource) ReadFrame(pcm []int16) (int, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	for i := range pcm {
		pcm[i] = 1000
	}
	return len(pcm), g.open
}

// readPackets collects n RTP packets from a raw peer.
func readPackets(t *testing.T, p *rawPeer, n int) []pionrtp.Packet {
	t.Helper()
	var out []pionrtp.Packet
	buf := make([]byte, 1500)
	if err := p.conn.SetReadDeadline(time.Now().Add(2 * time.Second)); err != nil {
		t.Fatal(err)
	}
	for len(out) < n {
		m, _, err := p.conn.ReadFromUDPAddrPort(buf)
		if err != nil {
			t.Fatalf("after %d packets: %v", len(out), err)
		}
		var pkt pionrtp.Packet
		if err := pkt.Unmarshal(append([]byte(nil), buf[:m]...)); err != nil {
			t.Fatal(err)
		}
		out = append(out, pkt)
	}
	return out
}

// TestSenderPacing drives the sender with a controlled clock: one packet per
// 20 ms slot, the RTP clock running on through silence, the marker bit on
// each talkspurt, DTMF events in place of audio (RFC 4733 §2.5.1).
func TestSenderPacing(t *testing.T) {
	pool := testPool(t)
	peer := newRawPeer(t)
	s := newTestStream(t, pool, streamOpts{pt: 0, eventPT: 101, remote: peer.addr()})
	m := newManualShard(t, s)
	src := &gatedSource{open: true}
	s.SetSource(src)
	now := time.Now()
	tick := func(n int) {
		for range n {
			m.sh.tick(now)
			now = now.Add(20 * time.Millisecond)
		}
	}
	tick(3)        // 3 audio packets
	src.set(false) // 2 silent slots
	tick(2)
	src.set(true) // 2 more audio packets
	tick(2)
	if err := s.SendDTMF('7', 60*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	tick(5)                   // 3 event packets + 2 end repeats
	tick(1 + dtmfPauseFrames) // pause, then audio again
	pkts := readPackets(t, peer, 3+2+5+1+dtmfPauseFrames)
	for i := 1; i < len(pkts); i++ {
		if pkts[i].SequenceNumber != pkts[i-1].SequenceNumber+1 {
			t.Fatalf("sequence %d after %d", pkts[i].SequenceNumber, pkts[i-1].SequenceNumber)
		}
	}
	ts0 := pkts[0].Timestamp
	type want struct {
		pt     uint8
		marker bool
		slot   uint32 // timestamp in frames after the first packet
	}
	wants := []want{
		{0, true, 0}, {0, false, 1}, {0, false, 2},
		// slots 3 and 4 silent
		{0, true, 5}, {0, false, 6},
		// DTMF from slot 7: all with the event's start timestamp
		{101, true, 7}, {101, false, 7}, {101, false, 7}, {101, false, 7}, {101, false, 7},
		// audio during the pause after the digit
		{0, true, 12}, {0, false, 13}, {0, false, 14},
	}
	for i, w := range wants {
		p := pkts[i]
		if p.PayloadType != w.pt || p.Marker != w.marker || p.Timestamp-ts0 != w.slot*160 {
			t.Fatalf("packet %d: pt %d marker %v ts +%d, want pt %d marker %v ts +%d",
				i, p.PayloadType, p.Marker, p.Timestamp-ts0, w.pt, w.marker, w.slot*160)
		}
		if p.PayloadType == 0 && len(p.Payload) != 160 {
			t.Fatalf("packet %d: %d-byte payload", i, len(p.Payload))
		}
	}
	// Event payloads: durations grow by a frame and stop at the total; the
	// last three carry the end bit.
	for i, dur := range []uint16{160, 320, 480, 480, 480} {
		te, err := parseTelephoneEvent(pkts[5+i].Payload)
		if err != nil {
			t.Fatal(err)
		}
		if te.event != 7 || te.duration != dur || te.end != (i >= 2) || te.volume != dtmfVolume {
			t.Fatalf("event packet %d: %+v", i, te)
		}
	}
	if st := s.Stats(); st.PacketsSent != uint64(len(pkts)) || st.DigitsSent != 1 {
		t.Fatalf("stats %+v", st)
	}
}

// TestSenderSkipsAfterStall: a tick that comes far too late does not send
// a burst of the missed frames.
func TestSenderSkipsAfterStall(t *testing.T) {
	pool := testPool(t)
	peer := newRawPeer(t)
	s := newTestStream(t, pool, streamOpts{pt: 0, remote: peer.addr()})
	m := newManualShard(t, s)
	s.SetSource(silentSource{})
	now := time.Now()
	m.sh.tick(now)
	m.sh.tick(now.Add(time.Second))
	pkts := readPackets(t, peer, 2)
	if got := s.Stats().PacketsSent; got > 1+framesIn(maxCatchUp)+1 {
		t.Fatalf("sent %d packets after a 1 s stall", got)
	}
	if d := pkts[1].Timestamp - pkts[0].Timestamp; d < 8000-uint32(framesIn(maxCatchUp))*160 {
		t.Fatalf("timestamp advanced %d over a 1 s stall", d)
	}
}

// framesIn counts the 20 ms frames in d.
func framesIn(d time.Duration) uint64 { return uint64(d / (20 * time.Millisecond)) }
