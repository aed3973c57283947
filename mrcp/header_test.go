package mrcp

import (
	"reflect"
	"testing"
)

func TestHeaderMethods(t *testing.T) {
	var h Header
	if h.Len() != 0 || h.Has(HdrChannelIdentifier) {
		t.Fatal("zero Header not empty")
	}
	h.Add("Channel-Identifier", "a@speechrecog")
	h.Add("Vendor-Specific-Parameters", "a=1")
	h.Add("vendor-specific-parameters", "b=2")
	h.Add("X-Custom", "x")

	if v, ok := h.Get("CHANNEL-IDENTIFIER"); !ok || v != "a@speechrecog" {
		t.Fatalf("Get case-insensitive: %q %v", v, ok)
	}
	if v, _ := h.Get(HdrVendorSpecificParameters); v != "a=1" {
		t.Fatalf("Get must return the first occurrence, got %q", v)
	}
	if _, ok := h.Get("Missing"); ok {
		t.Fatal("Get of an absent field")
	}

	h.Set("VENDOR-specific-parameters", "c=3")
	want := []Field{{"Channel-Identifier", "a@speechrecog"}, {"VENDOR-specific-parameters", "c=3"}, {"X-Custom", "x"}}
	if !reflect.DeepEqual(h.Fields(), want) {
		t.Fatalf("Set replaces all in place: %v", h.Fields())
	}
	h.Set("Logging-Tag", "t")
	if h.Len() != 4 || h.Fields()[3] != (Field{"Logging-Tag", "t"}) {
		t.Fatalf("Set appends when absent: %v", h.Fields())
	}

	c := h.Clone()
	h.Del("x-custom")
	if h.Has("X-Custom") || h.Len() != 3 {
		t.Fatalf("Del: %v", h.Fields())
	}
	if !c.Has("X-Custom") || c.Len() != 4 {
		t.Fatal("Clone shares storage with the original")
	}
	c.Fields()[0].Value = "changed"
	if v, _ := h.Get(HdrChannelIdentifier); v != "a@speechrecog" {
		t.Fatal("Clone shares field storage")
	}

	capBefore := cap(h.fields)
	h.Reset()
	if h.Len() != 0 || cap(h.fields) != capBefore {
		t.Fatalf("Reset: len %d cap %d, was %d", h.Len(), cap(h.fields), capBefore)
	}
	var empty Header
	if e := empty.Clone(); e.Len() != 0 {
		t.Fatal("Clone of empty")
	}
}

func TestHeaderLookupsDoNotAllocate(t *testing.T) {
	var h Header
	for _, n := range []string{HdrChannelIdentifier, HdrContentType, HdrNoInputTimeout, HdrStartInputTimers} {
		h.Add(n, "1")
	}
	h.fields[3].Value = "true"
	allocs := testing.AllocsPerRun(200, func() {
		h.Get("start-input-timers")
		h.Has(HdrContentLength)
		if _, _, err := h.Int(HdrNoInputTimeout); err != nil {
			t.Fatal(err)
		}
		if _, _, err := h.Bool(HdrStartInputTimers); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Fatalf("%v allocations", allocs)
	}
}

func TestEqualFoldASCII(t *testing.T) {
	cases := []struct {
		a, b string
		want bool
	}{
		{"Content-Length", "content-length", true},
		{"Content-Length", "CONTENT-LENGTH", true},
		{"Content-Length", "Content-Lengt", false},
		{"a", "b", false},
		{"[", "{", false}, // differ by 0x20 but are not letters
		{"@", "`", false},
		{"", "", true},
	}
	for _, c := range cases {
		if got := equalFoldASCII(c.a, c.b); got != c.want {
			t.Errorf("equalFoldASCII(%q, %q) = %v", c.a, c.b, got)
		}
	}
}
