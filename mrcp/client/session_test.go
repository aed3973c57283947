package client

import (
	"context"
	"errors"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mrcpd/mrcpd/mrcp"
	"github.com/mrcpd/mrcpd/mrcp/server/servertest"
	"github.com/mrcpd/mrcpd/sip"
)

// The whole life of a recogniser session without a recognition result:
// INVITE and answer, SET-PARAMS/GET-PARAMS, DEFINE-GRAMMAR, RECOGNIZE then
// STOP, BYE, and everything released on both sides.
func TestSessionLifecycle(t *testing.T) {
	srv := startServer(t, servertest.Options{})
	for _, transport := range []string{"udp", "tcp"} {
		t.Run(transport, func(t *testing.T) {
			freePorts := srv.FreePorts()
			baseline := quietGoroutines(t)
			s, err := Dial(testContext(t), Options{Server: sipAddr(srv, transport), SIPTransport: transport})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close(context.Background()) })
			st := s.Setup()
			if st.InviteSent.IsZero() || st.Answered.Before(st.InviteSent) || st.Connected.Before(st.Answered) {
				t.Fatalf("setup times %+v", st)
			}
			if got := strings.Join(s.Resources(), ","); got != "speechrecog" {
				t.Fatalf("resources %q", got)
			}
			if s.Codec() != "PCMU/8000" || len(s.Refused()) != 0 || s.CallID() == "" {
				t.Fatalf("codec %s refused %v call-id %q", s.Codec(), s.Refused(), s.CallID())
			}
			ch := s.Channel("SpeechRecog")
			if ch == nil || ch.Resource() != "speechrecog" || ch.ID().Session == "" || ch.Err() != nil {
				t.Fatalf("channel %+v", ch)
			}
			if s.Channel("speechsynth") != nil {
				t.Fatal("a channel for a resource not asked for")
			}
			if srv.SessionCount() != 1 || srv.FreePorts() != freePorts-1 {
				t.Fatalf("server: %d sessions, %d ports free of %d", srv.SessionCount(), srv.FreePorts(), freePorts)
			}

			set := ch.NewRequest(mrcp.MethodSetParams)
			set.Header.Set(mrcp.HdrConfidenceThreshold, "0.7")
			set.Header.Set(mrcp.HdrNoInputTimeout, "3000")
			expectStatus(t, do(t, ch, set), 200, mrcp.StateComplete)
			get := ch.NewRequest(mrcp.MethodGetParams)
			if get.RequestID != set.RequestID+1 {
				t.Fatalf("request-ids %d then %d", set.RequestID, get.RequestID)
			}
			get.Header.Set(mrcp.HdrConfidenceThreshold, "")
			get.Header.Set(mrcp.HdrNoInputTimeout, "")
			resp := do(t, ch, get)
			expectStatus(t, resp, 200, mrcp.StateComplete)
			if v := header(t, resp, mrcp.HdrConfidenceThreshold); v != "0.7" {
				t.Fatalf("Confidence-Threshold %q", v)
			}
			if v := header(t, resp, mrcp.HdrNoInputTimeout); v != "3000" {
				t.Fatalf("No-Input-Timeout %q", v)
			}
			if id := header(t, resp, mrcp.HdrChannelIdentifier); id != ch.ID().String() {
				t.Fatalf("response for channel %q", id)
			}

			def := ch.NewRequest(mrcp.MethodDefineGrammar)
			def.Header.Set(mrcp.HdrContentType, "application/srgs+xml")
			def.Header.Set(mrcp.HdrContentID, "yesno@client.test")
			def.Body = []byte(yesNoGrammar)
			resp = do(t, ch, def)
			expectStatus(t, resp, 200, mrcp.StateComplete)
			if cause := header(t, resp, mrcp.HdrCompletionCause); !strings.HasPrefix(cause, "000") {
				t.Fatalf("DEFINE-GRAMMAR cause %q", cause)
			}

			rec := ch.NewRequest(mrcp.MethodRecognize)
			rec.Header.Set(mrcp.HdrContentType, "text/uri-list")
			rec.Header.Set(mrcp.HdrCancelIfQueue, "false")
			rec.Header.Set(mrcp.HdrStartInputTimers, "false")
			rec.Body = []byte("session:yesno@client.test")
			expectStatus(t, do(t, ch, rec), 200, mrcp.StateInProgress)

			stop := ch.NewRequest(mrcp.MethodStop)
			resp = do(t, ch, stop)
			expectStatus(t, resp, 200, mrcp.StateComplete)
			if ids := header(t, resp, mrcp.HdrActiveRequestIDList); ids != strconv.FormatUint(uint64(rec.RequestID), 10) {
				t.Fatalf("Active-Request-Id-List %q, want %d", ids, rec.RequestID)
			}
			// RFC 6787 §9.9: a stopped RECOGNIZE sends no RECOGNITION-COMPLETE.
			ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
			ev, err := ch.WaitEvent(ctx, mrcp.EventRecognitionComplete)
			cancel()
			if err == nil {
				t.Fatalf("event after STOP:\n%s", ev.Marshal())
			}

			events := ch.Events()
			if err := s.Close(testContext(t)); err != nil {
				t.Fatalf("Close: %v", err)
			}
			if err := s.Close(testContext(t)); err != nil {
				t.Fatalf("second Close: %v", err)
			}
			select {
			case _, open := <-events:
				if open {
					t.Fatal("an event after STOP")
				}
			case <-time.After(5 * time.Second):
				t.Fatal("Events not closed by Close")
			}
			select {
			case <-s.Done():
			default:
				t.Fatal("Done not closed by Close")
			}
			if _, err := ch.Do(testContext(t), ch.NewRequest(mrcp.MethodGetParams)); !errors.Is(err, ErrClosed) {
				t.Fatalf("request after Close: %v", err)
			}
			if err := s.PlayPCM(testContext(t), []int16{1, 2}, 8000, true); !errors.Is(err, ErrClosed) {
				t.Fatalf("play after Close: %v", err)
			}
			if err := s.Reinvite(testContext(t), []string{"speechsynth"}, nil); !errors.Is(err, ErrClosed) {
				t.Fatalf("re-INVITE after Close: %v", err)
			}
			settle(t, srv, freePorts, baseline)
		})
	}
}

