package inband

import (
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/mrcpd/mrcpd/rtp/codec"
)

// Test signals. Levels are in dBm0 with the detector's convention: a
// full-scale sine (amplitude 32768) is +3.14 dBm0.

// amplitude returns the peak amplitude of a sine at level dBm0.
func amplitude(dBm0 float64) float64 {
	return 32768 * math.Pow(10, (dBm0-fullScaleDBm0)/20)
}

// keyHz returns the low and high frequency of a key.
func keyHz(key byte) (low, high float64) {
	i := strings.IndexByte(keypad, key)
	if i < 0 {
		panic("no such key " + string(key))
	}
	return toneHz(rowSlot + i/4), toneHz(colSlot + i%4)
}

// tone describes one dual-tone burst.
type tone struct {
	key     byte
	lowDBm0 float64 // level of the low-group tone
	// twistDB is low minus high level: positive is normal twist.
	twistDB float64
	// offset scales both frequencies, e.g. 1.015 for +1.5 %.
	offset float64
	ms     float64
	phase  float64 // starting phase of both tones, radians
}

// appendTone appends the burst at sampleRate to pcm.
func appendTone(pcm []float64, sampleRate int, t tone) []float64 {
	low, high := keyHz(t.key)
	if t.offset != 0 {
		low, high = low*t.offset, high*t.offset
	}
	al := amplitude(t.lowDBm0)
	ah := amplitude(t.lowDBm0 - t.twistDB)
	n := int(math.Round(t.ms * float64(sampleRate) / 1000))
	for i := range n {
		ts := float64(i) / float64(sampleRate)
		pcm = append(pcm, al*math.Sin(2*math.Pi*low*ts+t.phase)+ah*math.Sin(2*math.Pi*high*ts+t.phase*1.7))
	}
	return pcm
}

// appendSilence appends ms of zero samples.
func appendSilence(pcm []float64, sampleRate int, ms float64) []float64 {
	n := int(math.Round(ms * float64(sampleRate) / 1000))
	for range n {
		pcm = append(pcm, 0)
	}
	return pcm
}

// addNoise adds white Gaussian noise whose power is snrDB below the power
// of the whole of sig's non-silent part.
func addNoise(sig []float64, snrDB float64, rng *rand.Rand) {
	var p float64
	var n int
	for _, v := range sig {
		if v != 0 {
			p += v * v
			n++
		}
	}
	if n == 0 {
		return
	}
	sigma := math.Sqrt(p / float64(n) / math.Pow(10, snrDB/10))
	for i := range sig {
		sig[i] += rng.NormFloat64() * sigma
	}
}

// toPCM rounds and clips to 16-bit samples.
func toPCM(sig []float64) []int16 {
	pcm := make([]int16, len(sig))
	for i, v := range sig {
		pcm[i] = int16(max(-32768, min(32767, math.Round(v))))
	}
	return pcm
}

// detectAll runs a fresh detector over pcm in frames of frame samples and
// flushes it at the end.
func detectAll(sampleRate int, pcm []int16, frame int) []Digit {
	d := NewDetector(sampleRate)
	var got []Digit
	for len(pcm) > 0 {
		n := min(frame, len(pcm))
		got = d.Process(pcm[:n], got)
		pcm = pcm[n:]
	}
	return d.Flush(got)
}

// keys returns the keys of ds as a string.
func keys(ds []Digit) string {
	b := make([]byte, len(ds))
	for i, d := range ds {
		b[i] = d.Key
	}
	return string(b)
}

// dialled is a test signal with the presses it contains.
type dialled struct {
	sig  []float64
	want []Digit // Key, At and Duration of every tone
}

// dial builds lead ms of silence, then each key of ks as a tone of toneMs
// followed by pauseMs of silence, at sampleRate. Tones start at varied
// phases so that no two presses look alike to the filters.
func dial(sampleRate int, ks string, dBm0, twistDB, toneMs, pauseMs, leadMs float64) dialled {
	var d dialled
	d.sig = appendSilence(d.sig, sampleRate, leadMs)
	for i := range len(ks) {
		at := len(d.sig)
		d.sig = appendTone(d.sig, sampleRate, tone{key: ks[i], lowDBm0: dBm0, twistDB: twistDB, ms: toneMs, phase: float64(i) * 0.9})
		d.want = append(d.want, Digit{
			Key:      ks[i],
			At:       samplesToTime(at, sampleRate),
			Duration: samplesToTime(len(d.sig)-at, sampleRate),
		})
		d.sig = appendSilence(d.sig, sampleRate, pauseMs)
	}
	return d
}

func samplesToTime(n, sampleRate int) time.Duration {
	return time.Duration(n) * time.Second / time.Duration(sampleRate)
}

// g711RoundTrip passes pcm through a G.711 encoder and decoder, as audio
// does between FreeSWITCH and the server.
func g711RoundTrip(pcm []int16, aLaw bool) []int16 {
	wire := make([]byte, len(pcm))
	out := make([]int16, len(pcm))
	if aLaw {
		codec.EncodeALawTo(wire, pcm)
		codec.DecodeALawTo(out, wire)
	} else {
		codec.EncodeULawTo(wire, pcm)
		codec.DecodeULawTo(out, wire)
	}
	return out
}
