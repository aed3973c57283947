package inband

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"
)

// Edge estimates are within a hop (3.25 ms) of the truth for clean tones;
// these bounds leave room for noise and off-frequency tones.
const (
	atTolerance       = 3 * time.Millisecond
	durationTolerance = 5 * time.Millisecond
)

// checkPresses fails t unless got holds exactly the presses of want, with
// start and duration close to the truth.
func checkPresses(t *testing.T, label string, got, want []Digit) {
	t.Helper()
	if keys(got) != keys(want) {
		t.Errorf("%s: got keys %q, want %q (%v)", label, keys(got), keys(want), got)
		return
	}
	for i := range got {
		if d := got[i].At - want[i].At; d < -atTolerance || d > atTolerance {
			t.Errorf("%s: press %d (%c) at %v, want %v", label, i, got[i].Key, got[i].At, want[i].At)
		}
		if d := got[i].Duration - want[i].Duration; d < -durationTolerance || d > durationTolerance {
			t.Errorf("%s: press %d (%c) lasted %v, want %v", label, i, got[i].Key, got[i].Duration, want[i].Duration)
		}
	}
}

func TestEveryKeyAtEveryLevel(t *testing.T) {
	for _, level := range []float64{-3, -10, -20, -30} {
		for _, aLaw := range []bool{false, true} {
			d := dial(8000, keypad, level, 0, 60, 60, 30)
			pcm := g711RoundTrip(toPCM(d.sig), aLaw)
			checkPresses(t, fmt.Sprintf("%v dBm0, A-law %v", level, aLaw), detectAll(8000, pcm, 160), d.want)
		}
	}
}

func TestEveryKeyAtSubHopOffsets(t *testing.T) {
	// Shift the dialling by fractions of a hop so that tone edges fall at
	// every position relative to the analysis blocks.
	for lead := 30.0; lead < 34; lead += 0.25 {
		d := dial(8000, keypad, -15, 2, 50, 50, lead)
		checkPresses(t, fmt.Sprintf("lead %v ms", lead), detectAll(8000, toPCM(d.sig), 160), d.want)
	}
}

func TestTwist(t *testing.T) {
	for _, tc := range []struct {
		twistDB float64
		accept  bool
	}{
		{8, true},   // normal twist, high group 8 dB down
		{-4, true},  // reverse twist, high group 4 dB up
		{15, false}, // far beyond the normal twist limit
		{-10, false},
	} {
		d := dial(8000, keypad, -8, tc.twistDB, 60, 60, 30)
		got := detectAll(8000, g711RoundTrip(toPCM(d.sig), false), 160)
		if tc.accept {
			checkPresses(t, fmt.Sprintf("twist %v dB", tc.twistDB), got, d.want)
		} else if len(got) != 0 {
			t.Errorf("twist %v dB: got %q, want nothing", tc.twistDB, keys(got))
		}
	}
}

func TestNoisyTones(t *testing.T) {
	for seed := range uint64(4) {
		rng := rand.New(rand.NewPCG(seed, 15))
		for _, level := range []float64{-6, -20, -27} {
			d := dial(8000, keypad, level, 0, 50, 50, 30)
			addNoise(d.sig, 15, rng)
			pcm := g711RoundTrip(toPCM(d.sig), false)
			checkPresses(t, fmt.Sprintf("15 dB SNR, %v dBm0, seed %d", level, seed), detectAll(8000, pcm, 160), d.want)
		}
	}
}

func TestFrequencyTolerance(t *testing.T) {
	// ITU-T Q.24: tones within 1.5 % of nominal must be accepted, tones
	// 3.5 % or more away must not.
	for _, tc := range []struct {
		offset float64
		accept bool
	}{{1.015, true}, {0.985, true}, {1.035, false}, {0.965, false}} {
		var sig []float64
		var want []Digit
		sig = appendSilence(sig, 8000, 30)
		for i := range len(keypad) {
			sig = appendTone(sig, 8000, tone{key: keypad[i], lowDBm0: -10, offset: tc.offset, ms: 60, phase: float64(i)})
			sig = appendSilence(sig, 8000, 60)
			want = append(want, Digit{Key: keypad[i]})
		}
		got := detectAll(8000, toPCM(sig), 160)
		if tc.accept && keys(got) != keypad {
			t.Errorf("offset %.3f: got %q, want %q", tc.offset, keys(got), keypad)
		}
		if !tc.accept && len(got) != 0 {
			t.Errorf("offset %.3f: got %q, want nothing", tc.offset, keys(got))
		}
	}
}

