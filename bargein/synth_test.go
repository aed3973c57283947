package bargein

import (
	"math"
	"math/rand/v2"
)

// signal builds synthetic 8 kHz test audio, deterministically.
type signal struct {
	pcm   []int16
	rng   *rand.Rand
	phase float64
	noise float64 // RMS of the background noise added under everything
}

func newSignal(seed uint64, noiseRMS float64) *signal {
	return &signal{rng: rand.New(rand.NewPCG(seed, 7)), noise: noiseRMS}
}

func (s *signal) add(v float64) {
	v += s.rng.NormFloat64() * s.noise
	s.pcm = append(s.pcm, int16(max(-32768, min(32767, math.Round(v)))))
}

// quiet appends background noise only.
func (s *signal) quiet(ms int) *signal {
	for range ms * 8 {
		s.add(0)
	}
	return s
}

// voice appends a vowel-like sound: a 120 Hz glottal source with harmonics
// up to 3.4 kHz shaped by formants near 700 and 1200 Hz, at rms level.
func (s *signal) voice(ms int, rms float64) *signal {
	const f0 = 120.0
	amp := [29]float64{}
	var p float64
	for h := 1; h < len(amp); h++ {
		f := f0 * float64(h)
		a := 1/(1+math.Pow((f-700)/150, 2)) + 0.5/(1+math.Pow((f-1200)/200, 2)) + 0.05
		amp[h] = a
		p += a * a / 2
	}
	g := rms / math.Sqrt(p)
	for range ms * 8 {
		var v float64
		for h := 1; h < len(amp); h++ {
			v += amp[h] * math.Sin(float64(h)*s.phase)
		}
		s.phase += 2 * math.Pi * f0 / SampleRate
		s.add(v * g)
	}
	return s
}

// tone appends a sum of sines (Hz) each at rms level.
func (s *signal) tone(ms int, rms float64, freqs ...float64) *signal {
	start := len(s.pcm)
	for i := range ms * 8 {
		var v float64
		for _, f := range freqs {
			v += math.Sqrt2 * rms * math.Sin(2*math.Pi*f*float64(start+i)/SampleRate)
		}
		s.add(v)
	}
	return s
}

// white appends white noise at rms level on top of the background.
func (s *signal) white(ms int, rms float64) *signal {
	for range ms * 8 {
		s.add(s.rng.NormFloat64() * rms)
	}
	return s
}

// pink appends 1/f noise (Voss-McCartney, 8 rows) at roughly rms level.
func (s *signal) pink(ms int, rms float64) *signal {
	var rows [8]float64
	var sum float64
	for i := range rows {
		rows[i] = s.rng.NormFloat64()
		sum += rows[i]
	}
	for n := range ms * 8 {
		// Row k changes every 2^k samples.
		k := 0
		for k < len(rows)-1 && (n>>k)&1 == 1 {
			k++
		}
		sum -= rows[k]
		rows[k] = s.rng.NormFloat64()
		sum += rows[k]
		s.add(sum / math.Sqrt(float64(len(rows))) * rms)
	}
	return s
}

// clicks appends ms of background with a one-sample impulse of peak height
// every period ms.
func (s *signal) clicks(ms, period int, peak float64) *signal {
	for i := range ms * 8 {
		if i%(period*8) == period*4 {
			s.add(peak)
			continue
		}
		s.add(0)
	}
	return s
}
