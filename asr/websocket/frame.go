package websocket

import (
	"encoding/binary"
	"math/rand/v2"
	"sync"
)

// Opcodes of RFC 6455 §5.2.
const (
	opText   = 1
	opBinary = 2
)

// maxFrameHeader is a client frame's header at most: two bytes, eight of
// extended length, four of masking key.
const maxFrameHeader = 14

// appendFrame appends one final, masked frame (RFC 6455 §5.2: a client
// masks every frame) carrying payload. Streams write their messages with it
// in one Write each, rather than through the websocket library, which
// allocates twice per message on the client side; a frame in one Write
// cannot interleave with the library's own frames (control frames), since
// every connection's Write is atomic.
func appendFrame(dst []byte, opcode byte, payload []byte, key uint32) []byte {
	dst = append(dst, 0x80|opcode)
	switch n := len(payload); {
	case n <= 125:
		dst = append(dst, 0x80|byte(n))
	case n <= 0xffff:
		dst = append(dst, 0x80|126)
		dst = binary.BigEndian.AppendUint16(dst, uint16(n))
	default:
		dst = append(dst, 0x80|127)
		dst = binary.BigEndian.AppendUint64(dst, uint64(n))
	}
	var k [4]byte
	binary.LittleEndian.PutUint32(k[:], key)
	dst = append(dst, k[:]...)
	start := len(dst)
	dst = append(dst, payload...)
	mask(dst[start:], k)
	return dst
}

// mask XORs b with the key, eight bytes at a time where it can.
func mask(b []byte, k [4]byte) {
	k32 := binary.LittleEndian.Uint32(k[:])
	k64 := uint64(k32) | uint64(k32)<<32
	i := 0
	for ; i+8 <= len(b); i += 8 {
		binary.LittleEndian.PutUint64(b[i:], binary.LittleEndian.Uint64(b[i:])^k64)
	}
	for ; i < len(b); i++ {
		b[i] ^= k[i&3]
	}
}

// maskKey is a fresh masking key. RFC 6455 §5.3 asks for an unpredictable
// one; math/rand/v2's generator is seeded per thread from the system's
// entropy, which is enough for what masking protects (intermediaries, not
// secrecy), and costs no system call.
func maskKey() uint32 { return rand.Uint32() }

// framePool lends the buffer a frame is built in, for the time of one
// Write.
type framePool struct{ p sync.Pool }

func (fp *framePool) get(size int) *[]byte {
	if b, ok := fp.p.Get().(*[]byte); ok && cap(*b) >= size {
		return b
	}
	b := make([]byte, 0, size)
	return &b
}

func (fp *framePool) put(b *[]byte) {
	*b = (*b)[:0]
	fp.p.Put(b)
}
