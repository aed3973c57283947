package rtp

import (
	"testing"
	"time"
)

// TestReceptionReportWrap checks the extended highest sequence number and
// the loss figures of RFC 3550 A.3 across a sequence wrap.
func TestReceptionReportWrap(t *testing.T) {
	var r reception
	for _, seq := range []uint16{65530, 65531, 65533, 65535, 0, 1, 3} {
		r.packet(seq)
	}
	rep := r.report(1, time.Now())
	if rep.LastSequenceNumber != 65536+3 {
		t.Fatalf("extended highest %d, want %d", rep.LastSequenceNumber, 65536+3)
	}
	// 10 expected (65530..3), 7 received.
	if rep.TotalLost != 3 || rep.FractionLost != 3*256/10 {
		t.Fatalf("lost %d fraction %d", rep.TotalLost, rep.FractionLost)
	}
	// Next interval: nothing lost.
	r.packet(4)
	if rep := r.report(1, time.Now()); rep.FractionLost != 0 || rep.TotalLost != 3 {
		t.Fatalf("second interval lost %d fraction %d", rep.TotalLost, rep.FractionLost)
	}
}

// TestJitterEstimate: packets 20 ms apart in timestamp arriving with an
// alternating 10 ms error converge on the A.8 estimate (~80 units at 8 kHz).
func TestJitterEstimate(t *testing.T) {
	var r reception
	for i := range 500 {
		ts := uint32(i * 160)
		arrival := ts + 1000
		if i%2 == 1 {
			arrival += 80
		}
		r.arrival(ts, arrival)
	}
	if j := r.jitterUnits(); j < 70 || j > 80 {
		t.Fatalf("jitter %d units, want about 75-80", j)
	}
}
