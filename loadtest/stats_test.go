package loadtest

import (
	"testing"
	"time"
)

func TestPercentileNearestRank(t *testing.T) {
	var s []time.Duration
	for i := 1; i <= 10; i++ {
		s = append(s, time.Duration(i)*time.Millisecond)
	}
	for _, tc := range []struct {
		p    float64
		want time.Duration
	}{{50, 5 * time.Millisecond}, {90, 9 * time.Millisecond}, {99, 10 * time.Millisecond}, {0, time.Millisecond}, {100, 10 * time.Millisecond}} {
		if got := percentile(s, tc.p); got != tc.want {
			t.Errorf("p%g = %v, want %v", tc.p, got, tc.want)
		}
	}
	if percentile(nil, 50) != 0 {
		t.Error("percentile of nothing")
	}
	if got := percentile([]time.Duration{7}, 99); got != 7 {
		t.Errorf("single sample p99 = %v", got)
	}
}

func TestSeriesStats(t *testing.T) {
	s := newSeries()
	for _, d := range []time.Duration{3 * time.Millisecond, time.Millisecond, 2 * time.Millisecond, -time.Millisecond} {
		s.add(d)
	}
	s.errors = 2
	m := s.stats("X")
	want := MethodStats{Method: "X", Count: 4, Errors: 2, AvgMs: 1.5, MinMs: 0, MaxMs: 3, P50Ms: 1, P90Ms: 3, P99Ms: 3}
	if m != want {
		t.Fatalf("got %+v, want %+v", m, want)
	}
	if empty := newSeries().stats("Y"); empty != (MethodStats{Method: "Y"}) {
		t.Fatalf("empty series %+v", empty)
	}
}

// Past maxSamples the reservoir keeps its size, count/min/max/avg stay
// exact and the percentiles stay representative of a uniform stream.
func TestSeriesReservoir(t *testing.T) {
	s := newSeries()
	n := 3 * maxSamples
	for i := 0; i < n; i++ {
		s.add(time.Duration(i%1000) * time.Microsecond)
	}
	if len(s.samples) != maxSamples || s.count != n {
		t.Fatalf("kept %d of %d", len(s.samples), s.count)
	}
	m := s.stats("X")
	if m.MinMs != 0 || m.MaxMs != 0.999 || m.AvgMs < 0.499 || m.AvgMs > 0.5 {
		t.Fatalf("%+v", m)
	}
	if m.P50Ms < 0.48 || m.P50Ms > 0.52 || m.P90Ms < 0.88 || m.P90Ms > 0.92 {
		t.Fatalf("percentiles %+v", m)
	}
}

func TestRecorderErrorKindsBounded(t *testing.T) {
	r := newRecorder()
	for i := 0; i < 3*maxErrorKinds; i++ {
		r.fail(MethodRecognize, string(rune('A'+i%26))+time.Duration(i).String())
	}
	r.fail(MethodBye, string(make([]byte, 3*maxErrorLength)))
	var rep Report
	r.fill(&rep)
	if len(rep.Errors) != maxErrorKinds+1 {
		t.Fatalf("%d kinds kept", len(rep.Errors))
	}
	total := 0
	for _, e := range rep.Errors {
		total += e.Count
		if len(e.What) > maxErrorLength+len(MethodRecognize)+10 {
			t.Fatalf("description of %d bytes kept", len(e.What))
		}
	}
	if total != 3*maxErrorKinds+1 {
		t.Fatalf("%d errors counted", total)
	}
	if m, _ := rep.Method(MethodRecognize); m.Errors != 3*maxErrorKinds || m.Count != 0 {
		t.Fatalf("%+v", m)
	}
	if rep.Methods[0].Method != MethodRecognize || rep.Methods[1].Method != MethodBye {
		t.Fatalf("order %v", rep.Methods)
	}
}
