package rtp

import (
	"testing"
	"time"

	"github.com/mrcpd/mrcpd/rtp/codec"
)

// TestReorderScripts sends scripted packet orders over real UDP and checks
// the delivered order and the counters. Each packet carries its sequence
// number as its one L16 sample, so the Sink sees which packet came out.
// The reorder window is 4 packets.
func TestReorderScripts(t *testing.T) {
	type step struct {
		seqs    []uint16
		advance time.Duration // clock advance after sending, before the tick
	}
	cases := []struct {
		name                         string
		steps                        []step
		want                         []uint16
		lost, late, dup, bad, frames uint64
	}{
		{name: "in order", steps: []step{{seqs: []uint16{10, 11, 12, 13, 14}}},
			want: []uint16{10, 11, 12, 13, 14}},
		{name: "swapped pair", steps: []step{{seqs: []uint16{10, 12, 11, 13}}},
			want: []uint16{10, 11, 12, 13}},
		{name: "reversed window", steps: []step{{seqs: []uint16{10, 14, 13, 12, 11, 15}}},
			want: []uint16{10, 11, 12, 13, 14, 15}},
		{name: "gap expires then late arrival",
			steps: []step{
				{seqs: []uint16{10, 11, 13, 14}, advance: 100 * time.Millisecond},
				{seqs: []uint16{12, 15}},
			},
			want: []uint16{10, 11, 13, 14, 15}, lost: 1, late: 1},
		{name: "duplicates", steps: []step{{seqs: []uint16{10, 11, 11, 13, 13, 12, 10}}},
			want: []uint16{10, 11, 12, 13}, dup: 3},
		{name: "jump beyond window",
			steps: []step{{seqs: []uint16{10, 20}, advance: 100 * time.Millisecond}},
			want:  []uint16{10, 20}, lost: 9},
		{name: "wrap", steps: []step{{seqs: []uint16{65534, 0, 65535, 1}}},
			want: []uint16{65534, 65535, 0, 1}},
		{name: "stray far packet", steps: []step{{seqs: []uint16{10, 11, 5000, 12}}},
			want: []uint16{10, 11, 12}, bad: 1},
		{name: "sender restart confirmed by next packet",
			steps: []step{{seqs: []uint16{10, 11, 30000, 30001, 30002}}},
			want:  []uint16{10, 11, 30001, 30002}, bad: 1},
	}
	pool := testPool(t)
	l16, _ := codec.L16(8000)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			peer := newRawPeer(t)
			s := newTestStream(t, pool, streamOpts{codec: l16, pt: 96, remote: peer.addr()})
			rec := &recorder{}
			s.SetSink(rec)
			m := newManualShard(t, s)
			now := time.Now()
			sent := uint64(0)
			for _, st := range tc.steps {
				for _, seq := range st.seqs {
					peer.send(t, addrOf(s), rtpPacket(96, false, seq, uint32(seq)*160, 0x1234, []byte{byte(seq >> 8), byte(seq)}))
					sent++
				}
				m.tickUntil(t, now, "packets to arrive", func() bool {
					st := s.Stats()
					return st.PacketsReceived == sent
				})
				now = now.Add(st.advance)
				m.sh.tick(now)
			}
			got := rec.samples()
			if len(got) != len(tc.want) {
				t.Fatalf("delivered %v, want %v", asSeqs(got), tc.want)
			}
			for i := range got {
				if uint16(got[i]) != tc.want[i] {
					t.Fatalf("delivered %v, want %v", asSeqs(got), tc.want)
				}
			}
			st := s.Stats()
			if st.Lost != tc.lost || st.Late != tc.late || st.Duplicate != tc.dup || st.Bad != tc.bad {
				t.Fatalf("lost/late/dup/bad = %d/%d/%d/%d, want %d/%d/%d/%d",
					st.Lost, st.Late, st.Duplicate, st.Bad, tc.lost, tc.late, tc.dup, tc.bad)
			}
		})
	}
}

func asSeqs(pcm []int16) []uint16 {
	out := make([]uint16, len(pcm))
	for i, v := range pcm {
		out[i] = uint16(v)
	}
	return out
}

// TestMalformedPacketsCounted sends datagrams that are not usable RTP.
func TestMalformedPacketsCounted(t *testing.T) {
	pool := testPool(t)
	peer := newRawPeer(t)
	s := newTestStream(t, pool, streamOpts{pt: 0, remote: peer.addr()})
	rec := &recorder{}
	s.SetSink(rec)
	m := newManualShard(t, s)
	bad := [][]byte{
		{0x80, 0x00},                              // shorter than a header
		rtpPacket(0, false, 1, 0, 1, nil),         // no payload
		append([]byte{0x40}, make([]byte, 20)...), // version 1
		rtpPacket(18, false, 2, 0, 1, []byte{1}),  // payload type not negotiated
		func() []byte { // padding longer than the payload
			p := rtpPacket(0, false, 3, 0, 1, []byte{1, 2, 9})
			p[0] |= 0x20
			return p
		}(),
		func() []byte { // extension running past the end
			p := rtpPacket(0, false, 4, 0, 1, []byte{0, 0, 0, 9})
			p[0] |= 0x10
			return p
		}(),
		func() []byte { // CSRC count past the end
			p := rtpPacket(0, false, 5, 0, 1, []byte{1})
			p[0] |= 0x0f
			return p
		}(),
	}
	for _, p := range bad {
		peer.send(t, addrOf(s), p)
	}
	m.tickUntil(t, time.Now(), "all bad packets", func() bool { return s.Stats().Bad == uint64(len(bad)) })
	if st := s.Stats(); st.PacketsReceived != 0 || len(rec.samples()) != 0 {
		t.Fatalf("bad packets reached the sink: %+v", st)
	}
	// A well-formed packet with padding, a CSRC and an extension is fine.
	p := rtpPacket(0, false, 6, 0, 1, nil)
	p[0] |= 0x20 | 0x10 | 0x01
	p = append(p, 0, 0, 0, 1) // CSRC
	p = append(p, 0xbe, 0xde, 0, 1, 0x10, 0xaa, 0, 0)
	p = append(p, 0xff, 0xff, 0, 0, 3) // two samples, three octets of padding
	peer.send(t, addrOf(s), p)
	m.tickUntil(t, time.Now(), "good packet", func() bool { return len(rec.samples()) == 2 })
	if got := rec.samples(); got[0] != 0 || got[1] != 0 {
		t.Fatalf("decoded %v, want µ-law silence", got)
	}
}
