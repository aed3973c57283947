package rtp

import (
	"encoding/binary"
	"errors"
	"time"
)

// DTMFEvent reports a DTMF digit received as an RFC 4733 telephone-event.
// Each digit produces one event with Begin set and one with End set (both
// at once when only end packets arrived).
type DTMFEvent struct {
	// Digit is '0'-'9', '*', '#' or 'A'-'D'.
	Digit byte
	Begin bool
	End   bool
	// Duration is the length of the tone so far; on End it is the total.
	Duration time.Duration
	// Timestamp is the RTP timestamp that identifies the event.
	Timestamp uint32
}

// telephoneEvent is the 4-octet payload of RFC 4733 §2.3.
type telephoneEvent struct {
	event    uint8
	end      bool
	volume   uint8
	duration uint16
}

var errEventPayload = errors.New("rtp: telephone-event payload shorter than 4 octets")

// parseTelephoneEvent reads the 4-octet event block at the start of a
// payload. Several events in one packet travel as RFC 2198 redundancy under
// a payload type of their own (RFC 4733 §2.5.1.5), so anything after the
// first block is ignored.
func parseTelephoneEvent(p []byte) (telephoneEvent, error) {
	if len(p) < 4 {
		return telephoneEvent{}, errEventPayload
	}
	return telephoneEvent{
		event:    p[0],
		end:      p[1]&0x80 != 0,
		volume:   p[1] & 0x3f,
		duration: binary.BigEndian.Uint16(p[2:]),
	}, nil
}

func (e telephoneEvent) appendTo(dst []byte) []byte {
	b1 := e.volume & 0x3f
	if e.end {
		b1 |= 0x80
	}
	return binary.BigEndian.AppendUint16(append(dst, e.event, b1), e.duration)
}

// eventDigit maps the DTMF event codes 0-15 of RFC 4733 §3.2 to characters.
func eventDigit(code uint8) (byte, bool) {
	switch {
	case code <= 9:
		return '0' + code, true
	case code == 10:
		return '*', true
	case code == 11:
		return '#', true
	case code <= 15:
		return 'A' + code - 12, true
	}
	return 0, false
}

func digitEvent(d byte) (uint8, bool) {
	switch {
	case d >= '0' && d <= '9':
		return d - '0', true
	case d == '*':
		return 10, true
	case d == '#':
		return 11, true
	case d >= 'A' && d <= 'D':
		return d - 'A' + 12, true
	case d >= 'a' && d <= 'd':
		return d - 'a' + 12, true
	}
	return 0, false
}
