package sip

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"os"
	"sync"
	"testing"
	"time"
)

// testHandler answers offers the way mrcp/server does: one channel per
// control line, AnswerAudio for the audio lines.
type testHandler struct {
	codecs []string
	// holdInvite makes Invite wait for the dialog to end (CANCEL tests).
	holdInvite bool
	// rejectWith, when set, is what Invite returns.
	rejectWith error
	// reinviteGate, when set, holds Reinvite until it is closed.
	reinviteGate chan struct{}
	reinviting   chan struct{}

	started chan *Dialog
	ended   chan endedCall

	mu        sync.Mutex
	invites   int
	reinvites int
	endCounts map[string]int
	channels  map[string]string // resource -> channel id, per dialog id + resource
}

type endedCall struct {
	d      *Dialog
	reason string
}

func newTestHandler() *testHandler {
	return &testHandler{
		codecs:     []string{"PCMU", "PCMA"},
		started:    make(chan *Dialog, 16),
		reinviting: make(chan struct{}, 16),
		ended:      make(chan endedCall, 16),
		endCounts:  make(map[string]int),
		channels:   make(map[string]string),
	}
}

func (h *testHandler) Invite(ctx context.Context, d *Dialog, offer *Description) (*Description, error) {
	h.mu.Lock()
	h.invites++
	h.mu.Unlock()
	h.started <- d
	if h.holdInvite {
		<-ctx.Done()
		return nil, ctx.Err()
	}
	if h.rejectWith != nil {
		return nil, h.rejectWith
	}
	return h.answer(d, offer)
}

func (h *testHandler) Reinvite(ctx context.Context, d *Dialog, offer *Description) (*Description, error) {
	h.mu.Lock()
	h.reinvites++
	h.mu.Unlock()
	if h.reinviteGate != nil {
		h.reinviting <- struct{}{}
		<-h.reinviteGate
	}
	return h.answer(d, offer)
}

func (h *testHandler) Ended(d *Dialog, reason string) {
	h.mu.Lock()
	h.endCounts[d.ID()]++
	h.mu.Unlock()
	h.ended <- endedCall{d, reason}
}

func (h *testHandler) counts() (invites, reinvites int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.invites, h.reinvites
}

func (h *testHandler) endCount(id string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.endCounts[id]
}

func (h *testHandler) answer(d *Dialog, offer *Description) (*Description, error) {
	a := &Description{ConnectionAddr: "127.0.0.1"}
	for i, m := range offer.Media {
		switch {
		case m.Port == 0:
			a.Media = append(a.Media, m.Rejected())
		case m.IsControl():
			key := d.ID() + "/" + m.Resource
			h.mu.Lock()
			id, ok := h.channels[key]
			if !ok {
				var b [8]byte
				rand.Read(b[:])
				id = hex.EncodeToString(b[:])
				h.channels[key] = id
			}
			h.mu.Unlock()
			a.Media = append(a.Media, Media{
				Kind: KindApplication, Port: 1544, Proto: m.Proto,
				Setup: SetupPassive, Connection: m.Connection,
				Channel: id + "@" + m.Resource, CMID: m.CMID,
			})
		case m.IsRTP():
			audio, err := AnswerAudio(m, h.codecs, 5000+2*i)
			if err != nil {
				return nil, err
			}
			a.Media = append(a.Media, audio)
		default:
			a.Media = append(a.Media, m.Rejected())
		}
	}
	return a, nil
}

// waitEnded returns the next Ended call, failing the test after a bound.
func (h *testHandler) waitEnded(t *testing.T, within time.Duration) endedCall {
	t.Helper()
	select {
	case e := <-h.ended:
		return e
	case <-time.After(within):
		t.Fatalf("Handler.Ended not called within %s", within)
		return endedCall{}
	}
}

func (h *testHandler) waitStarted(t *testing.T) *Dialog {
	t.Helper()
	select {
	case d := <-h.started:
		return d
	case <-time.After(5 * time.Second):
		t.Fatal("Handler.Invite not called")
		return nil
	}
}

func testLogger(t testing.TB) *slog.Logger {
	if os.Getenv("SIP_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug})).With("test", t.Name())
	}
	return slog.New(slog.DiscardHandler)
}

// startServer runs a Server on ephemeral loopback ports, closed with the test.
func startServer(t *testing.T, h Handler, edit func(*Config)) *Server {
	t.Helper()
	cfg := Config{BindHost: "127.0.0.1", UDPPort: PortAny, TCPPort: PortAny, Logger: testLogger(t)}
	if edit != nil {
		edit(&cfg)
	}
	s, err := NewServer(cfg, h)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func startClient(t *testing.T, transport string, edit func(*ClientConfig)) *Client {
	t.Helper()
	cfg := ClientConfig{Transport: transport, Logger: testLogger(t)}
	if edit != nil {
		edit(&cfg)
	}
	c, err := NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// target is the server address for transport.
func target(s *Server, transport string) string {
	if transport == "tcp" {
		return s.TCPAddr().String()
	}
	return s.UDPAddr().String()
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func waitDone(t *testing.T, ctx context.Context, within time.Duration, what string) {
	t.Helper()
	select {
	case <-ctx.Done():
	case <-time.After(within):
		t.Fatalf("%s: not done within %s", what, within)
	}
}

func statusCode(err error) int {
	var se *StatusError
	if errors.As(err, &se) {
		return se.Code
	}
	return 0
}

var transports = []string{"udp", "tcp"}
