package loadtest

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/mrcpd/mrcpd/admin"
	"github.com/mrcpd/mrcpd/engine/speechtest"
	"github.com/mrcpd/mrcpd/mrcp/server/servertest"
)

// The server of these tests takes RTP ports no other package's tests use.
const testRTPMin, testRTPMax = 24000, 24199

// spokenDigits are real speech: espeak-ng saying digit strings, each after
// a quarter second of silence, as a caller pauses before answering.
func spokenDigits(t *testing.T) []Recording {
	t.Helper()
	var out []Recording
	for _, text := range []string{"one two three", "four five", "nine"} {
		pcm := append(make([]int16, 2000), speechtest.Synthesize(t, text, 8000)...)
		out = append(out, Recording{Name: text, PCM: pcm, Rate: 8000})
	}
	return out
}

// startServer runs a real mrcpd with its /metrics on a loopback port. The
// process collector sees this test process, which also holds the engine
// and the load tool: the figures are checked for presence, not size.
func startServer(t *testing.T) (*servertest.Server, string) {
	t.Helper()
	srv := servertest.Start(t, servertest.Options{RTPMin: testRTPMin, RTPMax: testRTPMax})
	srv.Metrics.MustRegister(collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	adm := admin.New(srv.Metrics, slog.New(slog.DiscardHandler))
	if err := adm.Listen("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { adm.Close(context.Background()) })
	return srv, "http://" + adm.Addr() + "/metrics"
}

func runContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// waitNoSessions fails unless the server has ended every session within 5 s.
func waitNoSessions(t *testing.T, srv *servertest.Server) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); srv.SessionCount() != 0; {
		if time.Now().After(deadline) {
			t.Fatalf("%d sessions left on the server after the run", srv.SessionCount())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestAgainstServer(t *testing.T) {
	audio := spokenDigits(t)
	srv, metricsURL := startServer(t)

	t.Run("recognitions", func(t *testing.T) {
		began := time.Now()
		rep, err := Run(runContext(t), Config{
			Server:         srv.SIPUDPAddr(),
			Sessions:       3,
			Duration:       6 * time.Second,
			Ramp:           time.Second,
			RecognizeEvery: 2 * time.Second,
			Audio:          audio,
			MetricsURL:     metricsURL,
			IdleWindow:     time.Second,
		})
		if err != nil {
			t.Fatal(err)
		}
		// Idle sampling + duration + drain of the last recognition +
		// the after-sample: far less than the drain bound.
		if el := time.Since(began); el > 20*time.Second {
			t.Fatalf("run took %v", el)
		}
		waitNoSessions(t, srv)
		var text strings.Builder
		if err := WriteText(&text, rep); err != nil {
			t.Fatal(err)
		}
		t.Logf("\n%s", text.String())

		if rep.SessionsEstablished != 3 || len(rep.Errors) != 0 {
			t.Fatalf("established %d, errors %v", rep.SessionsEstablished, rep.Errors)
		}
		for _, name := range []string{MethodInvite, MethodRecognize, MethodStartOfInput, MethodRecognitionComplete, MethodBye} {
			m, ok := rep.Method(name)
			if !ok || m.Count == 0 {
				t.Fatalf("no %s timing", name)
			}
			if !(m.MinMs <= m.AvgMs && m.AvgMs <= m.MaxMs && m.MinMs <= m.P50Ms && m.P50Ms <= m.P90Ms &&
				m.P90Ms <= m.P99Ms && m.P99Ms <= m.MaxMs) {
				t.Fatalf("%s figures out of order: %+v", name, m)
			}
		}
		for _, name := range []string{MethodInvite, MethodBye} {
			if m, _ := rep.Method(name); m.Count != 3 {
				t.Fatalf("%s count %d, want 3", name, m.Count)
			}
		}
		// Each session fits at least two recognitions in 6 s at a 2 s
		// cadence after a ramp of at most 1 s.
		if m, _ := rep.Method(MethodRecognize); m.Count < 6 {
			t.Fatalf("RECOGNIZE count %d, want at least 6", m.Count)
		}
		// The server waits Speech-Complete-Timeout (1 s by default) after
		// the speech before it completes.
		if m, _ := rep.Method(MethodRecognitionComplete); m.MinMs < 500 || m.MaxMs > 8000 {
			t.Fatalf("RECOGNITION-COMPLETE %+v", m)
		}
		if rep.CompletionCauses["000 success"] == 0 {
			t.Fatalf("causes %v", rep.CompletionCauses)
		}
		total := 0
		for _, n := range rep.CompletionCauses {
			total += n
		}
		if total != rep.Recognitions {
			t.Fatalf("causes %v, %d recognitions", rep.CompletionCauses, rep.Recognitions)
		}
		for _, want := range []string{"INVITE", "RECOGNIZE", "RECOGNITION-COMPLETE", "BYE", "000 success", "ms per session-second", ExcludesASR} {
			if !strings.Contains(text.String(), want) {
				t.Fatalf("output lacks %q", want)
			}
		}

		c := rep.ServerCost
		if c == nil {
			t.Fatal("no server cost")
		}
		for _, p := range c.Problems {
			// The test process holds server, engine and load tool; on a
			// busy machine the audio may lose some pace, and says so.
			if !strings.Contains(p, "did not keep its pace") {
				t.Fatalf("server cost problem: %s", p)
			}
		}
		if c.SessionsSteady < 2.9 || c.SessionsSteady > 3.1 || c.SessionsAfter != 0 || c.SessionsBefore != 0 {
			t.Fatalf("sessions before %g, steady %g, after %g", c.SessionsBefore, c.SessionsSteady, c.SessionsAfter)
		}
		if c.WindowSeconds < 2 || c.CPUMsPerSessionSecond <= 0 || c.RSSBeforeKB <= 0 || c.RSSSteadyEndKB <= 0 || c.RecognitionsInWindow == 0 {
			t.Fatalf("server cost %+v", c)
		}
		// Audio flows at 50 packets per second while a call is up; a
		// loaded machine may lose some pace, never exceed it.
		if rep.RTPSentPerSessionSecond < 10 || rep.RTPSentPerSessionSecond > 51 ||
			c.RTPPacketsPerSessionSecond < 10 || c.RTPPacketsPerSessionSecond > 52 {
			t.Fatalf("RTP sent %.1f, received %.1f per session-second", rep.RTPSentPerSessionSecond, c.RTPPacketsPerSessionSecond)
		}
		if rep.LoadTool == nil || rep.LoadTool.CorePercent <= 0 {
			t.Fatalf("load tool %+v", rep.LoadTool)
		}

		// The run against itself is no regression; against a baseline
		// whose recognitions completed twice as fast, it is.
		if cmp := Compare(rep, cloneReport(rep), DefaultRule, "self"); cmp.Regressions != 0 {
			t.Fatalf("self comparison: %+v", cmp)
		}
		fast := cloneReport(rep)
		for i := range fast.Methods {
			if fast.Methods[i].Method == MethodRecognitionComplete {
				m := &fast.Methods[i]
				m.MinMs, m.AvgMs, m.MaxMs, m.P50Ms, m.P90Ms, m.P99Ms = m.MinMs/2, m.AvgMs/2, m.MaxMs/2, m.P50Ms/2, m.P90Ms/2, m.P99Ms/2
			}
		}
		cmp := Compare(rep, fast, DefaultRule, "fast.json")
		if cmp.Regressions != 1 {
			t.Fatalf("against a faster baseline: %+v", cmp)
		}
		text.Reset()
		WriteText(&text, rep)
		if !strings.Contains(text.String(), "REGRESSION: p90") || !strings.Contains(text.String(), "1 method(s) regressed") {
			t.Fatalf("comparison output:\n%s", text.String())
		}
	})

	// A recognition that does not complete in time is stopped with STOP;
	// cancelling the context ends the run early and every call hangs up.
	t.Run("stop and cancel", func(t *testing.T) {
		ctx, cancel := context.WithCancel(runContext(t))
		timer := time.AfterFunc(3*time.Second, cancel)
		defer timer.Stop()
		began := time.Now()
		rep, err := Run(ctx, Config{
			Server:          srv.SIPUDPAddr(),
			Sessions:        2,
			Duration:        time.Minute,
			Drain:           5 * time.Second,
			RecognizeEvery:  time.Second,
			CompleteTimeout: time.Millisecond,
			Audio:           audio[2:],
		})
		if err != nil {
			t.Fatal(err)
		}
		if el := time.Since(began); el > 12*time.Second {
			t.Fatalf("cancelled run took %v", el)
		}
		waitNoSessions(t, srv)
		stop, _ := rep.Method(MethodStop)
		rc, _ := rep.Method(MethodRecognitionComplete)
		bye, _ := rep.Method(MethodBye)
		if stop.Count == 0 || stop.Errors != 0 || rc.Errors == 0 || bye.Count != 2 {
			t.Fatalf("STOP %+v, RECOGNITION-COMPLETE %+v, BYE %+v, errors %v", stop, rc, bye, rep.Errors)
		}
		if !strings.Contains(rep.Errors[0].What, "none within 1ms of the end of audio; stopped") {
			t.Fatalf("errors %v", rep.Errors)
		}
	})

	// A grammar given as a document is defined once per call and
	// recognised against through its session: URI.
	t.Run("define grammar", func(t *testing.T) {
		rep, err := Run(runContext(t), Config{
			Server:         srv.SIPUDPAddr(),
			Sessions:       2,
			Duration:       3 * time.Second,
			RecognizeEvery: 2 * time.Second,
			Grammar:        Grammar{Body: []byte(digitsGrammar), ContentType: "application/srgs+xml"},
			Audio:          audio[:1],
		})
		if err != nil {
			t.Fatal(err)
		}
		waitNoSessions(t, srv)
		def, _ := rep.Method(MethodDefineGrammar)
		rc, _ := rep.Method(MethodRecognitionComplete)
		if def.Count != 2 || def.Errors != 0 || rc.Count < 2 || len(rep.Errors) != 0 {
			t.Fatalf("DEFINE-GRAMMAR %+v, RECOGNITION-COMPLETE %+v, errors %v", def, rc, rep.Errors)
		}
		if rep.CompletionCauses["000 success"] == 0 || !strings.HasPrefix(rep.Grammar, "inline application/srgs+xml") {
			t.Fatalf("causes %v, grammar %q", rep.CompletionCauses, rep.Grammar)
		}
	})

	// Media-only calls hang up the moment the load ends; the last sample
	// of the steady window is taken before, so it still sees them all.
	t.Run("media only", func(t *testing.T) {
		rep, err := Run(runContext(t), Config{
			Server:         srv.SIPUDPAddr(),
			Sessions:       2,
			Duration:       3 * time.Second,
			RecognizeEvery: 500 * time.Millisecond,
			MediaOnly:      true,
			Audio:          audio,
			MetricsURL:     metricsURL,
			IdleWindow:     time.Second,
		})
		if err != nil {
			t.Fatal(err)
		}
		waitNoSessions(t, srv)
		if len(rep.Errors) != 0 || rep.Recognitions != 0 {
			t.Fatalf("errors %v, recognitions %d", rep.Errors, rep.Recognitions)
		}
		for _, m := range rep.Methods {
			if m.Method != MethodInvite && m.Method != MethodBye {
				t.Fatalf("media-only run measured %s", m.Method)
			}
		}
		if m, _ := rep.Method(MethodBye); m.Count != 2 {
			t.Fatalf("BYE %+v", m)
		}
		// Sampled after the hang-ups, the window's last sample would see
		// at most one session and pull the mean to 1.5 or below.
		if c := rep.ServerCost; c == nil || c.SessionsSteady < 1.9 || c.SessionsSteady > 2.01 || c.RecognitionsInWindow != 0 {
			t.Fatalf("server cost %+v", c)
		}
	})
}

// digitsGrammar accepts what spokenDigits says.
const digitsGrammar = `<?xml version="1.0"?>
<grammar xmlns="http://www.w3.org/2001/06/grammar" xml:lang="en-US" version="1.0" mode="voice" root="digits">
  <rule id="digits">
    <one-of><item>one two three</item><item>four five</item><item>nine</item></one-of>
  </rule>
</grammar>
`

func cloneReport(r *Report) *Report {
	c := *r
	c.Methods = append([]MethodStats(nil), r.Methods...)
	c.Comparison = nil
	return &c
}
