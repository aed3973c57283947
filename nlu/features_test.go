package nlu

import (
	"slices"
	"strings"
	"testing"
)

func TestPairHashes(t *testing.T) {
	spec := Config{}
	cfg, err := spec.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	fs := cfg.featureSpec()
	an := newAnalyzer(StemAuto, nil)
	pairs := func(text string) []uint64 {
		h := fs.pairHashes(nil, an.tokens(text))
		slices.Sort(h)
		return h
	}
	// Non-adjacent pairs only: "a b c d" has (a,c), (a,d), (b,d).
	if got := pairs("fee card transfer top"); len(got) != 3 {
		t.Fatalf("4 words gave %d pairs, want 3", len(got))
	}
	// Word order does not matter, stems are used: "charged fee ... card" and "card ... fees charged".
	if a, b := pairs("transfer x fee"), pairs("fees y transfers"); a[0] != b[0] {
		t.Fatalf("pair of transfer and fee differs with order or inflection: %x %x", a, b)
	}
	if a, b := pairs("card x fee"), pairs("transfer x fee"); a[0] == b[0] {
		t.Fatal("different pairs share a hash")
	}
	// A word paired with itself carries nothing.
	if got := pairs("card x card"); len(got) != 0 {
		t.Fatalf("self pair kept: %v", got)
	}
	// Short texts have none; long ones are bounded.
	if got := pairs("card fee"); len(got) != 0 {
		t.Fatalf("two adjacent words gave pairs %v", got)
	}
	var words []string
	for i := range 500 {
		words = append(words, "w"+strings.Repeat("x", i%50)+string(rune('a'+i%26)))
	}
	long := strings.Join(words, " ")
	n := maxPairTokens
	if got := len(pairs(long)); got > n*(n-1)/2 {
		t.Fatalf("%d pairs from a long text, want at most %d", got, n*(n-1)/2)
	}
	// Pairs off: none, and the block gets no share.
	off, err := Config{PairWeight: -1}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	if got := off.featureSpec().pairHashes(nil, an.tokens("fee card transfer top")); len(got) != 0 {
		t.Fatalf("pairs disabled but %d produced", len(got))
	}
	if s := off.blockShares(); s[blockPair] != 0 || s[blockWord]+s[blockChar] != 1 {
		t.Fatalf("shares with pairs off: %v", s)
	}
	if s := cfg.blockShares(); s[blockWord]+s[blockChar]+s[blockPair] < 0.999999 || s[blockPair] != defaultPairWeight {
		t.Fatalf("default shares %v", s)
	}
}
