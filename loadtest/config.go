package loadtest

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/mrcpd/mrcpd/mrcp"
	"github.com/mrcpd/mrcpd/mrcp/client"
)

// Limits that keep every run bounded whatever the flags say.
const (
	MaxSessions = 5000
	MaxDuration = 24 * time.Hour
	// minCadence keeps a session from asking for recognitions faster than
	// a request can be answered and some audio streamed.
	minCadence = 100 * time.Millisecond
)

// Defaults for the zero fields of Config.
const (
	DefaultDrain           = 20 * time.Second
	DefaultCompleteTimeout = 10 * time.Second
	DefaultRecognizeEvery  = 2 * time.Second
	DefaultGrammar         = "builtin:grammar/digits"
	DefaultIdleWindow      = 5 * time.Second

	// inviteTimeout bounds the wait for a 2xx; responseTimeout the wait
	// for any MRCP response; byeTimeout the wait for BYE's answer.
	inviteTimeout   = 10 * time.Second
	responseTimeout = 5 * time.Second
	byeTimeout      = 5 * time.Second
)

// Grammar is what each RECOGNIZE activates. With a Body, every session
// sends it once with DEFINE-GRAMMAR and recognises against
// session:<Content-ID> (RFC 6787 §9.8); otherwise URI is the RECOGNIZE body.
type Grammar struct {
	URI         string
	Body        []byte
	ContentType string // application/srgs+xml or application/srgs
}

func (g Grammar) String() string {
	if len(g.Body) > 0 {
		return fmt.Sprintf("inline %s (%d bytes)", g.ContentType, len(g.Body))
	}
	return g.URI
}

// Config describes one load run.
type Config struct {
	// Server is the SIP address of the server, "host:port".
	Server string
	// SIPTransport is "udp" (default) or "tcp".
	SIPTransport string
	// LocalHost is the local address for SIP and RTP; default 127.0.0.1.
	LocalHost string
	// Sessions is how many calls run at once (1..MaxSessions).
	Sessions int
	// Duration is how long the load lasts, ramp included; sessions start
	// spread evenly over Ramp and all stop starting recognitions at
	// Duration.
	Duration time.Duration
	Ramp     time.Duration
	// Drain bounds how long recognitions in progress at the end of
	// Duration (or when the context is cancelled) may take before every
	// wait is abandoned and the sessions hang up; default DefaultDrain.
	Drain time.Duration
	// RecognizeEvery is the cadence of recognitions (or of playbacks with
	// MediaOnly) in each session; default DefaultRecognizeEvery.
	RecognizeEvery time.Duration
	// MediaOnly streams the recordings at the same cadence without any
	// RECOGNIZE, to separate the cost of media from that of recognition.
	MediaOnly bool
	// Grammar of every RECOGNIZE; default URI DefaultGrammar.
	Grammar Grammar
	// Params are extra RECOGNIZE header fields; they replace the defaults
	// of the same name (see recognizeHeaders).
	Params []mrcp.Field
	// Audio are the recordings played, in turn, one per recognition.
	Audio []Recording
	// CompleteTimeout bounds the wait for RECOGNITION-COMPLETE after the
	// end of the audio; when it passes the recognition is stopped with
	// STOP and counted as an error. Default DefaultCompleteTimeout.
	CompleteTimeout time.Duration
	// MetricsURL is the server's Prometheus endpoint; empty skips the
	// server cost figures.
	MetricsURL string
	// IdleWindow is how long the idle server is watched before the load
	// to learn its cost doing nothing; default DefaultIdleWindow. The
	// kernel counts process CPU in 10 ms ticks, so a short window gives
	// a coarse idle rate.
	IdleWindow time.Duration
	// Progress, when set, receives a line about every ProgressEvery.
	Progress      io.Writer
	ProgressEvery time.Duration
	// Logger receives the run's logs and the clients'; nil discards them.
	Logger *slog.Logger
}

func (c Config) withDefaults() (Config, error) {
	if c.Server == "" {
		c.Server = client.DefaultServer
	}
	if c.Sessions < 1 || c.Sessions > MaxSessions {
		return c, fmt.Errorf("loadtest: %d sessions: want 1 to %d", c.Sessions, MaxSessions)
	}
	if c.Duration <= 0 || c.Duration > MaxDuration {
		return c, fmt.Errorf("loadtest: duration %v: want more than 0 and at most %v", c.Duration, MaxDuration)
	}
	if c.Ramp < 0 || c.Ramp >= c.Duration {
		return c, fmt.Errorf("loadtest: ramp %v must be at least 0 and shorter than the duration %v", c.Ramp, c.Duration)
	}
	if c.Drain == 0 {
		c.Drain = DefaultDrain
	}
	if c.Drain < 0 || c.Drain > time.Hour {
		return c, fmt.Errorf("loadtest: drain %v: want 0 to 1h", c.Drain)
	}
	if c.RecognizeEvery == 0 {
		c.RecognizeEvery = DefaultRecognizeEvery
	}
	if c.RecognizeEvery < minCadence {
		return c, fmt.Errorf("loadtest: recognitions every %v: want at least %v", c.RecognizeEvery, minCadence)
	}
	if c.CompleteTimeout == 0 {
		c.CompleteTimeout = DefaultCompleteTimeout
	}
	if c.CompleteTimeout < 0 || c.CompleteTimeout > time.Hour {
		return c, fmt.Errorf("loadtest: complete timeout %v: want 0 to 1h", c.CompleteTimeout)
	}
	if c.Grammar.URI == "" && len(c.Grammar.Body) == 0 {
		c.Grammar.URI = DefaultGrammar
	}
	if len(c.Grammar.Body) > 0 && c.Grammar.ContentType == "" {
		return c, errors.New("loadtest: a grammar body needs its content type")
	}
	if strings.ContainsAny(c.Grammar.URI, "\r\n") {
		return c, fmt.Errorf("loadtest: grammar URI %q spans lines", c.Grammar.URI)
	}
	if len(c.Audio) == 0 {
		return c, errors.New("loadtest: no recordings to play")
	}
	for _, r := range c.Audio {
		if len(r.PCM) == 0 || (r.Rate != 8000 && r.Rate != 16000) {
			return c, fmt.Errorf("loadtest: recording %s: %d samples at %d Hz", r.Name, len(r.PCM), r.Rate)
		}
	}
	if c.MetricsURL != "" {
		u, err := url.Parse(c.MetricsURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return c, fmt.Errorf("loadtest: metrics URL %q is not an http(s) URL", c.MetricsURL)
		}
	}
	if c.IdleWindow == 0 {
		c.IdleWindow = DefaultIdleWindow
	}
	if c.IdleWindow < 0 || c.IdleWindow > time.Hour {
		return c, fmt.Errorf("loadtest: idle window %v: want 0 to 1h", c.IdleWindow)
	}
	if c.ProgressEvery <= 0 {
		c.ProgressEvery = 10 * time.Second
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c, nil
}
