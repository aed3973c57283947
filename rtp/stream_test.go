package rtp

import (
	"net/netip"
	"testing"
	"time"

	"github.com/mrcpd/mrcpd/rtp/codec"
)

// TestAudioOverLoopback sends a test signal from one Stream to another over
// 127.0.0.1 and compares the decoded samples with what the codec makes of
// the signal offline.
func TestAudioOverLoopback(t *testing.T) {
	l16narrow, _ := codec.L16(8000)
	l16wide, _ := codec.L16(16000)
	cases := []struct {
		name string
		c    codec.Codec
		pt   uint8
	}{
		{"PCMU", codec.PCMU(), 0},
		{"PCMA", codec.PCMA(), 8},
		{"L16/8000", l16narrow, 96},
		{"L16/16000", l16wide, 97},
		{"G722", codec.G722(), 9},
	}
	pool := testPool(t)
	e := newTestEngine(t, EngineOptions{Shards: 2})
	defer e.Close()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := newTestStream(t, pool, streamOpts{codec: tc.c, pt: tc.pt})
			b := newTestStream(t, pool, streamOpts{codec: tc.c, pt: tc.pt})
			connect(t, a, b)
			rate := tc.c.SampleRate()
			frames := 25
			signal := speechLike(rate, frames*a.FrameSamples())
			want := offline(tc.c, signal, a.FrameSamples())

			rec := &recorder{}
			b.SetSink(rec)
			a.SetSource(&frameSource{pcm: signal})
			if err := e.Add(a); err != nil {
				t.Fatal(err)
			}
			if err := e.Add(b); err != nil {
				t.Fatal(err)
			}
			waitFor(t, 3*time.Second, "all samples", func() bool { return len(rec.samples()) >= len(want) })
			got := rec.samples()
			if len(got) != len(want) {
				t.Fatalf("got %d samples, want %d", len(got), len(want))
			}
			for i := range want {
				if got[i] != want[i] {
					t.Fatalf("sample %d = %d, want %d", i, got[i], want[i])
				}
			}
			st := b.Stats()
			if st.PacketsReceived != uint64(frames) || st.Lost != 0 || st.Bad != 0 {
				t.Fatalf("receiver stats %+v", st)
			}
			if sent := a.Stats().PacketsSent; sent != uint64(frames) {
				t.Fatalf("sent %d packets, want %d", sent, frames)
			}
		})
	}
}

// offline runs the signal through a fresh encoder and decoder in frames.
func offline(c codec.Codec, signal []int16, frame int) []int16 {
	enc, dec := c.NewEncoder(), c.NewDecoder()
	var out []int16
	payload := make([]byte, enc.PayloadLen(frame))
	pcm := make([]int16, frame*2)
	for off := 0; off < len(signal); off += frame {
		n := enc.EncodeTo(payload, signal[off:off+frame])
		m := dec.DecodeTo(pcm, payload[:n])
		out = append(out, pcm[:m]...)
	}
	return out
}

func TestNewStreamValidates(t *testing.T) {
	pool := testPool(t)
	pp, err := pool.Allocate()
	if err != nil {
		t.Fatal(err)
	}
	defer pp.Release()
	remote := netip.AddrPortFrom(loopback, 4000)
	l16wide, _ := codec.L16(48000)
	cases := []struct {
		name string
		cfg  StreamConfig
	}{
		{"no ports", StreamConfig{Codec: codec.PCMU(), Remote: remote}},
		{"no codec", StreamConfig{Ports: pp, Remote: remote}},
		{"payload type out of range", StreamConfig{Ports: pp, Codec: codec.PCMU(), PayloadType: 128, Remote: remote}},
		{"audio and events share a type", StreamConfig{Ports: pp, Codec: codec.PCMU(), PayloadType: 96, EventPayloadType: 96, Remote: remote}},
		{"ptime too short", StreamConfig{Ports: pp, Codec: codec.PCMU(), FrameDuration: 5 * time.Millisecond, Remote: remote}},
		{"frame larger than a packet", StreamConfig{Ports: pp, Codec: l16wide, PayloadType: 96, FrameDuration: 60 * time.Millisecond, Remote: remote}},
		{"reorder depth", StreamConfig{Ports: pp, Codec: codec.PCMU(), ReorderDepth: 100, Remote: remote}},
		{"RTCP interval", StreamConfig{Ports: pp, Codec: codec.PCMU(), RTCPInterval: time.Microsecond, Remote: remote}},
		{"no remote and no latching", StreamConfig{Ports: pp, Codec: codec.PCMU()}},
	}
	for _, tc := range cases {
		if s, err := NewStream(tc.cfg); err == nil {
			_ = s.Close()
			t.Errorf("%s: accepted", tc.name)
		}
	}
	// The pair is still free for a valid stream after all those refusals.
	s, err := NewStream(StreamConfig{Ports: pp, Codec: codec.PCMU(), Remote: remote})
	if err != nil {
		t.Fatal(err)
	}
	if s.SampleRate() != 8000 || s.FrameSamples() != 160 || s.LocalPort() != pp.Port() {
		t.Fatalf("rate %d frame %d port %d", s.SampleRate(), s.FrameSamples(), s.LocalPort())
	}
	if err := s.SendDTMF('1', 100*time.Millisecond); err == nil {
		t.Fatal("DTMF accepted without a telephone-event payload type")
	}
	if err := s.SetRemote(netip.AddrPort{}, netip.AddrPort{}); err == nil {
		t.Fatal("invalid remote accepted")
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}
