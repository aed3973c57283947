package grammar

import (
	"slices"
	"strings"
	"testing"
)

func TestParseReferences(t *testing.T) {
	// RFC 6787 §9.5.1 "Grammar Reference Example".
	uriList := "session:help@root-level.store\r\nhttp://www.example.com/Directory-Name-List.grxml\r\n" +
		"# a comment\r\n\r\nhttp://www.example.com/Department-List.grxml\r\nsession:menu1@menu-level.store\r\n"
	refs, err := ParseReferences("text/uri-list", []byte(uriList))
	if err != nil {
		t.Fatal(err)
	}
	want := []Reference{
		{"session:help@root-level.store", 1},
		{"http://www.example.com/Directory-Name-List.grxml", 1},
		{"http://www.example.com/Department-List.grxml", 1},
		{"session:menu1@menu-level.store", 1},
	}
	if !slices.Equal(refs, want) {
		t.Errorf("uri-list = %v", refs)
	}
	// RFC 6787 §13.5.1 example.
	refList := "<http://example.com/grammars/field1.gram>\n" +
		"<http://example.com/grammars/field2.gram>;weight=\"0.85\"\n" +
		"<session:field3@form-level.store>;weight=\"0.9\"\n" +
		"<http://example.com/grammars/universals.gram>;weight=\"0.75\";future=x\n"
	refs, err = ParseReferences("text/grammar-ref-list; charset=utf-8", []byte(refList))
	if err != nil {
		t.Fatal(err)
	}
	want = []Reference{
		{"http://example.com/grammars/field1.gram", 1},
		{"http://example.com/grammars/field2.gram", 0.85},
		{"session:field3@form-level.store", 0.9},
		{"http://example.com/grammars/universals.gram", 0.75},
	}
	if !slices.Equal(refs, want) {
		t.Errorf("grammar-ref-list = %v", refs)
	}
	for _, tc := range []struct{ ct, body string }{
		{"text/uri-list", ""},
		{"text/uri-list", "# only a comment\n"},
		{"application/srgs", "session:x"},
		{"text/grammar-ref-list", "http://no-brackets"},
		{"text/grammar-ref-list", "<http://x;weight=1"},
		{"text/grammar-ref-list", "<http://x>;weight=\"-1\""},
		{"text/grammar-ref-list", "<http://x>;weight=abc"},
		{"text/grammar-ref-list", "<>"},
		{"text/uri-list", strings.Repeat("session:x\n", maxReferences+1)},
	} {
		if _, err := ParseReferences(tc.ct, []byte(tc.body)); err == nil || CauseCode(err) != 4 {
			t.Errorf("ParseReferences(%q, %q) error = %v, want a load failure", tc.ct, tc.body, err)
		}
	}
}

func TestSessionIDs(t *testing.T) {
	if id, ok := SessionID("session:request1@form-level.store"); !ok || id != "request1@form-level.store" {
		t.Errorf("SessionID = %q, %v", id, ok)
	}
	if id, ok := SessionID(" Session:a@b "); !ok || id != "a@b" {
		t.Errorf("SessionID case = %q, %v", id, ok)
	}
	for _, uri := range []string{"session:", "http://x", "builtin:grammar/digits"} {
		if _, ok := SessionID(uri); ok {
			t.Errorf("SessionID(%q) ok", uri)
		}
	}
	for in, want := range map[string]string{
		"<request1@form-level.store>": "request1@form-level.store",
		"request1@form-level":         "request1@form-level",
		" < a@b > ":                   "a@b",
	} {
		if got := ContentID(in); got != want {
			t.Errorf("ContentID(%q) = %q, want %q", in, got, want)
		}
	}
}
