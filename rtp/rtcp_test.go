package rtp

import (
	"testing"
	"time"

	"github.com/pion/rtcp"
)

// TestRTCPReports runs two streams with a short report interval: each must
// learn from the other's reports, and a raw socket checks the packet format.
func TestRTCPReports(t *testing.T) {
	pool := testPool(t)
	a := newTestStream(t, pool, streamOpts{pt: 0, interval: 150 * time.Millisecond})
	b := newTestStream(t, pool, streamOpts{pt: 0, interval: 150 * time.Millisecond})
	connect(t, a, b)
	e := newTestEngine(t, EngineOptions{Shards: 2})
	defer e.Close()
	for _, s := range []*Stream{a, b} {
		if err := e.Add(s); err != nil {
			t.Fatal(err)
		}
	}
	// a sends audio for 1 s; b only receives.
	a.SetSource(&frameSource{pcm: speechLike(8000, 8000)})
	waitFor(t, 5*time.Second, "a to get a report block from b", func() bool {
		st := a.Stats()
		return !st.RemoteReportAt.IsZero() && b.Stats().RTCPReceived > 0
	})
	if st := a.Stats(); st.RTCPReceived == 0 || st.RTCPSent == 0 || st.RemoteReport.TotalLost != 0 {
		t.Fatalf("a stats %+v", st)
	}
}

// TestRTCPWireFormat checks what a stream sends: a compound packet starting
// with RR (or SR once it sent RTP) and carrying an SDES CNAME, whose report
// block describes the received stream.
func TestRTCPWireFormat(t *testing.T) {
	pool := testPool(t)
	peer := newRawPeer(t)
	peerRTCP := newRawPeer(t)
	s := newTestStream(t, pool, streamOpts{pt: 0, remote: peer.addr(), rtcp: peerRTCP.addr(), interval: 100 * time.Millisecond})
	m := newManualShard(t, s)
	now := time.Now()
	// Ten packets with sequence numbers 1-10 but 4 and 5 missing.
	sent := uint64(0)
	for seq := uint16(1); seq <= 10; seq++ {
		if seq == 4 || seq == 5 {
			continue
		}
		peer.send(t, addrOf(s), rtpPacket(0, false, seq, uint32(seq)*160, 0xabc, make([]byte, 160)))
		sent++
	}
	m.tickUntil(t, now, "packets", func() bool { return s.Stats().PacketsReceived == sent })
	// Past the first report time.
	m.sh.tick(now.Add(time.Second))

	buf := make([]byte, 1500)
	if err := peerRTCP.conn.SetReadDeadline(time.Now().Add(2 * time.Second)); err != nil {
		t.Fatal(err)
	}
	n, _, err := peerRTCP.conn.ReadFromUDPAddrPort(buf)
	if err != nil {
		t.Fatal(err)
	}
	pkts, err := rtcp.Unmarshal(buf[:n])
	if err != nil {
		t.Fatal(err)
	}
	if len(pkts) != 2 {
		t.Fatalf("compound of %d packets: %v", len(pkts), pkts)
	}
	rr, ok := pkts[0].(*rtcp.ReceiverReport)
	if !ok {
		t.Fatalf("first packet %T, want receiver report", pkts[0])
	}
	if rr.SSRC != s.SSRC() || len(rr.Reports) != 1 {
		t.Fatalf("receiver report %+v", rr)
	}
	block := rr.Reports[0]
	if block.SSRC != 0xabc || block.TotalLost != 2 || block.LastSequenceNumber != 10 || block.FractionLost != 2*256/10 {
		t.Fatalf("report block %+v", block)
	}
	cname, err := rtcp.CompoundPacket(pkts).CNAME()
	if err != nil || cname == "" {
		t.Fatalf("CNAME %q, %v", cname, err)
	}

	// A sender report from the peer is remembered for LSR/DLSR.
	sr := &rtcp.SenderReport{SSRC: 0xabc, NTPTime: 0x0102030405060708, Reports: []rtcp.ReceptionReport{{SSRC: s.SSRC(), FractionLost: 64, TotalLost: 3, Jitter: 80}}}
	raw, err := rtcp.Marshal([]rtcp.Packet{sr, rtcp.NewCNAMESourceDescription(0xabc, "peer")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := peer.conn.WriteToUDPAddrPort(raw, rtcpAddrOf(s)); err != nil {
		t.Fatal(err)
	}
	later := now.Add(2 * time.Second)
	m.tickUntil(t, later, "sender report", func() bool { return s.Stats().RTCPReceived == 1 })
	st := s.Stats()
	if st.RemoteReport.FractionLost != 64 || st.RemoteReport.TotalLost != 3 || st.RemoteReport.Jitter != 10*time.Millisecond {
		t.Fatalf("remote report %+v", st.RemoteReport)
	}
	if s.rx.rr.lastSR != 0x03040506 {
		t.Fatalf("LSR %#x, want 0x03040506", s.rx.rr.lastSR)
	}

	// Garbage on the RTCP port is counted, not fatal.
	if _, err := peer.conn.WriteToUDPAddrPort([]byte{1, 2, 3}, rtcpAddrOf(s)); err != nil {
		t.Fatal(err)
	}
	m.tickUntil(t, later.Add(time.Second), "bad rtcp", func() bool { return s.Stats().RTCPBad == 1 })
}
