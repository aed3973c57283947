package websocket

import (
	"context"
	"testing"
	"time"

	gws "github.com/gorilla/websocket"

	"github.com/mrcpd/mrcpd/asr"
)

// recognizeOnce runs one short recognition and checks its final result.
func recognizeOnce(t *testing.T, r *Recognizer) {
	t.Helper()
	s, err := r.Start(context.Background(), asr.Request{SampleRate: 8000})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	writeAndFinish(t, s, 10, 800)
}

func (p *voskPeer) counts() (accepted, configs int, asked []string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.accepted, p.configs, append([]string(nil), p.asked...)
}

// waitIdleConns waits, bounded, until r keeps n idle connections: the
// reader hands its connection back just after delivering the final result.
func waitIdleConns(t *testing.T, r *Recognizer, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for r.idle.len() != n {
		if time.Now().After(deadline) {
			t.Fatalf("%d idle connections, want %d", r.idle.len(), n)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestConnectionReusedAcrossRecognitions(t *testing.T) {
	p := startPeer(t, &voskPeer{reuse: true})
	r := newRecognizer(t, p.url, Options{})
	defer r.Close()
	for range 3 {
		recognizeOnce(t, r)
		waitIdleConns(t, r, 1)
	}
	accepted, configs, asked := p.counts()
	if accepted != 1 || configs != 3 {
		t.Fatalf("3 recognitions took %d connections and %d configs; want 1 and 3", accepted, configs)
	}
	if asked[0] != "1" {
		t.Fatalf("the handshake asked %s=%q, want 1", ReuseHeader, asked[0])
	}
	// Audio, answers and the end of audio of every recognition went over
	// the one connection, in order.
	p.mu.Lock()
	texts, binaries := len(p.texts), len(p.binaries)
	p.mu.Unlock()
	if texts != 3 || binaries != 3*10 {
		t.Fatalf("peer got %d end-of-audio and %d audio messages, want 3 and 30", texts, binaries)
	}
	r.Close()
	if r.idle.len() != 0 {
		t.Fatal("Close kept idle connections")
	}
}

func TestNoReuseWithoutTheServersConsent(t *testing.T) {
	p := startPeer(t, &voskPeer{})
	r := newRecognizer(t, p.url, Options{})
	recognizeOnce(t, r)
	recognizeOnce(t, r)
	if accepted, _, asked := p.counts(); accepted != 2 || asked[0] != "1" {
		t.Fatalf("%d connections (asked %q), want 2: vosk-server closes after the final result", accepted, asked)
	}
	if r.idle.len() != 0 {
		t.Fatal("kept a connection the server did not agree to reuse")
	}
}

func TestReuseDisabledAsksNothing(t *testing.T) {
	for _, opts := range []Options{{MaxIdle: -1}, {KeepAlive: -1}} {
		p := startPeer(t, &voskPeer{reuse: true})
		r := newRecognizer(t, p.url, opts)
		recognizeOnce(t, r)
		recognizeOnce(t, r)
		if accepted, _, asked := p.counts(); accepted != 2 || asked[0] != "" {
			t.Fatalf("%+v: %d connections, asked %q; want 2 and no %s", opts, accepted, asked, ReuseHeader)
		}
	}
}

func TestIdleConnectionClosedByTheServerIsNotUsed(t *testing.T) {
	// The peer hangs up right after the first final result, as an engine
	// does at its idle timeout or when it shuts down.
	p := &voskPeer{reuse: true}
	hungUp := false
	closed := make(chan struct{})
	p.after = func(n int, c *gws.Conn) {
		p.mu.Lock()
		hangUp := len(p.texts) == 1 && !hungUp
		hungUp = hungUp || hangUp
		p.mu.Unlock()
		if hangUp {
			c.Close()
			close(closed)
		}
	}
	startPeer(t, p)
	r := newRecognizer(t, p.url, Options{})
	recognizeOnce(t, r)
	waitIdleConns(t, r, 1)
	select {
	case <-closed:
	case <-time.After(5 * time.Second):
		t.Fatal("peer did not hang up")
	}
	recognizeOnce(t, r)
	if accepted, configs, _ := p.counts(); accepted != 2 || configs != 2 {
		t.Fatalf("%d connections, %d configs; want a new connection for the second recognition", accepted, configs)
	}
}

func TestKeepAliveExpires(t *testing.T) {
	p := startPeer(t, &voskPeer{reuse: true})
	r := newRecognizer(t, p.url, Options{KeepAlive: 30 * time.Millisecond})
	recognizeOnce(t, r)
	waitIdleConns(t, r, 1)
	time.Sleep(60 * time.Millisecond)
	recognizeOnce(t, r)
	if accepted, _, _ := p.counts(); accepted != 2 {
		t.Fatalf("%d connections, want 2: the idle one outlived its keep-alive", accepted)
	}
}

func TestMaxIdleBoundsTheKeptConnections(t *testing.T) {
	p := startPeer(t, &voskPeer{reuse: true})
	r := newRecognizer(t, p.url, Options{MaxIdle: 2})
	defer r.Close()
	// Four recognitions at once need four connections; two are kept.
	streams := make([]asr.Stream, 4)
	for i := range streams {
		s, err := r.Start(context.Background(), asr.Request{SampleRate: 8000})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		streams[i] = s
	}
	for _, s := range streams {
		writeAndFinish(t, s, 2, 800)
	}
	waitIdleConns(t, r, 2)
	time.Sleep(20 * time.Millisecond)
	if n := r.idle.len(); n != 2 {
		t.Fatalf("%d idle connections, want MaxIdle = 2", n)
	}
}

func TestStreamClosedEarlyDoesNotKeepItsConnection(t *testing.T) {
	p := startPeer(t, &voskPeer{reuse: true})
	r := newRecognizer(t, p.url, Options{})
	s, err := r.Start(context.Background(), asr.Request{SampleRate: 8000})
	if err != nil {
		t.Fatal(err)
	}
	_ = s.Write(make([]int16, 800))
	s.Close()
	if r.idle.len() != 0 {
		t.Fatal("a cancelled recognition's connection was kept")
	}
	recognizeOnce(t, r)
	if accepted, _, _ := p.counts(); accepted != 2 {
		t.Fatalf("%d connections, want 2", accepted)
	}
}

func TestFailedRecognitionDoesNotKeepItsConnection(t *testing.T) {
	p := startPeer(t, &voskPeer{reuse: true, configReply: []byte(`{"error": "bad grammar", "code": "grammar"}`)})
	r := newRecognizer(t, p.url, Options{})
	s, err := r.Start(context.Background(), asr.Request{SampleRate: 8000, JSGF: "x"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if final, _ := waitFinal(t, s); final.Err == nil {
		t.Fatal("refused grammar gave no error")
	}
	if r.idle.len() != 0 {
		t.Fatal("the connection of a failed recognition was kept")
	}
}

func TestParseReuse(t *testing.T) {
	for v, want := range map[string]struct {
		agreed bool
		idle   time.Duration
	}{
		"":                            {false, 0},
		"0":                           {false, 0},
		"yes":                         {false, 0},
		"1":                           {true, 0},
		" 1 ":                         {true, 0},
		"1; idle=30":                  {true, 30 * time.Second},
		"1;idle=5; x=y":               {true, 5 * time.Second},
		"1; idle=-3":                  {true, 0},
		"1; idle=soon":                {true, 0},
		"1; idle=999999999999":        {true, 0},
		ReuseAnswer(45 * time.Second): {true, 45 * time.Second},
	} {
		agreed, idle := ParseReuse(v)
		if agreed != want.agreed || idle != want.idle {
			t.Errorf("ParseReuse(%q) = %v, %v; want %v, %v", v, agreed, idle, want.agreed, want.idle)
		}
	}
}

// The server's stated idle timeout caps the keep-alive: a connection is
// not taken when the server may be closing it.
func TestServerIdleTimeoutCapsKeepAlive(t *testing.T) {
	p := startPeer(t, &voskPeer{reuse: true, reuseAnswer: "1; idle=1"})
	r := newRecognizer(t, p.url, Options{KeepAlive: time.Minute})
	defer r.Close()
	recognizeOnce(t, r)
	r.idle.mu.Lock()
	ttl := r.idle.ttl
	r.idle.mu.Unlock()
	if ttl != 750*time.Millisecond {
		t.Fatalf("keep-alive %v after the server stated 1 s, want 750ms", ttl)
	}
}
