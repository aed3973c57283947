package websocket

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	gws "github.com/gorilla/websocket"
)

// The benchmarks measure the client alone: their vosk peer runs in a child
// process (this test binary started again with peerProcessEnv set), so its
// allocations, memory and CPU time are not counted.
const peerProcessEnv = "MRCPD_WS_BENCH_PEER"

func TestMain(m *testing.M) {
	if os.Getenv(peerProcessEnv) != "" {
		os.Exit(runPeerProcess())
	}
	os.Exit(m.Run())
}

// startPeerProcess starts the child peer and returns its URL. The child
// exits when its stdin closes, at the latest when this process does.
func startPeerProcess(tb testing.TB) string {
	tb.Helper()
	exe, err := os.Executable()
	if err != nil {
		tb.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), peerProcessEnv+"=1")
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		tb.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	done := make(chan struct{})
	tb.Cleanup(func() {
		stdin.Close()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	})
	go func() {
		_ = cmd.Wait()
		close(done)
	}()
	line := make(chan string, 1)
	go func() {
		s, _ := bufio.NewReader(stdout).ReadString('\n')
		line <- strings.TrimSpace(s)
		_, _ = io.Copy(io.Discard, stdout)
	}()
	select {
	case u := <-line:
		if !strings.HasPrefix(u, "ws://") {
			tb.Fatalf("peer process printed %q", u)
		}
		return u
	case <-time.After(10 * time.Second):
		tb.Fatal("peer process did not start within 10s")
	}
	return ""
}

// runPeerProcess serves the vosk protocol on loopback like vosk-server:
// one answer per audio message, the final result for the end of audio.
// A partial is the number of audio bytes received (since the config) when
// the URL path is /count; otherwise it grows by one word per 8000 bytes (0.5 s at 8 kHz).
func runPeerProcess() int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Printf("ws://%s\n", ln.Addr())
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		os.Exit(0)
	}()
	up := gws.Upgrader{ReadBufferSize: 8192, WriteBufferSize: 4096}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// On /reuse it serves several recognitions per connection when
		// asked, as mrcpd's engine does.
		var answer http.Header
		if r.URL.Path == "/reuse" && r.Header.Get(ReuseHeader) == "1" {
			answer = http.Header{ReuseHeader: {"1"}}
		}
		c, err := up.Upgrade(w, r, answer)
		if err != nil {
			return
		}
		defer c.Close()
		count := r.URL.Path == "/count"
		received := 0
		reply := make([]byte, 0, 512)
		for {
			_ = c.SetReadDeadline(time.Now().Add(30 * time.Second))
			kind, data, err := c.ReadMessage()
			if err != nil {
				return
			}
			reply = reply[:0]
			switch {
			case kind == gws.BinaryMessage:
				received += len(data)
				reply = append(reply, `{"partial" : "`...)
				if count {
					reply = strconv.AppendInt(reply, int64(received), 10)
				} else {
					reply = append(reply, strings.TrimSpace(strings.Repeat("one ", received/8000))...)
				}
				reply = append(reply, `"}`...)
			case strings.Contains(string(data), `"config"`):
				received = 0
				continue
			default:
				reply = append(reply, `{"result" : [{"conf" : 0.9, "end" : 0.5, "start" : 0.1, "word" : "one"},`+
					` {"conf" : 0.8, "end" : 0.9, "start" : 0.5, "word" : "two"}], "text" : "one two"}`...)
			}
			if err := c.WriteMessage(gws.TextMessage, reply); err != nil {
				return
			}
		}
	})}
	_ = srv.Serve(ln)
	return 0
}
