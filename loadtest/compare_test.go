package loadtest

import (
	"strings"
	"testing"
	"time"
)

func reportWith(methods ...MethodStats) *Report {
	return &Report{Format: ReportFormat, Sessions: 10, RecognizeEverySeconds: 2, Grammar: "g", Methods: methods}
}

func timing(name string, avg, p90 float64) MethodStats {
	return MethodStats{Method: name, Count: 100, MinMs: 0, AvgMs: avg, MaxMs: 2 * p90, P50Ms: avg, P90Ms: p90, P99Ms: 2 * p90}
}

func TestCompareRule(t *testing.T) {
	for _, tc := range []struct {
		name      string
		run, base MethodStats
		regressed bool
		reason    string
	}{
		{"equal", timing("X", 100, 150), timing("X", 100, 150), false, ""},
		{"faster", timing("X", 50, 60), timing("X", 100, 150), false, ""},
		{"p90 +33% and +50 ms", timing("X", 100, 200), timing("X", 100, 150), true, "p90 200.0 ms vs 150.0 ms"},
		{"avg +30% and +30 ms", timing("X", 130, 150), timing("X", 100, 150), true, "avg 130.0 ms vs 100.0 ms"},
		{"p90 +20% exactly is allowed", timing("X", 100, 180), timing("X", 100, 150), false, ""},
		{"sub-ms noise: +300% but +1.5 ms", timing("X", 2, 2), timing("X", 0.5, 0.5), false, ""},
		{"+4.9 ms from 1 ms", timing("X", 5.9, 5.9), timing("X", 1, 1), false, ""},
		{"+5 ms from 1 ms", timing("X", 6, 6), timing("X", 1, 1), true, "p90 6.0 ms vs 1.0 ms"},
		{"+15 ms on 1 s is noise", timing("X", 1015, 1015), timing("X", 1000, 1000), false, ""},
		{"from zero", timing("X", 6, 6), timing("X", 0, 0), true, "p90 6.0 ms vs 0.0 ms"},
		{"no sample any more", MethodStats{Method: "X", Errors: 100}, timing("X", 1, 1), true, "no sample; the baseline had 100"},
		{"new method", timing("X", 1000, 1000), MethodStats{Method: "X"}, false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			run := reportWith(tc.run)
			c := Compare(run, reportWith(tc.base), DefaultRule, "b.json")
			if run.Comparison != c || len(c.Deltas) != 1 {
				t.Fatalf("comparison %+v", c)
			}
			d := c.Deltas[0]
			if d.Regressed != tc.regressed || d.Reason != tc.reason || (c.Regressions == 1) != tc.regressed {
				t.Fatalf("delta %+v, regressions %d", d, c.Regressions)
			}
		})
	}
}

func TestCompareDeltasAndMissing(t *testing.T) {
	run := reportWith(timing(MethodInvite, 3, 4))
	base := reportWith(timing(MethodInvite, 2, 2), timing(MethodRecognitionComplete, 1000, 1100))
	base.Sessions = 20
	c := Compare(run, base, Rule{MaxRegression: 0.5, MinDelta: time.Millisecond}, "b.json")
	if c.Regressions != 2 || c.MissingMethods != 1 || len(c.Deltas) != 2 {
		t.Fatalf("%+v", c)
	}
	inv := c.Deltas[0]
	if inv.AvgDeltaMs != 1 || inv.AvgDeltaPct != 50 || inv.P90DeltaMs != 2 || inv.P90DeltaPct != 100 || !inv.Regressed {
		t.Fatalf("INVITE %+v", inv)
	}
	if c.Deltas[1].Method != MethodRecognitionComplete || !c.Deltas[1].Regressed {
		t.Fatalf("missing method %+v", c.Deltas[1])
	}
	if c.Incomparable != "sessions 10 vs 20" {
		t.Fatalf("incomparable %q", c.Incomparable)
	}
	var b strings.Builder
	if err := WriteText(&b, run); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"+50% +1.0", "+100% +2.0", "REGRESSION: p90 4.0 ms vs 2.0 ms", "REGRESSION: no sample; the baseline had 100",
		"more than 50% and by at least 1.0 ms", "warning: the runs differ: sessions 10 vs 20", "2 method(s) regressed"} {
		if !strings.Contains(b.String(), want) {
			t.Fatalf("output lacks %q:\n%s", want, b.String())
		}
	}
}
