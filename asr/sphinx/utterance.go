package sphinx

import (
	"fmt"
	"strings"
	"time"

	"github.com/mrcpd/mrcpd/asr"
)

// DefaultMaxAudio bounds one utterance's buffered audio.
const DefaultMaxAudio = 60 * time.Second

const modelRate = 16000

// Request describes one utterance.
type Request struct {
	// SampleRate of the audio given to Write: 8000 or 16000.
	SampleRate int
	// JSGF, when set, constrains decoding to this grammar.
	JSGF string
	// Phrases, when set and JSGF is empty, constrain decoding to one of
	// these phrases.
	Phrases []string
	// NBest is the number of alternatives wanted (at least 1).
	NBest int
	// Partial enables the streaming pass that produces partial hypotheses.
	Partial bool
	// MaxAudio bounds the utterance; zero means DefaultMaxAudio.
	MaxAudio time.Duration
}

// Utterance is one recognition on a decoder borrowed from the pool. Not safe
// for concurrent use: one goroutine owns it.
type Utterance struct {
	pool     *Pool
	dec      *decoder
	req      Request
	up       *Upsampler
	audio    []int16 // whole utterance at 16 kHz
	maxAudio int
	fed      int // samples of audio already given to the streaming pass
	finished bool
	healthy  bool
}

// Start borrows a decoder and prepares it for req. A grammar whose words are
// missing from the dictionary fails with a *GrammarError.
func (p *Pool) Start(req Request) (*Utterance, error) {
	if req.SampleRate != 8000 && req.SampleRate != modelRate {
		return nil, fmt.Errorf("sphinx: unsupported sample rate %d (8000 or 16000)", req.SampleRate)
	}
	grammar := req.JSGF
	if strings.TrimSpace(grammar) == "" {
		grammar = ""
	}
	if grammar == "" && len(req.Phrases) > 0 {
		g, err := PhraseGrammar(req.Phrases)
		if err != nil {
			return nil, err
		}
		grammar = g
	}
	if req.NBest < 1 {
		req.NBest = 1
	}
	if req.MaxAudio <= 0 {
		req.MaxAudio = DefaultMaxAudio
	}
	dec, err := p.acquire(grammar == "")
	if err != nil {
		return nil, err
	}
	if grammar != "" {
		err = dec.useGrammar(grammar, p.dict)
	} else {
		err = dec.useLanguageModel()
	}
	if err != nil {
		// A rejected grammar leaves the decoder usable.
		p.release(dec, true)
		return nil, err
	}
	u := &Utterance{
		pool:     p,
		dec:      dec,
		req:      req,
		maxAudio: int(req.MaxAudio.Seconds() * modelRate),
		healthy:  true,
	}
	if req.SampleRate == 8000 {
		u.up = &Upsampler{}
	}
	u.audio = make([]int16, 0, 4*modelRate)
	if req.Partial {
		if err := dec.startStream(u.cepstralPrior()); err != nil {
			u.healthy = false
			u.Close()
			return nil, err
		}
	}
	return u, nil
}

// Write adds audio at the request's sample rate and, when partial results
// were asked for, decodes it at once.
func (u *Utterance) Write(pcm []int16) error {
	if u.finished {
		return ErrFinished
	}
	n := len(pcm)
	if u.up != nil {
		n *= 2
	}
	if len(u.audio)+n > u.maxAudio {
		return fmt.Errorf("sphinx: utterance longer than %v", u.req.MaxAudio)
	}
	if u.up != nil {
		u.audio = u.up.AppendTo(u.audio, pcm)
	} else {
		u.audio = append(u.audio, pcm...)
	}
	if !u.req.Partial {
		return nil
	}
	if err := u.dec.process(u.audio[u.fed:]); err != nil {
		u.healthy = false
		return err
	}
	u.fed = len(u.audio)
	return nil
}

// Partial is the streaming pass's current hypothesis ("" without one).
func (u *Utterance) Partial() string {
	if u.finished || u.dec == nil || !u.req.Partial {
		return ""
	}
	return normaliseText(u.dec.hypothesis())
}

// Finish decodes the whole utterance and returns its alternatives, best
// first. The final pass runs over the buffered utterance in one call, from
// a clean decoder state, so that cepstral mean normalisation can use the
// utterance's own mean: the streaming pass only has a running mean, which
// lags behind on the first second or so of audio. The result depends on
// this utterance's audio alone, not on the streaming pass or on earlier
// callers of the same decoder.
func (u *Utterance) Finish() ([]asr.Alternative, error) {
	if u.finished {
		return nil, ErrFinished
	}
	u.finished = true
	if err := u.dec.decodeUtterance(u.audio, u.cepstralPrior()); err != nil {
		u.healthy = false
		return nil, err
	}
	return u.dec.result(u.req.NBest), nil
}

// AudioDuration is the audio received so far.
func (u *Utterance) AudioDuration() time.Duration {
	return time.Duration(len(u.audio)) * time.Second / modelRate
}

// Close returns the decoder to the pool. Safe to call more than once.
func (u *Utterance) Close() {
	if u.dec == nil {
		return
	}
	u.finished = true
	u.pool.release(u.dec, u.healthy)
	u.dec = nil
	u.audio = nil
}
