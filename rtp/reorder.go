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

// payloadBuf holds the payload of one packet that waits for a gap.
type payloadBuf [maxPayload]byte

type reorderSlot struct {
	payload *payloadBuf // set while used
	h       header
	n       uint16
	used    bool
}

// maxPooledPayloads bounds the idle payload buffers a shard keeps. Packets
// wait for a gap on few streams at once, so this covers a reordering burst
// on many streams; past it the buffers go back to the garbage collector.
const maxPooledPayloads = 256

// payloadPool lends reorder buffers the storage of held packets. Each
// shard has one and only its goroutine uses it, so it takes no lock. A
// stream then costs payload memory only while a packet of it waits, not
// depth × 1.5 KB for as long as it lives.
type payloadPool struct {
	free []*payloadBuf
}

func newPayloadPool() *payloadPool {
	return &payloadPool{free: make([]*payloadBuf, 0, maxPooledPayloads)}
}

// get returns an idle buffer, or a new one; a nil pool always allocates.
func (p *payloadPool) get() *payloadBuf {
	if p != nil {
		if n := len(p.free); n > 0 {
			b := p.free[n-1]
			p.free[n-1] = nil
			p.free = p.free[:n-1]
			return b
		}
	}
	return new(payloadBuf)
}

// put takes a buffer back; a nil or full pool lets it go.
func (p *payloadPool) put(b *payloadBuf) {
	if p != nil && b != nil && len(p.free) < cap(p.free) {
		p.free = append(p.free, b)
	}
}

// reorderCounts are the reorder buffer's verdicts, read by Stats.
type reorderCounts struct {
	lost, late, duplicate, invalid uint64
}

// reorderBuffer puts packets back in sequence order. A packet is held until
// the gap before it fills, the window of depth packets overflows, or
// maxDelay passes; skipped sequence numbers count as lost, and packets that
// arrive after their turn count as late (or duplicate) and are dropped.
//
// The slots are made when a packet first has to wait, and their payload
// storage comes from the shard's pool while it waits: most streams never
// reorder, and those that do hold a packet for a tick or two.
type reorderBuffer struct {
	out packetSink
	// pool is the servicing shard's; nil (no shard) allocates.
	pool     *payloadPool
	maxDelay time.Duration
	slots    []reorderSlot // nil until a packet waits

	// history has bit i set when next-1-i was delivered, to tell
	// duplicates from late packets.
	history  uint64
	gapSince time.Time
	pending  int
	depth    uint16
	next     uint16 // next sequence number to deliver
	badSeq   uint16
	started  bool
	badSet   bool

	counts reorderCounts
}

func newReorderBuffer(out packetSink, depth int, maxDelay time.Duration) reorderBuffer {
	return reorderBuffer{out: out, maxDelay: maxDelay, depth: uint16(depth)}
}

// reset forgets the sequence state, e.g. when the sender's SSRC changes.
func (r *reorderBuffer) reset() {
	for i := range r.slots {
		r.release(&r.slots[i])
	}
	r.started, r.history, r.pending, r.badSet = false, 0, 0, false
}

func (r *reorderBuffer) slot(seq uint16) *reorderSlot {
	if r.slots == nil {
		r.slots = make([]reorderSlot, r.depth)
	}
	return &r.slots[int(seq)%len(r.slots)]
}

// release empties a slot and returns its payload storage to the pool.
func (r *reorderBuffer) release(sl *reorderSlot) {
	r.pool.put(sl.payload)
	*sl = reorderSlot{}
}

// advance moves next by one, delivering the held packet for it if any.
func (r *reorderBuffer) advance() {
	sl := r.slot(r.next)
	if sl.used && sl.h.seq == r.next {
		r.pending--
		r.out.deliver(sl.h, sl.payload[:sl.n])
		r.release(sl)
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
		if int(diff) > int(r.depth) {
			r.skipTo(h.seq - r.depth)
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
	sl.used, sl.h, sl.payload = true, h, r.pool.get()
	sl.n = uint16(copy(sl.payload[:], payload))
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
