package sip

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"strings"

	"github.com/emiago/sipgo/sip"
)

func (s *Server) onInvite(req *sip.Request, tx sip.ServerTransaction) {
	if to := req.To(); to != nil && to.Params.Has("tag") {
		s.onReinvite(req, tx)
		return
	}
	s.onInitialInvite(req, tx)
}

// onInitialInvite runs for the whole life of the dialog it creates: it is
// the dialog's owner, the one goroutine that sends the answer, waits for
// the ACK, runs the session timer and finally calls Handler.Ended. sipgo
// hands every request to its own goroutine, so an ACK or a BYE may be
// processed before or during any of this; they act through the dialog's
// context and channels, never by inspecting state here.
func (s *Server) onInitialInvite(req *sip.Request, tx sip.ServerTransaction) {
	log := s.log.With("call_id", callIDOf(req))
	if req.Contact() == nil || req.CSeq() == nil {
		// RFC 3261 §8.1.1.8: an INVITE must carry a Contact.
		s.reject(log, tx, req, 400, "Missing Contact")
		return
	}
	if !s.preflight(log, req, tx) {
		return
	}
	offer, ok := s.readOffer(log, req, tx)
	if !ok {
		return
	}
	st, ok := s.negotiate(log, req, tx)
	if !ok {
		return
	}
	d, err := s.newDialog(req, log)
	if err != nil {
		s.reject(log, tx, req, 400, err.Error())
		return
	}
	if !s.register(d) {
		s.reject(log, tx, req, 503, "Shutting Down")
		return
	}
	defer s.finish(d)

	s.respond(log, tx, s.response(req, 100, "", nil))
	if !tx.OnCancel(func(*sip.Request) { d.end(EndCancel, false) }) {
		d.end(EndCancel, false)
	}
	d.log.Info("session offered", "from", d.source, "transport", d.Transport())

	answer, err := s.h.Invite(d.ctx, d, offer)
	if d.ctx.Err() != nil {
		s.answerEnded(d, tx)
		return
	}
	if err != nil {
		code, reason := rejectStatus(err)
		s.reject(d.log, tx, d.invite, code, reason)
		d.end(EndRejected, false)
		return
	}
	body, err := d.prepareAnswer(offer, answer, req.Body())
	if err != nil {
		d.log.Error("handler answer unusable", "error", err)
		s.reject(d.log, tx, d.invite, 500, "Bad Answer")
		d.end(EndRejected, false)
		return
	}

	res := s.okResponse(d.invite, body, st, hasTimerSupport(req))
	cseq := req.CSeq().SeqNo
	ack := d.expectAck(cseq)
	defer d.forgetAck(cseq)
	if err := tx.Respond(res); err != nil {
		switch {
		case d.ctx.Err() != nil:
		case errors.Is(err, sip.ErrTransactionCanceled):
			d.end(EndCancel, false)
		default:
			// Over UDP sipgo refuses messages above 1300 bytes (RFC 3261
			// §18.1.1) rather than switching to TCP.
			d.log.Warn("answer not sent", "error", err, "bytes", len(body))
			d.end(EndSendFailed, false)
		}
		return
	}
	d.mu.Lock()
	d.answered = true
	d.mu.Unlock()
	d.setTimer(st)
	d.log.Info("session answered", "session_expires", st.Interval, "refresher", st.Refresher)
	if !d.awaitAck(res, ack) {
		return
	}
	d.run()
}

// preflight applies the checks every request that may open or change a
// session gets: option tags it requires (RFC 3261 §8.2.2.3).
func (s *Server) preflight(log *slog.Logger, req *sip.Request, tx sip.ServerTransaction) bool {
	if tags := unsupportedRequires(req); len(tags) > 0 {
		s.reject(log, tx, req, 420, "", sip.NewHeader("Unsupported", strings.Join(tags, ", ")))
		return false
	}
	return true
}

// readOffer extracts the MRCPv2 offer of an initial INVITE, answering the
// request itself when there is none to be had.
func (s *Server) readOffer(log *slog.Logger, req *sip.Request, tx sip.ServerTransaction) (*Description, bool) {
	if len(req.Body()) == 0 {
		// MRCPv2 resources are requested in the offer (RFC 6787 §4.2); an
		// INVITE without one has nothing for us to answer.
		s.reject(log, tx, req, 488, "SDP Offer Required")
		return nil, false
	}
	return s.parseOffer(log, req, tx)
}

func (s *Server) parseOffer(log *slog.Logger, req *sip.Request, tx sip.ServerTransaction) (*Description, bool) {
	if isSDP, ok := bodyIsSDP(req); !isSDP {
		reason := "Unsupported Media Type"
		if !ok {
			reason = "Missing Content-Type"
		}
		// RFC 3261 §21.4.13: say what we accept.
		s.reject(log, tx, req, 415, reason, sip.NewHeader("Accept", contentTypeSDP))
		return nil, false
	}
	offer, err := ParseSDP(req.Body())
	if err == nil {
		err = offer.ValidateOffer()
	}
	if err != nil {
		s.reject(log, tx, req, 488, "Not Acceptable Here", warning(s.cfg.UserAgent, err))
		return nil, false
	}
	return offer, true
}

