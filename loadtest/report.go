package loadtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"
)

// ReportFormat identifies the JSON of a Report, which is also the baseline
// file format.
const ReportFormat = "mrcpd-loadtest/1"

// maxReportSize bounds a baseline file read back.
const maxReportSize = 16 << 20

// Report is what a run measured. Saved as JSON it is a baseline.
type Report struct {
	Format                string        `json:"format"`
	Started               time.Time     `json:"started"`
	Server                string        `json:"server"`
	Sessions              int           `json:"sessions"`
	DurationSeconds       float64       `json:"duration_s"`
	RampSeconds           float64       `json:"ramp_s"`
	RecognizeEverySeconds float64       `json:"recognize_every_s"`
	MediaOnly             bool          `json:"media_only,omitempty"`
	Grammar               string        `json:"grammar"`
	Recordings            int           `json:"recordings"`
	ElapsedSeconds        float64       `json:"elapsed_s"`
	SessionsEstablished   int           `json:"sessions_established"`
	Recognitions          int           `json:"recognitions"`
	Methods               []MethodStats `json:"methods"`
	// CompletionCauses counts RECOGNITION-COMPLETE by Completion-Cause
	// ("000 success"), including a RECOGNIZE answered COMPLETE at once.
	CompletionCauses map[string]int `json:"completion_causes"`
	Errors           []ErrorCount   `json:"errors,omitempty"`
	// EarlyCompletions are recognitions that heard speech and completed
	// before their recording had been sent whole: they give no
	// RECOGNITION-COMPLETE timing (there is no end of audio to measure
	// from).
	EarlyCompletions int `json:"early_completions,omitempty"`
	// CadenceOverruns are recognitions that took longer than the cadence,
	// so the next one started late.
	CadenceOverruns int `json:"cadence_overruns,omitempty"`
	// RTPSentPerSessionSecond is the audio pace the calls achieved,
	// from INVITE answered to hang-up: 50 packets per second at 20 ms
	// when the load tool kept up.
	RTPSentPerSessionSecond float64 `json:"rtp_sent_per_session_second"`
	// ServerCost is measured when the run had the server's metrics URL.
	ServerCost *ServerCost `json:"server_cost,omitempty"`
	// LoadTool is this process's own CPU over the steady window.
	LoadTool *ToolCost `json:"load_tool,omitempty"`
	// Comparison is set by Compare; WriteFile leaves it out.
	Comparison *Comparison `json:"comparison,omitempty"`
}

// MethodStats are one method's timings in milliseconds.
type MethodStats struct {
	Method string  `json:"method"`
	Count  int     `json:"count"`
	Errors int     `json:"errors"`
	AvgMs  float64 `json:"avg_ms"`
	MinMs  float64 `json:"min_ms"`
	MaxMs  float64 `json:"max_ms"`
	P50Ms  float64 `json:"p50_ms"`
	P90Ms  float64 `json:"p90_ms"`
	P99Ms  float64 `json:"p99_ms"`
}

// ErrorCount is how often one kind of error happened.
type ErrorCount struct {
	What  string `json:"what"`
	Count int    `json:"count"`
}

// Method returns the figures of a method, or false if the report has none.
func (r *Report) Method(name string) (MethodStats, bool) {
	for _, m := range r.Methods {
		if m.Method == name {
			return m, true
		}
	}
	return MethodStats{}, false
}

// WriteFile saves the report as a baseline: its figures without any
// comparison it was part of.
func (r *Report) WriteFile(path string) error {
	c := *r
	c.Comparison = nil
	b, err := json.MarshalIndent(&c, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("loadtest: save baseline: %w", err)
	}
	return nil
}

// ReadReport loads a report saved by WriteFile.
func ReadReport(path string) (*Report, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("loadtest: baseline: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxReportSize+1))
	if err != nil {
		return nil, fmt.Errorf("loadtest: baseline %s: %w", path, err)
	}
	if len(b) > maxReportSize {
		return nil, fmt.Errorf("loadtest: baseline %s is larger than %d bytes", path, maxReportSize)
	}
	r, err := ParseReport(b)
	if err != nil {
		return nil, fmt.Errorf("loadtest: baseline %s: %w", path, err)
	}
	return r, nil
}

// ParseReport decodes a saved report and checks that its figures can be
// compared with: a known format, named methods, no negative or non-finite
// numbers, min <= avg <= max.
func ParseReport(b []byte) (*Report, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	var r Report
	if err := dec.Decode(&r); err != nil {
		return nil, fmt.Errorf("not a load test report: %w", err)
	}
	if r.Format != ReportFormat {
		return nil, fmt.Errorf("format %q, want %q", r.Format, ReportFormat)
	}
	seen := map[string]bool{}
	for _, m := range r.Methods {
		if m.Method == "" {
			return nil, fmt.Errorf("a method without a name")
		}
		if seen[m.Method] {
			return nil, fmt.Errorf("method %s listed twice", m.Method)
		}
		seen[m.Method] = true
		if m.Count < 0 || m.Errors < 0 {
			return nil, fmt.Errorf("method %s: negative count", m.Method)
		}
		for _, v := range []float64{m.AvgMs, m.MinMs, m.MaxMs, m.P50Ms, m.P90Ms, m.P99Ms} {
			if v < 0 || v != v || v > 1e12 {
				return nil, fmt.Errorf("method %s: timing %v out of range", m.Method, v)
			}
		}
		if m.Count > 0 && (m.MinMs > m.AvgMs || m.AvgMs > m.MaxMs) {
			return nil, fmt.Errorf("method %s: min %v, avg %v, max %v out of order", m.Method, m.MinMs, m.AvgMs, m.MaxMs)
		}
	}
	return &r, nil
}
