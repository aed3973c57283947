package engine

import (
	"context"
	"errors"
	"net"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	gws "github.com/gorilla/websocket"

	"github.com/mrcpd/mrcpd/asr"
	"github.com/mrcpd/mrcpd/asr/sphinx"
	"github.com/mrcpd/mrcpd/asr/websocket"
	"github.com/mrcpd/mrcpd/engine/speechtest"
)

const (
	yesNoGrammar  = "#JSGF V1.0;\ngrammar yesno;\npublic <answer> = yes | no ;\n"
	digitsGrammar = "#JSGF V1.0;\ngrammar digits;\npublic <digits> = <digit>+ ;\n<digit> = zero | one | two | three | four | five | six | seven | eight | nine ;\n"
	frame         = 160 // 20 ms at 8 kHz, as RTP delivers it
)

type testEngine struct {
	url      string
	srv      *Server
	accepted *atomic.Int64 // TCP connections the engine accepted
	pool     *sphinx.Pool
	cancel   context.CancelFunc
	done     chan error
}

func newPool(t testing.TB, grammar, freeForm int) *sphinx.Pool {
	t.Helper()
	p, err := sphinx.NewPool(sphinx.PoolConfig{Grammar: grammar, FreeForm: freeForm})
	if err != nil {
		t.Fatalf("%v (`make test` installs libpocketsphinx-dev and pocketsphinx-en-us)", err)
	}
	return p
}

func startEngine(t testing.TB, opts Options) *testEngine {
	t.Helper()
	if opts.Pool == nil {
		opts.Pool = newPool(t, 2, 0)
	}
	srv, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	e := &testEngine{url: "ws://" + ln.Addr().String(), srv: srv, pool: opts.Pool, cancel: cancel, done: make(chan error, 1)}
	counted := &countingListener{Listener: ln}
	e.accepted = &counted.n
	go func() { e.done <- srv.Serve(ctx, counted) }()
	t.Cleanup(func() { e.stop(t) })
	return e
}

type countingListener struct {
	net.Listener
	n atomic.Int64
}

func (l *countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		l.n.Add(1)
	}
	return c, err
}

