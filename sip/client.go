package sip

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"
)

// cancelGrace is how long a cancelled INVITE waits for the provisional
// response that CANCEL needs.
const cancelGrace = 2 * time.Second

// ClientConfig configures a Client.
type ClientConfig struct {
	// BindHost is the local IP address; default 127.0.0.1.
	BindHost string
	// Port is the local SIP port; 0 picks a free one.
	Port int
	// Transport is "udp" (default) or "tcp".
	Transport string
	// UserAgent is the User-Agent header; default "mrcpd-client".
	UserAgent string
	// SessionExpires, when positive, is the session interval the INVITE
	// asks for (RFC 4028). The client announces timer support either way.
	SessionExpires time.Duration
	// NoSessionRefresh stops the client from refreshing sessions it was
	// made refresher of, so that the server's expiry can be exercised.
	NoSessionRefresh bool
	// Logger receives our logs; nil discards them.
	Logger *slog.Logger
}

// Client is a SIP user agent client for MRCPv2 sessions: one ClientDialog
// per speech session, as FreeSWITCH and Asterisk open them.
type Client struct {
	cfg       ClientConfig
	log       *slog.Logger
	transport string // sipgo name: "UDP" or "TCP"
	ua        *sipgo.UserAgent
	srv       *sipgo.Server
	cli       *sipgo.Client
	dialogUA  *sipgo.DialogUA
	contact   sip.ContactHeader
	udpConn   net.PacketConn
	tcpLn     net.Listener
	localAddr net.Addr

	mu      sync.Mutex
	dialogs map[string]*ClientDialog
	closed  bool
	wg      sync.WaitGroup
}

// NewClient binds the client's SIP port and starts serving the requests a
// server may send inside our dialogs (BYE, UPDATE, OPTIONS).
func NewClient(cfg ClientConfig) (*Client, error) {
	if cfg.BindHost == "" {
		cfg.BindHost = "127.0.0.1"
	}
	if net.ParseIP(cfg.BindHost) == nil {
		return nil, fmt.Errorf("sip: bind host %q is not an IP address", cfg.BindHost)
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = "mrcpd-client"
	}
	if strings.ContainsAny(cfg.UserAgent, "\r\n\x00") {
		return nil, errors.New("sip: user agent contains a line break")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	cfg.SessionExpires = cfg.SessionExpires.Truncate(time.Second)
	c := &Client{cfg: cfg, log: cfg.Logger, dialogs: make(map[string]*ClientDialog)}
	switch strings.ToLower(cfg.Transport) {
	case "", "udp":
		c.transport = "UDP"
	case "tcp":
		c.transport = "TCP"
	default:
		return nil, fmt.Errorf("sip: transport %q is neither udp nor tcp", cfg.Transport)
	}

	lib := libraryLog(cfg.Logger)
	ua, err := sipgo.NewUA(
		sipgo.WithUserAgent(cfg.UserAgent),
		sipgo.WithUserAgentTransactionLayerOptions(
			sip.WithTransactionLayerLogger(lib),
			sip.WithTransactionLayerUnhandledResponseHandler(unhandledResponse(lib)),
		),
		sipgo.WithUserAgentTransportLayerOptions(sip.WithTransportLayerLogger(lib)),
	)
	if err != nil {
		return nil, fmt.Errorf("sip: %w", err)
	}
	c.ua = ua
	if err := c.listen(); err != nil {
		ua.Close()
		return nil, err
	}
	port := portOf(c.localAddr)
	opts := []sipgo.ClientOption{sipgo.WithClientLogger(lib), sipgo.WithClientHostname(cfg.BindHost)}
	if c.transport == "UDP" {
		// Send from the listening socket, so that responses and the
		// server's requests come back where we read.
		opts = append(opts, sipgo.WithClientConnectionAddr(c.localAddr.String()))
	}
	if c.cli, err = sipgo.NewClient(ua, opts...); err != nil {
		c.Close()
		return nil, fmt.Errorf("sip: %w", err)
	}
	if c.srv, err = sipgo.NewServer(ua, sipgo.WithServerLogger(lib)); err != nil {
		c.Close()
		return nil, fmt.Errorf("sip: %w", err)
	}
	c.contact = sip.ContactHeader{Address: sip.Uri{Scheme: "sip", Host: cfg.BindHost, Port: port, UriParams: sip.NewParams()}}
	c.contact.Address.UriParams.Add("transport", strings.ToLower(c.transport))
	c.dialogUA = &sipgo.DialogUA{Client: c.cli, ContactHDR: c.contact}

	c.srv.OnBye(c.onBye)
	c.srv.OnUpdate(c.onUpdate)
	c.srv.OnOptions(c.onOptions)
	c.srv.OnInvite(c.onInvite)
	c.srv.OnAck(func(*sip.Request, sip.ServerTransaction) {})
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		if c.udpConn != nil {
			c.srv.ServeUDP(c.udpConn)
		} else {
			c.srv.ServeTCP(c.tcpLn)
		}
	}()
	if err := c.awaitServing(); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// awaitServing waits until sipgo has registered our UDP socket. Requests
// are sent from it (WithClientConnectionAddr), and sipgo would otherwise
// try to bind a second socket to the same address. TCP dials out and
// needs no wait.
func (c *Client) awaitServing() error {
	if c.udpConn == nil {
		return nil
	}
	pool := c.ua.TransportLayer().Pool("udp")
	for deadline := time.Now().Add(2 * time.Second); pool.Size() == 0; {
		if time.Now().After(deadline) {
			return errors.New("sip: UDP listener did not start")
		}
		time.Sleep(time.Millisecond)
	}
	return nil
}

func (c *Client) listen() error {
	addr := net.JoinHostPort(c.cfg.BindHost, strconv.Itoa(c.cfg.Port))
	var err error
	if c.transport == "UDP" {
		if c.udpConn, err = net.ListenPacket("udp", addr); err != nil {
			return fmt.Errorf("sip: listen udp: %w", err)
		}
		c.localAddr = c.udpConn.LocalAddr()
		return nil
	}
	if c.tcpLn, err = net.Listen("tcp", addr); err != nil {
		return fmt.Errorf("sip: listen tcp: %w", err)
	}
	c.localAddr = c.tcpLn.Addr()
	return nil
}

// LocalAddr is the client's SIP address.
func (c *Client) LocalAddr() net.Addr { return c.localAddr }

// Close hangs up every live dialog (waiting at most a few seconds for each
// BYE to be answered) and releases the client.
func (c *Client) Close() error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil
	}
	c.closed = true
	live := make([]*ClientDialog, 0, len(c.dialogs))
	for _, d := range c.dialogs {
		live = append(live, d)
	}
	c.mu.Unlock()
	for _, d := range live {
		d.Close()
	}
	if c.udpConn != nil {
		c.udpConn.Close()
	}
	if c.tcpLn != nil {
		c.tcpLn.Close()
	}
	c.ua.Close()
	c.wg.Wait()
	return nil
}

