package loadtest

import (
	"cmp"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
)

// WriteText prints the report for people: the per-method table (with the
// baseline columns when the report was compared), the completion causes,
// the errors, and the server's cost against the budget.
func WriteText(w io.Writer, rep *Report) error {
	var b strings.Builder
	what := "RECOGNIZE " + rep.Grammar
	if rep.MediaOnly {
		what = "audio only, no RECOGNIZE,"
	}
	fmt.Fprintf(&b, "mrcpd loadtest: %d sessions on %s for %gs (ramp %gs), %s every %gs, %d recordings\n",
		rep.Sessions, rep.Server, rep.DurationSeconds, rep.RampSeconds, what, rep.RecognizeEverySeconds, rep.Recordings)
	fmt.Fprintf(&b, "established %d/%d sessions, %d recognitions completed, %.1f s\n\n",
		rep.SessionsEstablished, rep.Sessions, rep.Recognitions, rep.ElapsedSeconds)
	writeMethods(&b, rep)
	b.WriteString("\n")
	writeOutcomes(&b, rep)
	if rep.ServerCost != nil {
		writeServerCost(&b, rep.ServerCost)
	}
	if t := rep.LoadTool; t != nil {
		fmt.Fprintf(&b, "load tool: %.0f%% of one core (%.3f ms per session-second)\n", t.CorePercent, t.CPUMsPerSessionSecond)
	}
	if c := rep.Comparison; c != nil {
		writeComparison(&b, c)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeMethods(b *strings.Builder, rep *Report) {
	head := []string{"method", "count", "errors", "avg", "min", "max", "p50", "p90", "p99"}
	cmpd := rep.Comparison != nil
	if cmpd {
		head = append(head, "base avg", "delta avg", "base p90", "delta p90", "")
	}
	rows := [][]string{head}
	deltas := map[string]Delta{}
	if cmpd {
		for _, d := range rep.Comparison.Deltas {
			deltas[d.Method] = d
		}
	}
	addRow := func(m MethodStats, present bool) {
		row := []string{m.Method, fmt.Sprint(m.Count), fmt.Sprint(m.Errors)}
		for _, v := range []float64{m.AvgMs, m.MinMs, m.MaxMs, m.P50Ms, m.P90Ms, m.P99Ms} {
			row = append(row, msCell(v, present && m.Count > 0))
		}
		if cmpd {
			d := deltas[m.Method]
			if d.InBaseline && present && m.Count > 0 {
				row = append(row, msCell(d.BaseAvgMs, true), deltaCell(d.AvgDeltaMs, d.AvgDeltaPct),
					msCell(d.BaseP90Ms, true), deltaCell(d.P90DeltaMs, d.P90DeltaPct))
			} else if d.InBaseline {
				row = append(row, msCell(d.BaseAvgMs, true), "-", msCell(d.BaseP90Ms, true), "-")
			} else {
				row = append(row, "-", "-", "-", "-")
			}
			mark := ""
			if d.Regressed {
				mark = "REGRESSION: " + d.Reason
			}
			row = append(row, mark)
		}
		rows = append(rows, row)
	}
	for _, m := range rep.Methods {
		addRow(m, true)
	}
	if cmpd {
		for _, d := range rep.Comparison.Deltas {
			if _, ok := rep.Method(d.Method); !ok {
				addRow(MethodStats{Method: d.Method}, false)
			}
		}
	}
	widths := make([]int, len(head))
	for _, r := range rows {
		for i, cell := range r {
			widths[i] = max(widths[i], len(cell))
		}
	}
	for _, r := range rows {
		var line strings.Builder
		for i, cell := range r {
			switch {
			case i == 0:
				fmt.Fprintf(&line, "%-*s", widths[i], cell)
			case i == len(r)-1 && cmpd:
				fmt.Fprintf(&line, "  %s", cell)
			default:
				fmt.Fprintf(&line, "  %*s", widths[i], cell)
			}
		}
		b.WriteString(strings.TrimRight(line.String(), " "))
		b.WriteString("\n")
	}
	b.WriteString("(times in ms; percentiles are nearest-rank)\n")
}

func msCell(v float64, ok bool) string {
	if !ok {
		return "-"
	}
	return fmt.Sprintf("%.1f", v)
}

func deltaCell(deltaMs, pct float64) string {
	return fmt.Sprintf("%+.0f%% %+.1f", pct, deltaMs)
}

func writeOutcomes(b *strings.Builder, rep *Report) {
	if len(rep.CompletionCauses) > 0 {
		causes := slices.Sorted(maps.Keys(rep.CompletionCauses))
		parts := make([]string, len(causes))
		for i, c := range causes {
			parts[i] = fmt.Sprintf("%s %d", c, rep.CompletionCauses[c])
		}
		fmt.Fprintf(b, "completion causes: %s\n", strings.Join(parts, ", "))
	} else if !rep.MediaOnly {
		b.WriteString("completion causes: none\n")
	}
	if rep.EarlyCompletions > 0 {
		fmt.Fprintf(b, "completed before the recording ended (no RECOGNITION-COMPLETE timing): %d\n", rep.EarlyCompletions)
	}
	if rep.RTPSentPerSessionSecond > 0 {
		fmt.Fprintf(b, "audio sent: %.1f RTP packets per session-second (%d at full pace)\n", rep.RTPSentPerSessionSecond, fullPace)
	}
	if rep.CadenceOverruns > 0 {
		fmt.Fprintf(b, "cycles longer than the cadence (next one started late): %d\n", rep.CadenceOverruns)
	}
	if len(rep.Errors) == 0 {
		b.WriteString("errors: none\n")
		return
	}
	errs := slices.Clone(rep.Errors)
	slices.SortStableFunc(errs, func(a, b ErrorCount) int { return cmp.Compare(b.Count, a.Count) })
	b.WriteString("errors:\n")
	for _, e := range errs {
		fmt.Fprintf(b, "  %6d  %s\n", e.Count, e.What)
	}
}

func writeServerCost(b *strings.Builder, c *ServerCost) {
	fmt.Fprintf(b, "server (%s):\n", c.MetricsURL)
	if c.WindowSeconds > 0 && c.SessionSeconds > 0 {
		fmt.Fprintf(b, "  steady window %.1f s, %.1f sessions on average, %.0f session-seconds, %d recognitions\n",
			c.WindowSeconds, c.SessionsSteady, c.SessionSeconds, c.RecognitionsInWindow)
		fmt.Fprintf(b, "  CPU  %.3f ms per session-second (%.3f net of the idle %.2f ms/s); budget %.1f: %s\n",
			c.CPUMsPerSessionSecond, c.CPUMsPerSessionSecondNet, c.IdleCPUMsPerSecond,
			BudgetCPUMsPerSessionSecond, verdict(c.CPUMsPerSessionSecond <= BudgetCPUMsPerSessionSecond))
		fmt.Fprintf(b, "  RSS  %.0f KB per session at the window start, %.0f KB at its end; budget %d: %s\n",
			c.RSSPerSessionKB, c.RSSPerSessionEndKB, BudgetRSSKBPerSession,
			verdict(max(c.RSSPerSessionKB, c.RSSPerSessionEndKB) <= BudgetRSSKBPerSession))
		fmt.Fprintf(b, "       %.1f MB before, %.1f -> %.1f MB in the window, %.1f MB after",
			c.RSSBeforeKB/1024, c.RSSSteadyStartKB/1024, c.RSSSteadyEndKB/1024, c.RSSAfterKB/1024)
		if c.RecognitionsInWindow > 0 {
			fmt.Fprintf(b, "; %+.2f KB per recognition", c.RSSGrowthPerRecognitionKB)
		}
		b.WriteString("\n")
		if c.RTPPacketsPerSessionSecond > 0 {
			fmt.Fprintf(b, "  RTP  %.1f packets received per session-second (%d at full pace)\n", c.RTPPacketsPerSessionSecond, fullPace)
		}
	}
	fmt.Fprintf(b, "  sessions active before %g, after %g\n", c.SessionsBefore, c.SessionsAfter)
	for _, p := range c.Problems {
		fmt.Fprintf(b, "  problem: %s\n", p)
	}
	fmt.Fprintf(b, "  note: %s\n", ExcludesASR)
}

func verdict(ok bool) string {
	if ok {
		return "within"
	}
	return "OVER"
}

func writeComparison(b *strings.Builder, c *Comparison) {
	fmt.Fprintf(b, "baseline %s (taken %s); rule: p90 or avg slower by more than %.0f%% and by at least %.1f ms\n",
		c.Baseline, c.BaselineTaken, c.MaxRegression*100, c.MinDeltaMs)
	if c.Incomparable != "" {
		fmt.Fprintf(b, "  warning: the runs differ: %s\n", c.Incomparable)
	}
	if c.Regressions == 0 {
		b.WriteString("  no regression\n")
		return
	}
	fmt.Fprintf(b, "  %d method(s) regressed\n", c.Regressions)
}
