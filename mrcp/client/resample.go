package client

import (
	"fmt"
	"math"
)

// halfBandTaps is the length of the low-pass filter used to halve or double
// the sample rate; 63 taps keep the stop band about 70 dB down, plenty for
// audio sent to a recogniser.
const halfBandTaps = 63

// halfBandFilter is a Blackman-windowed sinc cutting at a quarter of the
// higher rate (4 kHz between 8 and 16 kHz), with unity gain at DC.
func halfBandFilter() []float64 {
	h := make([]float64, halfBandTaps)
	mid := (halfBandTaps - 1) / 2
	sum := 0.0
	for i := range h {
		t := float64(i - mid)
		sinc := 0.5
		if t != 0 {
			sinc = math.Sin(math.Pi*t/2) / (math.Pi * t)
		}
		w := 0.42 - 0.5*math.Cos(2*math.Pi*float64(i)/float64(halfBandTaps-1)) + 0.08*math.Cos(4*math.Pi*float64(i)/float64(halfBandTaps-1))
		h[i] = sinc * w
		sum += h[i]
	}
	for i := range h {
		h[i] /= sum
	}
	return h
}

// resample converts pcm between 8 and 16 kHz; other pairs of rates are
// refused.
func resample(pcm []int16, from, to int) ([]int16, error) {
	switch {
	case from == to:
		return pcm, nil
	case from == 16000 && to == 8000:
		return downsample2(pcm), nil
	case from == 8000 && to == 16000:
		return upsample2(pcm), nil
	}
	return nil, fmt.Errorf("client: cannot convert %d Hz audio to the %d Hz the codec carries (only 8000 and 16000 are supported)", from, to)
}

// downsample2 low-passes and keeps every second sample.
func downsample2(in []int16) []int16 {
	h := halfBandFilter()
	mid := len(h) / 2
	out := make([]int16, len(in)/2)
	for n := range out {
		acc := 0.0
		c := 2 * n
		for k, hk := range h {
			if j := c + mid - k; j >= 0 && j < len(in) {
				acc += hk * float64(in[j])
			}
		}
		out[n] = clamp16(acc)
	}
	return out
}

// upsample2 puts a zero between samples and low-passes with a gain of 2,
// which restores the level the zeros halved.
func upsample2(in []int16) []int16 {
	h := halfBandFilter()
	mid := len(h) / 2
	out := make([]int16, 2*len(in))
	for m := range out {
		acc := 0.0
		for k, hk := range h {
			j := m + mid - k
			if j < 0 || j >= len(out) || j%2 != 0 {
				continue
			}
			acc += hk * float64(in[j/2])
		}
		out[m] = clamp16(2 * acc)
	}
	return out
}

func clamp16(v float64) int16 {
	v = math.Round(v)
	switch {
	case v > math.MaxInt16:
		return math.MaxInt16
	case v < math.MinInt16:
		return math.MinInt16
	}
	return int16(v)
}
