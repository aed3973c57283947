package recog

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/mrcpd/mrcpd/mrcp"
)

func (h *harness) define(id, body string) {
	h.t.Helper()
	req := h.next
	wantActions(h.t, h.doBody(mrcp.MethodDefineGrammar, srgs, body, "Content-Id", id), "load "+itoa(req))
	wantActions(h.t, h.in(GrammarsLoaded{RequestID: req}), "response "+itoa(req)+" 200 COMPLETE cause=000")
}

func itoa(v uint32) string { return strconv.FormatUint(uint64(v), 10) }

// recognizeWith sends a RECOGNIZE and returns the grammars it activates.
func (h *harness) recognizeWith(contentType, body string, fields ...string) []Grammar {
	h.t.Helper()
	acts := h.send(h.request(mrcp.MethodRecognize, contentType, body, append([]string{"Cancel-If-Queue", "false"}, fields...)...))
	start := startOf(h.t, acts)
	// Leave the machine ready for the next RECOGNIZE.
	h.input(RecognitionComplete{RequestID: start.RequestID, Cause: mrcp.CauseNoMatch})
	return start.Grammars
}

func refs(gs []Grammar) string {
	var s []string
	for _, g := range gs {
		s = append(s, g.Ref())
	}
	return strings.Join(s, " ")
}

func TestSessionGrammarReferences(t *testing.T) {
	h := newHarness(t, Config{})
	h.define("<request1@form-level.store>", digitGrammar) // RFC 6787 style, in brackets
	h.define("help@root-level.store", "<grammar/>")

	// RFC 6787 §9.8 example: several session grammars by reference.
	got := h.recognizeWith("text/uri-list", "session:request1@form-level.store\r\nsession:help@root-level.store\r\n")
	if refs(got) != "session:request1@form-level.store session:help@root-level.store" || string(got[0].Body) != digitGrammar {
		t.Fatalf("grammars %s", refs(got))
	}
	// cid: syntax allows percent-encoding (RFC 2392); comments in uri-lists.
	got = h.recognizeWith("text/uri-list", "# the help grammar\nsession:help%40root-level.store\nhttp://example.com/names.grxml\n")
	if refs(got) != "session:help@root-level.store http://example.com/names.grxml" {
		t.Fatalf("grammars %s", refs(got))
	}
	// An inline grammar in RECOGNIZE is kept under its Content-ID (§9.5.1).
	got = h.recognizeWith(srgs, "<grammar>inline</grammar>", "Content-Id", "<inline1@x>")
	if refs(got) != "session:inline1@x" {
		t.Fatalf("grammars %s", refs(got))
	}
	if g, ok := h.m.SessionGrammar("inline1@x"); !ok || string(g[0].Body) != "<grammar>inline</grammar>" {
		t.Fatalf("inline grammar not stored: %+v", g)
	}
	got = h.recognizeWith("text/uri-list", "session:inline1@x")
	if string(got[0].Body) != "<grammar>inline</grammar>" {
		t.Fatalf("reference to the inline grammar: %+v", got)
	}
}

func TestRedefineAndClearGrammar(t *testing.T) {
	h := newHarness(t, Config{})
	h.define("g@x", "<grammar>first</grammar>")
	h.define("g@x", "<grammar>second</grammar>")
	if g, _ := h.m.SessionGrammar("g@x"); string(g[0].Body) != "<grammar>second</grammar>" {
		t.Fatalf("redefinition kept %q", g[0].Body)
	}
	// §9.5.1: an empty DEFINE-GRAMMAR makes the content-id "one that has
	// never been set"; it needs no engine work.
	wantActions(t, h.do(mrcp.MethodDefineGrammar, "Content-Id", "g@x"), "response 3 200 COMPLETE cause=000")
	if _, ok := h.m.SessionGrammar("g@x"); ok {
		t.Fatal("grammar still defined")
	}
	wantActions(t, h.doBody(mrcp.MethodRecognize, "text/uri-list", "session:g@x", "Cancel-If-Queue", "false"),
		"response 4 407 COMPLETE cause=009")
}

