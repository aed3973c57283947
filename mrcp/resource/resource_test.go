package resource

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/mrcpd/mrcpd/mrcp"
)

func TestRequestSequence(t *testing.T) {
	var s RequestSequence
	if _, ok := s.Last(); ok {
		t.Fatal("empty sequence has a last id")
	}
	steps := []struct {
		id uint32
		ok bool
	}{
		{5, true}, {5, false}, {4, false}, {6, true}, {100, true}, {99, false}, {4294967295, true}, {4294967295, false},
	}
	for _, st := range steps {
		if got := s.Next(st.id); got != st.ok {
			t.Fatalf("Next(%d) = %v, want %v", st.id, got, st.ok)
		}
	}
	if last, _ := s.Last(); last != 4294967295 {
		t.Fatalf("last %d", last)
	}
}

func TestNewResponseAndEvent(t *testing.T) {
	var req mrcp.Message
	req.Kind, req.Name, req.RequestID = mrcp.KindRequest, mrcp.MethodStop, 42
	req.Header.Set(mrcp.HdrChannelIdentifier, "abc@speechrecog")
	req.Header.Set(mrcp.HdrConfidenceThreshold, "0.5")
	resp := NewResponse(&req, mrcp.StatusMethodInvalidInState, mrcp.StateComplete)
	if resp.Kind != mrcp.KindResponse || resp.RequestID != 42 || resp.StatusCode != 402 || resp.State != mrcp.StateComplete {
		t.Fatalf("%+v", resp)
	}
	if resp.Header.Len() != 1 {
		t.Fatalf("response copies more than Channel-Identifier: %v", resp.Header.Fields())
	}
	if _, err := mrcp.Parse(resp.Marshal()); err != nil {
		t.Fatal(err)
	}
	ev := NewEvent("abc@speechrecog", mrcp.EventStartOfInput, 42, mrcp.StateInProgress)
	if got := string(ev.Marshal()); got != "MRCP/2.0 82 START-OF-INPUT 42 IN-PROGRESS\r\nChannel-Identifier: abc@speechrecog\r\n\r\n" {
		t.Fatalf("%q", got)
	}
	if ev := NewEvent("", mrcp.EventStartOfInput, 1, mrcp.StateInProgress); ev.Header.Len() != 0 {
		t.Fatal("empty channel written")
	}
}

func TestScopeTable(t *testing.T) {
	for name, want := range map[string]Scope{
		"channel-identifier":         ScopeMessage,
		"CONTENT-LENGTH":             ScopeMessage,
		"Vendor-Specific-Parameters": ScopeSession,
		"set-cookie2":                ScopeSession,
		"Logging-Tag":                ScopeSession,
	} {
		if got, ok := GenericScope(name); !ok || got != want {
			t.Errorf("GenericScope(%q) = %v %v, want %v", name, got, ok, want)
		}
	}
	if _, ok := GenericScope("Confidence-Threshold"); ok {
		t.Error("a recognizer field is generic")
	}
	for s, name := range map[Scope]string{ScopeUnsupported: "unsupported", ScopeMessage: "message", ScopeRequest: "request", ScopeSession: "session", 9: "invalid"} {
		if s.String() != name {
			t.Errorf("%d.String() = %q", s, s.String())
		}
	}
}

func TestParseVendorNames(t *testing.T) {
	cases := []struct {
		in   string
		want []string
		err  bool
	}{
		{"", nil, false},
		{"com.example.param1;com.example.param2", []string{"com.example.param1", "com.example.param2"}, false},
		{" a ; b=1 ;; c=\"x;y\";", []string{"a", "b", "c"}, false},
		{"a b", nil, true},
		{"=1", nil, true},
		{"a=\"open", nil, true},
		{"a\x01", nil, true},
	}
	for _, c := range cases {
		got, err := ParseVendorNames(c.in)
		if (err != nil) != c.err {
			t.Errorf("%q: err %v", c.in, err)
			continue
		}
		if err != nil && !errors.Is(err, ErrVendorNames) {
			t.Errorf("%q: error %v does not wrap ErrVendorNames", c.in, err)
		}
		if !c.err && !reflect.DeepEqual(got, c.want) {
			t.Errorf("%q: %q, want %q", c.in, got, c.want)
		}
	}
}

func TestMergeVendorParams(t *testing.T) {
	base := []mrcp.VendorParam{{Name: "a", Value: "1"}, {Name: "b", Value: "2"}}
	got := MergeVendorParams(base, []mrcp.VendorParam{{Name: "b", Value: "3"}, {Name: "c", Value: "4"}, {Name: "A", Value: "5"}})
	if FormatVendorParams(got) != "a=1;b=3;c=4;A=5" {
		t.Fatalf("%q", FormatVendorParams(got))
	}
	if base[1].Value != "2" {
		t.Fatal("merge modified its input")
	}
}

// testScopes is a small resource: two session parameters, one request field.
var testScopes = ScopeTable{
	{mrcp.HdrConfidenceThreshold, ScopeSession},
	{mrcp.HdrNoInputTimeout, ScopeSession},
	{mrcp.HdrCancelIfQueue, ScopeRequest},
}

func testClassify(name string) Scope {
	if s, ok := GenericScope(name); ok {
		return s
	}
	s, _ := testScopes.Lookup(name)
	return s
}

