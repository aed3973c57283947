package sip

import (
	"context"
	"log/slog"

	"github.com/emiago/sipgo/sip"
)

// libraryLog returns the logger handed to sipgo. sipgo logs transport
// trouble, such as every unparsable datagram, at Error; a peer could flood
// our logs that way, so all its records are lowered to Debug. What matters
// to an operator we log ourselves.
func libraryLog(l *slog.Logger) *slog.Logger {
	return slog.New(debugOnly{l.Handler()}).With("component", "sipgo")
}

type debugOnly struct{ h slog.Handler }

func (d debugOnly) Enabled(ctx context.Context, _ slog.Level) bool {
	return d.h.Enabled(ctx, slog.LevelDebug)
}

func (d debugOnly) Handle(ctx context.Context, r slog.Record) error {
	r.Level = slog.LevelDebug
	return d.h.Handle(ctx, r)
}

func (d debugOnly) WithAttrs(as []slog.Attr) slog.Handler { return debugOnly{d.h.WithAttrs(as)} }

func (d debugOnly) WithGroup(name string) slog.Handler { return debugOnly{d.h.WithGroup(name)} }

// unhandledResponse replaces sipgo's default, which logs to the global
// logger: a response matching no transaction is a late retransmission or a
// provisional overtaken by its final response, both harmless.
func unhandledResponse(l *slog.Logger) func(*sip.Response) {
	return func(r *sip.Response) {
		l.Debug("response outside any transaction", "status", r.StatusCode, "call_id", callIDOfResponse(r))
	}
}

func callIDOfResponse(r *sip.Response) string {
	if c := r.CallID(); c != nil {
		return c.Value()
	}
	return ""
}
