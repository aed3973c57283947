package recog

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/mrcpd/mrcpd/mrcp"
)

func FuzzGrammarBody(f *testing.F) {
	f.Add("text/uri-list", "", []byte("session:a@b\r\n# comment\nhttp://x/g\n"))
	f.Add("text/grammar-ref-list", "", []byte("<http://x/g>;weight=\"0.5\"\n<session:a@b>\n"))
	f.Add(srgs, "<g@x>", []byte(digitGrammar))
	f.Add("multipart/mixed; boundary=b", "all@x", []byte("--b\r\nContent-Type: text/uri-list\r\n\r\nhttp://x\r\n--b\r\nContent-Type: application/srgs+xml\r\nContent-ID: <g@x>\r\n\r\n<grammar/>\r\n--b--\r\n"))
	f.Add("multipart/mixed; boundary=a", "", []byte("--a\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/uri-list\r\n\r\nx\r\n--b--\r\n--a--"))
	f.Add("", "", []byte("x"))
	f.Fuzz(func(t *testing.T, contentType, contentID string, body []byte) {
		gb, err := parseGrammarBody(contentType, contentID, body)
		if err != nil {
			if _, ok := err.(*bodyError); !ok {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		if len(gb.grammars) > maxGrammarRefs {
			t.Fatalf("%d grammars", len(gb.grammars))
		}
		for _, g := range gb.grammars {
			if (g.URI == "") == (g.Body == nil) {
				t.Fatalf("grammar is neither inline nor a reference: %+v", g)
			}
			if g.URI == "" && g.ContentID == "" {
				t.Fatalf("inline grammar without content-id: %+v", g)
			}
			if g.Weight < 0 || math.IsNaN(g.Weight) || math.IsInf(g.Weight, 0) {
				t.Fatalf("weight %v", g.Weight)
			}
		}
		for _, d := range gb.defines {
			if d.id == "" {
				t.Fatal("definition without content-id")
			}
		}
	})
}

func FuzzResultFilter(f *testing.F) {
	f.Add([]byte(nlsmlThree), 0.5, 2)
	f.Add([]byte(nlsmlOne), 0.99, 0)
	f.Add([]byte(`<result><interpretation confidence="80"/><interpretation/></result>`), 0.1, 1)
	f.Add([]byte(`<result><interpretation>`), 0.0, 0)
	f.Add([]byte(`<a:result xmlns:a="u"><a:interpretation confidence="0.2"><a:input confidence="0.9"/></a:interpretation></a:result>`), 0.5, 3)
	f.Fuzz(func(t *testing.T, body []byte, threshold float64, nBest int) {
		filter := resultFilter{threshold: threshold, hasThreshold: true, nBest: max(nBest%8, 0)}
		out, err := filter.apply(body)
		if err != nil {
			return
		}
		// What came in as well-formed XML leaves as well-formed XML.
		if wellFormed(body) && !wellFormed(out) {
			t.Fatalf("filter broke the document:\n%s\n->\n%s", body, out)
		}
		if n := countTopInterpretations(out); filter.nBest > 0 && n > filter.nBest {
			t.Fatalf("%d interpretations left with n-best %d", n, filter.nBest)
		}
	})
}

func wellFormed(b []byte) bool {
	dec := xml.NewDecoder(bytes.NewReader(b))
	for {
		_, err := dec.Token()
		if err == io.EOF {
			return true
		}
		if err != nil {
			return false
		}
	}
}

// countTopInterpretations counts the <interpretation> children of the root.
func countTopInterpretations(b []byte) int {
	dec := xml.NewDecoder(bytes.NewReader(b))
	depth, n := 0, 0
	for {
		tok, err := dec.Token()
		if err != nil {
			return n
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if depth == 2 && t.Name.Local == "interpretation" {
				n++
			}
		case xml.EndElement:
			depth--
		}
	}
}

// driver plays client and engine against a Machine from fuzz input and
// checks the protocol invariants after every step.
type driver struct {
	t       *testing.T
	m       *Machine
	next    uint32
	methods map[uint32]string
	resps   map[uint32][]*mrcp.Message
	done    map[uint32]bool // no more events may follow
	started map[uint32]bool // StartRecognition / Interpret issued
	running uint32          // engine operation running (0: none)
	load    uint32          // LoadGrammars awaiting an answer
	start   uint32          // StartRecognition awaiting RecognitionStarted
	stop    uint32          // Stop* awaiting EngineStopped
}

func newDriver(t *testing.T) *driver {
	m, err := New(Config{MaxQueue: 3, MaxBacklog: 4, MaxGrammars: 3, MaxGrammarBytes: 4096})
	if err != nil {
		t.Fatal(err)
	}
	return &driver{t: t, m: m, next: 1, methods: map[uint32]string{}, resps: map[uint32][]*mrcp.Message{},
		done: map[uint32]bool{}, started: map[uint32]bool{}}
}

var fuzzParams = [][2]string{
	{"Confidence-Threshold", "0.3"}, {"Confidence-Threshold", "x"}, {"Voice-Gender", "male"},
	{"Start-Input-Timers", "false"}, {"Cancel-If-Queue", "true"}, {"Vendor-Specific-Parameters", "a=1;b=\"2\""},
	{"N-Best-List-Length", "0"}, {"Save-Waveform", "true"},
}

func (d *driver) send(method, contentType, body string, fields ...string) {
	id := d.next
	d.next++
	var b strings.Builder
	fmt.Fprintf(&b, "MRCP/2.0 LEN %s %d\nChannel-Identifier: %s\n", method, id, chanID)
	for i := 0; i+1 < len(fields); i += 2 {
		fmt.Fprintf(&b, "%s: %s\n", fields[i], fields[i+1])
	}
	if body != "" {
		fmt.Fprintf(&b, "Content-Type: %s\n", contentType)
	}
	d.methods[id] = method
	d.apply(d.m.Request(wireMessage(d.t, b.String(), body)))
}

func (d *driver) resend(id uint32) {
	// A repeated or older request-id: 410, and nothing else changes.
	before := len(d.resps[id])
	req := wireMessage(d.t, fmt.Sprintf("MRCP/2.0 LEN STOP %d\nChannel-Identifier: %s\n", id, chanID), "")
	acts := d.m.Request(req)
	if len(acts) != 1 {
		d.t.Fatalf("old request-id %d: %v", id, summarize(d.t, acts))
	}
	r, ok := acts[0].(SendResponse)
	if !ok || r.Message.StatusCode != mrcp.StatusNonMonotonicSequence || r.Message.RequestID != id {
		d.t.Fatalf("old request-id %d: %v", id, summarize(d.t, acts))
	}
	if len(d.resps[id]) != before {
		d.t.Fatal("resend changed bookkeeping")
	}
}

func (d *driver) apply(acts []Action) {
	t := d.t
	for _, a := range acts {
		summary(t, a) // validates messages on the wire
		switch a := a.(type) {
		case SendResponse:
			m := a.Message
			if _, ok := d.methods[m.RequestID]; !ok {
				t.Fatalf("response to unknown request %d", m.RequestID)
			}
			d.resps[m.RequestID] = append(d.resps[m.RequestID], m)
			if len(d.resps[m.RequestID]) > 1 {
				t.Fatalf("request %d answered twice", m.RequestID)
			}
			if m.State == mrcp.StateComplete {
				d.done[m.RequestID] = true
				if m.RequestID == d.running {
					// A RECOGNIZE that failed to start (407).
					d.running = 0
				}
			}
			if list, ok := m.Header.Get(mrcp.HdrActiveRequestIDList); ok && m.StatusCode == 200 {
				for _, s := range strings.Split(list, ",") {
					n, _ := strconv.ParseUint(s, 10, 32)
					d.done[uint32(n)] = true
					if uint32(n) == d.running {
						d.running = 0
					}
				}
			}
		case SendEvent:
			m := a.Message
			if d.done[m.RequestID] {
				t.Fatalf("event %s for completed request %d", m.Name, m.RequestID)
			}
			rs := d.resps[m.RequestID]
			if len(rs) != 1 || rs[0].StatusCode != 200 || rs[0].State == mrcp.StateComplete {
				t.Fatalf("event %s for request %d that was not accepted", m.Name, m.RequestID)
			}
			if m.State == mrcp.StateComplete {
				d.done[m.RequestID] = true
				if m.RequestID == d.running {
					d.running = 0
				}
			}
		case StartRecognition, Interpret:
			id := requestIDOf(a)
			if d.running != 0 {
				t.Fatalf("operation %d started while %d runs", id, d.running)
			}
			if d.started[id] {
				t.Fatalf("operation %d started twice", id)
			}
			d.started[id], d.running = true, id
			if _, ok := a.(StartRecognition); ok {
				if d.start != 0 {
					t.Fatalf("two starts outstanding")
				}
				d.start = id
			}
		case LoadGrammars:
			if d.load != 0 {
				t.Fatalf("two grammar loads outstanding")
			}
			d.load = a.RequestID
		case StopRecognition:
			d.stopping(a.RequestID)
		case StopInterpretation:
			d.stopping(a.RequestID)
		}
	}
	d.check()
}

func requestIDOf(a Action) uint32 {
	switch a := a.(type) {
	case StartRecognition:
		return a.RequestID
	case Interpret:
		return a.RequestID
	}
	return 0
}

func (d *driver) stopping(id uint32) {
	if d.stop != 0 || id != d.running {
		d.t.Fatalf("stop of %d while %d runs and %d is stopping", id, d.running, d.stop)
	}
	d.stop = id
}

func (d *driver) check() {
	active, ok := d.m.Active()
	st := d.m.State()
	if ok != (st == Recognizing || st == Interpreting) {
		d.t.Fatalf("state %v with active=%v", st, ok)
	}
	if ok && active != d.running {
		d.t.Fatalf("machine runs %d, engine runs %d", active, d.running)
	}
	if len(d.m.Queued()) > 0 && !ok {
		d.t.Fatalf("queued %v with nothing in progress", d.m.Queued())
	}
	if d.m.Waiting() != (d.load != 0 || d.stop != 0 || d.start != 0) {
		d.t.Fatalf("waiting=%v load=%d stop=%d start=%d", d.m.Waiting(), d.load, d.stop, d.start)
	}
}

func (d *driver) input(ev EngineEvent) {
	switch e := ev.(type) {
	case GrammarsLoaded:
		if d.load != 0 && e.RequestID == d.load {
			d.load = 0
		}
	case RecognitionStarted:
		if d.start != 0 && e.RequestID == d.start {
			d.start = 0
		}
	case EngineStopped:
		if d.stop != 0 && e.RequestID == d.stop {
			d.stop = 0
			d.running = 0
		}
	case EngineFailure:
		d.load, d.stop, d.start = 0, 0, 0
	}
	d.apply(d.m.Input(ev))
}

func (d *driver) step(op, arg byte) {
	inline := []string{"Cancel-If-Queue", "false", "Content-Id", []string{"a@x", "b@x", "c@x", "d@x"}[arg%4]}
	switch op % 17 {
	case 0:
		p := fuzzParams[int(arg)%len(fuzzParams)]
		d.send(mrcp.MethodSetParams, "", "", p[0], p[1])
	case 1:
		d.send(mrcp.MethodGetParams, "", "")
	case 2:
		d.send(mrcp.MethodDefineGrammar, srgs, digitGrammar, "Content-Id", inline[3])
	case 3:
		d.send(mrcp.MethodDefineGrammar, "", "", "Content-Id", inline[3])
	case 4:
		d.send(mrcp.MethodRecognize, srgs, digitGrammar, inline...)
	case 5:
		d.send(mrcp.MethodRecognize, srgs, digitGrammar, "Cancel-If-Queue", "true", "Content-Id", "t@x")
	case 6:
		d.send(mrcp.MethodRecognize, "text/uri-list", "session:"+inline[3], "Cancel-If-Queue", "false")
	case 7:
		d.send(mrcp.MethodRecognize, srgs, digitGrammar, "Content-Id", "a@x")
	case 8:
		d.send(mrcp.MethodInterpret, srgs, digitGrammar, "Interpret-Text", "one", "Content-Id", "i@x")
	case 9:
		if arg%2 == 0 {
			d.send(mrcp.MethodGetResult, "", "", "Confidence-Threshold", "0.5")
		} else {
			d.send(mrcp.MethodGetResult, "", "")
		}
	case 10:
		d.send(mrcp.MethodStartInputTimers, "", "")
	case 11:
		if arg%3 == 0 && d.next > 1 {
			d.send(mrcp.MethodStop, "", "", "Active-Request-Id-List", strconv.Itoa(int(d.next)-1-int(arg)%3))
		} else {
			d.send(mrcp.MethodStop, "", "")
		}
	case 12:
		d.send([]string{mrcp.MethodSpeak, "FOO", mrcp.MethodDeletePhrase}[arg%3], "", "")
	case 13:
		d.answer(arg)
	case 14:
		id := uint32(arg % 8)
		d.input([]EngineEvent{StartOfInput{RequestID: id}, RecognitionComplete{RequestID: id}, EngineStopped{RequestID: id},
			GrammarsLoaded{RequestID: id}, InterpretationComplete{RequestID: id}, RecognitionStarted{RequestID: id}}[arg%6])
	case 15:
		d.input(EngineFailure{Reason: "gone"})
	case 16:
		if d.next > 1 {
			d.resend(d.next - 1 - uint32(arg)%(d.next-1))
		}
	}
}

// answer plays a well-behaved engine.
func (d *driver) answer(arg byte) {
	switch {
	case d.load != 0:
		cause := mrcp.CauseSuccess
		if arg%3 == 0 {
			cause = mrcp.CauseGrammarCompilationFailure
		}
		d.input(GrammarsLoaded{RequestID: d.load, Cause: cause})
	case d.start != 0:
		cause := mrcp.CauseSuccess
		if arg%4 == 0 {
			cause = mrcp.CauseGrammarLoadFailure
		}
		d.input(RecognitionStarted{RequestID: d.start, Cause: cause})
	case d.stop != 0 && arg%2 == 0:
		d.input(EngineStopped{RequestID: d.stop})
	case d.running != 0:
		id := d.running
		if d.methods[id] == mrcp.MethodInterpret {
			d.input(InterpretationComplete{RequestID: id, Body: []byte(nlsmlOne)})
			return
		}
		switch arg % 4 {
		case 0:
			d.input(StartOfInput{RequestID: id})
		case 1:
			d.input(RecognitionComplete{RequestID: id, Cause: mrcp.CauseSuccess, Body: []byte(nlsmlThree)})
		default:
			d.input(RecognitionComplete{RequestID: id, Cause: mrcp.CompletionCause{Code: int(arg % 17)}})
		}
	}
}

// flush lets the engine finish everything, then checks every request got
// exactly one response.
func (d *driver) flush() {
	for i := 0; i < 256 && (d.load != 0 || d.stop != 0 || d.start != 0 || d.running != 0); i++ {
		switch {
		case d.load != 0:
			d.input(GrammarsLoaded{RequestID: d.load})
		case d.start != 0:
			d.input(RecognitionStarted{RequestID: d.start})
		case d.stop != 0:
			d.input(EngineStopped{RequestID: d.stop})
		default:
			if d.methods[d.running] == mrcp.MethodInterpret {
				d.input(InterpretationComplete{RequestID: d.running})
			} else {
				d.input(RecognitionComplete{RequestID: d.running, Cause: mrcp.CauseSuccess})
			}
		}
	}
	if d.m.Waiting() || d.running != 0 {
		d.t.Fatal("machine did not settle")
	}
	for id := range d.methods {
		if n := len(d.resps[id]); n != 1 {
			d.t.Fatalf("request %d (%s) got %d responses", id, d.methods[id], n)
		}
	}
}

func FuzzMachine(f *testing.F) {
	f.Add([]byte{4, 0, 13, 1, 13, 0, 13, 1, 9, 0})           // recognize, started, start-of-input, complete, get-result
	f.Add([]byte{4, 0, 4, 1, 13, 0, 13, 0, 13, 1})           // grammar fails (407), the next one starts
	f.Add([]byte{4, 0, 4, 1, 4, 2, 11, 1, 1, 0, 13, 0})      // queue, stop, held request
	f.Add([]byte{5, 0, 4, 0, 13, 0, 13, 1})                  // cancel-if-queue
	f.Add([]byte{2, 0, 13, 1, 6, 0, 13, 2, 3, 0, 6, 0})      // define, reference, clear
	f.Add([]byte{8, 0, 11, 0, 14, 4, 13, 0})                 // interpret, stop
	f.Add([]byte{4, 0, 4, 1, 15, 0, 16, 1, 10, 0, 0, 3})     // failure, old id
	f.Add([]byte{2, 0, 4, 0, 4, 0, 4, 0, 4, 0, 4, 0, 13, 2}) // backlog overflow
	f.Fuzz(func(t *testing.T, ops []byte) {
		if len(ops) > 400 {
			ops = ops[:400]
		}
		d := newDriver(t)
		for i := 0; i+1 < len(ops); i += 2 {
			d.step(ops[i], ops[i+1])
		}
		d.flush()
	})
}
