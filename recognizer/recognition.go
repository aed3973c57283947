package recognizer

import (
	"context"
	"log/slog"
	"strings"
	"sync/atomic"
	"time"

	"github.com/mrcpd/mrcpd/asr"
	"github.com/mrcpd/mrcpd/bargein"
	"github.com/mrcpd/mrcpd/grammar"
	"github.com/mrcpd/mrcpd/mrcp"
	"github.com/mrcpd/mrcpd/mrcp/resource/recog"
	"github.com/mrcpd/mrcpd/mrcp/server"
	"github.com/mrcpd/mrcpd/nlsml"
	"github.com/mrcpd/mrcpd/rtp"
	"github.com/mrcpd/mrcpd/rtp/inband"
)

const (
	// prerollDuration of audio before the detected onset goes to the engine
	// too: the VAD confirms speech some tens of milliseconds after it began.
	prerollDuration = 400 * time.Millisecond
	// maxPending bounds the audio held while the engine connection opens.
	maxPending = 10 * time.Second
	// finalTimeout bounds the wait for the engine's final result.
	finalTimeout = 10 * time.Second
	// maxWaveform bounds a Save-Waveform recording.
	maxWaveform = 60 * time.Second
)

type inputMode uint8

const (
	inputNone inputMode = iota
	inputSpeech
	inputDTMF
)

// recognition is one RECOGNIZE. The media goroutine owns the detector, the
// audio buffers and every write to the engine stream; one goroutine per
// engine stream starts it and reads its results; the session goroutine calls
// StartInputTimers and Stop. Exactly one of completion and stop wins the
// finished flag.
type recognition struct {
	r      *Recognizer
	req    server.RecognitionRequest
	p      params
	voice  candidateSet
	dtmf   candidateSet
	all    []loaded
	report func(recog.EngineEvent)
	log    *slog.Logger
	rate   int

	// Media goroutine only.
	det          *bargein.Detector
	inband       *inband.Detector // keys as tones in the audio; nil when not listening for them
	keys         []inband.Digit
	events       []bargein.Event
	vadBuf       []int16
	started      bool
	t0           time.Time
	preroll      ring
	pending      []int16
	streaming    bool
	asrStarted   bool
	stream       asr.Stream
	finishing    bool
	finishSent   bool
	finishAt     time.Time
	digits       []byte
	mode         inputMode
	partialSeen  uint32
	wave         []int16
	stopReported bool

	// The engine stream's goroutine (onEngineResult); engineStart is set
	// before the stream starts.
	engineStart time.Time
	engineSeq   uint32
	lastPartial string

	// Shared.
	ready     atomic.Pointer[streamRef]
	partial   atomic.Uint32 // sequence<<8 | bargein.Match
	detCause  atomic.Int32  // detector cause code + 1 (0: none yet)
	waveDone  atomic.Pointer[[]int16]
	abandoned atomic.Bool // speech dropped for DTMF: engine errors are not failures
	stopReq   atomic.Bool
	timersReq atomic.Bool
	finished  atomic.Bool
	ctx       context.Context
	cancel    context.CancelFunc
}

type streamRef struct{ s asr.Stream }

func newRecognition(r *Recognizer, req server.RecognitionRequest, p params, gs []loaded, report func(recog.EngineEvent)) *recognition {
	p.timers.StartInputTimers = req.InputTimers
	ctx, cancel := context.WithCancel(context.Background())
	rec := &recognition{
		r:      r,
		req:    req,
		p:      p,
		voice:  candidates(gs, grammar.ModeVoice),
		dtmf:   candidates(gs, grammar.ModeDTMF),
		all:    gs,
		report: report,
		log:    r.log.With("channel", req.Channel.String(), "request_id", req.RequestID),
		rate:   req.SampleRate,
		det:    bargein.NewDetector(bargein.NewVAD(), p.timers),
		events: make([]bargein.Event, 0, 8),
		ctx:    ctx,
		cancel: cancel,
	}
	rec.preroll = newRing(int(prerollDuration.Seconds() * float64(req.SampleRate)))
	if len(rec.dtmf.list) > 0 && !req.TelephoneEvents {
		// FreeSWITCH's stock profiles negotiate no telephone-event: the
		// keys are tones mixed into the audio.
		rec.inband = inband.NewDetector(req.SampleRate)
		rec.keys = make([]inband.Digit, 0, 4)
	}
	if req.SampleRate != 8000 {
		rec.vadBuf = make([]int16, 0, 320)
	}
	return rec
}

