package loadtest

import (
	"fmt"
	"time"
)

// Rule decides when a method got slower than its baseline. A method
// regressed when its p90 or its average exceeds the baseline's by more than
// MaxRegression (a fraction: 0.2 is 20 %) AND by at least MinDelta. The
// second condition keeps noise on sub-millisecond figures (an INVITE at
// 0.8 ms against 0.5 ms is +60 %) from failing a run; the first keeps
// jitter on long figures (a RECOGNITION-COMPLETE at 1010 ms against
// 1000 ms) from doing so. A method the baseline measured but the run did
// not (no sample at all) is a regression too: the call no longer gets that
// far.
type Rule struct {
	MaxRegression float64
	MinDelta      time.Duration
}

// DefaultRule is +20 % and at least 5 ms.
var DefaultRule = Rule{MaxRegression: 0.20, MinDelta: 5 * time.Millisecond}

// Comparison is a run set against a baseline.
type Comparison struct {
	Baseline       string  `json:"baseline"` // where it came from
	BaselineTaken  string  `json:"baseline_started"`
	MaxRegression  float64 `json:"max_regression"`
	MinDeltaMs     float64 `json:"min_delta_ms"`
	Deltas         []Delta `json:"methods"`
	Regressions    int     `json:"regressions"`
	Incomparable   string  `json:"incomparable,omitempty"` // how the runs' set-ups differ
	MissingMethods int     `json:"missing_methods,omitempty"`
}

// Delta is one method of the run against the same method of the baseline.
type Delta struct {
	Method      string  `json:"method"`
	InBaseline  bool    `json:"in_baseline"`
	BaseAvgMs   float64 `json:"baseline_avg_ms"`
	BaseP90Ms   float64 `json:"baseline_p90_ms"`
	AvgDeltaMs  float64 `json:"avg_delta_ms"`
	AvgDeltaPct float64 `json:"avg_delta_pct"`
	P90DeltaMs  float64 `json:"p90_delta_ms"`
	P90DeltaPct float64 `json:"p90_delta_pct"`
	Regressed   bool    `json:"regressed"`
	Reason      string  `json:"reason,omitempty"`
}

// Compare sets run against base under rule, stores the result in
// run.Comparison and returns it. source names the baseline in the output.
func Compare(run, base *Report, rule Rule, source string) *Comparison {
	c := &Comparison{
		Baseline:      source,
		BaselineTaken: base.Started.Format(time.RFC3339),
		MaxRegression: rule.MaxRegression,
		MinDeltaMs:    ms(rule.MinDelta),
		Incomparable:  setupDifference(run, base),
	}
	minDelta := ms(rule.MinDelta)
	for _, m := range run.Methods {
		d := Delta{Method: m.Method}
		b, ok := base.Method(m.Method)
		if ok && b.Count > 0 && m.Count > 0 {
			d.InBaseline = true
			d.BaseAvgMs, d.BaseP90Ms = b.AvgMs, b.P90Ms
			d.AvgDeltaMs, d.AvgDeltaPct = m.AvgMs-b.AvgMs, pct(m.AvgMs, b.AvgMs)
			d.P90DeltaMs, d.P90DeltaPct = m.P90Ms-b.P90Ms, pct(m.P90Ms, b.P90Ms)
			slower := func(delta, baseline float64) bool {
				return delta > rule.MaxRegression*baseline && delta >= minDelta
			}
			switch {
			case slower(d.P90DeltaMs, b.P90Ms):
				d.Regressed = true
				d.Reason = fmt.Sprintf("p90 %.1f ms vs %.1f ms", m.P90Ms, b.P90Ms)
			case slower(d.AvgDeltaMs, b.AvgMs):
				d.Regressed = true
				d.Reason = fmt.Sprintf("avg %.1f ms vs %.1f ms", m.AvgMs, b.AvgMs)
			}
		}
		if ok && b.Count > 0 && m.Count == 0 {
			d.Regressed = true
			d.Reason = fmt.Sprintf("no sample; the baseline had %d", b.Count)
		}
		if d.Regressed {
			c.Regressions++
		}
		c.Deltas = append(c.Deltas, d)
	}
	for _, b := range base.Methods {
		if _, ok := run.Method(b.Method); ok || b.Count == 0 {
			continue
		}
		c.Deltas = append(c.Deltas, Delta{Method: b.Method, InBaseline: true, BaseAvgMs: b.AvgMs, BaseP90Ms: b.P90Ms,
			Regressed: true, Reason: fmt.Sprintf("no sample; the baseline had %d", b.Count)})
		c.Regressions++
		c.MissingMethods++
	}
	run.Comparison = c
	return c
}

// pct is how much larger v is than base, in percent; 0 when base is 0.
func pct(v, base float64) float64 {
	if base == 0 {
		return 0
	}
	return (v - base) / base * 100
}

// setupDifference describes how two runs were set up differently, which
// makes their timings less comparable (the comparison is still made).
func setupDifference(run, base *Report) string {
	var diff string
	add := func(format string, args ...any) {
		if diff != "" {
			diff += "; "
		}
		diff += fmt.Sprintf(format, args...)
	}
	if run.Sessions != base.Sessions {
		add("sessions %d vs %d", run.Sessions, base.Sessions)
	}
	if run.RecognizeEverySeconds != base.RecognizeEverySeconds {
		add("cadence %gs vs %gs", run.RecognizeEverySeconds, base.RecognizeEverySeconds)
	}
	if run.Grammar != base.Grammar {
		add("grammar %s vs %s", run.Grammar, base.Grammar)
	}
	if run.MediaOnly != base.MediaOnly {
		add("media-only %t vs %t", run.MediaOnly, base.MediaOnly)
	}
	return diff
}