// codecCheck validates with the codec's field table.
func codecCheck(name, value string) int {
	var se *mrcp.StatusError
	if err := mrcp.ValidateHeaderValue(name, value); errors.As(err, &se) {
		return se.Code
	} else if err != nil {
		return mrcp.StatusIllegalHeaderValue
	}
	return 0
}

func header(pairs ...string) mrcp.Header {
	var h mrcp.Header
	for i := 0; i+1 < len(pairs); i += 2 {
		h.Add(pairs[i], pairs[i+1])
	}
	return h
}

func names(fields []mrcp.Field) string {
	var s []string
	for _, f := range fields {
		s = append(s, f.Name+"="+f.Value)
	}
	return strings.Join(s, ",")
}

func TestParams(t *testing.T) {
	p, err := NewParams(testClassify, codecCheck, header(mrcp.HdrNoInputTimeout, "5000"))
	if err != nil {
		t.Fatal(err)
	}
	h := header(mrcp.HdrChannelIdentifier, "x@speechrecog", mrcp.HdrConfidenceThreshold, "0.4",
		mrcp.HdrSetCookie, "a=1", mrcp.HdrSetCookie, "b=2", mrcp.HdrVendorSpecificParameters, "v.a=1;v.b=2")
	if st, bad := p.Set(&h); st != 200 || bad != nil {
		t.Fatalf("Set: %d %v", st, bad)
	}
	// A list field sent again replaces the whole list.
	h = header(mrcp.HdrSetCookie, "c=3", mrcp.HdrVendorSpecificParameters, "v.b=9")
	p.Set(&h)

	h = header()
	st, out := p.Get(&h)
	if st != 200 || names(out) != "No-Input-Timeout=5000,Confidence-Threshold=0.4,Set-Cookie=c=3,Vendor-Specific-Parameters=v.a=1;v.b=9" {
		t.Fatalf("wildcard: %d %s", st, names(out))
	}
	h = header("set-cookie", "", mrcp.HdrCancelIfQueue, "", "Logging-Tag", "")
	st, out = p.Get(&h)
	if st != 200 || names(out) != "set-cookie=c=3,Logging-Tag=" {
		t.Fatalf("named: %d %s", st, names(out))
	}
	h = header("Voice-Gender", "", "X-Unknown", "", mrcp.HdrConfidenceThreshold, "")
	st, out = p.Get(&h)
	if st != 403 || names(out) != "Voice-Gender=,X-Unknown=" {
		t.Fatalf("unsupported: %d %s", st, names(out))
	}
	h = header(mrcp.HdrVendorSpecificParameters, "a\"")
	if st, _ = p.Get(&h); st != 404 {
		t.Fatalf("bad vendor names: %d", st)
	}

	req := header(mrcp.HdrChannelIdentifier, "x@speechrecog", mrcp.HdrContentType, "text/uri-list",
		mrcp.HdrConfidenceThreshold, "0.8", mrcp.HdrCancelIfQueue, "false", "X-Extension", "kept",
		mrcp.HdrVendorSpecificParameters, "v.c=3")
	eff, err := p.Effective(&req)
	if err != nil {
		t.Fatal(err)
	}
	if names(eff.Fields()) != "No-Input-Timeout=5000,Confidence-Threshold=0.8,Set-Cookie=c=3,Cancel-If-Queue=false,X-Extension=kept,Vendor-Specific-Parameters=v.a=1;v.b=9;v.c=3" {
		t.Fatalf("effective: %s", names(eff.Fields()))
	}
	req = header(mrcp.HdrVendorSpecificParameters, "broken")
	if _, err := p.Effective(&req); err == nil {
		t.Fatal("malformed vendor parameters accepted")
	}
	if v, ok := p.Value(mrcp.HdrVendorSpecificParameters); !ok || v != "v.a=1;v.b=9" {
		t.Fatalf("Value: %q", v)
	}
	if vs := p.Vendor(); len(vs) != 2 {
		t.Fatalf("Vendor: %v", vs)
	}
}

func TestParamsSetFailureChangesNothing(t *testing.T) {
	p, _ := NewParams(testClassify, codecCheck, header(mrcp.HdrConfidenceThreshold, "0.5"))
	h := header(mrcp.HdrConfidenceThreshold, "0.9", mrcp.HdrNoInputTimeout, "x", mrcp.HdrVendorSpecificParameters, "a=1")
	st, bad := p.Set(&h)
	if st != 404 || names(bad) != "No-Input-Timeout=x" {
		t.Fatalf("%d %s", st, names(bad))
	}
	if v, _ := p.Value(mrcp.HdrConfidenceThreshold); v != "0.5" {
		t.Fatalf("partially applied: %q", v)
	}
	if _, ok := p.Value(mrcp.HdrVendorSpecificParameters); ok {
		t.Fatal("vendor parameters applied from a refused request")
	}
	h = header(mrcp.HdrCancelIfQueue, "true")
	if st, _ := p.Set(&h); st != 201 {
		t.Fatalf("request field: %d", st)
	}
}

func TestNewParamsRejectsBadInitial(t *testing.T) {
	if _, err := NewParams(testClassify, codecCheck, header("Voice-Gender", "male")); err == nil {
		t.Fatal("unsupported initial field accepted")
	}
	if _, err := NewParams(testClassify, nil, header(mrcp.HdrConfidenceThreshold, "anything")); err != nil {
		t.Fatalf("nil check must accept any value: %v", err)
	}
}
