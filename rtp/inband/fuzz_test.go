package inband

import (
	"encoding/binary"
	"reflect"
	"strings"
	"testing"
)

// FuzzProcess feeds arbitrary PCM at a few rates and frame sizes: the
// detector must not panic, must report the same presses however the audio
// is split, and must report only real keys at sane times.
func FuzzProcess(f *testing.F) {
	tonePCM := func(ks string) []byte {
		pcm := toPCM(dial(8000, ks, -10, 0, 60, 50, 10).sig)
		b := make([]byte, 2*len(pcm))
		for i, v := range pcm {
			binary.LittleEndian.PutUint16(b[2*i:], uint16(v))
		}
		return b
	}
	f.Add(uint8(0), uint8(159), tonePCM("5"))
	f.Add(uint8(0), uint8(0), tonePCM("1#"))
	f.Add(uint8(1), uint8(77), tonePCM("D0"))
	f.Add(uint8(2), uint8(255), []byte{0xff, 0x7f, 0x00, 0x80, 0xff, 0x7f, 0x00, 0x80})
	f.Add(uint8(0), uint8(3), []byte{})
	f.Fuzz(func(t *testing.T, rateSel, frameSel uint8, raw []byte) {
		rate := [...]int{8000, 16000, 11025}[int(rateSel)%3]
		frame := 1 + int(frameSel)
		pcm := make([]int16, len(raw)/2)
		for i := range pcm {
			pcm[i] = int16(binary.LittleEndian.Uint16(raw[2*i:]))
		}
		whole := detectAll(rate, pcm, max(len(pcm), 1))
		split := detectAll(rate, pcm, frame)
		if !reflect.DeepEqual(whole, split) {
			t.Fatalf("frames of %d: %v, whole: %v", frame, split, whole)
		}
		end := samplesToTime(len(pcm), rate)
		var prev Digit
		for _, d := range whole {
			if !strings.ContainsRune(keypad, rune(d.Key)) {
				t.Fatalf("invalid key %q", d.Key)
			}
			if d.At < prev.At || d.Duration <= 0 || d.At+d.Duration > end {
				t.Fatalf("press %+v after %+v does not fit in %v of audio", d, prev, end)
			}
			prev = d
		}
	})
}
