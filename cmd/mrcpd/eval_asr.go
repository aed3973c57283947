package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/spf13/cobra"

	"github.com/mrcpd/mrcpd/asr/sphinx"
	"github.com/mrcpd/mrcpd/bargein/eval"
	"github.com/mrcpd/mrcpd/config"
	"github.com/mrcpd/mrcpd/engine"
	"github.com/mrcpd/mrcpd/mrcp"
	"github.com/mrcpd/mrcpd/mrcp/client"
	"github.com/mrcpd/mrcpd/mrcp/server"
	"github.com/mrcpd/mrcpd/nlsml"
	"github.com/mrcpd/mrcpd/sip"
)

type evalASROptions struct {
	shared      string
	speechDir   string
	utterances  int
	seed        uint64
	server      string
	engineURL   string
	concurrency int
	rtpMin      int
	rtpMax      int
	grammar     string
	params      []string
	lead        time.Duration
	timeout     time.Duration
}

func newEvalASRCommand() *cobra.Command {
	var o evalASROptions
	cmd := &cobra.Command{
		Use:   "asr",
		Short: "Speech path on real recordings: digit accuracy, START-OF-INPUT and result latency, completion causes",
		Long: `Streams a sample of the FSDD spoken-digit recordings (8 kHz, one digit each)
through a real MRCPv2 server as a telephone would: one session per worker, for
each recording a RECOGNIZE against the digits grammar, then the recording in
real time after a lead of silence, with silence flowing until
RECOGNITION-COMPLETE. Without --server it starts the server in this process
with the default configuration and the built-in engine (or the one at
--engine). Reports digit accuracy, the START-OF-INPUT latency after the speech
onset of the file (the first 5 ms frame within 25 dB of the loudest), the
latency from the end of speech to RECOGNITION-COMPLETE, and the completion
causes, as Markdown. The sample is fixed by --seed.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runEvalASR(cmd.Context(), cmd.OutOrStdout(), o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.shared, "shared", "", "shared data directory (default: ../shared beside the repository)")
	f.StringVar(&o.speechDir, "speech", "", "directory of FSDD recordings <digit>_<speaker>_<n>.wav (default: <shared>/data/fsdd/recordings)")
	f.IntVar(&o.utterances, "utterances", 300, "recordings to stream, drawn at random with --seed (0 = all)")
	f.Uint64Var(&o.seed, "seed", 1, "seed of the sample")
	f.StringVar(&o.server, "server", "", "SIP address of a running server (default: start one in this process)")
	f.StringVar(&o.engineURL, "engine", "", "websocket URL of a running engine for the in-process server (default: start the built-in one)")
	f.IntVar(&o.concurrency, "concurrency", 4, "sessions streaming at once")
	f.IntVar(&o.rtpMin, "rtp-min", 20000, "lowest RTP port of the in-process server")
	f.IntVar(&o.rtpMax, "rtp-max", 20199, "highest RTP port of the in-process server")
	f.StringVar(&o.grammar, "grammar", "builtin:grammar/digits", "grammar URI of every RECOGNIZE")
	f.StringArrayVar(&o.params, "param", nil, "RECOGNIZE header field as name=value (repeatable)")
	f.DurationVar(&o.lead, "lead", 500*time.Millisecond, "silence streamed before each recording")
	f.DurationVar(&o.timeout, "timeout", 15*time.Second, "longest wait for one recognition")
	return cmd
}

// asrTrial is the outcome of one recording.
type asrTrial struct {
	name     string
	label    string // the digit spoken
	cause    int    // Completion-Cause code, -1 when none came
	instance string
	soi      time.Duration // START-OF-INPUT after the onset
	soiOK    bool
	done     time.Duration // RECOGNITION-COMPLETE after the end of speech
	doneOK   bool
	err      error
}

func runEvalASR(ctx context.Context, w io.Writer, o evalASROptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	if o.utterances < 0 {
		return fmt.Errorf("--utterances %d is negative", o.utterances)
	}
	if o.concurrency < 1 || o.concurrency > 64 {
		return fmt.Errorf("--concurrency %d outside 1-64", o.concurrency)
	}
	if o.lead < 0 || o.timeout <= 0 {
		return errors.New("--lead must be >= 0 and --timeout > 0")
	}
	if o.server == "" && (o.rtpMin < 1024 || o.rtpMax > 65535 || o.rtpMax-o.rtpMin < 2*o.concurrency) {
		return fmt.Errorf("--rtp-min/--rtp-max %d-%d: want ports above 1023 with room for %d sessions", o.rtpMin, o.rtpMax, o.concurrency)
	}
	headers, err := parseParams(o.params)
	if err != nil {
		return err
	}
	if o.speechDir == "" {
		if o.shared == "" {
			if o.shared, err = eval.SharedDir(); err != nil {
				return fmt.Errorf("%w; pass --shared or --speech", err)
			}
		}
		o.speechDir = eval.SpeechDir(o.shared)
	}
	utts, err := sampleUtterances(o.speechDir, o.utterances, o.seed)
	if err != nil {
		return err
	}
	target, where := o.server, o.server
	if target == "" {
		srv, stop, err := startEvalServer(ctx, o)
		if err != nil {
			return err
		}
		defer stop()
		target, where = srv.SIPUDPAddr(), "in-process server"
		if o.engineURL != "" {
			where += ", engine " + o.engineURL
		} else {
			where += ", built-in engine"
		}
	}
	start := time.Now()
	trials := streamTrials(ctx, target, utts, headers, o)
	took := time.Since(start)
	fmt.Fprintf(w, "%d utterances from %s (seed %d), %s, grammar %s, %d sessions, %v\n\n",
		len(trials), o.speechDir, o.seed, where, o.grammar, o.concurrency, took.Round(time.Second))
	return writeASRReport(w, trials)
}

// sampleUtterances draws n recordings at random (all when n is 0 or more
// than there are) and labels them from their names.
func sampleUtterances(dir string, n int, seed uint64) ([]eval.Utterance, error) {
	all, err := eval.LoadUtterances(dir, 0)
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	rng.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
	if n > 0 && n < len(all) {
		all = all[:n]
	}
	for _, u := range all {
		if _, ok := digitLabel(u.Name); !ok {
			return nil, fmt.Errorf("%s: not an FSDD name <digit>_<speaker>_<n>.wav", filepath.Join(dir, u.Name))
		}
	}
	return all, nil
}

func digitLabel(name string) (string, bool) {
	if len(name) < 2 || name[0] < '0' || name[0] > '9' || name[1] != '_' {
		return "", false
	}
	return name[:1], true
}

// startEvalServer runs mrcpd in this process as `mrcpd serve` would with
// the default configuration, on loopback and ephemeral ports, backed by
// the built-in engine (started here unless --engine names one).
func startEvalServer(ctx context.Context, o evalASROptions) (*server.Server, func(), error) {
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	var stops []func()
	stop := func() {
		for i := len(stops) - 1; i >= 0; i-- {
			stops[i]()
		}
	}
	engineURL := o.engineURL
	if engineURL == "" {
		pool, err := sphinx.NewPool(sphinx.PoolConfig{Grammar: o.concurrency, Logger: log})
		if err != nil {
			return nil, nil, err
		}
		stops = append(stops, pool.Close)
		eng, err := engine.New(engine.Options{Pool: pool, Logger: log})
		if err != nil {
			stop()
			return nil, nil, err
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			stop()
			return nil, nil, err
		}
		engCtx, cancel := context.WithCancel(ctx)
		served := make(chan struct{})
		go func() {
			defer close(served)
			if err := eng.Serve(engCtx, ln); err != nil && !errors.Is(err, context.Canceled) {
				log.Warn("engine stopped", "err", err)
			}
		}()
		stops = append(stops, func() { cancel(); <-served })
		engineURL = "ws://" + ln.Addr().String()
	}
	cfg := config.Default()
	cfg.Log.Level = "warn"
	cfg.SIP.Bind, cfg.SIP.UDPPort, cfg.SIP.TCPPort = "127.0.0.1", sip.PortAny, sip.PortAny
	cfg.MRCP.Bind, cfg.MRCP.Port = "127.0.0.1", 0
	cfg.RTP.Bind, cfg.RTP.PortMin, cfg.RTP.PortMax = "127.0.0.1", o.rtpMin, o.rtpMax
	cfg.Recognizer.URL = engineURL
	reg := prometheus.NewRegistry()
	opts, err := serverOptions(cfg, log, reg)
	if err != nil {
		stop()
		return nil, nil, err
	}
	b, err := newBackends(cfg, log, reg)
	if err != nil {
		stop()
		return nil, nil, err
	}
	opts.Speech, opts.Backend = b.speech, b.metrics
	srv, err := server.New(opts)
	if err != nil {
		stop()
		return nil, nil, err
	}
	if err := srv.Start(ctx); err != nil {
		stop()
		return nil, nil, err
	}
	stops = append(stops, func() { srv.Close() })
	return srv, stop, nil
}

// streamTrials runs the recordings over o.concurrency sessions.
func streamTrials(ctx context.Context, target string, utts []eval.Utterance, headers []mrcp.Field, o evalASROptions) []asrTrial {
	jobs := make(chan int)
	trials := make([]asrTrial, len(utts))
	var wg sync.WaitGroup
	for range min(o.concurrency, len(utts)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := &asrWorker{target: target, headers: headers, o: o}
			defer w.hangUp()
			for i := range jobs {
				trials[i] = w.run(ctx, utts[i])
			}
		}()
	}
	for i := range utts {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	return trials
}

// asrWorker is one caller: a session kept across its recordings, as an IVR
// call asks several questions, redialled after a failure.
type asrWorker struct {
	target  string
	headers []mrcp.Field
	o       evalASROptions
	sess    *client.Session
	ch      *client.Channel
	events  chan stampedEvent
}

type stampedEvent struct {
	m  *mrcp.Message
	at time.Time
}

func (w *asrWorker) dial(ctx context.Context) error {
	dctx, cancel := context.WithTimeout(ctx, w.o.timeout)
	defer cancel()
	sess, err := client.Dial(dctx, client.Options{Server: w.target, LocalHost: localHostFor(w.target)})
	if err != nil {
		return err
	}
	w.sess, w.ch = sess, sess.Channel(mrcp.ResourceSpeechRecog)
	if w.ch == nil {
		w.hangUp()
		return errors.New("the server allocated no speechrecog channel")
	}
	// Events are stamped as they arrive; the channel holds more than a
	// recognition produces, and the reader never blocks the session.
	w.events = make(chan stampedEvent, 64)
	in, out := w.ch.Events(), w.events
	go func() {
		defer close(out)
		for m := range in {
			select {
			case out <- stampedEvent{m: m, at: time.Now()}:
			default:
			}
		}
	}()
	// A phone line carries silence between questions.
	sess.Silence(24 * time.Hour)
	return nil
}

func (w *asrWorker) hangUp() {
	if w.sess == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	w.sess.Close(ctx)
	w.sess, w.ch = nil, nil
}

func (w *asrWorker) run(ctx context.Context, u eval.Utterance) asrTrial {
	tr := asrTrial{name: u.Name, cause: -1}
	tr.label, _ = digitLabel(u.Name)
	if w.sess == nil {
		if tr.err = w.dial(ctx); tr.err != nil {
			return tr
		}
	}
	// After a failure the session may still hold the recognition that
	// failed; the next recording gets a fresh call.
	if tr.err = w.recognize(ctx, u, &tr); tr.err != nil {
		w.hangUp()
	}
	return tr
}

func (w *asrWorker) recognize(ctx context.Context, u eval.Utterance, tr *asrTrial) error {
	ctx, cancel := context.WithTimeout(ctx, w.o.timeout)
	defer cancel()
	// Events of an earlier recognition that came late are not this one's.
	for drained := false; !drained; {
		select {
		case _, ok := <-w.events:
			drained = !ok
		default:
			drained = true
		}
	}
	rec := w.ch.NewRequest(mrcp.MethodRecognize)
	for _, h := range w.headers {
		rec.Header.Set(h.Name, h.Value)
	}
	if !rec.Header.Has(mrcp.HdrCancelIfQueue) {
		rec.Header.Set(mrcp.HdrCancelIfQueue, "false")
	}
	rec.Header.Set(mrcp.HdrContentType, "text/uri-list")
	rec.Body = []byte(w.o.grammar)
	resp, err := w.ch.Do(ctx, rec)
	if err != nil {
		return err
	}
	if resp.StatusCode != 200 || resp.State != mrcp.StateInProgress {
		cause, _ := resp.Header.Get(mrcp.HdrCompletionCause)
		return fmt.Errorf("RECOGNIZE answered %d %s %s", resp.StatusCode, resp.State, cause)
	}
	audio := make([]int16, int(w.o.lead.Seconds()*8000), int(w.o.lead.Seconds()*8000)+len(u.PCM))
	audio = append(audio, u.PCM...)
	playCtx, stopPlay := context.WithCancel(ctx)
	played := make(chan error, 1)
	go func() { played <- w.sess.PlayPCM(playCtx, audio, 8000, true) }()
	defer func() {
		stopPlay()
		<-played
	}()
	var soiAt time.Time
	for {
		select {
		case <-ctx.Done():
			return fmt.Errorf("no RECOGNITION-COMPLETE within %v", w.o.timeout)
		case ev, ok := <-w.events:
			if !ok {
				return fmt.Errorf("session ended: %v", w.ch.Err())
			}
			if ev.m.RequestID != rec.RequestID {
				continue
			}
			switch ev.m.Name {
			case mrcp.EventStartOfInput:
				soiAt = ev.at
			case mrcp.EventRecognitionComplete:
				w.score(ev, soiAt, u, audio, tr)
				return nil
			}
		}
	}
}

// score reads the completion and dates it against the recording: the
// client paces real-time frames from the first packet, so sample i left
// i/8000 s after it.
func (w *asrWorker) score(ev stampedEvent, soiAt time.Time, u eval.Utterance, audio []int16, tr *asrTrial) {
	if c, err := mrcp.ParseCompletionCause(headerValue(ev.m, mrcp.HdrCompletionCause)); err == nil {
		tr.cause = c.Code
	}
	if res, err := nlsml.Parse(ev.m.Body); err == nil && len(res.Interpretations) > 0 {
		tr.instance = res.Interpretations[0].Instance.String()
	}
	first := w.sess.Playback().FirstPacket
	if first.IsZero() {
		return
	}
	lead := len(audio) - len(u.PCM)
	at := func(sample int) time.Time { return first.Add(time.Duration(lead+sample) * time.Second / 8000) }
	// Without START-OF-INPUT the server heard no speech and the end of the
	// recording did not end anything.
	if !soiAt.IsZero() {
		tr.soi, tr.soiOK = soiAt.Sub(at(u.Onset)), true
		tr.done, tr.doneOK = ev.at.Sub(at(u.Offset)), true
	}
}

func headerValue(m *mrcp.Message, name string) string {
	v, _ := m.Header.Get(name)
	return v
}

// writeASRReport prints the figures as Markdown tables.
func writeASRReport(w io.Writer, trials []asrTrial) error {
	var correct, failed int
	var soi, done []time.Duration
	causes := map[int]int{}
	perDigit := map[string][2]int{}
	var errs []string
	for _, tr := range trials {
		if tr.err != nil {
			failed++
			errs = append(errs, tr.name+": "+tr.err.Error())
			continue
		}
		causes[tr.cause]++
		ok := tr.cause == mrcp.CauseSuccess.Code && tr.instance == tr.label
		d := perDigit[tr.label]
		d[0]++
		if ok {
			correct++
			d[1]++
		}
		perDigit[tr.label] = d
		if tr.soiOK {
			soi = append(soi, tr.soi)
		}
		if tr.doneOK {
			done = append(done, tr.done)
		}
	}
	n := len(trials)
	fmt.Fprintf(w, "Digit accuracy: %d/%d (%.1f %%): Completion-Cause 000 with the spoken digit as the instance.\n\n", correct, n, pct(correct, n))
	fmt.Fprintln(w, "| latency | n | p50 ms | p90 ms | p95 ms | p99 ms | max ms |")
	fmt.Fprintln(w, "| --- | --- | --- | --- | --- | --- | --- |")
	for _, row := range []struct {
		name string
		d    []time.Duration
	}{
		{"START-OF-INPUT after the speech onset", soi},
		{"RECOGNITION-COMPLETE after the end of speech", done},
	} {
		fmt.Fprintf(w, "| %s | %d | %d | %d | %d | %d | %d |\n", row.name, len(row.d),
			eval.Percentile(row.d, 50).Milliseconds(), eval.Percentile(row.d, 90).Milliseconds(),
			eval.Percentile(row.d, 95).Milliseconds(), eval.Percentile(row.d, 99).Milliseconds(),
			eval.Percentile(row.d, 100).Milliseconds())
	}
	fmt.Fprintln(w, "\n| Completion-Cause | count | share |")
	fmt.Fprintln(w, "| --- | --- | --- |")
	codes := make([]int, 0, len(causes))
	for c := range causes {
		codes = append(codes, c)
	}
	sort.Ints(codes)
	for _, c := range codes {
		fmt.Fprintf(w, "| %s | %d | %.1f %% |\n", causeName(c), causes[c], pct(causes[c], n))
	}
	if failed > 0 {
		fmt.Fprintf(w, "| (no completion: session or request failed) | %d | %.1f %% |\n", failed, pct(failed, n))
	}
	fmt.Fprintln(w, "\n| digit | n | correct |")
	fmt.Fprintln(w, "| --- | --- | --- |")
	for digit := '0'; digit <= '9'; digit++ {
		if d, ok := perDigit[string(digit)]; ok {
			fmt.Fprintf(w, "| %c | %d | %.0f %% |\n", digit, d[0], pct(d[1], d[0]))
		}
	}
	if len(errs) > 0 {
		fmt.Fprintln(w, "\nFailures:")
		for _, e := range errs[:min(len(errs), 10)] {
			fmt.Fprintln(w, "  "+e)
		}
		return fmt.Errorf("%d of %d recognitions failed", failed, n)
	}
	return nil
}

func causeName(code int) string {
	if code < 0 {
		return "(none)"
	}
	for _, c := range []mrcp.CompletionCause{mrcp.CauseSuccess, mrcp.CauseNoMatch, mrcp.CauseNoInputTimeout,
		mrcp.CauseHotwordMaxtime, mrcp.CauseGrammarLoadFailure, mrcp.CauseGrammarCompilationFailure,
		mrcp.CauseRecognizerError, mrcp.CauseSpeechTooEarly, mrcp.CauseSuccessMaxtime, mrcp.CauseURIFailure,
		mrcp.CauseLanguageUnsupported, mrcp.CauseCancelled, mrcp.CauseSemanticsFailure, mrcp.CausePartialMatch,
		mrcp.CausePartialMatchMaxtime, mrcp.CauseNoMatchMaxtime, mrcp.CauseGrammarDefinitionFailure} {
		if c.Code == code {
			return c.String()
		}
	}
	return fmt.Sprintf("%03d", code)
}

func pct(n, of int) float64 {
	if of == 0 {
		return 0
	}
	return 100 * float64(n) / float64(of)
}
