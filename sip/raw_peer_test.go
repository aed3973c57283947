package sip

import (
	"fmt"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emiago/sipgo/sip"
)

// rawPeer speaks SIP over a plain UDP socket, to send what our Client
// never would: requests out of order, no ACK, wrong bodies.
type rawPeer struct {
	t      *testing.T
	conn   *net.UDPConn
	server *net.UDPAddr
	callID string
	tag    string
}

func newRawPeer(t *testing.T, server *net.UDPAddr) *rawPeer {
	t.Helper()
	conn, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return &rawPeer{
		t: t, conn: conn, server: server,
		callID: sip.GenerateTagN(20) + "@raw",
		tag:    sip.GenerateTagN(10),
	}
}

func (p *rawPeer) port() int { return p.conn.LocalAddr().(*net.UDPAddr).Port }

// request renders a request of this peer's call. toTag may be empty.
func (p *rawPeer) request(method string, cseq int, toTag string, extra []string, contentType string, body string) string {
	to := fmt.Sprintf("<sip:127.0.0.1:%d>", p.server.Port)
	if toTag != "" {
		to += ";tag=" + toTag
	}
	lines := []string{
		fmt.Sprintf("%s sip:127.0.0.1:%d SIP/2.0", method, p.server.Port),
		fmt.Sprintf("Via: SIP/2.0/UDP 127.0.0.1:%d;rport;branch=z9hG4bK%s", p.port(), sip.GenerateTagN(12)),
		"Max-Forwards: 70",
		fmt.Sprintf("From: <sip:127.0.0.1:%d>;tag=%s", p.port(), p.tag),
		"To: " + to,
		"Call-ID: " + p.callID,
		fmt.Sprintf("CSeq: %d %s", cseq, method),
		fmt.Sprintf("Contact: <sip:127.0.0.1:%d;transport=udp>", p.port()),
		"User-Agent: raw-peer",
	}
	lines = append(lines, extra...)
	if contentType != "" {
		lines = append(lines, "Content-Type: "+contentType)
	}
	lines = append(lines, "Content-Length: "+strconv.Itoa(len(body)), "", body)
	return strings.Join(lines, "\r\n")
}

func (p *rawPeer) send(msg string) {
	p.t.Helper()
	if _, err := p.conn.WriteToUDP([]byte(msg), p.server); err != nil {
		p.t.Fatal(err)
	}
}

// next reads the next SIP message within the bound.
func (p *rawPeer) next(within time.Duration) sip.Message {
	p.t.Helper()
	buf := make([]byte, 65535)
	p.conn.SetReadDeadline(time.Now().Add(within))
	n, _, err := p.conn.ReadFromUDP(buf)
	if err != nil {
		p.t.Fatalf("no SIP message within %s: %v", within, err)
	}
	m, err := sip.ParseMessage(buf[:n])
	if err != nil {
		p.t.Fatalf("unparsable message %q: %v", buf[:n], err)
	}
	return m
}

// response reads until a response with a status of at least min arrives,
// skipping up to a few others.
func (p *rawPeer) response(min int) *sip.Response {
	p.t.Helper()
	for range 8 {
		if r, ok := p.next(5 * time.Second).(*sip.Response); ok && r.StatusCode >= min {
			return r
		}
	}
	p.t.Fatalf("no response >= %d", min)
	return nil
}

func (p *rawPeer) reply(req *sip.Request, code int) {
	p.t.Helper()
	res := sip.NewResponseFromRequest(req, code, reasonPhrase(code, ""), nil)
	p.send(res.String())
}

func toTag(m sip.Message) string {
	tag, _ := m.To().Params.Get("tag")
	return tag
}

var sdpType = "application/sdp"
