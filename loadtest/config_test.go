package loadtest

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/mrcpd/mrcpd/admin"
)

func TestConfigValidation(t *testing.T) {
	audio := []Recording{{Name: "a", PCM: make([]int16, 160), Rate: 8000}}
	good := Config{Sessions: 1, Duration: time.Second, Audio: audio}
	for _, tc := range []struct {
		edit func(c *Config)
		want string
	}{
		{func(c *Config) { c.Sessions = 0 }, "0 sessions"},
		{func(c *Config) { c.Sessions = MaxSessions + 1 }, "sessions: want 1 to"},
		{func(c *Config) { c.Duration = 0 }, "duration 0s"},
		{func(c *Config) { c.Duration = 25 * time.Hour }, "at most 24h"},
		{func(c *Config) { c.Ramp = time.Second }, "shorter than the duration"},
		{func(c *Config) { c.Drain = -time.Second }, "drain"},
		{func(c *Config) { c.RecognizeEvery = time.Millisecond }, "at least 100ms"},
		{func(c *Config) { c.CompleteTimeout = -1 }, "complete timeout"},
		{func(c *Config) { c.Grammar = Grammar{Body: []byte("<grammar/>")} }, "content type"},
		{func(c *Config) { c.Grammar = Grammar{URI: "builtin:x\r\nEvil: 1"} }, "spans lines"},
		{func(c *Config) { c.Audio = nil }, "no recordings"},
		{func(c *Config) { c.Audio = []Recording{{Name: "r", PCM: make([]int16, 10), Rate: 44100}} }, "recording r"},
		{func(c *Config) { c.MetricsURL = "localhost:9090/metrics" }, "not an http(s) URL"},
		{func(c *Config) { c.IdleWindow = -time.Second }, "idle window"},
	} {
		c := good
		tc.edit(&c)
		_, err := Run(context.Background(), c)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("error %v, want %q", err, tc.want)
		}
	}
	c, err := good.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	if c.Grammar.URI != DefaultGrammar || c.RecognizeEvery != DefaultRecognizeEvery || c.Drain != DefaultDrain ||
		c.CompleteTimeout != DefaultCompleteTimeout || c.Server == "" || c.Logger == nil {
		t.Fatalf("defaults %+v", c)
	}
}

// Metrics asked for but unreachable fail the run before any call.
func TestRunMetricsUnreachable(t *testing.T) {
	audio := []Recording{{Name: "a", PCM: make([]int16, 160), Rate: 8000}}
	// Port 9 (discard) is not served on loopback here.
	_, err := Run(context.Background(), Config{Sessions: 1, Duration: time.Second, Audio: audio, MetricsURL: "http://127.0.0.1:9/metrics"})
	if err == nil || !strings.Contains(err.Error(), "metrics") {
		t.Fatalf("error %v", err)
	}
}

// An endpoint without the process metrics (not an mrcpd serve) is refused
// by name.
func TestRunMetricsIncomplete(t *testing.T) {
	adm := admin.New(prometheus.NewRegistry(), slog.New(slog.DiscardHandler))
	if err := adm.Listen("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	defer adm.Close(context.Background())
	audio := []Recording{{Name: "a", PCM: make([]int16, 160), Rate: 8000}}
	_, err := Run(context.Background(), Config{Sessions: 1, Duration: time.Second, Audio: audio, MetricsURL: "http://" + adm.Addr() + "/metrics"})
	if err == nil || !strings.Contains(err.Error(), "has no process_cpu_seconds_total") {
		t.Fatalf("error %v", err)
	}
}
