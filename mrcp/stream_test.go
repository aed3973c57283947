package mrcp

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// drain calls Next until ErrNeedMore, bounded so a parser bug cannot hang
// the test.
func drain(t *testing.T, p *Parser) (msgs []*Message, errs []error) {
	t.Helper()
	for i := 0; i < 10000; i++ {
		m, err := p.Next()
		if errors.Is(err, ErrNeedMore) {
			return msgs, errs
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		msgs = append(msgs, m)
	}
	t.Fatal("Next did not run out of input")
	return nil, nil
}

func TestParserEverySplit(t *testing.T) {
	for _, v := range loadVectors(t) {
		want, err := Parse(v.wire)
		if err != nil {
			t.Fatalf("%s: %v", v.name, err)
		}
		for cut := 0; cut <= len(v.wire); cut++ {
			p := NewParser(0)
			p.Write(v.wire[:cut])
			got, errs := drain(t, p)
			if len(errs) > 0 {
				t.Fatalf("%s cut %d: %v", v.name, cut, errs)
			}
			p.Write(v.wire[cut:])
			more, errs := drain(t, p)
			if len(errs) > 0 {
				t.Fatalf("%s cut %d: %v", v.name, cut, errs)
			}
			got = append(got, more...)
			if len(got) != 1 {
				t.Fatalf("%s cut %d: %d messages", v.name, cut, len(got))
			}
			sameMessage(t, v.name, want, got[0])
			if p.Buffered() != 0 {
				t.Fatalf("%s cut %d: %d octets left", v.name, cut, p.Buffered())
			}
		}
	}
}

func TestParserPipelined(t *testing.T) {
	vs := loadVectors(t)
	var all []byte
	for _, v := range vs {
		all = append(all, v.wire...)
	}
	check := func(t *testing.T, got []*Message) {
		t.Helper()
		if len(got) != len(vs) {
			t.Fatalf("%d messages, want %d", len(got), len(vs))
		}
		for i, v := range vs {
			want, _ := Parse(v.wire)
			sameMessage(t, v.name, want, got[i])
		}
	}
	t.Run("one write", func(t *testing.T) {
		p := NewParser(0)
		p.Write(all)
		got, errs := drain(t, p)
		if len(errs) > 0 {
			t.Fatal(errs)
		}
		check(t, got)
	})
	t.Run("byte by byte", func(t *testing.T) {
		p := NewParser(0)
		var got []*Message
		for i := range all {
			p.Write(all[i : i+1])
			m, errs := drain(t, p)
			if len(errs) > 0 {
				t.Fatal(errs)
			}
			got = append(got, m...)
		}
		check(t, got)
	})
	t.Run("odd chunks", func(t *testing.T) {
		p := NewParser(0)
		var got []*Message
		for i, n := 0, 1; i < len(all); n = n*7%97 + 1 {
			end := min(i+n, len(all))
			p.Write(all[i:end])
			i = end
			m, errs := drain(t, p)
			if len(errs) > 0 {
				t.Fatal(errs)
			}
			got = append(got, m...)
		}
		check(t, got)
	})
}

func TestParserWriteCopies(t *testing.T) {
	v := loadVectors(t)[0]
	buf := append([]byte(nil), v.wire[:10]...)
	p := NewParser(0)
	p.Write(buf)
	for i := range buf {
		buf[i] = 'x' // the caller reuses its read buffer
	}
	p.Write(v.wire[10:])
	got, errs := drain(t, p)
	if len(errs) != 0 || len(got) != 1 {
		t.Fatalf("got %d messages, errors %v", len(got), errs)
	}
}

var stopWire = fixLengthString("MRCP/2.0 0 STOP 7\r\nChannel-Identifier: 1a2b3c@speechrecog\r\nContent-Length: 0\r\n\r\n")

func TestParserResync(t *testing.T) {
	cases := []struct {
		name      string
		input     string
		discarded []int // Discarded of each error, in order
		salvaged  uint32
	}{
		{"garbage line", "HELLO WORLD\r\n" + stopWire, []int{13}, 0},
		{"garbage without newline before start line", "junk" + stopWire + stopWire, []int{4 + len(stopWire)}, 0},
		{"binary", "\x00\x01\x02\xff\r\n" + stopWire, []int{6}, 0},
		{"bad length", "MRCP/2.0 abc STOP 9\r\nChannel-Identifier: 1a2b3c@speechrecog\r\n\r\n" + stopWire,
			[]int{len("MRCP/2.0 abc STOP 9\r\nChannel-Identifier: 1a2b3c@speechrecog\r\n\r\n")}, 9},
		{"length shorter than start line", "MRCP/2.0 0 STOP 9\r\n\r\n" + stopWire, []int{len("MRCP/2.0 5 STOP 9\r\n\r\n")}, 9},
		{"overlong start line", "MRCP/" + strings.Repeat("9", 300) + "\r\n" + stopWire, []int{307}, 0},
		{"blank lines between messages are fine", "\r\n\r\n" + stopWire + "\n", nil, 0},
		{"two garbage runs", "a\r\n" + stopWire + "b\r\n" + stopWire, []int{3, 3}, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, split := range []int{0, 1, 3, len(c.input) / 2} {
				p := NewParser(0)
				var msgs []*Message
				var errs []error
				for i := 0; i < len(c.input); {
					end := len(c.input)
					if split > 0 {
						end = min(i+split, len(c.input))
					}
					p.Write([]byte(c.input[i:end]))
					i = end
					m, e := drain(t, p)
					msgs, errs = append(msgs, m...), append(errs, e...)
				}
				wantMsgs := strings.Count(c.input, stopWire)
				if c.name == "garbage without newline before start line" {
					wantMsgs = 1 // the rest of the garbage line goes with it
				}
				if len(msgs) != wantMsgs {
					t.Fatalf("split %d: %d messages, want %d (errors %v)", split, len(msgs), wantMsgs, errs)
				}
				for _, m := range msgs {
					if m.Name != MethodStop || m.RequestID != 7 {
						t.Fatalf("split %d: wrong message %+v", split, m)
					}
				}
				// Splitting changes how many octets each error covers, not
				// how many octets are dropped in all; whole input is exact.
				total, wantTotal := 0, 0
				for _, d := range c.discarded {
					wantTotal += d
				}
				for _, err := range errs {
					var pe *ParseError
					if !errors.As(err, &pe) || !errors.Is(err, ErrStartLine) || pe.Code != StatusIllegalHeaderValue {
						t.Fatalf("split %d: error %v", split, err)
					}
					total += pe.Discarded
				}
				if split == 0 {
					if len(errs) != len(c.discarded) {
						t.Fatalf("%d errors, want %d: %v", len(errs), len(c.discarded), errs)
					}
					for i, err := range errs {
						pe := err.(*ParseError)
						if pe.Discarded != c.discarded[i] {
							t.Fatalf("error %d discarded %d, want %d", i, pe.Discarded, c.discarded[i])
						}
						if c.salvaged != 0 && (pe.Message == nil || pe.Message.RequestID != c.salvaged) {
							t.Fatalf("request-id not salvaged: %+v", pe.Message)
						}
					}
				}
				if total > wantTotal {
					t.Fatalf("split %d: discarded %d octets, more than %d", split, total, wantTotal)
				}
				if len(errs) == 0 && len(c.discarded) > 0 {
					t.Fatalf("split %d: garbage not reported", split)
				}
			}
		})
	}
}

