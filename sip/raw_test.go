package sip

import (
	"strings"
	"testing"
	"time"

	"github.com/emiago/sipgo/sip"
)

func TestNoAckEndsSessionWithBye(t *testing.T) {
	t.Parallel()
	h := newTestHandler()
	// 64*T1 = 1.28 s of 2xx retransmissions before giving up.
	srv := startServer(t, h, func(c *Config) { c.T1 = 20 * time.Millisecond })
	p := newRawPeer(t, srv.UDPAddr())
	p.send(p.request("INVITE", 1, "", []string{"Supported: timer"}, sdpType, string(fixture(t, "recog_offer.sdp"))))

	oks, start := 0, time.Now()
	var bye *sip.Request
	for i := 0; i < 40 && bye == nil; i++ {
		switch m := p.next(5 * time.Second).(type) {
		case *sip.Response:
			if m.StatusCode == 200 {
				oks++
			}
		case *sip.Request:
			if m.Method != sip.BYE {
				t.Fatalf("unexpected %s", m.Method)
			}
			bye = m
		}
	}
	if bye == nil {
		t.Fatal("no BYE after the unacknowledged 2xx")
	}
	if oks < 4 {
		t.Fatalf("2xx sent %d times, want retransmissions at T1, 2T1, 4T1 ...", oks)
	}
	if el := time.Since(start); el < time.Second {
		t.Fatalf("gave up after %s, before 64*T1", el)
	}
	if toTag(bye) == "" || bye.CallID().Value() != p.callID {
		t.Fatalf("BYE outside the dialog: %s", bye)
	}
	p.reply(bye, 200)
	if e := h.waitEnded(t, 5*time.Second); e.reason != EndNoAck {
		t.Fatalf("Ended reason %q", e.reason)
	}
}

// sipgo runs every request in its own goroutine, so a BYE can be handled
// before the ACK that preceded it; the session must still end once.
func TestByeBeforeAck(t *testing.T) {
	t.Parallel()
	h := newTestHandler()
	srv := startServer(t, h, nil)
	p := newRawPeer(t, srv.UDPAddr())
	p.send(p.request("INVITE", 10, "", nil, sdpType, string(fixture(t, "synth_offer.sdp"))))
	ok := p.response(200)
	if ok.StatusCode != 200 {
		t.Fatalf("INVITE answered %d", ok.StatusCode)
	}
	tag := toTag(ok)
	p.send(p.request("BYE", 11, tag, nil, "", ""))
	if r := p.response(200); r.StatusCode != 200 || r.CSeq().MethodName != sip.BYE {
		t.Fatalf("BYE answered %d %s", r.StatusCode, r.CSeq().MethodName)
	}
	p.send(p.request("ACK", 10, tag, nil, "", ""))
	e := h.waitEnded(t, 5*time.Second)
	if e.reason != EndRemoteBye {
		t.Fatalf("Ended reason %q", e.reason)
	}
	srv.Close()
	if n := h.endCount(e.d.ID()); n != 1 {
		t.Fatalf("Ended called %d times", n)
	}
}

