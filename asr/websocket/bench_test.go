package websocket

// What the client costs per recognition, per Write and per session-second,
// and what an open or finished stream holds, with the peer in a child
// process so that only the client is counted:
//
//	go test ./asr/websocket -run '^$' -bench 'Start|Recognition' -benchtime 2000x
//	go test ./asr/websocket -run '^$' -bench '^BenchmarkWrite$' -benchtime 300000x
//	go test ./asr/websocket -run '^$' -bench 'Realtime|Footprint' -benchtime 3x
//	go test ./asr/websocket -run '^$' -bench 'ParseResponse|AppendPCM'

import (
	"context"
	"runtime"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/mrcpd/mrcpd/asr"
)

// frameSamples is 20 ms at 8 kHz, what RTP delivers per packet.
const frameSamples = 160

// processCPU is the CPU time this process has used so far.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// liveBytes is the heap in use and the goroutine stacks after two
// collections (the first moves pooled buffers aside, the second frees
// them). The stacks of goroutines that have returned stay with the
// runtime for the next ones, so only the heap tells what a finished stream
// keeps.
func liveBytes() (heap, stacks int64) {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return int64(ms.HeapAlloc), int64(ms.StackInuse)
}

func benchRecognizer(b *testing.B, url string, buffer time.Duration) *Recognizer {
	b.Helper()
	r, err := New(Options{URL: url, Buffer: buffer})
	if err != nil {
		b.Fatal(err)
	}
	return r
}

// perChunk runs bench in a sub-benchmark per Options.Chunk, the audio sent
// in one message: the default and twice as much.
func perChunk(b *testing.B, bench func(*testing.B, *Recognizer)) {
	url := startPeerProcess(b)
	for _, chunk := range []time.Duration{DefaultChunk, 2 * DefaultChunk} {
		b.Run("chunk="+chunk.String(), func(b *testing.B) {
			r, err := New(Options{URL: url, Chunk: chunk})
			if err != nil {
				b.Fatal(err)
			}
			bench(b, r)
		})
	}
}

// finalOf reads s until Results closes and returns the final Result.
func finalOf(b *testing.B, s asr.Stream) asr.Result {
	var final asr.Result
	timeout := time.After(10 * time.Second)
	for {
		select {
		case r, ok := <-s.Results():
			if !ok {
				if !final.Final {
					b.Fatal("no final result")
				}
				return final
			}
			if r.Err != nil {
				b.Fatal(r.Err)
			}
			if r.Final {
				final = r
			}
		case <-timeout:
			b.Fatal("no final result within 10s")
		}
	}
}

// BenchmarkStart is the connection alone: dial, handshake, config, Close.
func BenchmarkStart(b *testing.B) {
	r := benchRecognizer(b, startPeerProcess(b), 0)
	b.ReportAllocs()
	cpu0 := processCPU()
	for b.Loop() {
		s, err := r.Start(context.Background(), asr.Request{SampleRate: 8000})
		if err != nil {
			b.Fatal(err)
		}
		_ = s.Close()
	}
	b.ReportMetric(float64(processCPU()-cpu0)/float64(b.N), "cpu-ns/op")
}

// BenchmarkRecognition is one whole recognition as fast as the peer
// answers: Start (dial, config), 1.5 s of audio in 20 ms Writes, Finish,
// the final result, Close.
func BenchmarkRecognition(b *testing.B) { perChunk(b, recognitions) }

// BenchmarkRecognitionReused is BenchmarkRecognition against a server that
// keeps the connection for the next recognition (ReuseHeader): no dial.
func BenchmarkRecognitionReused(b *testing.B) {
	r := benchRecognizer(b, startPeerProcess(b)+"/reuse", 0)
	defer r.Close()
	recognitions(b, r)
	if r.idle.len() != 1 {
		b.Fatalf("%d idle connections after the run, want 1", r.idle.len())
	}
}

func recognitions(b *testing.B, r *Recognizer) {
	frame := make([]int16, frameSamples)
	b.ReportAllocs()
	cpu0 := processCPU()
	for b.Loop() {
		s, err := r.Start(context.Background(), asr.Request{SampleRate: 8000, Partial: true})
		if err != nil {
			b.Fatal(err)
		}
		for range 75 {
			if err := s.Write(frame); err != nil {
				b.Fatal(err)
			}
		}
		if err := s.Finish(); err != nil {
			b.Fatal(err)
		}
		if f := finalOf(b, s); f.Alternatives[0].Text != "one two" {
			b.Fatalf("final %+v", f)
		}
		_ = s.Close()
	}
	b.ReportMetric(float64(processCPU()-cpu0)/float64(b.N), "cpu-ns/op")
}

// queuedBytes is the audio a stream holds that its writer has not taken.
func queuedBytes(st *stream) int {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.pending == nil {
		return 0
	}
	return len(st.pending.b)
}

