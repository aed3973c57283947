package entity

// Word classes of cardinal number words. A number is a sequence in which each group (before a scale word)
// goes from larger to smaller parts: "two thousand three hundred and five", "две тысячи триста пять".
const (
	classNone     = iota
	classDigits   // a number written in digits
	classUnit     // 0..19
	classTen      // 20, 30 ... 90
	classHundreds // Russian 100 ... 900 ("сто", "двести")
	classHundred  // English "hundred", a multiplier
	classScale    // thousand, million, billion
	classHalf     // "полтора": one and a half
)

type numberWord struct {
	value float64
	class int
}

// cardinalWord reads one English or Russian cardinal number word (any case form for Russian).
func cardinalWord(s string) (numberWord, bool) {
	switch s {
	case "zero", "ноль", "нуль", "нуля":
		return numberWord{0, classUnit}, true
	case "one", "один", "одна", "одно", "одного", "одной", "одному", "одним", "одном", "одну":
		return numberWord{1, classUnit}, true
	case "two", "два", "две", "двух", "двум", "двумя":
		return numberWord{2, classUnit}, true
	case "three", "три", "трех", "трем", "тремя":
		return numberWord{3, classUnit}, true
	case "four", "четыре", "четырех", "четырем", "четырьмя":
		return numberWord{4, classUnit}, true
	case "five", "пять", "пяти", "пятью":
		return numberWord{5, classUnit}, true
	case "six", "шесть", "шести", "шестью":
		return numberWord{6, classUnit}, true
	case "seven", "семь", "семи", "семью":
		return numberWord{7, classUnit}, true
	case "eight", "восемь", "восьми", "восемью":
		return numberWord{8, classUnit}, true
	case "nine", "девять", "девяти", "девятью":
		return numberWord{9, classUnit}, true
	case "ten", "десять", "десяти", "десятью":
		return numberWord{10, classUnit}, true
	case "eleven", "одиннадцать", "одиннадцати":
		return numberWord{11, classUnit}, true
	case "twelve", "двенадцать", "двенадцати":
		return numberWord{12, classUnit}, true
	case "thirteen", "тринадцать", "тринадцати":
		return numberWord{13, classUnit}, true
	case "fourteen", "четырнадцать", "четырнадцати":
		return numberWord{14, classUnit}, true
	case "fifteen", "пятнадцать", "пятнадцати":
		return numberWord{15, classUnit}, true
	case "sixteen", "шестнадцать", "шестнадцати":
		return numberWord{16, classUnit}, true
	case "seventeen", "семнадцать", "семнадцати":
		return numberWord{17, classUnit}, true
	case "eighteen", "восемнадцать", "восемнадцати":
		return numberWord{18, classUnit}, true
	case "nineteen", "девятнадцать", "девятнадцати":
		return numberWord{19, classUnit}, true
	case "twenty", "двадцать", "двадцати":
		return numberWord{20, classTen}, true
	case "thirty", "тридцать", "тридцати":
		return numberWord{30, classTen}, true
	case "forty", "сорок", "сорока":
		return numberWord{40, classTen}, true
	case "fifty", "пятьдесят", "пятидесяти":
		return numberWord{50, classTen}, true
	case "sixty", "шестьдесят", "шестидесяти":
		return numberWord{60, classTen}, true
	case "seventy", "семьдесят", "семидесяти":
		return numberWord{70, classTen}, true
	case "eighty", "восемьдесят", "восьмидесяти":
		return numberWord{80, classTen}, true
	case "ninety", "девяносто", "девяноста":
		return numberWord{90, classTen}, true
	case "сто", "ста":
		return numberWord{100, classHundreds}, true
	case "двести", "двухсот":
		return numberWord{200, classHundreds}, true
	case "триста", "трехсот":
		return numberWord{300, classHundreds}, true
	case "четыреста", "четырехсот":
		return numberWord{400, classHundreds}, true
	case "пятьсот", "пятисот":
		return numberWord{500, classHundreds}, true
	case "шестьсот", "шестисот":
		return numberWord{600, classHundreds}, true
	case "семьсот", "семисот":
		return numberWord{700, classHundreds}, true
	case "восемьсот", "восьмисот":
		return numberWord{800, classHundreds}, true
	case "девятьсот", "девятисот":
		return numberWord{900, classHundreds}, true
	case "hundred":
		return numberWord{100, classHundred}, true
	case "thousand", "тысяча", "тысячи", "тысяч", "тысячу", "тысячей", "тыс":
		return numberWord{1e3, classScale}, true
	case "million", "миллион", "миллиона", "миллионов", "млн":
		return numberWord{1e6, classScale}, true
	case "billion", "миллиард", "миллиарда", "миллиардов", "млрд":
		return numberWord{1e9, classScale}, true
	case "полтора", "полторы", "полутора":
		return numberWord{1.5, classHalf}, true
	}
	return numberWord{}, false
}

