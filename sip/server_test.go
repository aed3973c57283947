package sip

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestSessionLifecycle(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr, func(t *testing.T) {
			t.Parallel()
			h := newTestHandler()
			srv := startServer(t, h, nil)
			cli := startClient(t, tr, nil)
			ctx := testCtx(t)

			offer := mustParse(t, fixture(t, "recog_offer.sdp"))
			d, answer, err := cli.Invite(ctx, target(srv, tr), offer)
			if err != nil {
				t.Fatalf("Invite: %v", err)
			}
			sd := h.waitStarted(t)
			if sd.CallID() != d.CallID() || sd.Transport() != tr || !strings.Contains(sd.ID(), d.CallID()) {
				t.Fatalf("server dialog %q/%q/%s, client call %q", sd.ID(), sd.CallID(), sd.Transport(), d.CallID())
			}
			if got := answer.Media[0].ChannelResource(); got != "speechrecog" {
				t.Fatalf("answer channel %q", answer.Media[0].Channel)
			}
			if a := answer.Media[1]; a.Direction != DirRecvOnly || a.Formats[0].Name != "PCMU" || a.Port != 5002 {
				t.Fatalf("answer audio %+v", a)
			}
			if answer.Origin.Username != "mrcpd" || answer.Origin.SessionID == 0 {
				t.Fatalf("answer origin %+v", answer.Origin)
			}
			// The client announced timer support and asked nothing, so the
			// server asks it to refresh every 600 s, as UniMRCP does.
			if iv, who := d.SessionTimer(); iv != 600*time.Second || who != refresherUAC {
				t.Fatalf("session timer %s %s", iv, who)
			}

			// Add a synthesizer sharing the audio stream (RFC 6787 §4.2).
			add := mustParse(t, fixture(t, "recog_offer.sdp"))
			synth := add.Media[0]
			synth.Resource, synth.Connection = "speechsynth", ConnectionExisting
			add.Media = append(add.Media, synth)
			add.Media[1].Direction = DirSendRecv
			answer2, err := d.Reinvite(ctx, add)
			if err != nil {
				t.Fatalf("re-INVITE adding synth: %v", err)
			}
			if len(answer2.Media) != 3 || answer2.Media[2].ChannelResource() != "speechsynth" ||
				answer2.Media[0].Channel != answer.Media[0].Channel || answer2.Media[1].Direction != DirSendRecv {
				t.Fatalf("answer to add: %+v", answer2.Media)
			}
			if answer2.Origin.SessionID != answer.Origin.SessionID || answer2.Origin.SessionVersion != answer.Origin.SessionVersion+1 {
				t.Fatalf("o= not kept and bumped: %+v then %+v", answer.Origin, answer2.Origin)
			}

			// Remove it again with port 0.
			remove := mustParse(t, fixture(t, "recog_offer.sdp"))
			remove.Media = append(remove.Media, Media{Kind: KindApplication, Port: 0, Proto: ProtoMRCP, Resource: "speechsynth", CMID: "1"})
			answer3, err := d.Reinvite(ctx, remove)
			if err != nil {
				t.Fatalf("re-INVITE removing synth: %v", err)
			}
			if answer3.Media[2].Port != 0 || answer3.Media[0].Port == 0 {
				t.Fatalf("answer to removal: %+v", answer3.Media)
			}
			if inv, re := h.counts(); inv != 1 || re != 2 {
				t.Fatalf("handler saw %d INVITE, %d re-INVITE", inv, re)
			}

			if err := d.Bye(ctx); err != nil {
				t.Fatalf("BYE: %v", err)
			}
			e := h.waitEnded(t, 5*time.Second)
			if e.d != sd || e.reason != EndRemoteBye {
				t.Fatalf("Ended(%v, %q)", e.d.ID(), e.reason)
			}
			waitDone(t, sd.Context(), time.Second, "server dialog context")
			waitDone(t, d.Context(), time.Second, "client dialog context")
			if d.EndReason() != EndLocalBye {
				t.Fatalf("client end reason %q", d.EndReason())
			}
			if _, err := d.Reinvite(ctx, add); err == nil {
				t.Fatal("re-INVITE on an ended dialog accepted")
			}
			srv.Close()
			if n := h.endCount(sd.ID()); n != 1 {
				t.Fatalf("Ended called %d times", n)
			}
		})
	}
}

func TestOptions(t *testing.T) {
	caps := &Capabilities{
		Resources: []string{"speechrecog", "speechsynth"},
		Formats:   []Format{{PayloadType: 0, Name: "PCMU", ClockRate: 8000, Channels: 1}},
		Address:   "127.0.0.1",
	}
	for _, tr := range transports {
		t.Run(tr, func(t *testing.T) {
			t.Parallel()
			withCaps := startServer(t, newTestHandler(), func(c *Config) { c.Capabilities = caps })
			plain := startServer(t, newTestHandler(), nil)
			cli := startClient(t, tr, nil)
			got, err := cli.Options(testCtx(t), target(withCaps, tr))
			if err != nil {
				t.Fatal(err)
			}
			if got == nil || strings.Join(got.Resources, ",") != "speechrecog,speechsynth" || got.Formats[0].Name != "PCMU" {
				t.Fatalf("capabilities %+v", got)
			}
			got, err = cli.Options(testCtx(t), target(plain, tr))
			if err != nil || got != nil {
				t.Fatalf("health check OPTIONS: %+v, %v", got, err)
			}
		})
	}
}