func TestDefineGrammarEngineVerdict(t *testing.T) {
	h := newHarness(t, Config{})
	wantActions(t, h.doBody(mrcp.MethodDefineGrammar, srgs, "<grammar", "Content-Id", "bad@x"), "load 1")
	var extra mrcp.Header
	extra.Set(mrcp.HdrFailedURI, "http://example.com/rule.grxml")
	extra.Set(mrcp.HdrChannelIdentifier, "forged@speechrecog")
	acts := h.input(GrammarsLoaded{RequestID: 1, Cause: mrcp.CompletionCause{Code: 5}, Reason: `line 1: "<grammar" unterminated`, Header: extra})
	wantActions(t, summarize(t, acts), "response 1 407 COMPLETE cause=005")
	resp := acts[0].(SendResponse).Message
	if v := get(&resp.Header, mrcp.HdrCompletionCause); v != "005 grammar-compilation-failure" {
		t.Errorf("cause %q", v)
	}
	if v := get(&resp.Header, mrcp.HdrCompletionReason); v != `"line 1: \"<grammar\" unterminated"` {
		t.Errorf("reason %q", v)
	}
	if v := get(&resp.Header, mrcp.HdrFailedURI); v != "http://example.com/rule.grxml" {
		t.Errorf("Failed-URI %q", v)
	}
	if v := get(&resp.Header, mrcp.HdrChannelIdentifier); v != chanID {
		t.Errorf("engine overrode Channel-Identifier: %q", v)
	}
	if _, ok := h.m.SessionGrammar("bad@x"); ok {
		t.Fatal("a grammar that failed to compile was stored")
	}
}

// text/grammar-ref-list carries weights (RFC 6787 §13.5.1); a weight on a
// session reference scales the grammar it names.
func TestGrammarRefListWeights(t *testing.T) {
	h := newHarness(t, Config{})
	h.define("field3@form-level.store", "<grammar/>")
	got := h.recognizeWith("text/grammar-ref-list", `<http://example.com/grammars/field1.gram>
<http://example.com/grammars/field2.gram>;weight="0.85"
<session:field3@form-level.store>;weight="0.9"
<http://example.com/grammars/universals.gram>;weight=0.75;lang=en
`)
	want := []struct {
		ref    string
		weight float64
	}{
		{"http://example.com/grammars/field1.gram", 1},
		{"http://example.com/grammars/field2.gram", 0.85},
		{"session:field3@form-level.store", 0.9},
		{"http://example.com/grammars/universals.gram", 0.75},
	}
	if len(got) != len(want) {
		t.Fatalf("grammars %s", refs(got))
	}
	for i, w := range want {
		if got[i].Ref() != w.ref || got[i].Weight != w.weight {
			t.Errorf("grammar %d: %s weight %v, want %s %v", i, got[i].Ref(), got[i].Weight, w.ref, w.weight)
		}
	}
}

// RFC 6787 §9.5.1 "Mixed Grammar Reference Example": multipart/mixed with a
// uri-list and an inline grammar.
func TestMultipartGrammars(t *testing.T) {
	body := "--break\r\n" +
		"Content-Type:text/uri-list\r\n" +
		"Content-Length:...\r\n" +
		"\r\n" +
		"http://www.example.com/Directory-Name-List.grxml\r\n" +
		"http://www.example.com/Department-List.grxml\r\n" +
		"\r\n" +
		"--break\r\n" +
		"Content-Type:application/srgs+xml\r\n" +
		"Content-ID:<request1@form-level.store>\r\n" +
		"\r\n" +
		"<grammar/>\r\n" +
		"--break--\r\n"
	// The RFC example has "Content-Length:..." placeholders; a real client
	// sends numbers, so replace it.
	body = strings.Replace(body, "Content-Length:...\r\n", "", 1)
	h := newHarness(t, Config{})
	got := h.recognizeWith(`multipart/mixed; boundary="break"`, body, "Content-Id", "all@x")
	if refs(got) != "http://www.example.com/Directory-Name-List.grxml http://www.example.com/Department-List.grxml session:request1@form-level.store" {
		t.Fatalf("grammars %s", refs(got))
	}
	if g, ok := h.m.SessionGrammar("request1@form-level.store"); !ok || string(g[0].Body) != "<grammar/>" {
		t.Fatalf("inline part not stored: %+v", g)
	}
	if g, ok := h.m.SessionGrammar("all@x"); !ok || len(g) != 3 {
		t.Fatalf("whole body not stored under the message Content-ID: %+v", g)
	}
	// The list stored under all@x expands on reference.
	got = h.recognizeWith("text/uri-list", "session:all@x")
	if len(got) != 3 {
		t.Fatalf("session:all@x expanded to %s", refs(got))
	}
}

