package rtp

import "time"

const (
	// maxPayload bounds what the reorder buffer keeps per packet: one
	// Ethernet MTU of payload is far above any 20-60 ms audio frame.
	maxPayload = 1472
	// maxDropout and maxMisorder are the sequence jumps of RFC 3550 A.1
	// beyond which a packet is taken for a restarted sender, not reordering.
	maxDropout  = 3000
	maxMisorder = 100
)

// packetSink receives packets from the reorder buffer in sequence order.
type packetSink interface {
	deliver(h header, payload []byte)
}

type reorderSlot struct {
	used    bool
	h       header
	n       int
	payload [maxPayload]byte
}

// reorderCounts are the reorder buffer's verdicts, read by Stats.
type reorderCounts struct {
	lost, late, duplicate, invalid uint64
}

// reorderBuffer puts packets back in sequence order. A packet is held until
// the gap before it fills, the window of depth packets overflows, or
// maxDelay passes; skipped sequence numbers count as lost, and packets that
// arrive after their turn count as late (or duplicate) and are dropped.
type reorderBuffer struct {
	out      packetSink
	maxDelay time.Duration
	slots    []reorderSlot

	started bool
	next    uint16 // next sequence number to deliver
	// history has bit i set when next-1-i was delivered, to tell
	// duplicates from late packets.
	history  uint64
	pending  int
	gapSince time.Time
	badSeq   uint16
	badSet   bool

	counts reorderCounts
}

func newReorderBuffer(out packetSink, depth int, maxDelay time.Duration) reorderBuffer {
	return reorderBuffer{out: out, maxDelay: maxDelay, slots: make([]reorderSlot, depth)}
}

// reset forgets the sequence state, e.g. when the sender's SSRC changes.
func (r *reorderBuffer) reset() {
	for i := range r.slots {
		r.slots[i].used = false
	}
	r.started, r.history, r.pending, r.badSet = false, 0, 0, false
}

func (r *reorderBuffer) slot(seq uint16) *reorderSlot {
	return &r.slots[int(seq)%len(r.slots)]
}

// advance moves next by one, delivering the held packet for it if any.
func (r *reorderBuffer) advance() {
	sl := r.slot(r.next)
	if sl.used && sl.h.seq == r.next {
		sl.used = false
		r.pending--
		r.out.deliver(sl.h, sl.payload[:sl.n])
		r.history = r.history<<1 | 1
	} else {
		r.counts.lost++
		r.history <<= 1
	}
	r.next++
}

// flushReady delivers held packets that are now in sequence.
func (r *reorderBuffer) flushReady(now time.Time) {
	for r.pending > 0 {
		sl := r.slot(r.next)
		if !sl.used || sl.h.seq != r.next {
			break
		}
		r.advance()
	}
	if r.pending > 0 {
		r.gapSince = now
	}
}

// skipTo moves next to seq, counting what is skipped as lost. Held packets
// on the way are delivered.
func (r *reorderBuffer) skipTo(seq uint16) {
	gap := uint16(seq - r.next)
	if r.pending == 0 {
		// Nothing held: jump in one step.
		r.counts.lost += uint64(gap)
		if gap >= 64 {
			r.history = 0
		} else {
			r.history <<= gap
		}
		r.next = seq
		return
	}
	for r.next != seq {
		r.advance()
	}
}

// resync restarts the sequence at seq after a sender restart (RFC 3550 A.1).
func (r *reorderBuffer) resync(seq uint16) {
	for r.pending > 0 {
		r.advance()
	}
	r.next, r.history, r.badSet = seq, 0, false
}

// push takes one packet. payload is only used during the call; a packet
// that must wait is copied.
func (r *reorderBuffer) push(h header, payload []byte, now time.Time) {
	if !r.started {
		r.started, r.next = true, h.seq
	}
	diff := int16(h.seq - r.next)
	switch {
	case diff == 0:
		r.out.deliver(h, payload)
		r.history = r.history<<1 | 1
		r.next++
		r.flushReady(now)
	case diff < 0 && diff >= -maxMisorder:
		age := uint(-diff - 1)
		if age < 64 && r.history&(1<<age) != 0 {
			r.counts.duplicate++
			return
		}
		r.counts.late++
		if age < 64 {
			r.history |= 1 << age // a second copy is a duplicate
		}
	case diff > 0 && diff <= maxDropout:
		if int(diff) > len(r.slots) {
			r.skipTo(h.seq - uint16(len(r.slots)))
		}
		r.hold(h, payload, now)
	default:
		// A jump too large for loss or reordering: accept it only when the
		// next packet confirms the new sequence (RFC 3550 A.1).
		if r.badSet && h.seq == r.badSeq {
			r.resync(h.seq)
			r.push(h, payload, now)
			return
		}
		r.badSeq, r.badSet = h.seq+1, true
		r.counts.invalid++
	}
}

func (r *reorderBuffer) hold(h header, payload []byte, now time.Time) {
	sl := r.slot(h.seq)
	if sl.used {
		if sl.h.seq == h.seq {
			r.counts.duplicate++
		}
		// A different sequence number in the slot is impossible inside the
		// window; keep the one already held either way.
		return
	}
	if len(payload) > maxPayload {
		r.counts.invalid++
		return
	}
	sl.used, sl.h = true, h
	sl.n = copy(sl.payload[:], payload)
	if r.pending == 0 {
		r.gapSince = now
	}
	r.pending++
}

// expire gives up on a gap that has waited maxDelay: the missing packets
// are lost and the held ones behind them go out.
func (r *reorderBuffer) expire(now time.Time) {
	for r.pending > 0 && now.Sub(r.gapSince) >= r.maxDelay {
		for {
			sl := r.slot(r.next)
			if sl.used && sl.h.seq == r.next {
				break
			}
			r.advance()
		}
		r.flushReady(now)
	}
}
