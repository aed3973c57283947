//go:build cgo

package webrtcvad

/*
#cgo pkg-config: webrtc-audio-processing
#include <stddef.h>
#include <stdint.h>

// The library exports these C symbols but its installed headers do not
// declare them, so the prototypes are stated here (webrtc_vad.h of the
// WebRTC release the library is built from).
typedef struct WebRtcVadInst VadInst;
VadInst* WebRtcVad_Create(void);
void WebRtcVad_Free(VadInst* handle);
int WebRtcVad_Init(VadInst* handle);
int WebRtcVad_set_mode(VadInst* handle, int mode);
int WebRtcVad_Process(VadInst* handle, int fs, const int16_t* audio_frame, size_t frame_length);
*/
import "C"

import (
	"errors"
	"fmt"
	"unsafe"

	"github.com/mrcpd/mrcpd/bargein"
)

// VAD is one WebRTC detector instance. It is not safe for concurrent use.
type VAD struct {
	h *C.VadInst
}

// New returns a detector in the given aggressiveness mode, 0 (least
// aggressive, most speech) to 3 (most aggressive).
func New(mode int) (*VAD, error) {
	if mode < 0 || mode > 3 {
		return nil, fmt.Errorf("webrtcvad: mode %d out of range 0-3", mode)
	}
	h := C.WebRtcVad_Create()
	if h == nil {
		return nil, errors.New("webrtcvad: create failed")
	}
	if C.WebRtcVad_Init(h) != 0 {
		C.WebRtcVad_Free(h)
		return nil, errors.New("webrtcvad: init failed")
	}
	if C.WebRtcVad_set_mode(h, C.int(mode)) != 0 {
		C.WebRtcVad_Free(h)
		return nil, fmt.Errorf("webrtcvad: set_mode(%d) failed", mode)
	}
	return &VAD{h: h}, nil
}

// IsSpeech classifies one frame of 8 kHz audio of 10, 20 or 30 ms.
func (v *VAD) IsSpeech(frame []int16) (bool, error) {
	if v.h == nil {
		return false, errors.New("webrtcvad: use after Close")
	}
	switch len(frame) {
	case 80, 160, 240:
	default:
		return false, fmt.Errorf("webrtcvad: frame of %d samples, want 80, 160 or 240", len(frame))
	}
	r := C.WebRtcVad_Process(v.h, 8000, (*C.int16_t)(unsafe.Pointer(&frame[0])), C.size_t(len(frame)))
	if r < 0 {
		return false, errors.New("webrtcvad: process failed")
	}
	return r == 1, nil
}

// Close frees the C instance; later calls fail.
func (v *VAD) Close() error {
	if v.h != nil {
		C.WebRtcVad_Free(v.h)
		v.h = nil
	}
	return nil
}

// Segmented runs WebRTC decisions through the same bargein.Segmenter that
// the bargein VAD uses, so that a comparison measures the frame classifiers
// and not two different hangover rules.
type Segmented struct {
	vad *VAD
	seg *bargein.Segmenter
	buf [bargein.BlockSamples]int16
	n   int
	err error
}

// NewSegmented returns a WebRTC detector in mode behind a Segmenter.
func NewSegmented(mode int, cfg bargein.SegmenterConfig) (*Segmented, error) {
	v, err := New(mode)
	if err != nil {
		return nil, err
	}
	return &Segmented{vad: v, seg: bargein.NewSegmenter(cfg)}, nil
}

// Frame consumes 8 kHz audio of any length, deciding every 10 ms, and
// appends the transitions to dst. The first classification error is kept
// for Err and Close and stops further decisions.
func (s *Segmented) Frame(pcm []int16, dst []bargein.Activity) []bargein.Activity {
	for len(pcm) > 0 && s.err == nil {
		k := copy(s.buf[s.n:], pcm)
		s.n += k
		pcm = pcm[k:]
		if s.n < len(s.buf) {
			break
		}
		s.n = 0
		speech, err := s.vad.IsSpeech(s.buf[:])
		if err != nil {
			s.err = err
			break
		}
		switch s.seg.Step(speech) {
		case bargein.Onset:
			dst = append(dst, bargein.Activity{Transition: bargein.Onset, At: s.seg.SegmentStart(), Detected: s.seg.Elapsed()})
		case bargein.Offset:
			dst = append(dst, bargein.Activity{Transition: bargein.Offset, At: s.seg.SegmentEnd(), Detected: s.seg.Elapsed()})
		}
	}
	return dst
}

// Err is the first classification error, if any.
func (s *Segmented) Err() error { return s.err }

// Close frees the detector and reports any classification error.
func (s *Segmented) Close() error {
	s.vad.Close()
	return s.err
}
