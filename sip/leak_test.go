package sip

import (
	"context"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestCloseLeavesNoGoroutines runs sessions over both transports, closes
// server and clients, and checks that every goroutine they started is gone.
func TestCloseLeavesNoGoroutines(t *testing.T) {
	base := runtime.NumGoroutine()
	h := newTestHandler()
	srv, err := NewServer(Config{BindHost: "127.0.0.1", UDPPort: PortAny, TCPPort: PortAny, Logger: testLogger(t)}, h)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	if err := srv.Start(ctx); err != nil {
		t.Fatal(err)
	}
	var clients []*Client
	for _, tr := range transports {
		c, err := NewClient(ClientConfig{Transport: tr, Logger: testLogger(t)})
		if err != nil {
			t.Fatal(err)
		}
		clients = append(clients, c)
		if _, _, err := c.Invite(testCtx(t), target(srv, tr), mustParse(t, fixture(t, "recog_offer.sdp"))); err != nil {
			t.Fatal(err)
		}
		if _, err := c.Options(testCtx(t), target(srv, tr)); err != nil {
			t.Fatal(err)
		}
	}
	// Cancelling Start's context closes the server like Close does.
	cancel()
	for range transports {
		if e := h.waitEnded(t, 10*time.Second); e.reason != EndShutdown {
			t.Fatalf("Ended reason %q", e.reason)
		}
	}
	srv.Close()
	for _, c := range clients {
		c.Close()
	}

	deadline := time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > base {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			n := runtime.Stack(buf, true)
			t.Fatalf("%d goroutines left, %d before:\n%s", runtime.NumGoroutine(), base, relevant(string(buf[:n])))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// relevant keeps the goroutine dumps that involve sip code.
func relevant(dump string) string {
	var keep []string
	for _, g := range strings.Split(dump, "\n\n") {
		if strings.Contains(g, "sipgo") || strings.Contains(g, "mrcpd/sip") {
			keep = append(keep, g)
		}
	}
	return strings.Join(keep, "\n\n")
}
