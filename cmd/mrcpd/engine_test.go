package main

import (
	"bytes"
	"context"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mrcpd/mrcpd/asr"
	"github.com/mrcpd/mrcpd/asr/websocket"
	"github.com/mrcpd/mrcpd/engine/speechtest"
)

// lockedBuffer collects the command's log output from its goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func TestEngineCommandServesAndStops(t *testing.T) {
	pcm := speechtest.Synthesize(t, "yes", 8000)
	addr := freeAddr(t)
	var logs lockedBuffer
	root := newRootCommand()
	root.SetArgs([]string{"engine", "--listen", addr, "--pool", "1", "--free-form-pool", "0", "--max-sessions", "2"})
	root.SetErr(&logs)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- root.ExecuteContext(ctx) }()

	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(logs.String(), "engine listening") {
		select {
		case err := <-done:
			t.Fatalf("engine exited early: %v\n%s", err, logs.String())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("engine not listening after 20s:\n%s", logs.String())
		}
	}

	rec, err := websocket.New(websocket.Options{URL: "ws://" + addr})
	if err != nil {
		t.Fatal(err)
	}
	s, err := rec.Start(ctx, asr.Request{SampleRate: 8000, JSGF: "#JSGF V1.0; grammar g; public <r> = yes | no ;"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for i := 0; i < len(pcm); i += 160 {
		if err := s.Write(pcm[i:min(i+160, len(pcm))]); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Finish(); err != nil {
		t.Fatal(err)
	}
	select {
	case res := <-s.Results():
		if res.Err != nil || len(res.Alternatives) == 0 || res.Alternatives[0].Text != "yes" {
			t.Fatalf("want yes, got %+v", res)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("no result within 15s")
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("engine returned %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("engine did not stop within 10s of cancellation")
	}
	if !strings.Contains(logs.String(), "engine stopped") {
		t.Errorf("no shutdown log line:\n%s", logs.String())
	}
}

func TestEngineCommandRejectsBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"engine", "--log-level", "loud"},
		{"engine", "--max-sessions", "0"},
		{"engine", "--listen", "127.0.0.1:99999"},
		{"engine", "--listen", freeAddr(t), "--model", t.TempDir()},
	} {
		root := newRootCommand()
		root.SetArgs(args)
		root.SetErr(&lockedBuffer{})
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		err := root.ExecuteContext(ctx)
		cancel()
		if err == nil {
			t.Errorf("%v: accepted", args)
		}
	}
}