func TestShortTonesRejected(t *testing.T) {
	for _, ms := range []float64{10, 20, 25, 30, 32} {
		for lead := 30.0; lead < 34; lead += 0.5 {
			d := dial(8000, keypad, -10, 0, ms, 80, lead)
			if got := detectAll(8000, g711RoundTrip(toPCM(d.sig), false), 160); len(got) != 0 {
				t.Errorf("%v ms tones, lead %v ms: got %q, want nothing", ms, lead, keys(got))
			}
		}
	}
}

func TestMinimumToneAccepted(t *testing.T) {
	rng := rand.New(rand.NewPCG(40, 40))
	for lead := 30.0; lead < 34; lead += 0.5 {
		d := dial(8000, keypad, -10, 0, 40, 40, lead)
		checkPresses(t, fmt.Sprintf("40 ms tones, lead %v ms", lead), detectAll(8000, g711RoundTrip(toPCM(d.sig), false), 160), d.want)
		addNoise(d.sig, 15, rng)
		checkPresses(t, fmt.Sprintf("40 ms tones at 15 dB SNR, lead %v ms", lead), detectAll(8000, g711RoundTrip(toPCM(d.sig), false), 160), d.want)
	}
}

func TestRepeatedKey(t *testing.T) {
	// A 40 ms pause separates two presses of the same key.
	d := dial(8000, "5555", -10, 0, 50, 40, 30)
	checkPresses(t, "pause 40 ms", detectAll(8000, toPCM(d.sig), 160), d.want)

	// A 10 ms dropout inside one press does not split it.
	var sig []float64
	sig = appendSilence(sig, 8000, 30)
	sig = appendTone(sig, 8000, tone{key: '5', lowDBm0: -10, ms: 60})
	sig = appendSilence(sig, 8000, 10)
	sig = appendTone(sig, 8000, tone{key: '5', lowDBm0: -10, ms: 60, phase: 2})
	sig = appendSilence(sig, 8000, 80)
	want := []Digit{{Key: '5', At: 30 * time.Millisecond, Duration: 130 * time.Millisecond}}
	checkPresses(t, "10 ms dropout", detectAll(8000, toPCM(sig), 160), want)
}

func TestKeysWithoutPause(t *testing.T) {
	// A different key following at once ends the first press.
	d := dial(8000, "1397", -10, 0, 60, 0, 30)
	d.sig = appendSilence(d.sig, 8000, 60)
	got := detectAll(8000, toPCM(d.sig), 160)
	if keys(got) != "1397" {
		t.Fatalf("got %q, want %q", keys(got), "1397")
	}
}

func TestFrameSizeDoesNotMatter(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	d := dial(8000, "0123456789*#ABCD", -12, 3, 55, 45, 17)
	addNoise(d.sig, 18, rng)
	pcm := toPCM(d.sig)
	whole := detectAll(8000, pcm, len(pcm))
	if keys(whole) != "0123456789*#ABCD" {
		t.Fatalf("whole buffer: got %q", keys(whole))
	}
	for _, frame := range []int{1, 2, 7, 25, 26, 27, 103, 160, 161, 320, 999} {
		if got := detectAll(8000, pcm, frame); !reflect.DeepEqual(got, whole) {
			t.Errorf("frames of %d: got %v, want %v", frame, got, whole)
		}
	}
	// Random frame sizes, as a jitter buffer might deliver.
	det := NewDetector(8000)
	var got []Digit
	for rest := pcm; len(rest) > 0; {
		n := min(len(rest), 1+rng.IntN(400))
		got = det.Process(rest[:n], got)
		rest = rest[n:]
	}
	if got = det.Flush(got); !reflect.DeepEqual(got, whole) {
		t.Errorf("random frames: got %v, want %v", got, whole)
	}
}

