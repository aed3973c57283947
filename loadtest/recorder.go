package loadtest

import (
	"cmp"
	"slices"
	"sync"
	"time"
)

// The "methods" of the table: each is one interval of a call.
const (
	// MethodInvite is INVITE sent to its 2xx received.
	MethodInvite = "INVITE"
	// MethodDefineGrammar, MethodRecognize and MethodStop are the request
	// sent to its response received (IN-PROGRESS for RECOGNIZE).
	MethodDefineGrammar = "DEFINE-GRAMMAR"
	MethodRecognize     = "RECOGNIZE"
	MethodStop          = "STOP"
	// MethodStartOfInput is the first audio packet of a recording sent to
	// START-OF-INPUT received: it includes the recording's own leading
	// silence and the server's speech detection.
	MethodStartOfInput = "START-OF-INPUT"
	// MethodRecognitionComplete is the last audio packet of a recording
	// sent to RECOGNITION-COMPLETE received: the server's end-of-speech
	// timer (Speech-Complete-Timeout) plus the decoder's final answer.
	MethodRecognitionComplete = "RECOGNITION-COMPLETE"
	// MethodNoInput is IN-PROGRESS received to RECOGNITION-COMPLETE
	// received for a recognition in which no START-OF-INPUT came: the
	// server's No-Input-Timeout (5000 ms as sent) plus how late its timer
	// fired. Kept apart so that timer waits do not swamp the figures of
	// real end-of-speech answers.
	MethodNoInput = "NO-INPUT"
	// MethodBye is the session's Close: media and control connections
	// closed, then BYE sent to its 200 OK received.
	MethodBye = "BYE"
)

// methodOrder is the order of a call; unknown names sort after, by name.
var methodOrder = []string{MethodInvite, MethodDefineGrammar, MethodRecognize, MethodStartOfInput,
	MethodRecognitionComplete, MethodNoInput, MethodStop, MethodBye}

func methodRank(name string) int {
	if i := slices.Index(methodOrder, name); i >= 0 {
		return i
	}
	return len(methodOrder)
}

func sortMethods(ms []MethodStats) {
	slices.SortStableFunc(ms, func(a, b MethodStats) int {
		return cmp.Or(cmp.Compare(methodRank(a.Method), methodRank(b.Method)), cmp.Compare(a.Method, b.Method))
	})
}

// maxErrorKinds bounds the distinct error descriptions kept; the rest are
// counted together.
const (
	maxErrorKinds  = 32
	otherErrors    = "other errors"
	maxErrorLength = 200
)

// recorder collects the timings, causes and errors of every session.
type recorder struct {
	mu        sync.Mutex
	methods   map[string]*series
	causes    map[string]int
	errors    map[string]int
	early     int // RECOGNITION-COMPLETE before the audio ended
	overruns  int // cycles that took longer than the cadence
	completed int // RECOGNITION-COMPLETE received, whatever the cause
	started   int // sessions established
	// RTP packets the calls sent and how long they were up, for the
	// pace actually achieved.
	packetsSent uint64
	upSeconds   float64
}

func newRecorder() *recorder {
	return &recorder{methods: map[string]*series{}, causes: map[string]int{}, errors: map[string]int{}}
}

func (r *recorder) seriesOf(method string) *series {
	s := r.methods[method]
	if s == nil {
		s = newSeries()
		r.methods[method] = s
	}
	return s
}

func (r *recorder) observe(method string, d time.Duration) {
	r.mu.Lock()
	r.seriesOf(method).add(d)
	r.mu.Unlock()
}

// fail counts an error of a method with a short description.
func (r *recorder) fail(method, what string) {
	if len(what) > maxErrorLength {
		what = what[:maxErrorLength] + "..."
	}
	key := method + ": " + what
	r.mu.Lock()
	defer r.mu.Unlock()
	r.seriesOf(method).errors++
	if _, ok := r.errors[key]; !ok && len(r.errors) >= maxErrorKinds {
		key = otherErrors
	}
	r.errors[key]++
}

func (r *recorder) cause(c string) {
	r.mu.Lock()
	r.causes[c]++
	r.completed++
	r.mu.Unlock()
}

func (r *recorder) earlyCompletion() {
	r.mu.Lock()
	r.early++
	r.mu.Unlock()
}

func (r *recorder) overrun() {
	r.mu.Lock()
	r.overruns++
	r.mu.Unlock()
}

func (r *recorder) sessionEnded(packets uint64, up time.Duration) {
	r.mu.Lock()
	r.packetsSent += packets
	r.upSeconds += up.Seconds()
	r.mu.Unlock()
}

func (r *recorder) sessionStarted() {
	r.mu.Lock()
	r.started++
	r.mu.Unlock()
}

// progress is a consistent snapshot of the counters.
type progress struct {
	sessions, completed, errors int
}

func (r *recorder) progress() progress {
	r.mu.Lock()
	defer r.mu.Unlock()
	p := progress{sessions: r.started, completed: r.completed}
	for _, n := range r.errors {
		p.errors += n
	}
	return p
}

// fill writes the collected figures into a report.
func (r *recorder) fill(rep *Report) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for name, s := range r.methods {
		rep.Methods = append(rep.Methods, s.stats(name))
	}
	sortMethods(rep.Methods)
	rep.CompletionCauses = map[string]int{}
	for c, n := range r.causes {
		rep.CompletionCauses[c] = n
	}
	for what, n := range r.errors {
		rep.Errors = append(rep.Errors, ErrorCount{What: what, Count: n})
	}
	slices.SortFunc(rep.Errors, func(a, b ErrorCount) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.What, b.What))
	})
	rep.SessionsEstablished = r.started
	rep.Recognitions = r.completed
	rep.EarlyCompletions = r.early
	rep.CadenceOverruns = r.overruns
	if r.upSeconds > 0 {
		rep.RTPSentPerSessionSecond = float64(r.packetsSent) / r.upSeconds
	}
}
