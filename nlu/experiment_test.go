package nlu

import (
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

// devSplit cuts a dev set from the training split only. shots > 0: per intent, `shots` training examples and
// up to 25 dev examples, disjoint. shots == 0: 20% of each intent is dev.
func devSplit(all []Example, shots, draw int) (tr, dev []Example) {
	by := map[string][]Example{}
	var names []string
	for _, e := range all {
		if _, ok := by[e.Intent]; !ok {
			names = append(names, e.Intent)
		}
		by[e.Intent] = append(by[e.Intent], e)
	}
	slices.Sort(names)
	rng := rand.New(rand.NewPCG(9000+uint64(draw), 42))
	for _, n := range names {
		exs := slices.Clone(by[n])
		rng.Shuffle(len(exs), func(a, b int) { exs[a], exs[b] = exs[b], exs[a] })
		if shots > 0 {
			tr = append(tr, exs[:shots]...)
			dev = append(dev, exs[shots:min(len(exs), shots+25)]...)
		} else {
			k := len(exs) / 5
			dev = append(dev, exs[:k]...)
			tr = append(tr, exs[k:]...)
		}
	}
	return
}

func TestExperiment(t *testing.T) {
	spec := os.Getenv("NLU_EXP")
	if spec == "" {
		t.Skip("set NLU_EXP")
	}
	train, _ := loadBanking77(t)
	shotsList := []int{10}
	if s := os.Getenv("NLU_SHOTS"); s != "" {
		shotsList = nil
		for _, p := range strings.Split(s, ",") {
			var n int
			fmt.Sscan(p, &n)
			shotsList = append(shotsList, n)
		}
	}
	for _, name := range strings.Split(spec, ",") {
		cfg := variant(name)
		for _, shots := range shotsList {
			draws := 3
			if shots == 0 {
				draws = 1
			}
			var sum float64
			var accs []string
			start := time.Now()
			for d := range draws {
				tr, dev := devSplit(train.Examples, shots, d)
				m, err := Train(&Dataset{Examples: tr}, cfg)
				if err != nil {
					t.Fatal(err)
				}
				r := Evaluate(m, dev, 0)
				sum += r.Accuracy
				accs = append(accs, fmt.Sprintf("%.2f", 100*r.Accuracy))
			}
			fmt.Printf("RESULT %-24s shots=%-3d dev=%.2f%% (%s) %s\n", name, shots, 100*sum/float64(draws), strings.Join(accs, " "), time.Since(start).Round(time.Second))
		}
	}
}

func variant(name string) Config {
	var c Config
	for _, part := range strings.Split(name, "+") {
		k, v, _ := strings.Cut(part, "=")
		var f float64
		fmt.Sscan(v, &f)
		switch k {
		case "base":
		case "aug":
			c.tw.augment = int(f)
			if c.tw.augWeight == 0 {
				c.tw.augWeight = 1
			}
		case "augw":
			c.tw.augWeight = f
		case "augmax":
			c.tw.augmentMax = int(f)
		case "swap":
			c.tw.augSwap = true
		case "nb":
			c.tw.nb = true
			c.tw.nbAlpha = f
			if c.tw.nbPow == 0 {
				c.tw.nbPow = 1
			}
		case "nbpow":
			c.tw.nbPow = f
		case "views":
			c.tw.views = f
		case "pair":
			c.tw.pairShare = f
		case "pos":
			c.tw.posWeight = f
		case "bal":
			c.tw.balance = true
		case "name":
			c.tw.nameWeight = f
		case "c":
			c.C = f
		case "cw":
			c.CharWeight = f
		case "cent":
			c.CentroidWeight = f
		default:
			panic(k)
		}
	}
	return c
}

func TestExperimentErrors(t *testing.T) {
	spec := os.Getenv("NLU_ERR")
	if spec == "" {
		t.Skip("set NLU_ERR")
	}
	train, _ := loadBanking77(t)
	tr, dev := devSplit(train.Examples, 10, 0)
	m, err := Train(&Dataset{Examples: tr}, variant(spec))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for i, e := range dev {
		p := m.Classify(e.Text, 1)
		g := p.Intent
		if p.OutOfScope {
			g = p.Alternatives[0].Intent
		}
		if g != e.Intent && i%7 == 0 && n < 40 {
			n++
			fmt.Printf("ERR %q want %s got %s\n", e.Text, e.Intent, g)
		}
	}
	fmt.Println(m.Info())
}
