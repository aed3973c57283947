package sphinx

import (
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mrcpd/mrcpd/engine/speechtest"
)

// benchDecode runs whole utterances and reports the real-time factor:
// processing time over audio time, per stream.
func benchDecode(b *testing.B, p *Pool, req Request, pcm []int16) {
	audio := time.Duration(len(pcm)) * time.Second / time.Duration(req.SampleRate)
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	cpuStart := cpuTime(b)
	n := 0
	for b.Loop() {
		u, err := p.Start(req)
		if err != nil {
			b.Fatal(err)
		}
		for i := 0; i < len(pcm); i += 160 {
			if err := u.Write(pcm[i:min(i+160, len(pcm))]); err != nil {
				b.Fatal(err)
			}
		}
		if _, err := u.Finish(); err != nil {
			b.Fatal(err)
		}
		u.Close()
		n++
	}
	total := audio.Seconds() * float64(n)
	b.ReportMetric(time.Since(start).Seconds()/total, "RTF")
	// CPU time per audio time does not depend on other load on the machine.
	b.ReportMetric((cpuTime(b)-cpuStart).Seconds()/total, "cpuRTF")
}

func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func BenchmarkDecodeGrammar8k(b *testing.B) {
	p := testPool(b, 1, 0)
	pcm := speechtest.Synthesize(b, "one two three four five six seven eight nine", 8000)
	benchDecode(b, p, Request{SampleRate: 8000, JSGF: digits}, pcm)
}

func BenchmarkDecodeGrammar8kWithPartials(b *testing.B) {
	p := testPool(b, 1, 0)
	pcm := speechtest.Synthesize(b, "one two three four five six seven eight nine", 8000)
	benchDecode(b, p, Request{SampleRate: 8000, JSGF: digits, Partial: true}, pcm)
}

func BenchmarkDecodeFreeForm8k(b *testing.B) {
	p := testPool(b, 0, 1)
	pcm := speechtest.Synthesize(b, "I would like to check the balance of my account please", 8000)
	benchDecode(b, p, Request{SampleRate: 8000}, pcm)
}

func rssBytes(b *testing.B) int64 {
	data, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		b.Fatal(err)
	}
	f := strings.Fields(string(data))
	pages, err := strconv.ParseInt(f[1], 10, 64)
	if err != nil {
		b.Fatal(err)
	}
	return pages * int64(os.Getpagesize())
}

// benchRSS reports the resident memory one more warm decoder costs, from
// the first round: later rounds reuse memory the C allocator kept.
func benchRSS(b *testing.B, freeForm bool, count int) {
	m := Model{}
	first := true
	for b.Loop() {
		before := rssBytes(b)
		ds := make([]*decoder, 0, count)
		for range count {
			d, err := newDecoder(m, freeForm)
			if err != nil {
				b.Fatal(err)
			}
			ds = append(ds, d)
		}
		after := rssBytes(b)
		for _, d := range ds {
			d.close()
		}
		if first {
			b.ReportMetric(float64(after-before)/float64(count)/(1<<20), "MB/decoder")
			first = false
		}
	}
}

func BenchmarkRSSGrammarDecoder(b *testing.B)  { benchRSS(b, false, 8) }
func BenchmarkRSSFreeFormDecoder(b *testing.B) { benchRSS(b, true, 2) }
