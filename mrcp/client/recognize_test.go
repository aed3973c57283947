package client

import (
	"strings"
	"testing"
	"time"

	"github.com/mrcpd/mrcpd/engine/speechtest"
	"github.com/mrcpd/mrcpd/mrcp"
	"github.com/mrcpd/mrcpd/mrcp/server/servertest"
)

// A spoken "yes" against an inline yes/no grammar, as mod_unimrcp runs it:
// DEFINE-GRAMMAR, RECOGNIZE session:<id>, audio, START-OF-INPUT,
// RECOGNITION-COMPLETE with the NLSML result.
func TestRecognizeSpeech(t *testing.T) {
	speech := speechtest.Synthesize(t, "yes", 8000)
	srv := startServer(t, servertest.Options{})
	s := dial(t, srv, Options{})
	ch := s.Channel(mrcp.ResourceSpeechRecog)
	events := ch.Events()

	def := ch.NewRequest(mrcp.MethodDefineGrammar)
	def.Header.Set(mrcp.HdrContentType, "application/srgs+xml")
	def.Header.Set(mrcp.HdrContentID, "request1@form-level")
	def.Body = []byte(yesNoGrammar)
	expectStatus(t, do(t, ch, def), 200, mrcp.StateComplete)

	rec := ch.NewRequest(mrcp.MethodRecognize)
	rec.Header.Set(mrcp.HdrContentType, "text/uri-list")
	rec.Header.Set(mrcp.HdrCancelIfQueue, "false")
	rec.Header.Set(mrcp.HdrNoInputTimeout, "5000")
	rec.Header.Set(mrcp.HdrRecognitionTimeout, "10000")
	rec.Header.Set(mrcp.HdrStartInputTimers, "true")
	rec.Body = []byte("session:request1@form-level")
	expectStatus(t, do(t, ch, rec), 200, mrcp.StateInProgress)

	// Silence around the word, as a caller pauses before and after.
	audio := append(make([]int16, 8000/4), speech...)
	if err := s.PlayPCM(testContext(t), audio, 8000, false); err != nil {
		t.Fatal(err)
	}
	s.Silence(5 * time.Second)
	soi, err := ch.WaitEvent(testContext(t), mrcp.EventStartOfInput)
	if err != nil {
		t.Fatal(err)
	}
	done, err := ch.WaitEvent(testContext(t), mrcp.EventRecognitionComplete)
	if err != nil {
		t.Fatal(err)
	}
	s.Silence(0)
	if soi.RequestID != rec.RequestID || done.RequestID != rec.RequestID || done.State != mrcp.StateComplete {
		t.Fatalf("events for %d/%d, want %d", soi.RequestID, done.RequestID, rec.RequestID)
	}
	if cause := header(t, done, mrcp.HdrCompletionCause); !strings.HasPrefix(cause, "000") {
		t.Fatalf("cause %q\n%s", cause, done.Body)
	}
	if ct := header(t, done, mrcp.HdrContentType); !strings.Contains(ct, "nlsml") {
		t.Fatalf("result type %q", ct)
	}
	if !strings.Contains(string(done.Body), ">yes<") {
		t.Fatalf("result:\n%s", done.Body)
	}
	pb := s.Playback()
	if !pb.Done || pb.Frames != (len(audio)+159)/160 {
		t.Fatalf("playback %+v", pb)
	}
	// Events() saw the same events, in order.
	for i, want := range []string{mrcp.EventStartOfInput, mrcp.EventRecognitionComplete} {
		select {
		case m := <-events:
			if m.Name != want || m != []*mrcp.Message{soi, done}[i] {
				t.Fatalf("event %d: %s, want %s", i, m.Name, want)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("Events did not deliver %s", want)
		}
	}
}

// Digits sent as RFC 4733 events satisfy a DTMF grammar.
func TestRecognizeDTMF(t *testing.T) {
	srv := startServer(t, servertest.Options{})
	s := dial(t, srv, Options{})
	ch := s.Channel(mrcp.ResourceSpeechRecog)
	rec := ch.NewRequest(mrcp.MethodRecognize)
	rec.Header.Set(mrcp.HdrContentType, "text/uri-list")
	rec.Header.Set(mrcp.HdrCancelIfQueue, "false")
	// RFC 6787 §9.4.18: once the grammar takes no more digits, this is
	// how long the recogniser still waits.
	rec.Header.Set(mrcp.HdrDTMFTermTimeout, "200")
	rec.Body = []byte("builtin:dtmf/digits?length=3")
	expectStatus(t, do(t, ch, rec), 200, mrcp.StateInProgress)
	for _, d := range []byte("123") {
		if err := s.SendDTMF(d, 80*time.Millisecond); err != nil {
			t.Fatal(err)
		}
	}
	done, err := ch.WaitEvent(testContext(t), mrcp.EventRecognitionComplete)
	if err != nil {
		t.Fatal(err)
	}
	if cause := header(t, done, mrcp.HdrCompletionCause); !strings.HasPrefix(cause, "000") {
		t.Fatalf("cause %q\n%s", cause, done.Body)
	}
	if !strings.Contains(string(done.Body), "<instance>123</instance>") {
		t.Fatalf("result:\n%s", done.Body)
	}
	if s.MediaStats().DigitsSent != 3 {
		t.Fatalf("media stats %+v", s.MediaStats())
	}
}
