package eval

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
)

// maxWAVBytes bounds what ParseWAV accepts: the longest evaluation file is a
// few minutes of 8 kHz audio, so anything far beyond that is a broken header,
// not audio.
const maxWAVBytes = 64 << 20

// ErrNotWAV is returned for input that is not a RIFF/WAVE file.
var ErrNotWAV = errors.New("wav: not a RIFF/WAVE file")

// ReadWAV reads a 16-bit mono PCM WAV file.
func ReadWAV(path string) (pcm []int16, sampleRate int, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxWAVBytes+1))
	if err != nil {
		return nil, 0, err
	}
	if len(b) > maxWAVBytes {
		return nil, 0, fmt.Errorf("wav: %s is larger than %d bytes", path, maxWAVBytes)
	}
	pcm, sampleRate, err = ParseWAV(b)
	if err != nil {
		return nil, 0, fmt.Errorf("%s: %w", path, err)
	}
	return pcm, sampleRate, nil
}

// ParseWAV decodes a RIFF/WAVE image holding 16-bit mono linear PCM. Chunks
// other than "fmt " and "data" are skipped; a data chunk whose declared size
// runs past the end of the image is truncated to what is there, since some
// recorders never patch the size after writing.
func ParseWAV(b []byte) (pcm []int16, sampleRate int, err error) {
	if len(b) < 12 || string(b[0:4]) != "RIFF" || string(b[8:12]) != "WAVE" {
		return nil, 0, ErrNotWAV
	}
	var (
		haveFmt  bool
		channels uint16
		bits     uint16
		format   uint16
	)
	rest := b[12:]
	for len(rest) >= 8 {
		id := string(rest[0:4])
		size := uint64(binary.LittleEndian.Uint32(rest[4:8]))
		body := rest[8:]
		if size > uint64(len(body)) {
			if id != "data" {
				return nil, 0, fmt.Errorf("wav: chunk %q declares %d bytes, %d left", id, size, len(body))
			}
			size = uint64(len(body))
		}
		chunk := body[:size]
		switch id {
		case "fmt ":
			if len(chunk) < 16 {
				return nil, 0, fmt.Errorf("wav: fmt chunk of %d bytes, want at least 16", len(chunk))
			}
			format = binary.LittleEndian.Uint16(chunk[0:2])
			channels = binary.LittleEndian.Uint16(chunk[2:4])
			sampleRate = int(binary.LittleEndian.Uint32(chunk[4:8]))
			bits = binary.LittleEndian.Uint16(chunk[14:16])
			// WAVE_FORMAT_EXTENSIBLE carries the real format in its sub-format GUID.
			if format == 0xFFFE && len(chunk) >= 26 {
				format = binary.LittleEndian.Uint16(chunk[24:26])
			}
			haveFmt = true
		case "data":
			if !haveFmt {
				return nil, 0, errors.New("wav: data chunk before fmt chunk")
			}
			if format != 1 || bits != 16 || channels != 1 {
				return nil, 0, fmt.Errorf("wav: format %d, %d channel(s), %d bits; want PCM (1), mono, 16 bits", format, channels, bits)
			}
			if sampleRate <= 0 {
				return nil, 0, fmt.Errorf("wav: sample rate %d", sampleRate)
			}
			pcm = make([]int16, len(chunk)/2)
			for i := range pcm {
				pcm[i] = int16(binary.LittleEndian.Uint16(chunk[2*i:]))
			}
			return pcm, sampleRate, nil
		}
		// RIFF chunks are padded to an even size.
		adv := size + size&1
		if adv >= uint64(len(body)) {
			break
		}
		rest = body[adv:]
	}
	return nil, 0, errors.New("wav: no data chunk")
}

// AppendWAV appends a 16-bit mono PCM WAV image of pcm to dst.
func AppendWAV(dst []byte, pcm []int16, sampleRate int) []byte {
	dataLen := uint32(2 * len(pcm))
	dst = append(dst, "RIFF"...)
	dst = binary.LittleEndian.AppendUint32(dst, 36+dataLen)
	dst = append(dst, "WAVEfmt "...)
	dst = binary.LittleEndian.AppendUint32(dst, 16)
	dst = binary.LittleEndian.AppendUint16(dst, 1)
	dst = binary.LittleEndian.AppendUint16(dst, 1)
	dst = binary.LittleEndian.AppendUint32(dst, uint32(sampleRate))
	dst = binary.LittleEndian.AppendUint32(dst, uint32(2*sampleRate))
	dst = binary.LittleEndian.AppendUint16(dst, 2)
	dst = binary.LittleEndian.AppendUint16(dst, 16)
	dst = append(dst, "data"...)
	dst = binary.LittleEndian.AppendUint32(dst, dataLen)
	for _, s := range pcm {
		dst = binary.LittleEndian.AppendUint16(dst, uint16(s))
	}
	return dst
}
