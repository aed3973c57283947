// Package bargein finds speech in the caller's audio and runs the recogniser
// input timers of RFC 6787 §9.4 over it.
//
// VAD is the voice activity detector for 8 kHz telephone audio. Every 10 ms
// it takes a 32 ms Hann-windowed spectrum, compares fifteen bands between 200
// and 3600 Hz with noise floors that adapt while there is no speech, and
// scores the block with a likelihood ratio test (Sohn, Kim and Sung, 1999).
// Sensitivity-Level (§9.4.2) moves the threshold. A Segmenter turns the
// per-block decisions into speech segments: an onset needs 40 ms of speech,
// two blocks of it voiced (periodic between 80 and 400 Hz below 1 kHz), so
// clicks, clatter, hiss and tones do not start input; the onset is dated back
// to the first block of evidence, and 200 ms of silence end a segment. On
// amd64 with AVX2 the spectrum and the voicing sums run as vector assembly
// that computes the same bits as the Go code; the purego build tag leaves
// it out. A 20 ms frame costs about a microsecond (docs/performance-vad.md).
//
// Detector runs one recognition's timers over a VAD: No-Input-Timeout,
// Recognition-Timeout, Speech-Complete- and Speech-Incomplete-Timeout,
// Start-Input-Timers, Early-No-Match, hotword mode with its durations, and the
// DTMF timers. It is a pure state machine: time comes from the audio fed to
// Frame and the media time passed to Tick, so tests drive it sample-exactly
// and the owner of the channel needs no timers of its own.
//
// Typical use by the goroutine that owns a recogniser channel:
//
//	vad := bargein.NewVAD()                  // once per channel
//	det := bargein.NewDetector(vad, params)  // once per RECOGNIZE
//	evs = det.Frame(pcm, evs[:0])            // per RTP packet
//	evs = det.Tick(elapsed, evs[:0])         // when packets stop arriving
//	evs = det.SetMatch(match, evs[:0])       // when a hypothesis arrives
package bargein