func TestCancelBeforeAnswer(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr, func(t *testing.T) {
			t.Parallel()
			h := newTestHandler()
			h.holdInvite = true
			srv := startServer(t, h, nil)
			cli := startClient(t, tr, nil)
			ctx, cancel := context.WithCancel(testCtx(t))
			errc := make(chan error, 1)
			go func() {
				_, _, err := cli.Invite(ctx, target(srv, tr), mustParse(t, fixture(t, "synth_offer.sdp")))
				errc <- err
			}()
			sd := h.waitStarted(t)
			cancel()
			select {
			case err := <-errc:
				if !errors.Is(err, context.Canceled) {
					t.Fatalf("Invite after cancel: %v", err)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("Invite did not return after cancel")
			}
			e := h.waitEnded(t, 5*time.Second)
			if e.d != sd || e.reason != EndCancel {
				t.Fatalf("Ended reason %q", e.reason)
			}
			waitDone(t, sd.Context(), time.Second, "cancelled dialog")
		})
	}
}

func TestRejections(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr, func(t *testing.T) {
			t.Parallel()
			h := newTestHandler()
			h.codecs = []string{"G729"}
			srv := startServer(t, h, func(c *Config) { c.MinSE = 2 * time.Second })
			cli := startClient(t, tr, nil)
			ctx := testCtx(t)

			// The Handler's *Reject reaches the client as a status code.
			_, _, err := cli.Invite(ctx, target(srv, tr), mustParse(t, fixture(t, "recog_offer.sdp")))
			var se *StatusError
			if !errors.As(err, &se) || se.Code != 488 || se.Reason != ReasonNoCommonCodec {
				t.Fatalf("got %v, want 488 %s", err, ReasonNoCommonCodec)
			}
			if e := h.waitEnded(t, 5*time.Second); e.reason != EndRejected {
				t.Fatalf("Ended reason %q", e.reason)
			}

			// An offer breaking RFC 6787 §4.2 never reaches the Handler.
			bad := mustParse(t, fixture(t, "recog_offer.sdp"))
			bad.Media[0].Resource = ""
			_, _, err = cli.Invite(ctx, target(srv, tr), bad)
			if statusCode(err) != 488 {
				t.Fatalf("offer without resource: %v", err)
			}
			noMid := mustParse(t, fixture(t, "recog_offer.sdp"))
			noMid.Media[0].CMID = "9"
			if _, _, err = cli.Invite(ctx, target(srv, tr), noMid); statusCode(err) != 488 {
				t.Fatalf("offer with dangling cmid: %v", err)
			}
			if inv, _ := h.counts(); inv != 1 {
				t.Fatalf("Handler.Invite called %d times, want 1", inv)
			}

			// RFC 4028 §9: an interval below our Min-SE gets 422.
			short := startClient(t, tr, func(c *ClientConfig) { c.SessionExpires = time.Second })
			_, _, err = short.Invite(ctx, target(srv, tr), mustParse(t, fixture(t, "recog_offer.sdp")))
			if statusCode(err) != 422 {
				t.Fatalf("Session-Expires below Min-SE: %v", err)
			}
		})
	}
}

func TestHandlerFailureIs500(t *testing.T) {
	h := newTestHandler()
	h.rejectWith = errors.New("engine unavailable")
	srv := startServer(t, h, nil)
	cli := startClient(t, "udp", nil)
	_, _, err := cli.Invite(testCtx(t), target(srv, "udp"), mustParse(t, fixture(t, "recog_offer.sdp")))
	if statusCode(err) != 500 {
		t.Fatalf("got %v", err)
	}
	h.waitEnded(t, 5*time.Second)
}

func TestSessionTimerExpiry(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr, func(t *testing.T) {
			t.Parallel()
			h := newTestHandler()
			srv := startServer(t, h, func(c *Config) {
				c.MinSE = time.Second
				c.SessionExpires = 2 * time.Second
			})
			cli := startClient(t, tr, func(c *ClientConfig) { c.NoSessionRefresh = true })
			d, _, err := cli.Invite(testCtx(t), target(srv, tr), mustParse(t, fixture(t, "recog_offer.sdp")))
			if err != nil {
				t.Fatal(err)
			}
			if iv, who := d.SessionTimer(); iv != 2*time.Second || who != refresherUAC {
				t.Fatalf("timer %s %s", iv, who)
			}
			start := time.Now()
			// RFC 4028 §10: BYE at 2 s - 2/3 s without a refresh.
			e := h.waitEnded(t, 5*time.Second)
			if e.reason != EndSessionExpired {
				t.Fatalf("Ended reason %q", e.reason)
			}
			if el := time.Since(start); el < time.Second {
				t.Fatalf("expired after %s, before the interval allows", el)
			}
			waitDone(t, d.Context(), 5*time.Second, "client dialog after server BYE")
			if d.EndReason() != EndRemoteBye {
				t.Fatalf("client end reason %q", d.EndReason())
			}
			srv.Close()
			if n := h.endCount(e.d.ID()); n != 1 {
				t.Fatalf("Ended called %d times", n)
			}
		})
	}
}

