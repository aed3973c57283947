package sip

import (
	"context"
	"fmt"
	"time"

	"github.com/emiago/sipgo/sip"
)

// t2 caps the interval between 2xx retransmissions (RFC 3261 §17.1.2.1).
const t2 = 4 * time.Second

// awaitAck waits for the ACK of a 2xx to INVITE. Over UDP the 2xx is sent
// again at T1, 2*T1 ... up to T2, since only the ACK tells us it arrived;
// after 64*T1 without ACK the session is ended with BYE (RFC 3261
// §13.3.1.4). Over TCP the 2xx is not repeated: MRCPv2 clients talk to us
// directly, so the connection that delivered the INVITE delivers the
// answer. It reports whether the ACK came.
func (d *Dialog) awaitAck(res *sip.Response, ack <-chan struct{}) bool {
	t1 := d.srv.cfg.T1
	deadline := time.NewTimer(64 * t1)
	defer deadline.Stop()
	interval := t1
	if !isReliable(d.transport) {
		rt := time.NewTimer(interval)
		defer rt.Stop()
		for {
			select {
			case <-ack:
				return true
			case <-d.ctx.Done():
				return false
			case <-rt.C:
				// The transaction layer holds the 2xx only until Timer L,
				// so it is written to the transport directly.
				if err := d.srv.ua.TransportLayer().WriteMsg(res); err != nil {
					d.log.Debug("2xx retransmission failed", "error", err)
				}
				interval = min(2*interval, max(t2, t1))
				rt.Reset(interval)
			case <-deadline.C:
				return d.noAck()
			}
		}
	}
	select {
	case <-ack:
		return true
	case <-d.ctx.Done():
		return false
	case <-deadline.C:
		return d.noAck()
	}
}

func (d *Dialog) noAck() bool {
	d.log.Warn("no ACK for 2xx, ending session")
	d.end(EndNoAck, true)
	return false
}

// run keeps the session timer (RFC 4028 §10) until the dialog ends. When we
// are the refresher we refresh at half the interval; either way, with no
// refresh by the expiry time we end the session with BYE.
func (d *Dialog) run() {
	var refreshedFor time.Time // the period whose refresh we already tried
	for {
		st, since := d.currentTimer()
		var expireC, refreshC <-chan time.Time
		var timers []*time.Timer
		if st.Interval > 0 {
			exp := time.NewTimer(time.Until(since.Add(expiryDelay(st.Interval))))
			timers = append(timers, exp)
			expireC = exp.C
			if st.Refresher == refresherUAS && !refreshedFor.Equal(since) {
				ref := time.NewTimer(time.Until(since.Add(refreshDelay(st.Interval))))
				timers = append(timers, ref)
				refreshC = ref.C
			}
		}
		stop := func() {
			for _, t := range timers {
				t.Stop()
			}
		}
		select {
		case <-d.ctx.Done():
			stop()
			return
		case <-d.timerChanged:
		case <-expireC:
			stop()
			d.log.Info("session timer expired", "interval", st.Interval)
			d.end(EndSessionExpired, true)
			return
		case <-refreshC:
			refreshedFor = since
			if err := d.refresh(st); err != nil {
				stop()
				d.log.Info("session refresh failed", "error", err)
				d.end(EndRefreshFailed, true)
				return
			}
		}
		stop()
	}
}

// refresh sends our session refresh (RFC 4028 §7.4, §10): UPDATE when the
// peer allows it, otherwise a re-INVITE repeating our last SDP. A request
// the peer cannot have processed (408, 481, no answer) ends the session;
// other refusals leave it to expire.
func (d *Dialog) refresh(st sessionTimer) error {
	ok, _ := d.beginOffer(true)
	if !ok {
		// The peer's own re-INVITE or UPDATE is in progress; it renews
		// the timer when it completes.
		return nil
	}
	defer d.endOffer()
	ctx, cancel := context.WithTimeout(d.ctx, 64*d.srv.cfg.T1)
	defer cancel()

	for attempt := 0; attempt < 2; attempt++ {
		method := sip.INVITE
		if d.peerUpdate {
			method = sip.UPDATE
		}
		seq := d.nextLocalCSeq()
		req := d.newRequest(method, seq)
		req.AppendHeader(sip.NewHeader("Session-Expires", sessionExpiresValue(sessionTimer{Interval: st.Interval, Refresher: refresherUAS})))
		req.AppendHeader(sip.NewHeader("Min-SE", seconds(d.srv.cfg.MinSE)))
		req.AppendHeader(sip.NewHeader("Supported", supportedTags))
		if method == sip.INVITE {
			req.AppendHeader(sip.NewHeader("Content-Type", contentTypeSDP))
			req.SetBody(d.currentAnswer())
		}
		res, err := d.do(ctx, req)
		if err != nil {
			return err
		}
		if method == sip.INVITE && res.IsSuccess() {
			d.ackRefresh(seq)
		}
		switch code := res.StatusCode; {
		case res.IsSuccess():
			granted, err := timerFromResponse(res, refresherUAS)
			if err != nil {
				return err
			}
			d.setTimer(granted)
			d.log.Debug("session refreshed", "interval", granted.Interval, "refresher", granted.Refresher)
			return nil
		case code == 422:
			// RFC 4028 §7.4: retry with the peer's Min-SE.
			vals := headerValues(res, "Min-SE", "")
			if len(vals) == 0 {
				return fmt.Errorf("422 without Min-SE")
			}
			v, _, _ := cutParams(vals[0])
			minSE, err := parseDeltaSeconds(v)
			if err != nil {
				return err
			}
			st.Interval = max(st.Interval, minSE)
		case code == 408 || code == 481:
			return fmt.Errorf("%s refresh answered %d", method, code)
		default:
			d.log.Info("session refresh refused", "method", string(method), "status", code)
			return nil
		}
	}
	return nil
}

// ackRefresh acknowledges the 2xx to our refreshing re-INVITE (RFC 3261
// §13.2.2.4): same CSeq number, sent outside any transaction.
func (d *Dialog) ackRefresh(seq uint32) {
	ack := d.newRequest(sip.ACK, seq)
	if err := d.srv.client.WriteRequest(ack, asBuilt); err != nil {
		d.log.Debug("ACK not sent", "error", err)
	}
}
