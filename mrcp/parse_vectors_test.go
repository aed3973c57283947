package mrcp

import (
	"bytes"
	"strconv"
	"strings"
	"testing"
)

func TestParseVectors(t *testing.T) {
	for _, v := range loadVectors(t) {
		t.Run(v.name, func(t *testing.T) {
			m, err := Parse(v.wire)
			if err != nil {
				t.Fatalf("Parse: %v\n%s", err, v.wire)
			}
			tok := startLineTokens(v.wire)
			if n, _ := strconv.Atoi(tok[1]); n != len(v.wire) {
				t.Fatalf("fixture length %d, message has %d octets", n, len(v.wire))
			}
			switch len(tok) {
			case 4:
				if m.Kind != KindRequest || m.Name != tok[2] || strconv.Itoa(int(m.RequestID)) != tok[3] {
					t.Fatalf("request line misread: %+v", m)
				}
			case 5:
				if _, err := strconv.Atoi(tok[2]); err == nil {
					if m.Kind != KindResponse || strconv.Itoa(int(m.RequestID)) != tok[2] ||
						strconv.Itoa(m.StatusCode) != tok[3] || m.State.String() != tok[4] {
						t.Fatalf("response line misread: %+v", m)
					}
				} else if m.Kind != KindEvent || m.Name != tok[2] || strconv.Itoa(int(m.RequestID)) != tok[3] || m.State.String() != tok[4] {
					t.Fatalf("event line misread: %+v", m)
				}
			default:
				t.Fatalf("fixture start line has %d tokens", len(tok))
			}
			if _, ok, err := m.Header.ChannelID(); !ok || err != nil {
				t.Fatalf("Channel-Identifier: present=%v err=%v", ok, err)
			}
			if cl, ok, err := m.Header.Int(HdrContentLength); ok && (err != nil || cl != len(m.Body)) {
				t.Fatalf("Content-Length %d (err %v), body %d", cl, err, len(m.Body))
			}

			// Serialising and parsing again yields the same message.
			out := m.Marshal()
			again, err := Parse(out)
			if err != nil {
				t.Fatalf("re-Parse: %v\n%s", err, out)
			}
			sameMessage(t, v.name, m, again)

			// Trace fixtures are canonical ("Name: value", Content-Length
			// last), so the bytes must come back identical.
			if strings.HasPrefix(v.name, "vectors/") && !bytes.Equal(out, v.wire) {
				t.Fatalf("Marshal differs from the wire:\n got %q\nwant %q", out, v.wire)
			}

			// Bare LF line ends are accepted.
			lf := bytes.ReplaceAll(v.wire, []byte("\r\n"), []byte("\n"))
			lf = fixLength(lf)
			mlf, err := Parse(lf)
			if err != nil {
				t.Fatalf("Parse with LF line ends: %v", err)
			}
			if mlf.Kind != m.Kind || mlf.Header.Len() != m.Header.Len() {
				t.Fatalf("LF variant parsed differently")
			}

			if m.Kind == KindRequest {
				id, _, _ := m.Header.ChannelID()
				err := ValidateRequest(id.Resource, m)
				if want, erratum := rfcExampleErrata[v.name]; erratum {
					se, ok := err.(*StatusError)
					if !ok || se.Code != want.code || se.Header != want.header {
						t.Fatalf("ValidateRequest = %v, want %d for %s", err, want.code, want.header)
					}
				} else if err != nil {
					t.Fatalf("ValidateRequest: %v", err)
				}
			}
		})
	}
}

// rfcExampleErrata are RFC 6787 examples that break the RFC's own value
// rules; validation must say so with the right code.
var rfcExampleErrata = map[string]struct {
	code   int
	header string
}{
	// §9.4.35 gives the range 0.0-1.0; the §9.9 example sends 30.
	"rfc/line06889-start-phrase-enrollment.txt": {StatusUnsupportedHeaderValue, HdrConsistencyThreshold},
	// Placeholder text with spaces where a URI belongs.
	"rfc/line06958-modify-phrase.txt": {StatusIllegalHeaderValue, HdrPersonalGrammarURI},
	"rfc/line06976-delete-phrase.txt": {StatusIllegalHeaderValue, HdrPersonalGrammarURI},
}

