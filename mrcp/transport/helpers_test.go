package transport

import (
	"bufio"
	"errors"
	"io"
	"log/slog"
	"net"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mrcpd/mrcpd/mrcp"
)

// recorder is a Handler that keeps what it is given and, if echo is set,
// answers every request with 200 COMPLETE the way a session would.
type recorder struct {
	echo bool

	mu     sync.Mutex
	msgs   []*mrcp.Message
	closed int
	conns  map[*Conn]bool
	notify chan struct{}
}

func newRecorder(echo bool) *recorder {
	return &recorder{echo: echo, conns: map[*Conn]bool{}, notify: make(chan struct{}, 1024)}
}

func (r *recorder) HandleMessage(c *Conn, m *mrcp.Message) {
	r.mu.Lock()
	r.msgs = append(r.msgs, m)
	r.conns[c] = true
	r.mu.Unlock()
	if r.echo {
		c.Send(mrcp.NewResponse(m, mrcp.StatusSuccess, mrcp.StateComplete))
	}
	r.notify <- struct{}{}
}

func (r *recorder) ConnectionClosed(c *Conn) {
	r.mu.Lock()
	r.closed++
	r.mu.Unlock()
	r.notify <- struct{}{}
}

func (r *recorder) snapshot() ([]*mrcp.Message, int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*mrcp.Message(nil), r.msgs...), r.closed
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(b []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(b), "\n"))
	return len(b), nil
}

func startServer(t *testing.T, opts Options) *Server {
	t.Helper()
	if opts.Logger == nil {
		opts.Logger = testLogger(t)
	}
	s, err := Listen("127.0.0.1:0", opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// rawClient is a plain TCP peer that reads server output with the codec.
type rawClient struct {
	t  *testing.T
	nc net.Conn
	rd *bufio.Reader
	p  *mrcp.Parser
}

func dialRaw(t *testing.T, s *Server) *rawClient {
	t.Helper()
	nc, err := net.DialTimeout("tcp", s.Addr().String(), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	return &rawClient{t: t, nc: nc, rd: bufio.NewReader(nc), p: mrcp.NewParser(0)}
}

func (c *rawClient) write(b []byte) {
	c.t.Helper()
	if _, err := c.nc.Write(b); err != nil {
		c.t.Fatal(err)
	}
}

// read returns the next message from the server, failing after 5 s.
func (c *rawClient) read() *mrcp.Message {
	c.t.Helper()
	m, err := c.readErr()
	if err != nil {
		c.t.Fatal(err)
	}
	return m
}

func (c *rawClient) readErr() (*mrcp.Message, error) {
	c.nc.SetReadDeadline(time.Now().Add(5 * time.Second))
	buf := make([]byte, 4096)
	for i := 0; i < 10000; i++ {
		m, err := c.p.Next()
		if err == nil {
			return m, nil
		}
		if !errors.Is(err, mrcp.ErrNeedMore) {
			return nil, err
		}
		n, err := c.rd.Read(buf)
		c.p.Write(buf[:n])
		if err != nil && n == 0 {
			return nil, err
		}
	}
	return nil, errors.New("no message")
}

// expectEOF checks that the server closed the connection.
func (c *rawClient) expectEOF() {
	c.t.Helper()
	c.nc.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.ReadAll(c.rd); err != nil {
		c.t.Fatalf("want EOF, got %v", err)
	}
}

func request(name string, id uint32, channel string, fields ...string) *mrcp.Message {
	m := &mrcp.Message{Kind: mrcp.KindRequest, Name: name, RequestID: id}
	if channel != "" {
		m.Header.Add(mrcp.HdrChannelIdentifier, channel)
	}
	for i := 0; i+1 < len(fields); i += 2 {
		m.Header.Add(fields[i], fields[i+1])
	}
	return m
}

var (
	recogID = mrcp.ChannelID{Session: "20a54ddb9b9740d6", Resource: mrcp.ResourceSpeechRecog}
	synthID = mrcp.ChannelID{Session: "20a54ddb9b9740d6", Resource: mrcp.ResourceSpeechSynth}
)

// goroutinesSettle waits (bounded) for the goroutine count to drop to at
// most want.
func goroutinesSettle(t *testing.T, want int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > want {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			n := runtime.Stack(buf, true)
			t.Fatalf("%d goroutines, want <= %d\n%s", runtime.NumGoroutine(), want, buf[:n])
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func runtimeGoroutines() int { return runtime.NumGoroutine() }
