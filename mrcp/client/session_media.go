package client

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// DTMF durations SendDTMF accepts: at least one packet, and within the
// 16-bit duration field at 8 kHz (RFC 4733 §2.5.2.1 would split longer
// events; nobody presses a key that long).
const (
	minDigitDuration = frameDuration
	maxDigitDuration = 8 * time.Second
)

// PlayPCM sends pcm (sampled at rate, 8000 or 16000 Hz; converted to the
// codec's rate when they differ) as RTP and returns once its last packet has
// left. realtime paces one 20 ms frame every 20 ms, as a phone would;
// otherwise frames go FastFactor times faster. Playbacks queue behind each
// other; DTMF digits take the place of audio while they last. Cancelling ctx
// stops the playback. Playback reports when the first and last packets left.
func (s *Session) PlayPCM(ctx context.Context, pcm []int16, rate int, realtime bool) error {
	return s.media.play(ctx, pcm, rate, realtime)
}

func (m *media) play(ctx context.Context, pcm []int16, rate int, realtime bool) error {
	f := m.format.Load()
	if f == nil || m.closed() {
		return ErrClosed
	}
	if len(pcm) == 0 {
		return nil
	}
	pcm, err := resample(pcm, rate, f.codec.SampleRate())
	if err != nil {
		return err
	}
	job := &playJob{
		pcm:   pcm,
		fast:  !realtime,
		stop:  ctx.Done(),
		done:  make(chan error, 1),
		track: &Playback{Fast: !realtime},
	}
	select {
	case m.plays <- job:
	case <-ctx.Done():
		return ctx.Err()
	case <-m.quit:
		return ErrClosed
	}
	select {
	case err := <-job.done:
		if errors.Is(err, errPlaybackStopped) && ctx.Err() != nil {
			return ctx.Err()
		}
		return err
	case <-ctx.Done():
		return ctx.Err()
	case <-m.quit:
		return ErrClosed
	}
}

// PlayWAV plays a 16-bit mono WAV file of 8 or 16 kHz; see PlayPCM.
func (s *Session) PlayWAV(ctx context.Context, path string, realtime bool) error {
	pcm, rate, err := ReadWAV(path)
	if err != nil {
		return err
	}
	return s.PlayPCM(ctx, pcm, rate, realtime)
}

// Silence keeps silence frames flowing in real time for d from now whenever
// no audio or digit is being sent, so that a server's timers see a live
// stream after the audio ended; d <= 0 stops them.
func (s *Session) Silence(d time.Duration) { s.media.setSilence(d) }

// SendDTMF sends a digit ('0'-'9', '*', '#', 'A'-'D') as RFC 4733
// telephone-events lasting dur, and returns once its final packets left.
func (s *Session) SendDTMF(digit byte, dur time.Duration) error {
	return s.media.sendDigit(digit, dur)
}

func (m *media) sendDigit(digit byte, dur time.Duration) error {
	f := m.format.Load()
	if f == nil || m.closed() {
		return ErrClosed
	}
	if !f.events {
		return errors.New("client: the server did not accept telephone-event")
	}
	code, ok := dtmfEvent(digit)
	if !ok {
		return fmt.Errorf("client: %q is not a DTMF digit", digit)
	}
	if dur < minDigitDuration || dur > maxDigitDuration {
		return fmt.Errorf("client: DTMF duration %v outside %v-%v", dur, minDigitDuration, maxDigitDuration)
	}
	units := uint32(int64(dur) * int64(f.codec.ClockRate()) / int64(time.Second))
	if units > 0xffff {
		return fmt.Errorf("client: DTMF duration %v exceeds the 16-bit field at %d Hz", dur, f.codec.ClockRate())
	}
	job := &dtmfJob{code: code, units: units, done: make(chan error, 1)}
	select {
	case m.digits <- job:
	case <-m.quit:
		return ErrClosed
	}
	select {
	case err := <-job.done:
		return err
	case <-m.quit:
		return ErrClosed
	}
}

// Playback describes the latest playback: when its first and last packets
// left and how many frames it sent so far.
func (s *Session) Playback() Playback { return s.media.playback() }

// MediaStats counts the session's RTP traffic.
func (s *Session) MediaStats() MediaStats { return s.media.stats() }

// SetAudioSink has f called with the decoded audio of every RTP packet the
// server sends in the negotiated codec (a synthesiser's speech), on the
// receiving goroutine; pcm is reused after f returns. nil stops it.
func (s *Session) SetAudioSink(f func(pcm []int16)) {
	if f == nil {
		s.media.sink.Store(nil)
		return
	}
	s.media.sink.Store(&f)
}