func TestInviteRefused(t *testing.T) {
	srv := startServer(t, servertest.Options{})
	baseline := quietGoroutines(t)
	for name, o := range map[string]Options{
		"unsupported resource": {Resources: []string{"speechsynth"}},
		"no common codec":      {Codecs: []string{"L16/96/8000"}},
	} {
		o.Server = srv.SIPUDPAddr()
		o.RTPPortMin, o.RTPPortMax = 61600, 61609
		s, err := Dial(testContext(t), o)
		if err == nil {
			s.Close(context.Background())
			t.Fatalf("%s: accepted", name)
		}
		if SIPStatus(err) != 488 {
			t.Fatalf("%s: %v (status %d), want 488", name, err, SIPStatus(err))
		}
		var se *sip.StatusError
		if !errors.As(err, &se) || se.Method != "INVITE" {
			t.Fatalf("%s: %v", name, err)
		}
		// The RTP ports of the failed attempt are free again: all five
		// pairs of the range can be bound.
		var held []*net.UDPConn
		for range 5 {
			a, b, err := bindPortPair(loopback, 61600, 61609)
			if err != nil {
				t.Fatalf("%s: ports not released: %v", name, err)
			}
			held = append(held, a, b)
		}
		for _, c := range held {
			c.Close()
		}
	}
	settle(t, srv, srv.FreePorts(), baseline)
}

// A resource the server cannot serve is answered with port 0 and the
// session goes on with the others (RFC 3264 §6).
func TestPartlyRefusedOffer(t *testing.T) {
	srv := startServer(t, servertest.Options{})
	s := dial(t, srv, Options{Resources: []string{"speechsynth", "speechrecog"}})
	if got := strings.Join(s.Refused(), ","); got != "speechsynth" {
		t.Fatalf("refused %q", got)
	}
	if got := strings.Join(s.Resources(), ","); got != "speechrecog" {
		t.Fatalf("resources %q", got)
	}
	if s.Channel("speechsynth") != nil {
		t.Fatal("a channel for the refused resource")
	}
	ch := s.Channel("speechrecog")
	expectStatus(t, do(t, ch, ch.NewRequest(mrcp.MethodGetParams)), 200, mrcp.StateComplete)
}

func TestReinvite(t *testing.T) {
	srv := startServer(t, servertest.Options{})
	s := dial(t, srv, Options{})
	ch := s.Channel("speechrecog")
	set := ch.NewRequest(mrcp.MethodSetParams)
	set.Header.Set(mrcp.HdrNoInputTimeout, "4321")
	expectStatus(t, do(t, ch, set), 200, mrcp.StateComplete)

	// Re-offering the same resource keeps channel, connection and state.
	if err := s.Reinvite(testContext(t), nil, nil); err != nil {
		t.Fatal(err)
	}
	if s.Channel("speechrecog") != ch {
		t.Fatal("channel replaced by a re-INVITE that kept it")
	}
	get := ch.NewRequest(mrcp.MethodGetParams)
	get.Header.Set(mrcp.HdrNoInputTimeout, "")
	if v := header(t, do(t, ch, get), mrcp.HdrNoInputTimeout); v != "4321" {
		t.Fatalf("No-Input-Timeout after re-INVITE %q", v)
	}

	// Adding a resource the server lacks: the offer is accepted with
	// that line at port 0, and nothing else changes.
	err := s.Reinvite(testContext(t), []string{"speechsynth"}, nil)
	var refused *RefusedError
	if !errors.As(err, &refused) || len(refused.Resources) != 1 || refused.Resources[0] != "speechsynth" {
		t.Fatalf("adding speechsynth: %v", err)
	}
	if got := strings.Join(s.Resources(), ","); got != "speechrecog" || s.Channel("speechsynth") != nil {
		t.Fatalf("resources %q", got)
	}
	expectStatus(t, do(t, ch, ch.NewRequest(mrcp.MethodGetParams)), 200, mrcp.StateComplete)

	// Removing the only resource is for BYE, not a re-INVITE.
	if err := s.Reinvite(testContext(t), nil, []string{"speechrecog"}); err == nil || SIPStatus(err) != 0 {
		t.Fatalf("removing the last resource: %v", err)
	}
}