func TestParserFramedErrors(t *testing.T) {
	// Each input is well framed (its message-length is made right below),
	// so the parser reports it and carries on with the STOP that follows.
	cases := []struct {
		name   string
		msg    string
		target error
		code   int
		header string
		id     uint32
	}{
		{"version", "MRCP/1.0 0 STOP 3\r\nChannel-Identifier: 1a2b3c@speechrecog\r\n\r\n", ErrVersion, StatusVersionNotSupported, "", 3},
		{"bad header line", "MRCP/2.0 0 STOP 3\r\nno colon here\r\nChannel-Identifier: 1a2b3c@speechrecog\r\n\r\n", ErrHeaderSyntax, StatusIllegalHeaderValue, "", 3},
		{"content-length too small", "MRCP/2.0 0 SPEAK 3\r\nChannel-Identifier: 1a2b3c@speechsynth\r\nContent-Length: 2\r\n\r\nhello", ErrContentLength, StatusIllegalHeaderValue, HdrContentLength, 3},
		{"body without content-length", "MRCP/2.0 0 SPEAK 3\r\nChannel-Identifier: 1a2b3c@speechsynth\r\n\r\nhello", ErrContentLength, StatusIllegalHeaderValue, HdrContentLength, 3},
		{"content-length not a number", "MRCP/2.0 0 SPEAK 3\r\nChannel-Identifier: 1a2b3c@speechsynth\r\nContent-Length: x\r\n\r\nhello", ErrContentLength, StatusIllegalHeaderValue, HdrContentLength, 3},
		{"request-id zero", "MRCP/2.0 0 STOP 0\r\nChannel-Identifier: 1a2b3c@speechrecog\r\n\r\n", ErrStartLine, StatusIllegalHeaderValue, "", 0},
		{"request-id too big", "MRCP/2.0 0 STOP 4294967296\r\nChannel-Identifier: 1a2b3c@speechrecog\r\n\r\n", ErrStartLine, StatusIllegalHeaderValue, "", 0},
		{"bad state", "MRCP/2.0 0 3 200 FINISHED\r\nChannel-Identifier: 1a2b3c@speechrecog\r\n\r\n", ErrStartLine, StatusIllegalHeaderValue, "", 3},
		{"bad status", "MRCP/2.0 0 3 20x COMPLETE\r\nChannel-Identifier: 1a2b3c@speechrecog\r\n\r\n", ErrStartLine, StatusIllegalHeaderValue, "", 3},
		{"rfc erratum event with status", "MRCP/2.0 0 INTERPRETATION-COMPLETE 3 200 COMPLETE\r\nChannel-Identifier: 1a2b3c@speechrecog\r\n\r\n", ErrStartLine, StatusIllegalHeaderValue, "", 0},
		{"no empty line within length", "MRCP/2.0 0 STOP 3\r\nChannel-Identifier: 1a2b3c@speechrecog\r\n", ErrLength, StatusIllegalHeaderValue, "", 3},
		{"control character", "MRCP/2.0 0 STOP 3\r\nChannel-Identifier: 1a2b\x013c@speechrecog\r\n\r\n", ErrHeaderSyntax, StatusIllegalHeaderValue, HdrChannelIdentifier, 3},
		{"name not a token", "MRCP/2.0 0 STOP 3\r\nChannel-Identifier: 1a2b3c@speechrecog\r\nBad Name: x\r\n\r\n", ErrHeaderSyntax, StatusIllegalHeaderValue, "", 3},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.msg = fixLengthString(c.msg)
			p := NewParser(0)
			p.Write([]byte(c.msg + stopWire))
			msgs, errs := drain(t, p)
			if len(errs) != 1 || len(msgs) != 1 || msgs[0].Name != MethodStop {
				t.Fatalf("got %d messages, errors %v", len(msgs), errs)
			}
			var pe *ParseError
			if !errors.As(errs[0], &pe) || !errors.Is(errs[0], c.target) || pe.Code != c.code || pe.Header != c.header {
				t.Fatalf("error %#v, want %v code %d header %q", errs[0], c.target, c.code, c.header)
			}
			if pe.Discarded != 0 {
				t.Fatalf("framed error discarded %d", pe.Discarded)
			}
			if c.id != 0 {
				if pe.Message == nil || pe.Message.RequestID != c.id {
					t.Fatalf("recovered message %+v", pe.Message)
				}
				if c.target != ErrHeaderSyntax || c.header == "" {
					if id, ok, _ := pe.Message.Header.ChannelID(); !ok || id.Session != "1a2b3c" {
						t.Fatalf("Channel-Identifier not recovered: %+v", pe.Message.Header.Fields())
					}
				}
			}
			if s := pe.Status(); s.Code != c.code || s.Error() == "" {
				t.Fatalf("Status() = %+v", s)
			}
			// Parse agrees with the stream parser.
			if _, err := Parse([]byte(c.msg)); !errors.Is(err, c.target) {
				t.Fatalf("Parse: %v", err)
			}
		})
	}
}

