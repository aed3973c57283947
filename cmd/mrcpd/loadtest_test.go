package main

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/mrcpd/mrcpd/admin"
	"github.com/mrcpd/mrcpd/engine/speechtest"
	"github.com/mrcpd/mrcpd/loadtest"
	"github.com/mrcpd/mrcpd/mrcp/client"
	"github.com/mrcpd/mrcpd/mrcp/server/servertest"
)

// The server of the load tests takes RTP ports no other test uses.
const loadtestRTPMin, loadtestRTPMax = 24200, 24399

// runLoadtestCLI runs `mrcpd loadtest args...` and returns its output and
// the status it asked to exit with (0 when it did not ask).
func runLoadtestCLI(t *testing.T, args ...string) (string, int, error) {
	t.Helper()
	status := 0
	cmd := loadtestCommand(func(code int) { status = code })
	var out bytes.Buffer
	cmd.SetArgs(args)
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SilenceUsage = true
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err := cmd.ExecuteContext(ctx)
	return out.String(), status, err
}

// spokenDigitsDir writes real speech (espeak-ng) of digit strings as WAV
// files, each after a quarter second of silence.
func spokenDigitsDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for i, text := range []string{"one two three", "four five", "seven"} {
		pcm := append(make([]int16, 2000), speechtest.Synthesize(t, text, 8000)...)
		name := filepath.Join(dir, strings.ReplaceAll(text, " ", "_")+".wav")
		if err := os.WriteFile(name, client.EncodeWAV(pcm, 8000), 0o600); err != nil {
			t.Fatal(i, err)
		}
	}
	return dir
}

// rowCount reads the count column of a method's row in the table.
func rowCount(t *testing.T, out, method string) string {
	t.Helper()
	m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(method) + `\s+(\d+)\s+(\d+)\s`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no %s row in\n%s", method, out)
	}
	return m[1]
}

