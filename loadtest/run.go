package loadtest

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/mrcpd/mrcpd/sip"
)

// runner is the state shared by the calls of one run.
type runner struct {
	cfg Config
	log *slog.Logger
	rec *recorder
	sip *sip.Client

	// ending is closed when the load reaches its end (Duration, the
	// caller's context, or every call over): the steady window closes.
	ending chan struct{}
	// stopping is closed right after the last sample of the steady
	// window has been taken: no call starts and no recognition begins
	// after it.
	stopping chan struct{}
	// hard ends Drain later: every wait is abandoned and calls hang up.
	hard context.Context
}

// waitUntil sleeps until t; false when the run is stopping.
func (r *runner) waitUntil(t time.Time) bool {
	select {
	case <-r.stopping:
		return false
	default:
	}
	d := time.Until(t)
	if d <= 0 {
		return true
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return true
	case <-r.stopping:
		return false
	}
}

// recordingFor spreads the recordings over calls and cycles so that
// concurrent calls play different ones.
func (r *runner) recordingFor(call, cycle int) Recording {
	n := len(r.cfg.Audio)
	return r.cfg.Audio[(call+cycle*r.cfg.Sessions)%n]
}

// Run performs the load described by cfg and returns what it measured.
// Cancelling ctx ends the load early the way the end of Duration does: no
// new recognitions, those in progress get up to Drain, then every call
// hangs up. Run returns after at most Duration + Drain + the BYE timeout,
// plus a few seconds of server measurements when MetricsURL is set. An
// error means the run could not be made at all (bad configuration, no
// SIP socket, metrics unreachable at the start); failures of individual
// calls are counted in the report.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	host := cfg.LocalHost
	if host == "" {
		host = "127.0.0.1"
	}
	sipc, err := sip.NewClient(sip.ClientConfig{BindHost: host, Transport: cfg.SIPTransport, Logger: cfg.Logger})
	if err != nil {
		return nil, fmt.Errorf("loadtest: %w", err)
	}
	defer sipc.Close()
	cfg.LocalHost = host

	var probe *costProbe
	if cfg.MetricsURL != "" {
		probe = newCostProbe(cfg.MetricsURL)
		if err := probe.measureIdle(ctx, cfg.IdleWindow); err != nil {
			return nil, err
		}
	}

	hard, hardCancel := context.WithCancel(context.Background())
	defer hardCancel()
	r := &runner{cfg: cfg, log: cfg.Logger, rec: newRecorder(), sip: sipc,
		ending: make(chan struct{}), stopping: make(chan struct{}), hard: hard}
	start := time.Now()
	rep := &Report{
		Format:                ReportFormat,
		Started:               start.UTC().Truncate(time.Second),
		Server:                cfg.Server,
		Sessions:              cfg.Sessions,
		DurationSeconds:       cfg.Duration.Seconds(),
		RampSeconds:           cfg.Ramp.Seconds(),
		RecognizeEverySeconds: cfg.RecognizeEvery.Seconds(),
		MediaOnly:             cfg.MediaOnly,
		Grammar:               cfg.Grammar.String(),
		Recordings:            len(cfg.Audio),
	}
	r.log.Info("load test starting", "server", cfg.Server, "sessions", cfg.Sessions, "duration", cfg.Duration,
		"ramp", cfg.Ramp, "every", cfg.RecognizeEvery, "media_only", cfg.MediaOnly)

	callsDone := make(chan struct{})
	controlDone := make(chan struct{})
	probeDone := make(chan struct{})
	stopTimer := time.NewTimer(cfg.Duration)
	defer stopTimer.Stop()
	go func() {
		defer close(controlDone)
		select {
		case <-stopTimer.C:
		case <-ctx.Done():
			r.log.Info("load test interrupted: draining")
		case <-callsDone:
		}
		close(r.ending)
		// Calls hang up soon after stopping; the window's last sample
		// must see them all.
		<-probeDone
		close(r.stopping)
		drain := time.NewTimer(cfg.Drain)
		defer drain.Stop()
		select {
		case <-drain.C:
			r.log.Warn("drain time over: abandoning recognitions in progress")
		case <-callsDone:
		}
		hardCancel()
	}()

	var side sync.WaitGroup
	if probe != nil {
		go func() {
			defer close(probeDone)
			settle := min(cfg.RecognizeEvery, cfg.Duration/4)
			probe.watchSteadyState(r, start.Add(cfg.Ramp+settle))
		}()
	} else {
		close(probeDone)
	}
	if cfg.Progress != nil {
		side.Add(1)
		go func() {
			defer side.Done()
			r.reportProgress(start)
		}()
	}

	var calls sync.WaitGroup
	for i := 0; i < cfg.Sessions; i++ {
		offset := time.Duration(0)
		if cfg.Sessions > 1 {
			offset = cfg.Ramp * time.Duration(i) / time.Duration(cfg.Sessions)
		}
		c := &call{r: r, index: i}
		calls.Add(1)
		go func() {
			defer calls.Done()
			c.run(start.Add(offset))
		}()
	}
	calls.Wait()
	close(callsDone)
	<-controlDone
	side.Wait()
	rep.ElapsedSeconds = time.Since(start).Seconds()
	r.rec.fill(rep)
	if probe != nil {
		probe.measureAfter(r)
		rep.ServerCost, rep.LoadTool = probe.cost()
	}
	r.log.Info("load test finished", "elapsed", time.Since(start), "recognitions", rep.Recognitions)
	return rep, nil
}

// reportProgress prints a line every ProgressEvery until the run stops.
func (r *runner) reportProgress(start time.Time) {
	t := time.NewTicker(r.cfg.ProgressEvery)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			p := r.rec.progress()
			fmt.Fprintf(r.cfg.Progress, "%5.0fs  sessions %d  recognitions %d  errors %d\n",
				time.Since(start).Seconds(), p.sessions, p.completed, p.errors)
		case <-r.stopping:
			return
		}
	}
}
