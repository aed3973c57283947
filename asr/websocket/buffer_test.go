package websocket

import (
	"context"
	"encoding/binary"
	"errors"
	"runtime"
	"testing"
	"time"

	"github.com/mrcpd/mrcpd/asr"
)

func TestAudioBufGrowsUpToTheLimit(t *testing.T) {
	const limit = 3000 // bytes, not a multiple of the frame
	var ab audioBuf
	frame := make([]int16, 160)
	next := 0
	for i := range 9 { // 9 x 320 = 2880 bytes fit
		for j := range frame {
			frame[j] = int16(next)
			next++
		}
		if !ab.appendPCM(frame, limit, 640) {
			t.Fatalf("frame %d refused at %d bytes", i, len(ab.b))
		}
		if cap(ab.b) > limit {
			t.Fatalf("capacity %d beyond the limit %d", cap(ab.b), limit)
		}
	}
	if ab.appendPCM(frame, limit, 640) {
		t.Fatalf("frame accepted at %d bytes: the limit is %d", len(ab.b)-320, limit)
	}
	if len(ab.b) != 2880 {
		t.Fatalf("a refused frame changed the buffer: %d bytes", len(ab.b))
	}
	// 120 more bytes fill it exactly; one more sample does not fit.
	if !ab.appendPCM(make([]int16, 60), limit, 640) || len(ab.b) != limit {
		t.Fatalf("exact fill refused, %d bytes", len(ab.b))
	}
	if ab.appendPCM(make([]int16, 1), limit, 640) {
		t.Fatal("one sample beyond the limit accepted")
	}
	for i := range 9 * 160 {
		if v := int(int16(binary.LittleEndian.Uint16(ab.b[2*i:]))); v != i {
			t.Fatalf("sample %d is %d", i, v)
		}
	}
}

func TestAudioBufSteadyStateDoesNotAllocate(t *testing.T) {
	var ab audioBuf
	frame := make([]int16, 160)
	// Five frames make a message; the sender takes it and the buffer is
	// reused from the start.
	cycle := func() {
		for range 5 {
			if !ab.appendPCM(frame, 80000, 3200) {
				t.Fatal("refused")
			}
		}
		ab.b = ab.b[:0]
	}
	if allocs := testing.AllocsPerRun(100, cycle); allocs != 0 {
		t.Errorf("%v allocations per message", allocs)
	}
	if cap(ab.b) != 3200 {
		t.Errorf("capacity %d, want the minimum 3200", cap(ab.b))
	}
}

func TestAudioPoolDropsLargeBuffers(t *testing.T) {
	var p audioPool
	big := &audioBuf{b: make([]byte, 0, maxPooledAudio+1)}
	p.put(big)
	p.put(nil)
	// Without a garbage collection in between, a pooled buffer would come
	// back on this P; the large one must not.
	for range 3 {
		if ab := p.get(); ab == big {
			t.Fatal("a buffer above maxPooledAudio was pooled")
		}
	}
}

func TestOverflowFailsExactlyAtTheBound(t *testing.T) {
	// 200 ms at 8 kHz is 3200 bytes: one Write of 1600 samples fills the
	// buffer to the byte, from nothing; one sample more overflows.
	p := startPeer(t, &voskPeer{})
	r := newRecognizer(t, p.url, Options{Buffer: 200 * time.Millisecond})
	for _, tc := range []struct {
		samples int
		err     error
	}{{1600, nil}, {1601, ErrOverflow}} {
		s, err := r.Start(context.Background(), asr.Request{SampleRate: 8000})
		if err != nil {
			t.Fatal(err)
		}
		st := s.(*stream)
		if st.limit != 3200 {
			t.Fatalf("limit %d, want 3200", st.limit)
		}
		if err := s.Write(make([]int16, tc.samples)); !errors.Is(err, tc.err) {
			t.Errorf("Write of %d samples: %v, want %v", tc.samples, err, tc.err)
		}
		s.Close()
	}
}

func TestFinishedStreamReleasesItsResources(t *testing.T) {
	// The caller may hold a stream long after its end: it must not keep
	// the audio buffers or the connection (and its read buffer) alive.
	p := startPeer(t, &voskPeer{})
	r := newRecognizer(t, p.url, Options{})
	check := func(what string, s asr.Stream) {
		t.Helper()
		st := s.(*stream)
		select {
		case <-st.exited:
		case <-time.After(5 * time.Second):
			t.Fatalf("%s: stream goroutine still running after 5s", what)
		}
		st.mu.Lock()
		held := st.pending != nil || st.spare != nil || st.conn != nil
		st.mu.Unlock()
		if held {
			t.Errorf("%s: stream still holds buffers or the connection", what)
		}
		if err := s.Write(make([]int16, 160)); err == nil {
			t.Errorf("%s: Write accepted", what)
		}
	}

	s, err := r.Start(context.Background(), asr.Request{SampleRate: 8000})
	if err != nil {
		t.Fatal(err)
	}
	writeAndFinish(t, s, 10, 160)
	check("after the final result", s)
	s.Close()

	s, err = r.Start(context.Background(), asr.Request{SampleRate: 8000})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Write(make([]int16, 1000)); err != nil {
		t.Fatal(err)
	}
	s.Close()
	check("after Close", s)
}

