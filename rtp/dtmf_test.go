package rtp

import (
	"testing"
	"time"
)

func eventPayload(code uint8, end bool, volume uint8, dur uint16) []byte {
	return telephoneEvent{event: code, end: end, volume: volume, duration: dur}.appendTo(nil)
}

// TestDTMFBetweenStreams sends digits from one Stream and checks that the
// other reports each once, with its duration.
func TestDTMFBetweenStreams(t *testing.T) {
	pool := testPool(t)
	a := newTestStream(t, pool, streamOpts{pt: 0, eventPT: 101})
	b := newTestStream(t, pool, streamOpts{pt: 0, eventPT: 101})
	connect(t, a, b)
	rec := &recorder{}
	b.SetSink(rec)
	e := newTestEngine(t, EngineOptions{Shards: 1})
	defer e.Close()
	for _, s := range []*Stream{a, b} {
		if err := e.Add(s); err != nil {
			t.Fatal(err)
		}
	}
	if err := a.SendDTMF('5', 100*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if err := a.SendDTMF('#', 60*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 3*time.Second, "two digits", func() bool { return b.Stats().DigitsReceived == 2 })
	want := []DTMFEvent{
		{Digit: '5', Begin: true, Duration: 20 * time.Millisecond},
		{Digit: '5', End: true, Duration: 100 * time.Millisecond},
		{Digit: '#', Begin: true, Duration: 20 * time.Millisecond},
		{Digit: '#', End: true, Duration: 60 * time.Millisecond},
	}
	checkDigits(t, rec.digits(), want)
	// 5 packets for 100 ms and 3 for 60 ms, each digit's last one sent
	// three times (RFC 4733 §2.5.1.4).
	waitFor(t, time.Second, "all event packets", func() bool { return b.Stats().PacketsReceived == 12 })
	if st := a.Stats(); st.DigitsSent != 2 || st.PacketsSent != 12 {
		t.Fatalf("sender stats %+v", st)
	}
	if err := a.SendDTMF('x', 100*time.Millisecond); err == nil {
		t.Fatal("'x' accepted as a digit")
	}
	if err := a.SendDTMF('1', 10*time.Second); err == nil {
		t.Fatal("10 s digit accepted")
	}
}

func checkDigits(t *testing.T, got, want []DTMFEvent) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d events %+v, want %d %+v", len(got), got, len(want), want)
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.Digit != w.Digit || g.Begin != w.Begin || g.End != w.End || g.Duration != w.Duration {
			t.Fatalf("event %d = %+v, want %+v", i, g, w)
		}
	}
}