// BenchmarkWrite is one 20 ms Write on the media goroutine, senders
// sending behind it. Every 1000 Writes (20 s of audio) the clock stops
// until they have caught up, so the buffer never overflows.
func BenchmarkWrite(b *testing.B) {
	r := benchRecognizer(b, startPeerProcess(b), 60*time.Second)
	s, err := r.Start(context.Background(), asr.Request{SampleRate: 8000})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	st := s.(*stream)
	frame := make([]int16, frameSamples)
	b.ReportAllocs()
	b.SetBytes(2 * frameSamples)
	n := 0
	for b.Loop() {
		if err := s.Write(frame); err != nil {
			b.Fatal(err)
		}
		if n++; n%1000 == 0 {
			b.StopTimer()
			// Less than a message waits for more audio.
			deadline := time.Now().Add(10 * time.Second)
			for queuedBytes(st) >= st.chunkBytes {
				if time.Now().After(deadline) {
					b.Fatal("writer did not catch up within 10s")
				}
				time.Sleep(100 * time.Microsecond)
			}
			b.StartTimer()
		}
	}
}

// BenchmarkRealtimeSessions runs 100 concurrent recognitions paced like
// RTP: one media goroutine writes 20 ms to every stream every 20 ms, and a
// consumer per stream reads its Results, as the server does. One op is
// one round (dial, 1.5 s of audio, final). CPU is per second of session
// audio; the budget is 0.2 ms. The sub-benchmarks set Options.Chunk, the
// audio per message.
func BenchmarkRealtimeSessions(b *testing.B) { perChunk(b, realtimeSessions) }

func realtimeSessions(b *testing.B, r *Recognizer) {
	const (
		sessions = 100
		frames   = 75
	)
	frame := make([]int16, frameSamples)
	streams := make([]asr.Stream, sessions)
	b.ReportAllocs()
	cpu0 := processCPU()
	for b.Loop() {
		var wg sync.WaitGroup
		for i := range streams {
			s, err := r.Start(context.Background(), asr.Request{SampleRate: 8000, Partial: true})
			if err != nil {
				b.Fatal(err)
			}
			streams[i] = s
			wg.Go(func() {
				for range s.Results() {
				}
			})
		}
		writePaced(b, streams, frame, frames)
		for _, s := range streams {
			if err := s.Finish(); err != nil {
				b.Fatal(err)
			}
		}
		wg.Wait()
		for _, s := range streams {
			_ = s.Close()
		}
	}
	audio := float64(b.N) * sessions * frames * 0.02
	b.ReportMetric(float64(processCPU()-cpu0)/1e3/audio, "cpu-µs/session-s")
}

// writePaced writes frame to every stream n times, one round per 20 ms,
// at the pace RTP delivers audio.
func writePaced(b *testing.B, streams []asr.Stream, frame []int16, n int) {
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for range n {
		<-tick.C
		for _, s := range streams {
			if err := s.Write(frame); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkStreamFootprint is the memory 100 streams hold: open in the
// middle of a recognition fed in real time (heap and goroutine stacks),
// and finished but still referenced by their caller (heap). Kernel socket
// buffers are not counted.
func BenchmarkStreamFootprint(b *testing.B) {
	const sessions = 100
	r := benchRecognizer(b, startPeerProcess(b)+"/count", 0)
	frame := make([]int16, frameSamples)
	streams := make([]asr.Stream, sessions)
	var open, finished int64
	for b.Loop() {
		heap0, stacks0 := liveBytes()
		for i := range streams {
			s, err := r.Start(context.Background(), asr.Request{SampleRate: 8000, Partial: true})
			if err != nil {
				b.Fatal(err)
			}
			streams[i] = s
		}
		// 1 s of audio each at the pace of RTP, then wait for the peer
		// to have it all: each stream is between two messages.
		writePaced(b, streams, frame, 50)
		for _, s := range streams {
			deadline := time.After(10 * time.Second)
		wait:
			for {
				select {
				case res := <-s.Results():
					if res.Err != nil {
						b.Fatal(res.Err)
					}
					if res.Alternatives[0].Text == strconv.Itoa(50*2*frameSamples) {
						break wait
					}
				case <-deadline:
					b.Fatal("peer did not receive the audio within 10s")
				}
			}
		}
		heap, stacks := liveBytes()
		open += heap - heap0 + stacks - stacks0
		for _, s := range streams {
			if err := s.Finish(); err != nil {
				b.Fatal(err)
			}
			finalOf(b, s)
		}
		heap, _ = liveBytes()
		finished += heap - heap0
		for i, s := range streams {
			_ = s.Close()
			streams[i] = nil
		}
	}
	b.ReportMetric(float64(open)/float64(b.N*sessions), "B/open-stream")
	b.ReportMetric(float64(finished)/float64(b.N*sessions), "B/finished-stream")
}
