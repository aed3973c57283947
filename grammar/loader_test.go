package grammar

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// rfcPoliteGrammar is RFC 6787 §9.8's DEFINE-GRAMMAR body; HOST is replaced
// by a local server holding the politeness grammar it references.
const rfcPoliteGrammar = `<?xml version="1.0" encoding="UTF-8"?>

<!DOCTYPE grammar PUBLIC "-//W3C//DTD GRAMMAR 1.0//EN"
                  "http://www.w3.org/TR/speech-grammar/grammar.dtd">

<grammar xmlns="http://www.w3.org/2001/06/grammar" xml:lang="en"
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
       xsi:schemaLocation="http://www.w3.org/2001/06/grammar
           http://www.w3.org/TR/speech-grammar/grammar.xsd"
           version="1.0" mode="voice" root="basicCmd">

<meta name="author" content="Stephanie Williams"/>

<rule id="basicCmd" scope="public">
  <example> please move the window </example>
  <example> open a file </example>

  <ruleref
    uri="HOST/politeness.grxml#startPolite"/>

  <ruleref uri="#command"/>
  <ruleref
    uri="HOST/politeness.grxml#endPolite"/>
</rule>

<rule id="command">
  <ruleref uri="#action"/> <ruleref uri="#object"/>
</rule>

<rule id="action">
   <one-of>
      <item weight="10"> open   <tag>open</tag>   </item>
      <item weight="2">  close  <tag>close</tag>  </item>
      <item weight="1">  delete <tag>delete</tag> </item>
      <item weight="1">  move   <tag>move</tag>   </item>
   </one-of>
</rule>

<rule id="object">
  <item repeat="0-1">
    <one-of>
      <item> the </item>
      <item> a </item>
    </one-of>
  </item>

  <one-of>
      <item> window </item>
      <item> file </item>
      <item> menu </item>
  </one-of>
</rule>

</grammar>`

const politeness = `<grammar xmlns="http://www.w3.org/2001/06/grammar" root="startPolite">
  <rule id="startPolite" scope="public"><item repeat="0-1"><one-of><item>please</item><item>kindly</item></one-of></item></rule>
  <rule id="endPolite" scope="public"><item repeat="0-1"><ruleref uri="sub/thanks.grxml"/></item></rule>
  <rule id="secret"><item>x</item></rule>
</grammar>`

const thanks = `<grammar xmlns="http://www.w3.org/2001/06/grammar" root="t"><rule id="t"><one-of><item>thank you</item><item>thanks</item></one-of></rule></grammar>`

