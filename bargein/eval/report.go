package eval

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"
)

// WriteTable writes res (indexed [candidate][snr], as Run returns it) as a
// Markdown table, one row per detector and SNR.
func WriteTable(w io.Writer, res [][]Stats) error {
	var b strings.Builder
	b.WriteString("| detector | SNR dB | trials | missed % | masked % | onset p50 ms | p90 ms | p95 ms | within 150 ms % | back-dating p50 ms | end detected p50 ms | lead false onsets % | false onsets/min (noise only) |\n")
	b.WriteString("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, row := range res {
		for _, s := range row {
			fmt.Fprintf(&b, "| %s | %g | %d | %.1f | %.1f | %d | %d | %d | %.1f | %d | %d | %.1f | %.2f |\n",
				s.Detector, s.SNR, s.Trials,
				pct(s.Missed, s.Trials), pct(s.Masked, s.Trials),
				ms(Percentile(s.Latency, 50)), ms(Percentile(s.Latency, 90)), ms(Percentile(s.Latency, 95)),
				pct(within(s.Latency, 150*time.Millisecond), s.Trials),
				ms(Percentile(s.Backdate, 50)), ms(Percentile(s.EndDelay, 50)),
				pct(s.LeadFalse, s.Trials), s.FalsePerMinute())
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteNoiseTable writes the noise-only onsets per minute of each detector
// per noise recording, summed over the SNRs.
func WriteNoiseTable(w io.Writer, res [][]Stats) error {
	if len(res) == 0 || len(res[0]) == 0 {
		return nil
	}
	var names []string
	for n := range res[0][0].PerNoise {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	b.WriteString("| detector |")
	for _, n := range names {
		b.WriteString(" " + n + " |")
	}
	b.WriteString("\n|---|" + strings.Repeat("---:|", len(names)) + "\n")
	for _, row := range res {
		b.WriteString("| " + row[0].Detector + " |")
		for _, n := range names {
			count, dur := 0, time.Duration(0)
			for _, s := range row {
				count += s.PerNoise[n]
				dur += s.PerNoiseTime[n]
			}
			rate := 0.0
			if dur > 0 {
				rate = float64(count) / dur.Minutes()
			}
			fmt.Fprintf(&b, " %.1f |", rate)
		}
		b.WriteString("\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func pct(n, of int) float64 {
	if of == 0 {
		return 0
	}
	return 100 * float64(n) / float64(of)
}

func ms(d time.Duration) int64 { return d.Milliseconds() }

func within(d []time.Duration, limit time.Duration) int {
	n := 0
	for _, x := range d {
		if x <= limit {
			n++
		}
	}
	return n
}
