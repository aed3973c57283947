package websocket

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/mrcpd/mrcpd/asr"
)

// The vosk-server websocket protocol: the client sends one text message
// {"config": {...}}, then binary messages of 16-bit little-endian PCM, then
// the text message EOFMessage. The server answers every binary message with
// one text message, a partial ({"partial": "..."}) or, when it detects an end
// of utterance, a result ({"text": ..., "result": [...]} or
// {"alternatives": [...]}); it answers EOFMessage with the final result.

// EOFMessage ends the audio. vosk-server compares the whole message with
// this exact text, spaces included.
const EOFMessage = `{"eof" : 1}`

// ReuseHeader is an mrcpd extension of the protocol. A client that sends
// it with the value "1" in the websocket handshake asks the server to keep
// the connection open after the final result; a server that agrees sends
// it back, as "1" or with the longest wait it allows between two
// recognitions: "1; idle=30" (seconds). The connection then serves
// recognition after recognition, each one as on a new connection (a
// config, audio, the end of audio), and either side may close it between
// two. vosk-server does not answer it and closes after the final result,
// as it always does.
const ReuseHeader = "Mrcpd-Reuse"

// PartialsHeader is an mrcpd extension of the protocol. A client that
// sends it with the value PartialsChanged asks the server to answer an
// audio message only when the partial hypothesis changed, and not with the
// same partial again; a server that agrees sends it back with that value.
// The end of audio is still answered with the final result. Most answers
// repeat the previous one (silence, a word being spoken), so this saves a
// message, its parsing and a wake-up of the reader each time. vosk-server
// ignores it and answers every message.
const PartialsHeader = "Mrcpd-Partials"

// PartialsChanged is the value of PartialsHeader.
const PartialsChanged = "changed"

// ReuseAnswer is a server's ReuseHeader value stating its idle timeout.
func ReuseAnswer(idle time.Duration) string {
	return "1; idle=" + strconv.Itoa(int(idle/time.Second))
}

// ParseReuse reads a server's ReuseHeader value: whether it agreed, and
// the idle timeout it stated (0 when none).
func ParseReuse(v string) (agreed bool, idle time.Duration) {
	flag, params, _ := strings.Cut(v, ";")
	if strings.TrimSpace(flag) != "1" {
		return false, 0
	}
	for p := range strings.SplitSeq(params, ";") {
		name, val, _ := strings.Cut(strings.TrimSpace(p), "=")
		if name != "idle" {
			continue
		}
		if n, err := strconv.Atoi(strings.TrimSpace(val)); err == nil && n > 0 && n < 1<<20 {
			idle = time.Duration(n) * time.Second
		}
	}
	return true, idle
}

// MaxMessageSize bounds one text message of the protocol, in both directions.
const MaxMessageSize = 1 << 20

// Config is the body of the config message. GrammarJSGF and PartialResults
// are extensions of mrcpd's engine; vosk-server ignores unknown keys.
type Config struct {
	SampleRate      float64  `json:"sample_rate,omitempty"`
	PhraseList      []string `json:"phrase_list,omitempty"`
	MaxAlternatives int      `json:"max_alternatives,omitempty"`
	Words           bool     `json:"words"`
	GrammarJSGF     string   `json:"grammar_jsgf,omitempty"`
	// PartialResults false tells the engine it may skip the streaming pass;
	// absent means true, as vosk always sends partials.
	PartialResults *bool `json:"partial_results,omitempty"`
}

// ConfigMessage wraps Config the way the server expects it.
type ConfigMessage struct {
	Config Config `json:"config"`
}

// Control is a text message from client to server.
type Control struct {
	Config *Config
	EOF    bool
}

