package inband

import "math"

// Filter slots of the bank: the four low-group (row) tones, the four
// high-group (column) tones, then the second harmonics of the column tones.
// The row tones' second harmonics (1394, 1540, 1704, 1882 Hz) lie within one
// analysis bin of the column tones, so a 13 ms block cannot tell them from
// leakage of a legitimate column tone; they are not measured.
const (
	rowSlot      = 0
	colSlot      = 4
	harmonicSlot = 8
	nFilters     = 12
	// nQuarters is how many sub-blocks make one analysis block.
	nQuarters = 4
)

// toneHz returns the centre frequency of each filter slot.
func toneHz(slot int) float64 {
	// ITU-T Q.23: low group 697-941 Hz, high group 1209-1633 Hz.
	dtmf := [8]float64{697, 770, 852, 941, 1209, 1336, 1477, 1633}
	if slot >= harmonicSlot {
		return 2 * dtmf[slot-harmonicSlot+colSlot]
	}
	return dtmf[slot]
}

// filterBank filters audio in sub-blocks of quarter samples and keeps the
// results of the last nQuarters sub-blocks.
type filterBank struct {
	quarter int // samples per sub-block

	coef [nFilters]float64 // 2cos(w), the Goertzel feedback
	cos  [nFilters]float64
	sin  [nFilters]float64
	// rotRe/rotIm is e^{jwM}: the phase a tone advances over one
	// sub-block, used to add sub-block spectra coherently.
	rotRe [nFilters]float64
	rotIm [nFilters]float64

	// State of the sub-block being filled.
	s1, s2 [nFilters]float64
	sum    int64
	sumSq  int64
	fill   int

	// Finished sub-blocks, a ring indexed by next (the oldest).
	re, im [nFilters][nQuarters]float64
	sums   [nQuarters]int64
	sumSqs [nQuarters]int64
	next   uint
}

func newFilterBank(sampleRate, quarter int) filterBank {
	fb := filterBank{quarter: quarter}
	for i := range nFilters {
		w := 2 * math.Pi * toneHz(i) / float64(sampleRate)
		fb.coef[i] = 2 * math.Cos(w)
		fb.cos[i] = math.Cos(w)
		fb.sin[i] = math.Sin(w)
		fb.rotRe[i] = math.Cos(w * float64(quarter))
		fb.rotIm[i] = math.Sin(w * float64(quarter))
	}
	return fb
}

// reset forgets all audio, as if the bank had heard only silence.
func (fb *filterBank) reset() {
	fb.s1, fb.s2 = [nFilters]float64{}, [nFilters]float64{}
	fb.sum, fb.sumSq, fb.fill = 0, 0, 0
	fb.re, fb.im = [nFilters][nQuarters]float64{}, [nFilters][nQuarters]float64{}
	fb.sums, fb.sumSqs = [nQuarters]int64{}, [nQuarters]int64{}
	fb.next = 0
}

// feed filters pcm, which must not run past the end of the current
// sub-block, and reports whether the sub-block is now complete.
func (fb *filterBank) feed(pcm []int16) bool {
	goertzel4((*[4]float64)(fb.coef[0:4]), (*[4]float64)(fb.s1[0:4]), (*[4]float64)(fb.s2[0:4]), pcm)
	goertzel4((*[4]float64)(fb.coef[4:8]), (*[4]float64)(fb.s1[4:8]), (*[4]float64)(fb.s2[4:8]), pcm)
	goertzel4((*[4]float64)(fb.coef[8:12]), (*[4]float64)(fb.s1[8:12]), (*[4]float64)(fb.s2[8:12]), pcm)
	sum, sumSq := fb.sum, fb.sumSq
	for _, v := range pcm {
		x := int64(v)
		sum += x
		sumSq += x * x
	}
	fb.sum, fb.sumSq = sum, sumSq
	fb.fill += len(pcm)
	return fb.fill == fb.quarter
}

