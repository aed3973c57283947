// Package recognizer is the speech path of speechrecog channels: decoded
// audio runs through voice activity detection and the input timers, the
// speech goes to an ASR backend, DTMF to the DTMF grammars, and the outcome
// is matched against the active grammars and written as NLSML. It implements
// server.SpeechPath.
//
// Tests that need a whole server with this speech path and the built-in
// engine start one with mrcp/server/servertest.Start.
package recognizer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/mrcpd/mrcpd/asr"
	"github.com/mrcpd/mrcpd/grammar"
	"github.com/mrcpd/mrcpd/mrcp"
	"github.com/mrcpd/mrcpd/mrcp/resource/recog"
	"github.com/mrcpd/mrcpd/mrcp/server"
	"github.com/mrcpd/mrcpd/nlsml"
	"github.com/mrcpd/mrcpd/nlu"
)

// Options configure a Recognizer.
type Options struct {
	// ASR recognises speech; required.
	ASR asr.Recognizer
	// Grammars loads and compiles grammars; nil builds a loader that fetches
	// nothing but builtin: and inline grammars.
	Grammars *grammar.Loader
	// ResultType is the Content-Type of results: application/nlsml+xml (the
	// default) or application/x-nlsml for clients that expect it.
	ResultType string
	// WaveformDir, when set, is where Save-Waveform recordings are written;
	// without it Save-Waveform is ignored.
	WaveformDir string
	// MaxPhrases bounds the phrase list sent to engines that take one.
	MaxPhrases int
	// NLU holds the intent models; DefaultNLU names the one applied when a
	// request names none (empty: none).
	NLU        *nlu.Store
	DefaultNLU string
	// CheckGrammars asks the engine about each new grammar before accepting
	// it (check.go).
	CheckGrammars bool
	// Observe, when set, receives the duration of every backend call.
	Observe func(backend, op string, d time.Duration, err error)
	Logger  *slog.Logger
}

// Recognizer implements server.SpeechPath.
type Recognizer struct {
	opts   Options
	log    *slog.Logger
	enc    nlsml.Encoder
	checks *grammarChecks
}

var _ server.SpeechPath = (*Recognizer)(nil)

