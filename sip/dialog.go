package sip

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/binary"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/emiago/sipgo/sip"
)

// Dialog is one SIP dialog of the server, which is one MRCPv2 session.
// Its methods are safe for concurrent use.
type Dialog struct {
	srv       *Server
	id        string
	callID    string
	log       *slog.Logger
	transport string // sipgo transport name: "UDP" or "TCP"
	source    string // the flow the INVITE came on, "ip:port"
	remote    net.Addr
	invite    *sip.Request // the initial INVITE, To tagged with our tag

	ctx    context.Context
	cancel context.CancelFunc

	// timerChanged wakes the dialog's owner when the session timer changed.
	timerChanged chan struct{}
	// reinvites counts Handler.Reinvite calls in progress; Ended waits
	// for them.
	reinvites sync.WaitGroup

	mu           sync.Mutex
	reason       string
	byeWanted    bool
	answered     bool // a 2xx to the initial INVITE was sent
	remoteCSeq   uint32
	localCSeq    uint32
	remoteTarget sip.Uri
	offerBusy    bool
	offerOurs    bool // the pending offer/answer exchange is our refresh
	acks         map[uint32]chan struct{}
	timer        sessionTimer
	timerSince   time.Time // when timer was last negotiated or refreshed
	offerBody    []byte    // the last offer answered
	lastAnswer   Origin
	answerBody   []byte
	peerUpdate   bool // the peer's Allow lists UPDATE
}

// ID identifies the dialog: Call-ID plus both tags (RFC 3261 §12), so it is
// unique even if two clients pick the same Call-ID.
func (d *Dialog) ID() string { return d.id }

// CallID is the dialog's Call-ID.
func (d *Dialog) CallID() string { return d.callID }

// Context is done once the dialog has ended.
func (d *Dialog) Context() context.Context { return d.ctx }

// RemoteAddr is the address the client's INVITE came from.
func (d *Dialog) RemoteAddr() net.Addr { return d.remote }

// Transport is "udp" or "tcp".
func (d *Dialog) Transport() string { return sip.NetworkToLower(d.transport) }

// Logger carries the dialog's call_id.
func (d *Dialog) Logger() *slog.Logger { return d.log }

// Hangup ends the dialog: it sends BYE when the session was answered (the
// INVITE is answered 487 otherwise), then Handler.Ended is called with
// reason ("hangup" when empty). It does not wait for either.
func (d *Dialog) Hangup(reason string) {
	if reason == "" {
		reason = EndHangup
	}
	d.end(reason, true)
}

// end records why the dialog ends, once, and wakes everything waiting on
// its context. bye asks the owner to send BYE if the session was answered.
func (d *Dialog) end(reason string, bye bool) {
	d.mu.Lock()
	if d.reason != "" {
		d.mu.Unlock()
		return
	}
	d.reason, d.byeWanted = reason, bye
	d.mu.Unlock()
	d.cancel()
}

// enterReinvite admits a Handler.Reinvite call unless the dialog has
// ended; the check and the count share the lock end takes, so no call
// starts once Ended may be on its way.
func (d *Dialog) enterReinvite() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.reason != "" {
		return false
	}
	d.reinvites.Add(1)
	return true
}

func (d *Dialog) endState() (reason string, bye, answered bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.reason, d.byeWanted, d.answered
}

