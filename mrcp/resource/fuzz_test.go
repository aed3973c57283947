package resource

import (
	"strings"
	"testing"

	"github.com/mrcpd/mrcpd/mrcp"
)

func FuzzParseVendorNames(f *testing.F) {
	for _, s := range []string{"", "a;b", "com.example.param1;com.example.param2", `a="x;y";b`, `a="\"`, " ; ;", "a=1=2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		names, err := ParseVendorNames(s)
		if err != nil {
			return
		}
		for _, n := range names {
			if n == "" || strings.ContainsAny(n, " \t\";") {
				t.Fatalf("name %q from %q", n, s)
			}
		}
	})
}

// FuzzParams feeds header sections ("name: value" lines) to SET-PARAMS,
// GET-PARAMS and parameter inheritance. Nothing may panic; an accepted
// SET-PARAMS must be readable back.
func FuzzParams(f *testing.F) {
	f.Add("Confidence-Threshold: 0.4\nNo-Input-Timeout: 5000")
	f.Add("Vendor-Specific-Parameters: a=1;b=\"x;y\"\nSet-Cookie: a=1\nSet-Cookie: b=2")
	f.Add("Voice-Gender: male\nConfidence-Threshold: 2")
	f.Add("Cancel-If-Queue: true\nchannel-identifier: x@y")
	f.Fuzz(func(t *testing.T, text string) {
		var h mrcp.Header
		for _, line := range strings.Split(text, "\n") {
			name, value, _ := strings.Cut(line, ":")
			h.Add(strings.TrimSpace(name), strings.TrimSpace(value))
		}
		p, err := NewParams(testClassify, codecCheck, mrcp.Header{})
		if err != nil {
			t.Fatal(err)
		}
		status, bad := p.Set(&h)
		switch status {
		case 200, 201:
			for _, f := range h.Fields() {
				if testClassify(f.Name) != ScopeSession || repeatable(f.Name) || strings.EqualFold(f.Name, mrcp.HdrVendorSpecificParameters) {
					continue
				}
				last, _ := lastValue(&h, f.Name)
				if v, _ := p.Value(f.Name); v != last {
					t.Fatalf("%s: stored %q, sent %q", f.Name, v, last)
				}
			}
		case 403, 404, 409:
			if len(bad) == 0 {
				t.Fatalf("status %d without the offending fields", status)
			}
		default:
			t.Fatalf("status %d", status)
		}
		p.Get(&h)
		var empty mrcp.Header
		p.Get(&empty)
		p.Effective(&h)
	})
}

func lastValue(h *mrcp.Header, name string) (string, bool) {
	v, ok := "", false
	for _, f := range h.Fields() {
		if strings.EqualFold(f.Name, name) {
			v, ok = f.Value, true
		}
	}
	return v, ok
}
