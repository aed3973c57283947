package rtp

import (
	"net/netip"
	"sync"
	"sync/atomic"
	"time"
)

// Stats is a snapshot of a Stream's counters.
type Stats struct {
	// PacketsReceived counts RTP packets accepted from the remote source,
	// including late and duplicate ones; BytesReceived their payload octets.
	PacketsReceived uint64
	BytesReceived   uint64
	// Lost counts sequence numbers skipped over by the reorder buffer.
	Lost uint64
	// Late counts packets that arrived after their turn had passed; they
	// are dropped. A late packet was counted as lost before.
	Late uint64
	// Duplicate counts second copies of a sequence number; dropped.
	Duplicate uint64
	// Bad counts datagrams that are not usable RTP: malformed, truncated,
	// or of a payload type not negotiated; and packets whose sequence number
	// jumps implausibly (RFC 3550 A.1), which PacketsReceived also counts.
	Bad uint64
	// Foreign counts RTP from an address other than the latched one.
	Foreign uint64

	PacketsSent uint64
	BytesSent   uint64

	DigitsReceived uint64
	DigitsSent     uint64

	RTCPReceived uint64
	RTCPSent     uint64
	RTCPBad      uint64

	// Jitter is the RFC 3550 §6.4.1 interarrival jitter of received audio.
	Jitter time.Duration

	SSRC       uint32
	RemoteSSRC uint32

	// Remote is where RTP is sent: the SDP address, or the latched source.
	Remote  netip.AddrPort
	Latched bool

	// RemoteReport is what the peer last said about our stream in an RTCP
	// reception report block; RemoteReportAt is zero if nothing came yet.
	RemoteReport   RemoteReport
	RemoteReportAt time.Time
}

// RemoteReport is one RTCP reception report block about our stream.
type RemoteReport struct {
	FractionLost uint8  // fraction lost since the previous report, in 1/256
	TotalLost    uint32 // cumulative packets lost
	Jitter       time.Duration
}

// counters are written by the media goroutine and read by Stats from any
// goroutine. Each stream has its own, so no cache line is shared between
// streams on the per-packet path.
type counters struct {
	packetsReceived, bytesReceived atomic.Uint64
	lost, late, duplicate          atomic.Uint64
	bad, foreign, invalidSeq       atomic.Uint64
	packetsSent, bytesSent         atomic.Uint64
	digitsReceived, digitsSent     atomic.Uint64
	rtcpReceived, rtcpSent         atomic.Uint64
	rtcpBad                        atomic.Uint64
	jitterUnits                    atomic.Uint32
	remoteSSRC                     atomic.Uint32
}

// slowStats holds the fields that change rarely (on latching, on RTCP);
// its lock is per stream and never taken per packet.
type slowStats struct {
	mu             sync.Mutex
	remote         netip.AddrPort
	latched        bool
	remoteReport   RemoteReport
	remoteReportAt time.Time
}