func TestGrammarStoreLimits(t *testing.T) {
	t.Run("entries", func(t *testing.T) {
		h := newHarness(t, Config{MaxGrammars: 1})
		h.define("a@x", "<grammar/>")
		h.define("a@x", "<grammar>again</grammar>") // replacing takes no new room
		wantActions(t, h.doBody(mrcp.MethodDefineGrammar, srgs, "<grammar/>", "Content-Id", "b@x"), "response 3 407 COMPLETE cause=016")
		wantActions(t, h.recognizeInline("false"), "response 4 407 COMPLETE cause=016")
	})
	t.Run("bytes", func(t *testing.T) {
		h := newHarness(t, Config{MaxGrammarBytes: 100})
		wantActions(t, h.doBody(mrcp.MethodDefineGrammar, srgs, strings.Repeat("x", 101), "Content-Id", "big@x"), "response 1 407 COMPLETE cause=016")
	})
}

func TestInterpret(t *testing.T) {
	h := newHarness(t, Config{})
	// From RECOGNIZED: the result survives the INTERPRET (§9.14 keeps it
	// until the next RECOGNIZE).
	h.recognizeInline("false") // 1
	h.in(RecognitionComplete{RequestID: 1, Cause: mrcp.CauseSuccess, Body: []byte(nlsmlOne)})
	acts := h.send(h.request(mrcp.MethodInterpret, srgs, digitGrammar, "Interpret-Text", "may I speak to Andre Roy", "Content-Id", "<request1@form-level.store>")) // 2
	wantActions(t, summarize(t, acts), "response 2 200 IN-PROGRESS", "interpret 2")
	it := acts[1].(Interpret)
	if it.Text != "may I speak to Andre Roy" || refs(it.Grammars) != "session:request1@form-level.store" {
		t.Fatalf("interpret %+v", it)
	}
	wantActions(t, h.in(StartOfInput{RequestID: 2}), "drop")
	acts = h.input(InterpretationComplete{RequestID: 2, Body: []byte(nlsmlOne)})
	wantActions(t, summarize(t, acts), "event INTERPRETATION-COMPLETE 2 COMPLETE cause=000")
	if ct := get(&acts[0].(SendEvent).Message.Header, mrcp.HdrContentType); ct != defaultResultType {
		t.Errorf("content type %q", ct)
	}
	if h.m.State() != Recognized {
		t.Fatalf("state %v", h.m.State())
	}
	resp := responseOf(t, h.send(h.request(mrcp.MethodGetResult, "", ""))) // 3
	if resp.StatusCode != 200 || string(resp.Body) != nlsmlOne {
		t.Fatalf("GET-RESULT after INTERPRET: %d %q", resp.StatusCode, resp.Body)
	}
}

// §9.4.30: an Interpret-Text that is a Content-ID names a text/plain part.
func TestInterpretTextFromBodyPart(t *testing.T) {
	body := "--b\r\nContent-Type: text/plain\r\nContent-ID: <utt1@x>\r\n\r\nbook a flight\r\n" +
		"--b\r\nContent-Type: application/srgs+xml\r\nContent-ID: <g@x>\r\n\r\n<grammar/>\r\n--b--\r\n"
	h := newHarness(t, Config{})
	acts := h.send(h.request(mrcp.MethodInterpret, "multipart/mixed; boundary=b", body, "Interpret-Text", "cid:utt1@x"))
	wantActions(t, summarize(t, acts), "response 1 200 IN-PROGRESS", "interpret 1")
	it := acts[1].(Interpret)
	if it.Text != "book a flight" || refs(it.Grammars) != "session:g@x" {
		t.Fatalf("interpret %+v", it)
	}
	if _, ok := h.m.SessionGrammar("utt1@x"); ok {
		t.Fatal("the text part was stored as a grammar")
	}
}

