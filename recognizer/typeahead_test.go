package recognizer_test

import (
	"strings"
	"testing"
	"time"

	"github.com/mrcpd/mrcpd/mrcp"
	"github.com/mrcpd/mrcpd/mrcp/server/servertest"
)

// TestDTMFTypeAhead: keys pressed while no RECOGNIZE runs count for the next
// one within DTMF-Buffer-Time (RFC 6787 §9.4.31); Clear-DTMF-Buffer discards
// them (§9.4.32); without a buffer time nothing is kept.
func TestDTMFTypeAhead(t *testing.T) {
	srv := servertest.Start(t, servertest.Options{RTPMin: 23970, RTPMax: 23989})
	// A four-key grammar is complete at the fourth key; the short
	// DTMF-Term-Timeout ends it there rather than after the default 10 s.
	const grammar, termTimeout = "builtin:dtmf/digits?length=4", "200"
	digits := func(ev *mrcp.Message) string {
		t.Helper()
		if cause := completionCause(t, ev); cause != 0 {
			t.Fatalf("cause %d\n%s", cause, ev.Body)
		}
		body := string(ev.Body)
		i := strings.Index(body, "<instance>")
		j := strings.Index(body, "</instance>")
		if i < 0 || j < i {
			t.Fatalf("no instance:\n%s", body)
		}
		return body[i+len("<instance>") : j]
	}
	// Keys reach the server as RFC 4733 events; give the last one time to
	// arrive before the next request.
	settle := func() { time.Sleep(300 * time.Millisecond) }

	c := dialSpeech(t, srv)
	expectResponse(t, c.do(c.request(mrcp.MethodSetParams, mrcp.HdrDTMFBufferTime, "5000")), 200, mrcp.StateComplete)
	c.keys("12")
	settle()
	c.recognize("text/uri-list", grammar, mrcp.HdrDTMFTermTimeout, termTimeout)
	c.keys("34")
	if got := digits(c.wait(mrcp.EventRecognitionComplete, 15*time.Second)); got != "1234" {
		t.Errorf("typed ahead 12, then 34: %q, want 1234", got)
	}

	c.keys("9")
	settle()
	c.recognize("text/uri-list", grammar, mrcp.HdrClearDTMFBuffer, "true", mrcp.HdrDTMFTermTimeout, termTimeout)
	c.keys("5678")
	if got := digits(c.wait(mrcp.EventRecognitionComplete, 15*time.Second)); got != "5678" {
		t.Errorf("Clear-DTMF-Buffer: %q, want 5678", got)
	}

	// A channel with no DTMF-Buffer-Time keeps nothing.
	d := dialSpeech(t, srv)
	d.keys("9")
	settle()
	d.recognize("text/uri-list", grammar, mrcp.HdrDTMFTermTimeout, termTimeout)
	d.keys("2468")
	if got := digits(d.wait(mrcp.EventRecognitionComplete, 15*time.Second)); got != "2468" {
		t.Errorf("no buffer time: %q, want 2468", got)
	}
}
