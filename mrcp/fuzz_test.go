package mrcp

import (
	"errors"
	"testing"
)

func addSeeds(f *testing.F) {
	for _, v := range loadVectors(f) {
		f.Add(v.wire)
	}
	f.Add([]byte(stopWire + stopWire))
	f.Add([]byte("MRCP/2.0 abc STOP 1\r\n\r\n"))
	f.Add([]byte("garbage\r\n" + stopWire))
	f.Add([]byte("MRCP/2.0 99999999999999999999 STOP 1\r\n\r\n"))
}

// FuzzParse: Parse never panics, and whatever it accepts survives a
// Marshal/Parse round trip unchanged.
func FuzzParse(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := Parse(b)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Code == 0 || pe.Error() == "" {
				t.Fatalf("error without a status: %v", err)
			}
			return
		}
		out := m.Marshal()
		again, err := Parse(out)
		if err != nil {
			t.Fatalf("re-Parse of %q: %v", out, err)
		}
		sameMessage(t, "fuzz", m, again)
		_ = ValidateRequest(ResourceSpeechRecog, m)
		_ = ValidateRequest(ResourceSpeechSynth, m)
	})
}

// FuzzParser: the stream parser never panics, never buffers more than a
// message plus one write, and yields the same messages however the input
// is cut.
func FuzzParser(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		const limit = 4096
		whole := NewParser(limit)
		whole.Write(b)
		want := collect(t, whole)

		// Cut into chunks whose sizes come from the data itself.
		split := NewParser(limit)
		var got []*Message
		for i, n := 0, 1; i < len(b); {
			end := min(i+n, len(b))
			split.Write(b[i:end])
			i = end
			got = append(got, collect(t, split)...)
			if split.Buffered() > limit+n {
				t.Fatalf("%d octets buffered", split.Buffered())
			}
			n = int(b[i-1])%17 + 1
		}
		if len(got) != len(want) {
			t.Fatalf("%d messages whole, %d split", len(want), len(got))
		}
		for i := range want {
			sameMessage(t, "fuzz", want[i], got[i])
		}
	})
}

func collect(t *testing.T, p *Parser) []*Message {
	var out []*Message
	for i := 0; i < 1<<16; i++ {
		m, err := p.Next()
		if errors.Is(err, ErrNeedMore) {
			return out
		}
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Code == 0 {
				t.Fatalf("bad error %v", err)
			}
			continue
		}
		out = append(out, m)
	}
	t.Fatal("Next does not terminate")
	return nil
}
