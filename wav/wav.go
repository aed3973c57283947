// Package wav reads and writes RIFF WAVE files of 16-bit mono linear PCM,
// the form telephone audio takes on disk.
package wav

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
)

// MaxFileSize bounds a file read whole: an hour of 16 kHz audio.
const MaxFileSize = 16000 * 2 * 3600

// format tags (RIFF WAVE fmt chunk).
const (
	wavFormatPCM        = 1
	wavFormatExtensible = 0xFFFE
)

// Read reads a WAV file of 16-bit mono PCM and returns its samples and
// sampling rate.
func Read(path string) ([]int16, int, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, 0, fmt.Errorf("wav: read %s: %w", path, err)
	}
	if len(b) > MaxFileSize {
		return nil, 0, fmt.Errorf("wav: %s is larger than %d bytes", path, MaxFileSize)
	}
	pcm, rate, err := Parse(b)
	if err != nil {
		return nil, 0, fmt.Errorf("%s: %w", path, err)
	}
	return pcm, rate, nil
}

// ErrNotWAV is returned for input that is not a RIFF/WAVE file.
var ErrNotWAV = errors.New("wav: not a RIFF WAVE file")

// Parse decodes a RIFF WAVE file held in b. It accepts only 16-bit linear
// PCM in one channel, and says which property of the file is wrong
// otherwise.
func Parse(b []byte) ([]int16, int, error) {
	if len(b) < 12 || string(b[0:4]) != "RIFF" || string(b[8:12]) != "WAVE" {
		return nil, 0, ErrNotWAV
	}
	var (
		haveFmt  bool
		channels int
		rate     int
		bits     int
	)
	rest := b[12:]
	for len(rest) >= 8 {
		id := string(rest[0:4])
		size := int64(binary.LittleEndian.Uint32(rest[4:8]))
		body := rest[8:]
		// A streamed writer may leave the size too large; the data chunk
		// then runs to the end of the file.
		if size > int64(len(body)) {
			if id != "data" {
				return nil, 0, fmt.Errorf("wav: chunk %q of %d bytes runs past the end of the file", id, size)
			}
			size = int64(len(body))
		}
		chunk := body[:size]
		switch id {
		case "fmt ":
			if len(chunk) < 16 {
				return nil, 0, errors.New("wav: fmt chunk is too short")
			}
			tag := binary.LittleEndian.Uint16(chunk[0:2])
			channels = int(binary.LittleEndian.Uint16(chunk[2:4]))
			rate = int(binary.LittleEndian.Uint32(chunk[4:8]))
			bits = int(binary.LittleEndian.Uint16(chunk[14:16]))
			if tag == wavFormatExtensible && len(chunk) >= 26 {
				// The sub-format GUID starts with the format tag.
				tag = binary.LittleEndian.Uint16(chunk[24:26])
			}
			if tag != wavFormatPCM {
				return nil, 0, fmt.Errorf("wav: format tag %#x is not linear PCM", tag)
			}
			haveFmt = true
		case "data":
			if !haveFmt {
				return nil, 0, errors.New("wav: data chunk before its fmt chunk")
			}
			if channels != 1 {
				return nil, 0, fmt.Errorf("wav: has %d channels; only mono is supported", channels)
			}
			if bits != 16 {
				return nil, 0, fmt.Errorf("wav: has %d-bit samples; only 16-bit is supported", bits)
			}
			if rate <= 0 {
				return nil, 0, fmt.Errorf("wav: sample rate %d Hz", rate)
			}
			pcm := make([]int16, len(chunk)/2)
			for i := range pcm {
				pcm[i] = int16(binary.LittleEndian.Uint16(chunk[2*i:]))
			}
			return pcm, rate, nil
		}
		// Chunks are padded to an even size.
		next := 8 + size + size%2
		if next > int64(len(rest)) {
			break
		}
		rest = rest[next:]
	}
	if !haveFmt {
		return nil, 0, errors.New("wav: has no fmt chunk")
	}
	return nil, 0, errors.New("wav: has no data chunk")
}

// Encode returns pcm as a 16-bit mono WAV file.
func Encode(pcm []int16, rate int) []byte { return Append(nil, pcm, rate) }

// Append appends pcm as a 16-bit mono WAV file to dst.
func Append(dst []byte, pcm []int16, rate int) []byte {
	n := len(dst)
	dst = append(dst, make([]byte, 44+2*len(pcm))...)
	b := dst[n:]
	copy(b[0:], "RIFF")
	binary.LittleEndian.PutUint32(b[4:], uint32(36+2*len(pcm)))
	copy(b[8:], "WAVEfmt ")
	binary.LittleEndian.PutUint32(b[16:], 16)
	binary.LittleEndian.PutUint16(b[20:], wavFormatPCM)
	binary.LittleEndian.PutUint16(b[22:], 1)
	binary.LittleEndian.PutUint32(b[24:], uint32(rate))
	binary.LittleEndian.PutUint32(b[28:], uint32(rate*2))
	binary.LittleEndian.PutUint16(b[32:], 2)
	binary.LittleEndian.PutUint16(b[34:], 16)
	copy(b[36:], "data")
	binary.LittleEndian.PutUint32(b[40:], uint32(2*len(pcm)))
	for i, s := range pcm {
		binary.LittleEndian.PutUint16(b[44+2*i:], uint16(s))
	}
	return dst
}
