package engine

import (
	"encoding/binary"
	"errors"
	"log/slog"
	"strings"
	"time"

	gws "github.com/gorilla/websocket"

	"github.com/mrcpd/mrcpd/asr"
	"github.com/mrcpd/mrcpd/asr/sphinx"
	"github.com/mrcpd/mrcpd/asr/websocket"
)

// defaultSampleRate is vosk-server's default when the config gives none.
const defaultSampleRate = 8000

// session serves one connection: a config, audio, the end of audio; and
// again, when the client asked to reuse the connection.
type session struct {
	srv   *Server
	conn  *gws.Conn
	log   *slog.Logger
	reuse bool
	// quiet: answer audio only when the partial changed
	// (websocket.PartialsHeader); lastPartial is the last one sent.
	quiet       bool
	lastPartial string

	cfg     websocket.Config
	utt     *sphinx.Utterance
	pcm     []int16
	started time.Time
}

// requestError carries the protocol error code sent to the client.
type requestError struct {
	code string
	err  error
}

func (e *requestError) Error() string { return e.err.Error() }

func badRequest(msg string) error {
	return &requestError{code: websocket.CodeBadRequest, err: errors.New(msg)}
}

func (ss *session) run() {
	ss.reset()
	ss.conn.SetReadLimit(websocket.MaxMessageSize)
	defer func() {
		if ss.utt != nil {
			ss.utt.Close()
		}
	}()
	for {
		_ = ss.conn.SetReadDeadline(time.Now().Add(ss.srv.opts.IdleTimeout))
		kind, data, err := ss.conn.ReadMessage()
		if err != nil {
			if ss.utt == nil && ss.reuse {
				ss.log.Debug("reused connection closed between recognitions", "err", err)
			} else {
				ss.log.Debug("session ended before the end of audio", "err", err)
			}
			return
		}
		done, err := ss.handle(kind, data)
		if err != nil {
			ss.sendError(err)
			return
		}
		if done {
			if !ss.reuse {
				return
			}
			ss.reset()
		}
	}
}

// reset readies the session for a recognition: the decoder of the last one
// goes back to the pool at once, not when the connection closes.
func (ss *session) reset() {
	if ss.utt != nil {
		ss.utt.Close()
		ss.utt = nil
	}
	ss.started = time.Now()
	ss.cfg = websocket.Config{SampleRate: defaultSampleRate, Words: true}
	ss.lastPartial = ""
}

func (ss *session) handle(kind int, data []byte) (done bool, err error) {
	switch kind {
	case gws.BinaryMessage:
		return false, ss.audio(data)
	case gws.TextMessage:
		ctl, err := websocket.ParseControl(data)
		if err != nil {
			return false, &requestError{code: websocket.CodeBadRequest, err: err}
		}
		if ctl.Config != nil {
			return false, ss.configure(*ctl.Config)
		}
		return true, ss.finish()
	}
	return false, badRequest("unexpected message type")
}

// configure starts the utterance at once, so a bad grammar is reported
// before the client streams any audio.
func (ss *session) configure(cfg websocket.Config) error {
	if ss.utt != nil && ss.utt.AudioDuration() > 0 {
		return badRequest("config after audio")
	}
	if cfg.SampleRate == 0 {
		cfg.SampleRate = ss.cfg.SampleRate
	}
	ss.cfg = cfg
	if ss.utt != nil {
		ss.utt.Close()
		ss.utt = nil
	}
	return ss.start()
}

func (ss *session) start() error {
	rate := int(ss.cfg.SampleRate)
	if float64(rate) != ss.cfg.SampleRate || (rate != 8000 && rate != 16000) {
		return &requestError{code: websocket.CodeUnsupported, err: errors.New("sample_rate must be 8000 or 16000")}
	}
	partial := ss.cfg.PartialResults == nil || *ss.cfg.PartialResults
	utt, err := ss.srv.opts.Pool.Start(sphinx.Request{
		SampleRate: rate,
		JSGF:       ss.cfg.GrammarJSGF,
		Phrases:    ss.cfg.PhraseList,
		NBest:      max(1, ss.cfg.MaxAlternatives),
		Partial:    partial,
		MaxAudio:   ss.srv.opts.MaxAudio,
	})
	if err != nil {
		var ge *sphinx.GrammarError
		if errors.As(err, &ge) {
			return &requestError{code: websocket.CodeGrammar, err: err}
		}
		return &requestError{code: websocket.CodeInternal, err: err}
	}
	ss.utt = utt
	ss.log.Debug("utterance started", "rate", rate, "grammar", ss.cfg.GrammarJSGF != "",
		"phrases", len(ss.cfg.PhraseList), "nbest", ss.cfg.MaxAlternatives, "partial", partial)
	return nil
}

