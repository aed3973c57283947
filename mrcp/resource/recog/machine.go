package recog

import (
	"fmt"
	"strings"

	"github.com/mrcpd/mrcpd/mrcp"
	"github.com/mrcpd/mrcpd/mrcp/resource"
)

// Config tunes a Machine. The zero value is ready to use.
type Config struct {
	// Resource is the resource type of the channel, speechrecog (the
	// default) or dtmfrecog; header fields are validated against it.
	Resource string
	// Defaults are the session parameters the channel starts with; empty
	// means DefaultParams().
	Defaults mrcp.Header
	// MaxQueue bounds the RECOGNIZE requests waiting PENDING behind the one
	// in progress; 0 means 8.
	MaxQueue int
	// MaxBacklog bounds the requests held while the machine waits for the
	// engine; 0 means 64. A request beyond it is answered 501 at once.
	MaxBacklog int
	// MaxGrammars and MaxGrammarBytes bound the session grammar store;
	// 0 means 256 content-ids and 8 MiB.
	MaxGrammars     int
	MaxGrammarBytes int
}

func (c Config) withDefaults() Config {
	if c.Resource == "" {
		c.Resource = mrcp.ResourceSpeechRecog
	}
	if c.Defaults.Len() == 0 {
		c.Defaults = DefaultParams()
	}
	if c.MaxQueue <= 0 {
		c.MaxQueue = 8
	}
	if c.MaxBacklog <= 0 {
		c.MaxBacklog = 64
	}
	if c.MaxGrammars <= 0 {
		c.MaxGrammars = 256
	}
	if c.MaxGrammarBytes <= 0 {
		c.MaxGrammarBytes = 8 << 20
	}
	return c
}

// Machine is the protocol state of one speechrecog channel. It is not safe
// for concurrent use: the session that owns the channel calls it from one
// goroutine.
type Machine struct {
	cfg    Config
	params *resource.Params
	seq    resource.RequestSequence
	store  grammarStore

	state  State
	before State // the state an INTERPRET returns to

	active *operation     // the RECOGNIZE or INTERPRET in progress
	queue  []*recognition // PENDING RECOGNIZE requests, first in first out
	result *result        // the last recognition result (RFC 6787 §9.14)

	wait    *engineWait     // an engine answer a response waits for
	backlog []*mrcp.Message // requests that arrived while waiting

	syncIDs uint64 // Proxy-Sync-Id counter
}

// recognition is an accepted RECOGNIZE (or INTERPRET) request.
type recognition struct {
	id            uint32
	channel       string
	params        mrcp.Header
	grammars      []Grammar
	text          string // INTERPRET only
	cancelIfQueue bool
	inputTimers   bool
	saveWaveform  bool
	// respondTo is the RECOGNIZE whose response waits for the engine's
	// RecognitionStarted; nil when it was already answered PENDING.
	respondTo *mrcp.Message
	// defines are the inline grammars bound to their Content-IDs once the
	// recognition has started.
	defines []definition
}

type operation struct {
	*recognition
	interpret     bool
	timersStarted bool
}

type result struct {
	contentType string
	body        []byte
}

type waitKind uint8

const (
	waitGrammars waitKind = iota + 1 // DEFINE-GRAMMAR: LoadGrammars sent
	waitStop                         // STOP: StopRecognition/StopInterpretation sent
	waitCancel                       // RECOGNIZE cancelling the one in progress
	waitStart                        // StartRecognition sent, RecognitionStarted awaited
)

type engineWait struct {
	kind    waitKind
	req     *mrcp.Message // the request whose response waits
	target  uint32        // the request-id the engine must answer about
	removed []uint32      // STOP: queued requests it removed
	defines []definition  // DEFINE-GRAMMAR: bound when the engine agrees
	next    *recognition  // the cancelling RECOGNIZE
}

// New returns a machine in the IDLE state. It fails when cfg.Resource is not
// a recognizer resource type or cfg.Defaults holds a field that is not a
// valid session parameter.
func New(cfg Config) (*Machine, error) {
	cfg = cfg.withDefaults()
	if cfg.Resource != mrcp.ResourceSpeechRecog && cfg.Resource != mrcp.ResourceDTMFRecog {
		return nil, fmt.Errorf("recog: resource type %q is not a recognizer", cfg.Resource)
	}
	params, err := resource.NewParams(classify, checkField, cfg.Defaults)
	if err != nil {
		return nil, err
	}
	return &Machine{
		cfg:    cfg,
		params: params,
		store:  newGrammarStore(cfg.MaxGrammars, cfg.MaxGrammarBytes),
	}, nil
}

// State returns the recognizer state.
func (m *Machine) State() State { return m.state }

// Active returns the request-id of the RECOGNIZE or INTERPRET in progress.
func (m *Machine) Active() (uint32, bool) {
	if m.active == nil {
		return 0, false
	}
	return m.active.id, true
}

// Queued returns the request-ids of the PENDING RECOGNIZE requests, in the
// order they will start.
func (m *Machine) Queued() []uint32 {
	ids := make([]uint32, len(m.queue))
	for i, r := range m.queue {
		ids[i] = r.id
	}
	return ids
}

// Waiting reports whether the machine waits for an engine answer before it
// can respond; requests that arrive meanwhile are held.
func (m *Machine) Waiting() bool { return m.wait != nil }

