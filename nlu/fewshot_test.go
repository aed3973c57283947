package nlu

import (
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// banking77Dir is the BANKING77 copy shipped beside the repository (../shared/data/banking77 from the
// repository root).
var banking77Dir = filepath.Join("..", "..", "shared", "data", "banking77")

var banking77 = sync.OnceValues(func() ([2]*Dataset, error) {
	train, err := LoadDataset(filepath.Join(banking77Dir, "train.csv"))
	if err != nil {
		return [2]*Dataset{}, err
	}
	test, err := LoadDataset(filepath.Join(banking77Dir, "test.csv"))
	return [2]*Dataset{train, test}, err
})

func loadBanking77(t testing.TB) (train, test *Dataset) {
	t.Helper()
	if _, err := os.Stat(banking77Dir); err != nil {
		t.Skipf("BANKING77 not found at %s (it lives in the shared data directory beside the repository): %v", banking77Dir, err)
	}
	ds, err := banking77()
	if err != nil {
		t.Fatal(err)
	}
	if len(ds[0].Examples) != 10003 || len(ds[1].Examples) != 3080 || len(ds[0].Intents()) != 77 {
		t.Fatalf("unexpected BANKING77 sizes: %d train, %d test, %d intents", len(ds[0].Examples), len(ds[1].Examples), len(ds[0].Intents()))
	}
	return ds[0], ds[1]
}

// TestBanking77TenShot is the quick version of `mrcpd nlu fewshot`: one 10-shot draw, evaluated on the whole
// official test split. The full evaluation (5/10/all shots, 3 draws) is run by hand; see
// docs/performance-nlu.md.
func TestBanking77TenShot(t *testing.T) {
	train, test := loadBanking77(t)
	m, err := Train(&Dataset{Examples: SampleShots(train.Examples, 10, 1)}, Config{})
	if err != nil {
		t.Fatal(err)
	}
	r := Evaluate(m, test.Examples, 5)
	t.Logf("10-shot accuracy %.2f%%, macro-F1 %.2f%%, calibration error %.3f, rejected %.1f%% (accuracy on the rest %.1f%%), p50 %s",
		100*r.Accuracy, 100*r.MacroF1, r.CalibrationError, 100*r.Rejected, 100*r.AcceptedAccuracy, r.Latency.P50)
	// This draw measured 77.0% (the mean over three draws is 76.9%; draws vary by about a point). Plain
	// TF-IDF logistic regression scores 75% and nlp.js 68% on average, so falling under 75% is a regression.
	if r.Accuracy < 0.75 {
		t.Errorf("10-shot accuracy %.2f%%, want at least 75%%", 100*r.Accuracy)
	}
	if r.MacroF1 < 0.74 {
		t.Errorf("macro-F1 %.2f%% too low", 100*r.MacroF1)
	}
	// Confidence must mean what it says on unseen data.
	if r.CalibrationError > 0.08 {
		t.Errorf("calibration error %.3f, want <= 0.08", r.CalibrationError)
	}
	if r.Rejected == 0 || r.AcceptedAccuracy <= r.Accuracy {
		t.Errorf("rejecting low-confidence answers should raise accuracy: %.3f accepted vs %.3f overall", r.AcceptedAccuracy, r.Accuracy)
	}
	if len(r.Confusions) != 5 || r.Confusions[0].Count < r.Confusions[4].Count {
		t.Errorf("confusions %+v", r.Confusions)
	}
}