func (ss *session) audio(data []byte) error {
	if len(data)%2 != 0 {
		return badRequest("audio message of odd length: 16-bit samples expected")
	}
	if ss.utt == nil {
		if err := ss.start(); err != nil {
			return err
		}
	}
	ss.pcm = ss.pcm[:0]
	for i := 0; i+1 < len(data); i += 2 {
		ss.pcm = append(ss.pcm, int16(binary.LittleEndian.Uint16(data[i:])))
	}
	if err := ss.utt.Write(ss.pcm); err != nil {
		return badRequest(err.Error())
	}
	// vosk answers every audio message; clients count on it, unless they
	// asked for changes only.
	partial := ss.utt.Partial()
	if ss.quiet {
		if partial == ss.lastPartial {
			return nil
		}
		ss.lastPartial = partial
	}
	return ss.send(websocket.Response{Partial: &partial})
}

func (ss *session) finish() error {
	if ss.utt == nil {
		if err := ss.start(); err != nil {
			return err
		}
	}
	audio := ss.utt.AudioDuration()
	begin := time.Now()
	alts, err := ss.utt.Finish()
	if err != nil {
		return &requestError{code: websocket.CodeInternal, err: err}
	}
	took := time.Since(begin)
	if err := ss.send(ss.finalResponse(alts)); err != nil {
		return err
	}
	best := ""
	if len(alts) > 0 {
		best = alts[0].Text
	}
	ss.log.Info("utterance decoded", "audio", audio, "final_pass", took, "text", best,
		"session_time", time.Since(ss.started))
	if !ss.reuse {
		_ = ss.conn.WriteControl(gws.CloseMessage, gws.FormatCloseMessage(gws.CloseNormalClosure, ""),
			time.Now().Add(time.Second))
	}
	return nil
}

func (ss *session) finalResponse(alts []asr.Alternative) websocket.Response {
	if ss.cfg.MaxAlternatives > 0 {
		out := make([]websocket.AlternativeResult, 0, len(alts))
		for _, a := range alts {
			r := websocket.AlternativeResult{Text: a.Text, Confidence: a.Confidence}
			if ss.cfg.Words {
				r.Result = wordResults(a.Words)
			}
			out = append(out, r)
		}
		return websocket.Response{Alternatives: out}
	}
	text := ""
	var words []asr.Word
	if len(alts) > 0 {
		text, words = alts[0].Text, alts[0].Words
	}
	r := websocket.Response{Text: &text}
	if ss.cfg.Words {
		r.Result = wordResults(words)
	}
	return r
}

func wordResults(ws []asr.Word) []websocket.WordResult {
	out := make([]websocket.WordResult, 0, len(ws))
	for _, w := range ws {
		conf := w.Confidence
		out = append(out, websocket.WordResult{
			Word:  w.Text,
			Start: w.Start.Seconds(),
			End:   w.End.Seconds(),
			Conf:  &conf,
		})
	}
	return out
}

func (ss *session) send(r websocket.Response) error {
	_ = ss.conn.SetWriteDeadline(time.Now().Add(ss.srv.opts.IdleTimeout))
	if err := ss.conn.WriteJSON(r); err != nil {
		return &requestError{code: "", err: err}
	}
	return nil
}

// sendError reports a failure to the client (an mrcpd extension: vosk only
// closes the connection) and closes with a matching close code.
func (ss *session) sendError(err error) {
	code := websocket.CodeInternal
	var re *requestError
	if errors.As(err, &re) {
		if re.code == "" {
			ss.log.Debug("session write failed", "err", re.err)
			return
		}
		code = re.code
	}
	ss.log.Warn("session failed", "code", code, "err", err)
	_ = ss.conn.SetWriteDeadline(time.Now().Add(time.Second))
	_ = ss.conn.WriteJSON(websocket.Response{Error: err.Error(), ErrorCode: code})
	closeCode := gws.ClosePolicyViolation
	if code == websocket.CodeInternal {
		closeCode = gws.CloseInternalServerErr
	}
	reason := err.Error()
	if len(reason) > 120 {
		// A close frame's reason is at most 123 bytes of valid UTF-8.
		reason = strings.ToValidUTF8(reason[:120], "")
	}
	_ = ss.conn.WriteControl(gws.CloseMessage, gws.FormatCloseMessage(closeCode, reason), time.Now().Add(time.Second))
}
