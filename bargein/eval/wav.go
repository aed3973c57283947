package eval

import "github.com/mrcpd/mrcpd/wav"

// ErrNotWAV is returned for input that is not a RIFF/WAVE file.
var ErrNotWAV = wav.ErrNotWAV

// ReadWAV reads a 16-bit mono PCM WAV file.
func ReadWAV(path string) (pcm []int16, sampleRate int, err error) { return wav.Read(path) }

// ParseWAV decodes a 16-bit mono PCM WAV file held in b.
func ParseWAV(b []byte) (pcm []int16, sampleRate int, err error) { return wav.Parse(b) }

// AppendWAV appends pcm as a 16-bit mono WAV file to dst.
func AppendWAV(dst []byte, pcm []int16, sampleRate int) []byte {
	return wav.Append(dst, pcm, sampleRate)
}