// targetURI turns "host:port" (or a sip: URI) into the Request-URI.
func (c *Client) targetURI(target string) (sip.Uri, error) {
	var uri sip.Uri
	if !strings.HasPrefix(strings.ToLower(target), "sip:") {
		target = "sip:" + target
	}
	if err := sip.ParseUri(target, &uri); err != nil {
		return uri, fmt.Errorf("sip: target %q: %w", target, err)
	}
	if uri.Host == "" {
		return uri, fmt.Errorf("sip: target %q has no host", target)
	}
	if c.transport == "TCP" {
		if uri.UriParams == nil {
			uri.UriParams = sip.NewParams()
		}
		uri.UriParams.Add("transport", "tcp")
	}
	return uri, nil
}

// Options asks a server for its capabilities (RFC 6787 §7). A 200 without
// a body gives nil capabilities and no error.
func (c *Client) Options(ctx context.Context, target string) (*Capabilities, error) {
	uri, err := c.targetURI(target)
	if err != nil {
		return nil, err
	}
	req := sip.NewRequest(sip.OPTIONS, uri)
	req.SetTransport(c.transport)
	req.AppendHeader(sip.NewHeader("Accept", contentTypeSDP))
	req.AppendHeader(sip.NewHeader("User-Agent", c.cfg.UserAgent))
	res, err := c.cli.Do(ctx, req)
	if err != nil {
		return nil, err
	}
	if !res.IsSuccess() {
		return nil, &StatusError{Method: "OPTIONS", Code: res.StatusCode, Reason: res.Reason}
	}
	if len(res.Body()) == 0 {
		return nil, nil
	}
	return ParseCapabilities(res.Body())
}

