package bargein

// 2nd-order Butterworth high-pass at 150 Hz for fs = 8 kHz, which removes DC
// and rumble before the analysis window can spread them into the bands:
//
//	H(z) = hpGain·(1 - z⁻¹)² / (1 + hpA1·z⁻¹ + hpA2·z⁻²)
const (
	hpGain = 0.9201
	hpA1   = -1.8337
	hpA2   = 0.8467
)

// highPassCoefficients are the multipliers of the filter loop. They live in
// a variable rather than constants so that the loop keeps them in registers
// instead of reloading each from memory at every use.
type highPassCoefficients struct{ a1, a2, b1, b2 float64 }

// hpCoef is read-only after initialisation.
var hpCoef = highPassCoefficients{
	a1: hpA1, a2: hpA2,
	// y[n+1] written in terms of y[n-1] and y[n-2]: see highPass.filter.
	b1: hpA1*hpA1 - hpA2, b2: hpA1 * hpA2,
}

// highPass runs H(z) without its gain hpGain, which the caller applies to
// the band powers instead (hpGain² there, one multiplication per band
// rather than one per sample).
type highPass struct {
	x1, x2 int32   // last two input samples
	y1, y2 float64 // last two outputs
}

// filter writes the filtered block to out. The numerator is an exact integer
// second difference d. The recursion y[n] = d[n] - a1·y[n-1] - a2·y[n-2] is
// taken two samples at a time, the second one substituted as
//
//	y[n+1] = d[n+1] - a1·d[n] + (a1² - a2)·y[n-1] + a1·a2·y[n-2]
//
// so that neither waits for the other: the plain loop spends most of its
// time waiting for the previous output.
func (h *highPass) filter(block *[BlockSamples]int16, out *[BlockSamples]float32) {
	k := hpCoef
	x1, x2, y1, y2 := h.x1, h.x2, h.y1, h.y2
	for i := 0; i < BlockSamples; i += 2 {
		xa, xb := int32(block[i]), int32(block[i+1])
		da := float64(xa - 2*x1 + x2)
		db := float64(xb - 2*xa + x1)
		ya := da - k.a2*y2 - k.a1*y1
		yb := (db - k.a1*da) + k.b2*y2 + k.b1*y1
		out[i], out[i+1] = float32(ya), float32(yb)
		x2, x1 = xa, xb
		y2, y1 = ya, yb
	}
	// In digital silence the recursion decays into subnormal numbers and
	// may cycle there for ever (rounding sustains it), and arithmetic on
	// subnormals is some forty times slower. Far below the input's own
	// quantum (1), the state becomes exactly zero, and stays so while the
	// silence lasts.
	if max(y1, -y1, y2, -y2) < hpFlush {
		y1, y2 = 0, 0
	}
	h.x1, h.x2, h.y1, h.y2 = x1, x2, y1, y2
}

// hpFlush is the output level under which the filter state is cleared.
const hpFlush = 1e-9