// acceptRemoteCSeq enforces RFC 3261 §12.2.2: requests inside the dialog
// carry increasing CSeq numbers; a lower one is out of order.
func (d *Dialog) acceptRemoteCSeq(req *sip.Request) bool {
	cseq := req.CSeq()
	if cseq == nil {
		return false
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if cseq.SeqNo <= d.remoteCSeq {
		return false
	}
	d.remoteCSeq = cseq.SeqNo
	return true
}

// nextLocalCSeq numbers our own requests in the dialog.
func (d *Dialog) nextLocalCSeq() uint32 {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.localCSeq++
	return d.localCSeq
}

// beginOffer serialises offer/answer exchanges: RFC 3261 §14.2 forbids a
// second INVITE while one is pending, RFC 3311 §5.2 the same for UPDATE.
// When busy, ours tells whether the pending exchange is our own.
func (d *Dialog) beginOffer(mine bool) (ok, ours bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.offerBusy {
		return false, d.offerOurs
	}
	d.offerBusy, d.offerOurs = true, mine
	return true, false
}

func (d *Dialog) endOffer() {
	d.mu.Lock()
	d.offerBusy, d.offerOurs = false, false
	d.mu.Unlock()
}

// expectAck registers interest in the ACK for the INVITE numbered cseq; it
// must be called before the 2xx goes out, as the ACK may overtake us.
func (d *Dialog) expectAck(cseq uint32) <-chan struct{} {
	ch := make(chan struct{})
	d.mu.Lock()
	if d.acks == nil {
		d.acks = make(map[uint32]chan struct{}, 1)
	}
	d.acks[cseq] = ch
	d.mu.Unlock()
	return ch
}

func (d *Dialog) forgetAck(cseq uint32) {
	d.mu.Lock()
	delete(d.acks, cseq)
	d.mu.Unlock()
}

func (d *Dialog) ackReceived(cseq uint32) {
	d.mu.Lock()
	ch, ok := d.acks[cseq]
	delete(d.acks, cseq)
	d.mu.Unlock()
	if ok {
		close(ch)
	}
}

// setTimer records a negotiated or refreshed session timer; the interval
// runs from now (RFC 4028 §10).
func (d *Dialog) setTimer(st sessionTimer) {
	d.mu.Lock()
	d.timer, d.timerSince = st, time.Now()
	d.mu.Unlock()
	select {
	case d.timerChanged <- struct{}{}:
	default:
	}
}

func (d *Dialog) currentTimer() (sessionTimer, time.Time) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.timer, d.timerSince
}

// updateTarget applies a target refresh (RFC 3261 §12.2.2): a Contact in a
// re-INVITE or UPDATE replaces the remote target.
func (d *Dialog) updateTarget(req *sip.Request) {
	if c := req.Contact(); c != nil {
		d.mu.Lock()
		d.remoteTarget = *c.Address.Clone()
		d.mu.Unlock()
	}
}

// answerOrigin fixes the o= line of an answer: the session id, user name
// and address stay the same for the dialog and the version grows with
// every new answer (RFC 3264 §8). The caller's Description is not changed.
func (d *Dialog) answerOrigin(a *Description, offerBody []byte) ([]byte, error) {
	out := *a
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.answerBody == nil {
		if out.Origin.SessionID == 0 {
			out.Origin.SessionID = randomUint63()
		}
		if out.Origin.SessionVersion == 0 {
			out.Origin.SessionVersion = randomUint63() >> 32
		}
		if out.Origin.Username == "" {
			out.Origin.Username = "mrcpd"
		}
	} else {
		prev := d.lastAnswer
		out.Origin.Username, out.Origin.SessionID, out.Origin.Address = prev.Username, prev.SessionID, prev.Address
		out.Origin.SessionVersion = prev.SessionVersion + 1
	}
	body, err := out.Marshal()
	if err != nil {
		return nil, err
	}
	d.lastAnswer, d.offerBody, d.answerBody = out.Origin, offerBody, body
	return body, nil
}

// unchangedOffer returns the previous answer when offer repeats the last
// offer byte for byte: a session refresh (RFC 3264 §8, RFC 4028) changes
// nothing for the Handler. The o= version alone is not trusted, as some
// clients never change it.
func (d *Dialog) unchangedOffer(offerBody []byte) ([]byte, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.answerBody == nil || !bytes.Equal(offerBody, d.offerBody) {
		return nil, false
	}
	return d.answerBody, true
}

func (d *Dialog) currentAnswer() []byte {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.answerBody
}

func randomUint63() uint64 {
	var b [8]byte
	rand.Read(b[:]) // never fails since Go 1.24
	return binary.BigEndian.Uint64(b[:]) >> 1
}
