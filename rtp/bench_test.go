package rtp

import (
	"encoding/binary"
	"syscall"
	"testing"
	"time"

	"github.com/mrcpd/mrcpd/rtp/codec"
)

// BenchmarkPacketPath is the per-packet work after the socket read: header
// parse, source checks, statistics, reorder, µ-law decode, Sink call.
func BenchmarkPacketPath(b *testing.B) {
	for _, tc := range []struct {
		name string
		c    codec.Codec
		pt   uint8
		size int
	}{
		{"PCMU", codec.PCMU(), 0, 160},
		{"G722", codec.G722(), 9, 160},
	} {
		b.Run(tc.name, func(b *testing.B) {
			pool := testPool(b)
			peer := newRawPeer(b)
			s := newTestStream(b, pool, streamOpts{codec: tc.c, pt: tc.pt, remote: peer.addr()})
			s.SetSink(&countingSink{})
			s.rx.pcm = make([]int16, decodeBufSamples)
			pkt := rtpPacket(tc.pt, false, 0, 0, 77, make([]byte, tc.size))
			from := peer.addr()
			now := time.Now()
			seq := uint16(0)
			b.ReportAllocs()
			b.SetBytes(int64(len(pkt)))
			defer reportCPU(b)()
			for b.Loop() {
				seq++
				binary.BigEndian.PutUint16(pkt[2:], seq)
				binary.BigEndian.PutUint32(pkt[4:], uint32(seq)*160)
				s.receive(pkt, from, now, true)
			}
			if s.Stats().PacketsReceived == 0 {
				b.Fatal("nothing received")
			}
		})
	}
}

// BenchmarkTickOneStream is one packet through loopback UDP and one shard
// tick: sendto by the peer, recvmmsg, the packet path, pacing check, RTCP
// poll bookkeeping and OnTick.
func BenchmarkTickOneStream(b *testing.B) {
	pool := testPool(b)
	peer := newRawPeer(b)
	s := newTestStream(b, pool, streamOpts{pt: 0, remote: peer.addr()})
	s.SetSink(&countingSink{})
	m := newManualShard(b, s)
	pkt := rtpPacket(0, false, 0, 0, 77, make([]byte, 160))
	to := addrOf(s)
	now := time.Now()
	seq := uint16(0)
	b.ReportAllocs()
	defer reportCPU(b)()
	for b.Loop() {
		seq++
		binary.BigEndian.PutUint16(pkt[2:], seq)
		binary.BigEndian.PutUint32(pkt[4:], uint32(seq)*160)
		if _, err := peer.conn.WriteToUDPAddrPort(pkt, to); err != nil {
			b.Fatal(err)
		}
		now = now.Add(20 * time.Millisecond)
		m.sh.tick(now)
	}
}

// BenchmarkSendFrame is one paced PCMU frame: Source, encode, header
// marshal and sendto.
func BenchmarkSendFrame(b *testing.B) {
	pool := testPool(b)
	peer := newRawPeer(b)
	s := newTestStream(b, pool, streamOpts{pt: 0, remote: peer.addr()})
	s.SetSource(silentSource{})
	m := newManualShard(b, s)
	now := time.Now()
	b.ReportAllocs()
	defer reportCPU(b)()
	for b.Loop() {
		now = now.Add(20 * time.Millisecond)
		m.sh.tick(now)
	}
}

// reportCPU adds the process CPU time per operation to a benchmark's
// output; on a shared machine it is steadier than ns/op, which is wall time.
func reportCPU(b *testing.B) func() {
	start := cpuTime()
	return func() {
		if b.N > 0 {
			b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op")
		}
	}
}

// cpuTime is the CPU time this process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
