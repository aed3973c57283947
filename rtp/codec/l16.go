package codec

import "fmt"

// DecodeL16To converts big-endian 16-bit samples (RFC 3551 §4.5.11) into dst
// and returns the number of samples written. A trailing odd byte is ignored.
func DecodeL16To(dst []int16, src []byte) int {
	n := min(len(dst), len(src)/2)
	for i := range n {
		dst[i] = int16(uint16(src[2*i])<<8 | uint16(src[2*i+1]))
	}
	return n
}

// EncodeL16To writes samples as big-endian 16-bit values into dst and returns
// the number of bytes written.
func EncodeL16To(dst []byte, src []int16) int {
	n := min(len(dst)/2, len(src))
	for i, v := range src[:n] {
		dst[2*i] = byte(uint16(v) >> 8)
		dst[2*i+1] = byte(v)
	}
	return 2 * n
}

type l16Coder struct{}

func (l16Coder) Samples(payloadLen int) int           { return payloadLen / 2 }
func (l16Coder) PayloadLen(samples int) int           { return samples * 2 }
func (l16Coder) DecodeTo(dst []int16, src []byte) int { return DecodeL16To(dst, src) }
func (l16Coder) EncodeTo(dst []byte, src []int16) int { return EncodeL16To(dst, src) }

type l16Codec struct {
	rate int
}

// L16 is mono linear 16-bit PCM at the given rate. Only the RFC 3551 static
// types are stereo, so mono L16 always travels on a dynamic payload type
// (FreeSWITCH offers L16/8000 and L16/16000).
func L16(rate int) (Codec, error) {
	if rate < 8000 || rate > 48000 {
		return nil, fmt.Errorf("codec: L16 rate %d Hz outside 8000-48000", rate)
	}
	return l16Codec{rate: rate}, nil
}

func (c l16Codec) Name() string                     { return "L16" }
func (c l16Codec) ClockRate() int                   { return c.rate }
func (c l16Codec) SampleRate() int                  { return c.rate }
func (c l16Codec) StaticPayloadType() (uint8, bool) { return 0, false }
func (c l16Codec) NewDecoder() Decoder              { return l16Coder{} }
func (c l16Codec) NewEncoder() Encoder              { return l16Coder{} }
