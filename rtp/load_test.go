//go:build linux && (amd64 || arm64)

package rtp

// The driver comparison of docs/performance-rtp.md: N streams receive PCMU
// at 50 packets/s over 127.0.0.1 from a generator in a child process, and
// the receiving process's CPU time (getrusage) is divided by stream-seconds.
//
//	go test ./rtp -run '^$' -bench BenchmarkDriver -benchtime 1x
//
// MRCPD_RTP_LOAD_STREAMS (default 1000) and MRCPD_RTP_LOAD_SECONDS (default
// 4, measured after 1 s of warm-up) change the load.

import (
	"encoding/binary"
	"fmt"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"github.com/mrcpd/mrcpd/rtp/codec"
	"golang.org/x/sys/unix"
)

const (
	envLoadGen     = "MRCPD_RTP_LOADGEN_PORTS"
	envLoadGenSecs = "MRCPD_RTP_LOADGEN_SECONDS"
)

func TestMain(m *testing.M) {
	if ports := os.Getenv(envLoadGen); ports != "" {
		os.Exit(runLoadGenerator(ports, os.Getenv(envLoadGenSecs)))
	}
	os.Exit(m.Run())
}

// runLoadGenerator sends one 160-byte PCMU packet every 20 ms to each port,
// all from one socket with sendmmsg(2), so that the generator needs little
// CPU and keeps its rate on a busy machine.
func runLoadGenerator(portList, secs string) int {
	var ports []int
	for _, p := range strings.Split(portList, ",") {
		n, err := strconv.Atoi(p)
		if err != nil {
			fmt.Fprintln(os.Stderr, "loadgen:", err)
			return 2
		}
		ports = append(ports, n)
	}
	seconds, err := strconv.ParseFloat(secs, 64)
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		return 2
	}
	sock, err := listenUDP(loopback, 0)
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		return 2
	}
	defer sock.close()
	n := len(ports)
	pkts := make([][]byte, n)
	names := make([]syscall.RawSockaddrInet4, n)
	iovs := make([]syscall.Iovec, n)
	hdrs := make([]mmsghdr, n)
	for i := range pkts {
		pkts[i] = rtpPacket(0, false, 0, 0, uint32(i+1), make([]byte, 160))
		names[i] = syscall.RawSockaddrInet4{Family: syscall.AF_INET, Addr: [4]byte{127, 0, 0, 1}}
		p := (*[2]byte)(unsafe.Pointer(&names[i].Port))
		p[0], p[1] = byte(ports[i]>>8), byte(ports[i])
		iovs[i].Base = &pkts[i][0]
		iovs[i].SetLen(len(pkts[i]))
		hdrs[i].hdr.Name = (*byte)(unsafe.Pointer(&names[i]))
		hdrs[i].hdr.Namelen = syscall.SizeofSockaddrInet4
		hdrs[i].hdr.Iov = &iovs[i]
		hdrs[i].hdr.Iovlen = 1
	}
	ticker := time.NewTicker(20 * time.Millisecond)
	defer ticker.Stop()
	deadline := time.Now().Add(time.Duration(seconds * float64(time.Second)))
	for seq := uint16(0); time.Now().Before(deadline); seq++ {
		for _, p := range pkts {
			binary.BigEndian.PutUint16(p[2:], seq)
			binary.BigEndian.PutUint32(p[4:], uint32(seq)*160)
		}
		for off := 0; off < n; {
			r, _, e := syscall.Syscall6(unix.SYS_SENDMMSG, uintptr(sock.fd),
				uintptr(unsafe.Pointer(&hdrs[off])), uintptr(min(n-off, 1024)), 0, 0, 0)
			if e != 0 {
				fmt.Fprintln(os.Stderr, "loadgen: sendmmsg:", e)
				return 1
			}
			off += int(r)
		}
		<-ticker.C
	}
	return 0
}

func loadParams() (streams int, seconds float64) {
	streams, seconds = 1000, 4
	if v, err := strconv.Atoi(os.Getenv("MRCPD_RTP_LOAD_STREAMS")); err == nil && v > 0 {
		streams = v
	}
	if v, err := strconv.ParseFloat(os.Getenv("MRCPD_RTP_LOAD_SECONDS"), 64); err == nil && v > 0 {
		seconds = v
	}
	return streams, seconds
}

