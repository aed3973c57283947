package bargein

import (
	"math"
	"testing"
	"time"
)

func runVAD(v *VAD, pcm []int16, frame int) []Activity {
	var acts []Activity
	for i := 0; i < len(pcm); i += frame {
		acts = v.Frame(pcm[i:min(i+frame, len(pcm))], acts)
	}
	return acts
}

func onsets(acts []Activity) int {
	n := 0
	for _, a := range acts {
		if a.Transition == Onset {
			n++
		}
	}
	return n
}

// Sounds that are not speech must not open a segment; voiced sound over the
// same background must, within 150 ms.
func TestVADSynthetic(t *testing.T) {
	tests := []struct {
		name    string
		build   func(s *signal)
		onsets  int
		onsetAt time.Duration // expected start of speech when onsets > 0
	}{
		{"digital silence", func(s *signal) { s.noise = 0; s.quiet(3000) }, 0, 0},
		{"low white noise", func(s *signal) { s.quiet(3000) }, 0, 0},
		{"white noise step +20 dB", func(s *signal) { s.quiet(1000).white(3000, 300) }, 0, 0},
		{"pink noise", func(s *signal) { s.pink(4000, 500) }, 0, 0},
		{"1 kHz test tone", func(s *signal) { s.quiet(1000).tone(2000, 2000, 1000) }, 0, 0},
		{"dial tone 350+440 Hz", func(s *signal) { s.quiet(1000).tone(2000, 1500, 350, 440) }, 0, 0},
		{"clicks every 300 ms", func(s *signal) { s.quiet(1000).clicks(3000, 300, 30000) }, 0, 0},
		{"30 ms burst of voice", func(s *signal) { s.quiet(1000).voice(30, 2000).quiet(1000) }, 0, 0},
		{"voice", func(s *signal) { s.quiet(1000).voice(600, 2000).quiet(1000) }, 1, time.Second},
		{"quiet voice", func(s *signal) { s.quiet(1000).voice(600, 150).quiet(1000) }, 1, time.Second},
		{"voice in pink noise at 10 dB", func(s *signal) {
			s.noise = 0
			s.pink(1000, 300)
			n := len(s.pcm)
			s.pink(1600, 300)
			v := newSignal(9, 0).voice(600, 950)
			for i, x := range v.pcm {
				s.pcm[n+i] = int16(max(-32768, min(32767, int(s.pcm[n+i])+int(x))))
			}
		}, 1, time.Second},
		{"two words", func(s *signal) { s.quiet(1000).voice(400, 2000).quiet(800).voice(400, 2000).quiet(800) }, 2, time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSignal(1, 10)
			tt.build(s)
			for _, frame := range []int{80, 160, 240} {
				v := NewVAD()
				acts := runVAD(v, s.pcm, frame)
				if got := onsets(acts); got != tt.onsets {
					t.Fatalf("frame %d: %d onsets, want %d: %+v", frame, got, tt.onsets, acts)
				}
				if tt.onsets == 0 {
					continue
				}
				a := acts[0]
				if d := a.At - tt.onsetAt; d < -20*time.Millisecond || d > 60*time.Millisecond {
					t.Errorf("frame %d: onset back-dated to %v, want about %v", frame, a.At, tt.onsetAt)
				}
				if lat := a.Detected - tt.onsetAt; lat > 150*time.Millisecond {
					t.Errorf("frame %d: onset detected %v after speech began, want <= 150ms", frame, lat)
				}
				if a.Detected < a.At {
					t.Errorf("onset detected at %v before the speech it dates to %v", a.Detected, a.At)
				}
				last := acts[len(acts)-1]
				if last.Transition != Offset {
					t.Errorf("frame %d: last transition %v, want offset", frame, last.Transition)
				}
			}
		})
	}
}

func TestVADOffsetTiming(t *testing.T) {
	s := newSignal(2, 10).quiet(1000).voice(500, 2000).quiet(1000)
	acts := runVAD(NewVAD(), s.pcm, 160)
	if len(acts) != 2 || acts[1].Transition != Offset {
		t.Fatalf("activity %+v, want onset and offset", acts)
	}
	end := 1500 * time.Millisecond
	if d := acts[1].At - end; d < -30*time.Millisecond || d > 50*time.Millisecond {
		t.Errorf("offset dated %v, want about %v", acts[1].At, end)
	}
	hang := time.Duration(DefaultSegmenterConfig().HangoverBlocks) * BlockDuration
	if got := acts[1].Detected - acts[1].At; got != hang {
		t.Errorf("offset confirmed %v after the last speech, want the hangover %v", got, hang)
	}
}

