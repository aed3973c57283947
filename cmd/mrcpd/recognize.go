package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/mrcpd/mrcpd/mrcp"
	"github.com/mrcpd/mrcpd/mrcp/client"
)

// recognizeGrace is how long RECOGNITION-COMPLETE is waited for after the
// audio when --timeout is not given.
const recognizeGrace = 30 * time.Second

// grammarContentID names a grammar file sent with DEFINE-GRAMMAR; RECOGNIZE
// refers to it as session:<id> (RFC 6787 §9.6).
const grammarContentID = "grammar1@mrcpd-recognize"

type recognizeFlags struct {
	server    string
	grammar   string
	wav       string
	transport string
	localHost string
	params    []string
	realtime  bool
	fast      bool
	timeout   time.Duration
	json      bool
	verbose   bool
}

func newRecognizeCommand() *cobra.Command {
	var f recognizeFlags
	cmd := &cobra.Command{
		Use:   "recognize --grammar <uri-or-file> --wav <file.wav>",
		Short: "Recognise a WAV file on an MRCPv2 server, as FreeSWITCH would",
		Long: `Open an MRCPv2 session the way FreeSWITCH mod_unimrcp does (SIP INVITE, TCP
control channel, RTP), load the grammar, send RECOGNIZE, stream the WAV file as
RTP and print the events, the completion cause, the result and the timings, then
hang up. A grammar file is sent with DEFINE-GRAMMAR; anything else is taken for
a URI (builtin:grammar/boolean, http://...). Exits non-zero when the session or
the recognition fails; no-match is a result, not a failure.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if f.realtime && f.fast {
				return errors.New("--realtime and --fast exclude each other")
			}
			return runRecognize(cmd.Context(), f, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.server, "server", client.DefaultServer, "SIP address of the MRCPv2 server")
	fl.StringVar(&f.grammar, "grammar", "", "grammar file (SRGS XML or ABNF) or URI (required)")
	fl.StringVar(&f.wav, "wav", "", "16-bit mono WAV file at 8 or 16 kHz (required)")
	fl.StringVar(&f.transport, "transport", "udp", "SIP transport: udp or tcp")
	fl.StringVar(&f.localHost, "local-host", "", "local IP address for SIP and RTP (default: the one that reaches the server)")
	fl.StringArrayVar(&f.params, "param", nil, "RECOGNIZE header field as name=value (repeatable)")
	fl.BoolVar(&f.realtime, "realtime", false, "send audio in real time, 20 ms per packet (the default)")
	fl.BoolVar(&f.fast, "fast", false, fmt.Sprintf("send audio %dx faster than real time", client.FastFactor))
	fl.DurationVar(&f.timeout, "timeout", 0, fmt.Sprintf("give up after this long (default: audio length + %s)", recognizeGrace))
	fl.BoolVar(&f.json, "json", false, "print one JSON report instead of text")
	fl.BoolVarP(&f.verbose, "verbose", "v", false, "log SIP, MRCP and RTP activity to stderr")
	cmd.MarkFlagRequired("grammar")
	cmd.MarkFlagRequired("wav")
	return cmd
}

// recognizeReport is what the command found out; --json prints it whole.
type recognizeReport struct {
	Server           string         `json:"server"`
	Channel          string         `json:"channel,omitempty"`
	Codec            string         `json:"codec,omitempty"`
	Grammar          string         `json:"grammar"`
	Audio            audioReport    `json:"audio"`
	Messages         []messageEntry `json:"messages"`
	CompletionCause  string         `json:"completion_cause,omitempty"`
	CompletionReason string         `json:"completion_reason,omitempty"`
	ResultType       string         `json:"result_content_type,omitempty"`
	Result           string         `json:"result,omitempty"`
	Timings          timingsReport  `json:"timings_ms"`
	Error            string         `json:"error,omitempty"`
}

type audioReport struct {
	File       string  `json:"file"`
	Seconds    float64 `json:"seconds"`
	SampleRate int     `json:"sample_rate"`
	Realtime   bool    `json:"realtime"`
	Truncated  bool    `json:"truncated,omitempty"` // the result came before the audio ended
}

// messageEntry is one MRCP response or event, at its time after the INVITE.
type messageEntry struct {
	AtMillis  float64           `json:"at_ms"`
	Kind      string            `json:"kind"`
	Name      string            `json:"name"`
	RequestID uint32            `json:"request_id"`
	Status    int               `json:"status,omitempty"`
	State     string            `json:"state"`
	Headers   map[string]string `json:"headers,omitempty"`
}

type timingsReport struct {
	InviteTo200               *float64 `json:"invite_to_200,omitempty"`
	RecognizeToInProgress     *float64 `json:"recognize_to_in_progress,omitempty"`
	AudioStartToStartOfInput  *float64 `json:"audio_start_to_start_of_input,omitempty"`
	AudioEndToRecognitionDone *float64 `json:"audio_end_to_recognition_complete,omitempty"`
}

func millis(d time.Duration) *float64 {
	v := float64(d.Microseconds()) / 1000
	return &v
}

// recognizeRun carries one run's state and output.
type recognizeRun struct {
	f      recognizeFlags
	out    io.Writer
	start  time.Time
	mu     sync.Mutex
	report recognizeReport
}

// say prints a line unless the output is JSON.
func (r *recognizeRun) say(format string, args ...any) {
	if !r.f.json {
		fmt.Fprintf(r.out, format+"\n", args...)
	}
}

func (r *recognizeRun) record(m *mrcp.Message, at time.Time) {
	e := messageEntry{
		AtMillis:  float64(at.Sub(r.start).Microseconds()) / 1000,
		Kind:      m.Kind.String(),
		Name:      m.Name,
		RequestID: m.RequestID,
		Status:    m.StatusCode,
		State:     m.State.String(),
	}
	for _, fl := range m.Header.Fields() {
		if e.Headers == nil {
			e.Headers = map[string]string{}
		}
		e.Headers[fl.Name] = fl.Value
	}
	r.mu.Lock()
	r.report.Messages = append(r.report.Messages, e)
	r.mu.Unlock()
}

func runRecognize(ctx context.Context, f recognizeFlags, out, errOut io.Writer) error {
	r := &recognizeRun{f: f, out: out, report: recognizeReport{Server: f.server, Grammar: f.grammar}}
	err := r.run(ctx, errOut)
	if err != nil {
		r.report.Error = err.Error()
	}
	if f.json {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		if jerr := enc.Encode(&r.report); jerr != nil && err == nil {
			err = jerr
		}
	}
	return err
}

func (r *recognizeRun) run(ctx context.Context, errOut io.Writer) error {
	f := r.f
	headers, err := parseParams(f.params)
	if err != nil {
		return err
	}
	pcm, rate, err := client.ReadWAV(f.wav)
	if err != nil {
		return err
	}
	audioLen := time.Duration(len(pcm)) * time.Second / time.Duration(rate)
	r.report.Audio = audioReport{File: f.wav, Seconds: audioLen.Seconds(), SampleRate: rate, Realtime: !f.fast}
	grammarFile, grammarType, grammarURI, err := resolveGrammar(f.grammar)
	if err != nil {
		return err
	}
	timeout := f.timeout
	if timeout <= 0 {
		timeout = audioLen + recognizeGrace
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	log := slog.New(slog.DiscardHandler)
	if f.verbose {
		log = slog.New(slog.NewTextHandler(errOut, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	local := f.localHost
	if local == "" {
		local = localHostFor(f.server)
	}
	r.start = time.Now()
	sess, err := client.Dial(ctx, client.Options{Server: f.server, SIPTransport: f.transport, LocalHost: local, Logger: log})
	if err != nil {
		return err
	}
	defer func() {
		cctx, ccancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer ccancel()
		if err := sess.Close(cctx); err != nil {
			r.say("BYE: %v", err)
		}
	}()
	setup := sess.Setup()
	ch := sess.Channel(mrcp.ResourceSpeechRecog)
	r.report.Channel, r.report.Codec = ch.ID().String(), sess.Codec()
	r.report.Timings.InviteTo200 = millis(setup.Answered.Sub(setup.InviteSent))
	r.say("INVITE %s: 200 OK in %s, channel %s, %s", f.server, fmtDur(setup.Answered.Sub(setup.InviteSent)), ch.ID(), sess.Codec())

	if grammarFile != nil {
		def := ch.NewRequest(mrcp.MethodDefineGrammar)
		def.Header.Set(mrcp.HdrContentType, grammarType)
		def.Header.Set(mrcp.HdrContentID, grammarContentID)
		def.Body = grammarFile
		resp, err := ch.Do(ctx, def)
		if err != nil {
			return err
		}
		r.record(resp, time.Now())
		cause, _ := resp.Header.Get(mrcp.HdrCompletionCause)
		r.say("DEFINE-GRAMMAR %d: %d %s %s", def.RequestID, resp.StatusCode, resp.State, cause)
		if resp.StatusCode >= 300 {
			r.report.CompletionCause = cause
			return fmt.Errorf("DEFINE-GRAMMAR refused: %d %s", resp.StatusCode, cause)
		}
		grammarURI = "session:" + grammarContentID
	}

	rec := ch.NewRequest(mrcp.MethodRecognize)
	for _, h := range headers {
		rec.Header.Set(h.Name, h.Value)
	}
	if !rec.Header.Has(mrcp.HdrCancelIfQueue) {
		// RFC 6787 §9.4.27 makes it mandatory in RECOGNIZE; false is what
		// mod_unimrcp sends.
		rec.Header.Set(mrcp.HdrCancelIfQueue, "false")
	}
	rec.Header.Set(mrcp.HdrContentType, "text/uri-list")
	rec.Body = []byte(grammarURI)
	events := ch.Events()
	sent := time.Now()
	resp, err := ch.Do(ctx, rec)
	if err != nil {
		return err
	}
	r.record(resp, time.Now())
	r.report.Timings.RecognizeToInProgress = millis(time.Since(sent))
	r.say("RECOGNIZE %d: %d %s in %s", rec.RequestID, resp.StatusCode, resp.State, fmtDur(time.Since(sent)))
	if resp.StatusCode >= 300 || resp.State == mrcp.StateComplete {
		cause, _ := resp.Header.Get(mrcp.HdrCompletionCause)
		r.report.CompletionCause = cause
		return fmt.Errorf("RECOGNIZE refused: %d %s %s", resp.StatusCode, resp.State, cause)
	}

	playCtx, stopPlay := context.WithCancel(ctx)
	defer stopPlay()
	played := make(chan error, 1)
	go func() {
		err := sess.PlayPCM(playCtx, pcm, rate, !f.fast)
		// Keep the stream alive while the recogniser decides, as a phone
		// line would.
		sess.Silence(timeout)
		played <- err
	}()
	mode := "real time"
	if f.fast {
		mode = fmt.Sprintf("%dx real time", client.FastFactor)
	}
	r.say("audio: %s, %.2f s at %d Hz, %s", f.wav, audioLen.Seconds(), rate, mode)

	done, err := r.awaitCompletion(ctx, events, rec.RequestID, sess)
	stopPlay()
	if perr := <-played; perr != nil && !errors.Is(perr, context.Canceled) && err == nil {
		err = perr
	}
	sess.Silence(0)
	if err != nil {
		return err
	}
	return r.conclude(done)
}

// awaitCompletion prints events until RECOGNITION-COMPLETE of request id.
func (r *recognizeRun) awaitCompletion(ctx context.Context, events <-chan *mrcp.Message, id uint32, sess *client.Session) (*mrcp.Message, error) {
	for {
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("no RECOGNITION-COMPLETE: %w", ctx.Err())
		case m, ok := <-events:
			if !ok {
				return nil, errors.New("the control channel ended before RECOGNITION-COMPLETE")
			}
			at := time.Now()
			r.record(m, at)
			pb := sess.Playback()
			switch {
			case m.Name == mrcp.EventStartOfInput && m.RequestID == id && !pb.FirstPacket.IsZero():
				d := at.Sub(pb.FirstPacket)
				r.report.Timings.AudioStartToStartOfInput = millis(d)
				r.say("%s %d %s: %s after the audio started", m.Name, m.RequestID, m.State, fmtDur(d))
			case m.Name == mrcp.EventRecognitionComplete && m.RequestID == id:
				switch {
				case pb.LastPacket.IsZero():
					r.report.Audio.Truncated = true
					r.say("%s %d %s: before any audio", m.Name, m.RequestID, m.State)
				case !pb.Done:
					r.report.Audio.Truncated = true
					r.say("%s %d %s: before the audio ended", m.Name, m.RequestID, m.State)
				default:
					d := at.Sub(pb.LastPacket)
					r.report.Timings.AudioEndToRecognitionDone = millis(d)
					r.say("%s %d %s: %s after the audio ended", m.Name, m.RequestID, m.State, fmtDur(d))
				}
				return m, nil
			default:
				r.say("%s %d %s", m.Name, m.RequestID, m.State)
			}
		}
	}
}

// conclude prints the outcome; a cause that means the recogniser could not
// do its work is a failure, an answer (a match or no match) is not.
func (r *recognizeRun) conclude(done *mrcp.Message) error {
	causeText, _ := done.Header.Get(mrcp.HdrCompletionCause)
	reason, _ := done.Header.Get(mrcp.HdrCompletionReason)
	ctype, _ := done.Header.Get(mrcp.HdrContentType)
	r.report.CompletionCause = strings.TrimSpace(causeText)
	r.report.CompletionReason = strings.TrimSpace(reason)
	r.report.ResultType = strings.TrimSpace(ctype)
	r.report.Result = string(done.Body)
	r.say("Completion-Cause: %s", r.report.CompletionCause)
	if reason != "" {
		r.say("Completion-Reason: %s", r.report.CompletionReason)
	}
	if len(done.Body) > 0 {
		r.say("result (%s):\n%s", r.report.ResultType, strings.TrimRight(string(done.Body), "\r\n"))
	}
	t := r.report.Timings
	r.say("timings:")
	r.sayTiming("INVITE to 200 OK", t.InviteTo200)
	r.sayTiming("RECOGNIZE to IN-PROGRESS", t.RecognizeToInProgress)
	r.sayTiming("audio start to START-OF-INPUT", t.AudioStartToStartOfInput)
	r.sayTiming("audio end to RECOGNITION-COMPLETE", t.AudioEndToRecognitionDone)
	cause, err := mrcp.ParseCompletionCause(causeText)
	if err != nil {
		return fmt.Errorf("RECOGNITION-COMPLETE without a usable Completion-Cause: %q", causeText)
	}
	if !answered(cause) {
		return fmt.Errorf("recognition failed: %s", r.report.CompletionCause)
	}
	return nil
}

func (r *recognizeRun) sayTiming(what string, ms *float64) {
	if ms == nil {
		r.say("  %-36s -", what)
		return
	}
	r.say("  %-36s %.1f ms", what, *ms)
}

// answered reports whether a recogniser cause (RFC 6787 §9.4.11) is an
// answer about the speech, matched or not, rather than a failure to listen.
func answered(c mrcp.CompletionCause) bool {
	switch c.Code {
	case mrcp.CauseSuccess.Code, mrcp.CauseNoMatch.Code, mrcp.CauseSuccessMaxtime.Code,
		mrcp.CausePartialMatch.Code, mrcp.CausePartialMatchMaxtime.Code, mrcp.CauseNoMatchMaxtime.Code:
		return true
	}
	return false
}

// parseParams turns --param name=value into header fields.
func parseParams(params []string) ([]mrcp.Field, error) {
	var out []mrcp.Field
	for _, p := range params {
		name, value, ok := strings.Cut(p, "=")
		name = strings.TrimSpace(name)
		if !ok || name == "" || strings.ContainsAny(name, " \t:\r\n") || strings.ContainsAny(value, "\r\n") {
			return nil, fmt.Errorf("--param %q: want name=value", p)
		}
		switch strings.ToLower(name) {
		case strings.ToLower(mrcp.HdrChannelIdentifier), strings.ToLower(mrcp.HdrContentLength), strings.ToLower(mrcp.HdrContentType):
			return nil, fmt.Errorf("--param %q: %s is set by the command", p, name)
		}
		out = append(out, mrcp.Field{Name: name, Value: strings.TrimSpace(value)})
	}
	return out, nil
}

// resolveGrammar tells a grammar file from a URI. A file's media type comes
// from its extension, else from its first bytes (RFC 6787 §9.5.1 types).
func resolveGrammar(arg string) (body []byte, contentType, uri string, err error) {
	if st, serr := os.Stat(arg); serr == nil && st.Mode().IsRegular() {
		body, err = os.ReadFile(arg)
		if err != nil {
			return nil, "", "", err
		}
		switch strings.ToLower(filepath.Ext(arg)) {
		case ".grxml", ".xml", ".srgs":
			return body, "application/srgs+xml", "", nil
		case ".gram", ".abnf":
			return body, "application/srgs", "", nil
		}
		trimmed := bytes.TrimLeft(bytes.TrimPrefix(body, []byte("\xef\xbb\xbf")), " \t\r\n")
		switch {
		case bytes.HasPrefix(trimmed, []byte("<")):
			return body, "application/srgs+xml", "", nil
		case bytes.HasPrefix(trimmed, []byte("#ABNF")):
			return body, "application/srgs", "", nil
		}
		return nil, "", "", fmt.Errorf("--grammar %s: neither SRGS XML nor ABNF (name it .grxml or .gram)", arg)
	}
	u, perr := url.Parse(arg)
	if perr != nil || u.Scheme == "" || len(u.Scheme) == 1 || strings.ContainsAny(arg, " \t\r\n") {
		// A one-letter scheme is a Windows drive, not a URI.
		return nil, "", "", fmt.Errorf("--grammar %q is neither a readable file nor a URI", arg)
	}
	return nil, "", arg, nil
}

// localHostFor finds the local address that routes to the server, so that
// the SDP names an address the server can reach. No packet is sent.
func localHostFor(server string) string {
	host := strings.TrimPrefix(strings.ToLower(server), "sip:")
	if i := strings.IndexAny(host, ";?"); i >= 0 {
		host = host[:i]
	}
	if _, _, err := net.SplitHostPort(host); err != nil {
		host = net.JoinHostPort(host, "5060")
	}
	c, err := net.Dial("udp", host)
	if err != nil {
		return "127.0.0.1"
	}
	defer c.Close()
	return c.LocalAddr().(*net.UDPAddr).IP.String()
}

func fmtDur(d time.Duration) string {
	return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000)
}
