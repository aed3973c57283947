// Package websocket is an ASR backend speaking the vosk-server websocket
// protocol: vosk-server itself, or mrcpd's built-in engine (`mrcpd engine`),
// which adds grammar-constrained decoding through the grammar_jsgf key.
package websocket

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	gws "github.com/gorilla/websocket"

	"github.com/mrcpd/mrcpd/asr"
	"github.com/mrcpd/mrcpd/internal/rawtcp"
)

// Defaults of Options.
const (
	DefaultURL          = "ws://127.0.0.1:2700"
	DefaultDialTimeout  = 5 * time.Second
	DefaultWriteTimeout = 5 * time.Second
	DefaultReplyTimeout = 10 * time.Second
	DefaultBuffer       = 5 * time.Second
	DefaultChunk        = 100 * time.Millisecond
	DefaultMaxIdle      = 32
	DefaultKeepAlive    = 20 * time.Second
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
	Chunk time.Duration
	// MaxIdle is how many connections to the server are kept open between
	// recognitions when the server agrees to serve several recognitions on
	// one (ReuseHeader; mrcpd's engine does, vosk-server does not);
	// negative keeps none and dials for every recognition.
	MaxIdle int
	// KeepAlive is how long an idle connection is kept, at most three
	// quarters of the idle timeout the server states in the handshake (30s
	// for mrcpd's engine); negative keeps none.
	KeepAlive time.Duration
	Logger    *slog.Logger
}

