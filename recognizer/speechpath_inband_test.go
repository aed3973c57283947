package recognizer_test

import (
	"context"
	"math"
	"math/rand/v2"
	"net"
	"net/netip"
	"strconv"
	"testing"
	"time"

	pionrtp "github.com/pion/rtp"

	"github.com/mrcpd/mrcpd/mrcp"
	"github.com/mrcpd/mrcpd/mrcp/server/servertest"
	"github.com/mrcpd/mrcpd/mrcp/transport"
	"github.com/mrcpd/mrcpd/rtp/codec"
	"github.com/mrcpd/mrcpd/sip"
)

// Keys pressed on a call that negotiated no telephone-event reach the
// server only as tones in the audio (FreeSWITCH's stock unimrcp profiles
// offer such calls); the server listens for them and the DTMF grammar gets
// the digits.
//
// mrcp/client adds telephone-event to every offer (Options.Codecs cannot
// leave it out), so this call is built from the same real parts below it:
// sip.Client for the INVITE with a PCMU-only offer, the MRCPv2 control
// transport, and a plain UDP socket for RTP.
func dtmfInbandTones(t *testing.T, srv *servertest.Server) {
	call := dialTones(t, srv)

	// Low background noise, then the four keys as 100 ms tone pairs
	// 100 ms apart, then the line stays open.
	audio := make([]int16, 0, at8k(1500*time.Millisecond))
	audio = append(audio, make([]int16, at8k(300*time.Millisecond))...)
	for _, k := range "1234" {
		audio = appendTone(t, audio, byte(k), 100*time.Millisecond)
		audio = append(audio, make([]int16, at8k(100*time.Millisecond))...)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range audio {
		audio[i] += int16(rng.IntN(41) - 20)
	}

	resp := call.do(mrcp.MethodRecognize, "text/uri-list", "builtin:dtmf/digits?length=4",
		mrcp.HdrCancelIfQueue, "false", mrcp.HdrDTMFTermTimeout, "300", mrcp.HdrNoInputTimeout, "5000")
	expectResponse(t, resp, 200, mrcp.StateInProgress)
	call.stream(audio)
	soi := call.event(mrcp.EventStartOfInput, 5*time.Second)
	if v, _ := soi.Header.Get(mrcp.HdrInputType); v != "dtmf" {
		t.Fatalf("START-OF-INPUT:\n%s", soi.Marshal())
	}
	done := call.event(mrcp.EventRecognitionComplete, 5*time.Second)
	expectDTMFResult(t, done, "builtin:dtmf/digits?length=4", "1234", "1 2 3 4")
}

// toneCall is an MRCPv2 session whose offer has PCMU and nothing else.
type toneCall struct {
	t      *testing.T
	ctx    context.Context
	ctl    *transport.ClientConn
	ch     mrcp.ChannelID
	rtp    *net.UDPConn
	remote netip.AddrPort
	nextID uint32
}

func dialTones(t *testing.T, srv *servertest.Server) *toneCall {
	t.Helper()
	ctx := waitContext(t, callTimeout)
	conn, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	sipc, err := sip.NewClient(sip.ClientConfig{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sipc.Close() })
	offer := &sip.Description{
		Origin:         sip.Origin{Address: "127.0.0.1"},
		ConnectionAddr: "127.0.0.1",
		Media: []sip.Media{
			{Kind: sip.KindApplication, Port: 9, Proto: sip.ProtoMRCP, Setup: sip.SetupActive,
				Connection: sip.ConnectionNew, Resource: mrcp.ResourceSpeechRecog, CMID: "1"},
			{Kind: sip.KindAudio, Port: conn.LocalAddr().(*net.UDPAddr).Port, Proto: sip.ProtoRTPAVP,
				Formats:   []sip.Format{{PayloadType: 0, Name: "PCMU", ClockRate: 8000, Channels: 1}},
				Direction: sip.DirSendOnly, Ptime: 20, Mid: "1"},
		},
	}
	dialog, answer, err := sipc.Invite(ctx, srv.SIPUDPAddr(), offer)
	if err != nil {
		t.Fatalf("INVITE: %v", err)
	}
	t.Cleanup(func() { dialog.Close() })
	if len(answer.Media) != 2 || answer.Media[0].Port == 0 || answer.Media[1].Port == 0 {
		t.Fatalf("answer %+v", answer.Media)
	}
	for _, f := range answer.Media[1].Formats {
		if f.Name != "PCMU" {
			t.Fatalf("answer has %s, which was not offered", f.Name)
		}
	}
	ctlLine, audioLine := &answer.Media[0], &answer.Media[1]
	id, err := mrcp.ParseChannelID(ctlLine.Channel)
	if err != nil {
		t.Fatal(err)
	}
	ctl, err := transport.Dial(ctx, net.JoinHostPort(answer.AddrOf(ctlLine), strconv.Itoa(ctlLine.Port)), transport.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ctl.Close() })
	remote, err := netip.ParseAddr(answer.AddrOf(audioLine))
	if err != nil {
		t.Fatal(err)
	}
	return &toneCall{t: t, ctx: ctx, ctl: ctl, ch: id, rtp: conn,
		remote: netip.AddrPortFrom(remote, uint16(audioLine.Port)), nextID: 1}
}

