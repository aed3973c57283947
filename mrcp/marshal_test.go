package mrcp

import (
	"bytes"
	"strconv"
	"strings"
	"testing"
)

// typicalRecognize is shaped like the RECOGNIZE FreeSWITCH's mod_unimrcp
// sends after SET-PARAMS.
func typicalRecognize() *Message {
	m := &Message{Kind: KindRequest, Name: MethodRecognize, RequestID: 2}
	m.Header.Add(HdrChannelIdentifier, "20a54ddb9b9740d6@speechrecog")
	m.Header.Add(HdrContentType, "text/uri-list")
	m.Header.Add(HdrCancelIfQueue, "false")
	m.Header.Add(HdrNoInputTimeout, "5000")
	m.Header.Add(HdrRecognitionTimeout, "10000")
	m.Header.Add(HdrStartInputTimers, "true")
	m.Header.Add(HdrConfidenceThreshold, "0.5")
	m.Header.Add(HdrSaveWaveform, "true")
	m.Body = []byte("session:request1@form-level")
	return m
}

func TestAppendToMatchesTrace(t *testing.T) {
	want := fixtureToWire(readFixture(t, "testdata/vectors/recog-12-client-recognize.txt"))
	if got := typicalRecognize().Marshal(); !bytes.Equal(got, want) {
		t.Fatalf("got\n%q\nwant\n%q", got, want)
	}
}

func TestAppendToZeroAllocs(t *testing.T) {
	m := typicalRecognize()
	buf := make([]byte, 0, 1024)
	allocs := testing.AllocsPerRun(1000, func() {
		buf = m.AppendTo(buf[:0])
	})
	if allocs != 0 {
		t.Fatalf("AppendTo: %v allocations per message", allocs)
	}
	// Responses and events too.
	resp := NewResponse(m, StatusSuccess, StateInProgress)
	ev := NewEvent(EventStartOfInput, 2, StateInProgress, ChannelID{"20a54ddb9b9740d6", ResourceSpeechRecog})
	allocs = testing.AllocsPerRun(1000, func() {
		buf = resp.AppendTo(buf[:0])
		buf = ev.AppendTo(buf[:0])
	})
	if allocs != 0 {
		t.Fatalf("AppendTo response/event: %v allocations", allocs)
	}
}

func TestAppendToStartLines(t *testing.T) {
	id := ChannelID{"20a54ddb9b9740d6", ResourceSpeechRecog}
	cases := []struct {
		m    *Message
		want string
	}{
		{NewResponse(typicalRecognize(), StatusSuccess, StateInProgress), "MRCP/2.0 83 2 200 IN-PROGRESS\r\nChannel-Identifier: 20a54ddb9b9740d6@speechrecog\r\n\r\n"},
		{NewEvent(EventStartOfInput, 2, StateInProgress, id), "MRCP/2.0 94 START-OF-INPUT 2 IN-PROGRESS\r\nChannel-Identifier: 20a54ddb9b9740d6@speechrecog\r\n\r\n"},
		{&Message{Kind: KindResponse, RequestID: 9, StatusCode: StatusMethodNotAllowed, State: StateComplete}, "MRCP/2.0 30 9 401 COMPLETE\r\n\r\n"},
	}
	for _, c := range cases {
		if got := string(c.m.Marshal()); got != c.want {
			t.Errorf("got %q, want %q", got, c.want)
		}
	}
}

func TestMessageLengthFixedPoint(t *testing.T) {
	// Grow a value one octet at a time across the 2-, 3- and 4-digit
	// boundaries; Parse checks every message-length exactly.
	for n := 0; n < 1100; n++ {
		m := &Message{Kind: KindEvent, Name: EventSpeechMarker, RequestID: 1, State: StateInProgress}
		m.Header.Add(HdrChannelIdentifier, "a@speechsynth")
		m.Header.Add("X-Pad", strings.Repeat("p", n))
		b := m.Marshal()
		tok := strings.Fields(string(b[:bytes.IndexByte(b, '\r')]))
		if l, _ := strconv.Atoi(tok[1]); l != len(b) {
			t.Fatalf("pad %d: message-length %d, octets %d", n, l, len(b))
		}
		if _, err := Parse(b); err != nil {
			t.Fatalf("pad %d: %v", n, err)
		}
	}
}

func TestAppendToContentLength(t *testing.T) {
	m := typicalRecognize()
	m.Header.Add(HdrContentLength, "999") // stale: must be replaced
	b := m.Marshal()
	if strings.Count(string(b), "Content-Length") != 1 || !bytes.Contains(b, []byte("Content-Length: 27\r\n\r\nsession:")) {
		t.Fatalf("Content-Length not rewritten last:\n%s", b)
	}
	m.Body = nil
	b = m.Marshal()
	if bytes.Contains(b, []byte("Content-Length")) {
		t.Fatalf("Content-Length written for an empty body:\n%s", b)
	}
	if _, err := Parse(b); err != nil {
		t.Fatal(err)
	}
}

func TestAppendToNeutralisesInjection(t *testing.T) {
	m := &Message{Kind: KindRequest, Name: MethodSetParams, RequestID: 4}
	m.Header.Add(HdrChannelIdentifier, "a@speechrecog")
	m.Header.Add(HdrLoggingTag, "x\r\nContent-Length: 5\r\n\r\nhello")
	m.Header.Add("Bad:Name\r\n", "v")
	b := m.Marshal()
	got, err := Parse(b)
	if err != nil {
		t.Fatalf("%v\n%q", err, b)
	}
	if got.Header.Len() != 3 || len(got.Body) != 0 {
		t.Fatalf("injection changed the message: %v body %q", got.Header.Fields(), got.Body)
	}
	if v, _ := got.Header.Get(HdrLoggingTag); v != "x  Content-Length: 5    hello" {
		t.Fatalf("value %q", v)
	}
	if got.Header.Fields()[2].Name != "Bad-Name--" {
		t.Fatalf("name %q", got.Header.Fields()[2].Name)
	}
}

func TestMessageValidate(t *testing.T) {
	ok := []*Message{
		typicalRecognize(),
		NewResponse(typicalRecognize(), StatusSuccess, StateComplete),
		NewEvent(EventRecognitionComplete, 2, StateComplete, ChannelID{"a", "speechrecog"}),
	}
	for _, m := range ok {
		if err := m.Validate(); err != nil {
			t.Errorf("%v: %v", m.Kind, err)
		}
	}
	bad := []*Message{
		{},
		{Kind: KindRequest, Name: "", RequestID: 1},
		{Kind: KindRequest, Name: "RECOG NIZE", RequestID: 1},
		{Kind: KindRequest, Name: MethodStop, RequestID: 0},
		{Kind: KindResponse, RequestID: 1, StatusCode: 20, State: StateComplete},
		{Kind: KindResponse, RequestID: 1, StatusCode: 200},
		{Kind: KindEvent, Name: EventStartOfInput, RequestID: 1},
		{Kind: KindRequest, Name: MethodStop, RequestID: 1, Header: Header{fields: []Field{{"a b", "c"}}}},
	}
	for i, m := range bad {
		if err := m.Validate(); err == nil {
			t.Errorf("case %d: accepted %+v", i, m)
		}
	}
}