func TestStreamBetweenMessagesHasOneGoroutine(t *testing.T) {
	// The peer runs in a child process, so every goroutine counted here
	// is the client's.
	url := startPeerProcess(t)
	r := newRecognizer(t, url, Options{})
	const n = 20
	baseline := runtime.NumGoroutine()
	streams := make([]asr.Stream, 0, n)
	defer func() {
		for _, s := range streams {
			s.Close()
		}
	}()
	for range n {
		s, err := r.Start(context.Background(), asr.Request{SampleRate: 8000})
		if err != nil {
			t.Fatal(err)
		}
		streams = append(streams, s)
		// 150 ms: one message goes out, 50 ms wait for more.
		for range 15 {
			if err := s.Write(make([]int16, 80)); err != nil {
				t.Fatal(err)
			}
		}
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		extra := runtime.NumGoroutine() - baseline
		if extra == n {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d goroutines for %d streams between messages, want one each", extra, n)
		}
		time.Sleep(5 * time.Millisecond)
	}
	for _, s := range streams {
		if err := s.Finish(); err != nil {
			t.Fatal(err)
		}
		if final, _ := waitFinal(t, s); final.Err != nil {
			t.Fatal(final.Err)
		}
	}
}

func TestPutPCMIsLittleEndian(t *testing.T) {
	pcm := []int16{0, 1, -1, 255, 256, -256, 32767, -32768, 12345, -12345}
	want := []byte{0, 0, 1, 0, 0xff, 0xff, 0xff, 0, 0, 1, 0, 0xff, 0xff, 0x7f, 0, 0x80, 0x39, 0x30, 0xc7, 0xcf}
	for name, put := range map[string]func([]byte, []int16){"putPCM": putPCM, "putPCMPortable": putPCMPortable} {
		got := make([]byte, 2*len(pcm))
		put(got, pcm)
		if string(got) != string(want) {
			t.Errorf("%s: % x, want % x", name, got, want)
		}
	}
}

func BenchmarkAppendPCM(b *testing.B) {
	var ab audioBuf
	frame := make([]int16, frameSamples)
	b.ReportAllocs()
	b.SetBytes(2 * frameSamples)
	for b.Loop() {
		ab.appendPCM(frame, 80000, 3200)
		ab.b = ab.b[:0]
	}
}

func TestBurstKeepsOrderAndShrinksBack(t *testing.T) {
	st, p := openStream(t)
	next := 0
	write := func() {
		t.Helper()
		f := make([]int16, 160)
		for i := range f {
			f[i] = int16(next)
			next++
		}
		if err := st.Write(f); err != nil {
			t.Fatal(err)
		}
	}
	// 2 s at once, as a caller catching up after the dial, grows the
	// buffers; then real time, message by message, lets them go again.
	for range 100 {
		write()
	}
	for i := range 30 {
		write()
		if i%5 != 4 {
			continue
		}
		deadline := time.Now().Add(5 * time.Second)
		for {
			st.mu.Lock()
			busy := st.sending || len(st.pending.b) >= st.chunkBytes
			st.mu.Unlock()
			if !busy {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("sender did not catch up within 5s")
			}
			time.Sleep(time.Millisecond)
		}
	}
	st.mu.Lock()
	held := cap(st.pending.b)
	if st.spare != nil {
		held += cap(st.spare.b)
	}
	st.mu.Unlock()
	if held > 2*st.chunkBytes {
		t.Errorf("after the burst the stream still holds %d bytes of audio buffers", held)
	}
	if err := st.Finish(); err != nil {
		t.Fatal(err)
	}
	if final, _ := waitFinal(t, st); final.Err != nil {
		t.Fatal(final.Err)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	sample := 0
	for _, b := range p.binaries {
		for j := 0; j+1 < len(b); j += 2 {
			if v := int(int16(binary.LittleEndian.Uint16(b[j:]))); v != sample {
				t.Fatalf("sample %d is %d: audio reordered or lost", sample, v)
			}
			sample++
		}
	}
	if sample != next {
		t.Errorf("peer received %d samples, want %d", sample, next)
	}
}
