package server_test

import (
	"context"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/mrcpd/mrcpd/engine/speechtest"
	"github.com/mrcpd/mrcpd/mrcp"
	"github.com/mrcpd/mrcpd/mrcp/client"
	"github.com/mrcpd/mrcpd/mrcp/server/servertest"
	"github.com/mrcpd/mrcpd/sip"
)

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// recogOffer is an offer shaped like mod_unimrcp's for a client at port.
func recogOffer(port int) *sip.Description {
	return &sip.Description{
		Origin:         sip.Origin{Username: "UniMRCPClient", SessionID: 1, SessionVersion: 1, Address: "127.0.0.1"},
		ConnectionAddr: "127.0.0.1",
		Media: []sip.Media{
			{Kind: sip.KindApplication, Port: 9, Proto: "TCP/MRCPv2", Setup: "active", Connection: "new", Resource: "speechrecog", CMID: "1"},
			{Kind: "audio", Port: port, Proto: "RTP/AVP", Direction: "sendonly", Mid: "1", Ptime: 20,
				Formats: []sip.Format{{PayloadType: 0, Name: "PCMU", ClockRate: 8000, Channels: 1}}},
		},
	}
}

// TestVanishedClientIsHungUp: a client that sets up a session and then
// neither connects its control channel nor sends media is hung up (BYE)
// after the idle timeout, and everything it held is released.
func TestVanishedClientIsHungUp(t *testing.T) {
	srv := servertest.Start(t, servertest.Options{RTPMin: 22040, RTPMax: 22059, IdleTimeout: 600 * time.Millisecond})
	ports := srv.FreePorts()
	uac, err := sip.NewClient(sip.ClientConfig{})
	if err != nil {
		t.Fatal(err)
	}
	defer uac.Close()
	dlg, answer, err := uac.Invite(testContext(t), srv.SIPUDPAddr(), recogOffer(freeUDPPort(t)))
	if err != nil {
		t.Fatal(err)
	}
	if len(answer.Media) != 2 || !strings.HasSuffix(answer.Media[0].Channel, "@speechrecog") {
		t.Fatalf("answer %+v", answer.Media)
	}
	if srv.SessionCount() != 1 {
		t.Fatalf("%d sessions", srv.SessionCount())
	}
	select {
	case <-dlg.Context().Done():
	case <-time.After(10 * time.Second):
		t.Fatal("server did not hang up an idle session")
	}
	if r := dlg.EndReason(); !strings.Contains(strings.ToLower(r), "bye") {
		t.Errorf("dialog ended by %q, want the server's BYE", r)
	}
	waitIdle(t, srv, ports)
}