// Sensitivity-Level moves the threshold: a voice too faint at 0.0 is found
// at 1.0.
func TestVADSensitivity(t *testing.T) {
	s := newSignal(3, 0).white(1000, 200)
	n := len(s.pcm)
	s.white(2000, 200)
	v := newSignal(4, 0).voice(600, 200)
	for i, x := range v.pcm {
		s.pcm[n+i] += x
	}
	count := func(sens float64) int {
		vad := NewVAD()
		vad.SetSensitivity(sens)
		return onsets(runVAD(vad, s.pcm, 160))
	}
	if lo, hi := count(0), count(1); lo != 0 || hi != 1 {
		t.Fatalf("onsets at sensitivity 0: %d (want 0), at 1: %d (want 1)", lo, hi)
	}
	vad := NewVAD()
	for _, tc := range []struct{ in, want float64 }{{-1, 0}, {2, 1}, {math.NaN(), 0}, {0.25, 0.25}} {
		vad.SetSensitivity(tc.in)
		if vad.Sensitivity() != tc.want {
			t.Errorf("SetSensitivity(%v): %v, want %v", tc.in, vad.Sensitivity(), tc.want)
		}
	}
	vad.SetSensitivity(1)
	t1 := vad.Threshold()
	vad.SetSensitivity(0)
	if t0 := vad.Threshold(); !(t0 > t1) {
		t.Errorf("threshold at sensitivity 0 (%v) not above that at 1 (%v)", t0, t1)
	}
}

func TestVADReset(t *testing.T) {
	s := newSignal(5, 10).quiet(500).voice(400, 2000)
	v := NewVAD()
	runVAD(v, s.pcm, 160)
	if !v.InSpeech() {
		t.Fatal("not in speech after a voiced stretch")
	}
	v.Reset()
	if v.InSpeech() || v.Elapsed() != 0 {
		t.Fatalf("after Reset: in speech %v, elapsed %v", v.InSpeech(), v.Elapsed())
	}
	// Partial blocks wait for the rest of their samples.
	v.Frame(make([]int16, 50), nil)
	if v.Elapsed() != 0 {
		t.Fatalf("elapsed %v after 50 samples, want 0", v.Elapsed())
	}
	v.Frame(make([]int16, 30), nil)
	if v.Elapsed() != 10*time.Millisecond {
		t.Fatalf("elapsed %v after 80 samples, want 10ms", v.Elapsed())
	}
}

func TestVADFrameAllocatesNothing(t *testing.T) {
	s := newSignal(6, 10).quiet(500).voice(400, 2000).quiet(500)
	v := NewVAD()
	dst := make([]Activity, 0, 4)
	i := 0
	allocs := testing.AllocsPerRun(500, func() {
		dst = v.Frame(s.pcm[i:i+160], dst[:0])
		i = (i + 160) % (len(s.pcm) - 160)
	})
	if allocs != 0 {
		t.Fatalf("VAD.Frame allocates %v times per 20 ms frame", allocs)
	}
}

func BenchmarkVADFrame20ms(b *testing.B) {
	s := newSignal(7, 10).quiet(300).voice(400, 2000).quiet(300)
	v := NewVAD()
	dst := make([]Activity, 0, 4)
	b.ReportAllocs()
	i := 0
	reportCPU(b, func() {
		for b.Loop() {
			dst = v.Frame(s.pcm[i:i+160], dst[:0])
			i = (i + 160) % (len(s.pcm) - 160)
		}
	})
}

func BenchmarkPowerSpectrum(b *testing.B) { benchSpectrum(b, powerSpectrum) }

// benchSpectrum times one 256-point power spectrum of a quiet vowel.
func benchSpectrum(b *testing.B, spectrum func(*[fftSize]float32, *[halfSize]float32, *[halfSize]float32, *[numBins]float32)) {
	s := newSignal(8, 1000).quiet(40)
	var x [fftSize]float32
	for i := range x {
		x[i] = float32(s.pcm[i])
	}
	var re, im [halfSize]float32
	var p [numBins]float32
	b.ReportAllocs()
	reportCPU(b, func() {
		for b.Loop() {
			spectrum(&x, &re, &im, &p)
		}
	})
}

func FuzzVADFrame(f *testing.F) {
	f.Add([]byte{0, 0, 1, 0}, uint8(160))
	f.Add(make([]byte, 4000), uint8(80))
	loud := make([]byte, 3200)
	for i := range loud {
		loud[i] = byte(i * 37)
	}
	f.Add(loud, uint8(7))
	f.Fuzz(func(t *testing.T, data []byte, frame uint8) {
		pcm := make([]int16, len(data)/2)
		for i := range pcm {
			pcm[i] = int16(uint16(data[2*i]) | uint16(data[2*i+1])<<8)
		}
		step := int(frame) + 1
		v := NewVAD()
		d := NewDetector(NewVAD(), DefaultParams())
		var acts []Activity
		var evs []Event
		for i := 0; i < len(pcm); i += step {
			chunk := pcm[i:min(i+step, len(pcm))]
			acts = v.Frame(chunk, acts)
			evs = d.Frame(chunk, evs)
		}
		want := Onset
		for _, a := range acts {
			if a.Transition != want {
				t.Fatalf("transition %v out of order", a.Transition)
			}
			if a.At > a.Detected || a.Detected > v.Elapsed() {
				t.Fatalf("activity %+v outside 0..%v", a, v.Elapsed())
			}
			want = Onset + Offset - want
		}
		if s := v.Score(); math.IsNaN(s) || math.IsInf(s, 0) {
			t.Fatalf("score %v", s)
		}
		for i, e := range evs {
			if e.Type == EventComplete && i != len(evs)-1 {
				t.Fatalf("events after completion: %+v", evs)
			}
		}
	})
}