// New checks the options.
func New(opts Options) (*Recognizer, error) {
	if opts.ASR == nil {
		return nil, errors.New("recognizer: no ASR backend")
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Grammars == nil {
		opts.Grammars = grammar.NewLoader(grammar.WithFetcher(grammar.NewFetcher(grammar.WithSchemes())), grammar.WithLoaderLogger(opts.Logger))
	}
	if opts.MaxPhrases <= 0 {
		opts.MaxPhrases = 500
	}
	enc := nlsml.Encoder{}
	switch opts.ResultType {
	case "", nlsml.ContentType:
		opts.ResultType = nlsml.ContentType
	case nlsml.LegacyContentType:
		enc.ContentType = nlsml.LegacyContentType
	default:
		return nil, fmt.Errorf("recognizer: result type %q: want %s or %s", opts.ResultType, nlsml.ContentType, nlsml.LegacyContentType)
	}
	return &Recognizer{opts: opts, log: opts.Logger, enc: enc, checks: newGrammarChecks()}, nil
}

func (r *Recognizer) observe(op string, start time.Time, err error) {
	if r.opts.Observe != nil {
		r.opts.Observe(r.opts.ASR.Name(), op, time.Since(start), err)
	}
}

// loaded is one compiled grammar of a request with the URI the result names
// and, for builtin:nlu/<model>, the model that classifies its transcripts.
type loaded struct {
	g      *grammar.Compiled
	uri    string
	weight float64
	nlu    string
}

// load compiles the grammars of a request. Errors carry the completion
// cause the client should see.
func (r *Recognizer) load(ctx context.Context, gs []recog.Grammar) ([]loaded, error) {
	if len(gs) == 0 {
		return nil, &server.CauseError{Cause: mrcp.CauseGrammarLoadFailure, Reason: "no grammar"}
	}
	out := make([]loaded, 0, len(gs))
	for _, g := range gs {
		weight := g.Weight
		if weight <= 0 {
			weight = 1
		}
		var (
			c     *grammar.Compiled
			err   error
			uri   = g.Ref()
			model string
		)
		switch {
		case len(g.Body) == 0 && strings.HasPrefix(strings.ToLower(strings.TrimSpace(g.URI)), nluGrammarPrefix):
			c, model, err = r.loadNLUGrammar(strings.TrimSpace(g.URI))
			if err != nil {
				return nil, err
			}
		case len(g.Body) > 0:
			c, err = r.opts.Grammars.Inline(ctx, g.ContentType, g.Body, "", nil)
		default:
			c, err = r.opts.Grammars.Resolve(ctx, g.URI, nil)
		}
		if err != nil {
			return nil, grammarError(uri, err)
		}
		out = append(out, loaded{g: c, uri: uri, weight: weight, nlu: model})
	}
	return out, nil
}

// grammarError maps a loader error to its completion cause.
func grammarError(uri string, err error) error {
	cause := mrcp.CauseGrammarLoadFailure
	switch grammar.CauseCode(err) {
	case mrcp.CauseGrammarCompilationFailure.Code:
		cause = mrcp.CauseGrammarCompilationFailure
	case mrcp.CauseURIFailure.Code:
		cause = mrcp.CauseURIFailure
	case mrcp.CauseLanguageUnsupported.Code:
		cause = mrcp.CauseLanguageUnsupported
	}
	return &server.CauseError{Cause: cause, Reason: fmt.Sprintf("%s: %v", uri, err)}
}

// LoadGrammars implements server.SpeechPath (DEFINE-GRAMMAR).
func (r *Recognizer) LoadGrammars(ctx context.Context, req server.LoadRequest) recog.GrammarsLoaded {
	gs, err := r.load(ctx, req.Grammars)
	if err == nil {
		err = r.checkEach(ctx, gs, &req.Params)
	}
	if err != nil {
		cause, reason := causeOf(err)
		r.log.Info("grammar refused", "channel", req.Channel.String(), "request_id", req.RequestID, "cause", cause.String(), "reason", reason)
		return recog.GrammarsLoaded{RequestID: req.RequestID, Cause: cause, Reason: reason}
	}
	return recog.GrammarsLoaded{RequestID: req.RequestID, Cause: mrcp.CauseSuccess}
}

// Interpret implements server.SpeechPath (INTERPRET, RFC 6787 §9.20): the
// text is matched against the grammars as if it had been recognised.
func (r *Recognizer) Interpret(ctx context.Context, req server.InterpretRequest) recog.InterpretationComplete {
	done := recog.InterpretationComplete{RequestID: req.RequestID}
	gs, err := r.load(ctx, req.Grammars)
	if err != nil {
		done.Cause, done.Reason = causeOf(err)
		return done
	}
	p, err := parseParams(&req.Params)
	if err != nil {
		done.Cause, done.Reason = mrcp.CauseRecognizerError, err.Error()
		return done
	}
	res, cause := r.interpretText(gs, []asr.Alternative{{Text: req.Text, Confidence: 1}}, "speech", 0, 1, r.nluFor(p))
	body, err := r.enc.Marshal(res)
	if err != nil {
		done.Cause, done.Reason = mrcp.CauseRecognizerError, err.Error()
		return done
	}
	done.Cause, done.ContentType, done.Body = cause, r.opts.ResultType, body
	return done
}

// interpretText matches recogniser alternatives against the voice grammars
// and builds the NLSML result with the cause it implies: success when some
// alternative matched completely with enough confidence, no-match otherwise,
// semantics-failure when the match's semantics could not be computed.
func (r *Recognizer) interpretText(gs []loaded, alts []asr.Alternative, mode string, threshold float64, nBest int, model string) (*nlsml.Result, mrcp.CompletionCause) {
	cands := candidates(gs, grammar.ModeVoice)
	res := &nlsml.Result{}
	var semErr error
	for _, alt := range alts {
		if len(res.Interpretations) >= nBest {
			break
		}
		text := strings.TrimSpace(alt.Text)
		if text == "" || alt.Confidence < threshold {
			continue
		}
		sel := grammar.Select(cands.list, text, false)
		if sel.Index < 0 || sel.Match.Status != grammar.Complete {
			continue
		}
		if sel.Err != nil {
			semErr = sel.Err
			continue
		}
		in := nlsml.Interpretation{
			Grammar:    cands.uris[sel.Index],
			Confidence: nlsml.Conf(alt.Confidence),
			Instance:   sel.Match.Instance,
			Input:      nlsml.Input{Mode: mode, Confidence: nlsml.Conf(alt.Confidence), Text: text},
		}
		name := cands.nlu[sel.Index]
		if name == "" {
			name = model
		}
		if ext, ok := r.classify(name, text); ok {
			in.Extensions = append(in.Extensions, ext)
		}
		res.Interpretations = append(res.Interpretations, in)
	}
	switch {
	case len(res.Interpretations) > 0:
		return res, mrcp.CauseSuccess
	case semErr != nil:
		best := alts[0]
		return nlsml.NoMatchResult(mode, best.Text, nlsml.Conf(best.Confidence)), mrcp.CauseSemanticsFailure
	case len(alts) > 0 && strings.TrimSpace(alts[0].Text) != "":
		return nlsml.NoMatchResult(mode, alts[0].Text, nlsml.Conf(alts[0].Confidence)), mrcp.CauseNoMatch
	}
	return nlsml.NoMatchResult(mode, "", nlsml.Confidence{}), mrcp.CauseNoMatch
}

// candidateSet is the grammars of one mode with the URIs results name and
// the NLU model attached to each.
type candidateSet struct {
	list []grammar.Candidate
	uris []string
	nlu  []string
}

func candidates(gs []loaded, mode grammar.Mode) candidateSet {
	var cs candidateSet
	for _, g := range gs {
		if g.g.Mode() != mode {
			continue
		}
		cs.list = append(cs.list, grammar.Candidate{Grammar: g.g, Weight: g.weight})
		cs.uris = append(cs.uris, g.uri)
		cs.nlu = append(cs.nlu, g.nlu)
	}
	return cs
}

// Recognize implements server.SpeechPath.
func (r *Recognizer) Recognize(ctx context.Context, req server.RecognitionRequest, report func(recog.EngineEvent)) (server.Recognition, error) {
	p, err := parseParams(&req.Params)
	if err != nil {
		return nil, &server.CauseError{Cause: mrcp.CauseRecognizerError, Reason: err.Error()}
	}
	gs, err := r.load(ctx, req.Grammars)
	if err != nil {
		return nil, err
	}
	if req.SampleRate != 8000 && req.SampleRate != 16000 {
		return nil, &server.CauseError{Cause: mrcp.CauseRecognizerError, Reason: fmt.Sprintf("audio at %d Hz", req.SampleRate)}
	}
	if ar := r.asrRequest(gs, p, req.SampleRate); ar.JSGF != "" {
		if err := r.checkGrammar(ctx, ar, voiceURI(gs)); err != nil {
			return nil, err
		}
	}
	return newRecognition(r, req, p, gs, report), nil
}

// checkEach shows the engine each voice grammar of a DEFINE-GRAMMAR on its
// own, as a later RECOGNIZE will use it.
func (r *Recognizer) checkEach(ctx context.Context, gs []loaded, h *mrcp.Header) error {
	p, err := parseParams(h)
	if err != nil {
		return &server.CauseError{Cause: mrcp.CauseRecognizerError, Reason: err.Error()}
	}
	for _, g := range gs {
		j, ok := g.g.JSGF()
		if !ok || g.g.Mode() != grammar.ModeVoice {
			continue
		}
		if err := r.checkGrammar(ctx, asr.Request{Language: p.language, JSGF: j}, g.uri); err != nil {
			return err
		}
	}
	return nil
}

// voiceURI names the voice grammar of a request in a Completion-Reason.
func voiceURI(gs []loaded) string {
	for _, g := range gs {
		if g.g.Mode() == grammar.ModeVoice {
			return g.uri
		}
	}
	return ""
}

// asrRequest builds the engine request for the voice grammars: JSGF when
// one grammar can be expressed so, a phrase list when the language is small
// and finite, free-form otherwise (the transcript is matched afterwards).
func (r *Recognizer) asrRequest(gs []loaded, p params, rate int) asr.Request {
	req := asr.Request{SampleRate: rate, Language: p.language, NBest: p.nBest, Partial: true}
	var voice []*grammar.Compiled
	for _, g := range gs {
		if g.g.Mode() == grammar.ModeVoice {
			voice = append(voice, g.g)
		}
	}
	if len(voice) == 1 {
		if j, ok := voice[0].JSGF(); ok {
			req.JSGF = j
		}
	}
	var phrases []string
	for _, g := range voice {
		ph := g.Phrases(r.opts.MaxPhrases)
		if ph == nil {
			phrases = nil
			break
		}
		phrases = append(phrases, ph...)
	}
	if len(phrases) <= r.opts.MaxPhrases {
		req.Phrases = phrases
	}
	return req
}

// nluFor is the model a request asks for, or the default.
func (r *Recognizer) nluFor(p params) string {
	if p.nluModel != "" {
		return p.nluModel
	}
	return r.opts.DefaultNLU
}

func causeOf(err error) (mrcp.CompletionCause, string) {
	var ce *server.CauseError
	if errors.As(err, &ce) {
		return ce.Cause, ce.Reason
	}
	return mrcp.CauseRecognizerError, err.Error()
}
