package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/mrcpd/mrcpd/loadtest"
	"github.com/mrcpd/mrcpd/mrcp/client"
)

// exitRegression is the status of a run slower than its baseline, apart
// from 1 for a run that could not be made.
const exitRegression = 2

type loadtestFlags struct {
	server          string
	transport       string
	localHost       string
	sessions        int
	duration        time.Duration
	ramp            time.Duration
	drain           time.Duration
	audio           string
	grammar         string
	params          []string
	every           time.Duration
	completeTimeout time.Duration
	mediaOnly       bool
	metrics         string
	idleWindow      time.Duration
	baseline        string
	saveBaseline    string
	maxRegression   string
	minDelta        time.Duration
	compare         string
	json            bool
	progress        time.Duration
	verbose         bool
}

func newLoadtestCommand() *cobra.Command { return loadtestCommand(os.Exit) }

// loadtestCommand takes the function that ends the process with a status,
// so that tests can see the regression status without exiting.
func loadtestCommand(exit func(int)) *cobra.Command {
	var f loadtestFlags
	cmd := &cobra.Command{
		Use:   "loadtest --server <addr> --sessions N --duration 60s --audio <wav or dir>",
		Short: "Replay MRCPv2 calls against a server and time every method",
		Long: `Run N simultaneous calls the way FreeSWITCH mod_unimrcp makes them: INVITE,
then every --recognize-every a RECOGNIZE with --grammar while a recording from
--audio streams in real time (20 ms RTP packets) followed by silence, until
RECOGNITION-COMPLETE (STOP after --complete-timeout); BYE at the end. Calls
start spread over --ramp; recognitions stop at --duration and those under way
get --drain to finish.

Prints per method: count, errors, avg, min, max, p50, p90, p99 (ms). With
--baseline it adds the baseline's avg and p90 and the deltas, and exits with
status 2 when a method's p90 or avg is slower than the baseline by more than
--max-regression AND by at least --min-delta (so that noise on sub-millisecond
figures cannot fail a run), or when a method the baseline measured got no
sample at all. --save-baseline writes this run's figures as JSON; --compare
sets such a file against --baseline without generating load.

With --metrics (the server's /metrics URL) it also prints the server's CPU per
session-second and resident memory per session over the steady state. The
recogniser runs in its own process (mrcpd engine): those figures exclude ASR
decoding. See docs/performance-load.md.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			go func() {
				// The first signal drains the run; restoring the default
				// lets a second one end the process at once.
				<-ctx.Done()
				stop()
			}()
			code, err := runLoadtest(ctx, f, cmd.OutOrStdout(), cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			if code != 0 {
				exit(code)
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.server, "server", client.DefaultServer, "SIP address of the MRCPv2 server")
	fl.StringVar(&f.transport, "transport", "udp", "SIP transport: udp or tcp")
	fl.StringVar(&f.localHost, "local-host", "", "local IP address for SIP and RTP (default: the one that reaches the server)")
	fl.IntVar(&f.sessions, "sessions", 10, fmt.Sprintf("simultaneous calls (at most %d)", loadtest.MaxSessions))
	fl.DurationVar(&f.duration, "duration", time.Minute, "how long the load lasts, ramp included")
	fl.DurationVar(&f.ramp, "ramp", 5*time.Second, "calls start spread over this time")
	fl.DurationVar(&f.drain, "drain", loadtest.DefaultDrain, "longest wait for recognitions under way at the end")
	fl.StringVar(&f.audio, "audio", "", "16-bit mono WAV file at 8 or 16 kHz, or a directory of them")
	fl.StringVar(&f.grammar, "grammar", loadtest.DefaultGrammar, "grammar URI, or a grammar file sent once per call with DEFINE-GRAMMAR")
	fl.StringArrayVar(&f.params, "param", nil, "RECOGNIZE header field as name=value (repeatable)")
	fl.DurationVar(&f.every, "recognize-every", loadtest.DefaultRecognizeEvery, "cadence of recognitions in each call")
	fl.DurationVar(&f.completeTimeout, "complete-timeout", loadtest.DefaultCompleteTimeout, "longest wait for RECOGNITION-COMPLETE after the audio; STOP after it")
	fl.BoolVar(&f.mediaOnly, "media-only", false, "stream the recordings at the same cadence without RECOGNIZE")
	fl.StringVar(&f.metrics, "metrics", "", "the server's metrics URL, e.g. http://127.0.0.1:9090/metrics")
	fl.DurationVar(&f.idleWindow, "idle-window", loadtest.DefaultIdleWindow, "with --metrics, how long the idle server is watched before the load")
	fl.StringVar(&f.baseline, "baseline", "", "compare with this saved run; exit 2 on a regression")
	fl.StringVar(&f.saveBaseline, "save-baseline", "", "write this run's figures to this JSON file")
	fl.StringVar(&f.maxRegression, "max-regression", "20%", "slowdown of p90 or avg (percent) that fails a comparison")
	fl.DurationVar(&f.minDelta, "min-delta", loadtest.DefaultRule.MinDelta, "smallest slowdown that can fail a comparison")
	fl.StringVar(&f.compare, "compare", "", "compare this saved run with --baseline instead of running load")
	fl.BoolVar(&f.json, "json", false, "print the report as JSON")
	fl.DurationVar(&f.progress, "progress", 10*time.Second, "print a progress line to stderr this often; 0 for none")
	fl.BoolVarP(&f.verbose, "verbose", "v", false, "log the calls' SIP, MRCP and RTP activity to stderr")
	return cmd
}

// runLoadtest runs (or loads) a report, compares and prints it, and returns
// the exit status: 0, or exitRegression.
func runLoadtest(ctx context.Context, f loadtestFlags, out, errOut io.Writer) (int, error) {
	rule, err := regressionRule(f.maxRegression, f.minDelta)
	if err != nil {
		return 0, err
	}
	var base *loadtest.Report
	if f.baseline != "" {
		if base, err = loadtest.ReadReport(f.baseline); err != nil {
			return 0, err
		}
	}
	var rep *loadtest.Report
	if f.compare != "" {
		if base == nil {
			return 0, errors.New("--compare needs --baseline")
		}
		if rep, err = loadtest.ReadReport(f.compare); err != nil {
			return 0, err
		}
	} else {
		if rep, err = generateLoad(ctx, f, errOut); err != nil {
			return 0, err
		}
	}
	var cmp *loadtest.Comparison
	if base != nil {
		cmp = loadtest.Compare(rep, base, rule, f.baseline)
	}
	if f.json {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		err = enc.Encode(rep)
	} else {
		err = loadtest.WriteText(out, rep)
	}
	if err != nil {
		return 0, err
	}
	if f.compare == "" && rep.SessionsEstablished == 0 {
		// Not saved: an empty baseline would let any later run pass.
		return 0, errors.New("no session could be established")
	}
	if f.saveBaseline != "" {
		if err := rep.WriteFile(f.saveBaseline); err != nil {
			return 0, err
		}
	}
	if cmp != nil && cmp.Regressions > 0 {
		return exitRegression, nil
	}
	return 0, nil
}

func generateLoad(ctx context.Context, f loadtestFlags, errOut io.Writer) (*loadtest.Report, error) {
	if f.audio == "" {
		return nil, errors.New(`required flag "audio" not set (or --compare a saved run)`)
	}
	audio, err := loadtest.LoadRecordings(f.audio)
	if err != nil {
		return nil, err
	}
	params, err := parseParams(f.params)
	if err != nil {
		return nil, err
	}
	body, ctype, uri, err := resolveGrammar(f.grammar)
	if err != nil {
		return nil, err
	}
	local := f.localHost
	if local == "" {
		local = localHostFor(f.server)
	}
	log := slog.New(slog.DiscardHandler)
	if f.verbose {
		log = slog.New(slog.NewTextHandler(errOut, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	cfg := loadtest.Config{
		Server:          f.server,
		SIPTransport:    f.transport,
		LocalHost:       local,
		Sessions:        f.sessions,
		Duration:        f.duration,
		Ramp:            f.ramp,
		Drain:           f.drain,
		RecognizeEvery:  f.every,
		MediaOnly:       f.mediaOnly,
		Grammar:         loadtest.Grammar{URI: uri, Body: body, ContentType: ctype},
		Params:          params,
		Audio:           audio,
		CompleteTimeout: f.completeTimeout,
		MetricsURL:      f.metrics,
		IdleWindow:      f.idleWindow,
		Logger:          log,
	}
	if f.progress > 0 {
		cfg.Progress, cfg.ProgressEvery = errOut, f.progress
	}
	return loadtest.Run(ctx, cfg)
}

// regressionRule reads --max-regression ("20%", or "20" meaning percent).
func regressionRule(maxRegression string, minDelta time.Duration) (loadtest.Rule, error) {
	v := strings.TrimSuffix(strings.TrimSpace(maxRegression), "%")
	p, err := strconv.ParseFloat(v, 64)
	if err != nil || p < 0 || p > 10000 || p != p {
		return loadtest.Rule{}, fmt.Errorf("--max-regression %q: want a percentage such as 20%%", maxRegression)
	}
	if minDelta < 0 {
		return loadtest.Rule{}, fmt.Errorf("--min-delta %v: want 0 or more", minDelta)
	}
	return loadtest.Rule{MaxRegression: p / 100, MinDelta: minDelta}, nil
}
