package sphinx

import (
	"math"
	"testing"
)

func tone(freq float64, rate, n int, amp float64) []int16 {
	out := make([]int16, n)
	for i := range out {
		out[i] = int16(math.Round(amp * math.Sin(2*math.Pi*freq*float64(i)/float64(rate))))
	}
	return out
}

// power of x at freq (Goertzel), normalised per sample.
func power(x []int16, freq float64, rate int) float64 {
	w := 2 * math.Pi * freq / float64(rate)
	c := 2 * math.Cos(w)
	var s1, s2 float64
	for _, v := range x {
		s0 := float64(v) + c*s1 - s2
		s2, s1 = s1, s0
	}
	p := s1*s1 + s2*s2 - c*s1*s2
	return p / float64(len(x)*len(x))
}

func TestUpsamplerPassesTelephoneBand(t *testing.T) {
	for _, f := range []float64{300, 1000, 2000, 3000, 3400} {
		in := tone(f, 8000, 8000, 10000)
		var u Upsampler
		out := u.AppendTo(nil, in)
		if len(out) != 2*len(in) {
			t.Fatalf("got %d samples, want %d", len(out), 2*len(in))
		}
		// Compare with the ideal 16 kHz tone, delayed by the filter.
		delay := 2 * upsampleDelay
		var errSum, sigSum float64
		for i := 1000; i < len(out)-100; i++ {
			ideal := 10000 * math.Sin(2*math.Pi*f*float64(i-delay)/16000)
			d := float64(out[i]) - ideal
			errSum += d * d
			sigSum += ideal * ideal
		}
		snr := 10 * math.Log10(sigSum/errSum)
		// 3.4 kHz sits in the filter's transition band start.
		want := 40.0
		if f == 3400 {
			want = 20
		}
		if snr < want {
			t.Errorf("%v Hz: interpolation SNR %.1f dB, want >= %.0f", f, snr, want)
		}
	}
}

func TestUpsamplerRejectsImages(t *testing.T) {
	// Interpolating a tone at f leaves an image at 8000-f unless filtered;
	// sample doubling would leave it at almost full strength.
	for _, f := range []float64{1000, 2500, 3000} {
		in := tone(f, 8000, 16000, 10000)
		var u Upsampler
		out := u.AppendTo(nil, in)[1000:]
		sig, img := power(out, f, 16000), power(out, 8000-f, 16000)
		if db := 10 * math.Log10(sig/img); db < 50 {
			t.Errorf("%v Hz: image only %.1f dB down", f, db)
		}
	}
}

func TestUpsamplerIsChunkIndependent(t *testing.T) {
	in := tone(1234, 8000, 4000, 12000)
	var whole, parts Upsampler
	want := whole.AppendTo(nil, in)
	var got []int16
	for i, n := 0, 1; i < len(in); i, n = i+n, n%7+1 {
		got = parts.AppendTo(got, in[i:min(i+n, len(in))])
	}
	if len(got) != len(want) {
		t.Fatalf("%d samples, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("sample %d: %d != %d", i, got[i], want[i])
		}
	}
}

func TestUpsamplerClipsInsteadOfWrapping(t *testing.T) {
	// A full-scale square wave overshoots after filtering.
	in := make([]int16, 400)
	for i := range in {
		if (i/8)%2 == 0 {
			in[i] = math.MaxInt16
		} else {
			in[i] = math.MinInt16
		}
	}
	var u Upsampler
	out := u.AppendTo(nil, in)
	for i := 100; i < len(out); i++ {
		prev, cur := int(out[i-1]), int(out[i])
		if prev > 20000 && cur < -20000 && (i/16)%2 == 0 {
			t.Fatalf("wrap-around at %d: %d -> %d", i, prev, cur)
		}
	}
}

func TestUpsamplerDoesNotAllocate(t *testing.T) {
	in := tone(1000, 8000, 160, 8000)
	dst := make([]int16, 0, 320)
	var u Upsampler
	allocs := testing.AllocsPerRun(100, func() {
		dst = u.AppendTo(dst[:0], in)
	})
	if allocs != 0 {
		t.Errorf("AppendTo allocates %v times per 20 ms frame", allocs)
	}
}

func BenchmarkUpsampler20ms(b *testing.B) {
	in := tone(1000, 8000, 160, 8000)
	dst := make([]int16, 0, 320)
	var u Upsampler
	b.ReportAllocs()
	b.SetBytes(int64(2 * len(in)))
	for b.Loop() {
		dst = u.AppendTo(dst[:0], in)
	}
}
