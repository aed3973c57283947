package sip

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"
)

// Reasons a ClientDialog ends with, besides EndRemoteBye.
const (
	EndLocalBye = "local BYE"
	EndClosed   = "client closed"
)

// clientByeTimeout bounds Close.
const clientByeTimeout = 2 * time.Second

// ClientDialog is one session opened by a Client.
type ClientDialog struct {
	c      *Client
	sess   *sipgo.DialogClientSession
	id     string
	callID string
	log    *slog.Logger
	ctx    context.Context
	cancel context.CancelFunc

	timerChanged chan struct{}

	mu         sync.Mutex
	reason     string
	timer      sessionTimer
	timerSince time.Time
	offerBody  []byte
	origin     Origin
	peerUpdate bool
	offerBusy  bool
}

// ID is the dialog identifier: Call-ID and both tags.
func (d *ClientDialog) ID() string { return d.id }

// CallID is the dialog's Call-ID.
func (d *ClientDialog) CallID() string { return d.callID }

// Context is done once the dialog has ended, by either side.
func (d *ClientDialog) Context() context.Context { return d.ctx }

// EndReason says why the dialog ended: EndRemoteBye, EndLocalBye ...; ""
// while it lasts.
func (d *ClientDialog) EndReason() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.reason
}

// SessionTimer returns the negotiated RFC 4028 interval (0 for none) and
// which side refreshes ("uac" or "uas").
func (d *ClientDialog) SessionTimer() (time.Duration, string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.timer.Interval, d.timer.Refresher
}

func (d *ClientDialog) end(reason string) {
	d.mu.Lock()
	if d.reason == "" {
		d.reason = reason
	}
	d.mu.Unlock()
	d.cancel()
	d.c.unregister(d)
}

func (d *ClientDialog) setTimer(st sessionTimer) {
	d.mu.Lock()
	d.timer, d.timerSince = st, time.Now()
	d.mu.Unlock()
	select {
	case d.timerChanged <- struct{}{}:
	default:
	}
}

// Reinvite sends a new offer inside the dialog (adding resources, or port 0
// on the ones to release, RFC 6787 §4.2), ACKs the 2xx and returns the
// checked answer. A non-2xx final response gives a *StatusError and leaves
// the session as it was.
func (d *ClientDialog) Reinvite(ctx context.Context, offer *Description) (*Description, error) {
	if d.ctx.Err() != nil {
		return nil, errors.New("sip: dialog ended")
	}
	if !d.beginOffer() {
		return nil, errors.New("sip: another offer is pending")
	}
	defer d.endOffer()
	o := *offer
	d.mu.Lock()
	// RFC 3264 §8: same session, next version.
	o.Origin = d.origin
	o.Origin.SessionVersion++
	d.mu.Unlock()
	body, err := o.Marshal()
	if err != nil {
		return nil, err
	}
	req := d.newRequest(sip.INVITE)
	req.AppendHeader(sip.NewHeader("Content-Type", contentTypeSDP))
	req.SetBody(body)
	res, err := d.sess.Do(ctx, req)
	if err != nil {
		return nil, err
	}
	if !res.IsSuccess() {
		return nil, &StatusError{Method: "INVITE", Code: res.StatusCode, Reason: res.Reason}
	}
	d.ack(res)
	d.mu.Lock()
	d.origin, d.offerBody = o.Origin, body
	d.mu.Unlock()
	d.applyTimer(res)
	return readAnswer(res, &o)
}

// Bye ends the session.
func (d *ClientDialog) Bye(ctx context.Context) error {
	if d.ctx.Err() != nil {
		return nil
	}
	err := d.sess.Bye(ctx)
	d.end(EndLocalBye)
	return statusError("BYE", err)
}

// Close ends the session if it still runs, waiting briefly for the BYE to
// be answered.
func (d *ClientDialog) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), clientByeTimeout)
	defer cancel()
	err := d.Bye(ctx)
	d.end(EndClosed)
	return err
}

