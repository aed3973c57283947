package loadtest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestReportRoundTrip(t *testing.T) {
	rep := reportWith(timing(MethodInvite, 1.5, 2), timing(MethodBye, 0.5, 0.7))
	rep.Started = time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	rep.CompletionCauses = map[string]int{"000 success": 9, "001 no-match": 1}
	rep.Errors = []ErrorCount{{What: "BYE: SIP 481", Count: 1}}
	rep.ServerCost = &ServerCost{MetricsURL: "http://x/metrics", CPUMsPerSessionSecond: 0.1}
	Compare(rep, rep, DefaultRule, "self")
	path := filepath.Join(t.TempDir(), "base.json")
	if err := rep.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	if rep.Comparison == nil {
		t.Fatal("WriteFile dropped the caller's comparison")
	}
	got, err := ReadReport(path)
	if err != nil {
		t.Fatal(err)
	}
	want := *rep
	want.Comparison = nil
	if !reflect.DeepEqual(got, &want) {
		t.Fatalf("read back\n%+v\nwant\n%+v", got, &want)
	}
}

func TestParseReportErrors(t *testing.T) {
	valid := func(edit func(r *Report)) string {
		r := reportWith(timing(MethodInvite, 1, 2))
		edit(r)
		b, _ := json.Marshal(r)
		return string(b)
	}
	for _, tc := range []struct{ text, want string }{
		{"", "not a load test report"},
		{"[1,2]", "not a load test report"},
		{`{"format":"other/1"}`, `format "other/1"`},
		{valid(func(r *Report) { r.Methods[0].Method = "" }), "a method without a name"},
		{valid(func(r *Report) { r.Methods = append(r.Methods, r.Methods[0]) }), "listed twice"},
		{valid(func(r *Report) { r.Methods[0].Count = -1 }), "negative count"},
		{valid(func(r *Report) { r.Methods[0].P90Ms = -1 }), "out of range"},
		{valid(func(r *Report) { r.Methods[0].MinMs = 5 }), "out of order"},
	} {
		_, err := ParseReport([]byte(tc.text))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%.60q: error %v, want %q", tc.text, err, tc.want)
		}
	}
	if _, err := ReadReport(filepath.Join(t.TempDir(), "none.json")); err == nil {
		t.Error("missing file read")
	}
	big := filepath.Join(t.TempDir(), "big.json")
	if err := os.WriteFile(big, make([]byte, maxReportSize+2), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadReport(big); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("oversized file: %v", err)
	}
}

func FuzzParseReport(f *testing.F) {
	b, _ := json.Marshal(reportWith(timing(MethodInvite, 1, 2), timing(MethodRecognitionComplete, 900, 1200)))
	f.Add(b)
	f.Add([]byte(`{"format":"mrcpd-loadtest/1","methods":[{"method":"X","count":1,"avg_ms":1e308}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := ParseReport(data)
		if err != nil {
			return
		}
		// Whatever parses can be compared with and printed.
		c := Compare(r, r, DefaultRule, "fuzz")
		if c.Regressions != 0 {
			t.Fatalf("a report regressed against itself: %+v", c)
		}
		var sb strings.Builder
		if err := WriteText(&sb, r); err != nil {
			t.Fatal(err)
		}
	})
}
