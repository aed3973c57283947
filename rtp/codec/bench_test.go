package codec

import (
	"syscall"
	"testing"
	"time"
)

// reportCPU adds the process CPU time per operation; on a shared machine
// it is steadier than ns/op, which is wall time.
func reportCPU(b *testing.B) func() {
	cpu := func() time.Duration {
		var ru syscall.Rusage
		if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
			return 0
		}
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	start := cpu()
	return func() {
		if b.N > 0 {
			b.ReportMetric(float64(cpu()-start)/float64(b.N), "cpu-ns/op")
		}
	}
}

func benchmarkDecode(b *testing.B, c Codec, payloadLen int) {
	dec := c.NewDecoder()
	payload := make([]byte, payloadLen)
	for i := range payload {
		payload[i] = byte(i * 7)
	}
	pcm := make([]int16, dec.Samples(payloadLen))
	b.ReportAllocs()
	b.SetBytes(int64(payloadLen))
	defer reportCPU(b)()
	for b.Loop() {
		dec.DecodeTo(pcm, payload)
	}
}

func benchmarkEncode(b *testing.B, c Codec, samples int) {
	enc := c.NewEncoder()
	pcm := make([]int16, samples)
	for i := range pcm {
		pcm[i] = int16(i * 97)
	}
	payload := make([]byte, enc.PayloadLen(samples))
	b.ReportAllocs()
	b.SetBytes(int64(2 * samples))
	defer reportCPU(b)()
	for b.Loop() {
		enc.EncodeTo(payload, pcm)
	}
}

// The benchmarks work on one 20 ms packet each.
func BenchmarkDecodePCMU20ms(b *testing.B) { benchmarkDecode(b, PCMU(), 160) }
func BenchmarkDecodePCMA20ms(b *testing.B) { benchmarkDecode(b, PCMA(), 160) }
func BenchmarkDecodeG72220ms(b *testing.B) { benchmarkDecode(b, G722(), 160) }
func BenchmarkEncodePCMU20ms(b *testing.B) { benchmarkEncode(b, PCMU(), 160) }
func BenchmarkEncodeG72220ms(b *testing.B) { benchmarkEncode(b, G722(), 320) }

func BenchmarkDecodeL1620ms(b *testing.B) {
	c, _ := L16(16000)
	benchmarkDecode(b, c, 640)
}
