package client

import (
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func sine(freq float64, rate, n int, amp float64) []int16 {
	out := make([]int16, n)
	for i := range out {
		out[i] = int16(amp * math.Sin(2*math.Pi*freq*float64(i)/float64(rate)))
	}
	return out
}

func TestWAVRoundTrip(t *testing.T) {
	for _, rate := range []int{8000, 16000} {
		pcm := sine(440, rate, rate/10, 8000)
		got, gotRate, err := ParseWAV(EncodeWAV(pcm, rate))
		if err != nil {
			t.Fatal(err)
		}
		if gotRate != rate || len(got) != len(pcm) {
			t.Fatalf("rate %d len %d, want %d %d", gotRate, len(got), rate, len(pcm))
		}
		for i := range pcm {
			if got[i] != pcm[i] {
				t.Fatalf("sample %d: %d, want %d", i, got[i], pcm[i])
			}
		}
	}
}

// wavWith builds a file with the given fmt fields and extra chunks before
// the data.
func wavWith(tag, channels uint16, rate uint32, bits uint16, extra []byte, data []byte) []byte {
	fmtChunk := make([]byte, 16)
	binary.LittleEndian.PutUint16(fmtChunk[0:], tag)
	binary.LittleEndian.PutUint16(fmtChunk[2:], channels)
	binary.LittleEndian.PutUint32(fmtChunk[4:], rate)
	binary.LittleEndian.PutUint32(fmtChunk[8:], rate*uint32(channels)*uint32(bits)/8)
	binary.LittleEndian.PutUint16(fmtChunk[12:], channels*bits/8)
	binary.LittleEndian.PutUint16(fmtChunk[14:], bits)
	var b []byte
	b = append(b, "RIFF\x00\x00\x00\x00WAVE"...)
	b = append(b, "fmt "...)
	b = binary.LittleEndian.AppendUint32(b, 16)
	b = append(b, fmtChunk...)
	b = append(b, extra...)
	b = append(b, "data"...)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(data)))
	b = append(b, data...)
	binary.LittleEndian.PutUint32(b[4:], uint32(len(b)-8))
	return b
}

func TestParseWAVChunksAndRefusals(t *testing.T) {
	data := []byte{1, 0, 2, 0, 0xff, 0xff}
	// An odd-sized LIST chunk before the data is skipped with its padding.
	list := append([]byte("LIST\x03\x00\x00\x00abc"), 0)
	pcm, rate, err := ParseWAV(wavWith(1, 1, 8000, 16, list, data))
	if err != nil {
		t.Fatal(err)
	}
	if rate != 8000 || len(pcm) != 3 || pcm[0] != 1 || pcm[1] != 2 || pcm[2] != -1 {
		t.Fatalf("got %v at %d", pcm, rate)
	}
	// A streamed file whose data size was never filled in.
	streamed := wavWith(1, 1, 16000, 16, nil, data)
	binary.LittleEndian.PutUint32(streamed[40:], 0xffffffff)
	if pcm, _, err := ParseWAV(streamed); err != nil || len(pcm) != 3 {
		t.Fatalf("streamed: %v %v", pcm, err)
	}
	for name, tc := range map[string]struct {
		b    []byte
		want string
	}{
		"empty":      {nil, "not a RIFF WAVE"},
		"not riff":   {[]byte("RIFX\x00\x00\x00\x00WAVE"), "not a RIFF WAVE"},
		"stereo":     {wavWith(1, 2, 8000, 16, nil, data), "2 channels"},
		"8-bit":      {wavWith(1, 1, 8000, 8, nil, data), "8-bit"},
		"44.1k":      {wavWith(1, 1, 44100, 16, nil, data), "44100 Hz"},
		"float":      {wavWith(3, 1, 8000, 32, nil, data), "not linear PCM"},
		"no data":    {[]byte("RIFF\x0c\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x01\x00\x40\x1f\x00\x00\x80\x3e\x00\x00\x02\x00\x10\x00"), "no data chunk"},
		"no fmt":     {[]byte("RIFF\x0c\x00\x00\x00WAVEdata\x02\x00\x00\x00\x01\x00"), "before its fmt"},
		"short fmt":  {[]byte("RIFF\x0c\x00\x00\x00WAVEfmt \x04\x00\x00\x00\x01\x00\x01\x00"), "too short"},
		"truncated":  {[]byte("RIFF\x0c\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00"), "runs past the end"},
		"only riff":  {[]byte("RIFF\x04\x00\x00\x00WAVE"), "no fmt chunk"},
		"extensible": {wavWith(0xfffe, 1, 8000, 16, nil, data), "no data chunk"},
	} {
		if name == "extensible" {
			// Extensible with a PCM sub-format is accepted.
			b := wavWithExtensible(1)
			if _, _, err := ParseWAV(b); err != nil {
				t.Errorf("extensible PCM: %v", err)
			}
			if _, _, err := ParseWAV(wavWithExtensible(3)); err == nil || !strings.Contains(err.Error(), "not linear PCM") {
				t.Errorf("extensible float: %v", err)
			}
			continue
		}
		if _, _, err := ParseWAV(tc.b); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", name, err, tc.want)
		}
	}
}

