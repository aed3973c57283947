package client

import (
	"context"
	"log/slog"
	"net"
	"net/netip"
	"sync"
	"testing"
	"time"

	pionrtp "github.com/pion/rtp"

	"github.com/mrcpd/mrcpd/rtp"
	"github.com/mrcpd/mrcpd/rtp/codec"
)

var loopback = netip.MustParseAddr("127.0.0.1")

func newTestMedia(t *testing.T, c codec.Codec, pt, eventPT uint8, remote netip.AddrPort) *media {
	t.Helper()
	rtpConn, rtcpConn, err := bindPortPair(loopback, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	m := newMedia(rtpConn, rtcpConn, slog.New(slog.DiscardHandler))
	m.start(remote, newMediaFormat(negotiatedAudio{codec: c, pt: pt, eventPT: eventPT, events: eventPT != 0}))
	t.Cleanup(m.close)
	return m
}

// collector is the Sink of the receiving rtp.Stream.
type collector struct {
	mu     sync.Mutex
	pcm    []int16
	digits []rtp.DTMFEvent
}

func (c *collector) OnAudio(pcm []int16) {
	c.mu.Lock()
	c.pcm = append(c.pcm, pcm...)
	c.mu.Unlock()
}

func (c *collector) OnDTMF(ev rtp.DTMFEvent) {
	c.mu.Lock()
	c.digits = append(c.digits, ev)
	c.mu.Unlock()
}

func (c *collector) OnTick(time.Time) {}

func (c *collector) snapshot() ([]int16, []rtp.DTMFEvent) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]int16(nil), c.pcm...), append([]rtp.DTMFEvent(nil), c.digits...)
}

// receiver is our server's own RTP stream, the thing the client feeds.
type receiver struct {
	stream *rtp.Stream
	sink   *collector
	addr   netip.AddrPort
}

func newReceiver(t *testing.T, c codec.Codec, pt, eventPT uint8) *receiver {
	t.Helper()
	pool, err := rtp.NewPortPool(rtp.PortPoolOptions{Host: loopback, Min: 61400, Max: 61599})
	if err != nil {
		t.Fatal(err)
	}
	pp, err := pool.Allocate()
	if err != nil {
		t.Fatal(err)
	}
	st, err := rtp.NewStream(rtp.StreamConfig{Ports: pp, Codec: c, PayloadType: pt, EventPayloadType: eventPT, Latch: true})
	if err != nil {
		pp.Release()
		t.Fatal(err)
	}
	eng, err := rtp.NewEngine(rtp.EngineOptions{Shards: 1, Tick: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if err := eng.Add(st); err != nil {
		t.Fatal(err)
	}
	sink := &collector{}
	st.SetSink(sink)
	t.Cleanup(func() {
		st.Close()
		eng.Close()
	})
	return &receiver{stream: st, sink: sink, addr: netip.AddrPortFrom(loopback, uint16(st.LocalPort()))}
}

// waitFor polls cond for up to 5 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func roundTrip(c codec.Codec, pcm []int16) []int16 {
	enc, dec := c.NewEncoder(), c.NewDecoder()
	payload := make([]byte, enc.PayloadLen(len(pcm)))
	n := enc.EncodeTo(payload, pcm)
	out := make([]int16, dec.Samples(n))
	return out[:dec.DecodeTo(out, payload[:n])]
}

func TestPlayFastReachesStreamIntact(t *testing.T) {
	rx := newReceiver(t, codec.PCMU(), 0, 101)
	m := newTestMedia(t, codec.PCMU(), 0, 101, rx.addr)
	pcm := sine(400, 8000, 8000, 6000) // 1 s: 50 frames
	if err := m.play(context.Background(), pcm, 8000, false); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "all audio", func() bool { got, _ := rx.sink.snapshot(); return len(got) >= len(pcm) })
	got, _ := rx.sink.snapshot()
	want := roundTrip(codec.PCMU(), pcm)
	if len(got) != len(want) {
		t.Fatalf("received %d samples, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("sample %d: %d, want %d", i, got[i], want[i])
		}
	}
	st := rx.stream.Stats()
	if st.PacketsReceived != 50 || st.Lost != 0 || st.Late != 0 || st.Bad != 0 {
		t.Fatalf("receiver stats %+v", st)
	}
	pb := m.playback()
	if !pb.Done || !pb.Fast || pb.Frames != 50 || pb.FirstPacket.IsZero() || pb.LastPacket.Before(pb.FirstPacket) {
		t.Fatalf("playback %+v", pb)
	}
	// 49 intervals of 4 ms at the least: pacing never runs ahead.
	if span := pb.LastPacket.Sub(pb.FirstPacket); span < 49*frameDuration/FastFactor-2*time.Millisecond {
		t.Fatalf("fast playback of 50 frames took only %v", span)
	}
	if ms := m.stats(); ms.PacketsSent != 50 || ms.BytesSent != 8000 {
		t.Fatalf("media stats %+v", ms)
	}
}

