// Package config holds mrcpd's configuration: one YAML file whose every key
// can be overridden from the environment (MRCPD_SECTION_KEY) and from the
// command line (--set section.key=value). docs/configuration.md documents
// each key with its default; a test keeps the two in step.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Config is the whole server configuration.
type Config struct {
	Log        Log        `yaml:"log"`
	SIP        SIP        `yaml:"sip"`
	MRCP       MRCP       `yaml:"mrcp"`
	RTP        RTP        `yaml:"rtp"`
	Session    Session    `yaml:"session"`
	HTTP       HTTP       `yaml:"http"`
	Recognizer Recognizer `yaml:"recognizer"`
	Grammar    Grammar    `yaml:"grammar"`
	NLU        NLU        `yaml:"nlu"`
}

// NLU lists the intent models and which one applies when a request names
// none.
type NLU struct {
	// Models are "name=path" entries; a request picks one with the grammar
	// builtin:nlu/<name> or Vendor-Specific-Parameters mrcpd.nlu-model=<name>.
	Models       []string `yaml:"models"`
	DefaultModel string   `yaml:"default_model"`
}

// ModelFiles parses NLU.Models into name -> path.
func (n NLU) ModelFiles() (map[string]string, error) {
	out := map[string]string{}
	for _, e := range n.Models {
		name, path, ok := strings.Cut(e, "=")
		name, path = strings.TrimSpace(name), strings.TrimSpace(path)
		if !ok || name == "" || path == "" {
			return nil, fmt.Errorf("config: nlu.models entry %q: want name=path", e)
		}
		if _, dup := out[name]; dup {
			return nil, fmt.Errorf("config: nlu.models names %q twice", name)
		}
		out[name] = path
	}
	return out, nil
}

// Recognizer selects the speech-recognition backend and result format.
type Recognizer struct {
	Backend     string `yaml:"backend"`
	URL         string `yaml:"url"`
	ResultType  string `yaml:"result_type"`
	WaveformDir string `yaml:"waveform_dir"`
	// CheckGrammars asks the engine about every new grammar before it is
	// accepted, so that words it cannot recognise fail DEFINE-GRAMMAR or
	// RECOGNIZE rather than the recognition.
	CheckGrammars bool `yaml:"check_grammars"`
	// KeepAlive is how long a connection to the engine stays open after a
	// recognition for the next one, when the engine allows it; 0 dials for
	// every recognition.
	KeepAlive time.Duration `yaml:"keep_alive"`
}

// Grammar bounds what grammar URIs the server may fetch.
type Grammar struct {
	FetchHosts    []string      `yaml:"fetch_hosts"`
	FetchSchemes  []string      `yaml:"fetch_schemes"`
	FetchTimeout  time.Duration `yaml:"fetch_timeout"`
	FetchMaxBytes int           `yaml:"fetch_max_bytes"`
}

// Log selects log level and format.
type Log struct {
	Level  string `yaml:"level"`  // debug, info, warn, error
	Format string `yaml:"format"` // text or json
}

// SIP is the signalling listener (RFC 6787 §4.1: SIP sets up MRCPv2 sessions).
type SIP struct {
	Bind           string        `yaml:"bind"`
	UDPPort        int           `yaml:"udp_port"`
	TCPPort        int           `yaml:"tcp_port"`
	Advertise      string        `yaml:"advertise"`
	UserAgent      string        `yaml:"user_agent"`
	SessionExpires time.Duration `yaml:"session_expires"`
	MinSE          time.Duration `yaml:"min_se"`
}

// MRCP is the control-channel listener (RFC 6787 §4.2).
type MRCP struct {
	Bind           string `yaml:"bind"`
	Port           int    `yaml:"port"`
	MaxMessageSize int    `yaml:"max_message_size"`
}

// RTP is the media side.
type RTP struct {
	Bind    string        `yaml:"bind"`
	PortMin int           `yaml:"port_min"`
	PortMax int           `yaml:"port_max"`
	Codecs  []string      `yaml:"codecs"`
	Tick    time.Duration `yaml:"tick"`
	Shards  int           `yaml:"shards"`
	// ShardFill is how many streams a media shard takes before the next
	// one is used (rtp.EngineOptions.ShardFill).
	ShardFill int  `yaml:"shard_fill"`
	Latching  bool `yaml:"latching"`
}

// Session bounds the life of a session whose client vanished.
type Session struct {
	IdleTimeout time.Duration `yaml:"idle_timeout"`
}

// HTTP serves /metrics, /healthz and /readyz.
type HTTP struct {
	Listen string `yaml:"listen"`
	PProf  bool   `yaml:"pprof"`
}

