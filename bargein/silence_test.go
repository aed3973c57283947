package bargein

import (
	"math"
	"reflect"
	"strconv"
	"testing"
)

// digitalSilenceDetector returns a detector that heard speech and then
// seconds of exact zeros, as a muted leg or generated silence delivers.
func digitalSilenceDetector(seconds int) (*Detector, []int16) {
	sig, d := timerlessDetector(15)
	dst := make([]Event, 0, 8)
	for i := 0; i+160 <= len(sig.pcm); i += 160 {
		dst = d.Frame(sig.pcm[i:i+160], dst[:0])
	}
	zero := make([]int16, 160)
	for range seconds * 50 {
		dst = d.Frame(zero, dst[:0])
	}
	return d, zero
}

// Arithmetic on subnormal numbers is tens of times slower than on normal
// ones; state that decays towards zero in silence must reach zero instead
// of lingering (or cycling) below the smallest normal number.
func TestDigitalSilenceLeavesNoSubnormalState(t *testing.T) {
	d, _ := digitalSilenceDetector(30)
	if d.vad.hp.y1 != 0 || d.vad.hp.y2 != 0 {
		t.Errorf("high-pass state after 30 s of zeros = %g, %g; want exactly 0", d.vad.hp.y1, d.vad.hp.y2)
	}
	bad := subnormalFields(reflect.ValueOf(d.vad).Elem(), "VAD")
	bad = append(bad, subnormalFields(reflect.ValueOf(d).Elem(), "Detector")...)
	for _, path := range bad {
		t.Errorf("subnormal after 30 s of zeros: %s", path)
	}
}

// subnormalFields lists the float fields (arrays included) of v holding a
// subnormal value.
func subnormalFields(v reflect.Value, path string) []string {
	var out []string
	switch v.Kind() {
	case reflect.Float32:
		if f := math.Abs(v.Float()); f != 0 && f < 0x1p-126 {
			out = append(out, path)
		}
	case reflect.Float64:
		if f := math.Abs(v.Float()); f != 0 && f < 0x1p-1022 {
			out = append(out, path)
		}
	case reflect.Array:
		for i := range v.Len() {
			out = append(out, subnormalFields(v.Index(i), path+"["+strconv.Itoa(i)+"]")...)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			out = append(out, subnormalFields(v.Field(i), path+"."+v.Type().Field(i).Name)...)
		}
	}
	return out
}

// BenchmarkDetectorFrame20msDigitalSilence is the cost of a frame of exact
// zeros after ten seconds of them (docs/performance-vad.md).
func BenchmarkDetectorFrame20msDigitalSilence(b *testing.B) {
	d, zero := digitalSilenceDetector(10)
	dst := make([]Event, 0, 8)
	b.ReportAllocs()
	reportCPU(b, func() {
		for b.Loop() {
			dst = d.Frame(zero, dst[:0])
		}
	})
}