// SessionGrammar returns the grammars bound to a content-id by DEFINE-GRAMMAR
// or an inline grammar (RFC 6787 §9.5.1), for resolving session: references
// inside grammars. The slice is a copy; bodies are shared and must not be
// modified.
func (m *Machine) SessionGrammar(contentID string) ([]Grammar, bool) {
	g, ok := m.store.lookup(normalizeContentID(contentID))
	return cloneGrammars(g), ok
}

// Param returns the session value of a parameter set by SET-PARAMS or the
// defaults.
func (m *Machine) Param(name string) (string, bool) { return m.params.Value(name) }

// Request handles one request from the client and returns what to do. Every
// request gets exactly one response: in the returned actions, or in the
// actions of a later Input call when it waits for the engine. The machine
// keeps req (a held request, the body of an inline grammar handed to the
// engine), so the caller must not modify it afterwards.
func (m *Machine) Request(req *mrcp.Message) []Action {
	if req == nil || req.Kind != mrcp.KindRequest {
		return []Action{Drop{Reason: "not a request"}}
	}
	// RFC 6787 §5.2: "If the server receives duplicate or out-of-order
	// requests, the server MUST reject the request with a response code of
	// 410." Checked on arrival, before any request is held.
	if !m.seq.Next(req.RequestID) {
		return respond(req, mrcp.StatusNonMonotonicSequence)
	}
	if m.wait != nil {
		if len(m.backlog) >= m.cfg.MaxBacklog {
			return respond(req, mrcp.StatusServerError)
		}
		m.backlog = append(m.backlog, req)
		return nil
	}
	return m.handle(req)
}

// handle dispatches a request the machine is free to act on.
func (m *Machine) handle(req *mrcp.Message) []Action {
	method := strings.ToUpper(req.Name)
	switch method {
	case mrcp.MethodSetParams:
		return m.setParams(req)
	case mrcp.MethodGetParams:
		return m.getParams(req)
	case mrcp.MethodDefineGrammar, mrcp.MethodRecognize, mrcp.MethodInterpret,
		mrcp.MethodGetResult, mrcp.MethodStartInputTimers, mrcp.MethodStop:
	default:
		return respond(req, mrcp.StatusMethodNotAllowed)
	}
	if bad, ok := checkRequest(m.cfg.Resource, req); !ok {
		return []Action{SendResponse{withFields(newResponse(req, bad.status), bad.fields)}}
	}
	switch method {
	case mrcp.MethodDefineGrammar:
		return m.defineGrammar(req)
	case mrcp.MethodRecognize:
		return m.recognize(req)
	case mrcp.MethodInterpret:
		return m.interpret(req)
	case mrcp.MethodGetResult:
		return m.getResult(req)
	case mrcp.MethodStartInputTimers:
		return m.startInputTimers(req)
	default:
		return m.stop(req)
	}
}

// drain handles held requests until one makes the machine wait again.
func (m *Machine) drain(acts []Action) []Action {
	for m.wait == nil && len(m.backlog) > 0 {
		req := m.backlog[0]
		m.backlog[0] = nil
		m.backlog = m.backlog[1:]
		acts = append(acts, m.handle(req)...)
	}
	if len(m.backlog) == 0 {
		m.backlog = nil
	}
	return acts
}

func (m *Machine) setParams(req *mrcp.Message) []Action {
	status, bad := m.params.Set(&req.Header)
	return []Action{SendResponse{withFields(newResponse(req, status), bad)}}
}

func (m *Machine) getParams(req *mrcp.Message) []Action {
	status, fields := m.params.Get(&req.Header)
	return []Action{SendResponse{withFields(newResponse(req, status), fields)}}
}

// newResponse builds a COMPLETE response; most responses are.
func newResponse(req *mrcp.Message, status int) *mrcp.Message {
	return resource.NewResponse(req, status, mrcp.StateComplete)
}

func respond(req *mrcp.Message, status int) []Action {
	return []Action{SendResponse{newResponse(req, status)}}
}

func withFields(m *mrcp.Message, fields []mrcp.Field) *mrcp.Message {
	for _, f := range fields {
		m.Header.Add(f.Name, f.Value)
	}
	return m
}

// failure builds a 407 response with a Completion-Cause, which RFC 6787
// §9.4.11 requires of failed DEFINE-GRAMMAR and RECOGNIZE responses.
func failure(req *mrcp.Message, cause mrcp.CompletionCause, reason string) *mrcp.Message {
	resp := newResponse(req, mrcp.StatusMethodFailed)
	setCause(&resp.Header, cause, reason)
	return resp
}

func setCause(h *mrcp.Header, cause mrcp.CompletionCause, reason string) {
	h.Set(mrcp.HdrCompletionCause, cause.String())
	if reason != "" {
		h.Set(mrcp.HdrCompletionReason, quoteReason(reason))
	}
}

// quoteReason renders Completion-Reason, a quoted-string (RFC 6787 §9.4.12).
// Control characters are dropped so that engine text cannot break framing.
func quoteReason(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < ' ' || c == 0x7f:
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

func channelOf(req *mrcp.Message) string {
	ch, _ := req.Header.Get(mrcp.HdrChannelIdentifier)
	return ch
}

// boolParam reads a BOOLEAN parameter; anything but true/false yields def.
// Values have been validated before they get here.
func boolParam(h *mrcp.Header, name string, def bool) bool {
	v, ok := h.Get(name)
	if !ok {
		return def
	}
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "true":
		return true
	case "false":
		return false
	}
	return def
}