func TestSampleRates(t *testing.T) {
	for _, rate := range []int{8000, 11025, 16000, 44100, 48000} {
		d := dial(rate, "159D*", -12, 2, 50, 50, 30)
		checkPresses(t, fmt.Sprintf("%d Hz", rate), detectAll(rate, toPCM(d.sig), rate/50), d.want)
	}
}

func TestUnsupportedRate(t *testing.T) {
	for _, rate := range []int{-8000, 0, 4000, 7999, MaxSampleRate + 1} {
		d := NewDetector(rate)
		if d != nil {
			t.Fatalf("NewDetector(%d) = %+v, want nil", rate, d)
		}
		// A nil detector is inert rather than a trap.
		tone := toPCM(dial(8000, "1", -10, 0, 100, 50, 0).sig)
		if got := d.Flush(d.Process(tone, nil)); len(got) != 0 {
			t.Fatalf("nil detector reported %v", got)
		}
		if _, ok := d.Active(); ok {
			t.Fatal("nil detector has an active press")
		}
		d.Reset()
	}
}

func TestActiveAndFlush(t *testing.T) {
	det := NewDetector(8000)
	d := dial(8000, "7", -10, 0, 200, 0, 40)
	pcm := toPCM(d.sig)
	// 100 ms into the tone the press is confirmed but not yet reported.
	cut := 8 * 140
	if got := det.Process(pcm[:cut], nil); len(got) != 0 {
		t.Fatalf("reported %v while the tone still sounds", got)
	}
	a, ok := det.Active()
	if !ok || a.Key != '7' {
		t.Fatalf("Active() = %v, %v; want key 7", a, ok)
	}
	if a.At < 37*time.Millisecond || a.At > 43*time.Millisecond || a.Duration < 85*time.Millisecond {
		t.Errorf("Active() = %+v, want a press from 40 ms lasting about 100 ms so far", a)
	}
	// The tone runs to the end of the audio: only Flush reports it, once.
	if got := det.Process(pcm[cut:], nil); len(got) != 0 {
		t.Fatalf("reported %v while the tone still sounds", got)
	}
	got := det.Flush(nil)
	checkPresses(t, "flushed", got, d.want)
	if again := det.Flush(nil); len(again) != 0 {
		t.Errorf("second Flush reported %v", again)
	}
	if _, ok := det.Active(); ok {
		t.Error("press still active after Flush")
	}
}

func TestResetRestartsMediaTime(t *testing.T) {
	det := NewDetector(8000)
	d := dial(8000, "3", -10, 0, 60, 60, 500)
	pcm := toPCM(d.sig)
	first := det.Flush(det.Process(pcm, nil))
	det.Process(pcm[:len(pcm)/2], nil) // half a call, then a reset
	det.Reset()
	second := det.Flush(det.Process(pcm, nil))
	checkPresses(t, "before reset", first, d.want)
	checkPresses(t, "after reset", second, d.want)
}

func TestMediaTimeDoesNotOverflow(t *testing.T) {
	det := NewDetector(48000)
	// A year of 48 kHz audio: samples·1e9 would overflow an int64.
	samples := int64(48000) * 3600 * 24 * 365
	if got, want := det.mediaTime(samples), 365*24*time.Hour; got != want {
		t.Fatalf("mediaTime(%d) = %v, want %v", samples, got, want)
	}
	if got, want := det.mediaTime(samples+12), 365*24*time.Hour+250*time.Microsecond; got != want {
		t.Fatalf("mediaTime(%d) = %v, want %v", samples+12, got, want)
	}
}

func TestProcessDoesNotAllocate(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	d := dial(8000, "147*2580369#", -10, 0, 60, 60, 20)
	addNoise(d.sig, 20, rng)
	pcm := toPCM(d.sig)
	det := NewDetector(8000)
	dst := make([]Digit, 0, 64)
	var found int
	allocs := testing.AllocsPerRun(20, func() {
		det.Reset()
		out := dst[:0]
		for i := 0; i+160 <= len(pcm); i += 160 {
			out = det.Process(pcm[i:i+160], out)
		}
		out = det.Flush(out)
		_, _ = det.Active()
		found = len(out)
	})
	if allocs != 0 {
		t.Errorf("%v allocations per run, want 0", allocs)
	}
	if found != 12 {
		t.Errorf("found %d presses, want 12", found)
	}
}