func memInUse() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapInuse + ms.StackInuse
}

// receiverUnderTest is one way of receiving: it is given the sockets and
// counts what it decodes.
type receiverUnderTest interface {
	start(conns []*net.UDPConn)
	received() uint64
	stop()
}

// measureDriver runs the generator against ports for warm-up + seconds and
// reports CPU per stream-second of the window after warm-up.
func measureDriver(b *testing.B, ports []int, seconds float64, received func() uint64) {
	b.Helper()
	strs := make([]string, len(ports))
	for i, p := range ports {
		strs[i] = strconv.Itoa(p)
	}
	const warmup = time.Second
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(),
		envLoadGen+"="+strings.Join(strs, ","),
		envLoadGenSecs+"="+strconv.FormatFloat(seconds+warmup.Seconds()+0.5, 'f', 2, 64))
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() { _ = cmd.Wait() }()

	time.Sleep(warmup)
	cpu0, pk0, t0 := cpuTime(), received(), time.Now()
	time.Sleep(time.Duration(seconds * float64(time.Second)))
	cpu1, pk1, t1 := cpuTime(), received(), time.Now()

	wall := t1.Sub(t0).Seconds()
	streamSeconds := float64(len(ports)) * wall
	cpu := (cpu1 - cpu0).Seconds()
	pkts := float64(pk1 - pk0)
	b.ReportMetric(cpu*1e6/streamSeconds, "cpu-µs/stream-s")
	b.ReportMetric(cpu*1e9/max(pkts, 1), "cpu-ns/pkt")
	b.ReportMetric(pkts/streamSeconds, "pkts/stream-s")
	b.ReportMetric(cpu/wall*100, "%core")
}

// BenchmarkDriver compares ways of reading many RTP streams.
func BenchmarkDriver(b *testing.B) {
	streams, seconds := loadParams()
	b.Run("engine-tick20ms", func(b *testing.B) { benchEngine(b, streams, seconds, 20*time.Millisecond) })
	b.Run("engine-tick10ms", func(b *testing.B) { benchEngine(b, streams, seconds, 10*time.Millisecond) })
	b.Run("engine-tick40ms", func(b *testing.B) { benchEngine(b, streams, seconds, 40*time.Millisecond) })
	b.Run("engine-tick20ms-idle", func(b *testing.B) { benchEngineIdle(b, streams, seconds) })
	b.Run("bare-tick20ms-rawfd-recvmmsg", func(b *testing.B) { benchRaw(b, streams, seconds) })
	b.Run("bare-tick20ms-netpoll-recvmmsg", func(b *testing.B) {
		benchSimple(b, streams, seconds, &tickNetpoll{tick: 20 * time.Millisecond, batch: true})
	})
	b.Run("bare-tick20ms-netpoll-recvfrom", func(b *testing.B) {
		benchSimple(b, streams, seconds, &tickNetpoll{tick: 20 * time.Millisecond})
	})
	b.Run("goroutine-per-stream", func(b *testing.B) { benchSimple(b, streams, seconds, &goroutinePerStream{}) })
}

// benchRaw is the engine's reading alone: sockets made with socket(2),
// never handed to the Go runtime's netpoller, drained with recvmmsg every
// 20 ms by GOMAXPROCS shard goroutines; header parse and µ-law decode.
func benchRaw(b *testing.B, n int, seconds float64) {
	mem0 := memInUse()
	socks := make([]*udpSocket, 0, n)
	ports := make([]int, 0, n)
	for range n {
		s, err := listenUDP(loopback, 0)
		if err != nil {
			b.Fatal(err)
		}
		socks = append(socks, s)
		ports = append(ports, s.port)
	}
	var count atomic.Uint64
	quit := make(chan struct{})
	var wg sync.WaitGroup
	shards := runtime.GOMAXPROCS(0)
	for i := range shards {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rd := newBatchReader()
			pcm := make([]int16, 1500)
			t := time.NewTicker(20 * time.Millisecond)
			defer t.Stop()
			for {
				select {
				case <-quit:
					return
				case <-t.C:
				}
				for j := i; j < len(socks); j += shards {
					for {
						n, err := rd.read(socks[j])
						if err != nil {
							break
						}
						for k := range n {
							data, _, _, _ := rd.datagram(k)
							if decodeAndCount(data, pcm) > 0 {
								count.Add(1)
							}
						}
						if n < readBatch {
							break
						}
					}
				}
			}
		}()
	}
	mem1 := memInUse()
	defer func() {
		close(quit)
		wg.Wait()
		for _, s := range socks {
			_ = s.close()
		}
	}()
	measureDriver(b, ports, seconds, count.Load)
	b.ReportMetric(float64(mem1-mem0)/float64(n), "B/stream")
}

