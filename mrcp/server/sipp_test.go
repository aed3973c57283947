package server_test

import (
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/mrcpd/mrcpd/mrcp/server/servertest"
)

// freeUDPPort returns a loopback UDP port nothing is bound to now.
func freeUDPPort(t *testing.T) int {
	t.Helper()
	c, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	return c.LocalAddr().(*net.UDPAddr).Port
}

// runSipp plays one call of a scenario against target and fails the test
// unless sipp reports it successful.
func runSipp(t *testing.T, scenario, target string) {
	t.Helper()
	bin, err := exec.LookPath("sipp")
	if err != nil {
		t.Fatal("sipp not found: `make test` installs it (Debian package sip-tester)")
	}
	scenario, err = filepath.Abs(scenario)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 40*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin,
		"-sf", scenario, "-m", "1", "-l", "1",
		"-i", "127.0.0.1", "-p", strconv.Itoa(freeUDPPort(t)),
		"-mi", "127.0.0.1", "-mp", strconv.Itoa(freeUDPPort(t)),
		"-timeout", "20s", "-timeout_error", "-recv_timeout", "10s",
		"-nostdin", "-trace_err", "-error_file", filepath.Join(dir, "errors.log"),
		target)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		errs, _ := os.ReadFile(filepath.Join(dir, "errors.log"))
		t.Fatalf("sipp %s: %v\n%s\n%s", filepath.Base(scenario), err, lastLines(out, 30), errs)
	}
}

func lastLines(b []byte, n int) []byte {
	lines := 0
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] == '\n' {
			if lines++; lines > n {
				return b[i+1:]
			}
		}
	}
	return b
}

// waitIdle waits (bounded) until the server holds no session and every RTP
// port is back in the pool.
func waitIdle(t *testing.T, srv *servertest.Server, ports int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if srv.SessionCount() == 0 && srv.FreePorts() == ports {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("server not idle: %d sessions, %d of %d port pairs free", srv.SessionCount(), srv.FreePorts(), ports)
}

// TestSippRecognizerSession: sipp opens a recognizer session exactly as the
// UniMRCP client library does (INVITE, ACK, BYE) against the whole server.
func TestSippRecognizerSession(t *testing.T) {
	srv := servertest.Start(t, servertest.Options{RTPMin: 22000, RTPMax: 22019})
	ports := srv.FreePorts()
	runSipp(t, filepath.Join("..", "..", "sip", "testdata", "sipp", "recog_session.xml"), srv.SIPUDPAddr())
	waitIdle(t, srv, ports)
}

// TestSippRejectedOffers: offers mrcpd cannot serve are answered 488 and
// leave nothing allocated.
func TestSippRejectedOffers(t *testing.T) {
	srv := servertest.Start(t, servertest.Options{RTPMin: 22020, RTPMax: 22039})
	ports := srv.FreePorts()
	for _, sc := range []string{"missing_resource.xml", "unsupported_resource.xml", "no_common_codec.xml"} {
		t.Run(sc, func(t *testing.T) {
			runSipp(t, filepath.Join("testdata", "sipp", sc), srv.SIPUDPAddr())
			waitIdle(t, srv, ports)
		})
	}
}
