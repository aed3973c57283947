package recognizer

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/mrcpd/mrcpd/mrcp/server"
	"github.com/mrcpd/mrcpd/wav"
)

var (
	errEngineSlow = errors.New("recogniser did not open its stream in time: audio held too long")
	errNoFinal    = errors.New("recogniser gave no final result")
)

// ring keeps the most recent audio (the pre-roll before a detected onset).
type ring struct {
	buf   []int16
	start int
	n     int
}

func newRing(size int) ring { return ring{buf: make([]int16, size)} }

func (r *ring) write(pcm []int16) {
	if len(pcm) >= len(r.buf) {
		copy(r.buf, pcm[len(pcm)-len(r.buf):])
		r.start, r.n = 0, len(r.buf)
		return
	}
	for _, s := range pcm {
		end := (r.start + r.n) % len(r.buf)
		r.buf[end] = s
		if r.n < len(r.buf) {
			r.n++
		} else {
			r.start = (r.start + 1) % len(r.buf)
		}
	}
}

// drain returns a copy of the held audio in order and empties the ring.
func (r *ring) drain() []int16 {
	out := make([]int16, 0, r.n)
	for i := 0; i < r.n; i++ {
		out = append(out, r.buf[(r.start+i)%len(r.buf)])
	}
	r.start, r.n = 0, 0
	return out
}

// saveWaveform writes the utterance as a 16-bit PCM WAV file and returns the
// Waveform-URI value (RFC 6787 §9.4.23: uri;size=..;duration=..).
func (r *Recognizer) saveWaveform(req server.RecognitionRequest, pcm []int16, rate int) (string, error) {
	name := fmt.Sprintf("%s-%s-%d.wav", req.Channel.Session, req.Channel.Resource, req.RequestID)
	path := filepath.Join(r.opts.WaveformDir, name)
	data := wav.Encode(pcm, rate)
	if err := os.WriteFile(path, data, 0o640); err != nil {
		return "", err
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = path
	}
	dur := time.Duration(len(pcm)) * time.Second / time.Duration(rate)
	return fmt.Sprintf("<file://%s>;size=%d;duration=%d", abs, len(data), dur.Milliseconds()), nil
}
