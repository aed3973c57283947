package rtp

// What the engine costs when there is little or nothing to do, and what a
// stream costs in memory (docs/performance-rtp.md):
//
//	go test ./rtp -run '^$' -bench 'EngineIdle|StreamMemory' -benchtime 1x
//
// MRCPD_RTP_IDLE_SECONDS (default 3) sets the idle window and
// MRCPD_RTP_MEM_STREAMS (default 1000) the number of streams.

import (
	"io"
	"log/slog"
	"net/netip"
	"os"
	"runtime"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/mrcpd/mrcpd/rtp/codec"
)

func envFloat(name string, def float64) float64 {
	if v, err := strconv.ParseFloat(os.Getenv(name), 64); err == nil && v > 0 {
		return v
	}
	return def
}

// processUsage is the CPU time and the voluntary context switches (a thread
// going to sleep, so about one per wake-up) of this process so far.
func processUsage() (cpu time.Duration, sleeps int64) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), int64(ru.Nvcsw)
}

// measureIdle samples the process over the idle window and reports CPU
// and thread sleeps per wall-clock second, and the engine's ticks.
func measureIdle(b *testing.B, e *Engine) {
	b.Helper()
	seconds := envFloat("MRCPD_RTP_IDLE_SECONDS", 3)
	time.Sleep(200 * time.Millisecond) // let start-up settle
	cpu0, sl0 := processUsage()
	ticks0, t0 := uint64(0), time.Now()
	if e != nil {
		ticks0 = e.Stats().Ticks
	}
	time.Sleep(time.Duration(seconds * float64(time.Second)))
	cpu1, sl1 := processUsage()
	wall := time.Since(t0).Seconds()
	b.ReportMetric(float64(cpu1-cpu0)/1e3/wall, "cpu-µs/s")
	b.ReportMetric(float64(sl1-sl0)/wall, "sleeps/s")
	if e != nil {
		b.ReportMetric(float64(e.Stats().Ticks-ticks0)/wall, "ticks/s")
	}
}

// BenchmarkEngineIdle is an engine with nothing or almost nothing to do:
// the cost of the engine existing. "none" is the test process alone.
func BenchmarkEngineIdle(b *testing.B) {
	b.Run("none", func(b *testing.B) { measureIdle(b, nil) })
	b.Run("empty", func(b *testing.B) {
		e := newTestEngine(b, EngineOptions{})
		measureIdle(b, e)
	})
	b.Run("empty-after-streams", func(b *testing.B) {
		// Shards that had streams and lost them.
		e := newTestEngine(b, EngineOptions{})
		pool := testPool(b)
		var streams []*Stream
		for range 2 * len(e.shards) {
			s := newTestStream(b, pool, streamOpts{pt: 0})
			if err := e.Add(s); err != nil {
				b.Fatal(err)
			}
			streams = append(streams, s)
		}
		time.Sleep(100 * time.Millisecond)
		for _, s := range streams {
			e.Remove(s)
		}
		measureIdle(b, e)
	})
	b.Run("silent-stream-per-shard", func(b *testing.B) {
		// Added a third of a tick apart, as calls come.
		e := newTestEngine(b, EngineOptions{})
		pool := testPool(b)
		for range len(e.shards) {
			s := newTestStream(b, pool, streamOpts{pt: 0})
			s.SetSink(nopSink{})
			if err := e.Add(s); err != nil {
				b.Fatal(err)
			}
			time.Sleep(7 * time.Millisecond)
		}
		measureIdle(b, e)
	})
	b.Run("one-silent-stream", func(b *testing.B) {
		e := newTestEngine(b, EngineOptions{})
		s := newTestStream(b, testPool(b), streamOpts{pt: 0})
		s.SetSink(nopSink{})
		if err := e.Add(s); err != nil {
			b.Fatal(err)
		}
		measureIdle(b, e)
	})
}

// heapBytes is the heap in use by live objects after a collection.
func heapBytes() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// streamMemory adds n streams on real 127.0.0.1 sockets to an engine and
// returns the growth of the live heap per stream: the Stream, its port pair
// and sockets, and the engine's bookkeeping. exercise runs on the streams
// before the second sample.
func streamMemory(tb testing.TB, n int, logger *slog.Logger, exercise func([]*Stream)) float64 {
	tb.Helper()
	base := 30000 + (os.Getpid()%8)*2500
	pool, err := NewPortPool(PortPoolOptions{Host: loopback, Min: base, Max: base + 2*n + 400})
	if err != nil {
		tb.Fatal(err)
	}
	e := newTestEngine(tb, EngineOptions{})
	streams := make([]*Stream, 0, n)
	tb.Cleanup(func() {
		for _, s := range streams {
			_ = s.Close()
		}
	})
	before := heapBytes()
	for range n {
		pp, err := pool.Allocate()
		if err != nil {
			tb.Fatal(err)
		}
		s, err := NewStream(StreamConfig{Ports: pp, Codec: codec.PCMU(), PayloadType: 0, EventPayloadType: 101,
			Remote: netip.AddrPortFrom(loopback, 9), Logger: logger})
		if err != nil {
			tb.Fatal(err)
		}
		s.SetSink(nopSink{})
		if err := e.Add(s); err != nil {
			tb.Fatal(err)
		}
		streams = append(streams, s)
	}
	if exercise != nil {
		exercise(streams)
	}
	ticks := e.Stats().Ticks
	waitFor(tb, 2*time.Second, "ticks", func() bool { return e.Stats().Ticks >= ticks+2 })
	after := heapBytes()
	runtime.KeepAlive(streams)
	return (float64(after) - float64(before)) / float64(n)
}

// reorderEveryStream sends each stream packets 10, 12, 11, so that every
// reorder buffer has held a packet once.
func reorderEveryStream(tb testing.TB, streams []*Stream) {
	peer := newRawPeer(tb)
	for _, s := range streams {
		for _, seq := range []uint16{10, 12, 11} {
			peer.send(tb, addrOf(s), rtpPacket(0, false, seq, uint32(seq)*160, 5, make([]byte, 160)))
		}
	}
	waitFor(tb, 5*time.Second, "packets", func() bool {
		for _, s := range streams {
			if s.Stats().PacketsReceived < 3 {
				return false
			}
		}
		return true
	})
}

// BenchmarkStreamMemory reports the live heap per stream.
func BenchmarkStreamMemory(b *testing.B) {
	n := int(envFloat("MRCPD_RTP_MEM_STREAMS", 1000))
	report := func(b *testing.B, perStream float64) { b.ReportMetric(perStream, "B/stream") }
	b.Run("fresh", func(b *testing.B) { report(b, streamMemory(b, n, nil, nil)) })
	b.Run("after-reorder", func(b *testing.B) {
		report(b, streamMemory(b, n, nil, func(s []*Stream) { reorderEveryStream(b, s) }))
	})
	b.Run("text-logger", func(b *testing.B) {
		log := slog.New(slog.NewTextHandler(io.Discard, nil)).With("session", "0123456789abcdef", "channel", "0123456789abcdef@speechrecog")
		report(b, streamMemory(b, n, log, nil))
	})
}