// Invite opens a session: it sends INVITE with offer to target ("host:port"
// or a sip: URI), ACKs the 2xx and returns the dialog with the server's
// answer, checked against the offer. A non-2xx final response gives a
// *StatusError; cancelling ctx before the answer sends CANCEL. The o= line
// of the offer is managed by the dialog.
func (c *Client) Invite(ctx context.Context, target string, offer *Description) (*ClientDialog, *Description, error) {
	uri, err := c.targetURI(target)
	if err != nil {
		return nil, nil, err
	}
	o := *offer
	if o.Origin.SessionID == 0 {
		o.Origin.SessionID = randomUint63()
	}
	if o.Origin.SessionVersion == 0 {
		o.Origin.SessionVersion = randomUint63() >> 32
	}
	if o.Origin.Username == "" {
		o.Origin.Username = "mrcpd-client"
	}
	body, err := o.Marshal()
	if err != nil {
		return nil, nil, err
	}

	req := sip.NewRequest(sip.INVITE, uri)
	req.SetTransport(c.transport)
	from := sip.FromHeader{Address: sip.Uri{Scheme: "sip", Host: c.cfg.BindHost, Port: portOf(c.localAddr)}, Params: sip.NewParams()}
	from.Params.Add("tag", sip.GenerateTagN(16))
	to := sip.ToHeader{Address: sip.Uri{Scheme: "sip", User: uri.User, Host: uri.Host, Port: uri.Port}}
	req.AppendHeader(&from)
	req.AppendHeader(&to)
	req.AppendHeader(sip.HeaderClone(&c.contact))
	req.AppendHeader(sip.NewHeader("User-Agent", c.cfg.UserAgent))
	req.AppendHeader(sip.NewHeader("Allow", allowedMethods))
	req.AppendHeader(sip.NewHeader("Supported", supportedTags))
	if c.cfg.SessionExpires > 0 {
		req.AppendHeader(sip.NewHeader("Session-Expires", seconds(c.cfg.SessionExpires)))
	}
	req.AppendHeader(sip.NewHeader("Content-Type", contentTypeSDP))
	req.SetBody(body)

	c.mu.Lock()
	closed := c.closed
	c.mu.Unlock()
	if closed {
		return nil, nil, errors.New("sip: client closed")
	}
	sess, err := c.dialogUA.WriteInvite(ctx, req)
	if err != nil {
		return nil, nil, err
	}
	if err := waitAnswer(ctx, sess); err != nil {
		return nil, nil, err
	}
	res := sess.InviteResponse
	d := c.newDialog(sess, body, o.Origin)
	d.peerUpdate = methodAllowed(res, "UPDATE")
	// Registered before the ACK goes out: the server may send BYE as soon
	// as it has it.
	if !c.register(d) {
		sess.Ack(ctx)
		d.Close()
		return nil, nil, errors.New("sip: client closed")
	}
	go d.refreshLoop()
	if err := sess.Ack(ctx); err != nil {
		d.end("ACK failed")
		return nil, nil, err
	}
	answer, err := readAnswer(res, &o)
	if err != nil {
		d.Close()
		return nil, nil, err
	}
	st, err := timerFromResponse(res, refresherUAC)
	if err != nil {
		d.log.Info("ignoring bad Session-Expires", "error", err)
	}
	d.setTimer(st)
	d.log.Info("session established", "session_expires", st.Interval, "refresher", st.Refresher)
	return d, answer, nil
}

// waitAnswer waits for the final response to an INVITE; when ctx ends
// first it sends CANCEL. RFC 3261 §9.1 allows CANCEL only once a
// provisional response came, and sipgo would then wait for one until Timer
// B (32 s); after cancelGrace without one we abandon the transaction.
func waitAnswer(ctx context.Context, sess *sipgo.DialogClientSession) error {
	var provisional atomic.Bool
	wait, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	var grace atomic.Pointer[time.Timer]
	stop := context.AfterFunc(ctx, func() {
		if provisional.Load() {
			cancel(ctx.Err())
			return
		}
		grace.Store(time.AfterFunc(cancelGrace, func() { cancel(sipgo.WaitAnswerForceCancelErr) }))
	})
	defer func() {
		stop()
		if t := grace.Load(); t != nil {
			t.Stop()
		}
	}()
	err := sess.WaitAnswer(wait, sipgo.AnswerOptions{OnResponse: func(r *sip.Response) error {
		if r.IsProvisional() {
			provisional.Store(true)
			if ctx.Err() != nil {
				cancel(ctx.Err())
			}
		}
		return nil
	}})
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		return fmt.Errorf("sip: INVITE abandoned: %w", ctx.Err())
	}
	return statusError("INVITE", err)
}

func readAnswer(res *sip.Response, offer *Description) (*Description, error) {
	if isSDP, _ := bodyIsSDP(res); !isSDP || len(res.Body()) == 0 {
		return nil, fmt.Errorf("%w: 2xx without an SDP answer", ErrBadSDP)
	}
	answer, err := ParseSDP(res.Body())
	if err != nil {
		return nil, err
	}
	if err := answer.ValidateAnswer(offer); err != nil {
		return nil, err
	}
	return answer, nil
}

