package rtp

import (
	"errors"
	"net"
	"net/netip"
	"os"
	"testing"
	"time"

	"github.com/mrcpd/mrcpd/rtp/codec"
)

// freeRange finds n consecutive even/odd pairs that can be bound now.
func freeRange(t *testing.T, pairs int) int {
	t.Helper()
	for base := 40000 + (len(t.Name())%50)*200; base < 60000; base += 2 * pairs {
		ok := true
		var conns []*net.UDPConn
		for p := base; p < base+2*pairs && ok; p++ {
			c, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: p})
			if err != nil {
				ok = false
				break
			}
			conns = append(conns, c)
		}
		for _, c := range conns {
			_ = c.Close()
		}
		if ok {
			return base
		}
	}
	t.Fatal("no free port range")
	return 0
}

func TestPortPoolAllocateReleaseReuse(t *testing.T) {
	base := freeRange(t, 2)
	pool, err := NewPortPool(PortPoolOptions{Host: loopback, Min: base, Max: base + 3})
	if err != nil {
		t.Fatal(err)
	}
	if pool.Size() != 2 {
		t.Fatalf("size %d, want 2", pool.Size())
	}
	a, err := pool.Allocate()
	if err != nil {
		t.Fatal(err)
	}
	b, err := pool.Allocate()
	if err != nil {
		t.Fatal(err)
	}
	for _, pp := range []*PortPair{a, b} {
		if pp.Port()%2 != 0 {
			t.Fatalf("RTP port %d is odd", pp.Port())
		}
		if got := pp.rtcp.localAddr(); got != netip.AddrPortFrom(loopback, uint16(pp.Port()+1)) {
			t.Fatalf("RTCP bound to %v, want port %d", got, pp.Port()+1)
		}
		if got := pp.rtp.localAddr(); got != netip.AddrPortFrom(loopback, uint16(pp.Port())) {
			t.Fatalf("RTP bound to %v", got)
		}
	}
	if _, err := pool.Allocate(); !errors.Is(err, ErrPortsExhausted) {
		t.Fatalf("third allocation: %v, want ErrPortsExhausted", err)
	}
	if err := pool.Release(a); err != nil {
		t.Fatal(err)
	}
	if err := pool.Release(a); err != nil { // twice is harmless
		t.Fatal(err)
	}
	if pool.Available() != 1 {
		t.Fatalf("available %d after release, want 1", pool.Available())
	}
	c, err := pool.Allocate()
	if err != nil {
		t.Fatal(err)
	}
	if c.Port() != a.Port() {
		t.Fatalf("got port %d, want the released %d", c.Port(), a.Port())
	}
	// The released sockets are really closed: the port can be bound again
	// only through the pool's new pair, which now holds it.
	if _, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: c.Port()}); err == nil {
		t.Fatal("reused port not bound by the pool")
	}
	_ = pool.Release(b)
	_ = pool.Release(c)
	if pool.Available() != 2 {
		t.Fatalf("available %d, want 2", pool.Available())
	}
}

func TestPortPoolSkipsBusyPorts(t *testing.T) {
	base := freeRange(t, 3)
	// Someone else holds the RTCP port of the first pair.
	squatter, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: base + 1})
	if err != nil {
		t.Fatal(err)
	}
	defer squatter.Close()
	pool, err := NewPortPool(PortPoolOptions{Host: loopback, Min: base, Max: base + 5})
	if err != nil {
		t.Fatal(err)
	}
	pp, err := pool.Allocate()
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Release(pp)
	if pp.Port() != base+2 {
		t.Fatalf("got port %d, want %d (first pair busy)", pp.Port(), base+2)
	}
	// The busy pair stays in the pool and is used once it is free.
	_ = squatter.Close()
	second, err := pool.Allocate()
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Release(second)
	third, err := pool.Allocate()
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Release(third)
	if second.Port() != base+4 || third.Port() != base {
		t.Fatalf("then got %d and %d, want %d and %d", second.Port(), third.Port(), base+4, base)
	}
}