// negotiate reads and applies the request's session-timer headers.
func (s *Server) negotiate(log *slog.Logger, req *sip.Request, tx sip.ServerTransaction) (sessionTimer, bool) {
	tr, err := readTimerRequest(req)
	if err != nil {
		s.reject(log, tx, req, 400, err.Error())
		return sessionTimer{}, false
	}
	st, err := negotiateTimer(tr, timerPolicy{Expires: s.cfg.SessionExpires, MinSE: s.cfg.MinSE})
	if err != nil {
		if minSE, small := isTooSmall(err); small {
			s.reject(log, tx, req, 422, "", sip.NewHeader("Min-SE", seconds(minSE)))
		} else {
			s.reject(log, tx, req, 400, err.Error())
		}
		return sessionTimer{}, false
	}
	return st, true
}

func hasTimerSupport(req *sip.Request) bool {
	return hasOptionTag(req, "Supported", "k", optionTagTimer) || hasOptionTag(req, "Require", "", optionTagTimer)
}

// okResponse is the 2xx to an INVITE or UPDATE; body may be nil.
func (s *Server) okResponse(req *sip.Request, body []byte, st sessionTimer, peerTimer bool) *sip.Response {
	res := s.response(req, 200, "", body)
	res.AppendHeader(s.contact(req))
	withCapabilityHeaders(res)
	withTimerHeaders(res, st, peerTimer)
	if body != nil {
		res.AppendHeader(sip.NewHeader("Content-Type", contentTypeSDP))
	}
	return res
}

// warning carries a 488's detail in a Warning header (RFC 3261 §20.43).
func warning(agent string, err error) sip.Header {
	text := strings.TrimPrefix(err.Error(), ErrBadSDP.Error()+": ")
	return sip.NewHeader("Warning", `399 `+hostToken(agent)+` "`+quoteSafe(text)+`"`)
}

func hostToken(agent string) string {
	if i := strings.IndexAny(agent, " /"); i > 0 {
		return agent[:i]
	}
	if agent == "" {
		return "mrcpd"
	}
	return agent
}

// rejectStatus maps a Handler error to a SIP final status.
func rejectStatus(err error) (int, string) {
	var r *Reject
	if errors.As(err, &r) && r.Code >= 300 && r.Code <= 699 {
		return r.Code, r.Reason
	}
	return 500, ""
}

// answerEnded answers an INVITE whose dialog ended before the answer went
// out. A CANCEL has had its 487 from the transaction layer already.
func (s *Server) answerEnded(d *Dialog, tx sip.ServerTransaction) {
	reason, _, _ := d.endState()
	switch reason {
	case EndCancel:
	case EndShutdown:
		s.reject(d.log, tx, d.invite, 503, "Shutting Down")
	default:
		s.reject(d.log, tx, d.invite, 487, "")
	}
}

// prepareAnswer checks the Handler's answer against the offer and encodes
// it with the dialog's o= line.
func (d *Dialog) prepareAnswer(offer, answer *Description, offerBody []byte) ([]byte, error) {
	if answer == nil {
		return nil, errors.New("sip: nil answer")
	}
	if err := answer.ValidateAnswer(offer); err != nil {
		return nil, err
	}
	return d.answerOrigin(answer, offerBody)
}

func (s *Server) newDialog(req *sip.Request, log *slog.Logger) (*Dialog, error) {
	inv := req.Clone()
	inv.To().Params.Add("tag", sip.GenerateTagN(16))
	id, err := sip.DialogIDFromRequestUAS(inv)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	d := &Dialog{
		srv:          s,
		id:           id,
		callID:       inv.CallID().Value(),
		log:          log,
		transport:    req.Transport(),
		source:       req.Source(),
		invite:       inv,
		ctx:          ctx,
		cancel:       cancel,
		timerChanged: make(chan struct{}, 1),
		remoteCSeq:   req.CSeq().SeqNo,
		// RFC 3261 §8.1.1.5: our own sequence space starts anywhere below 2^31.
		localCSeq:    uint32(randomUint63() >> 34),
		remoteTarget: *req.Contact().Address.Clone(),
		peerUpdate:   methodAllowed(req, "UPDATE"),
	}
	if isReliable(d.transport) {
		d.remote, _ = net.ResolveTCPAddr("tcp", d.source)
	} else {
		d.remote, _ = net.ResolveUDPAddr("udp", d.source)
	}
	return d, nil
}

// finish is the owner's last act: BYE if asked for, then Handler.Ended.
func (s *Server) finish(d *Dialog) {
	// Every path out of the owner has ended the dialog; this covers a
	// panic in the Handler unwinding through here.
	d.end(EndShutdown, true)
	reason, bye, answered := d.endState()
	if bye && answered {
		ctx, cancel := context.WithTimeout(context.Background(), byeTimeout)
		d.sendBye(ctx, reason)
		cancel()
	}
	s.unregister(d)
	d.reinvites.Wait()
	d.log.Info("session ended", "reason", reason)
	defer s.owners.Done()
	s.h.Ended(d, reason)
}

func callIDOf(req *sip.Request) string {
	if c := req.CallID(); c != nil {
		return c.Value()
	}
	return ""
}
