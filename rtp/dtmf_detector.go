package rtp

import "time"

// dtmfDetector turns the packet sequence of RFC 4733 telephone-events into
// one Begin and one End per digit. An event is identified by its RTP
// timestamp (RFC 4733 §2.5.2.1): updates and the redundant end packets of
// §2.5.1.4 share it, so each timestamp is reported once.
type dtmfDetector struct {
	clockRate int
	timeout   time.Duration

	active   bool
	digit    byte
	code     uint8
	ts       uint32 // timestamp of the current segment
	first    uint32 // timestamp of the first segment
	base     uint32 // duration of earlier segments of a long event
	duration uint32 // duration of the current segment so far
	lastSeen time.Time

	// finished remembers the last ended event so that its retransmitted end
	// packets and stray late updates are not taken for a new digit.
	finished    bool
	finishedTS  uint32
	finishedEnd uint32 // timestamp + duration of the last ended event
}

// dtmfEvents is the output of one packet: at most the end of an unfinished
// previous digit and the begin and end of a new one.
type dtmfEvents struct {
	ev [3]DTMFEvent
	n  int
}

func (o *dtmfEvents) add(ev DTMFEvent) {
	o.ev[o.n] = ev
	o.n++
}

func (d *dtmfDetector) units(u uint32) time.Duration {
	return time.Duration(u) * time.Second / time.Duration(d.clockRate)
}

func (d *dtmfDetector) event(begin, end bool) DTMFEvent {
	return DTMFEvent{
		Digit: d.digit, Begin: begin, End: end,
		Duration: d.units(d.base + d.duration), Timestamp: d.first,
	}
}

func (d *dtmfDetector) finish(out *dtmfEvents) {
	out.add(d.event(false, true))
	d.active = false
	d.finished = true
	d.finishedTS = d.ts
	d.finishedEnd = d.ts + d.duration
}

// packet processes one telephone-event payload in sequence order.
func (d *dtmfDetector) packet(ts uint32, te telephoneEvent, now time.Time, out *dtmfEvents) {
	digit, ok := eventDigit(te.event)
	if !ok {
		return // not DTMF (RFC 4733 §3.2 lists only 0-15 for it)
	}
	dur := uint32(te.duration)
	if d.active && ts == d.ts {
		if te.event != d.code {
			return // conflicting payload on the same timestamp: keep the first
		}
		d.duration = max(d.duration, dur)
		d.lastSeen = now
		if te.end {
			d.finish(out)
		}
		return
	}
	if d.finished && (ts == d.finishedTS || int32(ts-d.finishedTS) < 0) {
		return // retransmitted end, or a late packet of an old event
	}
	if d.active {
		// RFC 4733 §2.5.1.3: an event longer than the 16-bit duration field
		// continues on a new timestamp equal to the old one plus its duration.
		if te.event == d.code && ts == d.ts+d.duration {
			d.base += d.duration
			d.ts, d.duration, d.lastSeen = ts, dur, now
			if te.end {
				d.finish(out)
			}
			return
		}
		d.finish(out) // its end packets were lost
	}
	d.active = true
	d.digit, d.code = digit, te.event
	d.ts, d.first, d.base, d.duration, d.lastSeen = ts, ts, 0, dur, now
	out.add(d.event(true, false))
	if te.end {
		d.finish(out)
	}
}

// tick ends a digit whose packets stopped without an end packet.
func (d *dtmfDetector) tick(now time.Time, out *dtmfEvents) {
	if d.active && now.Sub(d.lastSeen) >= d.timeout {
		d.finish(out)
	}
}
