package codec

import (
	"bytes"
	"encoding/binary"
	"math"
	"os"
	"testing"
)

// readPCM loads little-endian 16-bit samples produced by an independent
// implementation (see testdata/README.md).
func readPCM(t testing.TB, name string) []int16 {
	t.Helper()
	raw, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	pcm := make([]int16, len(raw)/2)
	for i := range pcm {
		pcm[i] = int16(binary.LittleEndian.Uint16(raw[2*i:]))
	}
	return pcm
}

func readBytes(t testing.TB, name string) []byte {
	t.Helper()
	raw, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func TestG711KnownValues(t *testing.T) {
	cases := []struct {
		name   string
		decode func([]int16, []byte) int
		code   byte
		want   int16
	}{
		{"ulaw positive max", DecodeULawTo, 0x80, 32124},
		{"ulaw negative max", DecodeULawTo, 0x00, -32124},
		{"ulaw zero", DecodeULawTo, 0xff, 0},
		{"ulaw small", DecodeULawTo, 0xfe, 8},
		{"alaw positive max", DecodeALawTo, 0xaa, 32256},
		{"alaw negative max", DecodeALawTo, 0x2a, -32256},
		{"alaw smallest positive", DecodeALawTo, 0xd5, 8},
		{"alaw smallest negative", DecodeALawTo, 0x55, -8},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var out [1]int16
			if n := tc.decode(out[:], []byte{tc.code}); n != 1 {
				t.Fatalf("n = %d", n)
			}
			if out[0] != tc.want {
				t.Fatalf("decode(%#x) = %d, want %d", tc.code, out[0], tc.want)
			}
		})
	}
}

// TestG711KnownEncodings pins encoder outputs of G.711 (ITU-T G.711 Tables
// 1a and 2a): the µ-law code of 0 is 0xff, A-law inverts even bits (0xd5).
func TestG711KnownEncodings(t *testing.T) {
	cases := []struct {
		name   string
		encode func([]byte, []int16) int
		in     int16
		want   byte
	}{
		{"ulaw zero", EncodeULawTo, 0, 0xff},
		{"ulaw minus one", EncodeULawTo, -1, 0x7f},
		{"ulaw max", EncodeULawTo, math.MaxInt16, 0x80},
		{"ulaw min", EncodeULawTo, math.MinInt16, 0x00},
		{"alaw zero", EncodeALawTo, 0, 0xd5},
		{"alaw minus one", EncodeALawTo, -1, 0x55},
		{"alaw max", EncodeALawTo, math.MaxInt16, 0xaa},
		{"alaw min", EncodeALawTo, math.MinInt16, 0x2a},
	}
	for _, tc := range cases {
		var out [1]byte
		if n := tc.encode(out[:], []int16{tc.in}); n != 1 || out[0] != tc.want {
			t.Errorf("%s: encode(%d) = %#x (n=%d), want %#x", tc.name, tc.in, out[0], n, tc.want)
		}
	}
}

// TestG711RoundTripError checks the companding error bound of every 16-bit
// value: the segment step halves at most, so the error stays under 1/16 of the
// magnitude plus the smallest step.
func TestG711RoundTripError(t *testing.T) {
	for _, tc := range []struct {
		name   string
		encode func([]byte, []int16) int
		decode func([]int16, []byte) int
	}{
		{"ulaw", EncodeULawTo, DecodeULawTo},
		{"alaw", EncodeALawTo, DecodeALawTo},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var code [1]byte
			var back [1]int16
			for v := math.MinInt16; v <= math.MaxInt16; v++ {
				tc.encode(code[:], []int16{int16(v)})
				tc.decode(back[:], code[:])
				diff := math.Abs(float64(int(back[0]) - v))
				if diff > math.Abs(float64(v))/16+140 {
					t.Fatalf("%d -> %#x -> %d: error %v", v, code[0], back[0], diff)
				}
			}
		})
	}
}

