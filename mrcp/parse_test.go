package mrcp

import (
	"strings"
	"testing"
)

func TestParseFolding(t *testing.T) {
	msg := fixLengthString("MRCP/2.0 0 SET-PARAMS 3\r\nChannel-Identifier: a@speechrecog\r\n" +
		"Logging-Tag: one\r\n  two\r\n\tthree \r\nX-After: y\r\n\r\n")
	m, err := Parse([]byte(msg))
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := m.Header.Get(HdrLoggingTag); v != "one two three" {
		t.Fatalf("folded value %q", v)
	}
	if v, _ := m.Header.Get("X-After"); v != "y" || m.Header.Len() != 3 {
		t.Fatalf("fields %v", m.Header.Fields())
	}
}

func TestParseManyFoldsIsLinear(t *testing.T) {
	// 200 000 folds: a quadratic join would copy tens of gigabytes.
	const folds = 200000
	msg := fixLengthString("MRCP/2.0 0 SET-PARAMS 3\r\nChannel-Identifier: a@speechrecog\r\nLogging-Tag: x\r\n" +
		strings.Repeat(" a\r\n", folds) + "\r\n")
	m, err := Parse([]byte(msg))
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := m.Header.Get(HdrLoggingTag); len(v) != 1+2*folds {
		t.Fatalf("value length %d", len(v))
	}
}

func TestParseAllocations(t *testing.T) {
	wire := typicalRecognize().Marshal()
	allocs := testing.AllocsPerRun(200, func() {
		if _, err := Parse(wire); err != nil {
			t.Fatal(err)
		}
	})
	// The Message with its field storage, the head string, the body.
	if allocs > 3 {
		t.Fatalf("Parse: %v allocations, want at most 3", allocs)
	}
}

func TestParseNames(t *testing.T) {
	// ABNF literals are case-insensitive; known names come back canonical.
	msg := fixLengthString("MRCP/2.0 0 recognize 3\r\nChannel-Identifier: a@speechrecog\r\n\r\n")
	m, err := Parse([]byte(msg))
	if err != nil || m.Name != MethodRecognize {
		t.Fatalf("%q %v", m.Name, err)
	}
	msg = fixLengthString("MRCP/2.0 0 X-VENDOR-METHOD 3\r\nChannel-Identifier: a@speechrecog\r\n\r\n")
	if m, err = Parse([]byte(msg)); err != nil || m.Name != "X-VENDOR-METHOD" {
		t.Fatalf("%q %v", m.Name, err)
	}
	msg = fixLengthString("MRCP/2.0 0 3 200 in-progress\r\nChannel-Identifier: a@speechrecog\r\n\r\n")
	if m, err = Parse([]byte(msg)); err != nil || m.State != StateInProgress {
		t.Fatalf("%v %v", m, err)
	}
	// Zero-padded message-length (RFC 6787 §5.1).
	msg = fixLengthString("MRCP/2.0 0 STOP 3\r\nChannel-Identifier: a@speechrecog\r\n\r\n")
	padded := strings.Replace(msg, "MRCP/2.0 ", "MRCP/2.0 000", 1)
	padded = strings.Replace(padded, "000"+msg[9:11], "000"+itoaTest(len(msg)+3), 1)
	if _, err := Parse([]byte(padded)); err != nil {
		t.Fatalf("zero padded %q: %v", padded, err)
	}
}

func TestParseExactlyOne(t *testing.T) {
	one := []byte(stopWire)
	if _, err := Parse(append(one, one...)); err == nil {
		t.Fatal("two messages accepted by Parse")
	}
	if _, err := Parse(one[:len(one)-1]); err == nil {
		t.Fatal("truncated message accepted")
	}
	if _, err := Parse(nil); err == nil {
		t.Fatal("empty input accepted")
	}
}
