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
	"sync"
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
	DefaultChunk        = 100 * time.Millisecond
)

// Sizes of a connection's buffers. Answers are small JSON (a larger one
// takes more reads). The write buffer is lent by a pool for the time of
// one message, so a connection between messages holds none; it takes a
// message of 16 kHz audio in one frame, one write.
const (
	connReadBuffer     = 1024
	connMinWriteBuffer = 4096
	connWriteRate      = 16000
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
	// rather than block the caller. Memory grows with the backlog, up to
	// this bound; a stream keeping up holds room for two messages.
	Buffer time.Duration
	// Chunk is the audio sent in one message (20ms to 1s). Every message
	// costs a send, an answer and its parsing on both sides: a longer
	// chunk saves CPU, a shorter one brings partial results sooner.
	Chunk  time.Duration
	Logger *slog.Logger
}

// Recognizer opens one websocket connection per recognition. Safe for
// concurrent use.
type Recognizer struct {
	opts   Options
	dialer gws.Dialer
	log    *slog.Logger

	audio     audioPool // the streams' pending audio
	writeBufs sync.Pool // the connections' write buffers (gws.BufferPool)
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
	def(&opts.Chunk, DefaultChunk)
	if opts.DialTimeout < 0 || opts.WriteTimeout < 0 || opts.ReplyTimeout < 0 || opts.Buffer < 200*time.Millisecond {
		return nil, errors.New("websocket: timeouts must be positive and the buffer at least 200ms")
	}
	if opts.Chunk < 20*time.Millisecond || opts.Chunk > time.Second {
		return nil, fmt.Errorf("websocket: chunk %v: must be within 20ms..1s", opts.Chunk)
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	r := &Recognizer{opts: opts, log: opts.Logger}
	// Start bounds the handshake with DialTimeout already.
	r.dialer = gws.Dialer{
		ReadBufferSize:  connReadBuffer,
		WriteBufferSize: max(connMinWriteBuffer, int(opts.Chunk.Seconds()*connWriteRate)*2),
		WriteBufferPool: &r.writeBufs,
	}
	return r, nil
}

// NewFactory returns the registry factory of the "websocket" backend.
// Settings: url, dial_timeout, write_timeout, reply_timeout, buffer, chunk
// (durations in Go syntax, e.g. "5s").
func NewFactory(logger *slog.Logger) asr.Factory {
	return func(settings map[string]string) (asr.Recognizer, error) {
		opts := Options{URL: settings["url"], Logger: logger}
		for key, dst := range map[string]*time.Duration{
			"dial_timeout":  &opts.DialTimeout,
			"write_timeout": &opts.WriteTimeout,
			"reply_timeout": &opts.ReplyTimeout,
			"buffer":        &opts.Buffer,
			"chunk":         &opts.Chunk,
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
			case "url", "dial_timeout", "write_timeout", "reply_timeout", "buffer", "chunk":
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