func (e *testEngine) stop(t testing.TB) {
	if e.cancel == nil {
		return
	}
	e.cancel()
	e.cancel = nil
	select {
	case err := <-e.done:
		if err != nil {
			t.Errorf("Serve: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Error("engine did not stop within 10s")
	}
	e.pool.Close()
}

func newClient(t testing.TB, url string) *websocket.Recognizer {
	t.Helper()
	r, err := websocket.New(websocket.Options{URL: url, ReplyTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// recognize streams pcm in RTP-sized frames and waits, bounded, for the
// final result; it returns the partials seen on the way.
func recognize(t testing.TB, r asr.Recognizer, req asr.Request, pcm []int16) (asr.Result, []asr.Result) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := r.Start(ctx, req)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	defer s.Close()
	// A failed stream refuses audio; its error arrives on Results.
	var werr error
	for i := 0; i < len(pcm) && werr == nil; i += frame {
		werr = s.Write(pcm[i:min(i+frame, len(pcm))])
	}
	if werr == nil {
		werr = s.Finish()
	}
	var partials []asr.Result
	var final *asr.Result
	timeout := time.After(30 * time.Second)
	for {
		select {
		case res, ok := <-s.Results():
			if !ok {
				if final == nil {
					t.Fatal("Results closed without a final result")
				}
				return *final, partials
			}
			if final != nil {
				t.Fatalf("result after the final one: %+v", res)
			}
			if res.Final || res.Err != nil {
				if werr != nil && res.Err == nil {
					t.Fatalf("Write or Finish failed (%v) but the stream succeeded", werr)
				}
				final = &res
			} else {
				partials = append(partials, res)
			}
		case <-timeout:
			t.Fatal("no final result within 30s")
		}
	}
}

func bestText(t testing.TB, res asr.Result) string {
	t.Helper()
	if res.Err != nil {
		t.Fatalf("recognition failed: %v", res.Err)
	}
	if len(res.Alternatives) == 0 {
		t.Fatal("final result without alternatives")
	}
	return res.Alternatives[0].Text
}

func TestYesNoGrammar(t *testing.T) {
	e := startEngine(t, Options{})
	client := newClient(t, e.url)
	for _, word := range []string{"yes", "no"} {
		pcm := speechtest.Synthesize(t, word, 8000)
		res, _ := recognize(t, client, asr.Request{SampleRate: 8000, JSGF: yesNoGrammar, NBest: 1}, pcm)
		if got := bestText(t, res); got != word {
			t.Errorf("said %q, recognised %q", word, got)
		}
		a := res.Alternatives[0]
		if a.Confidence <= 0 || a.Confidence > 1 {
			t.Errorf("confidence %v outside (0,1]", a.Confidence)
		}
		if len(a.Words) != 1 || a.Words[0].Text != word || a.Words[0].End <= a.Words[0].Start {
			t.Errorf("words %+v", a.Words)
		}
	}
}

func TestDigitsGrammarWithPartialsAndNBest(t *testing.T) {
	e := startEngine(t, Options{})
	client := newClient(t, e.url)
	pcm := speechtest.Synthesize(t, "one two three four", 8000)
	res, partials := recognize(t, client, asr.Request{SampleRate: 8000, JSGF: digitsGrammar, NBest: 3, Partial: true}, pcm)
	if got := bestText(t, res); got != "one two three four" {
		t.Fatalf("recognised %q", got)
	}
	if len(partials) == 0 {
		t.Error("no partial results although asked for")
	}
	for _, p := range partials {
		if p.Final || p.Err != nil || len(p.Alternatives) == 0 || p.Alternatives[0].Text == "" {
			t.Errorf("bad partial %+v", p)
		}
	}
	alts := res.Alternatives
	if len(alts) < 2 || len(alts) > 3 {
		t.Errorf("asked for 3 alternatives, got %d: %+v", len(alts), alts)
	}
	seen := map[string]bool{}
	for i, a := range alts {
		if a.Confidence < 0 || a.Confidence > 1 {
			t.Errorf("alternative %d confidence %v", i, a.Confidence)
		}
		if i > 0 && a.Confidence > alts[i-1].Confidence {
			t.Errorf("alternatives not ordered by confidence: %+v", alts)
		}
		if seen[a.Text] {
			t.Errorf("duplicate alternative %q", a.Text)
		}
		seen[a.Text] = true
	}
	words := alts[0].Words
	if len(words) != 4 {
		t.Fatalf("words %+v", words)
	}
	audio := time.Duration(len(pcm)) * time.Second / 8000
	for i, w := range words {
		if w.End <= w.Start || w.End > audio+100*time.Millisecond || (i > 0 && w.Start < words[i-1].End) {
			t.Errorf("word %d times %v..%v (audio %v)", i, w.Start, w.End, audio)
		}
	}
}

// TestSequentialSessionsShareOneDecoder: connections one after another on
// an engine with one warm grammar decoder, as an IVR's turns arrive. Each
// decodes its own audio: the same utterance gives the same result whatever
// came before and whether partials were asked for. (Once, the second turn of
// a campaign, "call me back later" after "i already paid", came back empty.)
func TestSequentialSessionsShareOneDecoder(t *testing.T) {
	e := startEngine(t, Options{Pool: newPool(t, 1, 0)})
	client := newClient(t, e.url)
	const callbot = "#JSGF V1.0;\ngrammar g;\npublic <root> = ( i already paid | call me back later | who is this ) ;\n"
	turns := []struct {
		grammar, say string
		partial      bool
	}{
		{callbot, "i already paid", true},
		{callbot, "call me back later", true},
		{yesNoGrammar, "yes", false},
		{callbot, "call me back later", false},
		{callbot, "i already paid", false},
	}
	audio := map[string][]int16{}
	confidence := map[string]float64{}
	for i, turn := range turns {
		// A session returns its decoder with the final result.
		waitIdle(t, e.pool, 1)
		if audio[turn.say] == nil {
			audio[turn.say] = speechtest.Synthesize(t, turn.say, 8000)
		}
		res, _ := recognize(t, client, asr.Request{SampleRate: 8000, JSGF: turn.grammar, NBest: 1, Partial: turn.partial}, audio[turn.say])
		if got := bestText(t, res); got != turn.say {
			t.Errorf("turn %d: said %q, recognised %q", i, turn.say, got)
			continue
		}
		c := res.Alternatives[0].Confidence
		if prev, ok := confidence[turn.say]; ok && prev != c {
			t.Errorf("turn %d: %q scored %v, earlier %v", i, turn.say, c, prev)
		}
		confidence[turn.say] = c
	}
	waitIdle(t, e.pool, 1)
}

// waitIdle waits, bounded, until the pool holds want idle grammar decoders.
func waitIdle(t *testing.T, p *sphinx.Pool, want int) {
	t.Helper()
	for range 200 {
		if g, _ := p.Idle(); g == want {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	g, _ := p.Idle()
	t.Fatalf("%d idle grammar decoders after 2s, want %d", g, want)
}

func TestPhraseList16k(t *testing.T) {
	e := startEngine(t, Options{})
	client := newClient(t, e.url)
	pcm := speechtest.Synthesize(t, "yes", 16000)
	res, _ := recognize(t, client, asr.Request{SampleRate: 16000, Phrases: []string{"Yes", "no", "[unk]"}}, pcm)
	if got := bestText(t, res); got != "yes" {
		t.Fatalf("recognised %q", got)
	}
}

func TestFreeFormCompletes(t *testing.T) {
	e := startEngine(t, Options{Pool: newPool(t, 0, 1)})
	client := newClient(t, e.url)
	pcm := speechtest.Synthesize(t, "hello world", 8000)
	res, _ := recognize(t, client, asr.Request{SampleRate: 8000, NBest: 2}, pcm)
	if res.Err != nil {
		t.Fatalf("free-form recognition failed: %v", res.Err)
	}
	// The en-us trigram model is weak on band-limited synthetic speech:
	// only completion is asserted, not the words.
	if len(res.Alternatives) == 0 {
		t.Fatal("no alternatives")
	}
	t.Logf("free-form heard %q", res.Alternatives[0].Text)
}

func TestOutOfVocabularyGrammarWord(t *testing.T) {
	e := startEngine(t, Options{})
	client := newClient(t, e.url)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s, err := client.Start(ctx, asr.Request{SampleRate: 8000, JSGF: "#JSGF V1.0; grammar g; public <r> = yes | zzyzxqua ;"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var final asr.Result
	select {
	case final = <-s.Results():
	case <-time.After(10 * time.Second):
		t.Fatal("no error within 10s")
	}
	var se *websocket.ServerError
	if !errors.As(final.Err, &se) || se.Code != websocket.CodeGrammar || !strings.Contains(se.Message, `"zzyzxqua"`) {
		t.Fatalf("want a grammar error naming the word, got %v", final.Err)
	}
	if _, ok := <-s.Results(); ok {
		t.Error("Results not closed after the error")
	}
	if err := s.Write(make([]int16, frame)); err == nil {
		t.Error("Write succeeded on a failed stream")
	}
}

func TestGrammarSyntaxError(t *testing.T) {
	e := startEngine(t, Options{})
	client := newClient(t, e.url)
	pcm := speechtest.Synthesize(t, "yes", 8000)
	res, _ := recognize(t, client, asr.Request{SampleRate: 8000, JSGF: "#JSGF V1.0; grammar g; public <r> = ( yes | no ;"}, pcm)
	var se *websocket.ServerError
	if !errors.As(res.Err, &se) || se.Code != websocket.CodeGrammar {
		t.Fatalf("want a grammar error, got %+v", res)
	}
}

func TestEngineStoppedMidStream(t *testing.T) {
	e := startEngine(t, Options{})
	client := newClient(t, e.url)
	pcm := speechtest.Synthesize(t, "one two three four", 8000)
	s, err := client.Start(context.Background(), asr.Request{SampleRate: 8000, JSGF: digitsGrammar})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for i := 0; i < len(pcm)/2; i += frame {
		if err := s.Write(pcm[i : i+frame]); err != nil {
			t.Fatal(err)
		}
	}
	e.stop(t)
	select {
	case res := <-s.Results():
		if res.Err == nil {
			t.Fatalf("want an error after the engine stopped, got %+v", res)
		}
		t.Logf("error as expected: %v", res.Err)
	case <-time.After(10 * time.Second):
		t.Fatal("stream hung after the engine stopped")
	}
	if _, ok := <-s.Results(); ok {
		t.Error("Results not closed after the error")
	}
}

func TestConcurrentSessions(t *testing.T) {
	e := startEngine(t, Options{Pool: newPool(t, 4, 0)})
	client := newClient(t, e.url)
	words := []string{"yes", "no"}
	audio := map[string][]int16{}
	for _, w := range words {
		audio[w] = speechtest.Synthesize(t, w, 8000)
	}
	const sessions = 8
	var wg sync.WaitGroup
	got := make([]string, sessions)
	errs := make([]error, sessions)
	for i := range sessions {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, _ := recognize(t, client, asr.Request{SampleRate: 8000, JSGF: yesNoGrammar, Partial: i%2 == 0}, audio[words[i%2]])
			errs[i] = res.Err
			if res.Err == nil && len(res.Alternatives) > 0 {
				got[i] = res.Alternatives[0].Text
			}
		}()
	}
	wg.Wait()
	for i := range sessions {
		if errs[i] != nil || got[i] != words[i%2] {
			t.Errorf("session %d: said %q, got %q (err %v)", i, words[i%2], got[i], errs[i])
		}
	}
	if g, _ := e.pool.Idle(); g != 4 {
		t.Errorf("pool keeps %d warm grammar decoders after the burst, want 4", g)
	}
}

func TestMaxSessionsRefusesExtraConnection(t *testing.T) {
	e := startEngine(t, Options{MaxSessions: 1})
	client := newClient(t, e.url)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	first, err := client.Start(ctx, asr.Request{SampleRate: 8000, JSGF: yesNoGrammar})
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	deadline := time.Now().Add(5 * time.Second)
	for e.srv.Active() != 1 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	_, err = client.Start(ctx, asr.Request{SampleRate: 8000, JSGF: yesNoGrammar})
	if err == nil || !strings.Contains(err.Error(), "503") {
		t.Fatalf("second session: want a 503 refusal, got %v", err)
	}
}

func TestGoroutinesReturnToBaseline(t *testing.T) {
	pcm := speechtest.Synthesize(t, "yes", 8000)
	pool := newPool(t, 2, 0)
	baseline := runtime.NumGoroutine()
	func() {
		e := startEngine(t, Options{Pool: pool})
		client := newClient(t, e.url)
		for range 3 {
			res, _ := recognize(t, client, asr.Request{SampleRate: 8000, JSGF: yesNoGrammar, Partial: true}, pcm)
			if bestText(t, res) != "yes" {
				t.Fatal("misrecognised")
			}
		}
		// A stream closed before its end leaves nothing behind either.
		s, err := client.Start(context.Background(), asr.Request{SampleRate: 8000, JSGF: yesNoGrammar})
		if err != nil {
			t.Fatal(err)
		}
		_ = s.Write(pcm[:frame])
		s.Close()
		e.stop(t)
	}()
	deadline := time.Now().Add(5 * time.Second)
	n := runtime.NumGoroutine()
	for n > baseline && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
		n = runtime.NumGoroutine()
	}
	if n > baseline {
		buf := make([]byte, 1<<16)
		t.Fatalf("%d goroutines, baseline %d:\n%s", n, baseline, buf[:runtime.Stack(buf, true)])
	}
}

// waitActive waits, bounded, until the engine serves n connections.
func waitActive(t *testing.T, e *testEngine, n int) {
	t.Helper()
	for range 500 {
		if e.srv.Active() == n {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("engine serves %d connections after 5s, want %d", e.srv.Active(), n)
}

// A client that asks (websocket.ReuseHeader) keeps its connection for the
// next recognition; the decoder goes back to the pool with each final
// result, not with the connection.
func TestOneConnectionServesSeveralRecognitions(t *testing.T) {
	e := startEngine(t, Options{Pool: newPool(t, 1, 0)})
	client := newClient(t, e.url)
	yes := speechtest.Synthesize(t, "yes", 8000)
	digits := speechtest.Synthesize(t, "four two", 8000)
	for i := range 3 {
		res, _ := recognize(t, client, asr.Request{SampleRate: 8000, JSGF: yesNoGrammar}, yes)
		if got := bestText(t, res); got != "yes" {
			t.Fatalf("round %d: recognised %q, want yes", i, got)
		}
		waitIdle(t, e.pool, 1)
		res, _ = recognize(t, client, asr.Request{SampleRate: 8000, JSGF: digitsGrammar, Partial: true}, digits)
		if got := bestText(t, res); got != "four two" {
			t.Fatalf("round %d: recognised %q, want four two", i, got)
		}
		waitIdle(t, e.pool, 1)
	}
	if n := e.accepted.Load(); n != 1 {
		t.Fatalf("6 recognitions used %d connections, want 1", n)
	}
	waitActive(t, e, 1)
	client.CloseIdleConnections()
	waitActive(t, e, 0)

	// The engine states its idle timeout, which bounds the client's
	// keep-alive.
	conn, resp, err := gws.DefaultDialer.Dial(e.url, http.Header{websocket.ReuseHeader: {"1"}})
	if err != nil {
		t.Fatal(err)
	}
	conn.Close()
	if agreed, idle := websocket.ParseReuse(resp.Header.Get(websocket.ReuseHeader)); !agreed || idle != DefaultIdleTimeout {
		t.Fatalf("handshake answer %q, want agreement with idle=%v", resp.Header.Get(websocket.ReuseHeader), DefaultIdleTimeout)
	}
	waitActive(t, e, 0)
	accepted := e.accepted.Load()

	// Without the header, the engine closes after the final result, as
	// vosk-server does.
	plain, err := websocket.New(websocket.Options{URL: e.url, MaxIdle: -1})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		res, _ := recognize(t, plain, asr.Request{SampleRate: 8000, JSGF: yesNoGrammar}, yes)
		if got := bestText(t, res); got != "yes" {
			t.Fatalf("recognised %q, want yes", got)
		}
		waitActive(t, e, 0)
	}
	if n := e.accepted.Load() - accepted; n != 2 {
		t.Fatalf("2 recognitions without reuse took %d connections, want 2", n)
	}
}

// answersTo streams n messages of silence and the end of audio over a raw
// websocket connection and returns the answers read up to the final one.
func answersTo(t *testing.T, url string, header http.Header, n int) []string {
	t.Helper()
	conn, _, err := gws.DefaultDialer.Dial(url, header)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	if err := conn.WriteMessage(gws.TextMessage, []byte(`{"config": {"sample_rate": 8000, "grammar_jsgf": "`+strings.ReplaceAll(yesNoGrammar, "\n", `\n`)+`"}}`)); err != nil {
		t.Fatal(err)
	}
	for range n {
		if err := conn.WriteMessage(gws.BinaryMessage, make([]byte, 1600)); err != nil {
			t.Fatal(err)
		}
	}
	if err := conn.WriteMessage(gws.TextMessage, []byte(websocket.EOFMessage)); err != nil {
		t.Fatal(err)
	}
	var got []string
	for range n + 1 {
		_, msg, err := conn.ReadMessage()
		if err != nil {
			t.Fatalf("after %d answers: %v", len(got), err)
		}
		got = append(got, string(msg))
		if !strings.Contains(string(msg), `"partial"`) {
			return got
		}
	}
	t.Fatalf("no final result among %d answers", len(got))
	return nil
}

// Asked for changes only (websocket.PartialsHeader), the engine does not
// repeat an unchanged partial; otherwise it answers every message, as vosk
// clients expect.
func TestPartialsOnlyWhenChanged(t *testing.T) {
	e := startEngine(t, Options{})
	quiet := answersTo(t, e.url, http.Header{websocket.PartialsHeader: {websocket.PartialsChanged}}, 10)
	if len(quiet) != 1 {
		t.Fatalf("10 messages of silence, changes only: answers %q, want the final alone", quiet)
	}
	every := answersTo(t, e.url, nil, 10)
	if len(every) != 11 {
		t.Fatalf("10 messages of silence: %d answers, want 10 partials and the final", len(every))
	}
}
