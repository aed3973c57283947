package nlu

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/mrcpd/mrcpd/nlu/entity"
	"gopkg.in/yaml.v3"
)

// Dataset is a set of labelled examples plus the entity settings that go into the model trained from it.
type Dataset struct {
	Examples []Example
	Entities EntitySpec
}

// EntitySpec says which entities a model extracts.
type EntitySpec struct {
	// Builtin lists the rule-based entity types to extract (see entity.Types); nil means all of them.
	Builtin []string `json:"builtin" yaml:"builtin"`
	// Lists are closed vocabularies specific to a campaign (tariff names, cities, products ...).
	Lists []entity.List `json:"lists,omitempty" yaml:"lists"`
}

// Intents returns the distinct intents of the dataset in sorted order.
func (d *Dataset) Intents() []string {
	seen := make(map[string]bool)
	var out []string
	for _, e := range d.Examples {
		if !seen[e.Intent] {
			seen[e.Intent] = true
			out = append(out, e.Intent)
		}
	}
	slices.Sort(out)
	return out
}

// LoadDataset reads a dataset from a .csv, .yaml or .yml file.
func LoadDataset(path string) (*Dataset, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var ds *Dataset
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv":
		ds, err = ParseCSV(bytes.NewReader(data))
	case ".yaml", ".yml":
		ds, err = ParseYAML(data)
	default:
		return nil, fmt.Errorf("nlu: %s: unknown dataset format (want .csv, .yaml or .yml)", path)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return ds, nil
}

// Column names accepted in a CSV header, compared case-insensitively.
var (
	intentColumns = []string{"intent", "category", "label"}
	textColumns   = []string{"text", "utterance", "example"}
)

// ParseCSV reads comma-separated examples whose first row names the columns: the intent column may be called
// intent, category or label, the text column text, utterance or example; their order does not matter and
// other columns are ignored.
func ParseCSV(r io.Reader) (*Dataset, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err == io.EOF {
		return nil, errors.New("nlu: empty CSV")
	}
	if err != nil {
		return nil, fmt.Errorf("nlu: CSV header: %w", err)
	}
	intentCol, textCol := -1, -1
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		switch {
		case slices.Contains(intentColumns, h) && intentCol < 0:
			intentCol = i
		case slices.Contains(textColumns, h) && textCol < 0:
			textCol = i
		}
	}
	if intentCol < 0 || textCol < 0 {
		return nil, fmt.Errorf("nlu: CSV header %q needs an intent column (%s) and a text column (%s)",
			header, strings.Join(intentColumns, "|"), strings.Join(textColumns, "|"))
	}
	ds := &Dataset{}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("nlu: CSV: %w", err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) <= max(intentCol, textCol) {
			return nil, fmt.Errorf("nlu: CSV line %d: %d fields, want at least %d", line, len(rec), max(intentCol, textCol)+1)
		}
		ex := Example{Text: strings.TrimSpace(rec[textCol]), Intent: strings.TrimSpace(rec[intentCol])}
		if err := ex.validate(); err != nil {
			return nil, fmt.Errorf("nlu: CSV line %d: %w", line, err)
		}
		ds.Examples = append(ds.Examples, ex)
	}
	if len(ds.Examples) == 0 {
		return nil, errors.New("nlu: CSV has no examples")
	}
	return ds, nil
}

func (e Example) validate() error {
	if e.Intent == "" {
		return errors.New("empty intent")
	}
	if e.Text == "" {
		return fmt.Errorf("intent %q: empty text", e.Intent)
	}
	return nil
}

// yamlDataset is the YAML layout:
//
//	intents:
//	  already_paid:
//	    - I already paid yesterday
//	    - я уже оплатил вчера
//	  call_back_later: [...]
//	entities:
//	  builtin: [number, money, date, time, yesno]
//	  lists: [...]
type yamlDataset struct {
	Intents  yaml.Node  `yaml:"intents"`
	Entities EntitySpec `yaml:"entities"`
}

// ParseYAML reads a YAML dataset: a mapping from intent name to its example texts under "intents", and an
// optional "entities" section.
func ParseYAML(data []byte) (*Dataset, error) {
	var y yamlDataset
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&y); err != nil {
		return nil, fmt.Errorf("nlu: YAML: %w", err)
	}
	if y.Intents.Kind != yaml.MappingNode {
		return nil, errors.New("nlu: YAML: \"intents\" must map intent names to lists of examples")
	}
	ds := &Dataset{Entities: y.Entities}
	nodes := y.Intents.Content
	for i := 0; i+1 < len(nodes); i += 2 {
		name := strings.TrimSpace(nodes[i].Value)
		var texts []string
		if err := nodes[i+1].Decode(&texts); err != nil {
			return nil, fmt.Errorf("nlu: YAML line %d: intent %q: %w", nodes[i].Line, name, err)
		}
		for _, t := range texts {
			ex := Example{Text: strings.TrimSpace(t), Intent: name}
			if err := ex.validate(); err != nil {
				return nil, fmt.Errorf("nlu: YAML line %d: %w", nodes[i].Line, err)
			}
			ds.Examples = append(ds.Examples, ex)
		}
	}
	if len(ds.Examples) == 0 {
		return nil, errors.New("nlu: YAML has no examples")
	}
	return ds, nil
}

// extractor builds the spec's entity extractor.
func (s EntitySpec) extractor() (*entity.Extractor, error) {
	return entity.NewExtractor(s.Builtin, s.Lists)
}
