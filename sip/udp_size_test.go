package sip

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emiago/sipgo/sip"
)

// sipgo refuses to send a UDP message above 1300 bytes (RFC 3261 §18.1.1
// says such a message should go over TCP, which sipgo does not do for
// responses), so our largest usual 2xx must stay below that.
func TestLargestAnswerFitsUDP(t *testing.T) {
	srv := startServer(t, newTestHandler(), nil)
	offerBody := fixture(t, "separate_streams_offer.sdp")
	raw := strings.Join([]string{
		"INVITE sip:mresources@127.0.0.1:8060 SIP/2.0",
		"Via: SIP/2.0/UDP 192.0.2.10:5090;rport;branch=z9hG4bK5ym7ayK7UjpaD",
		"Max-Forwards: 70",
		"From: <sip:freeswitch@192.0.2.10:5090>;tag=588tUjv6BaK5N",
		"To: <sip:mresources@127.0.0.1:8060>",
		"Call-ID: 48c1c61a-61e9-1240-2d93-fa718c22fc95",
		"CSeq: 1001107828 INVITE",
		"Contact: <sip:freeswitch@192.0.2.10:5090;transport=udp>",
		"Supported: timer, 100rel",
		"Content-Type: application/sdp",
		"Content-Length: " + strconv.Itoa(len(offerBody)),
		"", string(offerBody),
	}, "\r\n")
	m, err := sip.ParseMessage([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	req := m.(*sip.Request)
	req.SetTransport("UDP")
	req.SetSource("192.0.2.10:5090")
	offer := mustParse(t, offerBody)
	d, err := srv.newDialog(req, srv.log)
	if err != nil {
		t.Fatal(err)
	}
	answer, err := newTestHandler().answer(d, offer)
	if err != nil {
		t.Fatal(err)
	}
	body, err := d.prepareAnswer(offer, answer, offerBody)
	if err != nil {
		t.Fatal(err)
	}
	res := srv.okResponse(d.invite, body, sessionTimer{Interval: 600 * time.Second, Refresher: refresherUAC}, true)
	size := len(res.String())
	t.Logf("2xx with two resources on two streams: %d bytes (SDP %d)", size, len(body))
	if size >= 1300 {
		t.Fatalf("2xx of %d bytes would be refused over UDP", size)
	}
}
