//go:build !purego

package bargein

import "golang.org/x/sys/cpu"

// haveAVX2 selects the vector kernels (spectrum and voicing sums); it is
// set once, at start-up.
var haveAVX2 = cpu.X86.HasAVX2

// powerSpectrum writes |X[k]|² for k = 0..fftSize/2 of the Hann-windowed
// real signal x; re and im are its scratch.
func powerSpectrum(x *[fftSize]float32, re, im *[halfSize]float32, power *[numBins]float32) {
	if haveAVX2 {
		powerSpectrumAVX2(x, re, im, power)
		return
	}
	powerSpectrumGeneric(x, re, im, power)
}

// powerSpectrumAVX2 is powerSpectrumGeneric on eight lanes. It leaves Z in
// re, im in natural order. Bins 0, N/4 and N/2 are done here, as in
// powerSpectrumGeneric.
func powerSpectrumAVX2(x *[fftSize]float32, re, im *[halfSize]float32, power *[numBins]float32) {
	t := tables
	transformAVX2(x, &t.halfWindow, &t.tw128, &t.tw32, re, im)
	splitAVX2(re, im, &t.splitRe, &t.splitIm, power)
	power[0] = 4 * (re[0] + im[0]) * (re[0] + im[0])
	power[halfSize] = 4 * (re[0] - im[0]) * (re[0] - im[0])
	const m = halfSize / 2
	power[m] = 4 * (re[m]*re[m] + im[m]*im[m])
}

// transformAVX2 is transformGeneric, except that Z comes out in natural
// order: the last pass runs one 8-point DFT per lane on a transposed copy,
// and the transposition puts the eighths in the order that makes this so.
//
//go:noescape
func transformAVX2(x, w *[fftSize]float32, tw128 *[twRows][halfSize / 4]float32, tw32 *[twRows][32 / 4]float32, re, im *[halfSize]float32)

// splitAVX2 is the split loop of powerSpectrumGeneric for k = 1..64 over Z
// in natural order, eight bins and their mirrors at a time. It writes
// bins 1..127 (bin N/4 twice, the second time from its mirror formula).
//
//go:noescape
func splitAVX2(re, im, wr, wi *[halfSize]float32, power *[numBins]float32)

// The assembly is written for a 256-point window; these fail to compile
// otherwise.
var (
	_ [fftSize - 256]struct{}
	_ [256 - fftSize]struct{}
)
