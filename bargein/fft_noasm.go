//go:build !amd64 || purego

package bargein

// powerSpectrum writes |X[k]|² for k = 0..fftSize/2 of the Hann-windowed
// real signal x; re and im are its scratch.
func powerSpectrum(x *[fftSize]float32, re, im *[halfSize]float32, power *[numBins]float32) {
	powerSpectrumGeneric(x, re, im, power)
}