// benchEngine measures the real Engine and Streams: reading, reorder,
// decoding, Sink calls, RTCP polling and OnTick for every stream.
func benchEngine(b *testing.B, n int, seconds float64, tick time.Duration) {
	pool, err := NewPortPool(PortPoolOptions{Host: loopback, Min: 42000, Max: 42000 + 2*n + 200})
	if err != nil {
		b.Fatal(err)
	}
	mem0 := memInUse()
	e, err := NewEngine(EngineOptions{Tick: tick})
	if err != nil {
		b.Fatal(err)
	}
	streams := make([]*Stream, 0, n)
	ports := make([]int, 0, n)
	for range n {
		pp, err := pool.Allocate()
		if err != nil {
			b.Fatal(err)
		}
		s, err := NewStream(StreamConfig{Ports: pp, Codec: codec.PCMU(), PayloadType: 0, EventPayloadType: 101,
			Remote: netip.AddrPortFrom(loopback, 9)})
		if err != nil {
			b.Fatal(err)
		}
		s.SetSink(nopSink{})
		if err := e.Add(s); err != nil {
			b.Fatal(err)
		}
		streams = append(streams, s)
		ports = append(ports, s.LocalPort())
	}
	mem1 := memInUse()
	defer func() {
		_ = e.Close()
		for _, s := range streams {
			_ = s.Close()
		}
	}()
	received := func() uint64 {
		var sum uint64
		for _, s := range streams {
			sum += s.Stats().PacketsReceived
		}
		return sum
	}
	measureDriver(b, ports, seconds, received)
	b.ReportMetric(float64(mem1-mem0)/float64(n), "B/stream")
	st := e.Stats()
	b.ReportMetric(float64(st.MaxTick.Microseconds()), "max-tick-µs")
}

// benchEngineIdle measures streams that receive nothing: the cost of
// polling silent sockets and running the per-tick work.
func benchEngineIdle(b *testing.B, n int, seconds float64) {
	pool, err := NewPortPool(PortPoolOptions{Host: loopback, Min: 42000, Max: 42000 + 2*n + 200})
	if err != nil {
		b.Fatal(err)
	}
	e, err := NewEngine(EngineOptions{})
	if err != nil {
		b.Fatal(err)
	}
	streams := make([]*Stream, 0, n)
	defer func() {
		_ = e.Close()
		for _, s := range streams {
			_ = s.Close()
		}
	}()
	for range n {
		pp, err := pool.Allocate()
		if err != nil {
			b.Fatal(err)
		}
		s, err := NewStream(StreamConfig{Ports: pp, Codec: codec.PCMU(), Remote: netip.AddrPortFrom(loopback, 9)})
		if err != nil {
			b.Fatal(err)
		}
		s.SetSink(nopSink{})
		if err := e.Add(s); err != nil {
			b.Fatal(err)
		}
		streams = append(streams, s)
	}
	time.Sleep(time.Second)
	cpu0, t0 := cpuTime(), time.Now()
	time.Sleep(time.Duration(seconds * float64(time.Second)))
	cpu := (cpuTime() - cpu0).Seconds()
	wall := time.Since(t0).Seconds()
	b.ReportMetric(cpu*1e6/(float64(n)*wall), "cpu-µs/stream-s")
	b.ReportMetric(cpu/wall*100, "%core")
}

func benchSimple(b *testing.B, n int, seconds float64, r receiverUnderTest) {
	mem0 := memInUse()
	conns := make([]*net.UDPConn, 0, n)
	ports := make([]int, 0, n)
	for range n {
		c, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
		if err != nil {
			b.Fatal(err)
		}
		conns = append(conns, c)
		ports = append(ports, c.LocalAddr().(*net.UDPAddr).Port)
	}
	r.start(conns)
	time.Sleep(100 * time.Millisecond)
	mem1 := memInUse()
	defer func() {
		r.stop()
		for _, c := range conns {
			_ = c.Close()
		}
	}()
	measureDriver(b, ports, seconds, r.received)
	b.ReportMetric(float64(mem1-mem0)/float64(n), "B/stream")
}

