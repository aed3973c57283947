package sip

import (
	"sync"

	"github.com/emiago/sipgo/sip"
)

// inDialog finds the dialog of an in-dialog request and applies the checks
// all of them share; it answers the request itself when they fail.
func (s *Server) inDialog(req *sip.Request, tx sip.ServerTransaction) (*Dialog, bool) {
	d := s.lookup(req)
	if d == nil || d.ctx.Err() != nil {
		s.reject(s.log.With("call_id", callIDOf(req)), tx, req, 481, "")
		return nil, false
	}
	if !s.preflight(d.log, req, tx) {
		return nil, false
	}
	if !d.acceptRemoteCSeq(req) {
		// RFC 3261 §12.2.2.
		s.reject(d.log, tx, req, 500, "CSeq Out Of Order")
		return nil, false
	}
	return d, true
}

// onReinvite handles a re-INVITE: an offer adding or removing resources, a
// session refresh, or both (RFC 6787 §4.2, RFC 4028).
func (s *Server) onReinvite(req *sip.Request, tx sip.ServerTransaction) {
	d, ok := s.inDialog(req, tx)
	if !ok {
		return
	}
	if ok, ours := d.beginOffer(false); !ok {
		s.rejectBusy(d, tx, req, ours)
		return
	}
	// The exchange is over once the final response is out (RFC 3261
	// §14.2), and the peer may send its next offer the moment it reads
	// the 2xx, so the flag drops just before the 2xx is sent; the ACK
	// can arrive after that next offer.
	offerDone := sync.OnceFunc(d.endOffer)
	defer offerDone()
	st, ok := s.negotiate(d.log, req, tx)
	if !ok {
		return
	}
	s.respond(d.log, tx, s.response(req, 100, "", nil))

	var body []byte
	if len(req.Body()) == 0 {
		// RFC 3264 §5: an INVITE without an offer gets one in the 2xx; the
		// session as it stands is our offer. The answer in the ACK cannot
		// change a session we just described, so it is not read.
		body = d.currentAnswer()
	} else if body, ok = s.exchange(d, req, tx); !ok {
		return
	}
	d.updateTarget(req)
	res := s.okResponse(req, body, st, hasTimerSupport(req))
	cseq := req.CSeq().SeqNo
	ack := d.expectAck(cseq)
	defer d.forgetAck(cseq)
	offerDone()
	if err := tx.Respond(res); err != nil {
		d.log.Warn("re-INVITE answer not sent", "error", err)
		return
	}
	d.setTimer(st)
	d.awaitAck(res, ack)
}

// onUpdate handles UPDATE (RFC 3311): a session refresh, possibly with an
// offer.
func (s *Server) onUpdate(req *sip.Request, tx sip.ServerTransaction) {
	d, ok := s.inDialog(req, tx)
	if !ok {
		return
	}
	st, ok := s.negotiate(d.log, req, tx)
	if !ok {
		return
	}
	var body []byte
	if len(req.Body()) > 0 {
		ok, ours := d.beginOffer(false)
		if !ok {
			s.rejectBusy(d, tx, req, ours)
			return
		}
		body, ok = s.exchange(d, req, tx)
		d.endOffer()
		if !ok {
			return
		}
	}
	d.updateTarget(req)
	if err := tx.Respond(s.okResponse(req, body, st, hasTimerSupport(req))); err != nil {
		d.log.Debug("UPDATE answer not sent", "error", err)
		return
	}
	d.setTimer(st)
}

// rejectBusy refuses an offer that overlaps another exchange: 491 when the
// other one is ours (glare), 500 with Retry-After when it is the peer's
// (RFC 3261 §14.2, RFC 3311 §5.2).
func (s *Server) rejectBusy(d *Dialog, tx sip.ServerTransaction, req *sip.Request, ours bool) {
	if ours {
		s.reject(d.log, tx, req, 491, "")
		return
	}
	s.reject(d.log, tx, req, 500, "Offer Pending", sip.NewHeader("Retry-After", "1"))
}