// fixLengthString returns msg with its message-length corrected, so a
// table entry with a wrong count is caught instead of testing framing by
// accident.
func fixLengthString(msg string) string {
	line, rest, _ := strings.Cut(msg, "\r\n")
	tok := strings.Fields(line)
	tail := strings.Join(tok[2:], " ")
	n := 0
	for {
		s := tok[0] + " " + itoaTest(n) + " " + tail + "\r\n" + rest
		if len(s) == n {
			return s
		}
		n = len(s)
	}
}

func itoaTest(n int) string { return string(appendInt(nil, n)) }

func appendInt(b []byte, n int) []byte {
	if n >= 10 {
		b = appendInt(b, n/10)
	}
	return append(b, byte('0'+n%10))
}

func TestParserTooLarge(t *testing.T) {
	big := "MRCP/2.0 2000 SPEAK 5\r\nChannel-Identifier: 1a2b3c@speechsynth\r\nContent-Type: text/plain\r\nContent-Length: "
	body := strings.Repeat("a", 2000)
	// Build a correctly framed 2000-octet message.
	head := big
	for cl := 0; ; cl++ {
		msg := head + itoaTest(cl) + "\r\n\r\n"
		if len(msg)+cl == 2000 {
			big = msg + body[:cl]
			break
		}
		if len(msg)+cl > 2000 {
			t.Fatal("cannot build fixture")
		}
	}
	for _, chunk := range []int{len(big) + len(stopWire), 100, 7} {
		p := NewParser(1000)
		input := []byte(big + stopWire)
		var msgs []*Message
		var errs []error
		for i := 0; i < len(input); i += chunk {
			p.Write(input[i:min(i+chunk, len(input))])
			m, e := drain(t, p)
			msgs, errs = append(msgs, m...), append(errs, e...)
		}
		if len(errs) != 1 || !errors.Is(errs[0], ErrMessageTooLarge) {
			t.Fatalf("chunk %d: errors %v", chunk, errs)
		}
		pe := errs[0].(*ParseError)
		if pe.Code != StatusMessageTooLarge || pe.Message == nil || pe.Message.RequestID != 5 || pe.Message.Name != MethodSpeak {
			t.Fatalf("chunk %d: %+v", chunk, pe)
		}
		// The oversized octets were skipped, so the stream is still in step.
		if len(msgs) != 1 || msgs[0].Name != MethodStop {
			t.Fatalf("chunk %d: messages after the oversized one: %d", chunk, len(msgs))
		}
		if p.Buffered() > 0 {
			t.Fatalf("chunk %d: %d octets left", chunk, p.Buffered())
		}
	}
}

func TestParserBufferBounded(t *testing.T) {
	// Endless garbage without line breaks must not accumulate.
	p := NewParser(0)
	junk := bytes.Repeat([]byte("x"), 4096)
	for i := 0; i < 100; i++ {
		p.Write(junk)
		drain(t, p)
		if p.Buffered() != 0 {
			t.Fatalf("round %d: %d octets buffered", i, p.Buffered())
		}
	}
	p.Write([]byte("\n" + stopWire))
	msgs, _ := drain(t, p)
	if len(msgs) != 1 {
		t.Fatalf("no recovery after garbage: %d", len(msgs))
	}
}
