package recog

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/mrcpd/mrcpd/mrcp"
)

const chanID = "20a54ddb9b9740d6@speechrecog"

// wireMessage builds a request from its wire text, as a client would send
// it, and parses it with the codec. head is the start line and header
// fields separated by "\n", with LEN in place of the message-length;
// Content-Length is added for a body.
func wireMessage(t testing.TB, head, body string) *mrcp.Message {
	t.Helper()
	lines := strings.Split(strings.TrimRight(head, "\n"), "\n")
	if body != "" {
		lines = append(lines, "Content-Length: "+strconv.Itoa(len(body)))
	}
	text := strings.Join(lines, "\r\n") + "\r\n\r\n" + body
	// message-length counts its own digits: find the fixed point.
	n := len(text) - len("LEN")
	total := n + 1
	for total != n+len(strconv.Itoa(total)) {
		total = n + len(strconv.Itoa(total))
	}
	raw := strings.Replace(text, "LEN", strconv.Itoa(total), 1)
	m, err := mrcp.Parse([]byte(raw))
	if err != nil {
		t.Fatalf("parse %q: %v", raw, err)
	}
	return m
}

// harness drives a Machine the way a session does and checks every message
// it emits is a valid MRCPv2 message.
type harness struct {
	t    *testing.T
	m    *Machine
	next uint32
	// manualStart leaves StartRecognition unanswered; by default the
	// harness answers it at once with a successful RecognitionStarted, as
	// the session does when the grammars compile.
	manualStart bool
}

func newHarness(t *testing.T, cfg Config) *harness {
	t.Helper()
	m, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return &harness{t: t, m: m, next: 1}
}

// request builds a request with the next request-id. fields are name,
// value pairs; body, if any, goes with contentType.
func (h *harness) request(method, contentType, body string, fields ...string) *mrcp.Message {
	h.t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "MRCP/2.0 LEN %s %d\nChannel-Identifier: %s\n", method, h.next, chanID)
	h.next++
	for i := 0; i+1 < len(fields); i += 2 {
		fmt.Fprintf(&b, "%s: %s\n", fields[i], fields[i+1])
	}
	if body != "" {
		fmt.Fprintf(&b, "Content-Type: %s\n", contentType)
	}
	return wireMessage(h.t, b.String(), body)
}

// do sends a request built by request and returns the summary of actions.
func (h *harness) do(method string, fields ...string) []string {
	h.t.Helper()
	return summarize(h.t, h.started(h.m.Request(h.request(method, "", "", fields...))))
}

func (h *harness) doBody(method, contentType, body string, fields ...string) []string {
	h.t.Helper()
	return summarize(h.t, h.started(h.m.Request(h.request(method, contentType, body, fields...))))
}

func (h *harness) in(ev EngineEvent) []string {
	h.t.Helper()
	return summarize(h.t, h.started(h.m.Input(ev)))
}

// send hands a request to the machine the way the session does.
func (h *harness) send(req *mrcp.Message) []Action { return h.started(h.m.Request(req)) }

// input hands an engine report to the machine the way the session does.
func (h *harness) input(ev EngineEvent) []Action { return h.started(h.m.Input(ev)) }

// started answers every StartRecognition in acts with a successful
// RecognitionStarted and appends the machine's reaction, unless the test
// drives the engine side itself.
func (h *harness) started(acts []Action) []Action {
	if h.manualStart {
		return acts
	}
	for i := 0; i < len(acts); i++ {
		if a, ok := acts[i].(StartRecognition); ok {
			acts = append(acts, h.m.Input(RecognitionStarted{RequestID: a.RequestID})...)
		}
	}
	return acts
}

// summarize renders actions compactly for table comparison and checks the
// messages they carry.
func summarize(t testing.TB, acts []Action) []string {
	t.Helper()
	out := make([]string, 0, len(acts))
	for _, a := range acts {
		out = append(out, summary(t, a))
	}
	return out
}

func summary(t testing.TB, a Action) string {
	t.Helper()
	switch a := a.(type) {
	case SendResponse:
		checkWire(t, a.Message, mrcp.KindResponse)
		s := fmt.Sprintf("response %d %d %s", a.Message.RequestID, a.Message.StatusCode, a.Message.State)
		return s + details(&a.Message.Header)
	case SendEvent:
		checkWire(t, a.Message, mrcp.KindEvent)
		s := fmt.Sprintf("event %s %d %s", a.Message.Name, a.Message.RequestID, a.Message.State)
		return s + details(&a.Message.Header)
	case StartRecognition:
		return fmt.Sprintf("start %d", a.RequestID)
	case StartInputTimers:
		return fmt.Sprintf("timers %d", a.RequestID)
	case StopRecognition:
		return fmt.Sprintf("stop %d", a.RequestID)
	case StopInterpretation:
		return fmt.Sprintf("stop-interpret %d", a.RequestID)
	case LoadGrammars:
		return fmt.Sprintf("load %d", a.RequestID)
	case Interpret:
		return fmt.Sprintf("interpret %d", a.RequestID)
	case Drop:
		return "drop"
	}
	t.Fatalf("unknown action %T", a)
	return ""
}

func details(h *mrcp.Header) string {
	var s string
	if v, ok := h.Get(mrcp.HdrCompletionCause); ok {
		s += " cause=" + v[:min(3, len(v))]
	}
	if v, ok := h.Get(mrcp.HdrActiveRequestIDList); ok {
		s += " list=" + v
	}
	return s
}

// checkWire asserts m survives serialisation and parsing unchanged in the
// parts a client looks at.
func checkWire(t testing.TB, m *mrcp.Message, kind mrcp.Kind) {
	t.Helper()
	if m.Kind != kind {
		t.Fatalf("message kind %v, want %v", m.Kind, kind)
	}
	if ch, _ := m.Header.Get(mrcp.HdrChannelIdentifier); ch == "" {
		t.Fatalf("message without Channel-Identifier: %+v", m)
	}
	back, err := mrcp.Parse(m.Marshal())
	if err != nil {
		t.Fatalf("emitted message does not parse: %v\n%s", err, m.Marshal())
	}
	if back.RequestID != m.RequestID || back.StatusCode != m.StatusCode || back.State != m.State ||
		back.Name != m.Name || !bytes.Equal(back.Body, m.Body) {
		t.Fatalf("round trip changed the message:\n%+v\n%+v", m, back)
	}
}

func wantActions(t *testing.T, got []string, want ...string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("actions:\n  got  %q\n  want %q", got, want)
	}
}

// Grammars shaped like the traces in shared/ref/traces.
const (
	digitGrammar = `<?xml version="1.0"?>
<grammar xmlns="http://www.w3.org/2001/06/grammar" xml:lang="en-US" version="1.0" mode="voice" root="digit">
  <rule id="digit">
    <one-of>
      <item>one</item>
      <item>two</item>
      <item>three</item>
    </one-of>
  </rule>
</grammar>
`
	srgs = "application/srgs+xml"

	nlsmlOne = `<?xml version="1.0"?>
<result> 
  <interpretation grammar="session:request1@form-level.store" confidence="0.97">
    <instance>one</instance>
    <input mode="speech">one</input>
  </interpretation>
</result>
`
)

// recognizeInline sends a RECOGNIZE with an inline grammar.
func (h *harness) recognizeInline(cancelIfQueue string, fields ...string) []string {
	h.t.Helper()
	f := append([]string{"Cancel-If-Queue", cancelIfQueue, "Content-Id", "g" + strconv.Itoa(int(h.next)) + "@form-level"}, fields...)
	return h.doBody(mrcp.MethodRecognize, srgs, digitGrammar, f...)
}