// goertzel4 runs four Goertzel recursions side by side. One recursion is a
// chain of dependent multiply-adds; four in flight keep the FPU busy.
// Writing c*s1 + (x - s2) keeps the subtraction off that chain, and taking
// samples in pairs lets the two state registers swap roles instead of being
// copied.
func goertzel4(coef, s1p, s2p *[4]float64, pcm []int16) {
	c0, c1, c2, c3 := coef[0], coef[1], coef[2], coef[3]
	a1, b1, d1, e1 := s1p[0], s1p[1], s1p[2], s1p[3]
	a2, b2, d2, e2 := s2p[0], s2p[1], s2p[2], s2p[3]
	i := 0
	for ; i+1 < len(pcm); i += 2 {
		x, y := float64(pcm[i]), float64(pcm[i+1])
		a2 = c0*a1 + (x - a2)
		b2 = c1*b1 + (x - b2)
		d2 = c2*d1 + (x - d2)
		e2 = c3*e1 + (x - e2)
		a1 = c0*a2 + (y - a1)
		b1 = c1*b2 + (y - b1)
		d1 = c2*d2 + (y - d1)
		e1 = c3*e2 + (y - e1)
	}
	if i < len(pcm) {
		x := float64(pcm[i])
		a1, a2 = c0*a1+(x-a2), a1
		b1, b2 = c1*b1+(x-b2), b1
		d1, d2 = c2*d1+(x-d2), d1
		e1, e2 = c3*e1+(x-e2), e1
	}
	s1p[0], s1p[1], s1p[2], s1p[3] = a1, b1, d1, e1
	s2p[0], s2p[1], s2p[2], s2p[3] = a2, b2, d2, e2
}

// closeQuarter stores the finished sub-block's spectrum in the ring and
// starts a new sub-block.
func (fb *filterBank) closeQuarter() {
	slot := fb.next
	for i := range nFilters {
		// y = s[M-1] - e^{-jw} s[M-2] is the sub-block's DTFT at w, up to
		// a phase common to all sub-blocks.
		fb.re[i][slot] = fb.s1[i] - fb.cos[i]*fb.s2[i]
		fb.im[i][slot] = fb.sin[i] * fb.s2[i]
	}
	fb.sums[slot], fb.sumSqs[slot] = fb.sum, fb.sumSq
	fb.s1, fb.s2 = [nFilters]float64{}, [nFilters]float64{}
	fb.sum, fb.sumSq, fb.fill = 0, 0, 0
	fb.next = (slot + 1) % nQuarters
}

// blockEnergy returns the mean-square power of the block made of the last
// nQuarters sub-blocks, with and without its DC offset.
func (fb *filterBank) blockEnergy() (meanSquare, variance float64) {
	n := float64(nQuarters * fb.quarter)
	var sum, sumSq int64
	for k := range nQuarters {
		sum += fb.sums[k]
		sumSq += fb.sumSqs[k]
	}
	meanSquare = float64(sumSq) / n
	mean := float64(sum) / n
	return meanSquare, meanSquare - mean*mean
}

// blockPower returns the mean-square power of a sine at filter i's
// frequency (A²/2 for amplitude A) that would give the block's response.
func (fb *filterBank) blockPower(i int) float64 {
	n := float64(nQuarters * fb.quarter)
	// Horner over the sub-blocks, oldest first: multiplying the running sum
	// by e^{jwM} before adding the next sub-block lines the phases up, so
	// |sum| equals the magnitude of one Goertzel over the whole block.
	wr, wi := fb.rotRe[i], fb.rotIm[i]
	re, im := &fb.re[i], &fb.im[i]
	var zr, zi float64
	for k := range uint(nQuarters) {
		j := (fb.next + k) % nQuarters
		zr, zi = zr*wr-zi*wi+re[j], zr*wi+zi*wr+im[j]
	}
	// |X|² = (A·N/2)² for a sine of amplitude A, so A²/2 = 2|X|²/N².
	return (zr*zr + zi*zi) * 2 / (n * n)
}