func wavWithExtensible(subFormat uint16) []byte {
	fmtChunk := make([]byte, 40)
	binary.LittleEndian.PutUint16(fmtChunk[0:], 0xfffe)
	binary.LittleEndian.PutUint16(fmtChunk[2:], 1)
	binary.LittleEndian.PutUint32(fmtChunk[4:], 8000)
	binary.LittleEndian.PutUint32(fmtChunk[8:], 16000)
	binary.LittleEndian.PutUint16(fmtChunk[12:], 2)
	binary.LittleEndian.PutUint16(fmtChunk[14:], 16)
	binary.LittleEndian.PutUint16(fmtChunk[16:], 22)
	binary.LittleEndian.PutUint16(fmtChunk[24:], subFormat)
	var b []byte
	b = append(b, "RIFF\x00\x00\x00\x00WAVEfmt "...)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(fmtChunk)))
	b = append(b, fmtChunk...)
	b = append(b, "data\x02\x00\x00\x00\x05\x00"...)
	binary.LittleEndian.PutUint32(b[4:], uint32(len(b)-8))
	return b
}

func TestReadWAVFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.wav")
	if err := os.WriteFile(path, EncodeWAV(sine(300, 8000, 800, 1000), 8000), 0o600); err != nil {
		t.Fatal(err)
	}
	pcm, rate, err := ReadWAV(path)
	if err != nil || rate != 8000 || len(pcm) != 800 {
		t.Fatalf("%d samples at %d: %v", len(pcm), rate, err)
	}
	if _, _, err := ReadWAV(filepath.Join(dir, "missing.wav")); err == nil {
		t.Fatal("missing file read")
	}
	bad := filepath.Join(dir, "bad.wav")
	os.WriteFile(bad, []byte("hello"), 0o600)
	if _, _, err := ReadWAV(bad); err == nil || !strings.Contains(err.Error(), "bad.wav") {
		t.Fatalf("error %v does not name the file", err)
	}
}

// rms of a - b over the middle of the signals, away from the filter's
// edge effects.
func rmsDiff(a, b []int16) float64 {
	n := min(len(a), len(b))
	sum := 0.0
	cnt := 0
	for i := n / 4; i < 3*n/4; i++ {
		d := float64(a[i]) - float64(b[i])
		sum += d * d
		cnt++
	}
	return math.Sqrt(sum / float64(cnt))
}

func rms(a []int16) float64 {
	sum := 0.0
	for _, v := range a[len(a)/4 : 3*len(a)/4] {
		sum += float64(v) * float64(v)
	}
	return math.Sqrt(sum / float64(len(a)/2))
}

func TestResample(t *testing.T) {
	const amp = 10000
	// A 1 kHz tone survives both ways at its level.
	down, err := resample(sine(1000, 16000, 16000, amp), 16000, 8000)
	if err != nil {
		t.Fatal(err)
	}
	if len(down) != 8000 {
		t.Fatalf("downsampled to %d samples", len(down))
	}
	if d := rmsDiff(down, sine(1000, 8000, 8000, amp)); d > amp*0.01 {
		t.Fatalf("16k->8k 1 kHz error %.1f", d)
	}
	up, err := resample(sine(1000, 8000, 8000, amp), 8000, 16000)
	if err != nil {
		t.Fatal(err)
	}
	if len(up) != 16000 {
		t.Fatalf("upsampled to %d samples", len(up))
	}
	if d := rmsDiff(up, sine(1000, 16000, 16000, amp)); d > amp*0.01 {
		t.Fatalf("8k->16k 1 kHz error %.1f", d)
	}
	// A 6 kHz tone cannot exist at 8 kHz: it is filtered out, not folded
	// down to 2 kHz.
	alias, _ := resample(sine(6000, 16000, 16000, amp), 16000, 8000)
	if r := rms(alias); r > amp*0.01 {
		t.Fatalf("6 kHz leaked through at rms %.1f", r)
	}
	same := sine(100, 8000, 10, amp)
	if got, _ := resample(same, 8000, 8000); &got[0] != &same[0] {
		t.Fatal("same rate copied")
	}
	if _, err := resample(same, 44100, 8000); err == nil {
		t.Fatal("44.1 kHz accepted")
	}
	// Full-scale input saturates instead of wrapping around.
	loud := make([]int16, 400)
	for i := range loud {
		loud[i] = math.MaxInt16
	}
	for i, v := range upsample2(loud)[100:700] {
		if v < math.MaxInt16-50 {
			t.Fatalf("full-scale DC upsampled to %d at %d", v, i+100)
		}
	}
	if clamp16(40000) != math.MaxInt16 || clamp16(-40000) != math.MinInt16 || clamp16(1.6) != 2 {
		t.Fatal("clamp16")
	}
}

func FuzzParseWAV(f *testing.F) {
	f.Add(EncodeWAV([]int16{1, 2, 3}, 8000))
	f.Add(wavWith(1, 1, 16000, 16, append([]byte("LIST\x03\x00\x00\x00abc"), 0), []byte{1, 2}))
	f.Add(wavWithExtensible(1))
	f.Add([]byte("RIFF\xff\xff\xff\xffWAVEdata\xff\xff\xff\xff"))
	f.Fuzz(func(t *testing.T, b []byte) {
		pcm, rate, err := ParseWAV(b)
		if err != nil {
			return
		}
		if rate != 8000 && rate != 16000 {
			t.Fatalf("accepted rate %d", rate)
		}
		if 2*len(pcm) > len(b) {
			t.Fatalf("%d samples from %d bytes", len(pcm), len(b))
		}
	})
}

func FuzzParseCodecSpec(f *testing.F) {
	for _, s := range []string{"PCMU", "L16/96/8000", "L16/16000", "telephone-event/101/8000", "a/b/c/d", "", "/", "x//1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		spec, err := parseCodecSpec(s)
		if err != nil {
			return
		}
		if spec.pt > maxPT || spec.pt < -1 || spec.clock < 0 || !isEncodingName(spec.name) {
			t.Fatalf("%q parsed to %+v", s, spec)
		}
	})
}