// do sends a request with a body and header fields (name, value pairs) and
// returns its response.
func (c *toneCall) do(method, contentType, body string, fields ...string) *mrcp.Message {
	c.t.Helper()
	m := &mrcp.Message{Kind: mrcp.KindRequest, Name: method, RequestID: c.nextID}
	c.nextID++
	m.Header.Add(mrcp.HdrChannelIdentifier, c.ch.String())
	for i := 0; i+1 < len(fields); i += 2 {
		m.Header.Set(fields[i], fields[i+1])
	}
	if body != "" {
		m.Header.Set(mrcp.HdrContentType, contentType)
		m.Body = []byte(body)
	}
	if err := c.ctl.Send(m); err != nil {
		c.t.Fatal(err)
	}
	resp := c.next(5 * time.Second)
	if resp.Kind != mrcp.KindResponse || resp.RequestID != m.RequestID {
		c.t.Fatalf("want the response to %s %d, got\n%s", method, m.RequestID, resp.Marshal())
	}
	return resp
}

func (c *toneCall) next(d time.Duration) *mrcp.Message {
	c.t.Helper()
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case m, ok := <-c.ctl.Messages():
		if !ok {
			c.t.Fatalf("control connection ended: %v", c.ctl.Err())
		}
		return m
	case <-timer.C:
		c.t.Fatalf("nothing from the server within %v", d)
	}
	return nil
}

// event returns the next message, which must be the event named.
func (c *toneCall) event(name string, d time.Duration) *mrcp.Message {
	c.t.Helper()
	m := c.next(d)
	if m.Kind != mrcp.KindEvent || m.Name != name {
		c.t.Fatalf("want %s, got\n%s", name, m.Marshal())
	}
	return m
}

// stream sends audio as real-time PCMU RTP, then silence until the test
// ends (at most callTimeout).
func (c *toneCall) stream(audio []int16) {
	enc := codec.NewDefaultRegistry()
	pcmu, ok := enc.Lookup("PCMU", 8000)
	if !ok {
		c.t.Fatal("no PCMU codec")
	}
	e := pcmu.NewEncoder()
	stop := make(chan struct{})
	done := make(chan struct{})
	c.t.Cleanup(func() { close(stop); <-done })
	go func() {
		defer close(done)
		const frame = 160
		h := pionrtp.Header{Version: 2, PayloadType: 0, SSRC: 0x5eed, Marker: true}
		buf := make([]byte, 12+frame)
		silence := make([]int16, frame)
		start := time.Now()
		for i := 0; i < int(callTimeout/(20*time.Millisecond)); i++ {
			pcm := silence
			if off := i * frame; off < len(audio) {
				pcm = audio[off:min(off+frame, len(audio))]
			}
			n, err := h.MarshalTo(buf)
			if err != nil {
				return
			}
			n += e.EncodeTo(buf[n:], pcm)
			if _, err := c.rtp.WriteToUDPAddrPort(buf[:n], c.remote); err != nil {
				return
			}
			h.Marker = false
			h.SequenceNumber++
			h.Timestamp += frame
			select {
			case <-stop:
				return
			case <-time.After(time.Until(start.Add(time.Duration(i+1) * 20 * time.Millisecond))):
			}
		}
	}()
}

// dtmfFrequencies are the row and column tones of each key (ITU-T Q.23).
var dtmfFrequencies = map[byte][2]float64{
	'1': {697, 1209}, '2': {697, 1336}, '3': {697, 1477}, 'A': {697, 1633},
	'4': {770, 1209}, '5': {770, 1336}, '6': {770, 1477}, 'B': {770, 1633},
	'7': {852, 1209}, '8': {852, 1336}, '9': {852, 1477}, 'C': {852, 1633},
	'*': {941, 1209}, '0': {941, 1336}, '#': {941, 1477}, 'D': {941, 1633},
}

// appendTone appends the key's tone pair at about -10 dBm0 per tone, the
// level a telephone sends.
func appendTone(t *testing.T, dst []int16, key byte, d time.Duration) []int16 {
	f, ok := dtmfFrequencies[key]
	if !ok {
		t.Fatalf("%q is no DTMF key", key)
	}
	const amplitude = 5000
	for i := range at8k(d) {
		t := float64(i) / 8000
		v := amplitude * (math.Sin(2*math.Pi*f[0]*t) + math.Sin(2*math.Pi*f[1]*t))
		dst = append(dst, int16(v))
	}
	return dst
}
