package rtp

import (
	"runtime"
	"testing"
	"time"
)

// shardTicks is each shard's tick count.
func shardTicks(e *Engine) []uint64 {
	out := make([]uint64, len(e.shards))
	for i, sh := range e.shards {
		out[i] = sh.ticks.Load()
	}
	return out
}

// TestShardTicksOnlyWithStreams: an engine without streams does not tick;
// a shard starts ticking with its first stream, stops when the last one
// leaves, and starts again with a new one. Shards without streams never
// tick.
func TestShardTicksOnlyWithStreams(t *testing.T) {
	pool := testPool(t)
	e := newTestEngine(t, EngineOptions{Shards: 3, Tick: 5 * time.Millisecond})
	time.Sleep(40 * time.Millisecond) // eight ticks' time
	if st := e.Stats(); st.Ticks != 0 {
		t.Fatalf("empty engine ticked %d times", st.Ticks)
	}

	rec := &recorder{}
	s := newTestStream(t, pool, streamOpts{pt: 0})
	s.SetSink(rec)
	if err := e.Add(s); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 2*time.Second, "ticks with a stream", func() bool { return rec.tickCount() >= 3 })
	e.mu.Lock()
	home := s.shard
	e.mu.Unlock()
	busy := -1
	for i, n := range shardTicks(e) {
		switch {
		case e.shards[i] == home:
			busy = i
			if n == 0 {
				t.Fatalf("shard %d holds the stream and did not tick", i)
			}
		case n != 0:
			t.Fatalf("shard %d has no stream and ticked %d times", i, n)
		}
	}
	if busy < 0 {
		t.Fatal("stream on no shard")
	}

	e.Remove(s)
	stopped, removedTicks := e.Stats().Ticks, rec.tickCount()
	time.Sleep(40 * time.Millisecond)
	if st := e.Stats(); st.Ticks != stopped || st.Streams != 0 {
		t.Fatalf("after the last stream left: %d ticks, then %d; %d streams", stopped, st.Ticks, st.Streams)
	}

	rec2 := &recorder{}
	s2 := newTestStream(t, pool, streamOpts{pt: 0})
	s2.SetSink(rec2)
	if err := e.Add(s2); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 2*time.Second, "ticks with a new stream", func() bool { return rec2.tickCount() >= 3 })
	if e.Stats().Ticks <= stopped {
		t.Fatal("engine counted no new ticks")
	}
	if rec.tickCount() != removedTicks {
		t.Fatal("the removed stream's Sink ticked")
	}
}

// TestEngineTickGrid: every shard's first tick waits for the next instant
// of the engine's grid, so shards started at different times tick
// together.
func TestEngineTickGrid(t *testing.T) {
	epoch := time.Unix(1000, 0)
	e := &Engine{tick: 20 * time.Millisecond, epoch: epoch}
	for _, c := range []struct{ at, want time.Duration }{
		{0, 20 * time.Millisecond},
		{time.Nanosecond, 20*time.Millisecond - time.Nanosecond},
		{5 * time.Millisecond, 15 * time.Millisecond},
		{20 * time.Millisecond, 20 * time.Millisecond},
		{47 * time.Millisecond, 13 * time.Millisecond},
		{time.Hour + 19*time.Millisecond, time.Millisecond},
	} {
		if got := e.untilTick(epoch.Add(c.at)); got != c.want {
			t.Errorf("untilTick(epoch+%v) = %v, want %v", c.at, got, c.want)
		}
	}
}

// TestEngineIdleCyclesLeaveNoGoroutines: shards that stop and restart
// ticking many times leave nothing running after Close.
func TestEngineIdleCyclesLeaveNoGoroutines(t *testing.T) {
	pool := testPool(t)
	before := runtime.NumGoroutine()
	e, err := NewEngine(EngineOptions{Shards: 2, Tick: 2 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	for cycle := range 5 {
		rec := &recorder{}
		var streams []*Stream
		for range 3 {
			s := newTestStream(t, pool, streamOpts{pt: 0})
			s.SetSink(rec)
			if err := e.Add(s); err != nil {
				t.Fatal(err)
			}
			streams = append(streams, s)
		}
		waitFor(t, 2*time.Second, "ticks", func() bool { return rec.tickCount() >= 6 })
		for _, s := range streams {
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
		}
		if st := e.Stats(); st.Streams != 0 {
			t.Fatalf("cycle %d: %d streams left", cycle, st.Streams)
		}
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 2*time.Second, "goroutines to exit", func() bool { return runtime.NumGoroutine() <= before })
}