// TestDrainRefusesNewCalls: while draining, readiness fails and INVITEs are
// answered 503 so a load balancer sends them elsewhere.
func TestDrainRefusesNewCalls(t *testing.T) {
	srv := servertest.Start(t, servertest.Options{RTPMin: 22060, RTPMax: 22069})
	if err := srv.Ready(); err != nil {
		t.Fatalf("not ready: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if left := srv.Drain(ctx); left != 0 {
		t.Fatalf("%d sessions left", left)
	}
	if err := srv.Ready(); err == nil || !strings.Contains(err.Error(), "draining") {
		t.Fatalf("Ready while draining = %v", err)
	}
	_, err := client.Dial(testContext(t), client.Options{Server: srv.SIPUDPAddr()})
	if client.SIPStatus(err) != 503 {
		t.Fatalf("INVITE while draining: %v, want 503", err)
	}
}

// TestByeDuringRecognitionReleasesEverything: hanging up in the middle of an
// utterance stops the recognition and closes its engine stream; goroutines,
// ports and sessions all return to where they were.
func TestByeDuringRecognitionReleasesEverything(t *testing.T) {
	srv := servertest.Start(t, servertest.Options{RTPMin: 22070, RTPMax: 22089})
	ports := srv.FreePorts()
	speech := speechtest.Synthesize(t, "one two three four five six seven eight", 8000)
	baseline := runtime.NumGoroutine()

	s, err := client.Dial(testContext(t), client.Options{Server: srv.SIPUDPAddr()})
	if err != nil {
		t.Fatal(err)
	}
	ch := s.Channel(mrcp.ResourceSpeechRecog)
	rec := ch.NewRequest(mrcp.MethodRecognize)
	rec.Header.Set(mrcp.HdrContentType, "text/uri-list")
	rec.Header.Set(mrcp.HdrCancelIfQueue, "false")
	rec.Body = []byte("builtin:grammar/digits")
	resp, err := ch.Do(testContext(t), rec)
	if err != nil || resp.StatusCode != 200 || resp.State != mrcp.StateInProgress {
		t.Fatalf("RECOGNIZE: %v %+v", err, resp)
	}
	playCtx, stopPlay := context.WithCancel(testContext(t))
	go s.PlayPCM(playCtx, speech, 8000, true)
	if _, err := ch.WaitEvent(testContext(t), mrcp.EventStartOfInput); err != nil {
		t.Fatalf("no START-OF-INPUT: %v", err)
	}
	time.Sleep(200 * time.Millisecond) // the engine stream is open and fed
	stopPlay()
	if err := s.Close(testContext(t)); err != nil {
		t.Fatal(err)
	}
	waitIdle(t, srv, ports)
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > baseline && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > baseline {
		buf := make([]byte, 1<<20)
		t.Fatalf("%d goroutines, baseline %d:\n%s", n, baseline, buf[:runtime.Stack(buf, true)])
	}
}

// TestMetricsCountMethodsAndMedia: every request is counted and timed by
// method and status, and media counters come from the streams.
func TestMetricsCountMethodsAndMedia(t *testing.T) {
	srv := servertest.Start(t, servertest.Options{RTPMin: 22090, RTPMax: 22109})
	s, err := client.Dial(testContext(t), client.Options{Server: srv.SIPUDPAddr()})
	if err != nil {
		t.Fatal(err)
	}
	ch := s.Channel(mrcp.ResourceSpeechRecog)
	set := ch.NewRequest(mrcp.MethodSetParams)
	set.Header.Set(mrcp.HdrNoInputTimeout, "300")
	if resp, err := ch.Do(testContext(t), set); err != nil || resp.StatusCode != 200 {
		t.Fatalf("SET-PARAMS: %v %+v", err, resp)
	}
	rec := ch.NewRequest(mrcp.MethodRecognize)
	rec.Header.Set(mrcp.HdrContentType, "text/uri-list")
	rec.Header.Set(mrcp.HdrCancelIfQueue, "false")
	rec.Body = []byte("builtin:grammar/boolean")
	if resp, err := ch.Do(testContext(t), rec); err != nil || resp.StatusCode != 200 {
		t.Fatalf("RECOGNIZE: %v %+v", err, resp)
	}
	s.Silence(2 * time.Second)
	ev, err := ch.WaitEvent(testContext(t), mrcp.EventRecognitionComplete)
	if err != nil {
		t.Fatal(err)
	}
	if cause, _ := ev.Header.Get(mrcp.HdrCompletionCause); !strings.HasPrefix(cause, "002") {
		t.Fatalf("silence ended with %q, want 002 no-input-timeout", cause)
	}
	s.Close(testContext(t))

	want := map[string]bool{
		`mrcpd_mrcp_requests_total{method="SET-PARAMS",resource="speechrecog",status="200"}`:                        false,
		`mrcpd_mrcp_requests_total{method="RECOGNIZE",resource="speechrecog",status="200"}`:                         false,
		`mrcpd_mrcp_completion_seconds{cause="002 no-input-timeout",method="RECOGNIZE",resource="speechrecog"}`:     false,
		`mrcpd_mrcp_events_total{cause="002 no-input-timeout",event="RECOGNITION-COMPLETE",resource="speechrecog"}`: false,
		`mrcpd_rtp_packets_received_total`:        false,
		`mrcpd_sessions_total{result="accepted"}`: false,
	}
	for _, mf := range gather(t, srv.Metrics) {
		for _, m := range mf.metric {
			key := mf.name + m.labels
			if _, ok := want[key]; ok && m.value > 0 {
				want[key] = true
			}
		}
	}
	for k, seen := range want {
		if !seen {
			t.Errorf("metric %s missing or zero", k)
		}
	}
}

type family struct {
	name   string
	metric []sample
}

type sample struct {
	labels string
	value  float64
}

// gather flattens the registry into name{labels} -> value (histogram: count).
func gather(t *testing.T, reg *prometheus.Registry) []family {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var out []family
	for _, mf := range mfs {
		f := family{name: mf.GetName()}
		for _, m := range mf.GetMetric() {
			var parts []string
			for _, l := range m.GetLabel() {
				parts = append(parts, l.GetName()+`="`+l.GetValue()+`"`)
			}
			labels := ""
			if len(parts) > 0 {
				labels = "{" + strings.Join(parts, ",") + "}"
			}
			v := m.GetCounter().GetValue() + m.GetGauge().GetValue() + float64(m.GetHistogram().GetSampleCount())
			f.metric = append(f.metric, sample{labels: labels, value: v})
		}
		out = append(out, f)
	}
	return out
}