// StartInputTimers implements server.Recognition (session goroutine).
func (rec *recognition) StartInputTimers() { rec.timersReq.Store(true) }

// Stop implements server.Recognition (session goroutine). The media
// goroutine confirms with EngineStopped at its next tick, once it has
// stopped handing audio over.
func (rec *recognition) Stop() {
	rec.stopReq.Store(true)
	if rec.finished.CompareAndSwap(false, true) {
		rec.cancel()
	}
}

// complete reports the end of the recognition unless it already ended.
func (rec *recognition) complete(ev recog.RecognitionComplete) {
	if !rec.finished.CompareAndSwap(false, true) {
		return
	}
	ev.RequestID = rec.req.RequestID
	rec.cancel()
	rec.log.Debug("recognition complete", "cause", ev.Cause.String(), "reason", ev.Reason)
	rec.report(ev)
}

// media returns false when the recognition no longer takes media; it
// reports EngineStopped once after a Stop.
func (rec *recognition) media(now time.Time) bool {
	if rec.stopReq.Load() {
		if !rec.stopReported {
			rec.stopReported = true
			rec.report(recog.EngineStopped{RequestID: rec.req.RequestID})
		}
		return false
	}
	if rec.finished.Load() {
		return false
	}
	if !rec.started {
		rec.started = true
		rec.t0 = now
	}
	if rec.timersReq.Load() {
		rec.det.StartInputTimers()
	}
	// A partial hypothesis may have changed how the input matches.
	if v := rec.partial.Load(); v>>8 != rec.partialSeen {
		rec.partialSeen = v >> 8
		rec.handle(rec.det.SetMatch(bargein.Match(v&0xff), rec.events[:0]))
	}
	return true
}

// OnAudio implements rtp.Sink (media goroutine).
func (rec *recognition) OnAudio(pcm []int16) {
	if !rec.media(time.Now()) {
		return
	}
	if rec.inband != nil {
		rec.keys = rec.inband.Process(pcm, rec.keys[:0])
		for _, k := range rec.keys {
			rec.onKey(k.Key)
		}
		if rec.finished.Load() {
			return
		}
	}
	if len(rec.voice.list) == 0 || rec.mode == inputDTMF {
		// Keys only: speech and noise must not start or end the input.
		return
	}
	if rec.streaming {
		rec.feed(pcm)
	} else {
		rec.preroll.write(pcm)
	}
	vad := pcm
	if rec.vadBuf != nil {
		vad = decimate(rec.vadBuf[:0], pcm)
		rec.vadBuf = vad
	}
	rec.handle(rec.det.Frame(vad, rec.events[:0]))
}

// OnTick implements rtp.Sink (media goroutine): timers run on media time
// even when no packet comes, and the engine stream is serviced.
func (rec *recognition) OnTick(now time.Time) {
	if !rec.media(now) {
		return
	}
	rec.service(now)
	rec.handle(rec.det.Tick(now.Sub(rec.t0), rec.events[:0]))
}

// OnDTMF implements rtp.Sink (media goroutine): an RFC 4733 key press.
func (rec *recognition) OnDTMF(ev rtp.DTMFEvent) {
	if !ev.End || !rec.media(time.Now()) {
		return
	}
	rec.onKey(ev.Digit)
}

// onKey handles one key press, from an event or from tones.
func (rec *recognition) onKey(key byte) {
	if len(rec.dtmf.list) == 0 {
		rec.log.Debug("key ignored: no DTMF grammar active", "key", string(key))
		return
	}
	if rec.mode == inputSpeech && !rec.p.dtmfStopsSpeech {
		return
	}
	if rec.mode != inputDTMF {
		rec.mode = inputDTMF
		rec.dropSpeech()
	}
	// RFC 6787 §9.4.12: the terminating character ends the input at once
	// and is not part of it.
	if rec.p.termChar != 0 && key == rec.p.termChar {
		rec.finishDTMF(bargein.CauseSuccess)
		return
	}
	rec.digits = append(rec.digits, key)
	sel := grammar.Select(rec.dtmf.list, string(rec.digits), true)
	rec.handle(rec.det.DTMF(matchOf(sel), rec.events[:0]))
}

// dropSpeech abandons speech input when the caller switches to keys.
func (rec *recognition) dropSpeech() {
	if rec.asrStarted {
		rec.abandoned.Store(true)
		if ref := rec.ready.Load(); ref != nil {
			// Close waits for the stream's goroutine, which may be inside
			// onEngineResult: not on the media goroutine.
			go ref.s.Close()
		}
	}
	rec.streaming = false
	rec.pending = rec.pending[:0]
}

