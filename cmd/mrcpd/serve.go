package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/spf13/cobra"

	"github.com/mrcpd/mrcpd/admin"
	"github.com/mrcpd/mrcpd/config"
	"github.com/mrcpd/mrcpd/mrcp/server"
	"github.com/mrcpd/mrcpd/mrcp/transport"
	"github.com/mrcpd/mrcpd/rtp"
	"github.com/mrcpd/mrcpd/sip"
)

// drainTimeout bounds how long SIGTERM waits for calls in progress.
const drainTimeout = 30 * time.Second

type serveFlags struct {
	config     string
	sets       []string
	bind       string
	sipPort    int
	mrcpPort   int
	rtpPorts   string
	httpListen string
	logLevel   string
}

func newServeCommand() *cobra.Command {
	var f serveFlags
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the MRCPv2 server (SIP, MRCPv2 control, RTP)",
		Long: `Run the MRCPv2 server. Without a config file it listens where a stock UniMRCP
server does (SIP 8060 UDP+TCP, MRCPv2 1544, RTP 5000-6000) and recognises with
the built-in engine that "mrcpd engine" serves on 127.0.0.1:2700.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadServeConfig(cmd, f)
			if err != nil {
				return err
			}
			return serve(cmd.Context(), cfg)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&f.config, "config", "c", "", "YAML config file (docs/configuration.md)")
	fl.StringArrayVar(&f.sets, "set", nil, "override a config key: --set sip.udp_port=5070 (repeatable)")
	fl.StringVar(&f.bind, "bind", "", "bind SIP, MRCPv2 and RTP to this address (sets sip.bind, mrcp.bind, rtp.bind)")
	fl.IntVar(&f.sipPort, "sip-port", 0, "SIP port for UDP and TCP (sets sip.udp_port and sip.tcp_port)")
	fl.IntVar(&f.mrcpPort, "mrcp-port", 0, "MRCPv2 control port (sets mrcp.port)")
	fl.StringVar(&f.rtpPorts, "rtp-ports", "", "RTP port range MIN-MAX (sets rtp.port_min, rtp.port_max)")
	fl.StringVar(&f.httpListen, "http-listen", "", "metrics/health endpoint address (sets http.listen)")
	fl.StringVar(&f.logLevel, "log-level", "", "debug, info, warn or error (sets log.level)")
	return cmd
}

// loadServeConfig applies file, environment, --set and then the dedicated
// flags, which are shorthands for --set.
func loadServeConfig(cmd *cobra.Command, f serveFlags) (config.Config, error) {
	sets := append([]string(nil), f.sets...)
	changed := cmd.Flags().Changed
	if changed("bind") {
		sets = append(sets, "sip.bind="+f.bind, "mrcp.bind="+f.bind, "rtp.bind="+f.bind)
	}
	if changed("sip-port") {
		sets = append(sets, fmt.Sprintf("sip.udp_port=%d", f.sipPort), fmt.Sprintf("sip.tcp_port=%d", f.sipPort))
	}
	if changed("mrcp-port") {
		sets = append(sets, fmt.Sprintf("mrcp.port=%d", f.mrcpPort))
	}
	if changed("rtp-ports") {
		lo, hi, ok := strings.Cut(f.rtpPorts, "-")
		if !ok {
			return config.Config{}, fmt.Errorf("--rtp-ports %q: want MIN-MAX", f.rtpPorts)
		}
		sets = append(sets, "rtp.port_min="+lo, "rtp.port_max="+hi)
	}
	if changed("http-listen") {
		sets = append(sets, "http.listen="+f.httpListen)
	}
	if changed("log-level") {
		sets = append(sets, "log.level="+f.logLevel)
	}
	return config.Load(f.config, os.Environ(), sets)
}

func newLogger(c config.Log) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(c.Level))
	opts := &slog.HandlerOptions{Level: level}
	if c.Format == "json" {
		return slog.New(slog.NewJSONHandler(os.Stderr, opts))
	}
	return slog.New(slog.NewTextHandler(os.Stderr, opts))
}

// serverOptions turns the configuration into server options.
func serverOptions(cfg config.Config, log *slog.Logger, reg prometheus.Registerer) (server.Options, error) {
	rtpHost, err := netip.ParseAddr(cfg.RTP.Bind)
	if err != nil {
		return server.Options{}, fmt.Errorf("rtp.bind %q: %w", cfg.RTP.Bind, err)
	}
	sipCfg := sip.Config{
		BindHost:       cfg.SIP.Bind,
		UDPPort:        cfg.SIP.UDPPort,
		TCPPort:        cfg.SIP.TCPPort,
		AdvertiseHost:  cfg.SIP.Advertise,
		UserAgent:      cfg.SIP.UserAgent,
		SessionExpires: cfg.SIP.SessionExpires,
		MinSE:          cfg.SIP.MinSE,
	}
	if cfg.SIP.SessionExpires == 0 {
		sipCfg.SessionExpires = -1
	}
	return server.Options{
		SIP:           sipCfg,
		MRCP:          transport.Options{MaxMessageSize: cfg.MRCP.MaxMessageSize},
		MRCPAddr:      net.JoinHostPort(cfg.MRCP.Bind, strconv.Itoa(cfg.MRCP.Port)),
		AdvertiseHost: cfg.SIP.Advertise,
		RTP:           rtp.PortPoolOptions{Host: rtpHost, Min: cfg.RTP.PortMin, Max: cfg.RTP.PortMax},
		Media:         rtp.EngineOptions{Shards: cfg.RTP.Shards, Tick: cfg.RTP.Tick, ShardFill: cfg.RTP.ShardFill},
		Codecs:        cfg.RTP.Codecs,
		Latching:      cfg.RTP.Latching,
		IdleTimeout:   cfg.Session.IdleTimeout,
		Logger:        log,
		Registerer:    reg,
	}, nil
}

func serve(ctx context.Context, cfg config.Config) error {
	log := newLogger(cfg.Log)
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))

	opts, err := serverOptions(cfg, log, reg)
	if err != nil {
		return err
	}
	backends, err := newBackends(cfg, log, reg)
	if err != nil {
		return err
	}
	defer backends.Close()
	opts.Speech = backends.speech
	opts.Backend = backends.metrics

	var adm *admin.Server
	if cfg.HTTP.Listen != "" {
		adm = admin.New(reg, log)
		if cfg.HTTP.PProf {
			adm.EnableProfiling()
		}
		backends.registerAdmin(adm)
		if err := adm.Listen(cfg.HTTP.Listen); err != nil {
			return err
		}
		defer adm.Close(context.Background())
	}

	srv, err := server.New(opts)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	// The listeners must outlive the signal: SIGTERM drains calls first and
	// closes them after (Start closes the SIP server when its context ends).
	if err := srv.Start(context.WithoutCancel(ctx)); err != nil {
		return err
	}
	if adm != nil {
		adm.SetReady(srv.Ready)
	}

	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	for {
		select {
		case <-hup:
			if err := backends.reload(); err != nil {
				log.Error("reload failed: the previous models keep serving", "err", err)
			} else {
				log.Info("reload done", "models", backends.models.Names())
			}
			continue
		case <-ctx.Done():
		}
		break
	}
	log.Info("shutting down: draining calls", "timeout", drainTimeout)
	dctx, cancel := context.WithTimeout(context.Background(), drainTimeout)
	left := srv.Drain(dctx)
	cancel()
	if left > 0 {
		log.Warn("drain timed out: ending calls", "sessions", left)
	}
	return srv.Close()
}