func TestL16BigEndian(t *testing.T) {
	pcm := []int16{0, 1, -1, 0x1234, math.MinInt16, math.MaxInt16}
	want := []byte{0, 0, 0, 1, 0xff, 0xff, 0x12, 0x34, 0x80, 0x00, 0x7f, 0xff}
	got := make([]byte, len(want))
	if n := EncodeL16To(got, pcm); n != len(want) || !bytes.Equal(got, want) {
		t.Fatalf("EncodeL16To = %d % x, want % x", n, got, want)
	}
	back := make([]int16, len(pcm))
	// A trailing odd byte is not a sample.
	if n := DecodeL16To(back, append(got, 0x55)); n != len(pcm) {
		t.Fatalf("DecodeL16To n = %d", n)
	}
	for i := range pcm {
		if back[i] != pcm[i] {
			t.Fatalf("sample %d = %d, want %d", i, back[i], pcm[i])
		}
	}
}

func TestShortDestinations(t *testing.T) {
	src := []byte{1, 2, 3, 4, 5, 6}
	pcm := []int16{1, 2, 3, 4, 5, 6}
	small := make([]int16, 3)
	if n := DecodeULawTo(small, src); n != 3 {
		t.Errorf("DecodeULawTo into 3 = %d", n)
	}
	if n := DecodeL16To(small[:2], src); n != 2 {
		t.Errorf("DecodeL16To into 2 = %d", n)
	}
	if n := NewG722Decoder().DecodeTo(small, src); n != 2 {
		t.Errorf("G722 DecodeTo into 3 = %d, want 2 (whole pairs only)", n)
	}
	out := make([]byte, 3)
	if n := EncodeALawTo(out, pcm); n != 3 {
		t.Errorf("EncodeALawTo into 3 = %d", n)
	}
	if n := EncodeL16To(out, pcm); n != 2 {
		t.Errorf("EncodeL16To into 3 = %d, want 2", n)
	}
	if n := NewG722Encoder().EncodeTo(out[:2], pcm); n != 2 {
		t.Errorf("G722 EncodeTo into 2 = %d", n)
	}
}

// TestG722MatchesReference checks bit-exactness against an independent G.722
// implementation in both directions.
func TestG722MatchesReference(t *testing.T) {
	pcm := readPCM(t, "testdata/g722_input.s16le")
	ref := readBytes(t, "testdata/g722_reference.g722")
	refDecoded := readPCM(t, "testdata/g722_reference_decoded.s16le")

	enc := NewG722Encoder()
	got := make([]byte, enc.PayloadLen(len(pcm)))
	// Encode in 20 ms packets to prove state carries across calls.
	for off := 0; off < len(pcm); off += 320 {
		end := min(off+320, len(pcm))
		enc.EncodeTo(got[off/2:], pcm[off:end])
	}
	if !bytes.Equal(got, ref) {
		for i := range got {
			if got[i] != ref[i] {
				t.Fatalf("encoder: first difference at byte %d: %#x, want %#x", i, got[i], ref[i])
			}
		}
	}

	dec := NewG722Decoder()
	out := make([]int16, dec.Samples(len(ref)))
	for off := 0; off < len(ref); off += 160 {
		end := min(off+160, len(ref))
		dec.DecodeTo(out[2*off:], ref[off:end])
	}
	for i := range out {
		if out[i] != refDecoded[i] {
			t.Fatalf("decoder: first difference at sample %d: %d, want %d", i, out[i], refDecoded[i])
		}
	}

	// Reset must give the same output as a fresh decoder.
	dec.Reset()
	again := make([]int16, len(out))
	dec.DecodeTo(again, ref)
	for i := range again {
		if again[i] != out[i] {
			t.Fatalf("after Reset sample %d = %d, want %d", i, again[i], out[i])
		}
	}
}

// TestG722RoundTripSNR codes a 1 kHz tone and measures the signal-to-noise
// ratio after the codec delay of the two QMFs (22 samples).
func TestG722RoundTripSNR(t *testing.T) {
	const n, delay = 16000, 22
	pcm := make([]int16, n)
	for i := range pcm {
		pcm[i] = int16(12000 * math.Sin(2*math.Pi*1000*float64(i)/16000))
	}
	enc, dec := NewG722Encoder(), NewG722Decoder()
	coded := make([]byte, n/2)
	enc.EncodeTo(coded, pcm)
	out := make([]int16, n)
	dec.DecodeTo(out, coded)
	var sig, noise float64
	for i := 2000; i < n; i++ { // after adaptation
		s := float64(pcm[i-delay])
		e := float64(out[i]) - s
		sig += s * s
		noise += e * e
	}
	snr := 10 * math.Log10(sig/noise)
	if snr < 30 {
		t.Fatalf("SNR %.1f dB, want >= 30", snr)
	}
	t.Logf("G.722 1 kHz round trip SNR %.1f dB", snr)
}

