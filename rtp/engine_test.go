package rtp

import (
	"os"
	"runtime"
	"slices"
	"testing"
	"time"
)

// TestEngineCloseLeavesNoGoroutines starts an engine with streams, runs it,
// closes it and counts goroutines.
func TestEngineCloseLeavesNoGoroutines(t *testing.T) {
	pool := testPool(t)
	before := runtime.NumGoroutine()
	e := newTestEngine(t, EngineOptions{Shards: 4, Tick: 10 * time.Millisecond})
	rec := &recorder{}
	var streams []*Stream
	for range 6 {
		s := newTestStream(t, pool, streamOpts{pt: 0})
		s.SetSink(rec)
		if err := e.Add(s); err != nil {
			t.Fatal(err)
		}
		streams = append(streams, s)
	}
	if st := e.Stats(); st.Streams != 6 {
		t.Fatalf("engine has %d streams", st.Streams)
	}
	waitFor(t, 2*time.Second, "ticks", func() bool { return rec.tickCount() >= 6*3 })
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	if err := e.Close(); err != nil { // idempotent
		t.Fatal(err)
	}
	waitFor(t, 2*time.Second, "goroutines to exit", func() bool { return runtime.NumGoroutine() <= before })
	// Streams are detached, still usable, and can be closed.
	ticks := rec.tickCount()
	time.Sleep(30 * time.Millisecond)
	if rec.tickCount() != ticks {
		t.Fatal("ticks after Close")
	}
	if err := e.Add(streams[0]); err == nil {
		t.Fatal("Add after Close accepted")
	}
	for _, s := range streams {
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

// TestEngineRemoveStopsCallbacks: after Remove returns, the shard no longer
// calls the stream's sink; a stream cannot be in two engines.
func TestEngineRemoveStopsCallbacks(t *testing.T) {
	pool := testPool(t)
	e := newTestEngine(t, EngineOptions{Shards: 2, Tick: 5 * time.Millisecond})
	defer e.Close()
	other := newTestEngine(t, EngineOptions{Shards: 1})
	defer other.Close()
	s := newTestStream(t, pool, streamOpts{pt: 0})
	rec := &recorder{}
	s.SetSink(rec)
	if err := e.Add(s); err != nil {
		t.Fatal(err)
	}
	if err := other.Add(s); err == nil {
		t.Fatal("stream added to a second engine")
	}
	if err := e.Add(s); err == nil {
		t.Fatal("stream added twice")
	}
	waitFor(t, time.Second, "ticks", func() bool { return rec.tickCount() > 2 })
	e.Remove(s)
	n := rec.tickCount()
	time.Sleep(30 * time.Millisecond)
	if rec.tickCount() != n {
		t.Fatal("sink called after Remove")
	}
	if err := other.Add(s); err != nil {
		t.Fatalf("re-adding a removed stream: %v", err)
	}
	waitFor(t, time.Second, "ticks on the other engine", func() bool { return rec.tickCount() > n })
}

// TestEngineFillsShardsInTurn: a shard takes ShardFill streams before the
// next is used, so that a small load wakes one thread per tick; once all
// are that full, streams go to the least loaded; a negative fill spreads
// them evenly.
func TestEngineFillsShardsInTurn(t *testing.T) {
	pool := testPool(t)
	for _, c := range []struct {
		fill int
		want []int
	}{
		{4, []int{4, 3, 0}},
		{2, []int{3, 2, 2}},
		{-1, []int{3, 2, 2}},
	} {
		e := newTestEngine(t, EngineOptions{Shards: 3, ShardFill: c.fill})
		var streams []*Stream
		for range 7 {
			s := newTestStream(t, pool, streamOpts{pt: 0})
			if err := e.Add(s); err != nil {
				t.Fatal(err)
			}
			streams = append(streams, s)
		}
		e.mu.Lock()
		got := make([]int, len(e.shards))
		for i, sh := range e.shards {
			got[i] = sh.count
		}
		e.mu.Unlock()
		if !slices.Equal(got, c.want) {
			t.Errorf("fill %d: streams per shard %v, want %v", c.fill, got, c.want)
		}
		for _, s := range streams {
			e.Remove(s)
			s.Close()
		}
		e.Close()
	}
	if e := newTestEngine(t, EngineOptions{}); e.fill != DefaultShardFill {
		t.Errorf("default fill %d, want %d", e.fill, DefaultShardFill)
	}
}

// TestTickReadsManyReadySockets queues a packet on more sockets than one
// readiness round reports and checks one tick reads them all.
func TestTickReadsManyReadySockets(t *testing.T) {
	const n = 300
	base := 50000 + (os.Getpid()%20)*700
	pool, err := NewPortPool(PortPoolOptions{Host: loopback, Min: base, Max: base + 699})
	if err != nil {
		t.Fatal(err)
	}
	peer := newRawPeer(t)
	var streams []*Stream
	for range n {
		streams = append(streams, newTestStream(t, pool, streamOpts{pt: 0, remote: peer.addr()}))
	}
	m := newManualShard(t, streams...)
	// Queue RTCP too, so that both sockets of every stream are readable.
	for _, s := range streams {
		peer.send(t, addrOf(s), rtpPacket(0, false, 1, 0, 9, make([]byte, 160)))
		peer.send(t, rtcpAddrOf(s), []byte{0x80, 0xc9, 0, 1, 0, 0, 0, 9})
	}
	time.Sleep(50 * time.Millisecond) // loopback delivery
	m.sh.tick(time.Now())
	for i, s := range streams {
		if st := s.Stats(); st.PacketsReceived != 1 || st.RTCPReceived != 1 {
			t.Fatalf("stream %d after one tick: %d RTP, %d RTCP", i, st.PacketsReceived, st.RTCPReceived)
		}
	}
}

// TestFloodIsCappedPerTick: a socket holding more than a tick's share is
// read over several ticks, and the tick still ends.
func TestFloodIsCappedPerTick(t *testing.T) {
	pool := testPool(t)
	peer := newRawPeer(t)
	s := newTestStream(t, pool, streamOpts{pt: 0, remote: peer.addr()})
	m := newManualShard(t, s)
	const sent = 3 * maxBatchesPerTick * readBatch
	for i := range sent {
		peer.send(t, addrOf(s), rtpPacket(0, false, uint16(i), uint32(i)*160, 9, make([]byte, 160)))
	}
	time.Sleep(50 * time.Millisecond)
	now := time.Now()
	m.sh.tick(now)
	if got := s.Stats().PacketsReceived; got != maxBatchesPerTick*readBatch {
		t.Fatalf("first tick read %d packets, want the cap %d", got, maxBatchesPerTick*readBatch)
	}
	m.tickUntil(t, now, "the rest", func() bool { return s.Stats().PacketsReceived == sent })
}
