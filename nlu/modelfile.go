package nlu

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
)

// FormatName identifies an mrcpd NLU model file.
const FormatName = "mrcpd-nlu"

// FormatVersion is the model file layout this package writes. It changes whenever the file layout or the
// meaning of its numbers (feature hashing, tokenisation, stemming) changes, because an old model would then
// silently score garbage. Version 2 added word-pair features; version 1 files, which have none, are still
// read.
const FormatVersion = 2

// oldestFormatVersion is the oldest model file version this package reads.
const oldestFormatVersion = 1

// ErrFormatVersion is wrapped by the error Load returns for a model file of a version this build does not
// read.
var ErrFormatVersion = errors.New("nlu: unsupported model format version")

// modelFile is the JSON layout. Large numeric arrays are little-endian binary in base64, which keeps files
// small and exact.
type modelFile struct {
	Format      string          `json:"format"`
	Version     int             `json:"version"`
	Config      Config          `json:"config"`
	Intents     []string        `json:"intents"`
	Calibration calibrationFile `json:"calibration"`
	Entities    EntitySpec      `json:"entities"`
	// WordFeatures is how many of Features are word features, PairFeatures how many word pairs; features
	// are stored word features first, then character n-grams, then word pairs.
	WordFeatures int    `json:"word_features"`
	PairFeatures int    `json:"pair_features,omitempty"`
	Features     string `json:"features"` // uint64 hashes
	IDF          string `json:"idf"`      // float32 per feature
	// Weights holds int8 weights, (features+1) rows x intents, feature-major, the last row being the bias;
	// weight = int8 * Scales[row].
	Weights string `json:"weights"`
	Scales  string `json:"scales"` // float32 per row
}

type calibrationFile struct {
	CentroidWeight float64 `json:"centroid_weight"`
	Temperature    float64 `json:"temperature"`
	CVAccuracy     float64 `json:"cv_accuracy"`
	CVLogLoss      float64 `json:"cv_log_loss"`
}

// MarshalJSON encodes the model as a versioned model file.
func (m *Model) MarshalJSON() ([]byte, error) {
	v := m.fz.vocab
	hashes := make([]uint64, v.size())
	for h, i := range v.index {
		hashes[i] = h
	}
	var perBlock [numBlocks]int
	for _, b := range v.block {
		perBlock[b]++
	}
	f := modelFile{
		Format:  FormatName,
		Version: FormatVersion,
		Config:  m.cfg,
		Intents: m.intents,
		Calibration: calibrationFile{
			CentroidWeight: m.cal.centroidWeight, Temperature: m.cal.temperature,
			CVAccuracy: m.cal.cvAccuracy, CVLogLoss: m.cal.cvLogLoss,
		},
		Entities:     m.entities,
		WordFeatures: perBlock[blockWord],
		PairFeatures: perBlock[blockPair],
		Features:     encodeUint64s(hashes),
		IDF:          encodeFloat32s(v.idf),
		Weights:      encodeInt8s(m.weights.q),
		Scales:       encodeFloat32s(m.weights.scale),
	}
	return json.Marshal(f)
}

// Save writes the model to path atomically (a temporary file renamed into place), so a server reloading the
// path never reads half a file.
func (m *Model) Save(path string) error {
	data, err := m.MarshalJSON()
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	_, werr := tmp.Write(data)
	cerr := tmp.Close()
	if err := errors.Join(werr, cerr); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return nil
}

