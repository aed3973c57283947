package websocket

import (
	"bytes"
	"encoding/binary"
	"testing"
)

// TestFrameLayout reads frames back by RFC 6455 §5.2, at the boundaries of
// the three length encodings.
func TestFrameLayout(t *testing.T) {
	for _, n := range []int{0, 1, 7, 8, 125, 126, 1600, 65535, 65536} {
		payload := pattern(n)
		f := appendFrame([]byte("prefix"), opBinary, payload, 0xa1b2c3d4)
		if !bytes.HasPrefix(f, []byte("prefix")) {
			t.Fatalf("%d: appendFrame overwrote dst", n)
		}
		f = f[len("prefix"):]
		if f[0] != 0x80|opBinary || f[1]&0x80 == 0 {
			t.Fatalf("%d: first bytes %#x %#x: want FIN, binary, masked", n, f[0], f[1])
		}
		length, hdr := int(f[1]&0x7f), 2
		switch length {
		case 126:
			length, hdr = int(binary.BigEndian.Uint16(f[2:])), 4
		case 127:
			length, hdr = int(binary.BigEndian.Uint64(f[2:])), 10
		}
		if length != n || len(f) != hdr+4+n {
			t.Fatalf("%d: length field %d, frame %d bytes", n, length, len(f))
		}
		key := f[hdr : hdr+4]
		got := append([]byte(nil), f[hdr+4:]...)
		for i := range got {
			got[i] ^= key[i%4]
		}
		if !bytes.Equal(got, payload) {
			t.Fatalf("%d: payload does not unmask to what was sent", n)
		}
		if n >= 8 && bytes.Equal(f[hdr+4:], payload) {
			t.Fatalf("%d: payload not masked", n)
		}
	}
}

func pattern(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*13 + i/256)
	}
	return b
}
