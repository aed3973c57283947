package nlu

import (
	"math"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/mrcpd/mrcpd/nlu/entity"
)

// callFlow trains on testdata/callflow.yaml once per test binary, for the tests that need it.
var callFlow = sync.OnceValues(func() (*Model, error) {
	ds, err := LoadDataset("testdata/callflow.yaml")
	if err != nil {
		return nil, err
	}
	return Train(ds, Config{})
})

func callFlowModel(t testing.TB) *Model {
	t.Helper()
	m, err := callFlow()
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// Utterances as a recogniser returns them: lower case, no punctuation, wrong or unseen word endings,
// fillers, none of them in the training data.
var noisyUtterances = []struct{ text, intent string }{
	{"um i already payed it yesterday", "already_paid"},
	{"uh we paid the bill last week", "already_paid"},
	{"ну я уже оплатила вчера", "already_paid"},
	{"э оплату уже перевели", "already_paid"},
	{"call me back a bit later", "call_back_later"},
	{"э перезвоните мне попозже", "call_back_later"},
	{"сейчас неудобно перезвоните", "call_back_later"},
	{"who is calling", "who_is_calling"},
	{"кто мне звонит", "who_is_calling"},
	{"ну а кто это звонит", "who_is_calling"},
	{"вы ошиблись номер", "wrong_number"},
	{"wrong number", "wrong_number"},
	{"i will pay you on friday", "will_pay"},
	{"заплачу в пятницу", "will_pay"},
	{"я переведу деньги на следующей неделе", "will_pay"},
	{"stop calling", "stop_calling"},
	{"перестань звонить", "stop_calling"},
	{"please dont call me again", "stop_calling"},
}

func TestClassifyNoisyBilingual(t *testing.T) {
	m := callFlowModel(t)
	for _, u := range noisyUtterances {
		p := m.Classify(u.text, 2)
		if p.Intent != u.intent || p.OutOfScope {
			t.Errorf("%q: got %q (%.2f, out of scope %v, alternatives %v), want %q", u.text, p.Intent, p.Confidence, p.OutOfScope, p.Alternatives, u.intent)
		}
		if p.Confidence <= 0 || p.Confidence > 1 {
			t.Errorf("%q: confidence %v out of (0,1]", u.text, p.Confidence)
		}
		if len(p.Alternatives) != 2 || slices.ContainsFunc(p.Alternatives, func(s Scored) bool { return s.Intent == p.Intent }) {
			t.Errorf("%q: alternatives %v should be two other intents", u.text, p.Alternatives)
		}
		if p.Alternatives[0].Confidence < p.Alternatives[1].Confidence || p.Alternatives[0].Confidence > p.Confidence {
			t.Errorf("%q: alternatives not ranked below the intent: %.3f %v", u.text, p.Confidence, p.Alternatives)
		}
	}
}

func TestOutOfScope(t *testing.T) {
	m := callFlowModel(t)
	for _, text := range []string{"", "uh um", "hello", "what's the weather like in london", "!!!", "ээ ну"} {
		p := m.Classify(text, 3)
		if !p.OutOfScope || p.Intent != "" || p.Confidence != 0 {
			t.Errorf("%q: got %+v, want out of scope", text, p)
		}
		if len(p.Alternatives) != 3 {
			t.Errorf("%q: want the rejected guesses as alternatives, got %v", text, p.Alternatives)
		}
	}
	// A stricter threshold rejects more; probabilities themselves do not depend on it.
	ds, _ := LoadDataset("testdata/callflow.yaml")
	strict, err := Train(ds, Config{Threshold: 0.999})
	if err != nil {
		t.Fatal(err)
	}
	if p := strict.Classify("кто мне звонит", 1); !p.OutOfScope {
		t.Errorf("threshold 0.999 accepted %+v", p)
	}
	margin, err := Train(ds, Config{Threshold: 0.01, Margin: 0.99})
	if err != nil {
		t.Fatal(err)
	}
	if p := margin.Classify("кто мне звонит", 1); !p.OutOfScope {
		t.Errorf("margin 0.99 accepted %+v", p)
	}
}

func TestProbabilitiesSumToOne(t *testing.T) {
	m := callFlowModel(t)
	sc := new(scratch)
	for _, u := range noisyUtterances {
		var sum float64
		probs, known := m.probabilities(u.text, sc)
		if !known {
			t.Fatalf("%q: no known feature", u.text)
		}
		for _, p := range probs {
			if p < 0 || p > 1 || math.IsNaN(p) {
				t.Fatalf("%q: probability %v", u.text, p)
			}
			sum += p
		}
		if math.Abs(sum-1) > 1e-9 {
			t.Fatalf("%q: probabilities sum to %v", u.text, sum)
		}
	}
}

func TestPredictEntities(t *testing.T) {
	m := callFlowModel(t)
	ref := time.Date(2025, 3, 12, 10, 0, 0, 0, time.UTC) // a Wednesday
	p := m.Predict("ну я заплачу пятьсот рублей в пятницу по смс", ref)
	if p.Intent != "will_pay" {
		t.Fatalf("intent %q, want will_pay", p.Intent)
	}
	want := []Entity{
		{Type: entity.TypeMoney, Text: "пятьсот рублей", Value: entity.Money{Amount: 500, Currency: "RUB"}},
		{Type: entity.TypeDate, Text: "пятницу", Value: "2025-03-14"},
		{Type: "channel", Text: "смс", Value: "sms"},
	}
	if len(p.Entities) != len(want) {
		t.Fatalf("entities %+v, want %+v", p.Entities, want)
	}
	for i, w := range want {
		g := p.Entities[i]
		if g.Type != w.Type || g.Text != w.Text || g.Value != w.Value {
			t.Errorf("entity %d = %+v, want %+v", i, g, w)
		}
	}
}

func TestTrainingIsDeterministic(t *testing.T) {
	ds, err := LoadDataset("testdata/callflow.yaml")
	if err != nil {
		t.Fatal(err)
	}
	a, err := Train(ds, Config{Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Train(ds, Config{Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	ja, _ := a.MarshalJSON()
	jb, _ := b.MarshalJSON()
	if string(ja) != string(jb) {
		t.Fatal("two trainings with the same seed produced different models")
	}
}

func TestTrainErrors(t *testing.T) {
	one := &Dataset{Examples: []Example{{Text: "a", Intent: "x"}, {Text: "b", Intent: "x"}}}
	two := &Dataset{Examples: []Example{{Text: "yes", Intent: "x"}, {Text: "no", Intent: "y"}}}
	for name, c := range map[string]struct {
		ds  *Dataset
		cfg Config
	}{
		"nil dataset":      {nil, Config{}},
		"one intent":       {one, Config{}},
		"bad stemmer":      {two, Config{Stemmer: "fr"}},
		"bad word n-grams": {two, Config{WordNGrams: 3}},
		"bad char range":   {two, Config{CharNGramMin: 4, CharNGramMax: 2}},
		"bad char weight":  {two, Config{CharWeight: 1}},
		"bad pair weight":  {two, Config{PairWeight: 1}},
		"NaN pair weight":  {two, Config{PairWeight: math.NaN()}},
		"NaN view weight":  {two, Config{ViewWeight: math.NaN()}},
		"negative c":       {two, Config{C: -1}},
		"one fold":         {two, Config{Folds: 1}},
		"threshold > 1":    {two, Config{Threshold: 2}},
		"bad entity type":  {&Dataset{Examples: two.Examples, Entities: EntitySpec{Builtin: []string{"colour"}}}, Config{}},
	} {
		if _, err := Train(c.ds, c.cfg); err == nil {
			t.Errorf("%s: Train succeeded", name)
		}
	}
	// The smallest valid problem trains and answers.
	m, err := Train(two, Config{})
	if err != nil {
		t.Fatal(err)
	}
	if got := m.Classify("yes", 0); got.Intent != "x" && !got.OutOfScope {
		t.Fatalf("got %+v", got)
	}
}

func TestIntentNameText(t *testing.T) {
	for in, want := range map[string]string{
		"card_arrival": "card arrival", "call-back-later": "call back later", "alreadyPaid": "already Paid",
		"Refund_not_showing_up": "Refund not showing up", "оплата_прошла": "оплата прошла",
	} {
		if got := intentNameText(in); got != want {
			t.Errorf("intentNameText(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestClassifyConcurrent(t *testing.T) {
	m := callFlowModel(t)
	want := make([]string, len(noisyUtterances))
	for i, u := range noisyUtterances {
		want[i] = m.Classify(u.text, 0).Intent
	}
	var wg sync.WaitGroup
	errs := make(chan string, 8*len(noisyUtterances))
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i, u := range noisyUtterances {
				if got := m.Classify(u.text, 0).Intent; got != want[i] {
					errs <- u.text
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Errorf("concurrent prediction of %q differs", e)
	}
}

func TestClassifyAllocations(t *testing.T) {
	m := callFlowModel(t)
	text := "um i already payed it yesterday"
	sc := new(scratch)
	m.classify(text, 0, sc)
	allocs := testing.AllocsPerRun(100, func() { m.classify(text, 0, sc) })
	// Tokenising allocates the text's words, the token slice and the few stems that are not a prefix of
	// their word ("already" -> "alreadi"); vectors and scores reuse the scratch buffers (pooled in Classify).
	if allocs > 8 {
		t.Fatalf("classify allocates %.0f times per call, want at most 8", allocs)
	}
}