// fixLength rewrites the message-length of b to match its octets; bodies
// keep theirs, so Content-Length stays right.
func fixLength(b []byte) []byte {
	line, rest, _ := bytes.Cut(b, []byte("\n"))
	tok := strings.Fields(string(line))
	bodyLine := strings.Join(tok[2:], " ")
	n := len(rest) + 1 + len("MRCP/2.0  ") + len(bodyLine)
	for {
		s := "MRCP/2.0 " + strconv.Itoa(n) + " " + bodyLine + "\n" + string(rest)
		if len(s) == n {
			return []byte(s)
		}
		n = len(s)
	}
}

func TestParseTraceFields(t *testing.T) {
	b := fixtureToWire(readFixture(t, "testdata/vectors/recog-12-client-recognize.txt"))
	m, err := Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	if m.Name != MethodRecognize || m.RequestID != 2 || m.Kind != KindRequest {
		t.Fatalf("start line: %+v", m)
	}
	id, _, _ := m.Header.ChannelID()
	if id != (ChannelID{Session: "20a54ddb9b9740d6", Resource: ResourceSpeechRecog}) {
		t.Fatalf("channel %+v", id)
	}
	if v, ok, err := m.Header.Int(HdrNoInputTimeout); v != 5000 || !ok || err != nil {
		t.Fatalf("No-Input-Timeout %d %v %v", v, ok, err)
	}
	if v, ok, err := m.Header.Int(HdrRecognitionTimeout); v != 10000 || !ok || err != nil {
		t.Fatalf("Recognition-Timeout %d %v %v", v, ok, err)
	}
	if v, ok, err := m.Header.Bool(HdrStartInputTimers); !v || !ok || err != nil {
		t.Fatalf("Start-Input-Timers %v %v %v", v, ok, err)
	}
	if v, ok, err := m.Header.Bool(HdrCancelIfQueue); v || !ok || err != nil {
		t.Fatalf("Cancel-If-Queue %v %v %v", v, ok, err)
	}
	if v, ok, err := m.Header.Float(HdrConfidenceThreshold); v != 0.5 || !ok || err != nil {
		t.Fatalf("Confidence-Threshold %v %v %v", v, ok, err)
	}
	if ct, _ := m.Header.Get(HdrContentType); ct != "text/uri-list" {
		t.Fatalf("Content-Type %q", ct)
	}
	if string(m.Body) != "session:request1@form-level" {
		t.Fatalf("body %q", m.Body)
	}

	b = fixtureToWire(readFixture(t, "testdata/vectors/recog-84-server-recognition-complete.txt"))
	m, err = Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	if c, ok, err := m.Header.CompletionCause(); c != CauseSuccess || !ok || err != nil {
		t.Fatalf("cause %+v %v %v", c, ok, err)
	}
	if m.Kind != KindEvent || m.Name != EventRecognitionComplete || m.State != StateComplete || len(m.Body) != 208 {
		t.Fatalf("event misread: %v %q %v %d", m.Kind, m.Name, m.State, len(m.Body))
	}

	b = fixtureToWire(readFixture(t, "testdata/vectors/params-18-client-set-params.txt"))
	m, err = Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	vp, ok, err := m.Header.VendorParams()
	if !ok || err != nil || len(vp) != 6 || vp[0] != (VendorParam{"confidencelevel", "500"}) ||
		vp[5] != (VendorParam{"swirec_phoneme_lookahead_beam", "-50"}) {
		t.Fatalf("vendor params %v %v %+v", ok, err, vp)
	}

	b = fixtureToWire(readFixture(t, "testdata/rfc/line07594-record-complete.txt"))
	m, err = Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	// The RFC example folds Record-URI over two lines.
	v, _ := m.Header.Get(HdrRecordURI)
	u, err := ParseSizedURI(HdrRecordURI, v)
	if err != nil || u.URI != "file://mediaserver/recordings/myfile.wav" || u.Size != 242552 || u.Duration != 25645 {
		t.Fatalf("Record-URI %q -> %+v %v", v, u, err)
	}
	if c, _, _ := m.Header.CompletionCause(); c != CauseRecordSuccessSilence {
		t.Fatalf("cause %+v", c)
	}
}

func readFixture(t testing.TB, path string) string {
	t.Helper()
	b, err := osReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