// 8 kHz audio played over a 16 kHz codec is resampled on the way, and real
// time means one frame per 20 ms.
func TestPlayRealtimeResamples(t *testing.T) {
	l16, err := codec.L16(16000)
	if err != nil {
		t.Fatal(err)
	}
	rx := newReceiver(t, l16, 96, 0)
	m := newTestMedia(t, l16, 96, 0, rx.addr)
	pcm := sine(700, 8000, 1600, 9000) // 200 ms: 10 frames
	if err := m.play(context.Background(), pcm, 8000, true); err != nil {
		t.Fatal(err)
	}
	want := upsample2(pcm)
	waitFor(t, "all audio", func() bool { got, _ := rx.sink.snapshot(); return len(got) >= len(want) })
	got, _ := rx.sink.snapshot()
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("sample %d: %d, want %d", i, got[i], want[i])
		}
	}
	pb := m.playback()
	if pb.Frames != 10 || pb.Fast {
		t.Fatalf("playback %+v", pb)
	}
	if span := pb.LastPacket.Sub(pb.FirstPacket); span < 9*frameDuration-5*time.Millisecond {
		t.Fatalf("real-time playback of 10 frames took only %v", span)
	}
	if err := m.sendDigit('1', 100*time.Millisecond); err == nil {
		t.Fatal("a digit was sent without telephone-event")
	}
}