func TestPortPoolOptions(t *testing.T) {
	p, err := NewPortPool(PortPoolOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if p.Size() != 500 {
		t.Fatalf("default range has %d pairs, want 500 (5000-5999, 6000 has no RTCP port)", p.Size())
	}
	for _, bad := range []PortPoolOptions{
		{Min: 6000, Max: 5000},
		{Min: 5001, Max: 5002},
		{Min: 65534, Max: 65536},
		{Min: -2, Max: 10},
	} {
		if _, err := NewPortPool(bad); err == nil {
			t.Errorf("range %d-%d accepted", bad.Min, bad.Max)
		}
	}
	p6, err := NewPortPool(PortPoolOptions{Host: netip.IPv6Loopback(), Min: 30000, Max: 30001})
	if err != nil || p6.Size() != 1 {
		t.Fatalf("IPv6 pool: %v", err)
	}
}

// TestStreamCloseReleasesPorts: closing a stream gives its pair back.
func TestStreamCloseReleasesPorts(t *testing.T) {
	base := freeRange(t, 1)
	pool, err := NewPortPool(PortPoolOptions{Host: loopback, Min: base, Max: base + 1})
	if err != nil {
		t.Fatal(err)
	}
	s := newTestStream(t, pool, streamOpts{pt: 0})
	e := newTestEngine(t, EngineOptions{Shards: 1})
	defer e.Close()
	if err := e.Add(s); err != nil {
		t.Fatal(err)
	}
	if pool.Available() != 0 {
		t.Fatal("pair not taken")
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if pool.Available() != 1 || e.Stats().Streams != 0 {
		t.Fatalf("after Close: available %d, engine streams %d", pool.Available(), e.Stats().Streams)
	}
	again := newTestStream(t, pool, streamOpts{pt: 0})
	if again.LocalPort() != base {
		t.Fatalf("reused port %d, want %d", again.LocalPort(), base)
	}
}

// TestReleaseClosesOwningStream: releasing a pair that a stream in an
// engine still uses detaches and closes the stream first, so no shard reads
// a closed descriptor.
func TestReleaseClosesOwningStream(t *testing.T) {
	pool := testPool(t)
	pp, err := pool.Allocate()
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewStream(StreamConfig{Ports: pp, Codec: codec.PCMU(), Remote: netip.AddrPortFrom(loopback, 9)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NewStream(StreamConfig{Ports: pp, Codec: codec.PCMU(), Remote: netip.AddrPortFrom(loopback, 9)}); err == nil {
		t.Fatal("second stream on the same pair accepted")
	}
	e := newTestEngine(t, EngineOptions{Shards: 1, Tick: 5 * time.Millisecond})
	defer e.Close()
	rec := &recorder{}
	s.SetSink(rec)
	if err := e.Add(s); err != nil {
		t.Fatal(err)
	}
	waitFor(t, time.Second, "ticks", func() bool { return rec.tickCount() > 0 })
	avail := pool.Available()
	if err := pool.Release(pp); err != nil {
		t.Fatal(err)
	}
	if e.Stats().Streams != 0 || pool.Available() != avail+1 {
		t.Fatalf("after Release: engine streams %d, available %d", e.Stats().Streams, pool.Available())
	}
	n := rec.tickCount()
	time.Sleep(20 * time.Millisecond)
	if rec.tickCount() != n {
		t.Fatal("stream still ticking after its ports were released")
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestIPv6Loopback carries audio between two streams on ::1.
func TestIPv6Loopback(t *testing.T) {
	base := 20000 + (os.Getpid()%400)*100 + 50
	pool, err := NewPortPool(PortPoolOptions{Host: netip.IPv6Loopback(), Min: base, Max: base + 49})
	if err != nil {
		t.Fatal(err)
	}
	a := newTestStream(t, pool, streamOpts{pt: 0})
	b := newTestStream(t, pool, streamOpts{pt: 0})
	if err := a.SetRemote(netip.AddrPortFrom(netip.IPv6Loopback(), uint16(b.LocalPort())), netip.AddrPort{}); err != nil {
		t.Fatal(err)
	}
	rec := &recorder{}
	b.SetSink(rec)
	a.SetSource(&frameSource{pcm: speechLike(8000, 800)})
	e := newTestEngine(t, EngineOptions{Shards: 1})
	defer e.Close()
	for _, s := range []*Stream{a, b} {
		if err := e.Add(s); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, 2*time.Second, "audio over ::1", func() bool { return len(rec.samples()) == 800 })
	if from := b.Stats(); from.PacketsReceived != 5 {
		t.Fatalf("received %d packets", from.PacketsReceived)
	}
}