// handle acts on detector events (media goroutine).
func (rec *recognition) handle(evs []bargein.Event) {
	for _, ev := range evs {
		switch ev.Type {
		case bargein.EventStartOfInput:
			input := "speech"
			if ev.Input == bargein.InputDTMF {
				input = "dtmf"
			}
			rec.report(recog.StartOfInput{RequestID: rec.req.RequestID, InputType: input})
		case bargein.EventSpeechStart:
			if rec.mode == inputDTMF || len(rec.voice.list) == 0 {
				continue
			}
			rec.mode = inputSpeech
			if !rec.streaming {
				rec.streaming = true
				rec.startEngine()
				rec.feed(rec.preroll.drain())
			}
		case bargein.EventSpeechEnd:
			// The engine keeps listening through the pause: the silence
			// timers, not the VAD, end the utterance.
		case bargein.EventComplete:
			rec.onComplete(ev.Cause)
		}
	}
}

// onComplete follows the detector's decision (media goroutine).
func (rec *recognition) onComplete(c bargein.Cause) {
	switch {
	case rec.mode == inputDTMF:
		rec.finishDTMF(c)
	case c.Code() == mrcp.CauseNoInputTimeout.Code:
		rec.completeResult(mrcp.CauseNoInputTimeout, nlsml.NoInputResult(), "")
	case !rec.asrStarted:
		// Nothing reached the engine (hotword too early, a no-match
		// decided on silence): the detector's cause stands.
		rec.completeResult(mrcpCause(c), nlsml.NoMatchResult("speech", "", nlsml.Confidence{}), "")
	default:
		rec.detCause.Store(int32(c.Code()) + 1)
		rec.finishing = true
		rec.finishAt = time.Now()
		rec.streaming = false
		if rec.p.saveWaveform && rec.r.opts.WaveformDir != "" {
			w := rec.wave
			rec.waveDone.Store(&w)
		}
		rec.service(time.Now())
	}
}

// finishDTMF completes a recognition whose input was keyed.
func (rec *recognition) finishDTMF(c bargein.Cause) {
	sel := grammar.Select(rec.dtmf.list, string(rec.digits), true)
	text := spaced(rec.digits)
	if sel.Index >= 0 && sel.Match.Status == grammar.Complete && sel.Err == nil {
		cause := mrcp.CauseSuccess
		if maxtime(c.Code()) {
			cause = mrcp.CauseSuccessMaxtime
		}
		res := &nlsml.Result{Interpretations: []nlsml.Interpretation{{
			Grammar:    rec.dtmf.uris[sel.Index],
			Confidence: nlsml.Conf(1),
			Instance:   sel.Match.Instance,
			Input:      nlsml.Input{Mode: "dtmf", Confidence: nlsml.Conf(1), Text: text},
		}}}
		rec.completeResult(cause, res, "")
		return
	}
	cause := mrcp.CauseNoMatch
	if maxtime(c.Code()) {
		cause = mrcp.CauseNoMatchMaxtime
	}
	if sel.Err != nil {
		cause = mrcp.CauseSemanticsFailure
	}
	rec.completeResult(cause, nlsml.NoMatchResult("dtmf", text, nlsml.Conf(1)), "")
}

func (rec *recognition) completeResult(cause mrcp.CompletionCause, res *nlsml.Result, reason string) {
	ev := recog.RecognitionComplete{Cause: cause, Reason: reason}
	body, err := rec.r.enc.Marshal(res)
	if err != nil {
		ev.Cause, ev.Reason = mrcp.CauseRecognizerError, "result encoding: "+err.Error()
	} else {
		ev.ContentType, ev.Body = rec.r.opts.ResultType, body
	}
	rec.complete(ev)
}

// feed sends audio to the engine, or holds it until the stream is open.
func (rec *recognition) feed(pcm []int16) {
	if rec.p.saveWaveform && rec.r.opts.WaveformDir != "" && len(rec.wave) < int(maxWaveform.Seconds())*rec.rate {
		rec.wave = append(rec.wave, pcm...)
	}
	if rec.stream != nil {
		if err := rec.stream.Write(pcm); err != nil {
			rec.engineFailed(err)
		}
		return
	}
	if len(rec.pending)+len(pcm) > int(maxPending.Seconds())*rec.rate {
		rec.engineFailed(errEngineSlow)
		return
	}
	rec.pending = append(rec.pending, pcm...)
}

