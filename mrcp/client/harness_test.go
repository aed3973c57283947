package client

import (
	"context"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/mrcpd/mrcpd/mrcp"
	"github.com/mrcpd/mrcpd/mrcp/server/servertest"
)

// The server under test takes RTP ports above Linux's ephemeral range
// (32768-60999), where no other package's tests bind: a port taken by
// another process makes the server answer 503.
const serverRTPMin, serverRTPMax = 61000, 61399

func startServer(t *testing.T, o servertest.Options) *servertest.Server {
	t.Helper()
	o.RTPMin, o.RTPMax = serverRTPMin, serverRTPMax
	return servertest.Start(t, o)
}

func sipAddr(srv *servertest.Server, transport string) string {
	if transport == "tcp" {
		return srv.SIPTCPAddr()
	}
	return srv.SIPUDPAddr()
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func dial(t *testing.T, srv *servertest.Server, o Options) *Session {
	t.Helper()
	if o.Server == "" {
		o.Server = sipAddr(srv, o.SIPTransport)
	}
	s, err := Dial(testContext(t), o)
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	t.Cleanup(func() { s.Close(context.Background()) })
	return s
}

// quietGoroutines is the goroutine count once the server's listeners have
// all started (some start theirs asynchronously): the same for 200 ms.
func quietGoroutines(t *testing.T) int {
	t.Helper()
	n := runtime.NumGoroutine()
	for deadline, since := time.Now().Add(5*time.Second), time.Now(); time.Since(since) < 200*time.Millisecond; {
		if time.Now().After(deadline) {
			t.Fatalf("goroutine count never settled (at %d)", n)
		}
		time.Sleep(10 * time.Millisecond)
		if m := runtime.NumGoroutine(); m != n {
			n, since = m, time.Now()
		}
	}
	return n
}

// settle waits until the server has no session, all its RTP ports are free
// and the process is back to at most baseline goroutines, once the engine
// connections kept for the next recognition are closed. The bound leaves
// room for the server's SIP transaction after a refused INVITE, which
// absorbs ACK retransmissions for T4 = 5 s (RFC 3261 §17.2.1, Timer I).
func settle(t *testing.T, srv *servertest.Server, freePorts, baseline int) {
	t.Helper()
	deadline := time.Now().Add(8 * time.Second)
	for {
		srv.CloseIdleEngineConnections()
		n, free, g := srv.SessionCount(), srv.FreePorts(), runtime.NumGoroutine()
		if n == 0 && free == freePorts && g <= baseline {
			return
		}
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			buf = buf[:runtime.Stack(buf, true)]
			t.Fatalf("after close: %d sessions, %d/%d ports free, %d goroutines (baseline %d)\n%s", n, free, freePorts, g, baseline, buf)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func do(t *testing.T, ch *Channel, m *mrcp.Message) *mrcp.Message {
	t.Helper()
	resp, err := ch.Do(testContext(t), m)
	if err != nil {
		t.Fatalf("%s: %v", m.Name, err)
	}
	return resp
}

func expectStatus(t *testing.T, resp *mrcp.Message, code int, state mrcp.RequestState) {
	t.Helper()
	if resp.StatusCode != code || resp.State != state {
		t.Fatalf("response %d %s, want %d %s\n%s", resp.StatusCode, resp.State, code, state, resp.Marshal())
	}
}

func header(t *testing.T, m *mrcp.Message, name string) string {
	t.Helper()
	v, ok := m.Header.Get(name)
	if !ok {
		t.Fatalf("no %s in\n%s", name, m.Marshal())
	}
	return strings.TrimSpace(v)
}

const yesNoGrammar = `<?xml version="1.0"?>
<grammar xmlns="http://www.w3.org/2001/06/grammar" xml:lang="en-US" version="1.0" mode="voice" root="answer">
  <rule id="answer">
    <one-of>
      <item>yes</item>
      <item>no</item>
    </one-of>
  </rule>
</grammar>
`
