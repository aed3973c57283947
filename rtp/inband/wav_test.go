package inband

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
)

// readWAV loads a 16-bit mono PCM WAV file and returns its samples and
// sample rate.
func readWAV(path string) ([]int16, int, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, 0, err
	}
	if len(b) < 12 || string(b[0:4]) != "RIFF" || string(b[8:12]) != "WAVE" {
		return nil, 0, fmt.Errorf("%s: not a RIFF/WAVE file", path)
	}
	var rate, channels, bits int
	for rest := b[12:]; len(rest) >= 8; {
		id, size := string(rest[0:4]), int(binary.LittleEndian.Uint32(rest[4:8]))
		body := rest[8:]
		if size > len(body) {
			size = len(body)
		}
		switch id {
		case "fmt ":
			if size < 16 {
				return nil, 0, fmt.Errorf("%s: short fmt chunk", path)
			}
			channels = int(binary.LittleEndian.Uint16(body[2:4]))
			rate = int(binary.LittleEndian.Uint32(body[4:8]))
			bits = int(binary.LittleEndian.Uint16(body[14:16]))
		case "data":
			if rate == 0 {
				return nil, 0, fmt.Errorf("%s: data before fmt", path)
			}
			if channels != 1 || bits != 16 {
				return nil, 0, fmt.Errorf("%s: %d channels of %d bits, want mono 16-bit", path, channels, bits)
			}
			pcm := make([]int16, size/2)
			for i := range pcm {
				pcm[i] = int16(binary.LittleEndian.Uint16(body[2*i:]))
			}
			return pcm, rate, nil
		}
		// Chunks are padded to an even size.
		size += size & 1
		if size > len(body) {
			break
		}
		rest = body[size:]
	}
	return nil, 0, errors.New(path + ": no data chunk")
}
