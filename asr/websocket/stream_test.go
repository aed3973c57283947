package websocket

import (
	"cmp"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	gws "github.com/gorilla/websocket"

	"github.com/mrcpd/mrcpd/asr"
)

// voskPeer is a scripted stand-in for vosk-server: it records what the
// client sends and answers the way the script says.
type voskPeer struct {
	url string

	mu       sync.Mutex
	config   []byte
	binaries [][]byte
	texts    []string

	// answer returns the reply to message n (1-based) of the given kind,
	// or nil to stay silent; a nil answer func echoes vosk's defaults.
	answer func(n int, kind int, data []byte) []byte
	// configReply, when set, is sent as soon as the config arrives, as
	// mrcpd's engine refuses a grammar before any audio.
	configReply []byte
	// after runs once the reply to message n has been sent; it may close
	// the connection.
	after func(n int, c *gws.Conn)
	// reuse: agree to serve several recognitions on a connection when the
	// client asks (ReuseHeader), as mrcpd's engine does; message numbers
	// then start again at 1 with each config.
	reuse bool
	// reuseAnswer is the ReuseHeader value sent when agreeing ("1" if
	// empty).
	reuseAnswer string
	// quiet: agree to PartialsHeader when asked (the answer func then
	// decides which audio messages get an answer).
	quiet bool

	accepted int      // connections upgraded
	asked    []string // each handshake's ReuseHeader value
	configs  int      // config messages received
}

func startPeer(t *testing.T, p *voskPeer) *voskPeer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p.url = "ws://" + ln.Addr().String()
	up := gws.Upgrader{}
	// Hijacked connections outlive http.Server.Close: track them so the
	// cleanup can close them and wait for their handlers.
	var (
		connMu sync.Mutex
		conns  = map[*gws.Conn]bool{}
		closed bool
	)
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var answer http.Header
		p.mu.Lock()
		p.accepted++
		p.asked = append(p.asked, r.Header.Get(ReuseHeader))
		if p.reuse && r.Header.Get(ReuseHeader) == "1" {
			answer = http.Header{ReuseHeader: {cmp.Or(p.reuseAnswer, "1")}}
		}
		if p.quiet && r.Header.Get(PartialsHeader) == PartialsChanged {
			if answer == nil {
				answer = http.Header{}
			}
			answer.Set(PartialsHeader, PartialsChanged)
		}
		p.mu.Unlock()
		c, err := up.Upgrade(w, r, answer)
		if err != nil {
			return
		}
		connMu.Lock()
		if closed {
			connMu.Unlock()
			c.Close()
			return
		}
		conns[c] = true
		connMu.Unlock()
		defer func() {
			connMu.Lock()
			delete(conns, c)
			connMu.Unlock()
			c.Close()
		}()
		n := 0
		for {
			_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
			kind, data, err := c.ReadMessage()
			if err != nil {
				return
			}
			p.mu.Lock()
			if kind == gws.TextMessage && strings.Contains(string(data), `"config"`) {
				p.config = data
				p.configs++
				if p.reuse {
					n = 0
				}
				p.mu.Unlock()
				if p.configReply != nil {
					if err := c.WriteMessage(gws.TextMessage, p.configReply); err != nil {
						return
					}
				}
				continue
			}
			if kind == gws.BinaryMessage {
				p.binaries = append(p.binaries, data)
			} else {
				p.texts = append(p.texts, string(data))
			}
			p.mu.Unlock()
			n++
			var reply []byte
			if p.answer != nil {
				reply = p.answer(n, kind, data)
			} else if kind == gws.BinaryMessage {
				reply = []byte(`{"partial" : "one"}`)
			} else {
				reply = []byte(`{"result" : [{"conf" : 0.9, "end" : 0.5, "start" : 0.1, "word" : "one"}], "text" : "one"}`)
			}
			if reply != nil {
				if err := c.WriteMessage(gws.TextMessage, reply); err != nil {
					return
				}
			}
			if p.after != nil {
				p.after(n, c)
			}
		}
	})}
	go srv.Serve(ln)
	t.Cleanup(func() {
		srv.Close()
		connMu.Lock()
		closed = true
		for c := range conns {
			c.Close()
		}
		connMu.Unlock()
		deadline := time.Now().Add(5 * time.Second)
		for {
			connMu.Lock()
			n := len(conns)
			connMu.Unlock()
			if n == 0 {
				return
			}
			if time.Now().After(deadline) {
				t.Errorf("%d peer handlers still running", n)
				return
			}
			time.Sleep(5 * time.Millisecond)
		}
	})
	return p
}