func TestRequestsRefused(t *testing.T) {
	t.Parallel()
	h := newTestHandler()
	srv := startServer(t, h, func(c *Config) {
		c.Capabilities = &Capabilities{Resources: []string{"speechrecog"}, Formats: []Format{{PayloadType: 0, Name: "PCMU", ClockRate: 8000}}}
	})
	offer := string(fixture(t, "recog_offer.sdp"))
	for _, tc := range []struct {
		name   string
		build  func(p *rawPeer) string
		code   int
		header string // "Name: value" that must be present
	}{
		{"wrong content type", func(p *rawPeer) string {
			return p.request("INVITE", 1, "", nil, "text/plain", offer)
		}, 415, "Accept: application/sdp"},
		{"missing content type", func(p *rawPeer) string {
			return p.request("INVITE", 1, "", nil, "", offer)
		}, 415, ""},
		{"no offer", func(p *rawPeer) string {
			return p.request("INVITE", 1, "", nil, "", "")
		}, 488, ""},
		{"garbage SDP", func(p *rawPeer) string {
			return p.request("INVITE", 1, "", nil, sdpType, "v=0\r\nthis is not sdp\r\n")
		}, 488, ""},
		{"offer without resource", func(p *rawPeer) string {
			return p.request("INVITE", 1, "", nil, sdpType, strings.Replace(offer, "a=resource:speechrecog\r\n", "", 1))
		}, 488, "Warning: 399"},
		{"requires reliable provisionals", func(p *rawPeer) string {
			return p.request("INVITE", 1, "", []string{"Require: 100rel"}, sdpType, offer)
		}, 420, "Unsupported: 100rel"},
		{"interval below Min-SE", func(p *rawPeer) string {
			return p.request("INVITE", 1, "", []string{"Session-Expires: 30", "Supported: timer"}, sdpType, offer)
		}, 422, "Min-SE: 90"},
		{"malformed Session-Expires", func(p *rawPeer) string {
			return p.request("INVITE", 1, "", []string{"Session-Expires: often"}, sdpType, offer)
		}, 400, ""},
		{"REGISTER", func(p *rawPeer) string {
			return p.request("REGISTER", 1, "", nil, "", "")
		}, 405, "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, UPDATE"},
		{"unknown method", func(p *rawPeer) string {
			return p.request("FROBNICATE", 1, "", nil, "", "")
		}, 501, ""},
		{"BYE outside a dialog", func(p *rawPeer) string {
			return p.request("BYE", 2, "nosuchtag", nil, "", "")
		}, 481, ""},
		{"re-INVITE outside a dialog", func(p *rawPeer) string {
			return p.request("INVITE", 2, "nosuchtag", nil, sdpType, offer)
		}, 481, ""},
		{"UPDATE outside a dialog", func(p *rawPeer) string {
			return p.request("UPDATE", 2, "nosuchtag", nil, "", "")
		}, 481, ""},
		{"CANCEL of nothing", func(p *rawPeer) string {
			return p.request("CANCEL", 1, "", nil, "", "")
		}, 481, ""},
		{"OPTIONS not accepting SDP", func(p *rawPeer) string {
			return p.request("OPTIONS", 1, "", []string{"Accept: text/plain"}, "", "")
		}, 200, "Allow: INVITE"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := newRawPeer(t, srv.UDPAddr())
			p.send(tc.build(p))
			r := p.response(200)
			if r.StatusCode != tc.code {
				t.Fatalf("answered %d %s, want %d", r.StatusCode, r.Reason, tc.code)
			}
			if tc.header != "" && !strings.Contains(r.String(), tc.header) {
				t.Fatalf("response lacks %q:\n%s", tc.header, r)
			}
			if tc.name == "OPTIONS not accepting SDP" && len(r.Body()) != 0 {
				t.Fatalf("SDP sent to a peer that does not accept it")
			}
		})
	}
	if inv, _ := h.counts(); inv != 0 {
		t.Fatalf("Handler.Invite called %d times for refused requests", inv)
	}
}

func TestInDialogOrdering(t *testing.T) {
	t.Parallel()
	h := newTestHandler()
	h.reinviteGate = make(chan struct{})
	srv := startServer(t, h, nil)
	p := newRawPeer(t, srv.UDPAddr())
	offer := string(fixture(t, "recog_offer.sdp"))
	p.send(p.request("INVITE", 5, "", nil, sdpType, offer))
	ok := p.response(200)
	tag := toTag(ok)
	p.send(p.request("ACK", 5, tag, nil, "", ""))

	// RFC 3261 §12.2.2: a lower CSeq inside the dialog is out of order.
	p.send(p.request("BYE", 3, tag, nil, "", ""))
	if r := p.response(200); r.StatusCode != 500 {
		t.Fatalf("out of order BYE answered %d", r.StatusCode)
	}

	// A second re-INVITE while the first awaits its answer: 500 with
	// Retry-After (RFC 3261 §14.2).
	changed := strings.Replace(offer, "a=ptime:20", "a=ptime:30", 1)
	p.send(p.request("INVITE", 6, tag, nil, sdpType, changed))
	select {
	case <-h.reinviting:
	case <-time.After(5 * time.Second):
		t.Fatal("re-INVITE did not reach the Handler")
	}
	p.send(p.request("INVITE", 7, tag, nil, sdpType, offer))
	r := p.response(300)
	if r.StatusCode != 500 || r.GetHeader("Retry-After") == nil {
		t.Fatalf("overlapping re-INVITE answered %d:\n%s", r.StatusCode, r)
	}
	close(h.reinviteGate)
	r = p.response(200)
	if r.StatusCode != 200 || r.CSeq().SeqNo != 6 {
		t.Fatalf("first re-INVITE answered %d (CSeq %d)", r.StatusCode, r.CSeq().SeqNo)
	}
	p.send(p.request("ACK", 6, tag, nil, "", ""))

	// UPDATE without a body only refreshes the session timer.
	p.send(p.request("UPDATE", 8, tag, []string{"Session-Expires: 120;refresher=uac", "Supported: timer"}, "", ""))
	r = p.response(200)
	if r.StatusCode != 200 || !strings.Contains(r.String(), "Session-Expires: 120;refresher=uac") {
		t.Fatalf("UPDATE answered:\n%s", r)
	}
	p.send(p.request("BYE", 9, tag, nil, "", ""))
	if r := p.response(200); r.StatusCode != 200 {
		t.Fatalf("BYE answered %d", r.StatusCode)
	}
	if e := h.waitEnded(t, 5*time.Second); e.reason != EndRemoteBye {
		t.Fatalf("Ended reason %q", e.reason)
	}
	if _, re := h.counts(); re != 1 {
		t.Fatalf("Handler.Reinvite called %d times, want 1", re)
	}
}

