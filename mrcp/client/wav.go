package client

import (
	"fmt"

	"github.com/mrcpd/mrcpd/wav"
)

// ReadWAV reads a WAV file of 16-bit mono PCM at 8 or 16 kHz, the rates
// telephone codecs carry, and returns its samples and rate.
func ReadWAV(path string) ([]int16, int, error) {
	pcm, rate, err := wav.Read(path)
	if err != nil {
		return nil, 0, err
	}
	if err := telephoneRate(rate); err != nil {
		return nil, 0, fmt.Errorf("%s: %w", path, err)
	}
	return pcm, rate, nil
}

// ParseWAV decodes a WAV file held in b, with the same limits as ReadWAV.
func ParseWAV(b []byte) ([]int16, int, error) {
	pcm, rate, err := wav.Parse(b)
	if err != nil {
		return nil, 0, err
	}
	if err := telephoneRate(rate); err != nil {
		return nil, 0, err
	}
	return pcm, rate, nil
}

// EncodeWAV returns pcm as a 16-bit mono WAV file.
func EncodeWAV(pcm []int16, rate int) []byte { return wav.Encode(pcm, rate) }

func telephoneRate(rate int) error {
	if rate != 8000 && rate != 16000 {
		return fmt.Errorf("client: WAV sample rate %d Hz; only 8000 and 16000 are supported", rate)
	}
	return nil
}
