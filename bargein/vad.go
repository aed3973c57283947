package bargein

import (
	"math"
	"time"
)

// SampleRate is the only rate the VAD accepts: narrow-band telephone audio.
const SampleRate = 8000

// BlockSamples is the number of samples per 10 ms decision block.
const BlockSamples = SampleRate / 100

// DefaultSensitivity is the Sensitivity-Level used when a client sends none
// (RFC 6787 §9.4.2 leaves the default to the implementation).
const DefaultSensitivity = 0.5

// Analysis bands (Hz). Below 200 Hz a telephone channel carries little
// speech but much rumble (traffic, wind, mains hum), so it is left out; the
// bands narrow where formants and harmonics are dense.
var bandEdgesHz = [...]float64{200, 300, 400, 500, 630, 770, 920, 1080, 1270, 1480, 1720, 2000, 2320, 2700, 3150, 3600}

const numBands = len(bandEdgesHz) - 1

// bandTables maps the bands onto FFT bins. Read-only after construction.
type bandTables struct {
	lo, hi [numBands]int // bin range of each band
	// scale turns a band's summed power into its mean power per bin, with
	// the gain the high-pass filter left out.
	scale [numBands]float64
}

var bandTab = newBandTables()

func newBandTables() *bandTables {
	t := &bandTables{}
	for b := range numBands {
		t.lo[b] = int(math.Round(bandEdgesHz[b] * fftSize / SampleRate))
		t.hi[b] = int(math.Round(bandEdgesHz[b+1] * fftSize / SampleRate))
		t.scale[b] = hpGain * hpGain / float64(t.hi[b]-t.lo[b])
	}
	return t
}

// vadTuning holds the classifier's internal constants in one place; their
// values were chosen with the evaluation in docs/performance-vad.md.
type vadTuning struct {
	threshold  float64 // mean log-likelihood ratio at Sensitivity 0.5
	ddAlpha    float64 // decision-directed smoothing of the a-priori SNR
	noiseDown  float64 // weight of a block below the noise floor
	noiseUp    float64 // weight of a non-speech block above the floor
	noiseCreep float64 // weight of a speech block, so a floor left low by a quieter past catches up
	initBlocks int     // blocks averaged into the first noise estimate
	minBands   int     // bands that must be above the floor for speech
	bandSNR    float64 // per-band a-posteriori SNR counted as "above the floor"
	floorPower float64 // added to every band power, so digital silence keeps finite ratios
	voicing    float64 // normalised autocorrelation that counts as voiced
	segmenter  SegmenterConfig
}

func defaultTuning() vadTuning {
	return vadTuning{
		threshold:  1.2,
		ddAlpha:    0.9,
		noiseDown:  0.2,
		noiseUp:    0.04,
		noiseCreep: 0.002,
		initBlocks: 10,
		minBands:   3,
		bandSNR:    3,
		floorPower: 1e3,
		voicing:    0.75,
		segmenter:  DefaultSegmenterConfig(),
	}
}

// historyBlocks is how many blocks VAD.history takes between moves.
const historyBlocks = 8

// VAD is a voice activity detector for 8 kHz audio: a per-band likelihood
// ratio test against adaptive noise floors, followed by a Segmenter. One VAD
// serves one audio stream and is not safe for concurrent use; keep it for
// the life of the stream so that its noise floors stay learnt between
// recognitions.
type VAD struct {
	tune        vadTuning
	sensitivity float64
	threshold   float64

	hp highPass // its gain is applied in bandTab.scale

	// history holds the filtered signal; the analysis window is the fftSize
	// samples that end at histEnd. Blocks are appended until it is full, and
	// only then is the last window moved back to the front: one move per
	// historyBlocks blocks instead of one per block.
	history [fftSize - BlockSamples + historyBlocks*BlockSamples]float32
	histEnd int
	pending [BlockSamples]int16
	npend   int

	re, im [halfSize]float32
	power  [numBins]float32
	band   [numBands]float64
	noise  [numBands]float64
	prior  [numBands]float64 // a-priori SNR of the previous block

	blocks    int64
	lastScore float64
	seg       Segmenter
}

// NewVAD returns a VAD at DefaultSensitivity.
func NewVAD() *VAD {
	v := &VAD{}
	v.init(defaultTuning())
	return v
}

func (v *VAD) init(t vadTuning) {
	v.tune = t
	v.seg.Configure(t.segmenter)
	v.SetSensitivity(DefaultSensitivity)
	v.Reset()
}

// SetSensitivity maps RFC 6787 §9.4.2 Sensitivity-Level (0.0-1.0, higher is
// more sensitive) onto the decision threshold: each 0.25 step halves or
// doubles it. Values outside the range are clamped.
func (v *VAD) SetSensitivity(s float64) {
	if !(s >= 0) { // also catches NaN
		s = 0
	}
	if s > 1 {
		s = 1
	}
	v.sensitivity = s
	v.threshold = v.tune.threshold * math.Exp2((0.5-s)*4)
}

// Sensitivity is the current Sensitivity-Level.
func (v *VAD) Sensitivity() float64 { return v.sensitivity }

