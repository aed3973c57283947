package rtp

import (
	"math/rand/v2"
	"net/netip"
	"time"

	"github.com/pion/rtcp"
)

// rtcpState is the RTCP side of a Stream, owned by its media goroutine.
type rtcpState struct {
	cname      string
	interval   time.Duration
	remote     netip.AddrPort
	latched    bool
	nextReport time.Time
}

// ntpTime converts a wall-clock time to the 64-bit NTP format of sender
// reports (RFC 3550 §4).
func ntpTime(t time.Time) uint64 {
	const ntpEpochOffset = 2208988800 // seconds from 1900 to 1970
	secs := uint64(t.Unix()) + ntpEpochOffset
	frac := uint64(t.Nanosecond()) << 32 / uint64(time.Second)
	return secs<<32 | frac
}

// nextReportDelay randomises the report interval over [0.5, 1.5] times its
// mean so that reports of many sessions do not synchronise (RFC 3550 §6.3.1).
func (c *rtcpState) nextReportDelay() time.Duration {
	return c.interval/2 + rand.N(c.interval)
}

// serviceRTCP sends a report when one is due.
func (s *Stream) serviceRTCP(now time.Time) {
	c := &s.ctl
	if c.nextReport.IsZero() {
		// RFC 3550 §6.2: the first report may go after half an interval.
		c.nextReport = now.Add(c.interval/4 + rand.N(c.interval/2))
	}
	if !now.Before(c.nextReport) {
		c.nextReport = now.Add(c.nextReportDelay())
		s.sendReport(now)
	}
}

func (s *Stream) drainRTCP(now time.Time, rd *batchReader) {
	for range maxBatchesPerTick {
		n, err := rd.read(&s.rtcpSock)
		if err != nil {
			s.logger().Debug("rtcp read failed", "err", err)
			return
		}
		for i := range n {
			data, from, arrival, whole := rd.datagram(i)
			if arrival.IsZero() {
				arrival = now
			}
			if !whole {
				s.stats.rtcpBad.Add(1)
				continue
			}
			s.receiveRTCP(data, from, arrival)
		}
		if n < readBatch {
			return
		}
	}
}

// receiveRTCP takes one compound RTCP packet. RTCP arrives every few
// seconds, so the allocations of its parser do not matter.
func (s *Stream) receiveRTCP(data []byte, from netip.AddrPort, arrival time.Time) {
	pkts, err := rtcp.Unmarshal(data)
	if err != nil {
		s.stats.rtcpBad.Add(1)
		return
	}
	if s.latch {
		if !s.ctl.latched {
			s.ctl.latched, s.ctl.remote = true, from
		} else if from != s.ctl.remote {
			return
		}
	}
	s.stats.rtcpReceived.Add(1)
	for _, p := range pkts {
		switch p := p.(type) {
		case *rtcp.SenderReport:
			if !s.rx.haveSSRC || p.SSRC == s.rx.ssrc {
				// LSR is the middle 32 bits of the NTP timestamp (RFC 3550 §6.4.1).
				s.rx.rr.lastSR = uint32(p.NTPTime >> 16)
				s.rx.rr.lastSRAt = arrival
			}
			s.takeReports(p.Reports, arrival)
		case *rtcp.ReceiverReport:
			s.takeReports(p.Reports, arrival)
		case *rtcp.Goodbye:
			s.logger().Debug("rtcp bye", "sources", p.Sources, "reason", p.Reason)
		}
	}
}

func (s *Stream) takeReports(reports []rtcp.ReceptionReport, at time.Time) {
	for _, r := range reports {
		if r.SSRC != s.tx.ssrc {
			continue
		}
		rep := RemoteReport{
			FractionLost: r.FractionLost,
			TotalLost:    r.TotalLost,
			Jitter:       time.Duration(r.Jitter) * time.Second / time.Duration(s.clockRate),
		}
		s.slow.mu.Lock()
		s.slow.remoteReport, s.slow.remoteReportAt = rep, at
		s.slow.mu.Unlock()
	}
}

// sendReport sends a compound SR or RR with an SDES CNAME (RFC 3550 §6.1):
// SR when we sent RTP since the last report, RR otherwise.
func (s *Stream) sendReport(now time.Time) {
	if !s.ctl.remote.IsValid() {
		return
	}
	var blocks []rtcp.ReceptionReport
	if s.rx.haveSSRC {
		blocks = []rtcp.ReceptionReport{s.rx.rr.report(s.rx.ssrc, now)}
	}
	var first rtcp.Packet
	if s.tx.sentSinceReport {
		first = &rtcp.SenderReport{
			SSRC:        s.tx.ssrc,
			NTPTime:     ntpTime(now),
			RTPTime:     s.rtpTimeAt(now),
			PacketCount: s.tx.packets,
			OctetCount:  s.tx.octets,
			Reports:     blocks,
		}
		s.tx.sentSinceReport = false
	} else {
		first = &rtcp.ReceiverReport{SSRC: s.tx.ssrc, Reports: blocks}
	}
	buf, err := rtcp.Marshal([]rtcp.Packet{first, rtcp.NewCNAMESourceDescription(s.tx.ssrc, s.ctl.cname)})
	if err != nil {
		s.logger().Debug("rtcp marshal failed", "err", err)
		return
	}
	if err := s.rtcpSock.sendTo(buf, s.ctl.remote, &s.tx.sockaddr); err != nil {
		s.logger().Debug("rtcp send failed", "err", err)
		return
	}
	s.stats.rtcpSent.Add(1)
}