// TestDTMFScripted replays telephone-event sequences as a gateway sends
// them, with redundancy, duplicates, losses and long events.
func TestDTMFScripted(t *testing.T) {
	type pkt struct {
		seq     uint16
		ts      uint32
		code    uint8
		end     bool
		dur     uint16
		vol     uint8
		advance time.Duration // clock advance before this packet's tick
	}
	ms := func(d uint16) time.Duration { return time.Duration(d) * time.Second / 8000 }
	cases := []struct {
		name string
		pkts []pkt
		want []DTMFEvent
	}{
		{
			name: "begin, updates, duplicate, three end packets",
			pkts: []pkt{
				{seq: 1, ts: 1000, code: 1, dur: 160, vol: 10},
				{seq: 2, ts: 1000, code: 1, dur: 320, vol: 12},
				{seq: 2, ts: 1000, code: 1, dur: 320, vol: 12},
				{seq: 3, ts: 1000, code: 1, end: true, dur: 480, vol: 10},
				{seq: 4, ts: 1000, code: 1, end: true, dur: 480, vol: 10},
				{seq: 5, ts: 1000, code: 1, end: true, dur: 480, vol: 10},
			},
			want: []DTMFEvent{{Digit: '1', Begin: true, Duration: ms(160)}, {Digit: '1', End: true, Duration: ms(480)}},
		},
		{
			name: "end packets retransmitted much later",
			pkts: []pkt{
				{seq: 1, ts: 1000, code: 11, dur: 160},
				{seq: 2, ts: 1000, code: 11, end: true, dur: 320},
				{seq: 3, ts: 1000, code: 11, end: true, dur: 320, advance: 500 * time.Millisecond},
			},
			want: []DTMFEvent{{Digit: '#', Begin: true, Duration: ms(160)}, {Digit: '#', End: true, Duration: ms(320)}},
		},
		{
			name: "only end packets arrive",
			pkts: []pkt{
				{seq: 7, ts: 3000, code: 2, end: true, dur: 800},
				{seq: 8, ts: 3000, code: 2, end: true, dur: 800},
			},
			want: []DTMFEvent{{Digit: '2', Begin: true, Duration: ms(800)}, {Digit: '2', End: true, Duration: ms(800)}},
		},
		{
			name: "end never arrives",
			pkts: []pkt{
				{seq: 1, ts: 5000, code: 3, dur: 160},
				{seq: 2, ts: 5000, code: 3, dur: 320},
				{seq: 3, ts: 9000, code: 0, dur: 160, advance: 2 * time.Second},
			},
			want: []DTMFEvent{
				{Digit: '3', Begin: true, Duration: ms(160)}, {Digit: '3', End: true, Duration: ms(320)},
				{Digit: '0', Begin: true, Duration: ms(160)},
			},
		},
		{
			name: "next digit before the end of the last",
			pkts: []pkt{
				{seq: 1, ts: 1000, code: 4, dur: 160},
				{seq: 2, ts: 2000, code: 5, dur: 160},
				{seq: 3, ts: 2000, code: 5, end: true, dur: 320},
			},
			want: []DTMFEvent{
				{Digit: '4', Begin: true, Duration: ms(160)}, {Digit: '4', End: true, Duration: ms(160)},
				{Digit: '5', Begin: true, Duration: ms(160)}, {Digit: '5', End: true, Duration: ms(320)},
			},
		},
		{
			name: "long event over two segments",
			pkts: []pkt{
				{seq: 1, ts: 20000, code: 15, dur: 60000},
				{seq: 2, ts: 20000, code: 15, dur: 65535},
				{seq: 3, ts: 20000 + 65535, code: 15, end: true, dur: 800},
			},
			want: []DTMFEvent{{Digit: 'D', Begin: true, Duration: ms(60000)}, {Digit: 'D', End: true, Duration: ms(65535) + ms(800)}},
		},
		{
			name: "non-DTMF events ignored",
			pkts: []pkt{
				{seq: 1, ts: 1000, code: 16, dur: 160},
				{seq: 2, ts: 1000, code: 16, end: true, dur: 320},
				{seq: 3, ts: 2000, code: 12, end: true, dur: 320},
			},
			want: []DTMFEvent{{Digit: 'A', Begin: true, Duration: ms(320)}, {Digit: 'A', End: true, Duration: ms(320)}},
		},
	}
	pool := testPool(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			peer := newRawPeer(t)
			s := newTestStream(t, pool, streamOpts{pt: 0, eventPT: 101, remote: peer.addr()})
			rec := &recorder{}
			s.SetSink(rec)
			m := newManualShard(t, s)
			now := time.Now()
			for i, p := range tc.pkts {
				now = now.Add(p.advance)
				m.sh.tick(now) // let timeouts fire before the packet
				peer.send(t, addrOf(s), rtpPacket(101, false, p.seq, p.ts, 42, eventPayload(p.code, p.end, p.vol, p.dur)))
				want := uint64(i + 1)
				m.tickUntil(t, now, "packet", func() bool {
					st := s.Stats()
					return st.PacketsReceived == want
				})
			}
			checkDigits(t, rec.digits(), tc.want)
		})
	}
}
