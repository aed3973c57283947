package rtp

import (
	"time"

	"github.com/pion/rtcp"
)

// reception keeps the per-source statistics that RTCP reception report
// blocks carry (RFC 3550 §6.4.1 and Appendix A.1, A.3, A.8).
type reception struct {
	started  bool
	baseSeq  uint16
	maxSeq   uint16
	cycles   uint32
	received uint32

	expectedPrior uint32
	receivedPrior uint32

	// jitter is the interarrival jitter scaled by 16 (A.8); transit is the
	// previous relative transit time, both in timestamp units.
	jitter      uint32
	transit     int32
	haveTransit bool

	// lastSR is the middle 32 bits of the NTP time of the last SR, and
	// lastSRAt when it arrived, for the LSR and DLSR fields.
	lastSR   uint32
	lastSRAt time.Time
}

// packet counts one received packet. Sequence validation and resync are
// left to the reorder buffer; only the wrap count matters here.
func (r *reception) packet(seq uint16) {
	if !r.started {
		r.started, r.baseSeq, r.maxSeq = true, seq, seq
	}
	if d := seq - r.maxSeq; d != 0 && d < maxDropout {
		if seq < r.maxSeq {
			r.cycles += 1 << 16
		}
		r.maxSeq = seq
	}
	r.received++
}

// arrival updates the jitter estimate from an audio packet's timestamp and
// its arrival time, both expressed in timestamp units (A.8).
func (r *reception) arrival(ts, arrivalUnits uint32) {
	transit := int32(arrivalUnits - ts)
	if r.haveTransit {
		d := transit - r.transit
		if d < 0 {
			d = -d
		}
		r.jitter += uint32(d) - ((r.jitter + 8) >> 4)
	}
	r.transit, r.haveTransit = transit, true
}

// jitterUnits is the jitter in timestamp units as reported in RTCP.
func (r *reception) jitterUnits() uint32 { return r.jitter >> 4 }

// report builds the reception report block for ssrc and starts a new
// interval (A.3).
func (r *reception) report(ssrc uint32, now time.Time) rtcp.ReceptionReport {
	extMax := r.cycles + uint32(r.maxSeq)
	expected := extMax - uint32(r.baseSeq) + 1
	lost := int64(expected) - int64(r.received)
	lost = max(min(lost, 0x7fffff), -0x800000) // 24-bit signed field

	expectedInterval := expected - r.expectedPrior
	receivedInterval := r.received - r.receivedPrior
	r.expectedPrior, r.receivedPrior = expected, r.received
	var fraction uint8
	if lostInterval := int64(expectedInterval) - int64(receivedInterval); expectedInterval != 0 && lostInterval > 0 {
		fraction = uint8((lostInterval << 8) / int64(expectedInterval))
	}

	var dlsr uint32
	if !r.lastSRAt.IsZero() {
		// DLSR is in units of 1/65536 s (RFC 3550 §6.4.1).
		dlsr = uint32(now.Sub(r.lastSRAt) * 65536 / time.Second)
	}
	return rtcp.ReceptionReport{
		SSRC:               ssrc,
		FractionLost:       fraction,
		TotalLost:          uint32(lost) & 0xffffff,
		LastSequenceNumber: extMax,
		Jitter:             r.jitterUnits(),
		LastSenderReport:   r.lastSR,
		Delay:              dlsr,
	}
}
