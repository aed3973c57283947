package rtp

import (
	"log/slog"
	"math"
	"net"
	"net/netip"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/mrcpd/mrcpd/rtp/codec"
)

var loopback = netip.MustParseAddr("127.0.0.1")

// testPool returns a pool on 127.0.0.1 in a range derived from the process
// id, so that test binaries running side by side rarely meet; busy ports are
// skipped by the pool anyway.
func testPool(t testing.TB) *PortPool {
	t.Helper()
	base := 20000 + (os.Getpid()%400)*100
	p, err := NewPortPool(PortPoolOptions{Host: loopback, Min: base, Max: base + 99})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

type streamOpts struct {
	codec    codec.Codec
	pt       uint8
	eventPT  uint8
	remote   netip.AddrPort
	rtcp     netip.AddrPort
	latch    bool
	interval time.Duration
}

func newTestStream(t testing.TB, pool *PortPool, o streamOpts) *Stream {
	t.Helper()
	pp, err := pool.Allocate()
	if err != nil {
		t.Fatal(err)
	}
	if o.codec == nil {
		o.codec = codec.PCMU()
	}
	if !o.remote.IsValid() && !o.latch {
		// Filled in by the test with SetRemote once the peer exists.
		o.remote = netip.AddrPortFrom(loopback, 9)
	}
	if o.interval == 0 {
		o.interval = time.Hour
	}
	s, err := NewStream(StreamConfig{
		Ports: pp, Codec: o.codec, PayloadType: o.pt, EventPayloadType: o.eventPT,
		Remote: o.remote, RemoteRTCP: o.rtcp, Latch: o.latch, RTCPInterval: o.interval,
	})
	if err != nil {
		_ = pp.Release()
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// addrOf is the loopback address of a stream's RTP socket.
func addrOf(s *Stream) netip.AddrPort {
	return netip.AddrPortFrom(loopback, uint16(s.LocalPort()))
}

// connect points two streams at each other.
func connect(t testing.TB, a, b *Stream) {
	t.Helper()
	if err := a.SetRemote(addrOf(b), netip.AddrPort{}); err != nil {
		t.Fatal(err)
	}
	if err := b.SetRemote(addrOf(a), netip.AddrPort{}); err != nil {
		t.Fatal(err)
	}
}

// recorder is a Sink that keeps everything it gets.
type recorder struct {
	mu    sync.Mutex
	pcm   []int16
	calls int
	dtmf  []DTMFEvent
	ticks int
}

func (r *recorder) OnAudio(pcm []int16) {
	r.mu.Lock()
	r.pcm = append(r.pcm, pcm...)
	r.calls++
	r.mu.Unlock()
}

func (r *recorder) OnDTMF(ev DTMFEvent) {
	r.mu.Lock()
	r.dtmf = append(r.dtmf, ev)
	r.mu.Unlock()
}

func (r *recorder) OnTick(time.Time) {
	r.mu.Lock()
	r.ticks++
	r.mu.Unlock()
}

func (r *recorder) samples() []int16 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]int16(nil), r.pcm...)
}

func (r *recorder) digits() []DTMFEvent {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]DTMFEvent(nil), r.dtmf...)
}

func (r *recorder) tickCount() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.ticks
}

// nopSink takes the Engine's output and does nothing with it, so that
// measurements show the engine's own cost.
type nopSink struct{}

func (nopSink) OnAudio([]int16)  {}
func (nopSink) OnDTMF(DTMFEvent) {}
func (nopSink) OnTick(time.Time) {}

// frameSource plays a fixed PCM sequence frame by frame, then reports
// nothing to send.
type frameSource struct {
	mu  sync.Mutex
	pcm []int16
	off int
}

func (f *frameSource) ReadFrame(pcm []int16) (int, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.off >= len(f.pcm) {
		return 0, false
	}
	n := copy(pcm, f.pcm[f.off:])
	f.off += n
	return n, true
}

// speechLike makes a deterministic test signal: two tones plus a little
// noise, at the given rate, in the amplitude range of speech.
func speechLike(rate, n int) []int16 {
	out := make([]int16, n)
	seed := uint32(7)
	for i := range out {
		t := float64(i) / float64(rate)
		v := 6000*math.Sin(2*math.Pi*440*t) + 3000*math.Sin(2*math.Pi*1250*t)
		seed = seed*1664525 + 1013904223
		v += float64(int32(seed>>20)&0xff) - 128
		out[i] = int16(v)
	}
	return out
}

// waitFor polls cond every few milliseconds for at most d.
func waitFor(t testing.TB, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", d, what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// rawPeer is a plain UDP socket standing in for a remote RTP endpoint.
type rawPeer struct {
	conn *net.UDPConn
}

func newRawPeer(t testing.TB) *rawPeer {
	t.Helper()
	c, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return &rawPeer{conn: c}
}

func (p *rawPeer) addr() netip.AddrPort {
	return p.conn.LocalAddr().(*net.UDPAddr).AddrPort()
}

func (p *rawPeer) send(t testing.TB, to netip.AddrPort, pkt []byte) {
	t.Helper()
	if _, err := p.conn.WriteToUDPAddrPort(pkt, to); err != nil {
		t.Fatal(err)
	}
}

// rtpPacket builds a minimal RTP packet.
func rtpPacket(pt uint8, marker bool, seq uint16, ts, ssrc uint32, payload []byte) []byte {
	b := make([]byte, 12, 12+len(payload))
	b[0] = 0x80
	b[1] = pt
	if marker {
		b[1] |= 0x80
	}
	b[2], b[3] = byte(seq>>8), byte(seq)
	b[4], b[5], b[6], b[7] = byte(ts>>24), byte(ts>>16), byte(ts>>8), byte(ts)
	b[8], b[9], b[10], b[11] = byte(ssrc>>24), byte(ssrc>>16), byte(ssrc>>8), byte(ssrc)
	return append(b, payload...)
}

// manualShard services streams on the test's own goroutine with a clock the
// test controls, for scripted packet orders.
type manualShard struct {
	sh *shard
}

func newManualShard(t testing.TB, streams ...*Stream) *manualShard {
	t.Helper()
	sh, err := newShard(&Engine{tick: 20 * time.Millisecond, log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sh.shutdown)
	for _, s := range streams {
		if err := sh.apply(shardCmd{s: s, add: true}); err != nil {
			t.Fatal(err)
		}
	}
	return &manualShard{sh: sh}
}

// newTestEngine starts an engine that the test closes at its end.
func newTestEngine(t testing.TB, opts EngineOptions) *Engine {
	t.Helper()
	e, err := NewEngine(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.Close() })
	return e
}

// tickUntil services the streams at time now until cond holds, for at most
// a second of real time: datagrams sent just before may still be on their
// way through the loopback device.
func (m *manualShard) tickUntil(t testing.TB, now time.Time, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Second)
	for {
		m.sh.tick(now)
		if cond() {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

func rtcpAddrOf(s *Stream) netip.AddrPort {
	return netip.AddrPortFrom(loopback, uint16(s.LocalPort()+1))
}
