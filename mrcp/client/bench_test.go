package client

import (
	"log/slog"
	"net"
	"net/netip"
	"testing"

	"github.com/mrcpd/mrcpd/rtp/codec"
)

// newBenchSender is a sender goroutine's state without the goroutine,
// aimed at a socket that discards what it gets.
func newBenchSender(tb testing.TB) *sender {
	tb.Helper()
	sinkConn, err := net.ListenUDP("udp", net.UDPAddrFromAddrPort(netip.AddrPortFrom(loopback, 0)))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { sinkConn.Close() })
	rtpConn, rtcpConn, err := bindPortPair(loopback, 0, 0)
	if err != nil {
		tb.Fatal(err)
	}
	m := newMedia(rtpConn, rtcpConn, slog.New(slog.DiscardHandler))
	tb.Cleanup(func() { rtpConn.Close(); rtcpConn.Close() })
	remote := sinkConn.LocalAddr().(*net.UDPAddr).AddrPort()
	m.remote.Store(&remote)
	m.format.Store(newMediaFormat(negotiatedAudio{codec: codec.PCMU(), pt: 0, eventPT: 101, events: true}))
	s := &sender{m: m, buf: make([]byte, sendBufSize)}
	s.refreshFormat()
	copy(s.pcm, sine(440, 8000, len(s.pcm), 5000))
	return s
}

// Sending a frame (RTP header, G.711 encoding, the datagram) allocates
// nothing, so a load test's many sessions cost no garbage per packet.
func TestSendAudioAllocs(t *testing.T) {
	s := newBenchSender(t)
	if n := testing.AllocsPerRun(200, func() { s.sendAudio(s.pcm) }); n != 0 {
		t.Fatalf("%.1f allocations per frame", n)
	}
	if s.m.packetsSent.Load() == 0 {
		t.Fatal("nothing was sent")
	}
}

func BenchmarkSendAudio(b *testing.B) {
	s := newBenchSender(b)
	b.ReportAllocs()
	for b.Loop() {
		s.sendAudio(s.pcm)
	}
}
