package sip

import (
	"context"
	"errors"
	"log/slog"
	"strings"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"
)

// response builds a response to req carrying our Server header.
func (s *Server) response(req *sip.Request, code int, reason string, body []byte) *sip.Response {
	res := sip.NewResponseFromRequest(req, code, reasonPhrase(code, reason), body)
	res.AppendHeader(sip.NewHeader("Server", s.cfg.UserAgent))
	return res
}

// respond sends a response and logs a failure to send it.
func (s *Server) respond(log *slog.Logger, tx sip.ServerTransaction, res *sip.Response) {
	if err := tx.Respond(res); err != nil {
		log.Debug("response not sent", "status", res.StatusCode, "error", err)
	}
}

// reject answers req with a final failure and the extra headers.
func (s *Server) reject(log *slog.Logger, tx sip.ServerTransaction, req *sip.Request, code int, reason string, hdrs ...sip.Header) {
	res := s.response(req, code, reason, nil)
	for _, h := range hdrs {
		res.AppendHeader(h)
	}
	// A refused session is news; a scanner's REGISTER flood is not.
	level := slog.LevelDebug
	if req.Method == sip.INVITE {
		level = slog.LevelInfo
	}
	log.Log(context.Background(), level, "request refused", "method", string(req.Method), "status", code, "reason", res.Reason)
	s.respond(log, tx, res)
}

// contact is our Contact for a message that arrived over req's transport:
// the listener of that transport, with ;transport=tcp on TCP.
func (s *Server) contact(req *sip.Request) *sip.ContactHeader {
	uri := sip.Uri{Scheme: "sip", Host: s.advertiseHost(req), Port: s.listenPortFor(req.Transport())}
	if isReliable(req.Transport()) {
		uri.UriParams = sip.NewParams()
		uri.UriParams.Add("transport", "tcp")
	}
	return &sip.ContactHeader{Address: uri}
}

// withCapabilityHeaders adds what a 2xx to INVITE, UPDATE or OPTIONS tells
// the peer about us (RFC 3261 §20.1, §20.5, §20.37).
func withCapabilityHeaders(res *sip.Response) {
	res.AppendHeader(sip.NewHeader("Allow", allowedMethods))
	res.AppendHeader(sip.NewHeader("Supported", supportedTags))
}

// withTimerHeaders puts the negotiated session timer in a 2xx (RFC 4028 §9).
func withTimerHeaders(res *sip.Response, st sessionTimer, peerSupports bool) {
	if st.Interval <= 0 {
		return
	}
	res.AppendHeader(sip.NewHeader("Session-Expires", sessionExpiresValue(st)))
	if peerSupports {
		res.AppendHeader(sip.NewHeader("Require", optionTagTimer))
	}
}

// newRequest builds a request inside the dialog from our side (RFC 3261
// §12.2.1.1). It goes to the flow the INVITE came on, which is where
// UniMRCP and FreeSWITCH listen, and over TCP reuses their connection.
func (d *Dialog) newRequest(method sip.RequestMethod, seq uint32) *sip.Request {
	d.mu.Lock()
	target := *d.remoteTarget.Clone()
	d.mu.Unlock()
	req := sip.NewRequest(method, target)
	req.SetTransport(d.transport)

	via := &sip.ViaHeader{
		ProtocolName:    "SIP",
		ProtocolVersion: "2.0",
		Transport:       d.transport,
		Host:            d.srv.advertiseHost(d.invite),
		Port:            d.srv.listenPortFor(d.transport),
		Params:          sip.NewParams(),
	}
	via.Params.Add("branch", sip.GenerateBranchN(16))
	via.Params.Add("rport", "")
	req.AppendHeader(via)
	maxFwd := sip.MaxForwardsHeader(70)
	req.AppendHeader(&maxFwd)
	from := d.invite.To().AsFrom()
	req.AppendHeader(&from)
	to := d.invite.From().AsTo()
	req.AppendHeader(&to)
	callID := sip.CallIDHeader(d.callID)
	req.AppendHeader(&callID)
	req.AppendHeader(&sip.CSeqHeader{SeqNo: seq, MethodName: method})
	req.AppendHeader(d.srv.contact(d.invite))
	// RFC 3261 §12.1.1: the UAS route set is the INVITE's Record-Route
	// list in order.
	for _, rr := range d.invite.GetHeaders("Record-Route") {
		req.AppendHeader(sip.NewHeader("Route", rr.Value()))
	}
	req.AppendHeader(sip.NewHeader("User-Agent", d.srv.cfg.UserAgent))
	req.SetBody(nil)
	if r := req.Route(); r != nil {
		req.SetDestination(r.Address.HostPort())
	} else {
		req.SetDestination(d.source)
	}
	return req
}

// asBuilt tells sipgo to send a request as we built it.
func asBuilt(*sipgo.Client, *sip.Request) error { return nil }

// do sends a request inside the dialog and waits for its final response.
func (d *Dialog) do(ctx context.Context, req *sip.Request) (*sip.Response, error) {
	tx, err := d.srv.client.TransactionRequest(ctx, req, asBuilt)
	if err != nil {
		return nil, err
	}
	defer tx.Terminate()
	for {
		select {
		case res := <-tx.Responses():
			if res.IsProvisional() {
				continue
			}
			return res, nil
		case <-tx.Done():
			if err := tx.Err(); err != nil {
				return nil, err
			}
			return nil, errors.New("sip: transaction ended without a response")
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// sendBye ends the session on the peer's side (RFC 3261 §15.1.1).
func (d *Dialog) sendBye(ctx context.Context, reason string) {
	req := d.newRequest(sip.BYE, d.nextLocalCSeq())
	// RFC 3326 lets the peer log why we hung up.
	req.AppendHeader(sip.NewHeader("Reason", `SIP;cause=200;text="`+quoteSafe(reason)+`"`))
	res, err := d.do(ctx, req)
	switch {
	case err != nil:
		d.log.Info("BYE not answered", "error", err)
	case res.StatusCode >= 300:
		d.log.Info("BYE refused", "status", res.StatusCode)
	}
}

func quoteSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '"' || r == '\\' || r < ' ' || r == 0x7f {
			return '\''
		}
		return r
	}, s)
}
