package transport

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mrcpd/mrcpd/mrcp"
)

// freeswitchSequence is the order mod_unimrcp uses: SET-PARAMS, then
// DEFINE-GRAMMAR, RECOGNIZE, and a STOP that must not overtake them.
func freeswitchSequence(channel string) []*mrcp.Message {
	set := request(mrcp.MethodSetParams, 1, channel,
		mrcp.HdrConfidenceThreshold, "0.5", mrcp.HdrNoInputTimeout, "5000",
		mrcp.HdrVendorSpecificParameters, "confidencelevel=500;timeout=1000")
	def := request(mrcp.MethodDefineGrammar, 2, channel, mrcp.HdrContentType, "application/srgs+xml", mrcp.HdrContentID, "request1@form-level")
	def.Body = []byte(`<grammar root="r"><rule id="r">yes</rule></grammar>`)
	rec := request(mrcp.MethodRecognize, 3, channel, mrcp.HdrContentType, "text/uri-list", mrcp.HdrStartInputTimers, "true")
	rec.Body = []byte("session:request1@form-level")
	stop := request(mrcp.MethodStop, 4, channel)
	return []*mrcp.Message{set, def, rec, stop}
}

func TestPipelinedInOrder(t *testing.T) {
	s := startServer(t, Options{})
	h := newRecorder(true)
	if err := s.Register(recogID, h); err != nil {
		t.Fatal(err)
	}
	c := dialRaw(t, s)
	seq := freeswitchSequence(recogID.String())
	var all []byte
	for _, m := range seq {
		all = m.AppendTo(all)
	}
	c.write(all) // one write: the server must split it
	for i, want := range seq {
		resp := c.read()
		if resp.Kind != mrcp.KindResponse || resp.RequestID != want.RequestID || resp.StatusCode != 200 {
			t.Fatalf("response %d: %+v", i, resp)
		}
		if ch, _ := resp.Header.Get(mrcp.HdrChannelIdentifier); ch != recogID.String() {
			t.Fatalf("response without channel: %q", ch)
		}
	}
	got, _ := h.snapshot()
	if len(got) != len(seq) {
		t.Fatalf("%d delivered", len(got))
	}
	for i := range seq {
		if got[i].Name != seq[i].Name || got[i].RequestID != seq[i].RequestID {
			t.Fatalf("delivery %d: %s %d", i, got[i].Name, got[i].RequestID)
		}
	}
	if string(got[2].Body) != "session:request1@form-level" {
		t.Fatalf("body %q", got[2].Body)
	}
}

func TestSplitWrites(t *testing.T) {
	s := startServer(t, Options{})
	h := newRecorder(true)
	s.Register(recogID, h)
	c := dialRaw(t, s)
	var all []byte
	for _, m := range freeswitchSequence(recogID.String()) {
		all = m.AppendTo(all)
	}
	for i := 0; i < len(all); i += 7 {
		c.write(all[i:min(i+7, len(all))])
		time.Sleep(100 * time.Microsecond) // let segments go out separately
	}
	for i := uint32(1); i <= 4; i++ {
		if r := c.read(); r.RequestID != i {
			t.Fatalf("response %d for request %d", r.RequestID, i)
		}
	}
}

func TestUnknownOrMissingChannel(t *testing.T) {
	s := startServer(t, Options{})
	s.Register(recogID, newRecorder(true))
	c := dialRaw(t, s)

	c.write(request(mrcp.MethodRecognize, 7, "deadbeef@speechrecog").Marshal())
	r := c.read()
	if r.RequestID != 7 || r.StatusCode != mrcp.StatusResourceNotAllocated || r.State != mrcp.StateComplete {
		t.Fatalf("unknown channel: %+v", r)
	}
	if ch, _ := r.Header.Get(mrcp.HdrChannelIdentifier); ch != "deadbeef@speechrecog" {
		t.Fatalf("405 must echo the channel, got %q", ch)
	}

	c.write(request(mrcp.MethodStop, 8, "").Marshal())
	if r := c.read(); r.RequestID != 8 || r.StatusCode != mrcp.StatusResourceNotAllocated {
		t.Fatalf("missing channel: %+v", r)
	}

	c.write(request(mrcp.MethodStop, 9, "no-at-sign").Marshal())
	if r := c.read(); r.RequestID != 9 || r.StatusCode != mrcp.StatusIllegalHeaderValue {
		t.Fatalf("malformed channel: %+v", r)
	}

	// The connection is still good for the registered channel.
	c.write(request(mrcp.MethodStop, 10, recogID.String()).Marshal())
	if r := c.read(); r.RequestID != 10 || r.StatusCode != 200 {
		t.Fatalf("after rejections: %+v", r)
	}
}