// newRequest builds a request inside the dialog towards the server's
// Contact (RFC 3261 §12.2.1.1); sipgo adds From, To, Call-ID and CSeq.
func (d *ClientDialog) newRequest(method sip.RequestMethod) *sip.Request {
	target := d.sess.InviteRequest.Recipient
	if c := d.sess.InviteResponse.Contact(); c != nil {
		target = c.Address
	}
	req := sip.NewRequest(method, *target.Clone())
	req.AppendHeader(sip.NewHeader("User-Agent", d.c.cfg.UserAgent))
	req.AppendHeader(sip.NewHeader("Supported", supportedTags))
	if st, _ := d.currentTimer(); st.Interval > 0 {
		req.AppendHeader(sip.NewHeader("Session-Expires", sessionExpiresValue(st)))
	}
	return req
}

// ack acknowledges a 2xx to a re-INVITE (RFC 3261 §13.2.2.4).
func (d *ClientDialog) ack(res *sip.Response) {
	ack := d.newRequest(sip.ACK)
	ack.RemoveHeader("Session-Expires")
	ack.RemoveHeader("Supported")
	if err := d.sess.WriteRequest(ack); err != nil {
		d.log.Debug("ACK not sent", "error", err)
	}
}

func (d *ClientDialog) applyTimer(res *sip.Response) {
	st, err := timerFromResponse(res, refresherUAC)
	if err != nil {
		d.log.Info("ignoring bad Session-Expires", "error", err)
		return
	}
	d.setTimer(st)
}

func (d *ClientDialog) currentTimer() (sessionTimer, time.Time) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.timer, d.timerSince
}

func (d *ClientDialog) beginOffer() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.offerBusy {
		return false
	}
	d.offerBusy = true
	return true
}

func (d *ClientDialog) endOffer() {
	d.mu.Lock()
	d.offerBusy = false
	d.mu.Unlock()
}

// refreshLoop refreshes the session at half its interval while we are the
// refresher (RFC 4028 §7.4, §10).
func (d *ClientDialog) refreshLoop() {
	defer d.c.wg.Done()
	for {
		st, since := d.currentTimer()
		var due <-chan time.Time
		var t *time.Timer
		if st.Interval > 0 && st.Refresher == refresherUAC && !d.c.cfg.NoSessionRefresh {
			t = time.NewTimer(time.Until(since.Add(refreshDelay(st.Interval))))
			due = t.C
		}
		select {
		case <-d.ctx.Done():
		case <-d.timerChanged:
		case <-due:
			if err := d.refresh(st); err != nil {
				d.log.Info("session refresh failed", "error", err)
				ctx, cancel := context.WithTimeout(context.Background(), clientByeTimeout)
				d.Bye(ctx)
				cancel()
			}
		}
		if t != nil {
			t.Stop()
		}
		if d.ctx.Err() != nil {
			return
		}
	}
}

// refresh sends UPDATE, or a re-INVITE repeating the current offer when
// the server does not allow UPDATE.
func (d *ClientDialog) refresh(st sessionTimer) error {
	if !d.beginOffer() {
		return nil // a re-INVITE in flight refreshes the session itself
	}
	defer d.endOffer()
	ctx, cancel := context.WithTimeout(d.ctx, 32*time.Second)
	defer cancel()
	method := sip.UPDATE
	d.mu.Lock()
	if !d.peerUpdate {
		method = sip.INVITE
	}
	d.mu.Unlock()
	req := d.newRequest(method)
	if method == sip.INVITE {
		d.mu.Lock()
		body := d.offerBody
		d.mu.Unlock()
		req.AppendHeader(sip.NewHeader("Content-Type", contentTypeSDP))
		req.SetBody(body)
	}
	res, err := d.sess.Do(ctx, req)
	if err != nil {
		return err
	}
	switch {
	case res.IsSuccess():
		if method == sip.INVITE {
			d.ack(res)
		}
		d.applyTimer(res)
		d.log.Debug("session refreshed")
		return nil
	case res.StatusCode == 408 || res.StatusCode == 481:
		return &StatusError{Method: string(method), Code: res.StatusCode, Reason: res.Reason}
	}
	// Other refusals leave the session to the server's timer; try again
	// at the next half interval.
	d.setTimer(st)
	return nil
}
