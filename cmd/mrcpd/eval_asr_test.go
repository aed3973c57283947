package main

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mrcpd/mrcpd/bargein/eval"
	"github.com/mrcpd/mrcpd/mrcp/server/servertest"
)

// RTP ports of the servers these tests start, apart from every other
// package's tests.
const (
	evalASRRTPMin, evalASRRTPMax             = 23860, 23879
	evalASRServerRTPMin, evalASRServerRTPMax = 23880, 23899
)

// needFSDD skips when the shared recordings are absent: the reduced
// evaluation measures real speech and has nothing to run on without them.
func needFSDD(t *testing.T) string {
	t.Helper()
	shared, err := eval.SharedDir()
	if err == nil {
		_, err = os.Stat(eval.SpeechDir(shared))
	}
	if err != nil {
		t.Skipf("needs the FSDD recordings in ../shared/data/fsdd/recordings beside the repository: %v", err)
	}
	return shared
}

var (
	accuracyLine = regexp.MustCompile(`Digit accuracy: (\d+)/(\d+) `)
	latencyRow   = regexp.MustCompile(`\| (START-OF-INPUT|RECOGNITION-COMPLETE)[^|]* \| (\d+) \| (-?\d+) \|`)
	causeRow     = regexp.MustCompile(`(?m)^\| (\d{3} [a-z-]+) \| (\d+) \|`)
)

// checkASRReport checks the report of n recordings: every recording has a
// completion, most are the spoken digit, and START-OF-INPUT follows the
// onset within the loose bound of the end-to-end tests.
func checkASRReport(t *testing.T, out string, n int) {
	t.Helper()
	m := accuracyLine.FindStringSubmatch(out)
	if m == nil || m[2] != strconv.Itoa(n) {
		t.Fatalf("no accuracy over %d recordings:\n%s", n, out)
	}
	if correct, _ := strconv.Atoi(m[1]); correct*2 < n {
		t.Errorf("only %s of %d digits recognised:\n%s", m[1], n, out)
	}
	rows := latencyRow.FindAllStringSubmatch(out, -1)
	if len(rows) != 2 {
		t.Fatalf("latency rows %q:\n%s", rows, out)
	}
	for _, r := range rows {
		if count, _ := strconv.Atoi(r[2]); count*2 < n {
			t.Errorf("%s measured on %d of %d recordings:\n%s", r[1], count, n, out)
		}
	}
	if p50, _ := strconv.Atoi(rows[0][3]); p50 < -100 || p50 > 300 {
		t.Errorf("START-OF-INPUT median %d ms after the onset:\n%s", p50, out)
	}
	total := 0
	for _, c := range causeRow.FindAllStringSubmatch(out, -1) {
		k, _ := strconv.Atoi(c[2])
		total += k
	}
	if total != n {
		t.Errorf("the cause histogram counts %d of %d recordings:\n%s", total, n, out)
	}
}

// The reduced evaluation with everything in this process: the built-in
// engine, the server as `mrcpd serve` configures it, real-time sessions.
func TestEvalASRInProcess(t *testing.T) {
	needFSDD(t)
	t.Parallel()
	out, err := runCLI(t, "eval", "asr", "--utterances", "6", "--concurrency", "3", "--seed", "7",
		"--rtp-min", strconv.Itoa(evalASRRTPMin), "--rtp-max", strconv.Itoa(evalASRRTPMax))
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if !strings.Contains(out, "6 utterances from") || !strings.Contains(out, "in-process server, built-in engine") {
		t.Fatalf("header:\n%s", out)
	}
	checkASRReport(t, out, 6)
}

// The same against a server given by address (--server), with a request
// parameter passed through.
func TestEvalASRAgainstServer(t *testing.T) {
	needFSDD(t)
	t.Parallel()
	srv := servertest.Start(t, servertest.Options{RTPMin: evalASRServerRTPMin, RTPMax: evalASRServerRTPMax})
	out, err := runCLI(t, "eval", "asr", "--server", srv.SIPUDPAddr(), "--utterances", "4", "--concurrency", "2",
		"--param", "Speech-Incomplete-Timeout=600", "--lead", "300ms")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if !strings.Contains(out, "4 utterances from") || !strings.Contains(out, srv.SIPUDPAddr()) {
		t.Fatalf("header:\n%s", out)
	}
	checkASRReport(t, out, 4)
}

func TestEvalASRRejectsBadFlags(t *testing.T) {
	empty := t.TempDir()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--utterances", "-1"}, "--utterances"},
		{[]string{"--concurrency", "0"}, "--concurrency"},
		{[]string{"--rtp-min", "100", "--rtp-max", "200"}, "--rtp-min"},
		{[]string{"--rtp-min", "30000", "--rtp-max", "30003"}, "room for 4 sessions"},
		{[]string{"--param", "no-equals-sign"}, "--param"},
		{[]string{"--timeout", "0s"}, "--timeout"},
		{nil, "no .wav files"},
		{[]string{"--speech", filepath.Join(empty, "absent")}, "no .wav files"},
	} {
		root := newRootCommand()
		root.SetOut(&bytes.Buffer{})
		root.SetErr(&bytes.Buffer{})
		root.SetArgs(append([]string{"eval", "asr", "--speech", empty}, c.args...))
		if err := root.Execute(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: error %v, want one about %s", c.args, err, c.want)
		}
	}
}