// exchange turns an offer inside the dialog into the answer body, asking
// the Handler unless the offer repeats the previous one.
func (s *Server) exchange(d *Dialog, req *sip.Request, tx sip.ServerTransaction) ([]byte, bool) {
	offer, ok := s.parseOffer(d.log, req, tx)
	if !ok {
		return nil, false
	}
	if body, same := d.unchangedOffer(req.Body()); same {
		return body, true
	}
	if !d.enterReinvite() {
		s.reject(d.log, tx, req, 481, "")
		return nil, false
	}
	answer, err := s.h.Reinvite(d.ctx, d, offer)
	d.reinvites.Done()
	if d.ctx.Err() != nil {
		s.reject(d.log, tx, req, 481, "")
		return nil, false
	}
	if err != nil {
		// RFC 6787 §4.2: a refused re-INVITE leaves the session as it was.
		code, reason := rejectStatus(err)
		s.reject(d.log, tx, req, code, reason)
		return nil, false
	}
	body, err := d.prepareAnswer(offer, answer, req.Body())
	if err != nil {
		d.log.Error("handler answer unusable", "error", err)
		s.reject(d.log, tx, req, 500, "Bad Answer")
		return nil, false
	}
	return body, true
}

func (s *Server) onBye(req *sip.Request, tx sip.ServerTransaction) {
	d, ok := s.inDialog(req, tx)
	if !ok {
		return
	}
	s.respond(d.log, tx, s.response(req, 200, "", nil))
	d.end(EndRemoteBye, false)
}

func (s *Server) onAck(req *sip.Request, _ sip.ServerTransaction) {
	d := s.lookup(req)
	if d == nil || req.CSeq() == nil {
		s.log.Debug("ACK outside any dialog", "call_id", callIDOf(req))
		return
	}
	d.ackReceived(req.CSeq().SeqNo)
}

// onCancel sees only CANCELs that match no INVITE transaction; the
// transaction layer answers the others itself (RFC 3261 §9.2).
func (s *Server) onCancel(req *sip.Request, tx sip.ServerTransaction) {
	s.reject(s.log.With("call_id", callIDOf(req)), tx, req, 481, "")
}

// onOptions answers capability queries and keep-alive probes: FreeSWITCH
// uses OPTIONS as a health check, and RFC 6787 §7 makes it the way to
// discover our resources.
func (s *Server) onOptions(req *sip.Request, tx sip.ServerTransaction) {
	log := s.log.With("call_id", callIDOf(req))
	var body []byte
	if c := s.cfg.Capabilities; c != nil && acceptsSDP(req) {
		var err error
		if body, err = c.Marshal(); err != nil {
			log.Error("capabilities not encodable", "error", err)
			body = nil
		}
	}
	res := s.response(req, 200, "", body)
	res.AppendHeader(s.contact(req))
	withCapabilityHeaders(res)
	res.AppendHeader(sip.NewHeader("Accept", contentTypeSDP))
	if body != nil {
		res.AppendHeader(sip.NewHeader("Content-Type", contentTypeSDP))
	}
	s.respond(log, tx, res)
}

// acceptsSDP applies RFC 3261 §20.1: no Accept header means application/sdp.
func acceptsSDP(req *sip.Request) bool {
	tags := optionTags(req, "Accept", "")
	if len(tags) == 0 {
		return true
	}
	for _, t := range tags {
		if mt, _, _ := cutParams(t); mt == contentTypeSDP || mt == "application/*" || mt == "*/*" {
			return true
		}
	}
	return false
}

// onUnsupported answers methods we have no handler for: 405 with Allow for
// SIP methods we know of (RFC 3261 §8.2.1), 501 for the rest (§21.5.2).
func (s *Server) onUnsupported(req *sip.Request, tx sip.ServerTransaction) {
	log := s.log.With("call_id", callIDOf(req))
	switch req.Method {
	case sip.ACK:
		return
	case sip.REGISTER, sip.PRACK, sip.SUBSCRIBE, sip.NOTIFY, sip.PUBLISH, sip.INFO, sip.REFER, sip.MESSAGE:
		s.reject(log, tx, req, 405, "", sip.NewHeader("Allow", allowedMethods))
	default:
		s.reject(log, tx, req, 501, "")
	}
}