// Load reads and validates a model file.
func Load(path string) (*Model, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	m, err := ReadModel(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

// maxModelBytes bounds what ReadModel accepts, so a wrong path cannot exhaust memory.
const maxModelBytes = 1 << 30

// ReadModel decodes and validates a model file.
func ReadModel(r io.Reader) (*Model, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxModelBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxModelBytes {
		return nil, errors.New("nlu: model file larger than 1 GiB")
	}
	var head struct {
		Format  string `json:"format"`
		Version *int   `json:"version"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return nil, fmt.Errorf("nlu: model file is not JSON: %w", err)
	}
	if head.Format != FormatName || head.Version == nil {
		return nil, fmt.Errorf("nlu: not an %s model file (format %q)", FormatName, head.Format)
	}
	if *head.Version < oldestFormatVersion || *head.Version > FormatVersion {
		return nil, fmt.Errorf("%w %d (this build reads versions %d to %d; retrain the model)", ErrFormatVersion, *head.Version, oldestFormatVersion, FormatVersion)
	}
	var f modelFile
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("nlu: model file: %w", err)
	}
	if f.Version == 1 {
		if f.PairFeatures != 0 || f.Config.PairWeight != 0 || f.Config.ViewWeight != 0 {
			return nil, errors.New("nlu: model file: version 1 has no word pairs or views")
		}
		// Version 1 predates word pairs and per-block views: resolve its settings without them.
		f.Config.PairWeight, f.Config.ViewWeight = -1, -1
	}
	return f.model()
}

func (f *modelFile) model() (*Model, error) {
	cfg, err := f.Config.withDefaults()
	if err != nil {
		return nil, err
	}
	if cfg.Fillers == nil || f.Config.Stemmer == "" {
		return nil, errors.New("nlu: model file: config is incomplete")
	}
	k := len(f.Intents)
	if k < 2 {
		return nil, fmt.Errorf("nlu: model file: %d intents, want at least 2", k)
	}
	seen := make(map[string]bool, k)
	for _, in := range f.Intents {
		if in == "" || seen[in] {
			return nil, fmt.Errorf("nlu: model file: empty or duplicate intent %q", in)
		}
		seen[in] = true
	}
	hashes, err := decodeUint64s(f.Features)
	if err != nil {
		return nil, fmt.Errorf("nlu: model file: features: %w", err)
	}
	idf, err := decodeFloat32s(f.IDF)
	if err != nil {
		return nil, fmt.Errorf("nlu: model file: idf: %w", err)
	}
	weights, err := base64.StdEncoding.DecodeString(f.Weights)
	if err != nil {
		return nil, fmt.Errorf("nlu: model file: weights: %w", err)
	}
	scales, err := decodeFloat32s(f.Scales)
	if err != nil {
		return nil, fmt.Errorf("nlu: model file: scales: %w", err)
	}
	dim := len(hashes)
	switch {
	case len(idf) != dim:
		return nil, fmt.Errorf("nlu: model file: %d idf values for %d features", len(idf), dim)
	case len(weights) != (dim+1)*k:
		return nil, fmt.Errorf("nlu: model file: %d weights, want %d", len(weights), (dim+1)*k)
	case len(scales) != dim+1:
		return nil, fmt.Errorf("nlu: model file: %d scales, want %d", len(scales), dim+1)
	case f.WordFeatures < 0 || f.PairFeatures < 0 || f.WordFeatures+f.PairFeatures > dim:
		return nil, fmt.Errorf("nlu: model file: word_features %d and pair_features %d out of range", f.WordFeatures, f.PairFeatures)
	case f.PairFeatures > 0 && cfg.PairWeight <= 0:
		return nil, errors.New("nlu: model file: pair features but pair_weight disables them")
	case !(f.Calibration.Temperature > 0) || math.IsInf(f.Calibration.Temperature, 0):
		return nil, fmt.Errorf("nlu: model file: temperature %g must be positive", f.Calibration.Temperature)
	}
	for _, v := range slices.Concat(idf, scales) {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) || v < 0 {
			return nil, errors.New("nlu: model file: idf or scales contain negative, NaN or Inf values")
		}
	}
	q := make([]int8, len(weights))
	for i, b := range weights {
		q[i] = int8(b)
	}
	v := &vocabulary{index: make(map[uint64]int32, dim), idf: idf, block: make([]uint8, dim)}
	for i, h := range hashes {
		if _, dup := v.index[h]; dup {
			return nil, fmt.Errorf("nlu: model file: duplicate feature %d", i)
		}
		v.index[h] = int32(i)
		switch {
		case i >= dim-f.PairFeatures:
			v.block[i] = blockPair
		case i >= f.WordFeatures:
			v.block[i] = blockChar
		}
	}
	ex, err := f.Entities.extractor()
	if err != nil {
		return nil, fmt.Errorf("nlu: model file: %w", err)
	}
	m := &Model{
		cfg:     cfg,
		intents: f.Intents,
		fz:      newFeaturizer(cfg, newAnalyzer(cfg.Stemmer, cfg.Fillers), v),
		weights: quantizedWeights{classes: k, q: q, scale: scales},
		cal: calibration{
			centroidWeight: f.Calibration.CentroidWeight, temperature: f.Calibration.Temperature,
			cvAccuracy: f.Calibration.CVAccuracy, cvLogLoss: f.Calibration.CVLogLoss,
		},
		entities: f.Entities,
		extract:  ex,
	}
	m.pool.New = func() any { return new(scratch) }
	return m, nil
}

func encodeUint64s(v []uint64) string {
	b := make([]byte, 8*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint64(b[8*i:], x)
	}
	return base64.StdEncoding.EncodeToString(b)
}

func encodeInt8s(v []int8) string {
	b := make([]byte, len(v))
	for i, x := range v {
		b[i] = byte(x)
	}
	return base64.StdEncoding.EncodeToString(b)
}

func encodeFloat32s(v []float32) string {
	b := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(x))
	}
	return base64.StdEncoding.EncodeToString(b)
}

func decodeUint64s(s string) ([]uint64, error) {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, err
	}
	if len(b)%8 != 0 {
		return nil, fmt.Errorf("%d bytes is not a whole number of uint64", len(b))
	}
	v := make([]uint64, len(b)/8)
	for i := range v {
		v[i] = binary.LittleEndian.Uint64(b[8*i:])
	}
	return v, nil
}

func decodeFloat32s(s string) ([]float32, error) {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, err
	}
	if len(b)%4 != 0 {
		return nil, fmt.Errorf("%d bytes is not a whole number of float32", len(b))
	}
	v := make([]float32, len(b)/4)
	for i := range v {
		v[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return v, nil
}