// The sample is fixed by the seed and labelled from FSDD names.
func TestSampleUtterances(t *testing.T) {
	dir := t.TempDir()
	for d := range 10 {
		for n := range 3 {
			writeToneWAV(t, filepath.Join(dir, fmt.Sprintf("%d_speaker_%d.wav", d, n)), 300+50*d+10*n)
		}
	}
	names := func(seed uint64, n int) string {
		t.Helper()
		utts, err := sampleUtterances(dir, n, seed)
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for _, u := range utts {
			b.WriteString(u.Name + " ")
		}
		return b.String()
	}
	a, b, c := names(1, 8), names(1, 8), names(2, 8)
	if a != b || a == c || strings.Count(a, ".wav") != 8 {
		t.Fatalf("seed 1: %q and %q, seed 2: %q", a, b, c)
	}
	if all := names(1, 0); strings.Count(all, ".wav") != 30 {
		t.Fatalf("all: %q", all)
	}
	writeToneWAV(t, filepath.Join(dir, "speaker_9.wav"), 400)
	if _, err := sampleUtterances(dir, 0, 1); err == nil || !strings.Contains(err.Error(), "speaker_9.wav") {
		t.Fatalf("a file without the digit in its name: %v", err)
	}
	for name, want := range map[string]string{"7_jackson_12.wav": "7", "0_x.wav": "0", "x_7.wav": "", "77_a.wav": "", "7": ""} {
		if got, _ := digitLabel(name); got != want {
			t.Errorf("digitLabel(%q) = %q, want %q", name, got, want)
		}
	}
}

// writeToneWAV writes 0.2 s of silence, a 0.3 s tone and 0.2 s of silence.
func writeToneWAV(t *testing.T, path string, freq int) {
	t.Helper()
	pcm := make([]int16, 5600)
	for i := 1600; i < 4000; i++ {
		pcm[i] = int16(8000 * math.Sin(2*math.Pi*float64(freq)*float64(i)/8000))
	}
	if err := os.WriteFile(path, eval.AppendWAV(nil, pcm, 8000), 0o600); err != nil {
		t.Fatal(err)
	}
}

// The report's arithmetic on known trials.
func TestWriteASRReport(t *testing.T) {
	ms := func(v int) time.Duration { return time.Duration(v) * time.Millisecond }
	trials := []asrTrial{
		{name: "1_a_0.wav", label: "1", cause: 0, instance: "1", soi: ms(40), soiOK: true, done: ms(1000), doneOK: true},
		{name: "1_a_1.wav", label: "1", cause: 0, instance: "7", soi: ms(60), soiOK: true, done: ms(1200), doneOK: true},
		{name: "2_a_0.wav", label: "2", cause: 1, soi: ms(20), soiOK: true, done: ms(1100), doneOK: true},
		{name: "3_a_0.wav", label: "3", cause: 2},
	}
	var out bytes.Buffer
	if err := writeASRReport(&out, trials); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"Digit accuracy: 1/4 (25.0 %)",
		"| START-OF-INPUT after the speech onset | 3 | 40 | 60 | 60 | 60 | 60 |",
		"| RECOGNITION-COMPLETE after the end of speech | 3 | 1100 | 1200 | 1200 | 1200 | 1200 |",
		"| 000 success | 2 | 50.0 % |",
		"| 001 no-match | 1 | 25.0 % |",
		"| 002 no-input-timeout | 1 | 25.0 % |",
		"| 1 | 2 | 50 % |",
		"| 3 | 1 | 0 % |",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
	// A recognition that failed outright makes the run fail, after the
	// figures.
	out.Reset()
	trials = append(trials, asrTrial{name: "4_a_0.wav", label: "4", cause: -1, err: errors.New("RECOGNIZE answered 407")})
	err := writeASRReport(&out, trials)
	if err == nil || !strings.Contains(out.String(), "4_a_0.wav: RECOGNIZE answered 407") ||
		!strings.Contains(out.String(), "| (no completion: session or request failed) | 1 | 20.0 % |") {
		t.Fatalf("err %v, report:\n%s", err, out.String())
	}
}

func FuzzDigitLabel(f *testing.F) {
	for _, s := range []string{"7_jackson_12.wav", "0_x.wav", "", "7", "x_1", "77_a.wav", "\xff_"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		d, ok := digitLabel(name)
		want := len(name) >= 2 && name[0] >= '0' && name[0] <= '9' && name[1] == '_'
		if ok != want || (ok && d != name[:1]) || (!ok && d != "") {
			t.Fatalf("digitLabel(%q) = %q, %v", name, d, ok)
		}
	})
}