func TestEndedWaitsForReinvite(t *testing.T) {
	t.Parallel()
	h := newTestHandler()
	h.reinviteGate = make(chan struct{})
	srv := startServer(t, h, nil)
	p := newRawPeer(t, srv.UDPAddr())
	offer := string(fixture(t, "synth_offer.sdp"))
	p.send(p.request("INVITE", 1, "", nil, sdpType, offer))
	tag := toTag(p.response(200))
	p.send(p.request("ACK", 1, tag, nil, "", ""))

	p.send(p.request("INVITE", 2, tag, nil, sdpType, strings.Replace(offer, "a=ptime:20", "a=ptime:40", 1)))
	select {
	case <-h.reinviting:
	case <-time.After(5 * time.Second):
		t.Fatal("re-INVITE did not reach the Handler")
	}
	p.send(p.request("BYE", 3, tag, nil, "", ""))
	if r := p.response(200); r.StatusCode != 200 || r.CSeq().MethodName != sip.BYE {
		t.Fatalf("BYE answered %d %s", r.StatusCode, r.CSeq().MethodName)
	}
	select {
	case e := <-h.ended:
		t.Fatalf("Ended (%s) while Reinvite still runs", e.reason)
	case <-time.After(200 * time.Millisecond):
	}
	close(h.reinviteGate)
	if e := h.waitEnded(t, 5*time.Second); e.reason != EndRemoteBye {
		t.Fatalf("Ended reason %q", e.reason)
	}
	if r := p.response(300); r.StatusCode != 481 || r.CSeq().SeqNo != 2 {
		t.Fatalf("re-INVITE of an ended dialog answered %d (CSeq %d)", r.StatusCode, r.CSeq().SeqNo)
	}
}

// When the UAC asks us to refresh (RFC 4028 refresher=uas) we send the
// refresh: UPDATE if the peer allows it, else a re-INVITE that we ACK.
func TestServerRefreshesWhenAsked(t *testing.T) {
	for _, tc := range []struct {
		name   string
		allow  string
		method sip.RequestMethod
	}{
		{"update", "Allow: INVITE, ACK, BYE, CANCEL, OPTIONS, UPDATE", sip.UPDATE},
		{"reinvite", "Allow: INVITE, ACK, BYE, CANCEL, OPTIONS", sip.INVITE},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newTestHandler()
			srv := startServer(t, h, func(c *Config) { c.MinSE = time.Second })
			p := newRawPeer(t, srv.UDPAddr())
			p.send(p.request("INVITE", 1, "", []string{"Supported: timer", "Session-Expires: 2;refresher=uas", tc.allow}, sdpType, string(fixture(t, "recog_offer.sdp"))))
			ok := p.response(200)
			if !strings.Contains(ok.String(), "Session-Expires: 2;refresher=uas") {
				t.Fatalf("2xx does not grant the interval:\n%s", ok)
			}
			tag := toTag(ok)
			p.send(p.request("ACK", 1, tag, nil, "", ""))
			start := time.Now()

			var refresh *sip.Request
			for range 8 {
				if r, isReq := p.next(5 * time.Second).(*sip.Request); isReq {
					refresh = r
					break
				}
			}
			if refresh == nil || refresh.Method != tc.method {
				t.Fatalf("got %v, want a %s refresh", refresh, tc.method)
			}
			if el := time.Since(start); el < 800*time.Millisecond || el > 2*time.Second {
				t.Fatalf("refresh after %s, want half of the 2 s interval", el)
			}
			if !strings.Contains(refresh.String(), "Session-Expires: 2;refresher=uas") || toTag(refresh) != p.tag {
				t.Fatalf("refresh request:\n%s", refresh)
			}
			res := sip.NewResponseFromRequest(refresh, 200, "OK", refresh.Body())
			res.AppendHeader(sip.NewHeader("Session-Expires", "2;refresher=uas"))
			if tc.method == sip.INVITE {
				if len(refresh.Body()) == 0 {
					t.Fatal("re-INVITE refresh without our SDP")
				}
				res.AppendHeader(sip.NewHeader("Content-Type", sdpType))
			}
			p.send(res.String())
			if tc.method == sip.INVITE {
				ack, isReq := p.next(5 * time.Second).(*sip.Request)
				if !isReq || ack.Method != sip.ACK || ack.CSeq().SeqNo != refresh.CSeq().SeqNo {
					t.Fatalf("refresh 2xx not acknowledged: %v", ack)
				}
			}
			if _, re := h.counts(); re != 0 {
				t.Fatalf("refresh reached Handler.Reinvite")
			}
			p.send(p.request("BYE", 2, tag, nil, "", ""))
			if r := p.response(200); r.StatusCode != 200 {
				t.Fatalf("BYE answered %d", r.StatusCode)
			}
			if e := h.waitEnded(t, 5*time.Second); e.reason != EndRemoteBye {
				t.Fatalf("Ended reason %q", e.reason)
			}
		})
	}
}
