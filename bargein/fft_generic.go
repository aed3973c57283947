package bargein

// powerSpectrumGeneric is powerSpectrum in plain Go. It leaves Z in re, im
// in the order given by tables.pos.
func powerSpectrumGeneric(x *[fftSize]float32, re, im *[halfSize]float32, power *[numBins]float32) {
	t := tables
	transformGeneric(x, re, im)
	// Z holds the transform of half the signal, so the spectrum X of the
	// whole is X[k] = E - i·W^k·O with E = Z[k] + conj(Z[N/2-k]),
	// O = Z[k] - conj(Z[N/2-k]), W = e^{-2πi/N}; bin N/2-k reuses E and
	// P = W^k·O as X[N/2-k] = conj(E) - i·conj(P).
	pos := &t.pos
	power[0] = 4 * (re[0] + im[0]) * (re[0] + im[0])
	power[halfSize] = 4 * (re[0] - im[0]) * (re[0] - im[0])
	for k := 1; k < halfSize/2; k++ {
		p, q := pos[k]&(halfSize-1), pos[halfSize-k]&(halfSize-1)
		zr, zi := re[p], im[p]
		cr, ci := re[q], im[q] // conj(Z[N/2-k]) is cr - i·ci
		er, ei := zr+cr, zi-ci
		or, oi := zr-cr, zi+ci
		wr, wi := t.splitRe[k], t.splitIm[k]
		pr := or*wr - oi*wi
		pi := or*wi + oi*wr
		a, b := er+pi, ei-pr
		power[k] = a*a + b*b
		a, b = er-pi, ei+pr
		power[halfSize-k] = a*a + b*b
	}
	m := pos[halfSize/2] & (halfSize - 1)
	power[halfSize/2] = 4 * (re[m]*re[m] + im[m]*im[m])
}

// transformGeneric computes the 128-point complex FFT of z[n] = h[2n]·x[2n] +
// i·h[2n+1]·x[2n+1], h = tables.halfWindow, into re, im, in the order given
// by tables.pos. Three passes over the data instead of seven radix-2 ones
// keep most values in registers; the window is applied as the first pass
// reads its input.
func transformGeneric(x *[fftSize]float32, re, im *[halfSize]float32) {
	t := tables
	w, tw128 := &t.halfWindow, &t.tw128
	// Radix-4 over 128 points: inputs z[j + 32·m] (samples 2j + 64·m and the
	// one after), outputs W128^{mj}·y_m to position j + 32·m.
	for n := 0; n < 64; n += 2 {
		j := n >> 1
		a0r, a0i := x[n]*w[n], x[n+1]*w[n+1]
		a1r, a1i := x[n+64]*w[n+64], x[n+65]*w[n+65]
		a2r, a2i := x[n+128]*w[n+128], x[n+129]*w[n+129]
		a3r, a3i := x[n+192]*w[n+192], x[n+193]*w[n+193]
		t0r, t0i := a0r+a2r, a0i+a2i
		t1r, t1i := a0r-a2r, a0i-a2i
		t2r, t2i := a1r+a3r, a1i+a3i
		t3r, t3i := a1r-a3r, a1i-a3i
		re[j], im[j] = t0r+t2r, t0i+t2i
		br, bi := t1r+t3i, t1i-t3r
		wr, wi := tw128[twR1][j], tw128[twI1][j]
		re[j+32], im[j+32] = br*wr-bi*wi, br*wi+bi*wr
		br, bi = t0r-t2r, t0i-t2i
		wr, wi = tw128[twR2][j], tw128[twI2][j]
		re[j+64], im[j+64] = br*wr-bi*wi, br*wi+bi*wr
		br, bi = t1r-t3i, t1i+t3r
		wr, wi = tw128[twR3][j], tw128[twI3][j]
		re[j+96], im[j+96] = br*wr-bi*wi, br*wi+bi*wr
	}
	// Radix-4 over each quarter (32 points).
	tw32 := &t.tw32
	for base := 0; base < halfSize; base += 32 {
		r := (*[32]float32)(re[base : base+32])
		i := (*[32]float32)(im[base : base+32])
		for j := 0; j < 8; j++ {
			t0r, t0i := r[j]+r[j+16], i[j]+i[j+16]
			t1r, t1i := r[j]-r[j+16], i[j]-i[j+16]
			t2r, t2i := r[j+8]+r[j+24], i[j+8]+i[j+24]
			t3r, t3i := r[j+8]-r[j+24], i[j+8]-i[j+24]
			r[j], i[j] = t0r+t2r, t0i+t2i
			br, bi := t1r+t3i, t1i-t3r
			wr, wi := tw32[twR1][j], tw32[twI1][j]
			r[j+8], i[j+8] = br*wr-bi*wi, br*wi+bi*wr
			br, bi = t0r-t2r, t0i-t2i
			wr, wi = tw32[twR2][j], tw32[twI2][j]
			r[j+16], i[j+16] = br*wr-bi*wi, br*wi+bi*wr
			br, bi = t1r-t3i, t1i+t3r
			wr, wi = tw32[twR3][j], tw32[twI3][j]
			r[j+24], i[j+24] = br*wr-bi*wi, br*wi+bi*wr
		}
	}
	// 8-point DFT of each eighth, outputs in natural order.
	const h = 0.70710678118654752 // √½
	for base := 0; base < halfSize; base += 8 {
		r := (*[8]float32)(re[base : base+8])
		i := (*[8]float32)(im[base : base+8])
		// Radix-2 split: u = a[n] + a[n+4] feeds the even outputs, v = (a[n] -
		// a[n+4])·W8^n the odd ones.
		u0r, u0i := r[0]+r[4], i[0]+i[4]
		u1r, u1i := r[1]+r[5], i[1]+i[5]
		u2r, u2i := r[2]+r[6], i[2]+i[6]
		u3r, u3i := r[3]+r[7], i[3]+i[7]
		v0r, v0i := r[0]-r[4], i[0]-i[4]
		dr, di := r[1]-r[5], i[1]-i[5]
		v1r, v1i := (dr+di)*h, (di-dr)*h // ·(1-i)/√2
		dr, di = r[2]-r[6], i[2]-i[6]
		v2r, v2i := di, -dr // ·(-i)
		dr, di = r[3]-r[7], i[3]-i[7]
		v3r, v3i := (di-dr)*h, -(dr+di)*h // ·(-1-i)/√2
		// 4-point DFTs: out0 = t0+t2, out1 = t1 - i·t3, out2 = t0-t2, out3 = t1 + i·t3.
		t0r, t0i := u0r+u2r, u0i+u2i
		t1r, t1i := u0r-u2r, u0i-u2i
		t2r, t2i := u1r+u3r, u1i+u3i
		t3r, t3i := u1r-u3r, u1i-u3i
		r[0], i[0] = t0r+t2r, t0i+t2i
		r[2], i[2] = t1r+t3i, t1i-t3r
		r[4], i[4] = t0r-t2r, t0i-t2i
		r[6], i[6] = t1r-t3i, t1i+t3r
		t0r, t0i = v0r+v2r, v0i+v2i
		t1r, t1i = v0r-v2r, v0i-v2i
		t2r, t2i = v1r+v3r, v1i+v3i
		t3r, t3i = v1r-v3r, v1i-v3i
		r[1], i[1] = t0r+t2r, t0i+t2i
		r[3], i[3] = t1r+t3i, t1i-t3r
		r[5], i[5] = t0r-t2r, t0i-t2i
		r[7], i[7] = t1r-t3i, t1i+t3r
	}
}
