// Package transport carries MRCPv2 messages over the control channel of
// RFC 6787 §4.2: TCP (or TLS) connections between client and server.
//
// The server side reads each connection on its own goroutine and hands
// every message to the Handler registered for its Channel-Identifier, in
// wire order and on that goroutine, so a STOP can never overtake the
// RECOGNIZE it stops. The client side (Dial) is used by our own CLI,
// conformance and load tools.
package transport

import (
	"crypto/tls"
	"io"
	"log/slog"
	"time"

	"github.com/mrcpd/mrcpd/mrcp"
)

// Options configure both Listen and Dial. The zero value is usable.
type Options struct {
	// MaxMessageSize bounds one message; a larger one is answered with
	// 504 and the connection is closed (RFC 6787 §5.4). Zero selects
	// mrcp.DefaultMaxMessageSize.
	MaxMessageSize int
	// Logger receives connection-level events. Nil discards them.
	Logger *slog.Logger
	// IdleTimeout (server only) closes a connection that has no channel
	// bound to it and has been silent this long. A connection that
	// carries a channel lives as long as its SIP session wants it, so it
	// is never timed out here. Zero disables the limit.
	IdleTimeout time.Duration
	// WriteTimeout bounds the write of one message, so a peer that stops
	// reading cannot block senders forever. Zero selects 10 s.
	WriteTimeout time.Duration
	// TLSConfig, when set, makes the control channel TLS (RFC 6787 §4.2:
	// "TCP/TLS/MRCPv2"). A server needs a certificate in it.
	TLSConfig *tls.Config
	// Metrics receives counts; nil disables them.
	Metrics Metrics
	// ClientQueue (client only) is how many received messages may wait
	// for the reader of ClientConn.Messages. Zero selects 64.
	ClientQueue int
}

func (o Options) withDefaults() Options {
	if o.MaxMessageSize <= 0 {
		o.MaxMessageSize = mrcp.DefaultMaxMessageSize
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if o.WriteTimeout <= 0 {
		o.WriteTimeout = 10 * time.Second
	}
	if o.Metrics == nil {
		o.Metrics = NopMetrics{}
	}
	if o.ClientQueue <= 0 {
		o.ClientQueue = 64
	}
	return o
}

// Metrics is told about transport events so they can be exported (the
// server wires it to Prometheus). Implementations must be safe for
// concurrent use and must not block.
type Metrics interface {
	ConnectionOpened()
	ConnectionClosed()
	// MessageReceived is called for every well-formed message read.
	MessageReceived(m *mrcp.Message)
	// MessageSent is called for every message written.
	MessageSent(m *mrcp.Message)
	// ParseError is called for input that did not parse; code is the
	// status a server answers with (404, 502, 504).
	ParseError(code int)
	// MessageRejected is called when the transport itself answered a
	// request, e.g. 405 for an unknown Channel-Identifier.
	MessageRejected(code int)
}

// NopMetrics discards everything.
type NopMetrics struct{}

func (NopMetrics) ConnectionOpened()             {}
func (NopMetrics) ConnectionClosed()             {}
func (NopMetrics) MessageReceived(*mrcp.Message) {}
func (NopMetrics) MessageSent(*mrcp.Message)     {}
func (NopMetrics) ParseError(int)                {}
func (NopMetrics) MessageRejected(int)           {}