// statusError turns sipgo's non-2xx outcome into a *StatusError.
func statusError(method string, err error) error {
	var pe *sipgo.ErrDialogResponse
	if errors.As(err, &pe) {
		return &StatusError{Method: method, Code: pe.Res.StatusCode, Reason: pe.Res.Reason}
	}
	var ve sipgo.ErrDialogResponse
	if errors.As(err, &ve) {
		return &StatusError{Method: method, Code: ve.Res.StatusCode, Reason: ve.Res.Reason}
	}
	return err
}

func (c *Client) newDialog(sess *sipgo.DialogClientSession, offerBody []byte, origin Origin) *ClientDialog {
	ctx, cancel := context.WithCancel(context.Background())
	callID := sess.InviteRequest.CallID().Value()
	return &ClientDialog{
		c:            c,
		sess:         sess,
		id:           sess.ID,
		callID:       callID,
		log:          c.log.With("call_id", callID),
		ctx:          ctx,
		cancel:       cancel,
		timerChanged: make(chan struct{}, 1),
		offerBody:    offerBody,
		origin:       origin,
	}
}

// register adds a dialog and accounts for its refresh goroutine, which the
// caller starts when register succeeds. Both happen under the lock Close
// takes, so Close's Wait never races an Add.
func (c *Client) register(d *ClientDialog) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return false
	}
	c.dialogs[d.id] = d
	c.wg.Add(1)
	return true
}

func (c *Client) unregister(d *ClientDialog) {
	c.mu.Lock()
	delete(c.dialogs, d.id)
	c.mu.Unlock()
}

func (c *Client) lookup(req *sip.Request) *ClientDialog {
	id, err := sip.DialogIDFromRequestUAC(req)
	if err != nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.dialogs[id]
}

func (c *Client) reply(tx sip.ServerTransaction, req *sip.Request, code int, body []byte, hdrs ...sip.Header) {
	res := sip.NewResponseFromRequest(req, code, reasonPhrase(code, ""), body)
	for _, h := range hdrs {
		res.AppendHeader(h)
	}
	if err := tx.Respond(res); err != nil {
		c.log.Debug("response not sent", "status", code, "error", err)
	}
}

func (c *Client) onBye(req *sip.Request, tx sip.ServerTransaction) {
	d := c.lookup(req)
	if d == nil {
		c.reply(tx, req, 481, nil)
		return
	}
	if err := d.sess.ReadBye(req, tx); err != nil {
		d.log.Debug("BYE answer not sent", "error", err)
	}
	d.end(EndRemoteBye)
}

// onUpdate accepts the server's session refreshes (RFC 4028 §9 from the
// other side: we echo the interval it asked for).
func (c *Client) onUpdate(req *sip.Request, tx sip.ServerTransaction) {
	d := c.lookup(req)
	if d == nil {
		c.reply(tx, req, 481, nil)
		return
	}
	if len(req.Body()) > 0 {
		// We never leave an offer to the server; one arriving is refused
		// and leaves the session unchanged.
		c.reply(tx, req, 488, nil)
		return
	}
	var hdrs []sip.Header
	if vals := headerValues(req, "Session-Expires", "x"); len(vals) > 0 {
		if iv, refresher, err := parseSessionExpires(vals[0]); err == nil {
			if refresher == "" {
				refresher = refresherUAS
			}
			st := sessionTimer{Interval: iv, Refresher: refresher}
			hdrs = append(hdrs, sip.NewHeader("Session-Expires", sessionExpiresValue(st)), sip.NewHeader("Require", optionTagTimer))
			d.setTimer(st)
		}
	}
	c.reply(tx, req, 200, nil, hdrs...)
}

// onInvite refuses offers from the server: a client keeps the session it
// asked for (a refused re-INVITE changes nothing, RFC 3261 §14.2).
func (c *Client) onInvite(req *sip.Request, tx sip.ServerTransaction) {
	if c.lookup(req) == nil {
		c.reply(tx, req, 481, nil)
		return
	}
	c.reply(tx, req, 488, nil)
}

func (c *Client) onOptions(req *sip.Request, tx sip.ServerTransaction) {
	c.reply(tx, req, 200, nil, sip.NewHeader("Allow", allowedMethods), sip.NewHeader("Supported", supportedTags))
}

func portOf(a net.Addr) int {
	switch a := a.(type) {
	case *net.UDPAddr:
		return a.Port
	case *net.TCPAddr:
		return a.Port
	}
	return 0
}
