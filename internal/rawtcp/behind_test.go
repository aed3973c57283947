//go:build linux

package rawtcp

import (
	"bytes"
	"errors"
	"io"
	"net"
	"os"
	"runtime"
	"testing"
	"time"
)

// pattern is n bytes that tell their position, so reordering shows.
func pattern(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + i/251)
	}
	return b
}

func TestWriteBehindNeverBlocks(t *testing.T) {
	c, s := pair(t)
	c.(*Conn).SetWriteBehind(8 << 20)
	data := pattern(2 << 20) // far more than the socket buffers hold
	done := make(chan error, 1)
	go func() {
		for off := 0; off < len(data); off += 1000 {
			if _, err := c.Write(data[off:min(off+1000, len(data))]); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	// Nobody reads until every Write has returned.
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Write blocked although the connection writes behind")
	}
	_ = s.SetReadDeadline(time.Now().Add(10 * time.Second))
	got, err := io.ReadAll(io.LimitReader(s, int64(len(data))))
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("peer read %d of %d bytes in order: %v", len(got), len(data), err)
	}
}

func TestWriteBehindBacklogLimit(t *testing.T) {
	c, s := pair(t)
	const limit = 256 << 10
	c.(*Conn).SetWriteBehind(limit)
	chunk := pattern(4096)
	var accepted []byte
	var err error
	for range 4096 { // at most 16 MB
		if _, err = c.Write(chunk); err != nil {
			break
		}
		accepted = append(accepted, chunk...)
	}
	if !errors.Is(err, ErrBacklog) {
		t.Fatalf("writing to a peer that does not read: %v, want ErrBacklog", err)
	}
	// What was accepted arrives, in order, and nothing of the refused write.
	_ = s.SetReadDeadline(time.Now().Add(10 * time.Second))
	got, rerr := io.ReadAll(io.LimitReader(s, int64(len(accepted))))
	if rerr != nil || !bytes.Equal(got, accepted) {
		t.Fatalf("peer read %d of %d accepted bytes: %v", len(got), len(accepted), rerr)
	}
	// The backlog is gone: writing works again.
	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, err = c.Write(chunk); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("still refused after the peer caught up: %v", err)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestWriteBehindReportsBackgroundFailure(t *testing.T) {
	for _, cause := range []string{"deadline", "reset"} {
		t.Run(cause, func(t *testing.T) {
			c, s := pair(t)
			c.(*Conn).SetWriteBehind(64 << 20)
			if cause == "deadline" {
				_ = c.SetWriteDeadline(time.Now().Add(50 * time.Millisecond))
			} else {
				s.(*net.TCPConn).SetLinger(0)
			}
			chunk := pattern(64 << 10)
			var err error
			for i := 0; i < 2000 && err == nil; i++ {
				_, err = c.Write(chunk)
				if i == 64 && cause == "reset" {
					s.Close()
				}
				if i > 64 {
					time.Sleep(time.Millisecond)
				}
			}
			switch {
			case cause == "deadline" && !errors.Is(err, os.ErrDeadlineExceeded):
				t.Fatalf("backlog past the write deadline: %v, want a timeout", err)
			case cause == "reset" && err == nil:
				t.Fatal("writes to a reset peer kept succeeding")
			}
			if _, again := c.Write(chunk); again == nil {
				t.Fatal("a write after the failure succeeded")
			}
		})
	}
}

func TestWriteBehindCloseEndsTheWriter(t *testing.T) {
	baseline := runtime.NumGoroutine()
	c, _ := pair(t)
	c.(*Conn).SetWriteBehind(8 << 20)
	for range 64 {
		if _, err := c.Write(pattern(64 << 10)); err != nil {
			t.Fatal(err)
		}
	}
	c.Close()
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > baseline && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > baseline {
		t.Fatalf("%d goroutines after Close, baseline %d", n, baseline)
	}
}
