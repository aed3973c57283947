package rtp

import (
	"encoding/binary"
	"errors"
)

// Reasons a datagram is not accepted as RTP. They are plain values so that
// rejecting a packet costs no allocation.
var (
	errShortPacket  = errors.New("rtp: packet shorter than its header")
	errVersion      = errors.New("rtp: version is not 2")
	errPadding      = errors.New("rtp: padding length exceeds payload")
	errExtension    = errors.New("rtp: header extension exceeds packet")
	errEmptyPayload = errors.New("rtp: empty payload")
)

// header holds the fields of a received RTP header that the receive path
// uses; CSRCs and extensions are skipped.
type header struct {
	marker      bool
	payloadType uint8
	seq         uint16
	timestamp   uint32
	ssrc        uint32
}

// parseHeader validates buf as one RTP packet (RFC 3550 §5.1) and returns its
// header and payload, a sub-slice of buf.
func parseHeader(buf []byte) (header, []byte, error) {
	var h header
	if len(buf) < 12 {
		return h, nil, errShortPacket
	}
	if buf[0]>>6 != 2 {
		return h, nil, errVersion
	}
	h.marker = buf[1]&0x80 != 0
	h.payloadType = buf[1] & 0x7f
	h.seq = binary.BigEndian.Uint16(buf[2:])
	h.timestamp = binary.BigEndian.Uint32(buf[4:])
	h.ssrc = binary.BigEndian.Uint32(buf[8:])

	end := len(buf)
	if buf[0]&0x20 != 0 {
		// RFC 3550 §5.1: the last octet of the padding counts the padding.
		pad := int(buf[end-1])
		if pad == 0 || pad > end-12 {
			return h, nil, errPadding
		}
		end -= pad
	}
	off := 12 + 4*int(buf[0]&0x0f)
	if off > end {
		return h, nil, errShortPacket
	}
	if buf[0]&0x10 != 0 {
		// RFC 3550 §5.3.1: a 4-octet extension header with its length in words.
		if off+4 > end {
			return h, nil, errExtension
		}
		off += 4 + 4*int(binary.BigEndian.Uint16(buf[off+2:]))
		if off > end {
			return h, nil, errExtension
		}
	}
	if off == end {
		return h, nil, errEmptyPayload
	}
	return h, buf[off:end], nil
}
