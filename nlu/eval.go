package nlu

import (
	"cmp"
	"math"
	"slices"
	"time"
)

// IntentScore is the per-intent part of an evaluation.
type IntentScore struct {
	Intent    string  `json:"intent"`
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	F1        float64 `json:"f1"`
	Support   int     `json:"support"`
}

// Confusion counts test examples of one intent predicted as another.
type Confusion struct {
	Expected  string `json:"expected"`
	Predicted string `json:"predicted"`
	Count     int    `json:"count"`
}

// Latency holds percentiles of the time one prediction took.
type Latency struct {
	P50 time.Duration `json:"p50"`
	P90 time.Duration `json:"p90"`
	P99 time.Duration `json:"p99"`
	Max time.Duration `json:"max"`
}

// Report is the result of evaluating a model on labelled test data.
type Report struct {
	Examples int `json:"examples"`
	// Accuracy is the share of examples whose most probable intent is right, threshold ignored.
	Accuracy float64 `json:"accuracy"`
	// MacroF1 averages the per-intent F1 scores (threshold ignored).
	MacroF1 float64 `json:"macro_f1"`
	// Rejected is the share of examples the threshold and margin turned out of scope.
	Rejected float64 `json:"rejected"`
	// AcceptedAccuracy is the accuracy on the examples that were not rejected.
	AcceptedAccuracy float64       `json:"accepted_accuracy"`
	PerIntent        []IntentScore `json:"per_intent"`
	// Confusions are the most frequent errors, largest first.
	Confusions []Confusion `json:"confusions"`
	Latency    Latency     `json:"latency"`
	// CalibrationError is the expected calibration error of the best intent's probability (10 equal-width
	// bins): how far, on average, confidence is from accuracy. 0 is perfect.
	CalibrationError float64 `json:"calibration_error"`
	// Unknown counts test examples whose intent the model was not trained on (always wrong).
	Unknown int `json:"unknown"`
}

// Evaluate classifies every test example and scores the answers. worst bounds the number of confusions
// reported.
func Evaluate(m *Model, test []Example, worst int) Report {
	known := make(map[string]bool, len(m.intents))
	for _, in := range m.intents {
		known[in] = true
	}
	var r Report
	r.Examples = len(test)
	if len(test) == 0 {
		return r
	}
	durations := make([]time.Duration, len(test))
	tp := make(map[string]int)
	fp := make(map[string]int)
	support := make(map[string]int)
	confusions := make(map[[2]string]int)
	right, rejected, acceptedRight := 0, 0, 0
	var bins [10]struct {
		n          int
		conf, hits float64
	}
	for i, ex := range test {
		start := time.Now()
		p := m.Classify(ex.Text, 1)
		durations[i] = time.Since(start)
		guess, conf := p.Intent, p.Confidence
		if p.OutOfScope {
			rejected++
			guess, conf = p.Alternatives[0].Intent, p.Alternatives[0].Confidence
		}
		b := &bins[min(int(conf*10), 9)]
		b.n++
		b.conf += conf
		if guess == ex.Intent {
			b.hits++
		}
		support[ex.Intent]++
		if !known[ex.Intent] {
			r.Unknown++
		}
		if guess == ex.Intent {
			right++
			tp[guess]++
			if !p.OutOfScope {
				acceptedRight++
			}
		} else {
			fp[guess]++
			confusions[[2]string{ex.Intent, guess}]++
		}
	}
	n := float64(len(test))
	r.Accuracy = float64(right) / n
	for _, b := range bins {
		if b.n > 0 {
			r.CalibrationError += math.Abs(b.conf-b.hits) / n
		}
	}
	r.Rejected = float64(rejected) / n
	if accepted := len(test) - rejected; accepted > 0 {
		r.AcceptedAccuracy = float64(acceptedRight) / float64(accepted)
	}
	names := make([]string, 0, len(support))
	for in := range support {
		names = append(names, in)
	}
	for in := range fp {
		if support[in] == 0 {
			names = append(names, in)
		}
	}
	slices.Sort(names)
	var f1sum float64
	for _, in := range names {
		s := IntentScore{Intent: in, Support: support[in]}
		if d := tp[in] + fp[in]; d > 0 {
			s.Precision = float64(tp[in]) / float64(d)
		}
		if support[in] > 0 {
			s.Recall = float64(tp[in]) / float64(support[in])
		}
		if s.Precision+s.Recall > 0 {
			s.F1 = 2 * s.Precision * s.Recall / (s.Precision + s.Recall)
		}
		f1sum += s.F1
		r.PerIntent = append(r.PerIntent, s)
	}
	r.MacroF1 = f1sum / float64(len(names))
	for k, c := range confusions {
		r.Confusions = append(r.Confusions, Confusion{Expected: k[0], Predicted: k[1], Count: c})
	}
	slices.SortFunc(r.Confusions, func(a, b Confusion) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Expected, b.Expected), cmp.Compare(a.Predicted, b.Predicted))
	})
	if len(r.Confusions) > worst {
		r.Confusions = r.Confusions[:max(worst, 0)]
	}
	r.Latency = percentiles(durations)
	return r
}

func percentiles(d []time.Duration) Latency {
	slices.Sort(d)
	at := func(q float64) time.Duration { return d[min(int(q*float64(len(d))), len(d)-1)] }
	return Latency{P50: at(0.5), P90: at(0.9), P99: at(0.99), Max: d[len(d)-1]}
}