// A re-INVITE the server refuses leaves the session as it was
// (RFC 6787 §4.2: "existing media processing going on before the
// re-INVITE will continue as it was before"), also when the refused offer
// removed a resource.
func TestRefusedReinviteKeepsSession(t *testing.T) {
	srv := startServer(t, servertest.Options{})
	s := dial(t, srv, Options{})
	ch := s.Channel("speechrecog")
	// Swapping the recogniser for a resource the server lacks leaves no
	// resource, so the server refuses the whole offer.
	err := s.Reinvite(testContext(t), []string{"speechsynth"}, []string{"speechrecog"})
	if SIPStatus(err) != 488 {
		t.Fatalf("swap: %v, want a 488", err)
	}
	if got := strings.Join(s.Resources(), ","); got != "speechrecog" || ch.Err() != nil {
		t.Fatalf("after a refused re-INVITE: resources %q, channel %v", got, ch.Err())
	}
	expectStatus(t, do(t, ch, ch.NewRequest(mrcp.MethodGetParams)), 200, mrcp.StateComplete)
}

// Responses are matched by request-id, so the server's answer to a
// request it could not route still reaches Do; and a reused request-id is
// refused (RFC 6787 §5.1).
func TestRequestRouting(t *testing.T) {
	srv := startServer(t, servertest.Options{})
	s := dial(t, srv, Options{})
	ch := s.Channel("speechrecog")
	stray := ch.NewRequest(mrcp.MethodGetParams)
	stray.Header.Set(mrcp.HdrChannelIdentifier, "ffffffff@speechrecog")
	resp := do(t, ch, stray)
	if resp.StatusCode == 200 {
		t.Fatalf("request for an unknown channel answered 200")
	}
	first := ch.NewRequest(mrcp.MethodGetParams)
	expectStatus(t, do(t, ch, first), 200, mrcp.StateComplete)
	expectStatus(t, do(t, ch, first), mrcp.StatusNonMonotonicSequence, mrcp.StateComplete)
	if _, err := ch.Await(testContext(t), 99999); err == nil {
		t.Fatal("awaited a request never sent")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := ch.WaitEvent(ctx, mrcp.EventStartOfInput); !errors.Is(err, context.Canceled) {
		t.Fatalf("WaitEvent with a done context: %v", err)
	}
}

// When the server goes away, waiting calls fail instead of hanging.
func TestServerGone(t *testing.T) {
	srv := startServer(t, servertest.Options{})
	s := dial(t, srv, Options{})
	ch := s.Channel("speechrecog")
	srv.Close()
	select {
	case <-s.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("session not ended by the server's shutdown")
	}
	if _, err := ch.Do(testContext(t), ch.NewRequest(mrcp.MethodGetParams)); err == nil {
		t.Fatal("a request succeeded after the server closed")
	}
	if ch.Err() == nil {
		t.Fatal("channel still usable")
	}
	if err := s.Close(testContext(t)); err != nil {
		t.Logf("Close after the server went: %v", err)
	}
}

// Sessions can share one SIP client (one SIP port for a load test's many
// calls); closing a session leaves the client to the others. A session
// asking to share a control connection it does not have opens one.
func TestSharedSIPClientAndExistingConnection(t *testing.T) {
	srv := startServer(t, servertest.Options{})
	sc, err := sip.NewClient(sip.ClientConfig{BindHost: "127.0.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	defer sc.Close()
	a := dial(t, srv, Options{SIPClient: sc, Connection: "existing"})
	b := dial(t, srv, Options{SIPClient: sc})
	if a.Channel("speechrecog").ID() == b.Channel("speechrecog").ID() {
		t.Fatal("two sessions got one channel")
	}
	if err := a.Close(testContext(t)); err != nil {
		t.Fatal(err)
	}
	ch := b.Channel("speechrecog")
	expectStatus(t, do(t, ch, ch.NewRequest(mrcp.MethodGetParams)), 200, mrcp.StateComplete)
	if err := b.Reinvite(testContext(t), nil, nil); err != nil {
		t.Fatal(err)
	}
	expectStatus(t, do(t, ch, ch.NewRequest(mrcp.MethodGetParams)), 200, mrcp.StateComplete)
	if _, err := sc.Options(testContext(t), srv.SIPUDPAddr()); err != nil {
		t.Fatalf("shared client unusable after a session closed: %v", err)
	}
}
