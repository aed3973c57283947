package nlu

import (
	"errors"
	"fmt"
	"math"
)

// Config holds the settings of one model. The zero value of each field means "use the default"; Train
// stores the resolved settings in the model so that a model file says exactly how it was built.
type Config struct {
	// Stemmer is StemAuto (default), StemEnglish, StemRussian or StemNone.
	Stemmer string `json:"stemmer" yaml:"stemmer"`
	// Fillers are words removed before featurisation. Nil means DefaultFillers(); an empty, non-nil list
	// removes nothing.
	Fillers []string `json:"fillers" yaml:"fillers"`
	// WordNGrams is the longest word n-gram (1 or 2, default 2).
	WordNGrams int `json:"word_ngrams" yaml:"word_ngrams"`
	// CharNGramMin and CharNGramMax bound the character n-grams taken inside word boundaries (default 2..5).
	// CharNGramMax -1 disables character n-grams.
	CharNGramMin int `json:"char_ngram_min" yaml:"char_ngram_min"`
	CharNGramMax int `json:"char_ngram_max" yaml:"char_ngram_max"`
	// CharWeight is the share (0..1) of the character n-gram block in what the word-pair block leaves of each
	// unit-length vector (default 0.5: words and character n-grams get equal parts).
	CharWeight float64 `json:"char_weight" yaml:"char_weight"`
	// PairWeight is the share (0..1) of the word-pair block in each unit-length vector: every unordered pair
	// of stems in the utterance that are not neighbours (default 1/3; -1 disables pairs, which makes a
	// model three to four times smaller).
	PairWeight float64 `json:"pair_weight" yaml:"pair_weight"`
	// ViewWeight weights one extra SVM per feature block (words, character n-grams, word pairs), each
	// trained on its block alone, added to the SVM over all blocks (default 2; -1 trains the joint SVM
	// only, which takes about a third less time).
	ViewWeight float64 `json:"view_weight" yaml:"view_weight"`
	// MinDF drops features seen in fewer training examples (default 1).
	MinDF int `json:"min_df" yaml:"min_df"`
	// C is the SVM's inverse regularisation strength (default 1).
	C float64 `json:"c" yaml:"c"`
	// CentroidWeight blends the nearest-centroid scorer into the SVM. Zero (default) chooses it by
	// cross-validation from CentroidGrid; a negative value disables the centroid scorer.
	CentroidWeight float64 `json:"centroid_weight" yaml:"centroid_weight"`
	// Folds is the number of cross-validation folds used for calibration (default 5; fewer when an intent
	// has fewer examples, at most 3 from 2000 examples on).
	Folds int `json:"folds" yaml:"folds"`
	// Threshold is the lowest calibrated probability accepted as an intent; below it the prediction is
	// out of scope. The default is 0.3 or 1.5/intents, whichever is higher, so that a model with few
	// intents does not accept a near-uniform guess.
	Threshold float64 `json:"threshold" yaml:"threshold"`
	// Margin is the smallest lead of the best intent over the second one; a closer call is out of scope
	// (default 0, off).
	Margin float64 `json:"margin" yaml:"margin"`
	// IgnoreIntentNames leaves intent names out of training. By default each intent's name, split into
	// words ("card_arrival" -> "card arrival"), counts as one more example: a well-named intent then
	// needs fewer examples.
	IgnoreIntentNames bool `json:"ignore_intent_names" yaml:"ignore_intent_names"`
	// Seed makes cross-validation splits and optimiser order reproducible (default 1).
	Seed uint64 `json:"seed" yaml:"seed"`
}

// withDefaults returns c with every unset field filled in, or an error for values out of range.
func (c Config) withDefaults() (Config, error) {
	switch c.Stemmer {
	case "":
		c.Stemmer = StemAuto
	case StemAuto, StemEnglish, StemRussian, StemNone:
	default:
		return c, fmt.Errorf("nlu: unknown stemmer %q (want auto, en, ru or none)", c.Stemmer)
	}
	if c.Fillers == nil {
		c.Fillers = DefaultFillers()
	}
	if c.WordNGrams == 0 {
		c.WordNGrams = 2
	}
	if c.WordNGrams < 1 || c.WordNGrams > 2 {
		return c, fmt.Errorf("nlu: word_ngrams %d out of range 1..2", c.WordNGrams)
	}
	if c.CharNGramMin == 0 {
		c.CharNGramMin = 2
	}
	if c.CharNGramMax == 0 {
		c.CharNGramMax = 5
	}
	if c.CharNGramMax > 0 && (c.CharNGramMin < 1 || c.CharNGramMin > c.CharNGramMax || c.CharNGramMax > 8) {
		return c, fmt.Errorf("nlu: char n-gram range %d..%d invalid (want 1 <= min <= max <= 8)", c.CharNGramMin, c.CharNGramMax)
	}
	if c.CharNGramMax < 0 {
		c.CharNGramMax = -1
		c.CharWeight = 0
	} else if c.CharWeight == 0 {
		c.CharWeight = 0.5
	}
	if c.CharWeight < 0 || c.CharWeight >= 1 {
		return c, fmt.Errorf("nlu: char_weight %g out of range [0,1)", c.CharWeight)
	}
	switch {
	case c.PairWeight == 0:
		c.PairWeight = defaultPairWeight
	case c.PairWeight < 0:
		c.PairWeight = -1
	case !(c.PairWeight < 1):
		return c, fmt.Errorf("nlu: pair_weight %g out of range [0,1)", c.PairWeight)
	}
	switch {
	case c.ViewWeight == 0:
		c.ViewWeight = defaultViewWeight
	case c.ViewWeight < 0:
		c.ViewWeight = -1
	case math.IsNaN(c.ViewWeight) || math.IsInf(c.ViewWeight, 1):
		return c, errors.New("nlu: view_weight must be finite")
	}
	if c.MinDF == 0 {
		c.MinDF = 1
	}
	if c.MinDF < 1 {
		return c, errors.New("nlu: min_df must be at least 1")
	}
	if c.C == 0 {
		c.C = 1
	}
	if c.C < 0 {
		return c, errors.New("nlu: c must be positive")
	}
	if c.Folds == 0 {
		c.Folds = 5
	}
	if c.Folds < 2 {
		return c, errors.New("nlu: folds must be at least 2")
	}
	if c.Threshold < 0 || c.Threshold > 1 || c.Margin < 0 || c.Margin > 1 {
		return c, errors.New("nlu: threshold and margin must lie in [0,1]")
	}
	if c.Seed == 0 {
		c.Seed = 1
	}
	return c, nil
}

// Defaults chosen on development splits cut from the training data of BANKING77 (never its test split), at
// 10 examples per intent and on the whole set; 5 examples per intent neither gained nor lost.
const (
	defaultPairWeight = 1.0 / 3
	defaultViewWeight = 2
)

func (c Config) featureSpec() featureSpec {
	return featureSpec{wordNGramMax: c.WordNGrams, charNGramMin: c.CharNGramMin, charNGramMax: c.CharNGramMax, pairs: c.PairWeight > 0}
}

// blockShares returns the squared norm each feature block gets in a vector of a resolved configuration.
func (c Config) blockShares() [numBlocks]float64 {
	var s [numBlocks]float64
	s[blockPair] = max(c.PairWeight, 0)
	s[blockChar] = c.CharWeight * (1 - s[blockPair])
	s[blockWord] = 1 - s[blockChar] - s[blockPair]
	return s
}