func TestCodecDescriptions(t *testing.T) {
	l16, err := L16(16000)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		c                  Codec
		name               string
		clock, rate        int
		pt                 uint8
		static             bool
		payload20ms, pcm20 int
	}{
		{PCMU(), "PCMU", 8000, 8000, 0, true, 160, 160},
		{PCMA(), "PCMA", 8000, 8000, 8, true, 160, 160},
		{G722(), "G722", 8000, 16000, 9, true, 160, 320},
		{l16, "L16", 16000, 16000, 0, false, 640, 320},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := tc.c
			if c.Name() != tc.name || c.ClockRate() != tc.clock || c.SampleRate() != tc.rate {
				t.Fatalf("got %s %d %d", c.Name(), c.ClockRate(), c.SampleRate())
			}
			pt, static := c.StaticPayloadType()
			if pt != tc.pt || static != tc.static {
				t.Fatalf("static payload type = %d %v", pt, static)
			}
			if got := c.NewEncoder().PayloadLen(tc.pcm20); got != tc.payload20ms {
				t.Fatalf("PayloadLen(%d) = %d, want %d", tc.pcm20, got, tc.payload20ms)
			}
			if got := c.NewDecoder().Samples(tc.payload20ms); got != tc.pcm20 {
				t.Fatalf("Samples(%d) = %d, want %d", tc.payload20ms, got, tc.pcm20)
			}
		})
	}
	if _, err := L16(4000); err == nil {
		t.Fatal("L16(4000) accepted")
	}
}

func TestRegistry(t *testing.T) {
	r := NewDefaultRegistry()
	for _, tc := range []struct {
		name string
		rate int
		want string
		ok   bool
	}{
		{"PCMU", 8000, "PCMU", true},
		{"pcma", 8000, "PCMA", true},
		{"G722", 8000, "G722", true},
		{"L16", 8000, "L16", true},
		{"l16", 16000, "L16", true},
		{"L16", 44100, "", false},
		{"PCMU", 16000, "", false},
		{"opus", 48000, "", false},
	} {
		c, ok := r.Lookup(tc.name, tc.rate)
		if ok != tc.ok || (ok && (c.Name() != tc.want || c.ClockRate() != tc.rate)) {
			t.Errorf("Lookup(%s, %d) = %v %v", tc.name, tc.rate, c, ok)
		}
	}
	for pt, want := range map[uint8]string{0: "PCMU", 8: "PCMA", 9: "G722"} {
		c, ok := r.ByStaticPayloadType(pt)
		if !ok || c.Name() != want {
			t.Errorf("ByStaticPayloadType(%d) = %v %v", pt, c, ok)
		}
	}
	for _, pt := range []uint8{3, 96, 200} {
		if c, ok := r.ByStaticPayloadType(pt); ok {
			t.Errorf("ByStaticPayloadType(%d) = %v", pt, c)
		}
	}
	if err := r.Register(PCMU()); err == nil {
		t.Error("duplicate PCMU accepted")
	}
	if got := len(r.Codecs()); got != 5 {
		t.Errorf("Codecs() has %d entries", got)
	}
}

func TestConversionsDoNotAllocate(t *testing.T) {
	payload := make([]byte, 640)
	pcm := make([]int16, 640)
	l16, _ := L16(8000)
	for _, c := range []Codec{PCMU(), PCMA(), G722(), l16} {
		dec, enc := c.NewDecoder(), c.NewEncoder()
		allocs := testing.AllocsPerRun(100, func() {
			dec.DecodeTo(pcm, payload[:160])
			enc.EncodeTo(payload, pcm[:320])
		})
		if allocs != 0 {
			t.Errorf("%s: %v allocations per frame", c.Name(), allocs)
		}
	}
	allocs := testing.AllocsPerRun(100, func() {
		_ = PCMU().NewDecoder()
		_ = PCMA().NewEncoder()
	})
	if allocs != 0 {
		t.Errorf("G.711 NewDecoder/NewEncoder allocate %v", allocs)
	}
}
