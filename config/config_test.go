package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestDefaultsAreValid(t *testing.T) {
	cfg := Default()
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	// Drop-in ports of a stock UniMRCP server profile.
	if cfg.SIP.UDPPort != 8060 || cfg.SIP.TCPPort != 8060 || cfg.MRCP.Port != 1544 || cfg.RTP.PortMin != 5000 || cfg.RTP.PortMax != 6000 {
		t.Fatalf("defaults are not the UniMRCP ones: %+v", cfg)
	}
}

func TestLoadFileEnvAndSetInOrder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mrcpd.yaml")
	yaml := "sip:\n  udp_port: 5070\n  tcp_port: 5070\nrtp:\n  codecs: [PCMA]\n  tick: 10ms\nmrcp:\n  port: 2000\n"
	if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	env := []string{"MRCPD_MRCP_PORT=3000", "MRCPD_LOG_LEVEL=debug", "HOME=/root", "MRCPD_GOOGLE_CREDENTIALS_FILE=/x"}
	cfg, err := Load(path, env, []string{"mrcp.port=4000", "rtp.codecs=PCMU, L16"})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.SIP.UDPPort != 5070 {
		t.Errorf("file value lost: udp_port=%d", cfg.SIP.UDPPort)
	}
	if cfg.RTP.Tick != 10*time.Millisecond {
		t.Errorf("duration from file: %s", cfg.RTP.Tick)
	}
	if cfg.Log.Level != "debug" {
		t.Errorf("env override lost: %q", cfg.Log.Level)
	}
	if cfg.MRCP.Port != 4000 {
		t.Errorf("--set must win over env and file: %d", cfg.MRCP.Port)
	}
	if strings.Join(cfg.RTP.Codecs, ",") != "PCMU,L16" {
		t.Errorf("list override: %v", cfg.RTP.Codecs)
	}
	if cfg.HTTP.Listen != Default().HTTP.Listen {
		t.Errorf("untouched key changed: %q", cfg.HTTP.Listen)
	}
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	cases := []struct {
		name    string
		path    string
		env     []string
		sets    []string
		wantErr string
	}{
		{"missing file", filepath.Join(dir, "nope.yaml"), nil, nil, "no such file"},
		{"unknown key in file", write("typo.yaml", "sip:\n  udp_prot: 1\n"), nil, nil, "udp_prot"},
		{"bad yaml", write("bad.yaml", "sip: [\n"), nil, nil, "bad.yaml"},
		{"bad env int", "", []string{"MRCPD_SIP_UDP_PORT=abc"}, nil, "MRCPD_SIP_UDP_PORT"},
		{"unknown set key", "", nil, []string{"sip.nope=1"}, "unknown key"},
		{"set without value", "", nil, []string{"sip.udp_port"}, "key=value"},
		{"bad duration", "", nil, []string{"rtp.tick=fast"}, "rtp.tick"},
		{"invalid range", "", nil, []string{"rtp.port_min=7000", "rtp.port_max=6000"}, "rtp.port_min"},
		{"sip port zero", "", nil, []string{"sip.udp_port=0"}, "sip.udp_port 0 out of range"},
		{"bad level", "", nil, []string{"log.level=loud"}, "log.level"},
		{"tiny message size", "", nil, []string{"mrcp.max_message_size=10"}, "max_message_size"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Load(c.path, c.env, c.sets)
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Fatalf("err = %v, want it to mention %q", err, c.wantErr)
			}
		})
	}
}

func TestEmptyFileMeansDefaults(t *testing.T) {
	path := filepath.Join(t.TempDir(), "empty.yaml")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := Load(path, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.MRCP.Port != 1544 {
		t.Fatalf("empty file changed defaults: %+v", cfg.MRCP)
	}
}

// TestDocumentationListsEveryKey keeps docs/configuration.md true: every key
// appears in its table with the default the code uses, and the table names no
// key the code lacks.
func TestDocumentationListsEveryKey(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "docs", "configuration.md"))
	if err != nil {
		t.Fatal(err)
	}
	documented := map[string]string{}
	for _, line := range strings.Split(string(raw), "\n") {
		cells := strings.Split(line, "|")
		if len(cells) < 4 || !strings.HasPrefix(strings.TrimSpace(cells[1]), "`") {
			continue
		}
		key := strings.Trim(strings.TrimSpace(cells[1]), "`")
		documented[key] = strings.Trim(strings.TrimSpace(cells[2]), "`")
	}
	def := Default()
	for _, key := range Keys() {
		want, err := Get(&def, key)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := documented[key]
		if !ok {
			t.Errorf("docs/configuration.md does not document %s (default %q)", key, want)
			continue
		}
		if got != want {
			t.Errorf("docs/configuration.md gives %s default %q, code has %q", key, got, want)
		}
		delete(documented, key)
	}
	for key := range documented {
		t.Errorf("docs/configuration.md documents %s, which is not a key", key)
	}
}
