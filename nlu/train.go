package nlu

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"unicode"
)

// Example is one labelled utterance.
type Example struct {
	Text   string `json:"text" yaml:"text"`
	Intent string `json:"intent" yaml:"intent"`
}

// hashedExample is an example reduced to its feature hashes, computed once and shared by every
// cross-validation fold.
type hashedExample struct {
	hs    blockHashes
	label int
}

// featurizer turns text into vectors for one vocabulary.
type featurizer struct {
	an    *analyzer
	spec  featureSpec
	vocab *vocabulary
	// shares are the squared norms of the blocks in a vector; they sum to 1.
	shares [numBlocks]float64
}

func newFeaturizer(cfg Config, an *analyzer, vocab *vocabulary) *featurizer {
	return &featurizer{an: an, spec: cfg.featureSpec(), vocab: vocab, shares: cfg.blockShares()}
}

// scratch holds buffers reused across predictions.
type scratch struct {
	hs     blockHashes
	ids    []int32
	pad    []byte
	offs   []int
	vec    sparseVec
	scores []float64
}

func (f *featurizer) hash(text string, sc *scratch) {
	toks := f.an.tokens(text)
	sc.pad, sc.offs = f.spec.hashes(&sc.hs, toks, sc.pad, sc.offs)
}

// vector builds the TF-IDF vector of already hashed text into sc.vec: each block scaled to the square root
// of its share, so that a text with features in every block has unit length.
func (f *featurizer) vector(hs *blockHashes, sc *scratch) sparseVec {
	vec := sparseVec{idx: sc.vec.idx[:0], val: sc.vec.val[:0]}
	for b, share := range f.shares {
		if share > 0 {
			sc.ids = f.vocab.lookup(sc.ids, hs[b])
			vec = f.vocab.appendBlock(vec, sc.ids, math.Sqrt(share))
		}
	}
	sc.vec = vec
	return vec
}