func TestLoaderExternalRuleReferences(t *testing.T) {
	gs := newGrammarServer(t, map[string]struct{ ct, body string }{
		"/politeness.grxml":     {"application/srgs+xml", politeness},
		"/sub/thanks.grxml":     {"application/srgs+xml", thanks},
		"/private.grxml":        {"application/srgs+xml", `<grammar><rule id="r"><ruleref uri="politeness.grxml#secret"/></rule></grammar>`},
		"/cycle-a.grxml":        {"application/srgs+xml", `<grammar root="a"><rule id="a" scope="public">a <item repeat="0-1"><ruleref uri="cycle-b.grxml#b"/></item></rule></grammar>`},
		"/cycle-b.grxml":        {"application/srgs+xml", `<grammar root="b"><rule id="b" scope="public">b <ruleref uri="cycle-a.grxml#a"/></rule></grammar>`},
		"/uses-dtmf.grxml":      {"application/srgs+xml", `<grammar><rule id="r"><ruleref uri="dtmf.gram"/></rule></grammar>`},
		"/dtmf.gram":            {"application/srgs", "#ABNF 1.0;\nmode dtmf;\n$r = 1;"},
		"/uses-builtin.grxml":   {"application/srgs+xml", `<grammar><rule id="r">pin <ruleref uri="builtin:grammar/digits?length=2"/></rule></grammar>`},
		"/uses-missing.grxml":   {"application/srgs+xml", `<grammar><rule id="r"><ruleref uri="missing.grxml"/></rule></grammar>`},
		"/uses-norule.grxml":    {"application/srgs+xml", `<grammar><rule id="r"><ruleref uri="politeness.grxml#nosuch"/></rule></grammar>`},
		"/uses-session.grxml":   {"application/srgs+xml", `<grammar><rule id="r">say <ruleref uri="session:yes@x"/></rule></grammar>`},
		"/self-contained.grxml": {"application/srgs+xml", traceGrammar},
	})
	l := NewLoader()
	ctx := context.Background()
	body := strings.ReplaceAll(rfcPoliteGrammar, "HOST", gs.URL)
	loaded, err := l.LoadBody(ctx, "application/srgs+xml", "<request2@field-level.store>", []byte(body), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(loaded) != 1 || loaded[0].URI != "session:request2@field-level.store" || loaded[0].ContentID != "request2@field-level.store" {
		t.Fatalf("loaded = %+v", loaded)
	}
	g := loaded[0].Grammar
	for in, want := range map[string]Status{
		"please open the window thank you": Complete,
		"kindly close a file thanks":       Complete,
		"move menu":                        Complete,
		"please":                           Incomplete,
		"open window please":               NoMatch,
	} {
		if m, err := g.MatchText(in); err != nil || m.Status != want {
			t.Errorf("%q = %v (%v), want %v", in, m.Status, err, want)
		}
	}
	// Only self-contained grammars are cached: thanks.grxml is; the
	// RFC grammar and politeness.grxml import others.
	if _, ok := l.Cache().Get(ContentKey("application/srgs+xml", []byte(thanks))); !ok {
		t.Error("self-contained imported grammar not cached")
	}
	if _, ok := l.Cache().Get(ContentKey("application/srgs+xml", []byte(body))); ok {
		t.Error("grammar with imports was cached")
	}

	session := func(id string) (*Compiled, bool) {
		if id == "yes@x" {
			return mustABNF(t, "#ABNF 1.0;\n$r = yes;"), true
		}
		return nil, false
	}
	for _, tc := range []struct {
		path, want string
		cause      int
	}{
		{"/private.grxml", "private", 5},
		{"/cycle-a.grxml", "references itself", 5},
		{"/uses-dtmf.grxml", "dtmf grammar", 5},
		{"/uses-missing.grxml", "404", 9},
		{"/uses-norule.grxml", "no rule", 5},
	} {
		_, err := l.Resolve(ctx, gs.URL+tc.path, session)
		if err == nil || !strings.Contains(err.Error(), tc.want) || CauseCode(err) != tc.cause {
			t.Errorf("%s: %v (cause %d), want %q cause %d", tc.path, err, CauseCode(err), tc.want, tc.cause)
		}
	}
	for path, in := range map[string]string{"/uses-builtin.grxml": "pin one two", "/uses-session.grxml": "say yes"} {
		g, err := l.Resolve(ctx, gs.URL+path, session)
		if err != nil {
			t.Errorf("%s: %v", path, err)
			continue
		}
		if m, _ := g.MatchText(in); m.Status != Complete {
			t.Errorf("%s %q = %v", path, in, m.Status)
		}
	}
	// A fetched self-contained grammar is compiled once.
	a, err := l.Resolve(ctx, gs.URL+"/self-contained.grxml", nil)
	if err != nil {
		t.Fatal(err)
	}
	hits := gs.hits.Load()
	b, _ := l.Resolve(ctx, gs.URL+"/self-contained.grxml", nil)
	if a != b || gs.hits.Load() != hits+1 {
		t.Errorf("refetch: same grammar %v, server hits %d -> %d", a == b, hits, gs.hits.Load())
	}
}

func TestLoaderBodies(t *testing.T) {
	gs := newGrammarServer(t, map[string]struct{ ct, body string }{
		"/yesno.gram": {"application/srgs", "#ABNF 1.0;\n$r = yes | no;"},
	})
	l := NewLoader()
	ctx := context.Background()
	defined := map[string]*Compiled{}
	session := func(id string) (*Compiled, bool) { g, ok := defined[id]; return g, ok }

	// DEFINE-GRAMMAR as in the trace, then RECOGNIZE by session: URI.
	loaded, err := l.LoadBody(ctx, "application/srgs+xml", "request1@form-level", []byte(traceGrammar), session)
	if err != nil {
		t.Fatal(err)
	}
	defined[loaded[0].ContentID] = loaded[0].Grammar
	loaded, err = l.LoadBody(ctx, "text/uri-list", "", []byte("session:request1@form-level\r\n"), session)
	if err != nil || len(loaded) != 1 || loaded[0].URI != "session:request1@form-level" || loaded[0].ContentID != "" {
		t.Fatalf("uri-list: %+v, %v", loaded, err)
	}
	if m, _ := loaded[0].Grammar.MatchText("two"); m.Status != Complete {
		t.Errorf("session grammar does not match")
	}

	loaded, err = l.LoadBody(ctx, "text/grammar-ref-list", "",
		[]byte("<session:request1@form-level>;weight=\"2\"\n<builtin:dtmf/digits?length=4>\n<"+gs.URL+"/yesno.gram>;weight=\"0.5\"\n"), session)
	if err != nil || len(loaded) != 3 {
		t.Fatalf("grammar-ref-list: %+v, %v", loaded, err)
	}
	if loaded[0].Weight != 2 || loaded[1].Weight != 1 || loaded[2].Weight != 0.5 || loaded[1].Grammar.Mode() != ModeDTMF {
		t.Errorf("weights/modes wrong: %+v", loaded)
	}

	// RFC 6787 §9.5.1 "Mixed Grammar Reference Example", with resolvable URIs.
	multipart := "--break\r\nContent-Type:text/uri-list\r\nContent-Length:30\r\n\r\n" +
		gs.URL + "/yesno.gram\r\nbuiltin:grammar/boolean\r\n\r\n" +
		"--break\r\nContent-Type:application/srgs+xml\r\nContent-ID:<request1@form-level.store>\r\n\r\n" +
		rfcSpeakToGrammar + "\r\n--break--\r\n"
	loaded, err = l.LoadBody(ctx, `multipart/mixed; boundary="break"`, "", []byte(multipart), session)
	if err != nil {
		t.Fatal(err)
	}
	if len(loaded) != 3 || loaded[2].ContentID != "request1@form-level.store" || loaded[0].URI != gs.URL+"/yesno.gram" {
		t.Fatalf("multipart: %+v", loaded)
	}

	// The same inline body compiles once.
	h0, _ := l.Cache().Stats()
	a, _ := l.Inline(ctx, "application/srgs+xml", []byte(traceGrammar), "", nil)
	b, _ := l.Inline(ctx, "application/srgs+xml", []byte(traceGrammar), "", nil)
	if h1, _ := l.Cache().Stats(); a != b || h1 < h0+2 {
		t.Errorf("inline cache: same %v, hits %d -> %d", a == b, h0, h1)
	}

	for _, tc := range []struct {
		ct, body string
		cause    int
	}{
		{"text/uri-list", "session:undefined@x", 4},
		{"text/uri-list", "builtin:grammar/date", 4},
		{"text/uri-list", "ftp://example.com/g.grxml", 9},
		{"application/srgs+xml", "<grammar><rule id='a'>x</rule", 5},
		{"application/srgs", "not abnf", 5},
		{"image/png", "x", 4},
		{"multipart/mixed", "--b\r\n\r\nx\r\n--b--", 4},
		{"multipart/mixed; boundary=b", "--b--\r\n", 4},
		{"multipart/mixed; boundary=b", "--b\r\nContent-Type: multipart/mixed; boundary=c\r\n\r\n--c--\r\n--b--\r\n", 4},
	} {
		_, err := l.LoadBody(ctx, tc.ct, "", []byte(tc.body), session)
		if CauseCode(err) != tc.cause {
			t.Errorf("LoadBody(%q, %q) = %v (cause %d), want cause %d", tc.ct, tc.body, err, CauseCode(err), tc.cause)
		}
	}
}

func TestCacheEviction(t *testing.T) {
	c := NewCache(2)
	g1, g2, g3 := &Compiled{}, &Compiled{}, &Compiled{}
	c.Put("a", g1)
	c.Put("b", g2)
	if got, _ := c.Get("a"); got != g1 { // a is now the most recent
		t.Fatal("a missing")
	}
	c.Put("c", g3)
	if _, ok := c.Get("b"); ok {
		t.Error("least recently used entry kept")
	}
	if _, ok := c.Get("a"); !ok || c.Len() != 2 {
		t.Errorf("len %d", c.Len())
	}
	c.Put("a", g3)
	if got, _ := c.Get("a"); got != g3 {
		t.Error("Put did not replace")
	}
	if ContentKey("application/srgs", []byte("x")) == ContentKey("application/srgs+xml", []byte("x")) {
		t.Error("content key ignores the media type")
	}
	if ContentKey("application/srgs; charset=utf-8", []byte("x")) != ContentKey("APPLICATION/SRGS", []byte("x")) {
		t.Error("content key depends on media type parameters or case")
	}
}

func TestLoaderErrorsKeepClass(t *testing.T) {
	_, err := NewLoader().Resolve(context.Background(), "session:nothing", nil)
	if !errors.Is(err, ErrLoad) {
		t.Errorf("missing session grammar: %v", err)
	}
}
