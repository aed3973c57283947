package websocket

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/mrcpd/mrcpd/asr"
)

// collector records what OnResult receives.
type collector struct {
	mu   sync.Mutex
	got  []asr.Result
	done chan struct{}
}

func newCollector() *collector { return &collector{done: make(chan struct{})} }

func (c *collector) onResult(r asr.Result) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.got = append(c.got, r)
	if r.Final || r.Err != nil {
		close(c.done)
	}
}

func (c *collector) wait(t *testing.T) []asr.Result {
	t.Helper()
	select {
	case <-c.done:
	case <-time.After(10 * time.Second):
		t.Fatal("no final result through OnResult within 10s")
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]asr.Result(nil), c.got...)
}

// resultsCloseEmpty checks that Results delivers nothing and closes.
func resultsCloseEmpty(t *testing.T, s asr.Stream) {
	t.Helper()
	select {
	case r, ok := <-s.Results():
		if ok {
			t.Fatalf("Results delivered %+v although OnResult is set", r)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Results did not close")
	}
}

func TestOnResultReceivesPartialsThenTheFinal(t *testing.T) {
	p := startPeer(t, &voskPeer{answer: func(n, kind int, data []byte) []byte {
		if kind == 1 { // the end of audio
			return []byte(`{"text" : "one two"}`)
		}
		if n == 1 {
			return []byte(`{"partial" : "one"}`)
		}
		return []byte(`{"partial" : "one two"}`)
	}})
	r := newRecognizer(t, p.url, Options{})
	c := newCollector()
	s, err := r.Start(context.Background(), asr.Request{SampleRate: 8000, Partial: true, OnResult: c.onResult})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	endAudio(t, s, 3, 800)
	got := c.wait(t)
	// Unchanged partials are not repeated.
	want := []string{"one", "one two", "one two"}
	if len(got) != len(want) {
		t.Fatalf("OnResult got %+v, want partials one, one two and the final", got)
	}
	for i, r := range got {
		final := i == len(got)-1
		if r.Err != nil || r.Final != final || len(r.Alternatives) == 0 || r.Alternatives[0].Text != want[i] {
			t.Fatalf("result %d = %+v, want %q (final %v)", i, r, want[i], final)
		}
	}
	resultsCloseEmpty(t, s)
}

func TestOnResultReceivesTheFailure(t *testing.T) {
	p := startPeer(t, &voskPeer{configReply: []byte(`{"error": "no such word", "code": "grammar"}`)})
	r := newRecognizer(t, p.url, Options{})
	c := newCollector()
	s, err := r.Start(context.Background(), asr.Request{SampleRate: 8000, JSGF: "x", OnResult: c.onResult})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got := c.wait(t)
	if len(got) != 1 || got[0].Err == nil {
		t.Fatalf("OnResult got %+v, want one failure", got)
	}
	resultsCloseEmpty(t, s)
}

func TestOnResultSilentAfterClose(t *testing.T) {
	// The peer answers late: every answer would come after Close.
	p := startPeer(t, &voskPeer{answer: func(n, kind int, data []byte) []byte {
		time.Sleep(100 * time.Millisecond)
		if kind == 1 {
			return []byte(`{"text" : "one"}`)
		}
		return []byte(`{"partial" : "one"}`)
	}})
	r := newRecognizer(t, p.url, Options{})
	c := newCollector()
	s, err := r.Start(context.Background(), asr.Request{SampleRate: 8000, Partial: true, OnResult: c.onResult})
	if err != nil {
		t.Fatal(err)
	}
	_ = s.Write(make([]int16, 800))
	_ = s.Finish()
	s.Close()
	resultsCloseEmpty(t, s)
	time.Sleep(300 * time.Millisecond)
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.got) != 0 {
		t.Fatalf("OnResult got %+v after Close", c.got)
	}
}
