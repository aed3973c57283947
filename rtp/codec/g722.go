package codec

// G.722 sub-band ADPCM at 64 kbit/s (ITU-T G.722 mode 1): 16 kHz PCM is
// split by a QMF into two 8 kHz sub-bands, coded with 6 and 2 bits and packed
// into one byte per pair of input samples.
//
// The PCM scaling follows the common 16-bit convention of telephony stacks
// (input QMF >> 14, output QMF >> 11) rather than the 14-bit interface of the
// ITU test vectors, so full-scale 16-bit audio passes without clipping and
// streams interoperate with FreeSWITCH and Asterisk.

const (
	g722LowLogLimit  = 18432
	g722HighLogLimit = 22528
	g722LowShift     = 8
	g722HighShift    = 10
)

// g722QMFHistory is the delay line of the 24-tap QMF. Every sample is stored
// twice, 24 apart, so the newest 24 always lie contiguous at buf[pos:pos+24]
// without shifting the line on each push.
type g722QMFHistory struct {
	buf [48]int32
	pos int // 0, 2, ... 22: start of the window, oldest sample first
}

func (h *g722QMFHistory) push(a, b int32) {
	p := h.pos
	h.buf[p], h.buf[p+1] = a, b
	h.buf[p+24], h.buf[p+25] = a, b
	h.pos = (p + 2) % 24
}

// split returns the two filter sums over the window: the even taps, and the
// odd taps against the mirrored coefficients.
func (h *g722QMFHistory) split() (even, odd int32) {
	w := (*[24]int32)(h.buf[h.pos : h.pos+24])
	for i := range 12 {
		even += w[2*i] * g722QMF[i]
		odd += w[2*i+1] * g722QMF[11-i]
	}
	return even, odd
}

func newG722Bands() [2]g722Band {
	var bands [2]g722Band
	// Initial scale factors of G.722 §6.2.1.1 (reset).
	bands[0].scale = 32
	bands[1].scale = 8
	return bands
}

// G722Encoder encodes 16 kHz PCM into G.722 at 64 kbit/s. Its zero value is
// not ready; use NewG722Encoder.
type G722Encoder struct {
	bands [2]g722Band
	qmf   g722QMFHistory
}

// NewG722Encoder returns an encoder in the reset state.
func NewG722Encoder() *G722Encoder {
	return &G722Encoder{bands: newG722Bands()}
}

// Reset returns the encoder to its initial state, as at the start of a stream.
func (e *G722Encoder) Reset() { *e = G722Encoder{bands: newG722Bands()} }

// PayloadLen reports the bytes for the given number of 16 kHz samples.
func (e *G722Encoder) PayloadLen(samples int) int { return samples / 2 }

// EncodeTo encodes pairs of samples of src into one byte each and returns the
// number of bytes written. An odd trailing sample is ignored.
func (e *G722Encoder) EncodeTo(dst []byte, src []int16) int {
	n := min(len(dst), len(src)/2)
	low, high := &e.bands[0], &e.bands[1]
	for i := range n {
		e.qmf.push(int32(src[2*i]), int32(src[2*i+1]))
		even, odd := e.qmf.split()
		xLow := (odd + even) >> 14
		xHigh := (odd - even) >> 14

		// Lower sub-band: SUBTRA, QUANTL.
		el := saturate16(xLow - low.estimate)
		mag := el
		if el < 0 {
			mag = -(el + 1)
		}
		// The first interval k >= 1 whose scaled decision level exceeds
		// mag, or 30 for the top one; the levels rise, so bisect.
		k, hi := 1, len(g722LowThresholds)
		for k < hi {
			mid := int(uint(k+hi) >> 1)
			if mag < (g722LowThresholds[mid]*low.scale)>>12 {
				hi = mid
			} else {
				k = mid + 1
			}
		}
		var codeLow uint8
		if el < 0 {
			codeLow = g722LowCodeNeg[k]
		} else {
			codeLow = g722LowCodePos[k]
		}
		// INVQAL, LOGSCL, SCALEL, then the predictor.
		dLow := (low.scale * g722InvQ4[codeLow>>2]) >> 15
		low.adaptScale(g722LowLogMult[g722LowLevel[codeLow>>2]], g722LowLogLimit, g722LowShift)
		low.predict(dLow)

		// Higher sub-band: SUBTRA, QUANTH.
		eh := saturate16(xHigh - high.estimate)
		mag = eh
		if eh < 0 {
			mag = -(eh + 1)
		}
		big := mag >= (564*high.scale)>>12
		var codeHigh uint8
		switch {
		case eh < 0 && big:
			codeHigh = 0
		case eh < 0:
			codeHigh = 1
		case big:
			codeHigh = 2
		default:
			codeHigh = 3
		}
		dHigh := (high.scale * g722InvQ2[codeHigh]) >> 15
		high.adaptScale(g722HighLogMult[g722HighLevel[codeHigh]], g722HighLogLimit, g722HighShift)
		high.predict(dHigh)

		dst[i] = codeHigh<<6 | codeLow
	}
	return n
}

