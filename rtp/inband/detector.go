package inband

import "time"

const (
	// MinSampleRate and MaxSampleRate bound the rates NewDetector accepts.
	// Below 8 kHz the 3266 Hz harmonic of the 1633 Hz tone is past Nyquist.
	MinSampleRate = 8000
	MaxSampleRate = 192000

	// blockMillis is the analysis block: 104 samples at 8 kHz, within the
	// 102-106 samples that resolve the 73 Hz spacing of 697 and 770 Hz.
	blockMillis = 13

	// confirmHops is how many consecutive quarter-block hops (3.25 ms each)
	// must hold the same key before a press is believed. The blocks that see
	// only part of a tone fail, so this accepts every tone of 40 ms, the
	// shortest that switches must recognise (ITU-T Q.24 Table A-1, quoted in
	// RFC 4733 §3.1), and rejects every tone under 33 ms.
	confirmHops = 10
	// endHops is how many hops without the key end a press. Dropouts up to
	// 15 ms are bridged; a pause of 25 ms or more ends the press, so a key
	// pressed again after the 40 ms minimum pause of Q.24 counts twice.
	endHops = 8
)

// Detector finds DTMF key presses in linear PCM. It is not safe for
// concurrent use; one Detector serves one media stream.
type Detector struct {
	rate    int
	quarter int // samples per hop
	limits  limits
	bank    filterBank
	hops    int64 // hops completed since the start

	// The run of consecutive hops with the same verdict.
	runKey   byte
	runLen   int
	runFirst int64

	// The confirmed press still sounding.
	active bool
	key    byte
	first  int64 // hop of the press's first verdict
	last   int64 // hop of its latest verdict
	misses int
}

// NewDetector returns a detector for audio at sampleRate samples per
// second, or nil if the rate is outside [MinSampleRate, MaxSampleRate].
// A nil *Detector detects nothing.
func NewDetector(sampleRate int) *Detector {
	if sampleRate < MinSampleRate || sampleRate > MaxSampleRate {
		return nil
	}
	quarter := (sampleRate*blockMillis + 2000) / 4000
	return &Detector{
		rate:    sampleRate,
		quarter: quarter,
		limits:  newLimits(),
		bank:    newFilterBank(sampleRate, quarter),
	}
}

// Process analyses the next samples of the stream, in any frame size, and
// appends to dst the key presses that ended within them. Each press is
// reported once, after its tone has stopped for about 25 ms; a press still
// sounding when the audio ends is reported by Flush.
func (d *Detector) Process(pcm []int16, dst []Digit) []Digit {
	if d == nil {
		return dst
	}
	for len(pcm) > 0 {
		n := min(len(pcm), d.quarter-d.bank.fill)
		if d.bank.feed(pcm[:n]) {
			d.bank.closeQuarter()
			d.hops++
			dst = d.step(d.limits.verdict(&d.bank), dst)
		}
		pcm = pcm[n:]
	}
	return dst
}

// step advances the press state by one hop whose block held key (0: none).
func (d *Detector) step(key byte, dst []Digit) []Digit {
	switch {
	case key == 0:
		d.runKey, d.runLen = 0, 0
	case key == d.runKey:
		d.runLen++
	default:
		d.runKey, d.runLen, d.runFirst = key, 1, d.hops
	}
	if d.active {
		if key == d.key {
			d.last, d.misses = d.hops, 0
		} else {
			d.misses++
			// A different key held long enough ends this press at once.
			if d.misses >= endHops || d.runLen >= confirmHops {
				dst = append(dst, d.press())
				d.active = false
			}
		}
	}
	if !d.active && d.runLen >= confirmHops {
		d.active = true
		d.key, d.first, d.last, d.misses = d.runKey, d.runFirst, d.hops, 0
	}
	return dst
}

// Flush appends the press still sounding, if any, as if the audio stopped
// here. Audio processed afterwards starts new presses.
func (d *Detector) Flush(dst []Digit) []Digit {
	if d == nil {
		return dst
	}
	if d.active {
		dst = append(dst, d.press())
		d.active = false
	}
	d.runKey, d.runLen = 0, 0
	return dst
}

// Active returns the press that is confirmed but still sounding, with its
// duration so far. It lets a caller stop a prompt when a key goes down
// rather than when it comes up; the press is still reported once, by
// Process or Flush.
func (d *Detector) Active() (Digit, bool) {
	if d == nil || !d.active {
		return Digit{}, false
	}
	return d.press(), true
}

// Reset forgets all audio and restarts media time at zero.
func (d *Detector) Reset() {
	if d == nil {
		return
	}
	*d = Detector{rate: d.rate, quarter: d.quarter, limits: d.limits, bank: d.bank}
	d.bank.reset()
}

// Edge placement. A block passes once the tone fills about 70% of it
// (toneFill, measured on clean and noisy tones). The tone therefore began
// between one hop before and the moment (1-toneFill) of a block after the
// first passing block started, and ended between toneFill of a block and
// one hop after the last passing block started; the estimates take the
// middle of each interval.
const (
	toneFill          = 0.7
	startLeadQuarters = (1-toneFill)*nQuarters - 0.5
	endLagQuarters    = toneFill*nQuarters + 0.5
)

// press describes the current press from its first to its latest verdict.
func (d *Detector) press() Digit {
	q := float64(d.quarter)
	start := float64((d.first-nQuarters)*int64(d.quarter)) + startLeadQuarters*q
	end := float64((d.last-nQuarters)*int64(d.quarter)) + endLagQuarters*q
	if d.misses == 0 {
		// The latest block held the tone to its last sample: the press
		// has lasted at least that long and its end is yet to come.
		end = float64(d.last * int64(d.quarter))
	}
	start = max(start, 0)
	return Digit{
		Key:      d.key,
		At:       d.mediaTime(int64(start)),
		Duration: d.mediaTime(int64(end)) - d.mediaTime(int64(start)),
	}
}

// mediaTime converts a sample count to time without overflowing on long
// streams.
func (d *Detector) mediaTime(samples int64) time.Duration {
	r := int64(d.rate)
	return time.Duration(samples/r)*time.Second + time.Duration(samples%r)*time.Second/time.Duration(r)
}
