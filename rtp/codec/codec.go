// Package codec converts between RTP audio payloads and 16-bit linear PCM.
//
// Every conversion has an allocation-free form that writes into a caller's
// buffer (DecodeULawTo, EncodeL16To, G722Decoder.DecodeTo ...), because the
// media path runs them for every packet of every session. A Registry maps the
// encoding names and clock rates found in SDP rtpmap lines to codecs.
package codec

// Codec describes one audio encoding as negotiated in SDP.
type Codec interface {
	// Name is the encoding name of an rtpmap attribute, e.g. "PCMU".
	Name() string
	// ClockRate is the RTP timestamp rate, which for G.722 differs from
	// the sampling rate (RFC 3551 §4.5.2).
	ClockRate() int
	// SampleRate is the rate of the PCM that decoders produce and encoders take.
	SampleRate() int
	// StaticPayloadType reports the RFC 3551 payload type, if the codec has one.
	StaticPayloadType() (pt uint8, ok bool)
	// NewDecoder returns a decoder holding its own state, for one stream.
	NewDecoder() Decoder
	// NewEncoder returns an encoder holding its own state, for one stream.
	NewEncoder() Encoder
}

// Decoder turns payloads of one stream into PCM.
type Decoder interface {
	// Samples reports how many samples a payload of payloadLen bytes decodes to.
	Samples(payloadLen int) int
	// DecodeTo decodes src into dst and returns the number of samples written.
	// When dst is too small the tail of src is left undecoded.
	DecodeTo(dst []int16, src []byte) int
}

// Encoder turns PCM of one stream into payloads.
type Encoder interface {
	// PayloadLen reports how many payload bytes the given number of samples encodes to.
	PayloadLen(samples int) int
	// EncodeTo encodes src into dst and returns the number of bytes written.
	// When dst is too small the tail of src is left unencoded.
	EncodeTo(dst []byte, src []int16) int
}