// Default returns the configuration used when no file is given. Ports match
// the defaults of UniMRCP server profiles so existing client profiles work
// unchanged.
func Default() Config {
	return Config{
		Log: Log{Level: "info", Format: "text"},
		SIP: SIP{
			Bind:           "0.0.0.0",
			UDPPort:        8060,
			TCPPort:        8060,
			UserAgent:      "mrcpd",
			SessionExpires: 600 * time.Second,
			MinSE:          90 * time.Second,
		},
		MRCP: MRCP{Bind: "0.0.0.0", Port: 1544, MaxMessageSize: 1 << 20},
		RTP: RTP{
			Bind:      "0.0.0.0",
			PortMin:   5000,
			PortMax:   6000,
			Codecs:    []string{"PCMU", "PCMA", "L16", "G722"},
			Tick:      20 * time.Millisecond,
			ShardFill: 128,
			Latching:  true,
		},
		Session: Session{IdleTimeout: 60 * time.Second},
		HTTP:    HTTP{Listen: "127.0.0.1:9090"},
		Recognizer: Recognizer{
			Backend:       "websocket",
			URL:           "ws://127.0.0.1:2700",
			ResultType:    "application/nlsml+xml",
			CheckGrammars: true,
			KeepAlive:     20 * time.Second,
		},
		Grammar: Grammar{
			FetchSchemes:  []string{"http", "https"},
			FetchTimeout:  10 * time.Second,
			FetchMaxBytes: 1 << 20,
		},
	}
}

// Load reads the YAML file at path over the defaults (an empty path means
// defaults only), then applies MRCPD_* environment overrides from environ and
// finally the key=value overrides in sets, in that order. Unknown keys are
// errors so a typo never passes silently.
func Load(path string, environ []string, sets []string) (Config, error) {
	cfg := Default()
	if path != "" {
		raw, err := os.ReadFile(path)
		if err != nil {
			return cfg, fmt.Errorf("config: %w", err)
		}
		dec := yaml.NewDecoder(bytes.NewReader(raw))
		dec.KnownFields(true)
		// An empty file decodes as io.EOF and means "defaults".
		if err := dec.Decode(&cfg); err != nil && !errors.Is(err, io.EOF) {
			return cfg, fmt.Errorf("config %s: %w", path, err)
		}
	}
	if err := applyEnv(&cfg, environ); err != nil {
		return cfg, err
	}
	for _, s := range sets {
		if err := applySet(&cfg, s); err != nil {
			return cfg, err
		}
	}
	return cfg, cfg.Validate()
}

// Validate reports the first setting that cannot work.
func (c *Config) Validate() error {
	switch c.Log.Level {
	case "debug", "info", "warn", "error":
	default:
		return fmt.Errorf("config: log.level %q: want debug, info, warn or error", c.Log.Level)
	}
	switch c.Log.Format {
	case "text", "json":
	default:
		return fmt.Errorf("config: log.format %q: want text or json", c.Log.Format)
	}
	for name, p := range map[string]int{"sip.udp_port": c.SIP.UDPPort, "sip.tcp_port": c.SIP.TCPPort, "mrcp.port": c.MRCP.Port} {
		if p < 1 || p > 65535 {
			return fmt.Errorf("config: %s %d out of range 1..65535", name, p)
		}
	}
	if c.RTP.PortMin <= 0 || c.RTP.PortMax > 65535 || c.RTP.PortMin+1 > c.RTP.PortMax {
		return fmt.Errorf("config: rtp.port_min %d / rtp.port_max %d: need 0 < min < max <= 65535", c.RTP.PortMin, c.RTP.PortMax)
	}
	if len(c.RTP.Codecs) == 0 {
		return errors.New("config: rtp.codecs is empty")
	}
	if c.RTP.Tick < 5*time.Millisecond || c.RTP.Tick > 20*time.Millisecond {
		return fmt.Errorf("config: rtp.tick %s: want 5ms..20ms", c.RTP.Tick)
	}
	if c.MRCP.MaxMessageSize < 1024 {
		return fmt.Errorf("config: mrcp.max_message_size %d: want at least 1024", c.MRCP.MaxMessageSize)
	}
	switch c.Recognizer.ResultType {
	case "application/nlsml+xml", "application/x-nlsml":
	default:
		return fmt.Errorf("config: recognizer.result_type %q: want application/nlsml+xml or application/x-nlsml", c.Recognizer.ResultType)
	}
	if c.Recognizer.KeepAlive < 0 {
		return errors.New("config: recognizer.keep_alive must not be negative")
	}
	if c.Grammar.FetchMaxBytes <= 0 || c.Grammar.FetchTimeout <= 0 {
		return errors.New("config: grammar.fetch_timeout and grammar.fetch_max_bytes must be positive")
	}
	models, err := c.NLU.ModelFiles()
	if err != nil {
		return err
	}
	if _, ok := models[c.NLU.DefaultModel]; c.NLU.DefaultModel != "" && !ok {
		return fmt.Errorf("config: nlu.default_model %q is not in nlu.models", c.NLU.DefaultModel)
	}
	if c.SIP.SessionExpires != 0 && c.SIP.SessionExpires < c.SIP.MinSE {
		return fmt.Errorf("config: sip.session_expires %s below sip.min_se %s", c.SIP.SessionExpires, c.SIP.MinSE)
	}
	return nil
}