// parseCardinal reads the cardinal number that starts at toks[i], in digits, words or both ("5 тысяч",
// "1.5 million"), and returns its value and the index after it.
func parseCardinal(toks []token, i int) (float64, int, bool) {
	var total, current float64
	last := classNone
	lastScale := 0.0
	j := i
loop:
	for ; j < len(toks); j++ {
		t := toks[j]
		if t.kind == kindNumber {
			if last != classNone || t.ordinal {
				break
			}
			current, last = t.num, classDigits
			continue
		}
		if t.kind != kindWord {
			break
		}
		w, ok := cardinalWord(t.s)
		if !ok {
			switch {
			case t.s == "and" && last == classHundred && j+1 < len(toks) && isUnitOrTen(toks[j+1]):
				continue // "one hundred and five"
			case t.s == "a" && last == classNone && j+1 < len(toks) && isMultiplier(toks[j+1]):
				current, last = 1, classUnit // "a hundred", "a thousand"
				continue
			}
			break
		}
		switch w.class {
		case classUnit:
			if last == classUnit || last == classDigits || last == classHalf || (last == classTen && w.value >= 10) {
				break loop
			}
			current += w.value
		case classTen:
			if last == classUnit || last == classTen || last == classDigits || last == classHalf {
				break loop
			}
			current += w.value
		case classHundreds:
			if last != classNone && last != classScale {
				break loop
			}
			current += w.value
		case classHundred:
			if (last != classUnit && last != classTen && last != classDigits) || current >= 100 {
				break loop
			}
			current *= 100
		case classScale:
			if lastScale != 0 && w.value >= lastScale {
				break loop
			}
			if last == classNone || last == classScale {
				current = 1
			}
			total += current * w.value
			current, lastScale = 0, w.value
		case classHalf:
			if last != classNone {
				break loop
			}
			current = w.value
		}
		last = w.class
	}
	if last == classNone {
		return 0, i, false
	}
	return total + current, j, true
}

func isUnitOrTen(t token) bool {
	w, ok := cardinalWord(t.s)
	return ok && (w.class == classUnit || w.class == classTen)
}

func isMultiplier(t token) bool {
	w, ok := cardinalWord(t.s)
	return ok && (w.class == classHundred || w.class == classScale)
}

// matchNumbers adds every cardinal number not already part of a longer match.
func matchNumbers(toks []token, cands []candidate) []candidate {
	for i := 0; i < len(toks); {
		v, end, ok := parseCardinal(toks, i)
		if !ok {
			i++
			continue
		}
		cands = append(cands, candidate{typ: TypeNumber, value: v, from: i, to: end, priority: 1})
		i = end
	}
	return cands
}

// ordinalWord reads an English or Russian ordinal word from 1st to 31st that needs no second word
// ("fifth", "пятого", "двадцатое").
func ordinalWord(s string) (int, bool) {
	switch s {
	case "first":
		return 1, true
	case "second":
		return 2, true
	case "third":
		return 3, true
	case "fourth":
		return 4, true
	case "fifth":
		return 5, true
	case "sixth":
		return 6, true
	case "seventh":
		return 7, true
	case "eighth":
		return 8, true
	case "ninth":
		return 9, true
	case "tenth":
		return 10, true
	case "eleventh":
		return 11, true
	case "twelfth":
		return 12, true
	case "thirteenth":
		return 13, true
	case "fourteenth":
		return 14, true
	case "fifteenth":
		return 15, true
	case "sixteenth":
		return 16, true
	case "seventeenth":
		return 17, true
	case "eighteenth":
		return 18, true
	case "nineteenth":
		return 19, true
	case "twentieth":
		return 20, true
	case "thirtieth":
		return 30, true
	}
	return russianOrdinal(s)
}

// russianOrdinal reads Russian ordinals in the forms dates use: "пятое", "пятого", "пятому", "третье",
// "третьего".
func russianOrdinal(s string) (int, bool) {
	stems := [...]struct {
		stem string
		n    int
	}{
		// Longer stems first: "пятнадцат" must not be read as "пят".
		{"одиннадцат", 11}, {"двенадцат", 12}, {"тринадцат", 13}, {"четырнадцат", 14}, {"пятнадцат", 15},
		{"шестнадцат", 16}, {"семнадцат", 17}, {"восемнадцат", 18}, {"девятнадцат", 19}, {"двадцат", 20},
		{"тридцат", 30}, {"перв", 1}, {"втор", 2}, {"трет", 3}, {"четверт", 4}, {"пят", 5}, {"шест", 6},
		{"седьм", 7}, {"восьм", 8}, {"девят", 9}, {"десят", 10},
	}
	for _, st := range stems {
		if len(s) <= len(st.stem) || s[:len(st.stem)] != st.stem {
			continue
		}
		switch s[len(st.stem):] {
		case "ое", "ого", "ому", "ый", "ой", "ом", "ья", "ье", "ьего", "ьему", "ий", "ым":
			return st.n, true
		}
		return 0, false
	}
	return 0, false
}

// parseOrdinal reads a day-of-month style ordinal at toks[i]: "5th", "5-го", "fifth", "twenty first",
// "двадцать пятого". With plain set, a bare number ("5") is accepted too.
func parseOrdinal(toks []token, i int, plain bool) (int, int, bool) {
	t := toks[i]
	if t.kind == kindNumber {
		if (t.ordinal || plain) && t.num == float64(int(t.num)) {
			return int(t.num), i + 1, true
		}
		return 0, i, false
	}
	if t.kind != kindWord {
		return 0, i, false
	}
	if n, ok := ordinalWord(t.s); ok {
		return n, i + 1, true
	}
	if w, ok := cardinalWord(t.s); ok && w.class == classTen && i+1 < len(toks) {
		if n, ok := ordinalWord(toks[i+1].s); ok && n < 10 {
			return int(w.value) + n, i + 2, true
		}
	}
	if plain {
		if v, end, ok := parseCardinal(toks, i); ok && v == float64(int(v)) {
			return int(v), end, true
		}
	}
	return 0, i, false
}
