package codec

import "testing"

// FuzzDecode feeds arbitrary payloads to every decoder: each byte string must
// decode without panic into exactly Samples(len) samples.
func FuzzDecode(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{0x00})
	f.Add([]byte{0xff, 0x7f, 0x80, 0x00, 0x55})
	f.Add(make([]byte, 160))
	l16, _ := L16(8000)
	codecs := []Codec{PCMU(), PCMA(), G722(), l16}
	f.Fuzz(func(t *testing.T, payload []byte) {
		for _, c := range codecs {
			dec := c.NewDecoder()
			want := dec.Samples(len(payload))
			dst := make([]int16, want+1)
			if n := dec.DecodeTo(dst, payload); n != want {
				t.Fatalf("%s: decoded %d samples, want %d", c.Name(), n, want)
			}
			// Re-encoding must fit the payload size it came from.
			enc := c.NewEncoder()
			out := make([]byte, enc.PayloadLen(want))
			if n := enc.EncodeTo(out, dst[:want]); n != len(out) {
				t.Fatalf("%s: encoded %d bytes, want %d", c.Name(), n, len(out))
			}
		}
	})
}
