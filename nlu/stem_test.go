package nlu

import "testing"

func TestStemEnglish(t *testing.T) {
	for in, want := range map[string]string{
		"running": "run", "caresses": "caress", "ponies": "poni", "generously": "generous", "payments": "payment",
		"paid": "paid", "charged": "charg", "charging": "charg", "charges": "charg", "connection": "connect",
		"happily": "happili", "agreed": "agre", "hopping": "hop", "hoping": "hope", "skies": "sky", "dying": "die",
		"news": "news", "national": "nation", "relational": "relat", "generate": "generat",
		"communication": "communic", "arsenal": "arsenal", "consignment": "consign", "knightly": "knight",
		"abandoned": "abandon", "denied": "deni", "sized": "size", "meeting": "meet", "itemization": "item",
		"sensational": "sensat", "traditional": "tradit", "reference": "refer", "plotted": "plot",
		"transferred": "transfer", "transfered": "transfer", "cards": "card", "is": "is", "a": "a",
		"yesterday": "yesterday", "calls": "call", "called": "call", "don't": "don't", "42": "42", "über": "über",
	} {
		if got := stemEnglish(in); got != want {
			t.Errorf("stemEnglish(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestStemRussian(t *testing.T) {
	for in, want := range map[string]string{
		"оплатил": "оплат", "оплатила": "оплат", "оплатить": "оплат", "оплатили": "оплат", "карточку": "карточк",
		"перезвоните": "перезвон", "позже": "позж", "красивая": "красив", "вечером": "вечер", "деньги": "деньг",
		"завтрашний": "завтрашн", "сделаю": "сдела", "звонит": "звон", "звоните": "звон", "номером": "номер",
		"номер": "номер", "ошиблись": "ошибл", "человека": "человек", "пятницу": "пятниц", "компании": "компан",
		"неделе": "недел", "быстрее": "быстр", "нормальнейший": "нормальн", "бегавшись": "бега", "да": "да",
		"я": "я",
	} {
		if got := stemRussian(in); got != want {
			t.Errorf("stemRussian(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNormaliseWords(t *testing.T) {
	for in, want := range map[string][]string{
		"Don't CALL me, please!":   {"dont", "call", "me", "please"},
		"ЁЛКИ-палки":               {"елки", "палки"},
		"и\u0306од":                {"йод"},
		"  ":                       {},
		"I paid $25.50 on 5/03":    {"i", "paid", "25", "50", "on", "5", "03"},
		"‘quoted’ words":           {"quoted", "words"},
		"Straße Привет":            {"straße", "привет"},
		"who’s there":              {"whos", "there"},
		"\xff\xfe broken utf8 бит": {"broken", "utf8", "бит"},
	} {
		got := normaliseWords(nil, in)
		if len(got) != len(want) {
			t.Errorf("normaliseWords(%q) = %q, want %q", in, got, want)
			continue
		}
		for i := range got {
			if got[i] != want[i] {
				t.Errorf("normaliseWords(%q) = %q, want %q", in, got, want)
				break
			}
		}
	}
}

func TestAnalyzerDropsFillers(t *testing.T) {
	a := newAnalyzer(StemAuto, DefaultFillers())
	toks := a.tokens("Um, ну э я уже оплатил uh")
	var stems []string
	for _, tk := range toks {
		stems = append(stems, tk.stem)
	}
	want := []string{"я", "уж", "оплат"}
	if len(stems) != len(want) || stems[0] != want[0] || stems[1] != want[1] || stems[2] != want[2] {
		t.Fatalf("stems %q, want %q", stems, want)
	}
}

func TestCharNGrams(t *testing.T) {
	spec := featureSpec{charNGramMin: 2, charNGramMax: 3}
	got, _, _ := spec.charHashes(nil, []token{{word: "ок"}}, nil, nil)
	// " ок " has 4 runes: 3 bigrams and 2 trigrams.
	want := []uint64{}
	for _, g := range []string{" о", "ок", "к ", " ок", "ок "} {
		want = append(want, hashPart(hashKind(kindChar), g))
	}
	if len(got) != len(want) {
		t.Fatalf("got %d n-grams, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("n-gram %d differs", i)
		}
	}
}
