//go:build unix

package inband

import (
	"math/rand/v2"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// BenchmarkProcess measures one 20 ms frame of dialling over noise, the
// media goroutine's per-packet cost. Besides wall time it reports the
// process's CPU time per frame, which stays meaningful on a loaded host.
func BenchmarkProcess(b *testing.B) {
	for _, rate := range []int{8000, 16000} {
		b.Run(strconv.Itoa(rate), func(b *testing.B) {
			d := dial(rate, keypad, -12, 2, 60, 60, 30)
			addNoise(d.sig, 20, rand.New(rand.NewPCG(1, 1)))
			pcm := toPCM(d.sig)
			frame := rate / 50
			frames := len(pcm) / frame
			det := NewDetector(rate)
			dst := make([]Digit, 0, 64)
			b.ReportAllocs()
			cpu0 := cpuTime(b)
			b.ResetTimer()
			for i := range b.N {
				f := i % frames
				dst = det.Process(pcm[f*frame:(f+1)*frame], dst[:0])
			}
			b.StopTimer()
			b.ReportMetric(float64(cpuTime(b)-cpu0)/float64(b.N), "cpu-ns/op")
		})
	}
}

func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