func TestDTMFDetectedByStream(t *testing.T) {
	rx := newReceiver(t, codec.PCMU(), 0, 101)
	m := newTestMedia(t, codec.PCMU(), 0, 101, rx.addr)
	if err := m.sendDigit('5', 100*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	// A digit during a playback delays the audio, it does not replace it.
	pcm := sine(300, 8000, 4000, 5000)
	var wg sync.WaitGroup
	wg.Add(1)
	var playErr error
	go func() {
		defer wg.Done()
		playErr = m.play(context.Background(), pcm, 8000, false)
	}()
	if err := m.sendDigit('#', 60*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	if playErr != nil {
		t.Fatal(playErr)
	}
	waitFor(t, "two digits and the audio", func() bool {
		got, d := rx.sink.snapshot()
		return len(got) >= len(pcm) && len(d) >= 4
	})
	got, digits := rx.sink.snapshot()
	var ends []rtp.DTMFEvent
	for _, d := range digits {
		if d.End {
			ends = append(ends, d)
		}
	}
	if len(ends) != 2 || ends[0].Digit != '5' || ends[1].Digit != '#' {
		t.Fatalf("digits %+v", digits)
	}
	if ends[0].Duration != 100*time.Millisecond || ends[1].Duration != 60*time.Millisecond {
		t.Fatalf("durations %v %v", ends[0].Duration, ends[1].Duration)
	}
	if len(got) != len(pcm) {
		t.Fatalf("received %d samples of audio, want %d", len(got), len(pcm))
	}
	if st := rx.stream.Stats(); st.DigitsReceived != 2 || st.Lost != 0 {
		t.Fatalf("receiver stats %+v", st)
	}
	if m.stats().DigitsSent != 2 {
		t.Fatalf("digits sent %d", m.stats().DigitsSent)
	}
	for _, bad := range []struct {
		d   byte
		dur time.Duration
	}{{'x', 100 * time.Millisecond}, {'1', 5 * time.Millisecond}, {'1', 9 * time.Second}} {
		if err := m.sendDigit(bad.d, bad.dur); err == nil {
			t.Errorf("digit %q for %v accepted", bad.d, bad.dur)
		}
	}
}

// readPackets collects what arrives on a plain socket until quiet for
// 300 ms (or 5 s passed).
func readPackets(t *testing.T, conn *net.UDPConn) []pionrtp.Packet {
	t.Helper()
	var out []pionrtp.Packet
	buf := make([]byte, 2048)
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		conn.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
		n, err := conn.Read(buf)
		if err != nil {
			break
		}
		var p pionrtp.Packet
		if err := p.Unmarshal(append([]byte(nil), buf[:n]...)); err != nil {
			t.Fatalf("not RTP: %v", err)
		}
		out = append(out, p)
	}
	return out
}

// The header fields follow RFC 3550 and RFC 4733: one SSRC, consecutive
// sequence numbers, timestamps one frame apart, the marker on a talkspurt's
// first packet, and an event's packets sharing its start timestamp with
// the end bit on the last three.
func TestPacketHeaders(t *testing.T) {
	conn, err := net.ListenUDP("udp", net.UDPAddrFromAddrPort(netip.AddrPortFrom(loopback, 0)))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	m := newTestMedia(t, codec.PCMA(), 8, 101, conn.LocalAddr().(*net.UDPAddr).AddrPort())
	if err := m.play(context.Background(), sine(500, 8000, 480, 3000), 8000, false); err != nil {
		t.Fatal(err)
	}
	if err := m.sendDigit('9', 60*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	pkts := readPackets(t, conn)
	if len(pkts) != 3+5 {
		t.Fatalf("%d packets, want 3 audio + 5 event", len(pkts))
	}
	for i, p := range pkts {
		if p.SSRC != pkts[0].SSRC || p.Version != 2 {
			t.Fatalf("packet %d: ssrc %x version %d", i, p.SSRC, p.Version)
		}
		if i > 0 && p.SequenceNumber != pkts[i-1].SequenceNumber+1 {
			t.Fatalf("packet %d: sequence %d after %d", i, p.SequenceNumber, pkts[i-1].SequenceNumber)
		}
	}
	for i, p := range pkts[:3] {
		if p.PayloadType != 8 || len(p.Payload) != 160 || p.Marker != (i == 0) {
			t.Fatalf("audio packet %d: pt %d len %d marker %v", i, p.PayloadType, len(p.Payload), p.Marker)
		}
		if i > 0 && p.Timestamp != pkts[i-1].Timestamp+160 {
			t.Fatalf("audio packet %d: timestamp step %d", i, p.Timestamp-pkts[i-1].Timestamp)
		}
	}
	events := pkts[3:]
	wantDur := []uint16{160, 320, 480, 480, 480}
	for i, p := range events {
		if p.PayloadType != 101 || len(p.Payload) != 4 || p.Marker != (i == 0) || p.Timestamp != events[0].Timestamp {
			t.Fatalf("event packet %d: pt %d len %d marker %v ts %d", i, p.PayloadType, len(p.Payload), p.Marker, p.Timestamp)
		}
		end := p.Payload[1]&0x80 != 0
		dur := uint16(p.Payload[2])<<8 | uint16(p.Payload[3])
		if p.Payload[0] != 9 || end != (i >= 2) || dur != wantDur[i] || p.Payload[1]&0x3f != dtmfVolume {
			t.Fatalf("event packet %d: % x", i, p.Payload)
		}
	}
	// The RTP clock ran on while idle between the playback and the digit.
	if events[0].Timestamp-pkts[2].Timestamp < 160 {
		t.Fatalf("event timestamp %d not after audio %d", events[0].Timestamp, pkts[2].Timestamp)
	}
}

func TestSilenceRunsForItsDuration(t *testing.T) {
	rx := newReceiver(t, codec.PCMU(), 0, 0)
	m := newTestMedia(t, codec.PCMU(), 0, 0, rx.addr)
	m.setSilence(200 * time.Millisecond)
	waitFor(t, "silence to start", func() bool { return m.stats().PacketsSent > 0 })
	waitFor(t, "silence to end", func() bool { return time.Now().UnixNano() > m.silenceUntil.Load()+int64(50*time.Millisecond) })
	sent := m.stats().PacketsSent
	// One packet per 20 ms slot, never a burst.
	if sent < 5 || sent > 12 {
		t.Fatalf("%d silence packets in 200 ms", sent)
	}
	time.Sleep(100 * time.Millisecond)
	if again := m.stats().PacketsSent; again != sent {
		t.Fatalf("silence went on: %d packets, then %d", sent, again)
	}
	waitFor(t, "the silence at the receiver", func() bool { got, _ := rx.sink.snapshot(); return len(got) == int(sent)*160 })
	got, _ := rx.sink.snapshot()
	for i, v := range got {
		if v != 0 {
			t.Fatalf("sample %d of silence is %d", i, v)
		}
	}
	// Stopping it early.
	m.setSilence(time.Hour)
	waitFor(t, "silence to restart", func() bool { return m.stats().PacketsSent > sent })
	m.setSilence(0)
	time.Sleep(60 * time.Millisecond)
	stopped := m.stats().PacketsSent
	time.Sleep(100 * time.Millisecond)
	if m.stats().PacketsSent != stopped {
		t.Fatal("silence went on after it was stopped")
	}
}

func TestPlayCancelAndClose(t *testing.T) {
	rx := newReceiver(t, codec.PCMU(), 0, 0)
	m := newTestMedia(t, codec.PCMU(), 0, 0, rx.addr)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	err := m.play(ctx, sine(200, 8000, 8000*10, 1000), 8000, true)
	if err != context.DeadlineExceeded {
		t.Fatalf("cancelled playback returned %v", err)
	}
	waitFor(t, "the playback to stop", func() bool { return m.playback().Done })
	if f := m.playback().Frames; f < 2 || f > 10 {
		t.Fatalf("%d frames sent in 100 ms of real time", f)
	}
	if _, err := resample(nil, 11025, 8000); err == nil {
		t.Fatal("11025 Hz accepted")
	}
	if err := m.play(context.Background(), []int16{1}, 11025, true); err == nil {
		t.Fatal("11025 Hz played")
	}
	if err := m.play(context.Background(), nil, 8000, true); err != nil {
		t.Fatalf("empty playback: %v", err)
	}
	m.close()
	if err := m.play(context.Background(), []int16{1, 2}, 8000, true); err != ErrClosed {
		t.Fatalf("play after close: %v", err)
	}
	if err := m.sendDigit('1', 100*time.Millisecond); err != ErrClosed {
		t.Fatalf("digit after close: %v", err)
	}
}

func TestBindPortPair(t *testing.T) {
	a1, a2, err := bindPortPair(loopback, 61620, 61623)
	if err != nil {
		t.Fatal(err)
	}
	defer a1.Close()
	defer a2.Close()
	p := a1.LocalAddr().(*net.UDPAddr).Port
	if p%2 != 0 || a2.LocalAddr().(*net.UDPAddr).Port != p+1 || p < 61620 || p > 61622 {
		t.Fatalf("pair %d/%d", p, a2.LocalAddr().(*net.UDPAddr).Port)
	}
	b1, b2, err := bindPortPair(loopback, 61620, 61623)
	if err != nil {
		t.Fatal(err)
	}
	defer b1.Close()
	defer b2.Close()
	if q := b1.LocalAddr().(*net.UDPAddr).Port; q == p {
		t.Fatal("the same pair twice")
	}
	if _, _, err := bindPortPair(loopback, 61620, 61623); err == nil {
		t.Fatal("a third pair from a range of two")
	}
	e1, e2, err := bindPortPair(loopback, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer e1.Close()
	defer e2.Close()
	if q := e1.LocalAddr().(*net.UDPAddr).Port; q%2 != 0 || e2.LocalAddr().(*net.UDPAddr).Port != q+1 {
		t.Fatalf("ephemeral pair %d/%d", q, e2.LocalAddr().(*net.UDPAddr).Port)
	}
}
