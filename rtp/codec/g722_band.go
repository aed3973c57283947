package codec

// g722Band is the adaptive state of one G.722 sub-band. Encoder and decoder
// run identical copies of it, which is what keeps them in step.
type g722Band struct {
	// estimate is the signal estimate s; pole and zero are its two parts.
	estimate, pole, zero int32
	// recon[1..2] are past reconstructed signals r, partial[1..2] past
	// partially reconstructed signals p.
	recon, partial [3]int32
	// polyA[1..2] are the pole predictor coefficients a.
	polyA [3]int32
	// diff[1..6] are past quantised differences d, polyB[1..6] the zero
	// predictor coefficients b.
	diff, polyB [7]int32
	// logScale is the log scale factor nabla; scale is its linear form.
	logScale, scale int32
}

// saturate16 and clamp use min and max, which compile to conditional moves:
// the branches they replace are unpredictable on audio.
func saturate16(v int32) int32 { return max(min(v, 32767), -32768) }

func clamp(v, lo, hi int32) int32 { return max(min(v, hi), lo) }

// sign reports the sign bit the way G.722 compares signs: -1 or 0.
func sign(v int32) int32 { return v >> 15 }

// adaptScale updates the log scale factor and derives the linear one
// (blocks 3L LOGSCL/SCALEL, 3H LOGSCH/SCALEH). limit and shift differ by band.
func (b *g722Band) adaptScale(mult, limit, shift int32) {
	b.logScale = clamp((b.logScale*127)>>7+mult, 0, limit)
	frac := (b.logScale >> 6) & 31
	exp := shift - (b.logScale >> 11)
	var v int32
	if exp < 0 {
		v = g722InvLog[frac] << -exp
	} else {
		v = g722InvLog[frac] >> exp
	}
	b.scale = v << 2
}

// predict feeds the quantised difference d into the adaptive predictor and
// computes the estimate for the next sample (G.722 block 4).
func (b *g722Band) predict(d int32) {
	// RECONS and PARREC.
	r := saturate16(b.estimate + d)
	p := saturate16(b.zero + d)

	// UPPOL2: second pole coefficient, from the signs of p over three samples.
	s0, s1, s2 := sign(p), sign(b.partial[1]), sign(b.partial[2])
	w1 := saturate16(b.polyA[1] << 2)
	w2 := w1
	if s0 == s1 {
		w2 = -w1
	}
	w2 = min(w2, 32767)
	w3 := int32(-128)
	if s0 == s2 {
		w3 = 128
	}
	w3 += w2 >> 7
	w3 += (b.polyA[2] * 32512) >> 15
	a2 := clamp(w3, -12288, 12288)

	// UPPOL1: first pole coefficient, kept inside the stability triangle.
	w1 = -192
	if s0 == s1 {
		w1 = 192
	}
	a1 := saturate16(w1 + (b.polyA[1]*32640)>>15)
	bound := saturate16(15360 - a2)
	a1 = clamp(a1, -bound, bound)

	// UPZERO, the d part of DELAYA, and FILTEZ in one pass. Each zero
	// coefficient leaks towards 0 and steps by whether the new difference
	// agrees in sign with the old one at its tap; the filter then runs on
	// the shifted history (new d[i] is old d[i-1], new d[1] is d).
	step := int32(128)
	if d == 0 {
		step = 0
	}
	shifted := d
	var z int32
	for i := 1; i < 7; i++ {
		old := b.diff[i]
		m := (old ^ d) >> 31 // -1 when the signs differ, else 0
		coef := saturate16((step ^ m) - m + (b.polyB[i]*32640)>>15)
		b.polyB[i] = coef
		b.diff[i] = shifted
		z += (coef * saturate16(shifted+shifted)) >> 15
		shifted = old
	}
	b.zero = saturate16(z)

	// The rest of DELAYA.
	b.recon[2], b.recon[1] = b.recon[1], r
	b.partial[2], b.partial[1] = b.partial[1], p
	b.polyA[1], b.polyA[2] = a1, a2

	// FILTEP.
	w1 = (b.polyA[1] * saturate16(b.recon[1]+b.recon[1])) >> 15
	w2 = (b.polyA[2] * saturate16(b.recon[2]+b.recon[2])) >> 15
	b.pole = saturate16(w1 + w2)

	// PREDIC.
	b.estimate = saturate16(b.pole + b.zero)
}
