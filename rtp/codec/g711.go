package codec

import "github.com/zaf/g711"

// DecodeULawTo expands G.711 µ-law bytes into dst and returns the number of
// samples written: min(len(dst), len(src)).
func DecodeULawTo(dst []int16, src []byte) int {
	n := min(len(dst), len(src))
	for i, b := range src[:n] {
		dst[i] = g711.DecodeUlawFrame(b)
	}
	return n
}

// EncodeULawTo compresses samples into G.711 µ-law bytes and returns the
// number of bytes written: min(len(dst), len(src)).
func EncodeULawTo(dst []byte, src []int16) int {
	n := min(len(dst), len(src))
	for i, v := range src[:n] {
		dst[i] = g711.EncodeUlawFrame(v)
	}
	return n
}

// DecodeALawTo expands G.711 A-law bytes into dst and returns the number of
// samples written: min(len(dst), len(src)).
func DecodeALawTo(dst []int16, src []byte) int {
	n := min(len(dst), len(src))
	for i, b := range src[:n] {
		dst[i] = g711.DecodeAlawFrame(b)
	}
	return n
}

// EncodeALawTo compresses samples into G.711 A-law bytes and returns the
// number of bytes written: min(len(dst), len(src)).
func EncodeALawTo(dst []byte, src []int16) int {
	n := min(len(dst), len(src))
	for i, v := range src[:n] {
		dst[i] = g711.EncodeAlawFrame(v)
	}
	return n
}

// g711Law selects µ-law or A-law; the value itself is the stateless
// decoder and encoder, so NewDecoder and NewEncoder never allocate.
type g711Law bool

const (
	muLaw g711Law = false
	aLaw  g711Law = true
)

func (l g711Law) Samples(payloadLen int) int { return payloadLen }
func (l g711Law) PayloadLen(samples int) int { return samples }

func (l g711Law) DecodeTo(dst []int16, src []byte) int {
	if l == aLaw {
		return DecodeALawTo(dst, src)
	}
	return DecodeULawTo(dst, src)
}

func (l g711Law) EncodeTo(dst []byte, src []int16) int {
	if l == aLaw {
		return EncodeALawTo(dst, src)
	}
	return EncodeULawTo(dst, src)
}

type g711Codec struct {
	law g711Law
}

// PCMU is G.711 µ-law, static payload type 0 (RFC 3551 §4.5.14).
func PCMU() Codec { return g711Codec{law: muLaw} }

// PCMA is G.711 A-law, static payload type 8 (RFC 3551 §4.5.14).
func PCMA() Codec { return g711Codec{law: aLaw} }

func (c g711Codec) Name() string {
	if c.law == aLaw {
		return "PCMA"
	}
	return "PCMU"
}

func (c g711Codec) ClockRate() int  { return 8000 }
func (c g711Codec) SampleRate() int { return 8000 }

func (c g711Codec) StaticPayloadType() (uint8, bool) {
	if c.law == aLaw {
		return 8, true
	}
	return 0, true
}

func (c g711Codec) NewDecoder() Decoder { return c.law }
func (c g711Codec) NewEncoder() Encoder { return c.law }
