package nlu

import (
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
)

func TestStoreReload(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "callflow.json")
	first := callFlowModel(t)
	if err := first.Save(path); err != nil {
		t.Fatal(err)
	}
	s := NewStore(nil)
	if err := s.Add("callflow", path); err != nil {
		t.Fatal(err)
	}
	if err := s.Add("missing", filepath.Join(dir, "nope.json")); err == nil {
		t.Fatal("Add of a missing file succeeded")
	}
	if err := s.Add("", path); err == nil {
		t.Fatal("Add with an empty name succeeded")
	}
	if got := s.Names(); len(got) != 1 || got[0] != "callflow" {
		t.Fatalf("Names = %v", got)
	}
	before, ok := s.Get("callflow")
	if !ok {
		t.Fatal("model not found")
	}

	// A bad file keeps the old model in service and reports the error.
	if err := os.WriteFile(path, []byte(`{"format":"mrcpd-nlu","version":99}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := s.Reload(); err == nil {
		t.Fatal("Reload of a bad file succeeded")
	}
	if m, _ := s.Get("callflow"); m != before {
		t.Fatal("bad reload replaced the model")
	}

	// A new good file replaces it.
	ds := &Dataset{Examples: []Example{
		{Text: "yes please", Intent: "agree"}, {Text: "да конечно", Intent: "agree"},
		{Text: "no thanks", Intent: "refuse"}, {Text: "нет спасибо", Intent: "refuse"},
	}}
	second, err := Train(ds, Config{})
	if err != nil {
		t.Fatal(err)
	}
	if err := second.Save(path); err != nil {
		t.Fatal(err)
	}
	if err := s.Reload(); err != nil {
		t.Fatal(err)
	}
	after, _ := s.Get("callflow")
	if after == before || len(after.Intents()) != 2 {
		t.Fatalf("reload did not swap in the new model: %v", after.Intents())
	}
	if !s.Remove("callflow") || s.Remove("callflow") {
		t.Fatal("Remove should report presence once")
	}
	if _, ok := s.Get("callflow"); ok {
		t.Fatal("removed model still served")
	}
}

func TestStoreConcurrentGetDuringReload(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.json")
	if err := callFlowModel(t).Save(path); err != nil {
		t.Fatal(err)
	}
	s := NewStore(nil)
	if err := s.Add("m", path); err != nil {
		t.Fatal(err)
	}
	var stop atomic.Bool
	var wg sync.WaitGroup
	var served atomic.Int64
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 100000 && !stop.Load(); i++ {
				m, ok := s.Get("m")
				if !ok || m.Classify("кто это", 0).Intent != "who_is_calling" {
					t.Error("reader saw no model or a broken one")
					return
				}
				served.Add(1)
			}
		}()
	}
	for range 5 {
		if err := s.Reload(); err != nil {
			t.Error(err)
		}
	}
	stop.Store(true)
	wg.Wait()
	if served.Load() == 0 {
		t.Fatal("no prediction was served")
	}
}