func TestSessionRefreshKeepsSession(t *testing.T) {
	for _, tc := range []struct {
		transport string
		byInvite  bool
	}{{"udp", false}, {"tcp", true}} {
		t.Run(tc.transport, func(t *testing.T) {
			t.Parallel()
			h := newTestHandler()
			srv := startServer(t, h, func(c *Config) {
				c.MinSE = time.Second
				c.SessionExpires = 2 * time.Second
			})
			cli := startClient(t, tc.transport, nil)
			d, _, err := cli.Invite(testCtx(t), target(srv, tc.transport), mustParse(t, fixture(t, "synth_offer.sdp")))
			if err != nil {
				t.Fatal(err)
			}
			if tc.byInvite {
				// Refresh with a re-INVITE repeating the offer: the server
				// must not bother the Handler (RFC 3264 §8).
				d.mu.Lock()
				d.peerUpdate = false
				d.mu.Unlock()
			}
			sd := h.waitStarted(t)
			select {
			case e := <-h.ended:
				t.Fatalf("session ended (%s) although refreshed", e.reason)
			case <-d.Context().Done():
				t.Fatalf("client dialog ended: %s", d.EndReason())
			case <-time.After(3500 * time.Millisecond):
			}
			if _, re := h.counts(); re != 0 {
				t.Fatalf("refresh reached Handler.Reinvite %d times", re)
			}
			if sd.Context().Err() != nil {
				t.Fatal("server dialog ended")
			}
			if err := d.Bye(testCtx(t)); err != nil {
				t.Fatal(err)
			}
			if e := h.waitEnded(t, 5*time.Second); e.reason != EndRemoteBye {
				t.Fatalf("Ended reason %q", e.reason)
			}
		})
	}
}

func TestHangupSendsBye(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr, func(t *testing.T) {
			t.Parallel()
			h := newTestHandler()
			srv := startServer(t, h, nil)
			cli := startClient(t, tr, nil)
			d, _, err := cli.Invite(testCtx(t), target(srv, tr), mustParse(t, fixture(t, "recog_offer.sdp")))
			if err != nil {
				t.Fatal(err)
			}
			sd := h.waitStarted(t)
			sd.Hangup("MRCP connection closed")
			waitDone(t, d.Context(), 5*time.Second, "client dialog after Hangup")
			if d.EndReason() != EndRemoteBye {
				t.Fatalf("client end reason %q", d.EndReason())
			}
			if e := h.waitEnded(t, 5*time.Second); e.reason != "MRCP connection closed" {
				t.Fatalf("Ended reason %q", e.reason)
			}
			sd.Hangup("twice")
			if n := h.endCount(sd.ID()); n != 1 {
				t.Fatalf("Ended called %d times", n)
			}
		})
	}
}

func TestCloseEndsDialogs(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr, func(t *testing.T) {
			t.Parallel()
			h := newTestHandler()
			srv := startServer(t, h, nil)
			cli := startClient(t, tr, nil)
			d, _, err := cli.Invite(testCtx(t), target(srv, tr), mustParse(t, fixture(t, "recog_offer.sdp")))
			if err != nil {
				t.Fatal(err)
			}
			srv.Close()
			// Close waits for Ended, so it has happened already.
			select {
			case e := <-h.ended:
				if e.reason != EndShutdown {
					t.Fatalf("Ended reason %q", e.reason)
				}
			default:
				t.Fatal("Close returned before Handler.Ended")
			}
			waitDone(t, d.Context(), 5*time.Second, "client dialog after server Close")
			ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
			defer cancel()
			if _, err := cli.Options(ctx, target(srv, tr)); err == nil {
				t.Fatal("closed server answered")
			}
		})
	}
}

func TestConfigChecks(t *testing.T) {
	h := newTestHandler()
	for _, cfg := range []Config{
		{UDPPort: 70000},
		{BindHost: "localhost"},
		{MinSE: 500 * time.Millisecond},
		{SessionExpires: 30 * time.Second, MinSE: 60 * time.Second},
		{MaxMessageSize: 100},
		{UserAgent: "mrcpd\r\nX-Evil: 1"},
		{AdvertiseHost: "a b"},
	} {
		if _, err := NewServer(cfg, h); err == nil {
			t.Errorf("NewServer accepted %+v", cfg)
		}
	}
	if _, err := NewServer(Config{}, nil); err == nil {
		t.Error("nil Handler accepted")
	}
	if _, err := NewClient(ClientConfig{Transport: "sctp"}); err == nil {
		t.Error("client transport sctp accepted")
	}
	s := startServer(t, h, nil)
	if err := s.Start(context.Background()); err == nil {
		t.Error("second Start accepted")
	}
}