// Reset forgets the noise floors and any segment, as for a new stream.
func (v *VAD) Reset() {
	v.hp = highPass{}
	v.history = [len(v.history)]float32{}
	v.histEnd = fftSize - BlockSamples
	v.npend = 0
	v.blocks = 0
	v.lastScore = 0
	for b := range v.noise {
		v.noise[b] = 0
		v.prior[b] = 0
	}
	v.seg.Reset()
}

// Frame consumes 8 kHz linear PCM of any length (RTP packets carry 10, 20 or
// 30 ms) and appends the transitions it caused to dst. Samples short of a
// whole 10 ms block wait for the next call. It allocates nothing when dst
// has room.
func (v *VAD) Frame(pcm []int16, dst []Activity) []Activity {
	for len(pcm) > 0 {
		n := copy(v.pending[v.npend:], pcm)
		v.npend += n
		pcm = pcm[n:]
		if v.npend < BlockSamples {
			break
		}
		v.npend = 0
		speech, voiced := v.classify(&v.pending)
		switch v.seg.StepVoiced(speech, voiced) {
		case Onset:
			dst = append(dst, Activity{Transition: Onset, At: v.seg.SegmentStart(), Detected: v.seg.Elapsed()})
		case Offset:
			dst = append(dst, Activity{Transition: Offset, At: v.seg.SegmentEnd(), Detected: v.seg.Elapsed()})
		}
	}
	return dst
}

// Activity is a speech onset or offset found by the VAD.
type Activity struct {
	Transition Transition
	// At is when the speech began (Onset, back-dated to the first block of
	// evidence) or ended (Offset, the end of the last speech block), in media
	// time since the VAD was reset.
	At time.Duration
	// Detected is the media time at which the VAD became sure.
	Detected time.Duration
}

// InSpeech reports whether a speech segment is open.
func (v *VAD) InSpeech() bool { return v.seg.InSpeech() }

// Elapsed is the media time consumed in whole blocks.
func (v *VAD) Elapsed() time.Duration { return v.seg.Elapsed() }

// Score is the decision statistic of the last block (mean per-band log
// likelihood ratio); above Threshold counts as speech.
func (v *VAD) Score() float64 { return v.lastScore }

// Threshold is the decision threshold in force.
func (v *VAD) Threshold() float64 { return v.threshold }

// classify decides whether one 10 ms block holds speech and updates the noise
// floors.
func (v *VAD) classify(block *[BlockSamples]int16) (speech, voiced bool) {
	end := v.histEnd
	if end == len(v.history) {
		end = fftSize - BlockSamples
		copy(v.history[:end], v.history[len(v.history)-end:])
	}
	v.hp.filter(block, (*[BlockSamples]float32)(v.history[end:end+BlockSamples]))
	end += BlockSamples
	v.histEnd = end
	powerSpectrum((*[fftSize]float32)(v.history[end-fftSize:end]), &v.re, &v.im, &v.power)
	bt := bandTab
	for b := range numBands {
		var e float32
		for _, p := range v.power[bt.lo[b]:bt.hi[b]] {
			e += p
		}
		v.band[b] = float64(e)*bt.scale[b] + v.tune.floorPower
	}
	v.blocks++
	t := &v.tune
	// The window holds only part of the stream until it has filled; average
	// the first blocks into the floor rather than deciding on them.
	if v.blocks <= int64(t.initBlocks) {
		w := 1 / float64(v.blocks)
		for b := range v.noise {
			v.noise[b] += (v.band[b] - v.noise[b]) * w
		}
		v.lastScore = 0
		return false, false
	}
	// Likelihood ratio test of Sohn, Kim and Sung (1999) with a
	// decision-directed a-priori SNR, per band instead of per bin: bands
	// fluctuate less than bins, which matters with 10 ms decisions.
	var sum float64
	prod := 1.0 // Π(1+ξ): one logarithm per block instead of one per band
	active := 0
	for b := 0; b < numBands; b++ {
		post := v.band[b] / v.noise[b]
		if post > 1e4 {
			post = 1e4
		}
		if post >= t.bandSNR {
			active++
		}
		xi := t.ddAlpha * v.prior[b]
		if post > 1 {
			xi += (1 - t.ddAlpha) * (post - 1)
		}
		g := xi / (1 + xi)
		// The band's log likelihood ratio is post·g - ln(1+ξ).
		sum += post * g
		prod *= 1 + xi
		// Wiener-style estimate of the clean a-priori SNR for the next block.
		v.prior[b] = g * g * post
	}
	// post ≤ 1e4 keeps ξ ≤ 1e4, so the product stays below 1e61.
	sum -= math.Log(prod)
	score := sum / float64(numBands)
	v.lastScore = score
	speech = score > v.threshold && active >= t.minBands
	// Voicing only matters while an onset is being confirmed, so steady
	// speech does not pay for it.
	if speech && t.segmenter.VoicedBlocks > 0 && !v.seg.InSpeech() {
		voiced = isVoiced(&v.power, float32(t.voicing))
	}
	for b := 0; b < numBands; b++ {
		n := v.noise[b]
		e := v.band[b]
		switch {
		case e < n:
			n += (e - n) * t.noiseDown
		case !speech:
			n += (e - n) * t.noiseUp
		default:
			n += (e - n) * t.noiseCreep
		}
		v.noise[b] = n
	}
	return speech, voiced
}
