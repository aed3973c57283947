package entity

// currencyWord reads a currency name or code; minor is true for cents, pence and kopecks.
func currencyWord(s string) (code string, minor bool, ok bool) {
	switch s {
	case "dollar", "dollars", "buck", "bucks", "usd", "доллар", "доллара", "долларов", "долларах", "долларам",
		"бакс", "бакса", "баксов":
		return "USD", false, true
	case "euro", "euros", "eur", "евро":
		return "EUR", false, true
	case "pound", "pounds", "quid", "gbp", "фунт", "фунта", "фунтов":
		return "GBP", false, true
	case "ruble", "rubles", "rouble", "roubles", "rub", "рубль", "рубля", "рублей", "рублях", "рублям", "руб":
		return "RUB", false, true
	case "hryvnia", "hryvnias", "uah", "гривна", "гривны", "гривен", "гривень":
		return "UAH", false, true
	case "tenge", "kzt", "тенге":
		return "KZT", false, true
	case "yen", "jpy", "иена", "иены", "иен":
		return "JPY", false, true
	case "yuan", "cny", "юань", "юаня", "юаней":
		return "CNY", false, true
	case "cent", "cents", "цент", "цента", "центов":
		return "USD", true, true
	case "penny", "pence", "пенни":
		return "GBP", true, true
	case "копейка", "копейки", "копеек", "копейку", "коп", "kopeck", "kopecks", "kopek", "kopeks":
		return "RUB", true, true
	}
	return "", false, false
}

func currencySymbol(s string) string {
	switch s {
	case "$":
		return "USD"
	case "€":
		return "EUR"
	case "£":
		return "GBP"
	case "₽":
		return "RUB"
	case "¥":
		return "JPY"
	case "₴":
		return "UAH"
	case "₸":
		return "KZT"
	}
	return ""
}

// matchMoney finds amounts: "$25", "25 €", "twenty five dollars", "пятьсот рублей 50 копеек", "50 cents".
func matchMoney(toks []token, cands []candidate) []candidate {
	for i := 0; i < len(toks); i++ {
		// Symbol first: "$25", "€ 1.5 million".
		if code := currencySymbol(toks[i].s); code != "" && toks[i].kind == kindSymbol && i+1 < len(toks) {
			if v, end, ok := parseCardinal(toks, i+1); ok {
				cands = append(cands, candidate{typ: TypeMoney, value: Money{Amount: v, Currency: code}, from: i, to: end, priority: 5})
			}
			continue
		}
		v, end, ok := parseCardinal(toks, i)
		if !ok || end >= len(toks) {
			continue
		}
		code, minor, found := "", false, false
		if toks[end].kind == kindSymbol {
			code = currencySymbol(toks[end].s)
			found = code != ""
		} else if toks[end].kind == kindWord {
			code, minor, found = currencyWord(toks[end].s)
		}
		if !found {
			continue
		}
		amount := v
		if minor {
			amount = v / 100
		}
		to := end + 1
		// "25 dollars 50 cents", "100 рублей 50 копеек", "5 dollars and 5 cents".
		if !minor {
			k := to
			if k < len(toks) && (toks[k].s == "and" || toks[k].s == "и") {
				k++
			}
			if c, cend, ok := parseCardinal(toks, k); ok && cend < len(toks) && c < 100 {
				if mcode, isMinor, ok := currencyWord(toks[cend].s); ok && isMinor && (mcode == code || toks[cend].s == "cent" || toks[cend].s == "cents" || isCentWord(toks[cend].s)) {
					amount += c / 100
					to = cend + 1
				}
			}
		}
		cands = append(cands, candidate{typ: TypeMoney, value: Money{Amount: roundCents(amount), Currency: code}, from: i, to: to, priority: 5})
	}
	return cands
}

// isCentWord reports words for a hundredth of any currency whose minor unit is called a cent.
func isCentWord(s string) bool {
	switch s {
	case "cent", "cents", "цент", "цента", "центов":
		return true
	}
	return false
}

func roundCents(v float64) float64 {
	if v < 0 || v > 1e15 {
		return v
	}
	return float64(int64(v*100+0.5)) / 100
}
