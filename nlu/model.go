package nlu

import (
	"cmp"
	"math"
	"slices"
	"sync"
	"time"

	"github.com/mrcpd/mrcpd/nlu/entity"
)

// Entity is an entity found in an utterance; see package entity.
type Entity = entity.Entity

// Scored is an intent with its calibrated probability.
type Scored struct {
	Intent     string  `json:"intent"`
	Confidence float64 `json:"confidence"`
}

// Prediction is the answer for one utterance.
type Prediction struct {
	// Intent is the recognised intent, or "" when the utterance is out of scope.
	Intent string `json:"intent"`
	// Confidence is the calibrated probability that Intent is right (0 when out of scope).
	Confidence float64 `json:"confidence"`
	// Alternatives are the next most likely intents, best first. When the utterance is out of scope they
	// start with the rejected best guess.
	Alternatives []Scored `json:"alternatives,omitempty"`
	// Entities are the entities found in the text, in order of position.
	Entities []Entity `json:"entities,omitempty"`
	// OutOfScope is true when no intent reached the model's threshold and margin.
	OutOfScope bool `json:"out_of_scope"`
}

// Model is a trained intent classifier. It is immutable and safe for concurrent use.
type Model struct {
	cfg      Config
	intents  []string
	fz       *featurizer
	weights  quantizedWeights // (features+1) rows x intents; the last row is the bias
	cal      calibration
	entities EntitySpec
	extract  *entity.Extractor
	pool     sync.Pool
}

func newModel(cfg Config, intents []string, f *fitted, cal calibration, ents EntitySpec, ex *entity.Extractor) *Model {
	k := len(intents)
	dim := f.vocab.size()
	w := slices.Clone(f.svm)
	beta := float32(cal.centroidWeight)
	if beta != 0 {
		for j := range dim * k {
			w[j] += beta * f.centroids[j]
		}
	}
	m := &Model{
		cfg:      cfg,
		intents:  intents,
		fz:       newFeaturizer(cfg, newAnalyzer(cfg.Stemmer, cfg.Fillers), f.vocab),
		weights:  quantize(w, k),
		cal:      cal,
		entities: ents,
		extract:  ex,
	}
	m.pool.New = func() any { return new(scratch) }
	return m
}

// Intents returns the intents the model knows, in the order of its weight columns.
func (m *Model) Intents() []string { return slices.Clone(m.intents) }

// Config returns the resolved settings the model was trained with.
func (m *Model) Config() Config { return m.cfg }

// probabilities writes the calibrated probabilities of every intent for text into sc.scores. known is
// false when the text has no feature the model has seen: its probabilities are then only the priors.
func (m *Model) probabilities(text string, sc *scratch) (probs []float64, known bool) {
	m.fz.hash(text, sc)
	x := m.fz.vector(&sc.hs, sc)
	k := len(m.intents)
	dim := m.fz.vocab.size()
	if cap(sc.scores) < k {
		sc.scores = make([]float64, k)
	}
	s := sc.scores[:k]
	clear(s)
	m.weights.addRow(s, dim, 1)
	for j, i := range x.idx {
		m.weights.addRow(s, int(i), float64(x.val[j]))
	}
	softmaxInPlace(s, m.cal.temperature)
	return s, len(x.idx) > 0
}

func softmaxInPlace(s []float64, t float64) {
	mx := math.Inf(-1)
	for _, v := range s {
		mx = math.Max(mx, v/t)
	}
	var z float64
	for i, v := range s {
		s[i] = math.Exp(v/t - mx)
		z += s[i]
	}
	for i := range s {
		s[i] /= z
	}
}

// Predict classifies text and extracts its entities. ref is the moment relative dates ("tomorrow",
// "в пятницу") are resolved against, normally the time the utterance was heard, in the caller's zone.
func (m *Model) Predict(text string, ref time.Time) Prediction {
	p := m.Classify(text, 3)
	p.Entities = m.extract.Extract(text, ref)
	return p
}

// Classify returns the intent of text and up to alternatives other candidates, without entities.
func (m *Model) Classify(text string, alternatives int) Prediction {
	sc := m.pool.Get().(*scratch)
	defer m.pool.Put(sc)
	return m.classify(text, alternatives, sc)
}

func (m *Model) classify(text string, alternatives int, sc *scratch) Prediction {
	probs, known := m.probabilities(text, sc)
	first, second := topTwo(probs)
	var p Prediction
	p1 := probs[first]
	p2 := 0.0
	if second >= 0 {
		p2 = probs[second]
	}
	skip := first
	if !known || p1 < m.cfg.Threshold || p1-p2 < m.cfg.Margin {
		p.OutOfScope = true
		skip = -1
	} else {
		p.Intent = m.intents[first]
		p.Confidence = p1
	}
	if alternatives > 0 {
		p.Alternatives = m.ranked(probs, skip, alternatives)
	}
	return p
}

func topTwo(s []float64) (int, int) {
	first, second := -1, -1
	for i, v := range s {
		switch {
		case first < 0 || v > s[first]:
			first, second = i, first
		case second < 0 || v > s[second]:
			second = i
		}
	}
	return first, second
}

// ranked returns the n most probable intents other than skip, best first.
func (m *Model) ranked(probs []float64, skip, n int) []Scored {
	out := make([]Scored, 0, n+1)
	for i, p := range probs {
		if i == skip {
			continue
		}
		s := Scored{Intent: m.intents[i], Confidence: p}
		pos, _ := slices.BinarySearchFunc(out, s, func(a, b Scored) int {
			return cmp.Or(cmp.Compare(b.Confidence, a.Confidence), cmp.Compare(a.Intent, b.Intent))
		})
		if pos >= n {
			continue
		}
		out = slices.Insert(out, pos, s)
		if len(out) > n {
			out = out[:n]
		}
	}
	return out
}

// Info describes a trained model.
type Info struct {
	Intents        int     `json:"intents"`
	Features       int     `json:"features"`
	CentroidWeight float64 `json:"centroid_weight"`
	Temperature    float64 `json:"temperature"`
	// CVAccuracy is the cross-validated accuracy on the training data.
	CVAccuracy float64 `json:"cv_accuracy"`
}

// Info returns facts about the model.
func (m *Model) Info() Info {
	return Info{
		Intents: len(m.intents), Features: m.fz.vocab.size(), CentroidWeight: m.cal.centroidWeight,
		Temperature: m.cal.temperature, CVAccuracy: m.cal.cvAccuracy,
	}
}