// decodeAndCount stands for the work after the read in the simple drivers:
// header parse and µ-law decode into a scratch buffer.
func decodeAndCount(pkt []byte, pcm []int16) int {
	_, payload, err := parseHeader(pkt)
	if err != nil {
		return 0
	}
	return codec.DecodeULawTo(pcm, payload)
}

// goroutinePerStream is option (a): one goroutine per socket blocked in
// ReadFromUDPAddrPort, woken by the runtime's netpoller per packet.
type goroutinePerStream struct {
	count atomic.Uint64
	wg    sync.WaitGroup
	conns []*net.UDPConn
}

func (g *goroutinePerStream) start(conns []*net.UDPConn) {
	g.conns = conns
	for _, c := range conns {
		g.wg.Add(1)
		go func() {
			defer g.wg.Done()
			buf := make([]byte, 1500)
			pcm := make([]int16, 1500)
			for {
				n, _, err := c.ReadFromUDPAddrPort(buf)
				if err != nil {
					return
				}
				if decodeAndCount(buf[:n], pcm) > 0 {
					g.count.Add(1)
				}
			}
		}()
	}
}

func (g *goroutinePerStream) received() uint64 { return g.count.Load() }

func (g *goroutinePerStream) stop() {
	for _, c := range g.conns {
		_ = c.Close()
	}
	g.wg.Wait()
}

// tickNetpoll is the tick loop on sockets of package net, which the Go
// runtime registers with its netpoller: each shard goroutine wakes every
// tick and reads each socket through RawConn.Read until it is empty, with
// recvmmsg (batch) or one recvfrom(2) per datagram plus the final EAGAIN.
type tickNetpoll struct {
	tick  time.Duration
	batch bool
	count atomic.Uint64
	quit  chan struct{}
	wg    sync.WaitGroup
}

func (d *tickNetpoll) start(conns []*net.UDPConn) {
	d.quit = make(chan struct{})
	shards := runtime.GOMAXPROCS(0)
	for i := range shards {
		var raws []syscall.RawConn
		for j := i; j < len(conns); j += shards {
			rc, err := conns[j].SyscallConn()
			if err != nil {
				panic(err)
			}
			raws = append(raws, rc)
		}
		d.wg.Add(1)
		go func() {
			defer d.wg.Done()
			rd := newBatchReader()
			buf := make([]byte, 1500)
			pcm := make([]int16, 1500)
			n := 0
			var read func(fd uintptr) bool
			if d.batch {
				read = func(fd uintptr) bool {
					var err error
					n, err = rd.read(&udpSocket{fd: int(fd)})
					if err != nil {
						n = 0
					}
					return true
				}
			} else {
				read = func(fd uintptr) bool {
					r, _, e := syscall.Syscall6(syscall.SYS_RECVFROM, fd, uintptr(unsafe.Pointer(&buf[0])), uintptr(len(buf)), syscall.MSG_DONTWAIT, 0, 0)
					if e != 0 {
						n = 0
					} else {
						n = int(r)
					}
					return true
				}
			}
			t := time.NewTicker(d.tick)
			defer t.Stop()
			for {
				select {
				case <-d.quit:
					return
				case <-t.C:
				}
				for _, rc := range raws {
					for {
						if err := rc.Read(read); err != nil || n == 0 {
							break
						}
						if !d.batch {
							if decodeAndCount(buf[:n], pcm) > 0 {
								d.count.Add(1)
							}
							continue
						}
						for k := range n {
							data, _, _, _ := rd.datagram(k)
							if decodeAndCount(data, pcm) > 0 {
								d.count.Add(1)
							}
						}
						if n < readBatch {
							break
						}
					}
				}
			}
		}()
	}
}

func (d *tickNetpoll) received() uint64 { return d.count.Load() }

func (d *tickNetpoll) stop() {
	close(d.quit)
	d.wg.Wait()
}