func TestLoadtestAgainstServer(t *testing.T) {
	audio := spokenDigitsDir(t)
	srv := servertest.Start(t, servertest.Options{RTPMin: loadtestRTPMin, RTPMax: loadtestRTPMax})
	srv.Metrics.MustRegister(collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	adm := admin.New(srv.Metrics, slog.New(slog.DiscardHandler))
	if err := adm.Listen("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { adm.Close(context.Background()) })
	dir := t.TempDir()
	saved := filepath.Join(dir, "run.json")
	common := []string{"--server", srv.SIPUDPAddr(), "--local-host", "127.0.0.1", "--sessions", "3", "--duration", "6s",
		"--ramp", "1s", "--recognize-every", "2s", "--audio", audio, "--progress", "0"}

	out, status, err := runLoadtestCLI(t, append(common, "--metrics", "http://"+adm.Addr()+"/metrics", "--idle-window", "1s", "--save-baseline", saved)...)
	t.Logf("\n%s", out)
	if err != nil || status != 0 {
		t.Fatalf("status %d, %v", status, err)
	}
	for method, want := range map[string]string{"INVITE": "3", "BYE": "3"} {
		if got := rowCount(t, out, method); got != want {
			t.Fatalf("%s count %s, want %s", method, got, want)
		}
	}
	for _, method := range []string{"RECOGNIZE", "START-OF-INPUT", "RECOGNITION-COMPLETE"} {
		if rowCount(t, out, method) == "0" {
			t.Fatalf("no %s measured", method)
		}
	}
	for _, want := range []string{"completion causes: 000 success", "errors: none", "ms per session-second", "KB per session", "exclude ASR decoding"} {
		if !strings.Contains(out, want) {
			t.Fatalf("output lacks %q", want)
		}
	}
	rep, err := loadtest.ReadReport(saved)
	if err != nil {
		t.Fatal(err)
	}
	if m, ok := rep.Method(loadtest.MethodRecognize); !ok || m.Count < 6 || rep.Sessions != 3 || rep.ServerCost == nil {
		t.Fatalf("saved report %+v", rep)
	}

	// The saved run compared with itself passes.
	out, status, err = runLoadtestCLI(t, "--compare", saved, "--baseline", saved)
	if err != nil || status != 0 || !strings.Contains(out, "no regression") {
		t.Fatalf("status %d, %v\n%s", status, err, out)
	}

	// A doctored baseline: the audio-to-event figures three times faster
	// than the run (they regress), the control ones twice as fast but by
	// less than --min-delta (they do not).
	fast := *rep
	fast.Methods = nil
	for _, m := range rep.Methods {
		faster := func(v float64) float64 { return max(v/2, v-4) }
		if m.Method == loadtest.MethodStartOfInput || m.Method == loadtest.MethodRecognitionComplete {
			faster = func(v float64) float64 { return v / 3 }
		}
		m.AvgMs, m.MinMs, m.MaxMs = faster(m.AvgMs), faster(m.MinMs), faster(m.MaxMs)
		m.P50Ms, m.P90Ms, m.P99Ms = faster(m.P50Ms), faster(m.P90Ms), faster(m.P99Ms)
		fast.Methods = append(fast.Methods, m)
	}
	fastPath := filepath.Join(dir, "fast.json")
	if err := fast.WriteFile(fastPath); err != nil {
		t.Fatal(err)
	}
	out, status, err = runLoadtestCLI(t, "--compare", saved, "--baseline", fastPath)
	if err != nil || status != 2 {
		t.Fatalf("status %d, %v\n%s", status, err, out)
	}
	if !regexp.MustCompile(`(?m)^RECOGNITION-COMPLETE .*REGRESSION: p90`).MatchString(out) ||
		!regexp.MustCompile(`(?m)^START-OF-INPUT .*REGRESSION: p90`).MatchString(out) ||
		regexp.MustCompile(`(?m)^(INVITE|RECOGNIZE|BYE) .*REGRESSION`).MatchString(out) ||
		!strings.Contains(out, "2 method(s) regressed") {
		t.Fatalf("regressions marked wrongly:\n%s", out)
	}

	// A live run against the doctored baseline fails the same way.
	out, status, err = runLoadtestCLI(t, append(common, "--baseline", fastPath, "--json")...)
	if err != nil || status != 2 {
		t.Fatalf("status %d, %v\n%s", status, err, out)
	}
	var live loadtest.Report
	if err := json.Unmarshal([]byte(out), &live); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if live.Comparison == nil || live.Comparison.Regressions == 0 || live.SessionsEstablished != 3 {
		t.Fatalf("live comparison %+v", live.Comparison)
	}
}

func TestLoadtestArguments(t *testing.T) {
	wav := filepath.Join(t.TempDir(), "a.wav")
	if err := os.WriteFile(wav, client.EncodeWAV(make([]int16, 800), 8000), 0o600); err != nil {
		t.Fatal(err)
	}
	base := filepath.Join(t.TempDir(), "base.json")
	if err := os.WriteFile(base, []byte(`{"format":"mrcpd-loadtest/1","methods":[]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--sessions", "1"}, `"audio" not set`},
		{[]string{"--audio", wav, "--max-regression", "lots"}, "want a percentage"},
		{[]string{"--audio", wav, "--max-regression", "-5%"}, "want a percentage"},
		{[]string{"--audio", wav, "--min-delta", "-1ms"}, "--min-delta"},
		{[]string{"--audio", wav, "--sessions", "0"}, "0 sessions"},
		{[]string{"--audio", wav, "--idle-window", "-1s"}, "idle window"},
		{[]string{"--audio", wav, "--ramp", "2m"}, "shorter than the duration"},
		{[]string{"--audio", wav, "--param", "novalue"}, "want name=value"},
		{[]string{"--audio", wav, "--grammar", "no such grammar"}, "neither a readable file nor a URI"},
		{[]string{"--audio", filepath.Join(t.TempDir(), "none")}, "no such file"},
		{[]string{"--audio", wav, "--baseline", filepath.Join(t.TempDir(), "none.json")}, "no such file"},
		{[]string{"--audio", wav, "--baseline", wav}, "not a load test report"},
		{[]string{"--compare", base}, "--compare needs --baseline"},
		{[]string{"--compare", wav, "--baseline", base}, "not a load test report"},
	} {
		_, status, err := runLoadtestCLI(t, tc.args...)
		if err == nil || !strings.Contains(err.Error(), tc.want) || status != 0 {
			t.Errorf("%v: status %d, error %v, want %q", tc.args, status, err, tc.want)
		}
	}
}

// A run in which no call could be established fails and saves nothing: an
// empty baseline would let any later run pass.
func TestLoadtestNoServer(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	ln.Close()
	wav := filepath.Join(t.TempDir(), "a.wav")
	if err := os.WriteFile(wav, client.EncodeWAV(make([]int16, 800), 8000), 0o600); err != nil {
		t.Fatal(err)
	}
	saved := filepath.Join(t.TempDir(), "run.json")
	out, status, err := runLoadtestCLI(t, "--server", closed, "--transport", "tcp", "--local-host", "127.0.0.1",
		"--sessions", "2", "--duration", "1s", "--ramp", "0s", "--audio", wav, "--save-baseline", saved, "--progress", "0")
	if err == nil || !strings.Contains(err.Error(), "no session could be established") || status != 0 {
		t.Fatalf("status %d, error %v", status, err)
	}
	if !strings.Contains(out, "established 0/2") || !strings.Contains(out, "connection refused") || rowCount(t, out, "INVITE") != "0" {
		t.Fatalf("output:\n%s", out)
	}
	if _, err := os.Stat(saved); !os.IsNotExist(err) {
		t.Fatalf("baseline saved: %v", err)
	}
}

func TestRegressionRule(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want float64
	}{{"20%", 0.2}, {"20", 0.2}, {" 5.5% ", 0.055}, {"0", 0}} {
		r, err := regressionRule(tc.in, time.Millisecond)
		if err != nil || r.MaxRegression != tc.want || r.MinDelta != time.Millisecond {
			t.Errorf("%q: %+v %v", tc.in, r, err)
		}
	}
	for _, in := range []string{"", "%", "x%", "-1", "NaN", "1e9"} {
		if _, err := regressionRule(in, 0); err == nil {
			t.Errorf("%q accepted", in)
		}
	}
}
