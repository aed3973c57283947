package mrcp

import (
	"bytes"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// A vector is one complete message in wire form.
type vector struct {
	name string
	wire []byte
}

// fixtureToWire turns a fixture file into wire octets. Fixtures are stored
// with LF line ends for readability: the start line and header section get
// CRLF, the body is kept as is. RFC 6787 examples write "..." for lengths;
// those are filled in here (the trace fixtures carry their real lengths,
// which Parse then checks).
func fixtureToWire(text string) []byte {
	head, body, _ := strings.Cut(text, "\n\n")
	head = strings.ReplaceAll(head, "\n", "\r\n") + "\r\n\r\n"
	head = strings.Replace(head, "Content-Length:...", "Content-Length:"+strconv.Itoa(len(body)), 1)
	msg := head + body
	if !strings.HasPrefix(msg, "MRCP/2.0 ... ") {
		return []byte(msg)
	}
	// The length counts its own digits: iterate to the fixed point.
	n := len(msg) - 3
	for {
		s := strings.Replace(msg, "...", strconv.Itoa(n), 1)
		if len(s) == n {
			return []byte(s)
		}
		n = len(s)
	}
}

func loadVectors(t testing.TB) []vector {
	t.Helper()
	var out []vector
	for _, dir := range []string{"testdata/vectors", "testdata/rfc"} {
		files, err := filepath.Glob(filepath.Join(dir, "*.txt"))
		if err != nil {
			t.Fatal(err)
		}
		sort.Strings(files)
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, vector{name: filepath.Base(dir) + "/" + filepath.Base(f), wire: fixtureToWire(string(b))})
		}
	}
	if len(out) < 100 {
		t.Fatalf("only %d vectors loaded", len(out))
	}
	return out
}

// startLineTokens reads the start line independently of the parser under
// test.
func startLineTokens(wire []byte) []string {
	line, _, _ := bytes.Cut(wire, []byte("\r\n"))
	return strings.Fields(string(line))
}

func sameMessage(t *testing.T, name string, want, got *Message) {
	t.Helper()
	if want.Kind != got.Kind || want.Name != got.Name || want.RequestID != got.RequestID ||
		want.StatusCode != got.StatusCode || want.State != got.State {
		t.Fatalf("%s: start line differs: want %v %q %d %d %v, got %v %q %d %d %v", name,
			want.Kind, want.Name, want.RequestID, want.StatusCode, want.State,
			got.Kind, got.Name, got.RequestID, got.StatusCode, got.State)
	}
	if !bytes.Equal(want.Body, got.Body) {
		t.Fatalf("%s: body differs", name)
	}
	wf, gf := fieldsWithoutLength(want), fieldsWithoutLength(got)
	if len(wf) != len(gf) {
		t.Fatalf("%s: %d fields, want %d", name, len(gf), len(wf))
	}
	for i := range wf {
		if wf[i] != gf[i] {
			t.Fatalf("%s: field %d = %q, want %q", name, i, gf[i], wf[i])
		}
	}
}

func fieldsWithoutLength(m *Message) []Field {
	var out []Field
	for _, f := range m.Header.Fields() {
		if !equalFoldASCII(f.Name, HdrContentLength) {
			out = append(out, f)
		}
	}
	return out
}

var osReadFile = os.ReadFile