// buildVocabulary indexes every hash seen in at least minDF examples, block by block, each block in
// ascending hash order so that training is deterministic.
func buildVocabulary(exs []hashedExample, minDF int) *vocabulary {
	df := make(map[uint64]int32)
	blockOf := make(map[uint64]uint8)
	seen := make(map[uint64]bool)
	for _, e := range exs {
		clear(seen)
		for b, hs := range e.hs {
			for _, h := range hs {
				if !seen[h] {
					seen[h] = true
					df[h]++
					blockOf[h] = uint8(b)
				}
			}
		}
	}
	keys := make([]uint64, 0, len(df))
	for h, n := range df {
		if int(n) >= minDF {
			keys = append(keys, h)
		}
	}
	slices.SortFunc(keys, func(a, b uint64) int {
		if c := cmp.Compare(blockOf[a], blockOf[b]); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	v := &vocabulary{
		index: make(map[uint64]int32, len(keys)),
		idf:   make([]float32, len(keys)),
		block: make([]uint8, len(keys)),
	}
	n := float64(len(exs))
	for i, h := range keys {
		v.index[h] = int32(i)
		v.idf[i] = float32(math.Log((1+n)/(1+float64(df[h]))) + 1)
		v.block[i] = blockOf[h]
	}
	return v
}

// fitted is the result of training on one set of examples: the vocabulary, the SVM weights and the class
// centroids, both feature-major with classes columns (the SVM has an extra bias row).
type fitted struct {
	vocab     *vocabulary
	svm       []float32
	centroids []float32
}

func fit(exs []hashedExample, classes int, cfg Config, an *analyzer) (*fitted, *featurizer) {
	vocab := buildVocabulary(exs, cfg.MinDF)
	fz := newFeaturizer(cfg, an, vocab)
	xs := make([]sparseVec, len(exs))
	labels := make([]int, len(exs))
	var sc scratch
	for i, e := range exs {
		v := fz.vector(&e.hs, &sc)
		xs[i] = sparseVec{idx: slices.Clone(v.idx), val: slices.Clone(v.val)}
		labels[i] = e.label
	}
	dim := vocab.size()
	p := svmParams{c: cfg.C, eps: 0.1, maxIter: 1000, seed: cfg.Seed}
	svm := trainOneVsRest(xs, labels, dim, classes, p)
	if cfg.ViewWeight > 0 {
		addViews(svm, xs, labels, fz, classes, cfg.ViewWeight, p)
	}
	centroids := make([]float32, dim*classes)
	for i, x := range xs {
		for j, c := range x.idx {
			centroids[int(c)*classes+labels[i]] += x.val[j]
		}
	}
	norms := make([]float64, classes)
	for j, v := range centroids {
		norms[j%classes] += float64(v) * float64(v)
	}
	for j, v := range centroids {
		if n := norms[j%classes]; n > 0 {
			centroids[j] = float32(float64(v) / math.Sqrt(n))
		}
	}
	return &fitted{vocab: vocab, svm: svm, centroids: centroids}, fz
}

// addViews trains one more one-vs-rest SVM per feature block, on that block alone scaled to unit length,
// and adds weight times its scores to svm. The joint SVM spends one regularisation budget on all blocks at
// their fixed shares; a per-block SVM finds the best margin each view can give on its own, and the sum is
// an ensemble over views (words, character n-grams, word pairs) whose members err differently. All members
// are linear in the same features, so the ensemble is still one weight matrix.
func addViews(svm []float32, xs []sparseVec, labels []int, fz *featurizer, classes int, weight float64, p svmParams) {
	dim := fz.vocab.size()
	for b, share := range fz.shares {
		if share <= 0 {
			continue
		}
		scale := float32(1 / math.Sqrt(share))
		vx := make([]sparseVec, len(xs))
		for i, x := range xs {
			var v sparseVec
			for j, c := range x.idx {
				if fz.vocab.block[c] == uint8(b) {
					v.idx = append(v.idx, c)
					v.val = append(v.val, x.val[j]*scale)
				}
			}
			vx[i] = v
		}
		vw := trainOneVsRest(vx, labels, dim, classes, p)
		// The view saw the block at unit length; the joint vector carries it at length 1/scale.
		f := float32(weight) * scale
		for j := range dim * classes {
			svm[j] += f * vw[j]
		}
		for c := range classes {
			svm[dim*classes+c] += float32(weight) * vw[dim*classes+c]
		}
	}
}

// scores writes the SVM and centroid scores of x into svm and cent (each of len classes).
func (f *fitted) scores(x sparseVec, svm, cent []float64) {
	k := len(svm)
	dim := f.vocab.size()
	for c := range k {
		svm[c] = float64(f.svm[dim*k+c])
		cent[c] = 0
	}
	for j, i := range x.idx {
		v := float64(x.val[j])
		row := f.svm[int(i)*k : int(i)*k+k]
		crow := f.centroids[int(i)*k : int(i)*k+k]
		for c := range k {
			svm[c] += v * float64(row[c])
			cent[c] += v * float64(crow[c])
		}
	}
}

// Train learns a model from labelled examples.
func Train(ds *Dataset, cfg Config) (*Model, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if ds == nil || len(ds.Examples) == 0 {
		return nil, errors.New("nlu: no training examples")
	}
	intents := ds.Intents()
	if len(intents) < 2 {
		return nil, fmt.Errorf("nlu: need at least two intents, have %d", len(intents))
	}
	if cfg.Threshold == 0 {
		cfg.Threshold = max(0.3, 1.5/float64(len(intents)))
	}
	ex, err := ds.Entities.extractor()
	if err != nil {
		return nil, fmt.Errorf("nlu: entities: %w", err)
	}
	classOf := make(map[string]int, len(intents))
	for i, name := range intents {
		classOf[name] = i
	}
	an := newAnalyzer(cfg.Stemmer, cfg.Fillers)
	spec := cfg.featureSpec()
	exs := make([]hashedExample, len(ds.Examples))
	var sc scratch
	for i, e := range ds.Examples {
		toks := an.tokens(e.Text)
		sc.pad, sc.offs = spec.hashes(&exs[i].hs, toks, sc.pad, sc.offs)
		exs[i].label = classOf[e.Intent]
	}
	if !cfg.IgnoreIntentNames {
		for i, name := range intents {
			toks := an.tokens(intentNameText(name))
			if len(toks) == 0 {
				continue
			}
			e := hashedExample{label: i}
			sc.pad, sc.offs = spec.hashes(&e.hs, toks, sc.pad, sc.offs)
			exs = append(exs, e)
		}
	}
	cal := calibrate(exs, len(intents), cfg, an)
	full, _ := fit(exs, len(intents), cfg, an)
	m := newModel(cfg, intents, full, cal, ds.Entities, ex)
	return m, nil
}

// intentNameText turns an intent identifier into words: "card_arrival", "card-arrival" and "cardArrival"
// all become two words, "card" and "arrival" (case is folded later, with the rest of the text).
func intentNameText(name string) string {
	var b strings.Builder
	var prev rune
	for _, r := range name {
		switch {
		case r == '_' || r == '-' || r == '.' || r == '/' || r == ':':
			r = ' '
		case unicode.IsUpper(r) && unicode.IsLower(prev):
			b.WriteByte(' ')
		}
		b.WriteRune(r)
		prev = r
	}
	return b.String()
}
