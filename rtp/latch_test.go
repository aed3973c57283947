package rtp

import (
	"net/netip"
	"testing"
	"time"
)

// TestLatching checks symmetric RTP: a stream whose SDP address is wrong
// sends to where the media comes from, and drops RTP from anywhere else.
func TestLatching(t *testing.T) {
	pool := testPool(t)
	wrong := netip.AddrPortFrom(loopback, 9) // discard port: nobody listens
	server := newTestStream(t, pool, streamOpts{pt: 0, remote: wrong, latch: true})
	client := newTestStream(t, pool, streamOpts{pt: 0, remote: addrOf(server)})
	serverRec, clientRec := &recorder{}, &recorder{}
	server.SetSink(serverRec)
	client.SetSink(clientRec)

	e := newTestEngine(t, EngineOptions{Shards: 1})
	defer e.Close()
	for _, s := range []*Stream{server, client} {
		if err := e.Add(s); err != nil {
			t.Fatal(err)
		}
	}
	client.SetSource(&frameSource{pcm: speechLike(8000, 160*5)})
	waitFor(t, 2*time.Second, "server to latch", func() bool { return server.Stats().Latched })
	if got := server.Stats().Remote; got != addrOf(client) {
		t.Fatalf("latched to %v, want %v", got, addrOf(client))
	}

	// The server's audio now reaches the client although the SDP said port 9.
	server.SetSource(&frameSource{pcm: speechLike(8000, 160*5)})
	waitFor(t, 2*time.Second, "client to hear the server", func() bool { return len(clientRec.samples()) == 160*5 })

	// RTP from a third address is not media of this call.
	before := len(serverRec.samples())
	intruder := newRawPeer(t)
	for i := range 3 {
		intruder.send(t, addrOf(server), rtpPacket(0, false, uint16(100+i), 0, 99, make([]byte, 160)))
	}
	waitFor(t, 2*time.Second, "foreign packets counted", func() bool { return server.Stats().Foreign == 3 })
	if after := len(serverRec.samples()); after != before {
		t.Fatalf("foreign audio delivered: %d -> %d samples", before, after)
	}

	// A re-INVITE pointing elsewhere ends the latch; the next source wins.
	if err := server.SetRemote(wrong, netip.AddrPort{}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, time.Second, "latch reset", func() bool { return !server.Stats().Latched })
	intruder.send(t, addrOf(server), rtpPacket(0, false, 200, 0, 99, make([]byte, 160)))
	waitFor(t, time.Second, "relatch", func() bool { return server.Stats().Remote == intruder.addr() })
}

// TestNoLatchAcceptsAnySource: without latching, media goes to the SDP
// address whatever the source of received RTP.
func TestNoLatchAcceptsAnySource(t *testing.T) {
	pool := testPool(t)
	sdpPeer := newRawPeer(t)
	s := newTestStream(t, pool, streamOpts{pt: 0, remote: sdpPeer.addr()})
	m := newManualShard(t, s)
	other := newRawPeer(t)
	other.send(t, addrOf(s), rtpPacket(0, false, 1, 0, 5, make([]byte, 160)))
	m.tickUntil(t, time.Now(), "packet", func() bool { return s.Stats().PacketsReceived == 1 })
	if st := s.Stats(); st.Latched || st.Remote != sdpPeer.addr() || st.Foreign != 0 {
		t.Fatalf("stats %+v", st)
	}
}