// ParseControl decodes a client text message: a config or the end of audio.
func ParseControl(data []byte) (Control, error) {
	if len(data) > MaxMessageSize {
		return Control{}, errors.New("websocket: control message too large")
	}
	var raw struct {
		Config *Config          `json:"config"`
		EOF    *json.RawMessage `json:"eof"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return Control{}, fmt.Errorf("websocket: bad control message: %w", err)
	}
	switch {
	case raw.Config != nil && raw.EOF != nil:
		return Control{}, errors.New("websocket: control message has both config and eof")
	case raw.Config != nil:
		c := *raw.Config
		if c.SampleRate < 0 || c.SampleRate > 192000 || math.IsNaN(c.SampleRate) {
			return Control{}, fmt.Errorf("websocket: bad sample_rate %v", c.SampleRate)
		}
		if c.MaxAlternatives < 0 || c.MaxAlternatives > 100 {
			return Control{}, fmt.Errorf("websocket: bad max_alternatives %d", c.MaxAlternatives)
		}
		return Control{Config: &c}, nil
	case raw.EOF != nil:
		return Control{EOF: true}, nil
	}
	return Control{}, errors.New("websocket: control message is neither config nor eof")
}

// WordResult is one word of a result. vosk sends times in seconds; "conf"
// is absent from the words of an alternative.
type WordResult struct {
	Word  string   `json:"word"`
	Start float64  `json:"start"`
	End   float64  `json:"end"`
	Conf  *float64 `json:"conf,omitempty"`
}

// AlternativeResult is one entry of an N-best result. vosk's "confidence"
// is a lattice log-likelihood; mrcpd's engine sends a 0..1 value.
type AlternativeResult struct {
	Text       string       `json:"text"`
	Confidence float64      `json:"confidence"`
	Result     []WordResult `json:"result,omitempty"`
}

// Response is a server text message. ErrorCode and Error are extensions of
// mrcpd's engine; vosk-server reports failures by closing the connection.
type Response struct {
	Partial      *string             `json:"partial,omitempty"`
	Text         *string             `json:"text,omitempty"`
	Result       []WordResult        `json:"result,omitempty"`
	Alternatives []AlternativeResult `json:"alternatives,omitempty"`
	Error        string              `json:"error,omitempty"`
	ErrorCode    string              `json:"error_code,omitempty"`
}

// Error codes sent by mrcpd's engine.
const (
	CodeGrammar     = "grammar"     // the grammar did not compile or has unknown words
	CodeUnsupported = "unsupported" // e.g. a sample rate the engine cannot decode
	CodeOverloaded  = "overloaded"  // no capacity for another session
	CodeBadRequest  = "bad-request" // a malformed or out-of-order message
	CodeInternal    = "internal"    // the recogniser failed
)

// ResponseKind classifies a Response.
type ResponseKind int

// Kinds of server messages.
const (
	KindPartial ResponseKind = iota + 1
	KindResult
	KindError
)

// ParseResponse decodes and classifies a server text message.
func ParseResponse(data []byte) (Response, ResponseKind, error) {
	if len(data) > MaxMessageSize {
		return Response{}, 0, errors.New("websocket: response too large")
	}
	if text, ok := partialText(data); ok {
		t := string(text)
		return Response{Partial: &t}, KindPartial, nil
	}
	var r Response
	if err := json.Unmarshal(data, &r); err != nil {
		return Response{}, 0, fmt.Errorf("websocket: bad response: %w", err)
	}
	switch {
	case r.Error != "" || r.ErrorCode != "":
		return r, KindError, nil
	case r.Alternatives != nil || r.Text != nil:
		for _, w := range r.Result {
			if err := checkWord(w); err != nil {
				return Response{}, 0, err
			}
		}
		for _, a := range r.Alternatives {
			if !finite(a.Confidence) {
				return Response{}, 0, errors.New("websocket: bad alternative confidence")
			}
			for _, w := range a.Result {
				if err := checkWord(w); err != nil {
					return Response{}, 0, err
				}
			}
		}
		return r, KindResult, nil
	case r.Partial != nil:
		return r, KindPartial, nil
	}
	return Response{}, 0, errors.New("websocket: response is neither partial, result nor error")
}

func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }

func checkWord(w WordResult) error {
	if !finite(w.Start) || !finite(w.End) || w.Start < 0 || w.End < w.Start || w.End > 1e6 {
		return fmt.Errorf("websocket: bad word times %v..%v", w.Start, w.End)
	}
	if w.Conf != nil && !finite(*w.Conf) {
		return errors.New("websocket: bad word confidence")
	}
	return nil
}

// ServerError is a failure the engine reported in an error message.
type ServerError struct {
	Code    string
	Message string
}

// Is makes a grammar refusal match asr.ErrGrammar, so the server can pick
// the grammar completion causes without knowing this backend.
func (e *ServerError) Is(target error) bool {
	return target == asr.ErrGrammar && e.Code == CodeGrammar
}

func (e *ServerError) Error() string {
	if e.Code == "" {
		return "websocket: engine error: " + e.Message
	}
	return "websocket: engine error (" + e.Code + "): " + e.Message
}

// ToAlternatives converts a result message to N-best entries, best first.
//
// Confidence: a word's "conf" is a posterior in 0..1 and an utterance gets
// the mean of its words' (1 when the server sent none). vosk's alternatives
// carry lattice log-likelihoods instead (a value outside 0..1 shows it);
// those become a softmax over the alternatives, an approximate posterior
// among them. mrcpd's engine sends 0..1 values, used as they are.
func (r Response) ToAlternatives() []asr.Alternative {
	if r.Alternatives == nil {
		text := ""
		if r.Text != nil {
			text = *r.Text
		}
		words := convertWords(r.Result)
		conf := 1.0
		if n := len(words); n > 0 {
			sum := 0.0
			for _, w := range words {
				sum += w.Confidence
			}
			conf = sum / float64(n)
		}
		return []asr.Alternative{{Text: strings.TrimSpace(text), Confidence: conf, Words: words}}
	}
	probabilities := true
	top := math.Inf(-1)
	for _, a := range r.Alternatives {
		if a.Confidence < 0 || a.Confidence > 1 {
			probabilities = false
		}
		top = math.Max(top, a.Confidence)
	}
	out := make([]asr.Alternative, 0, len(r.Alternatives))
	sum := 0.0
	for _, a := range r.Alternatives {
		c := a.Confidence
		if !probabilities {
			c = math.Exp(a.Confidence - top)
			sum += c
		}
		out = append(out, asr.Alternative{Text: strings.TrimSpace(a.Text), Confidence: c, Words: convertWords(a.Result)})
	}
	if !probabilities && sum > 0 {
		for i := range out {
			out[i].Confidence /= sum
		}
	}
	// vosk lists alternatives best first; keep that order, which is also
	// the order of the confidences.
	return out
}

func convertWords(ws []WordResult) []asr.Word {
	if len(ws) == 0 {
		return nil
	}
	out := make([]asr.Word, 0, len(ws))
	for _, w := range ws {
		conf := 1.0
		if w.Conf != nil {
			conf = math.Min(math.Max(*w.Conf, 0), 1)
		}
		out = append(out, asr.Word{
			Text:       w.Word,
			Start:      seconds(w.Start),
			End:        seconds(w.End),
			Confidence: conf,
		})
	}
	return out
}

func seconds(s float64) time.Duration { return time.Duration(math.Round(s * float64(time.Second))) }