// G722Decoder decodes G.722 at 64 kbit/s into 16 kHz PCM. Its zero value is
// not ready; use NewG722Decoder.
type G722Decoder struct {
	bands [2]g722Band
	qmf   g722QMFHistory
}

// NewG722Decoder returns a decoder in the reset state.
func NewG722Decoder() *G722Decoder {
	return &G722Decoder{bands: newG722Bands()}
}

// Reset returns the decoder to its initial state, as at the start of a stream.
func (d *G722Decoder) Reset() { *d = G722Decoder{bands: newG722Bands()} }

// Samples reports the 16 kHz samples a payload of payloadLen bytes yields.
func (d *G722Decoder) Samples(payloadLen int) int { return payloadLen * 2 }

// DecodeTo decodes src into dst, two samples per byte, and returns the number
// of samples written. Every byte value is a valid code.
func (d *G722Decoder) DecodeTo(dst []int16, src []byte) int {
	n := min(len(dst)/2, len(src))
	low, high := &d.bands[0], &d.bands[1]
	for i, code := range src[:n] {
		codeLow := code & 0x3f
		codeHigh := code >> 6

		// Lower sub-band: INVQBL, RECONS, LIMIT.
		rLow := clamp(low.estimate+(low.scale*g722InvQ6[codeLow])>>15, -16384, 16383)
		// INVQAL on the 4 most significant bits, LOGSCL, SCALEL, predictor.
		dLow := (low.scale * g722InvQ4[codeLow>>2]) >> 15
		low.adaptScale(g722LowLogMult[g722LowLevel[codeLow>>2]], g722LowLogLimit, g722LowShift)
		low.predict(dLow)

		// Higher sub-band: INVQAH, RECONS, LIMIT, LOGSCH, SCALEH, predictor.
		dHigh := (high.scale * g722InvQ2[codeHigh]) >> 15
		rHigh := clamp(high.estimate+dHigh, -16384, 16383)
		high.adaptScale(g722HighLogMult[g722HighLevel[codeHigh]], g722HighLogLimit, g722HighShift)
		high.predict(dHigh)

		// Receive QMF.
		d.qmf.push(rLow+rHigh, rLow-rHigh)
		even, odd := d.qmf.split()
		dst[2*i] = int16(saturate16(odd >> 11))
		dst[2*i+1] = int16(saturate16(even >> 11))
	}
	return 2 * n
}

type g722Codec struct{}

// G722 is ITU-T G.722 at 64 kbit/s on static payload type 9. Its RTP clock
// runs at 8000 Hz although the audio is sampled at 16 kHz (RFC 3551 §4.5.2).
func G722() Codec { return g722Codec{} }

func (g722Codec) Name() string                     { return "G722" }
func (g722Codec) ClockRate() int                   { return 8000 }
func (g722Codec) SampleRate() int                  { return 16000 }
func (g722Codec) StaticPayloadType() (uint8, bool) { return 9, true }
func (g722Codec) NewDecoder() Decoder              { return NewG722Decoder() }
func (g722Codec) NewEncoder() Encoder              { return NewG722Encoder() }
