package sip

import (
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// TestSippRecognizerSession drives our server with sipp, an independent SIP
// implementation, through the INVITE/ACK/BYE of a mod_unimrcp-shaped
// recognizer session.
func TestSippRecognizerSession(t *testing.T) {
	bin, err := exec.LookPath("sipp")
	if err != nil {
		t.Fatalf("sipp is not installed (%v); `make test` installs it (Debian package sip-tester)", err)
	}
	scenario, err := filepath.Abs(filepath.Join("testdata", "sipp", "recog_session.xml"))
	if err != nil {
		t.Fatal(err)
	}
	h := newTestHandler()
	srv := startServer(t, h, nil)
	dir := t.TempDir()
	errFile := filepath.Join(dir, "errors.log")

	ctx, cancel := context.WithTimeout(context.Background(), 40*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, srv.UDPAddr().String(),
		"-sf", scenario,
		"-m", "1",
		"-timeout", "20s", "-timeout_error",
		"-max_socket", "8",
		"-i", "127.0.0.1",
		"-p", strconv.Itoa(freePort(t, "udp")),
		"-mp", strconv.Itoa(freePort(t, "udp")),
		"-t", "u1",
		"-nostdin",
		"-trace_err", "-error_file", errFile,
	)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		errs, _ := os.ReadFile(errFile)
		t.Fatalf("sipp failed: %v\n--- output (tail) ---\n%s\n--- errors ---\n%s", err, tail(out, 3000), errs)
	}
	e := h.waitEnded(t, 5*time.Second)
	if e.reason != EndRemoteBye {
		t.Fatalf("Ended reason %q", e.reason)
	}
	if inv, _ := h.counts(); inv != 1 {
		t.Fatalf("Handler.Invite called %d times", inv)
	}
}

// freePort finds a port that is free now; sipp binds it a moment later.
func freePort(t *testing.T, network string) int {
	t.Helper()
	c, err := net.ListenPacket(network, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	return c.LocalAddr().(*net.UDPAddr).Port
}

func tail(b []byte, n int) []byte {
	if len(b) > n {
		return b[len(b)-n:]
	}
	return b
}
