//go:build linux

package rawtcp

import (
	"bytes"
	"errors"
	"io"
	"net"
	"os"
	"testing"
	"time"
)

// pair returns a wrapped client connection and the plain server side of a
// loopback TCP connection.
func pair(t *testing.T) (net.Conn, net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			accepted <- nil
			return
		}
		accepted <- c
	}()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	s := <-accepted
	if s == nil {
		t.Fatal("accept failed")
	}
	w := Wrap(c)
	if _, ok := w.(*Conn); !ok {
		t.Fatalf("Wrap of a TCP connection gave %T", w)
	}
	t.Cleanup(func() { w.Close(); s.Close() })
	return w, s
}

func TestLargeTransfersBothWays(t *testing.T) {
	c, s := pair(t)
	// Larger than the socket buffers, so writes meet EAGAIN and wait in
	// the poller while the other side reads slowly.
	out := bytes.Repeat([]byte("0123456789abcdef"), 1<<16) // 1 MiB
	errs := make(chan error, 1)
	go func() {
		_, err := c.Write(out)
		errs <- err
	}()
	got := make([]byte, 0, len(out))
	buf := make([]byte, 3000)
	for len(got) < len(out) {
		_ = s.SetReadDeadline(time.Now().Add(10 * time.Second))
		n, err := s.Read(buf)
		if err != nil {
			t.Fatalf("server read after %d bytes: %v", len(got), err)
		}
		got = append(got, buf[:n]...)
		if len(got) < 64<<10 {
			time.Sleep(time.Millisecond)
		}
	}
	if err := <-errs; err != nil {
		t.Fatalf("Write: %v", err)
	}
	if !bytes.Equal(got, out) {
		t.Fatal("bytes differ")
	}

	go func() {
		_, err := s.Write(out)
		errs <- err
	}()
	back, err := io.ReadAll(io.LimitReader(c, int64(len(out))))
	if err != nil || !bytes.Equal(back, out) {
		t.Fatalf("client read %d bytes, err %v", len(back), err)
	}
	if err := <-errs; err != nil {
		t.Fatal(err)
	}
}

func TestReadDeadlineCloseAndEOF(t *testing.T) {
	c, s := pair(t)
	_ = c.SetReadDeadline(time.Now().Add(20 * time.Millisecond))
	_, err := c.Read(make([]byte, 10))
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() || !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("read past the deadline: %v, want a timeout", err)
	}
	_ = c.SetReadDeadline(time.Time{})

	if _, err := s.Write([]byte("hi")); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 10)
	if n, err := c.Read(buf); err != nil || string(buf[:n]) != "hi" {
		t.Fatalf("read %q, %v", buf[:n], err)
	}
	s.Close()
	if _, err := c.Read(buf); err != io.EOF {
		t.Fatalf("read after the peer closed: %v, want io.EOF", err)
	}

	c2, _ := pair(t)
	done := make(chan error, 1)
	go func() {
		_, err := c2.Read(buf[:1])
		done <- err
	}()
	time.Sleep(20 * time.Millisecond)
	c2.Close()
	select {
	case err := <-done:
		if !errors.Is(err, net.ErrClosed) {
			t.Fatalf("read on a closed connection: %v, want net.ErrClosed", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not unblock Read")
	}
	if _, err := c2.Write([]byte("x")); !errors.Is(err, net.ErrClosed) {
		t.Fatalf("write on a closed connection: %v", err)
	}
}

func TestWriteToResetPeerFails(t *testing.T) {
	c, s := pair(t)
	// Abortive close: the next writes meet RST, not a full buffer.
	s.(*net.TCPConn).SetLinger(0)
	s.Close()
	var err error
	for i := 0; i < 100 && err == nil; i++ {
		_, err = c.Write(make([]byte, 1024))
		time.Sleep(time.Millisecond)
	}
	var oe *net.OpError
	if !errors.As(err, &oe) || oe.Op != "write" {
		t.Fatalf("write to a reset peer: %v, want a write OpError", err)
	}
}

func TestIdle(t *testing.T) {
	c, s := pair(t)
	if !Idle(c) {
		t.Fatal("an open, quiet connection is not idle")
	}
	if !Idle(c.(*Conn).TCPConn()) {
		t.Fatal("Idle does not inspect a plain *net.TCPConn")
	}
	if _, err := s.Write([]byte("x")); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for Idle(c) && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if Idle(c) {
		t.Fatal("a connection with unread data is idle")
	}
	// Peeking consumed nothing.
	buf := make([]byte, 4)
	if n, err := c.Read(buf); err != nil || string(buf[:n]) != "x" {
		t.Fatalf("read %q, %v", buf[:n], err)
	}
	s.Close()
	deadline = time.Now().Add(5 * time.Second)
	for Idle(c) && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if Idle(c) {
		t.Fatal("a connection the peer closed is idle")
	}
	c.Close()
	if Idle(c) {
		t.Fatal("a closed connection is idle")
	}
	p1, p2 := net.Pipe()
	defer p1.Close()
	defer p2.Close()
	if Idle(p1) {
		t.Fatal("a connection that cannot be inspected is idle")
	}
	if Wrap(p1) != p1 {
		t.Fatal("Wrap changed a connection that is not TCP")
	}
}

func TestReadWriteAllocateNothing(t *testing.T) {
	c, s := pair(t)
	msg := make([]byte, 160)
	buf := make([]byte, 160)
	allocs := testing.AllocsPerRun(200, func() {
		if _, err := c.Write(msg); err != nil {
			t.Fatal(err)
		}
		if _, err := io.ReadFull(s, buf); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Write(msg); err != nil {
			t.Fatal(err)
		}
		if _, err := io.ReadFull(c, buf); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Fatalf("%v allocations per round trip", allocs)
	}
}