func TestGarbageAndRecovery(t *testing.T) {
	s := startServer(t, Options{})
	h := newRecorder(true)
	s.Register(recogID, h)
	c := dialRaw(t, s)

	// Unframeable garbage: nothing to answer, the stream recovers.
	c.write([]byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n"))
	// A framed message with a broken header line: 404 with its request-id.
	bad := "MRCP/2.0 000 RECOGNIZE 11\r\nChannel-Identifier: " + recogID.String() + "\r\nthis line has no colon\r\n\r\n"
	bad = strings.Replace(bad, "000", itoa3(len(bad)), 1)
	c.write([]byte(bad))
	// A framed message of another version: 502.
	v1 := "MRCP/1.0 000 STOP 12\r\nChannel-Identifier: " + recogID.String() + "\r\n\r\n"
	v1 = strings.Replace(v1, "000", itoa3(len(v1)), 1)
	c.write([]byte(v1))
	c.write(request(mrcp.MethodStop, 13, recogID.String()).Marshal())

	if r := c.read(); r.RequestID != 11 || r.StatusCode != mrcp.StatusIllegalHeaderValue {
		t.Fatalf("bad header: %+v", r)
	} else if ch, _ := r.Header.Get(mrcp.HdrChannelIdentifier); ch != recogID.String() {
		t.Fatalf("404 without channel")
	}
	if r := c.read(); r.RequestID != 12 || r.StatusCode != mrcp.StatusVersionNotSupported {
		t.Fatalf("version: %+v", r)
	}
	if r := c.read(); r.RequestID != 13 || r.StatusCode != 200 {
		t.Fatalf("recovery: %+v", r)
	}
	got, _ := h.snapshot()
	if len(got) != 1 || got[0].RequestID != 13 {
		t.Fatalf("handler saw %d messages", len(got))
	}
}

func itoa3(n int) string {
	return string([]byte{byte('0' + n/100), byte('0' + n/10%10), byte('0' + n%10)})
}

func TestTooLargeClosesConnection(t *testing.T) {
	s := startServer(t, Options{MaxMessageSize: 512})
	h := newRecorder(true)
	s.Register(recogID, h)
	c := dialRaw(t, s)
	c.write(request(mrcp.MethodSetParams, 1, recogID.String()).Marshal())
	if r := c.read(); r.StatusCode != 200 {
		t.Fatalf("%+v", r)
	}
	big := request(mrcp.MethodDefineGrammar, 2, recogID.String(), mrcp.HdrContentType, "application/srgs+xml")
	big.Body = []byte(strings.Repeat("x", 600))
	c.write(big.Marshal())
	r := c.read()
	if r.RequestID != 2 || r.StatusCode != mrcp.StatusMessageTooLarge {
		t.Fatalf("%+v", r)
	}
	c.expectEOF()
	waitFor(t, "ConnectionClosed", func() bool { _, n := h.snapshot(); return n == 1 })
}

func TestConnectionDropNotifiesBoundChannels(t *testing.T) {
	s := startServer(t, Options{})
	shared, other := newRecorder(true), newRecorder(true)
	synth := newRecorder(true)
	unused := mrcp.ChannelID{Session: "ffff", Resource: mrcp.ResourceSpeechRecog}
	s.Register(recogID, shared)
	s.Register(synthID, synth)
	s.Register(unused, other)

	// a=connection:existing: both channels of the dialog on one connection.
	c := dialRaw(t, s)
	c.write(request(mrcp.MethodSetParams, 1, recogID.String()).Marshal())
	c.write(request(mrcp.MethodSpeak, 2, synthID.String()).Marshal())
	c.read()
	c.read()
	msgsR, _ := shared.snapshot()
	msgsS, _ := synth.snapshot()
	if len(msgsR) != 1 || len(msgsS) != 1 || msgsR[0].Name != mrcp.MethodSetParams || msgsS[0].Name != mrcp.MethodSpeak {
		t.Fatalf("routing: recog %d synth %d", len(msgsR), len(msgsS))
	}

	c.nc.Close()
	waitFor(t, "ConnectionClosed on both channels", func() bool {
		_, a := shared.snapshot()
		_, b := synth.snapshot()
		return a == 1 && b == 1
	})
	// The unused channel was never bound to that connection.
	if _, n := other.snapshot(); n != 0 {
		t.Fatal("ConnectionClosed for a channel never bound")
	}
	// Bound channels left the registry with their connection.
	if err := s.Register(recogID, shared); err != nil {
		t.Fatalf("channel still registered after its connection closed: %v", err)
	}
}

func TestChannelStaysOnItsConnection(t *testing.T) {
	s := startServer(t, Options{})
	h := newRecorder(true)
	s.Register(recogID, h)
	a, b := dialRaw(t, s), dialRaw(t, s)
	a.write(request(mrcp.MethodSetParams, 1, recogID.String()).Marshal())
	if r := a.read(); r.StatusCode != 200 {
		t.Fatal(r)
	}
	b.write(request(mrcp.MethodStop, 2, recogID.String()).Marshal())
	if r := b.read(); r.StatusCode != mrcp.StatusResourceNotAllocated {
		t.Fatalf("second connection: %+v", r)
	}
	// Closing b does not concern the channel.
	b.nc.Close()
	a.write(request(mrcp.MethodStop, 3, recogID.String()).Marshal())
	if r := a.read(); r.StatusCode != 200 || r.RequestID != 3 {
		t.Fatal(r)
	}
	if _, n := h.snapshot(); n != 0 {
		t.Fatal("ConnectionClosed for the wrong connection")
	}
}

func TestRegisterUnregister(t *testing.T) {
	s := startServer(t, Options{})
	h := newRecorder(true)
	if err := s.Register(recogID, h); err != nil {
		t.Fatal(err)
	}
	if err := s.Register(recogID, h); !errors.Is(err, ErrChannelRegistered) {
		t.Fatalf("duplicate: %v", err)
	}
	if err := s.Register(synthID, nil); err == nil {
		t.Fatal("nil handler accepted")
	}
	c := dialRaw(t, s)
	c.write(request(mrcp.MethodSetParams, 1, recogID.String()).Marshal())
	c.read()
	s.Unregister(recogID)
	s.Unregister(recogID) // twice is harmless
	c.write(request(mrcp.MethodStop, 2, recogID.String()).Marshal())
	if r := c.read(); r.StatusCode != mrcp.StatusResourceNotAllocated {
		t.Fatalf("after Unregister: %+v", r)
	}
	c.nc.Close()
	time.Sleep(20 * time.Millisecond)
	if _, n := h.snapshot(); n != 0 {
		t.Fatal("ConnectionClosed after Unregister")
	}
}

func TestNonRequestFromClientIsDropped(t *testing.T) {
	s := startServer(t, Options{})
	h := newRecorder(true)
	s.Register(recogID, h)
	c := dialRaw(t, s)
	ev := mrcp.NewEvent(mrcp.EventStartOfInput, 5, mrcp.StateInProgress, recogID)
	c.write(ev.Marshal())
	c.write(request(mrcp.MethodStop, 6, recogID.String()).Marshal())
	if r := c.read(); r.RequestID != 6 {
		t.Fatalf("%+v", r)
	}
	if got, _ := h.snapshot(); len(got) != 1 {
		t.Fatalf("handler saw %d", len(got))
	}
}

type panicky struct{ *recorder }

func (p panicky) HandleMessage(c *Conn, m *mrcp.Message) {
	if m.Name == mrcp.MethodStop {
		panic("broken session")
	}
	p.recorder.HandleMessage(c, m)
}

func TestHandlerPanicIsContained(t *testing.T) {
	s := startServer(t, Options{})
	h := newRecorder(true)
	s.Register(recogID, panicky{h})
	c := dialRaw(t, s)
	c.write(request(mrcp.MethodStop, 1, recogID.String()).Marshal())
	c.write(request(mrcp.MethodSetParams, 2, recogID.String()).Marshal())
	if r := c.read(); r.RequestID != 2 {
		t.Fatalf("%+v", r)
	}
}

func TestIdleTimeoutOnlyForUnboundConnections(t *testing.T) {
	s := startServer(t, Options{IdleTimeout: 100 * time.Millisecond})
	h := newRecorder(true)
	s.Register(recogID, h)
	idle := dialRaw(t, s)
	busy := dialRaw(t, s)
	busy.write(request(mrcp.MethodSetParams, 1, recogID.String()).Marshal())
	busy.read()
	idle.expectEOF() // closed by the server after ~100 ms
	time.Sleep(250 * time.Millisecond)
	busy.write(request(mrcp.MethodStop, 2, recogID.String()).Marshal())
	if r := busy.read(); r.RequestID != 2 {
		t.Fatalf("bound connection timed out: %+v", r)
	}
}

func TestConcurrentSendsStayWhole(t *testing.T) {
	s := startServer(t, Options{})
	var (
		mu   sync.Mutex
		conn *Conn
	)
	h := newRecorder(false)
	s.Register(recogID, h)
	c := dialRaw(t, s)
	c.write(request(mrcp.MethodRecognize, 1, recogID.String()).Marshal())
	waitFor(t, "first request", func() bool {
		h.mu.Lock()
		defer h.mu.Unlock()
		for k := range h.conns {
			mu.Lock()
			conn = k
			mu.Unlock()
		}
		return len(h.conns) == 1
	})
	const senders, each = 8, 50
	var wg sync.WaitGroup
	for g := 0; g < senders; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				ev := mrcp.NewEvent(mrcp.EventIntermediateResult, 1, mrcp.StateInProgress, recogID)
				ev.Header.Add(mrcp.HdrContentType, "text/plain")
				ev.Body = []byte(strings.Repeat("p", 100+i))
				if err := conn.Send(ev); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	for i := 0; i < senders*each; i++ {
		m := c.read()
		if m.Name != mrcp.EventIntermediateResult || len(m.Body) < 100 {
			t.Fatalf("message %d garbled: %+v", i, m)
		}
	}
	wg.Wait()
	if err := conn.Send(&mrcp.Message{Kind: mrcp.KindEvent}); err == nil {
		t.Fatal("invalid message sent")
	}
}

type countingMetrics struct {
	mu                                  sync.Mutex
	opened, closed, in, out, parse, rej int
}

func (m *countingMetrics) add(p *int) { m.mu.Lock(); *p++; m.mu.Unlock() }

func (m *countingMetrics) ConnectionOpened()             { m.add(&m.opened) }
func (m *countingMetrics) ConnectionClosed()             { m.add(&m.closed) }
func (m *countingMetrics) MessageReceived(*mrcp.Message) { m.add(&m.in) }
func (m *countingMetrics) MessageSent(*mrcp.Message)     { m.add(&m.out) }
func (m *countingMetrics) ParseError(int)                { m.add(&m.parse) }
func (m *countingMetrics) MessageRejected(int)           { m.add(&m.rej) }

func TestMetricsAndCloseLeavesNoGoroutines(t *testing.T) {
	before := runtimeGoroutines()
	met := &countingMetrics{}
	s, err := Listen("127.0.0.1:0", Options{Metrics: met, Logger: testLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	h := newRecorder(true)
	s.Register(recogID, h)
	clients := make([]*rawClient, 3)
	for i := range clients {
		clients[i] = dialRaw(t, s)
	}
	clients[0].write(request(mrcp.MethodSetParams, 1, recogID.String()).Marshal())
	clients[0].read()
	clients[1].write(request(mrcp.MethodStop, 2, "nobody@speechrecog").Marshal())
	clients[1].read()
	clients[2].write([]byte("MRCP/2.0 xx STOP 3\r\n\r\n"))
	waitFor(t, "parse error counted", func() bool { met.mu.Lock(); defer met.mu.Unlock(); return met.parse == 1 })

	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s.Close() // idempotent
	for _, c := range clients {
		c.expectEOF()
	}
	if err := s.Register(synthID, h); !errors.Is(err, ErrClosed) {
		t.Fatalf("Register after Close: %v", err)
	}
	if _, n := h.snapshot(); n != 1 {
		t.Fatalf("ConnectionClosed calls: %d", n)
	}
	met.mu.Lock()
	if met.opened != 3 || met.closed != 3 || met.in != 2 || met.out != 3 || met.rej != 1 {
		t.Errorf("metrics opened %d closed %d in %d out %d parse %d rejected %d", met.opened, met.closed, met.in, met.out, met.parse, met.rej)
	}
	met.mu.Unlock()
	for _, c := range clients {
		c.nc.Close()
	}
	goroutinesSettle(t, before)
}
