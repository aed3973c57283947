package recognizer_test

import (
	"strings"
	"testing"

	"github.com/mrcpd/mrcpd/engine/speechtest"
	"github.com/mrcpd/mrcpd/mrcp"
	"github.com/mrcpd/mrcpd/mrcp/server/servertest"
)

// recognizeCollecting runs one digits recognition of speech and returns every
// event of the channel up to and including RECOGNITION-COMPLETE.
func recognizeCollecting(t *testing.T, srv *servertest.Server, vendor string, speech []int16) []*mrcp.Message {
	t.Helper()
	c := dialSpeech(t, srv)
	var fields []string
	if vendor != "" {
		fields = []string{mrcp.HdrVendorSpecificParameters, vendor}
	}
	c.recognize("text/uri-list", "builtin:grammar/digits", fields...)
	c.playAsync(speech)
	var events []*mrcp.Message
	for {
		select {
		case ev, ok := <-c.ch.Events():
			if !ok {
				t.Fatalf("events closed after %d", len(events))
			}
			events = append(events, ev)
			if ev.Name == mrcp.EventRecognitionComplete {
				return events
			}
		case <-c.ctx.Done():
			t.Fatalf("no RECOGNITION-COMPLETE; got %d events", len(events))
		}
	}
}

// TestIntermediateResultsOptIn: partial hypotheses reach only a client that
// asked for them, as IN-PROGRESS vendor events before the completion.
func TestIntermediateResultsOptIn(t *testing.T) {
	srv := servertest.Start(t, servertest.Options{RTPMin: 23930, RTPMax: 23949})
	speech := speechtest.Synthesize(t, "one two three four five six", 8000)

	events := recognizeCollecting(t, srv, "mrcpd.intermediate-results=true", speech)
	partials := 0
	for _, ev := range events {
		if ev.Name != mrcp.EventIntermediateResult {
			continue
		}
		partials++
		if ev.State != mrcp.StateInProgress || !strings.Contains(string(ev.Body), "<input") {
			t.Errorf("intermediate result %v %q", ev.State, ev.Body)
		}
	}
	if partials == 0 {
		t.Errorf("no INTERMEDIATE-RESULT among %d events", len(events))
	}

	for _, ev := range recognizeCollecting(t, srv, "", speech) {
		if ev.Name == mrcp.EventIntermediateResult {
			t.Fatal("INTERMEDIATE-RESULT sent to a client that did not ask")
		}
	}
}