// service flushes held audio once the engine stream is open, asks for the
// final result when the input has ended, and bounds the wait for it.
func (rec *recognition) service(now time.Time) {
	// The wait for the final result is bounded from the end of input,
	// whether or not the engine stream ever opened.
	if rec.finishing && now.Sub(rec.finishAt) > finalTimeout {
		rec.engineFailed(errNoFinal)
		return
	}
	if rec.stream == nil {
		ref := rec.ready.Load()
		if ref == nil {
			return
		}
		rec.stream = ref.s
		if len(rec.pending) > 0 {
			if err := rec.stream.Write(rec.pending); err != nil {
				rec.engineFailed(err)
				return
			}
			rec.pending = rec.pending[:0]
		}
	}
	if rec.finishing && !rec.finishSent {
		rec.finishSent = true
		if err := rec.stream.Finish(); err != nil {
			rec.engineFailed(err)
		}
	}
}

func (rec *recognition) engineFailed(err error) {
	if rec.abandoned.Load() {
		return
	}
	rec.log.Warn("recogniser failed", "err", err)
	rec.complete(recog.RecognitionComplete{Cause: mrcp.CauseRecognizerError, Reason: err.Error()})
}

// startEngine opens the engine stream off the media goroutine. The
// results arrive on the stream's own goroutine (onEngineResult), so a
// recognition holds no goroutine of its own once the stream is open.
func (rec *recognition) startEngine() {
	rec.asrStarted = true
	req := rec.r.asrRequest(rec.all, rec.p, rec.rate)
	req.OnResult = rec.onEngineResult
	go func() {
		// Written before Start, which starts the goroutine that reads it.
		rec.engineStart = time.Now()
		s, err := rec.r.opts.ASR.Start(rec.ctx, req)
		rec.r.observe("start", rec.engineStart, err)
		if err != nil {
			if rec.ctx.Err() == nil {
				rec.engineFailed(err)
			}
			return
		}
		rec.ready.Store(&streamRef{s: s})
		if rec.abandoned.Load() {
			// Speech was dropped while the stream opened: dropSpeech found
			// nothing to close.
			s.Close()
		}
	}()
}

// onEngineResult acts on a partial or final result (the stream's
// goroutine, one at a time and in order).
func (rec *recognition) onEngineResult(res asr.Result) {
	if rec.abandoned.Load() {
		return
	}
	if res.Err != nil {
		rec.r.observe("recognize", rec.engineStart, res.Err)
		if rec.ctx.Err() == nil {
			rec.engineFailed(res.Err)
		}
		return
	}
	if !res.Final {
		if len(res.Alternatives) > 0 {
			rec.engineSeq++
			text := res.Alternatives[0].Text
			sel := grammar.Select(rec.voice.list, text, false)
			rec.partial.Store(rec.engineSeq<<8 | uint32(matchOf(sel)))
			if rec.p.intermediate && text != rec.lastPartial && rec.req.Intermediate != nil {
				rec.lastPartial = text
				rec.sendIntermediate(text, res.Alternatives[0].Confidence)
			}
		}
		return
	}
	rec.r.observe("recognize", rec.engineStart, nil)
	rec.final(res)
}

// sendIntermediate reports the hypothesis so far as NLSML with only an
// <input> (engine goroutine).
func (rec *recognition) sendIntermediate(text string, conf float64) {
	res := &nlsml.Result{Interpretations: []nlsml.Interpretation{{
		Input: nlsml.Input{Mode: "speech", Confidence: nlsml.Conf(conf), Text: text},
	}}}
	body, err := rec.r.enc.Marshal(res)
	if err != nil {
		return
	}
	rec.req.Intermediate(rec.r.opts.ResultType, body)
}

