package rtp

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/mrcpd/mrcpd/rtp/codec"
)

// TestStreamMemory: a stream added to an engine, on real sockets, costs a
// small part of the 64 KB per-session budget in Go heap. Reorder storage
// made up front (4 × 1.5 KB) would break the bound.
func TestStreamMemory(t *testing.T) {
	const bound = 2560
	perStream := streamMemory(t, 200, nil, nil)
	t.Logf("%.0f bytes of heap per stream", perStream)
	if perStream > bound {
		t.Fatalf("%.0f bytes of heap per stream, want at most %d", perStream, bound)
	}
}

// TestReorderStorageIsLazy: a stream whose packets come in order holds no
// reorder storage; one that must hold a packet borrows a buffer from its
// shard's pool and gives it back on delivery, and the next wait reuses it.
func TestReorderStorageIsLazy(t *testing.T) {
	pool := testPool(t)
	peer := newRawPeer(t)
	s := newTestStream(t, pool, streamOpts{pt: 0, remote: peer.addr()})
	rec := &recorder{}
	s.SetSink(rec)
	m := newManualShard(t, s)
	r, payloads := &s.rx.reorder, m.sh.payloads
	if r.pool != payloads {
		t.Fatal("stream does not use its shard's pool")
	}
	from, now := peer.addr(), time.Now()
	m.sh.tick(now) // sets the stream's tick time and decode buffer
	send := func(seq uint16) {
		s.receive(rtpPacket(0, false, seq, uint32(seq)*160, 7, make([]byte, 160)), from, now, true)
	}
	for seq := range uint16(5) {
		send(seq)
	}
	if r.slots != nil || len(payloads.free) != 0 {
		t.Fatalf("in-order packets made %d slots, %d pooled buffers", len(r.slots), len(payloads.free))
	}
	send(6) // 5 is missing: 6 waits
	if r.pending != 1 || len(r.slots) != 4 || len(payloads.free) != 0 {
		t.Fatalf("after a gap: %d pending, %d slots, %d pooled", r.pending, len(r.slots), len(payloads.free))
	}
	held := r.slot(6).payload
	send(5)
	if r.pending != 0 || len(payloads.free) != 1 || payloads.free[0] != held {
		t.Fatalf("after the gap filled: %d pending, %d pooled", r.pending, len(payloads.free))
	}
	send(8)
	if r.slot(8).payload != held || len(payloads.free) != 0 {
		t.Fatal("second wait did not reuse the pooled buffer")
	}
	send(7)
	if got := len(rec.samples()); got != 9*160 {
		t.Fatalf("sink got %d samples, want %d", got, 9*160)
	}
	if err := m.sh.apply(shardCmd{s: s}); err != nil {
		t.Fatal(err)
	}
	if r.pool != nil {
		t.Fatal("removed stream still points at the shard's pool")
	}
}

// TestPayloadPoolBounded: the pool keeps at most maxPooledPayloads idle
// buffers, and a nil pool (a stream outside any shard) still works.
func TestPayloadPoolBounded(t *testing.T) {
	p := newPayloadPool()
	for range maxPooledPayloads + 10 {
		p.put(new(payloadBuf))
	}
	if len(p.free) != maxPooledPayloads {
		t.Fatalf("pool keeps %d buffers, want %d", len(p.free), maxPooledPayloads)
	}
	var none *payloadPool
	if none.get() == nil {
		t.Fatal("nil pool returned no buffer")
	}
	none.put(new(payloadBuf))
}

// TestSendDTMFConcurrentFirstUse: the DTMF queue is made by the first
// request, also when many goroutines race to make it; none is lost and
// the queue's bound holds.
func TestSendDTMFConcurrentFirstUse(t *testing.T) {
	s := newTestStream(t, testPool(t), streamOpts{pt: 0, eventPT: 101})
	if s.dtmfQueue.Load() != nil {
		t.Fatal("queue made before any digit")
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	accepted, refused := 0, 0
	for range 8 {
		wg.Go(func() {
			for range 4 {
				err := s.SendDTMF('1', 50*time.Millisecond)
				mu.Lock()
				if err == nil {
					accepted++
				} else {
					refused++
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if accepted != dtmfQueueLen || refused != 32-dtmfQueueLen {
		t.Fatalf("%d accepted, %d refused; want %d and %d", accepted, refused, dtmfQueueLen, 32-dtmfQueueLen)
	}
	if n := s.dtmfQueued.Load(); n != dtmfQueueLen || len(*s.dtmfQueue.Load()) != dtmfQueueLen {
		t.Fatalf("count %d, queue %d", n, len(*s.dtmfQueue.Load()))
	}
}

// syncBuffer is a bytes.Buffer for a log handler written from a shard.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// TestStreamLogLinesCarryPort: the rtp_port attribute, added when the
// stream first logs, is on its lines, with the caller's attributes.
func TestStreamLogLinesCarryPort(t *testing.T) {
	var out syncBuffer
	log := slog.New(slog.NewTextHandler(&out, &slog.HandlerOptions{Level: slog.LevelDebug})).With("session", "s1")
	pp, err := testPool(t).Allocate()
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewStream(StreamConfig{Ports: pp, Codec: codec.PCMU(), Latch: true, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	peer := newRawPeer(t)
	m := newManualShard(t, s)
	peer.send(t, addrOf(s), rtpPacket(0, false, 1, 160, 7, make([]byte, 160)))
	peer.send(t, addrOf(s), rtpPacket(0, false, 2, 320, 8, make([]byte, 160))) // new SSRC
	m.tickUntil(t, time.Now(), "two packets", func() bool { return s.Stats().PacketsReceived == 2 })
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("want the latching and source-change lines, got:\n%s", out.String())
	}
	port := fmt.Sprintf("rtp_port=%d", s.LocalPort())
	for _, l := range lines {
		if !strings.Contains(l, "session=s1") || strings.Count(l, port) != 1 {
			t.Fatalf("line without session and %s once: %s", port, l)
		}
	}
}

// TestSocketBufferSizes: the pool's sockets get the buffer sizes chosen
// for them, not the host's defaults.
func TestSocketBufferSizes(t *testing.T) {
	pp, err := testPool(t).Allocate()
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = pp.Release() }()
	for _, c := range []struct {
		name       string
		sock       *udpSocket
		opt, asked int
	}{
		{"RTP receive", pp.rtp, syscall.SO_RCVBUF, rtpRecvBuffer},
		{"RTP send", pp.rtp, syscall.SO_SNDBUF, rtpSendBuffer},
		{"RTCP receive", pp.rtcp, syscall.SO_RCVBUF, rtcpRecvBuffer},
		{"RTCP send", pp.rtcp, syscall.SO_SNDBUF, rtcpSendBuffer},
	} {
		got, err := syscall.GetsockoptInt(c.sock.fd, syscall.SOL_SOCKET, c.opt)
		if err != nil {
			t.Fatal(err)
		}
		// Linux reports twice the size asked for; other systems the size.
		if got != c.asked && got != 2*c.asked {
			t.Errorf("%s buffer is %d bytes, asked for %d", c.name, got, c.asked)
		}
	}
}