func TestGrammarBodyErrors(t *testing.T) {
	cases := []struct {
		name, contentType, body string
		status                  int
	}{
		{"ref-list without brackets", "text/grammar-ref-list", "http://x/g", 408},
		{"ref-list unterminated", "text/grammar-ref-list", "<http://x/g", 408},
		{"ref-list bad weight", "text/grammar-ref-list", "<http://x/g>;weight=heavy", 408},
		{"ref-list negative weight", "text/grammar-ref-list", "<http://x/g>;weight=-1", 408},
		{"ref-list parameter without value", "text/grammar-ref-list", "<http://x/g>;weight", 408},
		{"ref-list empty reference", "text/grammar-ref-list", "<>", 408},
		{"multipart without boundary", "multipart/mixed", "--b\r\n\r\nx\r\n--b--", 404},
		{"multipart without delimiter", "multipart/mixed; boundary=b", "no parts here", 408},
		{"multipart part without Content-ID", "multipart/mixed; boundary=b", "--b\r\nContent-Type: application/srgs+xml\r\n\r\n<grammar/>\r\n--b--\r\n", 406},
		{"multipart nested too deep", "multipart/mixed; boundary=a",
			"--a\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: multipart/mixed; boundary=c\r\n\r\n--c\r\nContent-Type: text/uri-list\r\n\r\nhttp://x/g\r\n--c--\r\n--b--\r\n--a--\r\n", 408},
		{"too many references", "text/uri-list", strings.Repeat("http://x/g\n", maxGrammarRefs+1), 408},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, Config{})
			resp := responseOf(t, h.send(h.request(mrcp.MethodRecognize, c.contentType, c.body, "Cancel-If-Queue", "false")))
			if resp.StatusCode != c.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, c.status)
			}
		})
	}
}

func TestTooManyResolvedGrammars(t *testing.T) {
	h := newHarness(t, Config{})
	list := strings.Repeat("http://x/g\n", maxGrammarRefs)
	wantActions(t, h.doBody(mrcp.MethodDefineGrammar, "text/uri-list", list, "Content-Id", "many@x"), "load 1")
	h.in(GrammarsLoaded{RequestID: 1})
	refs := strings.Repeat("session:many@x\n", maxResolvedGrammars/maxGrammarRefs+1)
	wantActions(t, h.doBody(mrcp.MethodRecognize, "text/uri-list", refs, "Cancel-If-Queue", "false"), "response 2 407 COMPLETE cause=004")
}

// A uri-list part may name an inline part of the same body before either is
// stored.
func TestMultipartReferenceToOwnPart(t *testing.T) {
	body := "--b\r\nContent-Type: text/uri-list\r\n\r\nsession:local@x\r\n" +
		"--b\r\nContent-Type: application/srgs+xml\r\nContent-ID: <local@x>\r\n\r\n<grammar>local</grammar>\r\n--b--\r\n"
	h := newHarness(t, Config{})
	got := h.recognizeWith("multipart/mixed; boundary=b", body)
	if len(got) != 2 || string(got[0].Body) != "<grammar>local</grammar>" || string(got[1].Body) != "<grammar>local</grammar>" {
		t.Fatalf("grammars %+v", got)
	}
}

func TestMultipartPartLimit(t *testing.T) {
	var b strings.Builder
	for i := 0; i <= maxBodyParts; i++ {
		fmt.Fprintf(&b, "--b\r\nContent-Type: text/uri-list\r\n\r\nhttp://x/%d\r\n", i)
	}
	b.WriteString("--b--\r\n")
	_, err := parseGrammarBody("multipart/mixed; boundary=b", "", []byte(b.String()))
	var be *bodyError
	if !errors.As(err, &be) || be.status != mrcp.StatusUnsupportedEntity || !errors.Is(err, errBadEntity) || be.Error() == "" {
		t.Fatalf("%v", err)
	}
}

func TestGrammarBodyErrorKinds(t *testing.T) {
	_, err := parseGrammarBody(srgs, "", []byte("<grammar/>"))
	if !errors.Is(err, errNoContentID) {
		t.Fatalf("%v", err)
	}
	_, err = parseGrammarBody("", "g@x", []byte("<grammar/>"))
	if !errors.Is(err, errNoContentType) {
		t.Fatalf("%v", err)
	}
	gb, err := parseGrammarBody(srgs, "g@x", nil)
	if err != nil || len(gb.grammars) != 0 {
		t.Fatalf("empty body: %+v %v", gb, err)
	}
}