func newRecognizer(t *testing.T, url string, opts Options) *Recognizer {
	t.Helper()
	opts.URL = url
	r, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// waitFinal reads Results until it closes, bounded in time.
// openStream starts an 8 kHz stream against a new vosk peer; it is closed
// when the test ends.
func openStream(t *testing.T) (*stream, *voskPeer) {
	t.Helper()
	p := startPeer(t, &voskPeer{})
	r := newRecognizer(t, p.url, Options{})
	s, err := r.Start(context.Background(), asr.Request{SampleRate: 8000})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s.(*stream), p
}

// writeAndFinish writes n frames of silence, ends the audio and expects a
// final result without error.
func writeAndFinish(t *testing.T, s asr.Stream, n, samples int) {
	t.Helper()
	endAudio(t, s, n, samples)
	if final, _ := waitFinal(t, s); final.Err != nil {
		t.Fatal(final.Err)
	}
}

// endAudio writes n frames of silence and ends the audio.
func endAudio(t *testing.T, s asr.Stream, n, samples int) {
	t.Helper()
	for range n {
		if err := s.Write(make([]int16, samples)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Finish(); err != nil {
		t.Fatal(err)
	}
}

func waitFinal(t *testing.T, s asr.Stream) (final asr.Result, partials []asr.Result) {
	t.Helper()
	timeout := time.After(10 * time.Second)
	got := false
	for {
		select {
		case r, ok := <-s.Results():
			if !ok {
				if !got {
					t.Fatal("Results closed without a final result")
				}
				return final, partials
			}
			if got {
				t.Fatalf("result after the final one: %+v", r)
			}
			if r.Final || r.Err != nil {
				final, got = r, true
			} else {
				partials = append(partials, r)
			}
		case <-timeout:
			t.Fatal("stream hung: no final result within 10s")
		}
	}
}

func TestConfigCoalescingAndEOF(t *testing.T) {
	p := startPeer(t, &voskPeer{})
	r := newRecognizer(t, p.url, Options{})
	s, err := r.Start(context.Background(), asr.Request{
		SampleRate: 8000, Phrases: []string{"one", "two"}, JSGF: "#JSGF V1.0; grammar g; public <r> = one | two ;", NBest: 3, Partial: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	// 25 frames of 20 ms: 500 ms of audio, sample i carries value i.
	sample := 0
	for range 25 {
		f := make([]int16, 160)
		for i := range f {
			f[i] = int16(sample)
			sample++
		}
		if err := s.Write(f); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Finish(); err != nil {
		t.Fatal(err)
	}
	final, partials := waitFinal(t, s)
	if final.Err != nil || final.Alternatives[0].Text != "one" || final.Alternatives[0].Confidence != 0.9 {
		t.Fatalf("final %+v", final)
	}
	if len(partials) != 1 || partials[0].Alternatives[0].Text != "one" {
		t.Errorf("want one partial (repeats suppressed), got %+v", partials)
	}
	w := final.Alternatives[0].Words
	if len(w) != 1 || w[0].Start != 100*time.Millisecond || w[0].End != 500*time.Millisecond {
		t.Errorf("words %+v", w)
	}

	p.mu.Lock()
	defer p.mu.Unlock()
	var cfg struct {
		Config map[string]any `json:"config"`
	}
	if err := json.Unmarshal(p.config, &cfg); err != nil {
		t.Fatalf("config %s: %v", p.config, err)
	}
	c := cfg.Config
	if c["sample_rate"] != 8000.0 || c["max_alternatives"] != 3.0 || c["words"] != true ||
		c["grammar_jsgf"] == nil || len(c["phrase_list"].([]any)) != 2 || c["partial_results"] != true {
		t.Errorf("config %s", p.config)
	}
	if len(p.texts) != 1 || p.texts[0] != EOFMessage {
		t.Errorf("text messages after config %q, want exactly %q", p.texts, EOFMessage)
	}
	total := 0
	next := 0
	for i, b := range p.binaries {
		if len(b) != 1600 && i != len(p.binaries)-1 {
			t.Errorf("message %d has %d bytes, want 1600 (100 ms)", i, len(b))
		}
		for j := 0; j+1 < len(b); j += 2 {
			if v := int(int16(binary.LittleEndian.Uint16(b[j:]))); v != next {
				t.Fatalf("sample %d is %d: audio reordered or corrupted", next, v)
			}
			next++
		}
		total += len(b)
	}
	if total != 25*160*2 {
		t.Errorf("sent %d bytes, want %d", total, 25*160*2)
	}
}

func TestChunkSetsTheMessageSize(t *testing.T) {
	p := startPeer(t, &voskPeer{})
	r := newRecognizer(t, p.url, Options{Chunk: 200 * time.Millisecond})
	s, err := r.Start(context.Background(), asr.Request{SampleRate: 16000})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	writeAndFinish(t, s, 55, 320) // 1.1 s of 20 ms frames at 16 kHz
	p.mu.Lock()
	defer p.mu.Unlock()
	var sizes []int
	for _, b := range p.binaries {
		sizes = append(sizes, len(b))
	}
	// Five messages of 200 ms (6400 bytes), then the last 100 ms.
	if len(sizes) != 6 || sizes[0] != 6400 || sizes[4] != 6400 || sizes[5] != 3200 {
		t.Errorf("message sizes %v", sizes)
	}
}

func TestOverflowFailsTheStream(t *testing.T) {
	// The peer answers nothing and the buffer holds 200 ms: a burst larger
	// than that must fail at once instead of blocking the caller.
	p := startPeer(t, &voskPeer{answer: func(int, int, []byte) []byte { return nil }})
	r := newRecognizer(t, p.url, Options{Buffer: 200 * time.Millisecond})
	s, err := r.Start(context.Background(), asr.Request{SampleRate: 8000})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Write(make([]int16, 8000)); !errors.Is(err, ErrOverflow) {
		t.Fatalf("Write of 1 s into a 200 ms buffer: %v", err)
	}
	final, _ := waitFinal(t, s)
	if !errors.Is(final.Err, ErrOverflow) {
		t.Fatalf("final %+v", final)
	}
	if err := s.Write(make([]int16, 160)); err == nil {
		t.Error("Write accepted after overflow")
	}
}

func TestConnectionLostMidStream(t *testing.T) {
	p := startPeer(t, &voskPeer{after: func(n int, c *gws.Conn) {
		if n == 2 {
			c.UnderlyingConn().Close()
		}
	}})
	r := newRecognizer(t, p.url, Options{})
	s, err := r.Start(context.Background(), asr.Request{SampleRate: 8000})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	// Keep feeding real-time-sized frames; the stream must end with an
	// error, never hang.
	deadline := time.After(10 * time.Second)
	for {
		select {
		case r, ok := <-s.Results():
			if !ok {
				t.Fatal("Results closed without an error")
			}
			if r.Err == nil {
				continue
			}
			if _, ok := <-s.Results(); ok {
				t.Error("Results not closed after the error")
			}
			return
		case <-deadline:
			t.Fatal("no error within 10s of the connection dropping")
		case <-time.After(5 * time.Millisecond):
			_ = s.Write(make([]int16, 160))
		}
	}
}

func TestReplyTimeout(t *testing.T) {
	p := startPeer(t, &voskPeer{answer: func(int, int, []byte) []byte { return nil }})
	r := newRecognizer(t, p.url, Options{ReplyTimeout: 300 * time.Millisecond})
	s, err := r.Start(context.Background(), asr.Request{SampleRate: 8000})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Write(make([]int16, 800)); err != nil {
		t.Fatal(err)
	}
	if err := s.Finish(); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	final, _ := waitFinal(t, s)
	if final.Err == nil || !strings.Contains(final.Err.Error(), "did not answer") {
		t.Fatalf("final %+v", final)
	}
	if time.Since(start) > 3*time.Second {
		t.Errorf("timeout took %v", time.Since(start))
	}
}

func TestSegmentsJoinedIntoFinal(t *testing.T) {
	p := startPeer(t, &voskPeer{answer: func(n, kind int, _ []byte) []byte {
		switch {
		case kind == gws.TextMessage:
			return []byte(`{"result": [{"conf": 0.6, "start": 1.0, "end": 1.4, "word": "three"}], "text": "three"}`)
		case n == 2:
			return []byte(`{"result": [{"conf": 1, "start": 0.1, "end": 0.3, "word": "one"}, {"conf": 0.8, "start": 0.3, "end": 0.6, "word": "two"}], "text": "one two"}`)
		}
		return []byte(`{"partial": ""}`)
	}})
	r := newRecognizer(t, p.url, Options{})
	s, err := r.Start(context.Background(), asr.Request{SampleRate: 8000, Partial: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	endAudio(t, s, 3, 800)
	final, partials := waitFinal(t, s)
	if final.Err != nil {
		t.Fatal(final.Err)
	}
	a := final.Alternatives[0]
	if a.Text != "one two three" || len(a.Words) != 3 || a.Confidence != 0.6 {
		t.Errorf("final %+v", a)
	}
	if len(partials) != 1 || partials[0].Alternatives[0].Text != "one two" {
		t.Errorf("partials %+v", partials)
	}
}

func TestServerErrorMessage(t *testing.T) {
	p := startPeer(t, &voskPeer{answer: func(int, int, []byte) []byte {
		return []byte(`{"error": "sphinx: grammar words not in the pronunciation dictionary: \"qq\"", "error_code": "grammar"}`)
	}})
	r := newRecognizer(t, p.url, Options{})
	s, err := r.Start(context.Background(), asr.Request{SampleRate: 8000})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	_ = s.Write(make([]int16, 800))
	final, _ := waitFinal(t, s)
	var se *ServerError
	if !errors.As(final.Err, &se) || se.Code != CodeGrammar || !strings.Contains(se.Message, `"qq"`) {
		t.Fatalf("final %+v", final)
	}
	if !errors.Is(final.Err, asr.ErrGrammar) {
		t.Errorf("%v does not match asr.ErrGrammar", final.Err)
	}
}

func TestErrorBeforeAudio(t *testing.T) {
	// The engine refuses a grammar as soon as it has the config; the stream
	// must report it while the caller has sent no audio yet.
	p := startPeer(t, &voskPeer{configReply: []byte(`{"error": "bad grammar", "error_code": "grammar"}`)})
	r := newRecognizer(t, p.url, Options{})
	s, err := r.Start(context.Background(), asr.Request{SampleRate: 8000, JSGF: "#JSGF V1.0; grammar g; public <r> = ( yes ;"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	final, _ := waitFinal(t, s)
	if !errors.Is(final.Err, asr.ErrGrammar) {
		t.Fatalf("final %+v", final)
	}
	if err := s.Write(make([]int16, 160)); err == nil {
		t.Error("Write accepted after the engine refused the request")
	}
}

func TestContextCancelEndsStream(t *testing.T) {
	p := startPeer(t, &voskPeer{})
	r := newRecognizer(t, p.url, Options{})
	ctx, cancel := context.WithCancel(context.Background())
	s, err := r.Start(ctx, asr.Request{SampleRate: 8000})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	cancel()
	final, _ := waitFinal(t, s)
	if !errors.Is(final.Err, context.Canceled) {
		t.Fatalf("final %+v", final)
	}
}

func TestDialFailure(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	r := newRecognizer(t, "ws://"+addr, Options{DialTimeout: 2 * time.Second})
	start := time.Now()
	if _, err := r.Start(context.Background(), asr.Request{SampleRate: 8000}); err == nil {
		t.Fatal("Start succeeded with nothing listening")
	}
	if time.Since(start) > 3*time.Second {
		t.Errorf("dial failure took %v", time.Since(start))
	}
}

func TestCloseWithUnreadResultsLeavesNoGoroutine(t *testing.T) {
	p := startPeer(t, &voskPeer{})
	r := newRecognizer(t, p.url, Options{})
	baseline := runtime.NumGoroutine()
	for range 5 {
		s, err := r.Start(context.Background(), asr.Request{SampleRate: 8000, Partial: true})
		if err != nil {
			t.Fatal(err)
		}
		for range 10 {
			_ = s.Write(make([]int16, 800))
		}
		_ = s.Finish()
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		_ = s.Close() // twice is fine
	}
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > baseline && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > baseline {
		t.Fatalf("%d goroutines after Close, baseline %d", n, baseline)
	}
}

func TestWriteDoesNotAllocate(t *testing.T) {
	// AllocsPerRun measures on one thread, and a change of GOMAXPROCS
	// empties the sync.Pools the stream draws from: run the whole test on
	// one thread. The connection writes behind, so the fifth Write sends
	// the message itself; the peer and the reader run only once it is done.
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	st, _ := openStream(t)
	if !st.inline {
		t.Fatal("the stream does not send on the caller's goroutine")
	}
	frame := make([]int16, 160)
	// idle waits until the sender has taken the audio and returned and
	// the server has answered it all: the state between two messages.
	idle := func() {
		deadline := time.Now().Add(5 * time.Second)
		for {
			st.mu.Lock()
			busy := st.sending || len(st.pending.b) > 0
			st.mu.Unlock()
			st.acct.Lock()
			busy = busy || st.replied < st.sent
			st.acct.Unlock()
			if !busy {
				return
			}
			if time.Now().After(deadline) {
				t.Fatal("stream not idle within 5s")
			}
			time.Sleep(time.Millisecond)
		}
	}
	// One message: five 20 ms Writes, the last of which sends it.
	// AllocsPerRun runs f once before measuring; that call does nothing,
	// so that the one measured run starts from an idle stream and the
	// count is exact. On one thread, nothing else runs meanwhile.
	message := func() func() {
		calls := 0
		return func() {
			if calls++; calls == 1 {
				return
			}
			for range 5 {
				if err := st.Write(frame); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	for range 3 { // the buffers reach their working size
		f := message()
		f()
		f()
		idle()
	}
	total := 0.0
	for range 20 {
		idle()
		total += testing.AllocsPerRun(1, message())
	}
	switch {
	case total != 0 && raceEnabled:
		t.Logf("20 messages of 5 Writes allocated %v times under the race detector (sync.Pool drops at random there)", total)
	case total != 0:
		t.Errorf("20 messages of 5 Writes allocated %v times", total)
	}
	// Between two messages the stream holds one buffer of two messages'
	// worth at most, not its 5 s bound.
	st.mu.Lock()
	held := cap(st.pending.b)
	st.mu.Unlock()
	if held > 2*st.chunkBytes {
		t.Errorf("stream holds %d bytes of audio buffer, want at most %d", held, 2*st.chunkBytes)
	}
}

func TestNewValidatesOptions(t *testing.T) {
	for _, o := range []Options{
		{URL: "http://127.0.0.1:2700"},
		{URL: "ws://"},
		{URL: "ws://127.0.0.1:2700", Buffer: time.Millisecond},
		{URL: "ws://127.0.0.1:2700", ReplyTimeout: -time.Second},
		{URL: "ws://127.0.0.1:2700", Chunk: 10 * time.Millisecond},
		{URL: "ws://127.0.0.1:2700", Chunk: 2 * time.Second},
	} {
		if _, err := New(o); err == nil {
			t.Errorf("%+v accepted", o)
		}
	}
	f := NewFactory(nil)
	if _, err := f(map[string]string{"url": "ws://127.0.0.1:1", "buffer": "2s", "reply_timeout": "3s", "chunk": "200ms"}); err != nil {
		t.Errorf("factory: %v", err)
	}
	if _, err := f(map[string]string{"buffer": "soon"}); err == nil {
		t.Error("bad duration accepted")
	}
	if _, err := f(map[string]string{"bogus": "1"}); err == nil {
		t.Error("unknown setting accepted")
	}
	if _, err := f(map[string]string{"max_idle": "many"}); err == nil {
		t.Error("bad max_idle accepted")
	}
	for settings, reuse := range map[[2]string]bool{
		{"20s", "8"}:  true,
		{"0s", "8"}:   false, // as config's recognizer.keep_alive: 0 turns reuse off
		{"20s", "-1"}: false,
	} {
		r, err := f(map[string]string{"keep_alive": settings[0], "max_idle": settings[1]})
		if err != nil {
			t.Fatalf("%v: %v", settings, err)
		}
		if got := r.(*Recognizer).idle.enabled(); got != reuse {
			t.Errorf("keep_alive %s, max_idle %s: reuse %v, want %v", settings[0], settings[1], got, reuse)
		}
	}
}
