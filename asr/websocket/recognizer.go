// Package websocket is an ASR backend speaking the vosk-server websocket
// protocol: vosk-server itself, or mrcpd's built-in engine (`mrcpd engine`),
// which adds grammar-constrained decoding through the grammar_jsgf key.
package websocket

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"time"

	gws "github.com/gorilla/websocket"

	"github.com/mrcpd/mrcpd/asr"
)

// Defaults of Options.
const (
	DefaultURL          = "ws://127.0.0.1:2700"
	DefaultDialTimeout  = 5 * time.Second
	DefaultWriteTimeout = 5 * time.Second
	DefaultReplyTimeout = 10 * time.Second
	DefaultBuffer       = 5 * time.Second
)

// Options configure a Recognizer; zero fields take the defaults above.
type Options struct {
	// URL of the server, ws:// or wss://.
	URL string
	// DialTimeout bounds connecting and the websocket handshake.
	DialTimeout time.Duration
	// WriteTimeout bounds sending one message.
	WriteTimeout time.Duration
	// ReplyTimeout bounds the wait for an answer the server owes: it answers
	// every audio message and the end of audio.
	ReplyTimeout time.Duration
	// Buffer is how much audio may wait to be sent before the stream fails
	// rather than block the caller.
	Buffer time.Duration
	Logger *slog.Logger
}

// Recognizer opens one websocket connection per recognition. Safe for
// concurrent use.
type Recognizer struct {
	opts   Options
	dialer gws.Dialer
	log    *slog.Logger
}

// New checks opts and returns a Recognizer.
func New(opts Options) (*Recognizer, error) {
	if opts.URL == "" {
		opts.URL = DefaultURL
	}
	u, err := url.Parse(opts.URL)
	if err != nil {
		return nil, fmt.Errorf("websocket: bad url: %w", err)
	}
	if u.Scheme != "ws" && u.Scheme != "wss" {
		return nil, fmt.Errorf("websocket: url %q: scheme must be ws or wss", opts.URL)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("websocket: url %q has no host", opts.URL)
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d == 0 {
			*d = v
		}
	}
	def(&opts.DialTimeout, DefaultDialTimeout)
	def(&opts.WriteTimeout, DefaultWriteTimeout)
	def(&opts.ReplyTimeout, DefaultReplyTimeout)
	def(&opts.Buffer, DefaultBuffer)
	if opts.DialTimeout < 0 || opts.WriteTimeout < 0 || opts.ReplyTimeout < 0 || opts.Buffer < 200*time.Millisecond {
		return nil, errors.New("websocket: timeouts must be positive and the buffer at least 200ms")
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	return &Recognizer{
		opts: opts,
		dialer: gws.Dialer{
			HandshakeTimeout: opts.DialTimeout,
			ReadBufferSize:   4096,
			WriteBufferSize:  4096,
		},
		log: opts.Logger,
	}, nil
}

// NewFactory returns the registry factory of the "websocket" backend.
// Settings: url, dial_timeout, write_timeout, reply_timeout, buffer
// (durations in Go syntax, e.g. "5s").
func NewFactory(logger *slog.Logger) asr.Factory {
	return func(settings map[string]string) (asr.Recognizer, error) {
		opts := Options{URL: settings["url"], Logger: logger}
		for key, dst := range map[string]*time.Duration{
			"dial_timeout":  &opts.DialTimeout,
			"write_timeout": &opts.WriteTimeout,
			"reply_timeout": &opts.ReplyTimeout,
			"buffer":        &opts.Buffer,
		} {
			v, ok := settings[key]
			if !ok {
				continue
			}
			d, err := time.ParseDuration(v)
			if err != nil {
				return nil, fmt.Errorf("websocket: setting %s: %w", key, err)
			}
			*dst = d
		}
		for key := range settings {
			switch key {
			case "url", "dial_timeout", "write_timeout", "reply_timeout", "buffer":
			default:
				return nil, fmt.Errorf("websocket: unknown setting %q", key)
			}
		}
		return New(opts)
	}
}

// Name is the backend name used in configuration.
func (r *Recognizer) Name() string { return "websocket" }

// Start connects, sends the config message and returns the stream. ctx
// bounds the connection attempt and, once connected, the whole recognition.
func (r *Recognizer) Start(ctx context.Context, req asr.Request) (asr.Stream, error) {
	if req.SampleRate == 0 {
		req.SampleRate = 8000
	}
	if req.SampleRate < 8000 || req.SampleRate > 48000 {
		return nil, fmt.Errorf("websocket: unsupported sample rate %d", req.SampleRate)
	}
	if req.NBest < 1 {
		req.NBest = 1
	}
	dialCtx, cancel := context.WithTimeout(ctx, r.opts.DialTimeout)
	defer cancel()
	conn, resp, err := r.dialer.DialContext(dialCtx, r.opts.URL, nil)
	if err != nil {
		if resp != nil {
			return nil, fmt.Errorf("websocket: %s refused the connection: %s", r.opts.URL, resp.Status)
		}
		return nil, fmt.Errorf("websocket: connecting to %s: %w", r.opts.URL, err)
	}
	conn.SetReadLimit(MaxMessageSize)

	partial := req.Partial
	cfg := ConfigMessage{Config: Config{
		SampleRate:     float64(req.SampleRate),
		PhraseList:     req.Phrases,
		Words:          true,
		GrammarJSGF:    req.JSGF,
		PartialResults: &partial,
	}}
	if req.NBest > 1 {
		cfg.Config.MaxAlternatives = req.NBest
	}
	_ = conn.SetWriteDeadline(time.Now().Add(r.opts.WriteTimeout))
	if err := conn.WriteJSON(cfg); err != nil {
		conn.Close()
		return nil, fmt.Errorf("websocket: sending config: %w", err)
	}
	s := newStream(ctx, r, conn, req)
	r.log.Debug("asr stream started", "url", r.opts.URL, "rate", req.SampleRate,
		"grammar", req.JSGF != "", "phrases", len(req.Phrases), "nbest", req.NBest)
	return s, nil
}