// final turns the engine's final result into the completion (engine
// goroutine).
func (rec *recognition) final(res asr.Result) {
	if len(res.Alternatives) > 0 {
		rec.log.Debug("final result", "text", res.Alternatives[0].Text, "confidence", res.Alternatives[0].Confidence, "alternatives", len(res.Alternatives))
	}
	res0, cause := rec.r.interpretText(rec.all, res.Alternatives, "speech", rec.p.confidenceThreshold, rec.p.nBest, rec.r.nluFor(rec.p))
	if c := rec.detCause.Load(); c > 0 {
		cause = rec.refineCause(cause, int(c-1), res.Alternatives)
	}
	ev := recog.RecognitionComplete{Cause: cause}
	if w := rec.waveDone.Load(); w != nil {
		if uri, err := rec.r.saveWaveform(rec.req, *w, rec.rate); err != nil {
			rec.log.Warn("waveform not saved", "err", err)
		} else {
			ev.Header.Set(mrcp.HdrWaveformURI, uri)
		}
	}
	body, err := rec.r.enc.Marshal(res0)
	if err != nil {
		ev.Cause, ev.Reason = mrcp.CauseRecognizerError, "result encoding: "+err.Error()
	} else {
		ev.ContentType, ev.Body = rec.r.opts.ResultType, body
	}
	rec.complete(ev)
}

// matchOf maps a grammar selection to what the input timers need to know.
func matchOf(sel grammar.Selection) bargein.Match {
	switch {
	case sel.Index < 0:
		return bargein.MatchNone
	case sel.Match.Status == grammar.Incomplete:
		return bargein.MatchPartial
	case sel.Match.Status == grammar.Complete && sel.MoreInputPossible:
		return bargein.MatchExtensible
	case sel.Match.Status == grammar.Complete:
		return bargein.MatchComplete
	}
	return bargein.MatchNone
}

// refineCause combines the final result's cause with the detector's, which
// ended the input. Recognition-Timeout gives the maxtime causes (RFC 6787
// §9.4.7, §9.4.11). When the partial hypotheses had begun a grammar match
// (013 partial-match, 014 partial-match-maxtime) and the final result
// matched nothing, the partial cause stands unless the final text shows
// otherwise: a grammar-constrained engine returns no text for speech cut
// short of a full match.
func (rec *recognition) refineCause(cause mrcp.CompletionCause, det int, alts []asr.Alternative) mrcp.CompletionCause {
	switch cause.Code {
	case mrcp.CauseSuccess.Code:
		if maxtime(det) {
			return mrcp.CauseSuccessMaxtime
		}
	case mrcp.CauseNoMatch.Code:
		partial := det == mrcp.CausePartialMatch.Code || det == mrcp.CausePartialMatchMaxtime.Code
		if partial && len(alts) > 0 && strings.TrimSpace(alts[0].Text) != "" {
			sel := grammar.Select(rec.voice.list, alts[0].Text, false)
			partial = sel.Index >= 0 && sel.Match.Status == grammar.Incomplete
		}
		switch {
		case partial && det == mrcp.CausePartialMatch.Code:
			return mrcp.CausePartialMatch
		case partial:
			return mrcp.CausePartialMatchMaxtime
		case maxtime(det):
			return mrcp.CauseNoMatchMaxtime
		}
	}
	return cause
}

// maxtime reports the causes by which Recognition-Timeout ended the input
// (RFC 6787 §9.4.7, §9.9); the final result decides between 008 and 015.
func maxtime(code int) bool {
	return code == mrcp.CauseSuccessMaxtime.Code || code == mrcp.CauseNoMatchMaxtime.Code ||
		code == mrcp.CausePartialMatchMaxtime.Code
}

// mrcpCause maps a detector cause to the RFC 6787 §9.4.11 code.
func mrcpCause(c bargein.Cause) mrcp.CompletionCause {
	for _, k := range []mrcp.CompletionCause{mrcp.CauseSuccess, mrcp.CauseNoMatch, mrcp.CauseNoInputTimeout,
		mrcp.CauseHotwordMaxtime, mrcp.CauseSpeechTooEarly, mrcp.CauseSuccessMaxtime, mrcp.CauseNoMatchMaxtime,
		mrcp.CausePartialMatch, mrcp.CausePartialMatchMaxtime} {
		if k.Code == c.Code() {
			return k
		}
	}
	return mrcp.CauseRecognizerError
}

// spaced writes keys as NLSML DTMF input text: "1 2 3 4".
func spaced(keys []byte) string {
	b := make([]byte, 0, 2*len(keys))
	for i, k := range keys {
		if i > 0 {
			b = append(b, ' ')
		}
		b = append(b, k)
	}
	return string(b)
}

// decimate halves the rate of 16 kHz audio for the 8 kHz VAD by averaging
// pairs, which is low-pass enough for speech detection.
func decimate(dst, src []int16) []int16 {
	for i := 0; i+1 < len(src); i += 2 {
		dst = append(dst, int16((int32(src[i])+int32(src[i+1]))/2))
	}
	return dst
}
