package mrcp

import (
	"bytes"
	"strconv"
)

// DefaultMaxMessageSize is the limit NewParser uses when given none.
const DefaultMaxMessageSize = 1 << 20

// Parser frames MRCPv2 messages out of a byte stream such as a TCP control
// connection (RFC 6787 §4.2). Feed it with Write in whatever pieces the
// connection delivers and call Next until it returns ErrNeedMore. A Parser
// is not safe for concurrent use.
//
// Framing trusts the message-length of the start line (RFC 6787 §5.1):
// once a start line is read, exactly that many octets form the message,
// so a message that is well framed but otherwise wrong (bad header, wrong
// version, Content-Length disagreeing) costs only itself: Next returns a
// *ParseError and the following message is read normally.
//
// Resynchronisation rule: when the bytes at the current position cannot be
// a start line (they do not begin with "MRCP/", the line exceeds 256
// octets, or its message-length is unusable), Next discards everything up
// to and including the next LF that is immediately followed by "MRCP/",
// and returns one *ParseError wrapping ErrStartLine whose Discarded field
// counts the dropped octets. If no such point is buffered yet, the
// buffered bytes are dropped and so is the rest of the current line as it
// arrives, without further errors. Empty lines between messages are
// skipped silently.
//
// A start line announcing more than the maximum size yields a *ParseError
// wrapping ErrMessageTooLarge (code 504); the announced octets are then
// dropped as they arrive, so the stream stays in step, although a server
// is expected to close the connection.
type Parser struct {
	buf     []byte
	start   int // first unconsumed octet of buf
	max     int
	skip    int  // octets of an oversized message still to drop
	midLine bool // dropping the remainder of a garbage line
}

// NewParser returns a Parser that rejects messages longer than
// maxMessageSize octets; zero or less selects DefaultMaxMessageSize.
func NewParser(maxMessageSize int) *Parser {
	if maxMessageSize <= 0 {
		maxMessageSize = DefaultMaxMessageSize
	}
	return &Parser{max: maxMessageSize}
}

// Write buffers b; the Parser keeps a copy, so b may be reused at once.
func (p *Parser) Write(b []byte) {
	if p.skip > 0 {
		n := min(p.skip, len(b))
		p.skip -= n
		b = b[n:]
	}
	if len(b) == 0 {
		return
	}
	if p.start == len(p.buf) {
		p.buf, p.start = p.buf[:0], 0
	} else if p.start > 0 && len(p.buf)+len(b) > cap(p.buf) {
		// Reclaim consumed space before growing.
		n := copy(p.buf, p.buf[p.start:])
		p.buf, p.start = p.buf[:n], 0
	}
	p.buf = append(p.buf, b...)
}

// Buffered is the number of octets written but not yet consumed.
func (p *Parser) Buffered() int { return len(p.buf) - p.start }

// Next returns the next whole message. It returns ErrNeedMore when more
// input is needed, and a *ParseError for bad input, after which Next may
// be called again.
func (p *Parser) Next() (*Message, error) {
	for {
		data := p.buf[p.start:]
		if p.midLine {
			nl := bytes.IndexByte(data, '\n')
			if nl < 0 {
				p.consume(len(data))
				return nil, ErrNeedMore
			}
			p.consume(nl + 1)
			p.midLine = false
			continue
		}
		// Lenient: stray line terminators between messages.
		n := 0
		for n < len(data) && (data[n] == '\r' || data[n] == '\n') {
			n++
		}
		if n > 0 {
			p.consume(n)
			data = data[n:]
		}
		if len(data) == 0 {
			return nil, ErrNeedMore
		}
		if k := min(len(data), len("MRCP/")); string(data[:k]) != "MRCP/"[:k] {
			return nil, p.resync(data, "input does not begin with MRCP/", nil)
		}
		window := data[:min(len(data), maxStartLineLen)]
		lineEnd := bytes.IndexByte(window, '\n')
		if lineEnd < 0 {
			if len(data) >= maxStartLineLen {
				return nil, p.resync(data, "start line too long", nil)
			}
			return nil, ErrNeedMore
		}
		line := trimCR(data[:lineEnd])
		sl, err := parseStartLine(line)
		if err != nil {
			return nil, p.resync(data, err.Error(), salvageRequest(line))
		}
		if sl.length < lineEnd+2 {
			return nil, p.resync(data, "message-length shorter than the start line", salvageRequest(line))
		}
		if sl.length > p.max {
			partial := &Message{Kind: sl.kind, RequestID: sl.requestID, StatusCode: sl.status, State: sl.state}
			if sl.nameEnd > sl.nameStart {
				partial.Name = internName(line[sl.nameStart:sl.nameEnd])
			}
			drop := min(sl.length, len(data))
			p.consume(drop)
			p.skip = sl.length - drop
			return nil, &ParseError{Err: ErrMessageTooLarge, Code: StatusMessageTooLarge,
				Reason: "message-length exceeds the limit of " + strconv.Itoa(p.max) + " octets", Message: partial}
		}
		if len(data) < sl.length {
			return nil, ErrNeedMore
		}
		m, err := parseFramed(data[:sl.length], sl, lineEnd)
		p.consume(sl.length)
		return m, err
	}
}

// keepBuffer is the largest buffer kept once it is empty, so one large
// message does not pin its memory for the life of the connection.
const keepBuffer = 64 << 10

func (p *Parser) consume(n int) {
	p.start += n
	if p.start == len(p.buf) {
		p.buf, p.start = p.buf[:0], 0
		if cap(p.buf) > keepBuffer {
			p.buf = nil
		}
	}
}

// resync drops octets up to the next line that starts with "MRCP/" (see
// the Parser documentation) and reports them.
func (p *Parser) resync(data []byte, reason string, salvaged *Message) error {
	var drop int
	if i := bytes.Index(data, []byte("\nMRCP/")); i >= 0 {
		drop = i + 1
	} else {
		drop = len(data)
		p.midLine = true
		if nl := bytes.LastIndexByte(data, '\n'); nl >= 0 {
			// Keep a tail that may still grow into "MRCP/".
			tail := data[nl+1:]
			if string(tail) == "MRCP/"[:min(len(tail), 5)] {
				drop = nl + 1
				p.midLine = false
			}
		}
	}
	p.consume(drop)
	return &ParseError{Err: ErrStartLine, Code: StatusIllegalHeaderValue, Reason: reason, Message: salvaged, Discarded: drop}
}
