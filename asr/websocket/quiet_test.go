package websocket

import (
	"context"
	"testing"
	"time"

	"github.com/mrcpd/mrcpd/asr"
)

// A server that agreed to PartialsHeader answers audio only when the
// partial changes: the stream must neither wait for the missing answers
// nor take a partial for the final result.
func TestQuietServerAnswersChangesOnly(t *testing.T) {
	p := startPeer(t, &voskPeer{quiet: true, answer: func(n, kind int, data []byte) []byte {
		switch {
		case kind == 1: // the end of audio
			return []byte(`{"text" : "one two"}`)
		case n == 3:
			return []byte(`{"partial" : "one"}`)
		case n == 6:
			return []byte(`{"partial" : "one two"}`)
		}
		return nil // unchanged: no answer
	}})
	// A reply timeout shorter than the audio: unanswered audio is owed
	// nothing, so it must not fire.
	r := newRecognizer(t, p.url, Options{ReplyTimeout: 300 * time.Millisecond})
	c := newCollector()
	s, err := r.Start(context.Background(), asr.Request{SampleRate: 8000, Partial: true, OnResult: c.onResult})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if !s.(*stream).mode.quiet {
		t.Fatal("the stream did not take the server's agreement to answer changes only")
	}
	for range 10 { // 1 s of audio in 100 ms messages, paced
		if err := s.Write(make([]int16, 800)); err != nil {
			t.Fatal(err)
		}
		time.Sleep(60 * time.Millisecond)
	}
	if err := s.Finish(); err != nil {
		t.Fatal(err)
	}
	got := c.wait(t)
	want := []string{"one", "one two", "one two"}
	if len(got) != len(want) {
		t.Fatalf("results %+v, want partials one, one two and the final", got)
	}
	for i, res := range got {
		if res.Err != nil || res.Final != (i == 2) || res.Alternatives[0].Text != want[i] {
			t.Fatalf("result %d = %+v", i, res)
		}
	}
}

// A server that did not agree (vosk-server) is still owed an answer per
// message, and a silent one fails the stream after ReplyTimeout.
func TestUnansweredAudioFailsWithoutQuietMode(t *testing.T) {
	p := startPeer(t, &voskPeer{answer: func(n, kind int, data []byte) []byte { return nil }})
	r := newRecognizer(t, p.url, Options{ReplyTimeout: 200 * time.Millisecond})
	s, err := r.Start(context.Background(), asr.Request{SampleRate: 8000})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.(*stream).mode.quiet {
		t.Fatal("quiet without the server's agreement")
	}
	_ = s.Write(make([]int16, 800))
	if final, _ := waitFinal(t, s); final.Err == nil {
		t.Fatal("no error although the server never answered")
	}
}
