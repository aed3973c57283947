package rtp

import (
	"encoding/binary"
	"net/netip"
	"testing"
	"time"

	"github.com/mrcpd/mrcpd/rtp/codec"
	"github.com/pion/rtcp"
)

// splitDatagrams cuts fuzz input into datagrams: each is preceded by a
// one-byte length.
func splitDatagrams(data []byte, fn func([]byte)) {
	for len(data) > 0 {
		n := min(int(data[0]), len(data)-1)
		fn(data[1 : 1+n])
		data = data[1+n:]
	}
}

func fuzzStream(f *testing.F) *Stream {
	pool := testPool(f)
	pp, err := pool.Allocate()
	if err != nil {
		f.Fatal(err)
	}
	s, err := NewStream(StreamConfig{
		Ports: pp, Codec: codec.G722(), PayloadType: 9, EventPayloadType: 101,
		Remote: netip.MustParseAddrPort("127.0.0.1:9"), Latch: true, ReorderDepth: 3,
	})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { _ = s.Close() })
	s.rx.pcm = make([]int16, decodeBufSamples)
	s.SetSink(&countingSink{})
	return s
}

func withLength(pkts ...[]byte) []byte {
	var out []byte
	for _, p := range pkts {
		out = append(out, byte(len(p)))
		out = append(out, p...)
	}
	return out
}

// FuzzParseHeader: any datagram either fails with an error or yields a
// non-empty payload inside the datagram.
func FuzzParseHeader(f *testing.F) {
	f.Add(rtpPacket(0, true, 1, 2, 3, []byte{1, 2, 3}))
	f.Add([]byte{0xbf, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff})
	f.Add([]byte{0x90, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xbe, 0xde, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, data []byte) {
		_, payload, err := parseHeader(data)
		if err != nil {
			return
		}
		// payload is data[off:end]: after the fixed header, before padding.
		off := cap(data) - cap(payload)
		end := len(data)
		if data[0]&0x20 != 0 {
			end -= int(data[len(data)-1])
		}
		if len(payload) == 0 || off < 12 || off+len(payload) != end {
			t.Fatalf("payload [%d:%d] of a %d-byte datagram ending at %d", off, off+len(payload), len(data), end)
		}
	})
}

// FuzzReceivePath feeds sequences of arbitrary datagrams through the whole
// receive path (latching, reorder, decode, DTMF detection) and checks that
// nothing panics and the counters stay consistent.
func FuzzReceivePath(f *testing.F) {
	s := fuzzStream(f)
	f.Add(withLength(
		rtpPacket(9, true, 1, 160, 7, make([]byte, 160)),
		rtpPacket(9, false, 3, 480, 7, make([]byte, 160)),
		rtpPacket(9, false, 2, 320, 7, make([]byte, 160)),
		rtpPacket(101, true, 4, 640, 7, eventPayload(1, false, 10, 160)),
		rtpPacket(101, false, 5, 640, 7, eventPayload(1, true, 10, 320)),
		rtpPacket(9, false, 40000, 320, 8, make([]byte, 10)),
	))
	f.Add(withLength([]byte{0x80}, rtpPacket(9, false, 65535, 0, 1, []byte{1}), rtpPacket(9, false, 0, 0, 1, []byte{2})))
	from := netip.MustParseAddrPort("127.0.0.1:4000")
	f.Fuzz(func(t *testing.T, data []byte) {
		now := time.Unix(1000, 0)
		splitDatagrams(data, func(d []byte) {
			now = now.Add(7 * time.Millisecond)
			s.rx.now = now
			s.receive(d, from, now, true)
			s.rx.reorder.expire(now)
			s.rx.dtmf.tick(now, &s.rx.events)
			s.emitDTMF()
		})
		r := &s.rx.reorder
		if r.pending < 0 || r.pending > len(r.slots) {
			t.Fatalf("reorder buffer holds %d packets", r.pending)
		}
		held := 0
		for _, sl := range r.slots {
			if sl.used {
				held++
			}
		}
		if held != r.pending {
			t.Fatalf("%d slots used, %d pending", held, r.pending)
		}
	})
}

// FuzzTelephoneEvent drives the DTMF detector with arbitrary event payloads
// and timestamps: every End must close a digit that had begun.
func FuzzTelephoneEvent(f *testing.F) {
	pkt := func(ts uint32, code uint8, end bool, dur uint16) []byte {
		b := binary.BigEndian.AppendUint32(nil, ts)
		return append(b, eventPayload(code, end, 10, dur)...)
	}
	f.Add(append(append(pkt(100, 1, false, 160), pkt(100, 1, true, 320)...), pkt(100, 1, true, 320)...))
	f.Add(append(pkt(100, 15, false, 65535), pkt(100+65535, 15, true, 10)...))
	f.Add([]byte{0, 0, 0, 1, 16, 0x80, 0, 1})
	f.Fuzz(func(t *testing.T, data []byte) {
		d := dtmfDetector{clockRate: 8000, timeout: 100 * time.Millisecond}
		var out dtmfEvents
		now := time.Unix(0, 0)
		open := false
		check := func() {
			for i := range out.n {
				ev := out.ev[i]
				if ev.Begin {
					if open {
						t.Fatalf("begin of %q while a digit is open", ev.Digit)
					}
					open = true
				}
				if ev.End {
					if !open {
						t.Fatalf("end of %q without begin", ev.Digit)
					}
					open = false
				}
			}
			out.n = 0
		}
		for len(data) >= 8 {
			ts := binary.BigEndian.Uint32(data)
			te, err := parseTelephoneEvent(data[4:8])
			if err != nil {
				t.Fatal(err)
			}
			now = now.Add(time.Duration(data[7]) * time.Millisecond)
			d.tick(now, &out)
			check()
			d.packet(ts, te, now, &out)
			check()
			data = data[8:]
		}
		if _, err := parseTelephoneEvent(data); len(data) < 4 && err == nil {
			t.Fatal("short payload accepted")
		}
	})
}

// FuzzRTCPInput feeds arbitrary datagrams to the RTCP receive path.
func FuzzRTCPInput(f *testing.F) {
	s := fuzzStream(f)
	sr, _ := rtcp.Marshal([]rtcp.Packet{
		&rtcp.SenderReport{SSRC: 7, NTPTime: 1 << 40, Reports: []rtcp.ReceptionReport{{SSRC: s.SSRC(), TotalLost: 5}}},
		rtcp.NewCNAMESourceDescription(7, "x"),
	})
	rr, _ := rtcp.Marshal([]rtcp.Packet{&rtcp.ReceiverReport{SSRC: 7}, &rtcp.Goodbye{Sources: []uint32{7}, Reason: "bye"}})
	f.Add(sr)
	f.Add(rr)
	f.Add([]byte{0x80, 0xc9, 0, 1, 0, 0, 0, 7})
	from := netip.MustParseAddrPort("127.0.0.1:4001")
	f.Fuzz(func(t *testing.T, data []byte) {
		before := s.Stats()
		s.receiveRTCP(data, from, time.Unix(1000, 0))
		after := s.Stats()
		if after.RTCPReceived+after.RTCPBad != before.RTCPReceived+before.RTCPBad+1 &&
			after.RTCPReceived+after.RTCPBad != before.RTCPReceived+before.RTCPBad {
			t.Fatal("counters moved by more than one")
		}
	})
}