// Recognizer runs each recognition on a websocket connection of its own:
// a new one, or one a finished recognition left open when the server allows
// that. Safe for concurrent use; Close drops the idle connections.
type Recognizer struct {
	opts   Options
	dialer gws.Dialer
	log    *slog.Logger
	idle   idleConns
	header http.Header // the handshake's request header

	audio     audioPool // the streams' pending audio
	frames    framePool // frames being written
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
	def(&opts.KeepAlive, DefaultKeepAlive)
	if opts.MaxIdle == 0 {
		opts.MaxIdle = DefaultMaxIdle
	}
	if opts.DialTimeout < 0 || opts.WriteTimeout < 0 || opts.ReplyTimeout < 0 || opts.Buffer < 200*time.Millisecond {
		return nil, errors.New("websocket: timeouts must be positive and the buffer at least 200ms")
	}
	if opts.Chunk < 20*time.Millisecond || opts.Chunk > time.Second {
		return nil, fmt.Errorf("websocket: chunk %v: must be within 20ms..1s", opts.Chunk)
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	r := &Recognizer{opts: opts, log: opts.Logger, idle: newIdleConns(opts.MaxIdle, opts.KeepAlive)}
	r.header = http.Header{PartialsHeader: {PartialsChanged}}
	if r.idle.enabled() {
		r.header.Set(ReuseHeader, "1")
	}
	// Start bounds the handshake with DialTimeout already.
	r.dialer = gws.Dialer{
		ReadBufferSize:  connReadBuffer,
		WriteBufferSize: max(connMinWriteBuffer, int(opts.Chunk.Seconds()*connWriteRate)*2),
		WriteBufferPool: &r.writeBufs,
		NetDialContext:  dialRaw,
	}
	return r, nil
}

// NewFactory returns the registry factory of the "websocket" backend.
// Settings: url, dial_timeout, write_timeout, reply_timeout, buffer, chunk,
// keep_alive (durations in Go syntax, e.g. "5s"; a keep_alive of 0 dials
// for every recognition), max_idle (a count).
func NewFactory(logger *slog.Logger) asr.Factory {
	return func(settings map[string]string) (asr.Recognizer, error) {
		opts := Options{URL: settings["url"], Logger: logger}
		for key, dst := range map[string]*time.Duration{
			"dial_timeout":  &opts.DialTimeout,
			"write_timeout": &opts.WriteTimeout,
			"reply_timeout": &opts.ReplyTimeout,
			"buffer":        &opts.Buffer,
			"chunk":         &opts.Chunk,
			"keep_alive":    &opts.KeepAlive,
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
		if opts.KeepAlive == 0 && settings["keep_alive"] != "" {
			// A configured 0 means no reuse; the zero Option means the default.
			opts.KeepAlive = -1
		}
		if v, ok := settings["max_idle"]; ok {
			n, err := strconv.Atoi(v)
			if err != nil {
				return nil, fmt.Errorf("websocket: setting max_idle: %w", err)
			}
			opts.MaxIdle = n
		}
		for key := range settings {
			switch key {
			case "url", "dial_timeout", "write_timeout", "reply_timeout", "buffer", "chunk", "keep_alive", "max_idle":
			default:
				return nil, fmt.Errorf("websocket: unknown setting %q", key)
			}
		}
		return New(opts)
	}
}

// Name is the backend name used in configuration.
func (r *Recognizer) Name() string { return "websocket" }

// Start sends the config message on an idle connection, or on a new one,
// and returns the stream. ctx bounds the connection attempt and, once
// connected, the whole recognition.
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
	// A kept connection the server has closed since get looked at it may
	// fail here, before anything of this recognition is lost: dial instead.
	// (Often the write succeeds all the same, and the recognition fails as
	// on a lost connection: keep_alive stays below the engine's idle timeout
	// so that this takes an engine restart.)
	if conn, mode := r.idle.get(); conn != nil {
		if err := r.sendConfig(conn, &cfg); err == nil {
			r.log.Debug("asr stream started on an idle connection", "url", r.opts.URL)
			return newStream(ctx, r, conn, req, mode), nil
		}
		conn.Close()
	}
	conn, mode, err := r.dial(ctx)
	if err != nil {
		return nil, err
	}
	if err := r.sendConfig(conn, &cfg); err != nil {
		conn.Close()
		return nil, fmt.Errorf("websocket: sending config: %w", err)
	}
	s := newStream(ctx, r, conn, req, mode)
	r.log.Debug("asr stream started", "url", r.opts.URL, "rate", req.SampleRate,
		"grammar", req.JSGF != "", "phrases", len(req.Phrases), "nbest", req.NBest,
		"reusable", mode.reusable, "quiet", mode.quiet)
	return s, nil
}

// dial opens a connection and returns what the server agreed to.
func (r *Recognizer) dial(ctx context.Context) (*gws.Conn, connMode, error) {
	dialCtx, cancel := context.WithTimeout(ctx, r.opts.DialTimeout)
	defer cancel()
	conn, resp, err := r.dialer.DialContext(dialCtx, r.opts.URL, r.header)
	if err != nil {
		if resp != nil {
			return nil, connMode{}, fmt.Errorf("websocket: %s refused the connection: %s", r.opts.URL, resp.Status)
		}
		return nil, connMode{}, fmt.Errorf("websocket: connecting to %s: %w", r.opts.URL, err)
	}
	conn.SetReadLimit(MaxMessageSize)
	var mode connMode
	var idle time.Duration
	mode.reusable, idle = ParseReuse(resp.Header.Get(ReuseHeader))
	mode.reusable = mode.reusable && r.idle.enabled()
	if mode.reusable {
		r.idle.serverIdle(idle)
	}
	mode.quiet = resp.Header.Get(PartialsHeader) == PartialsChanged
	return conn, mode, nil
}

func (r *Recognizer) sendConfig(conn *gws.Conn, cfg *ConfigMessage) error {
	_ = conn.SetWriteDeadline(time.Now().Add(r.opts.WriteTimeout))
	return conn.WriteJSON(cfg)
}

// CloseIdleConnections closes the connections kept for reuse; later ones
// are kept again.
func (r *Recognizer) CloseIdleConnections() { r.idle.drop() }

// Close closes the idle connections and keeps no more: the recognitions
// under way finish on theirs.
func (r *Recognizer) Close() error {
	r.idle.close()
	return nil
}

// dialRaw connects with a connection whose reads and writes are raw system
// calls (package rawtcp): a stream sends and reads a message per chunk of
// audio, and each ordinary system call would wake the runtime's sysmon.
func dialRaw(ctx context.Context, network, addr string) (net.Conn, error) {
	var d net.Dialer
	c, err := d.DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	return rawtcp.Wrap(c), nil
}
