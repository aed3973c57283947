package loadtest

import (
	"strings"
	"testing"
)

// What an mrcpd /metrics page looks like, trimmed: HELP/TYPE comments,
// labelled and unlabelled series, exponent notation.
const exposition = `# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.
# TYPE process_cpu_seconds_total counter
process_cpu_seconds_total 12.47
# HELP process_resident_memory_bytes Resident memory size in bytes.
# TYPE process_resident_memory_bytes gauge
process_resident_memory_bytes 5.4996992e+07
# TYPE mrcpd_sessions_active gauge
mrcpd_sessions_active 20
mrcpd_channels_active{resource="speechrecog"} 20
mrcpd_mrcp_requests_total{method="RECOGNIZE",resource="speechrecog",status="200"} 512 1700000000000
mrcpd_odd{path="a \"quoted\" } brace\\",other="x\ny",} +Inf
go_gc_duration_seconds{quantile="0.5"} NaN
`

func TestParseExposition(t *testing.T) {
	got, err := parseExposition([]byte(exposition), metricCPU, metricRSS, metricSessions, "mrcpd_channels_active", "absent")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]float64{metricCPU: 12.47, metricRSS: 54996992, metricSessions: 20, "mrcpd_channels_active": 20}
	if len(got) != len(want) {
		t.Fatalf("got %v", got)
	}
	for k, v := range want {
		if got[k] != v {
			t.Fatalf("%s = %v, want %v", k, got[k], v)
		}
	}
}

func TestParseExpositionSumsLabelSets(t *testing.T) {
	text := "x{a=\"1\"} 1\nx{a=\"2\"} 2.5\r\nx 0.5\n"
	got, err := parseExposition([]byte(text), "x")
	if err != nil || got["x"] != 4 {
		t.Fatalf("got %v, %v", got, err)
	}
}

func TestParseExpositionErrors(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{"mrcpd_sessions_active\n", "line 1: mrcpd_sessions_active: want a value"},
		{"ok 1\nmrcpd_sessions_active twenty\n", "line 2: mrcpd_sessions_active: value \"twenty\" is not a number"},
		{"x 1 2 3\n", "want a value and an optional timestamp"},
		{"x 1 soon\n", "timestamp \"soon\" is not an integer"},
		{"{a=\"1\"} 1\n", "no metric name"},
		{"9x 1\n", "no metric name"},
		{"x{a=\"1\" 1\n", "labels not closed"},
		{"x{a=\"1 1\n", "unterminated label value"},
		{"x{a=1} 1\n", "without =\"value\""},
		{"x{=\"1\"} 1\n", "bad label name"},
		{"x{a=\"\\q\"} 1\n", "bad escape"},
		{"x{a=\"\\", "unterminated label value"},
	} {
		_, err := parseExposition([]byte(tc.text), "x", metricSessions)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want %q", tc.text, err, tc.want)
		}
	}
}

func FuzzParseExposition(f *testing.F) {
	f.Add([]byte(exposition))
	f.Add([]byte("x{a=\"\\\"}\"} 1 2\n"))
	f.Add([]byte("x{a=\"1\",} -Inf\n# comment\n\n"))
	f.Fuzz(func(t *testing.T, text []byte) {
		got, err := parseExposition(text, metricCPU, metricRSS, metricSessions)
		if err != nil && got != nil {
			t.Fatalf("values %v with error %v", got, err)
		}
		for k := range got {
			if k != metricCPU && k != metricRSS && k != metricSessions {
				t.Fatalf("unwanted metric %q returned", k)
			}
		}
	})
}
