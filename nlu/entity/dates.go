package entity

import (
	"strings"
	"time"
)

func validDate(y, m, d int) bool {
	if y < 1 || m < 1 || m > 12 || d < 1 || d > 31 {
		return false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	return t.Day() == d
}

// monthWord reads an English or Russian month name in any case form ("march", "марта", "марте").
// "may" alone is a verb too often; callers accept it only next to a day number.
func monthWord(s string) (time.Month, bool) {
	switch s {
	case "january", "jan":
		return time.January, true
	case "february", "feb":
		return time.February, true
	case "march", "mar":
		return time.March, true
	case "april", "apr":
		return time.April, true
	case "may":
		return time.May, true
	case "june", "jun":
		return time.June, true
	case "july", "jul":
		return time.July, true
	case "august", "aug":
		return time.August, true
	case "september", "sep", "sept":
		return time.September, true
	case "october", "oct":
		return time.October, true
	case "november", "nov":
		return time.November, true
	case "december", "dec":
		return time.December, true
	case "январь", "января", "январе", "январю":
		return time.January, true
	case "февраль", "февраля", "феврале", "февралю":
		return time.February, true
	case "март", "марта", "марте", "марту":
		return time.March, true
	case "апрель", "апреля", "апреле", "апрелю":
		return time.April, true
	case "май", "мая", "мае", "маю":
		return time.May, true
	case "июнь", "июня", "июне", "июню":
		return time.June, true
	case "июль", "июля", "июле", "июлю":
		return time.July, true
	case "август", "августа", "августе", "августу":
		return time.August, true
	case "сентябрь", "сентября", "сентябре", "сентябрю":
		return time.September, true
	case "октябрь", "октября", "октябре", "октябрю":
		return time.October, true
	case "ноябрь", "ноября", "ноябре", "ноябрю":
		return time.November, true
	case "декабрь", "декабря", "декабре", "декабрю":
		return time.December, true
	}
	return 0, false
}

// weekdayWord reads an English or Russian weekday ("friday", "пятницу").
func weekdayWord(s string) (time.Weekday, bool) {
	switch s {
	case "monday", "mondays":
		return time.Monday, true
	case "tuesday", "tuesdays":
		return time.Tuesday, true
	case "wednesday", "wednesdays":
		return time.Wednesday, true
	case "thursday", "thursdays":
		return time.Thursday, true
	case "friday", "fridays":
		return time.Friday, true
	case "saturday", "saturdays":
		return time.Saturday, true
	case "sunday", "sundays":
		return time.Sunday, true
	}
	stems := [...]struct {
		stem string
		d    time.Weekday
	}{
		{"понедельник", time.Monday}, {"вторник", time.Tuesday}, {"сред", time.Wednesday},
		{"четверг", time.Thursday}, {"пятниц", time.Friday}, {"суббот", time.Saturday},
		{"воскресень", time.Sunday},
	}
	for _, st := range stems {
		if rest, ok := strings.CutPrefix(s, st.stem); ok {
			switch rest {
			case "", "а", "у", "ы", "е", "ам", "ом", "ю", "я":
				return st.d, true
			}
		}
	}
	return 0, false
}

// relativeDay reads words that name a day relative to today.
func relativeDay(s string) (int, bool) {
	switch s {
	case "today", "tonight", "сегодня", "сегодняшний":
		return 0, true
	case "tomorrow", "завтра":
		return 1, true
	case "yesterday", "вчера":
		return -1, true
	case "послезавтра":
		return 2, true
	case "позавчера":
		return -2, true
	}
	return 0, false
}

// unitDays reads "day", "week", "дня", "недель" ... and returns its length in days (months are 30: a
// call flow wants a date, and "in a month" is never exact).
func unitDays(s string) (int, bool) {
	switch s {
	case "day", "days", "день", "дня", "дней", "сутки", "суток":
		return 1, true
	case "week", "weeks", "неделя", "неделю", "недели", "недель":
		return 7, true
	case "month", "months", "месяц", "месяца", "месяцев":
		return 30, true
	}
	return 0, false
}

func isoDate(t time.Time) string { return t.Format(time.DateOnly) }

func dayOf(ref time.Time) time.Time {
	return time.Date(ref.Year(), ref.Month(), ref.Day(), 12, 0, 0, 0, ref.Location())
}

// matchDates finds dates. Weekdays resolve to their next occurrence after the reference day ("friday" said
// on a Friday is a week later); "next friday" / "в следующую пятницу" is the one in the following calendar
// week; "last friday" / "в прошлую пятницу" the most recent one before today. A day and month without a year
// take the reference year.
func matchDates(toks []token, ref time.Time, cands []candidate) []candidate {
	today := dayOf(ref)
	add := func(d time.Time, from, to int) {
		cands = append(cands, candidate{typ: TypeDate, value: isoDate(d), from: from, to: to, priority: 4})
	}
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if t.kind == kindDate {
			add(time.Date(t.y, time.Month(t.mon), t.d, 12, 0, 0, 0, ref.Location()), i, i+1)
			continue
		}
		if t.kind != kindWord && t.kind != kindNumber {
			continue
		}
		// "the day after tomorrow", "the day before yesterday".
		if t.s == "day" && i+2 < len(toks) {
			switch {
			case toks[i+1].s == "after" && toks[i+2].s == "tomorrow":
				add(today.AddDate(0, 0, 2), i, i+3)
			case toks[i+1].s == "before" && toks[i+2].s == "yesterday":
				add(today.AddDate(0, 0, -2), i, i+3)
			}
		}
		if n, ok := relativeDay(t.s); ok {
			add(today.AddDate(0, 0, n), i, i+1)
			continue
		}
		if from, d, to, ok := weekdayAt(toks, i, today); ok {
			add(d, from, to)
			continue
		}
		// "in 3 days", "in a week", "через 2 недели", "через неделю".
		if t.s == "in" || t.s == "через" {
			if d, to, ok := offsetAt(toks, i+1); ok {
				add(today.AddDate(0, 0, d), i, to)
				continue
			}
		}
		// "3 days ago", "a week ago", "два дня назад", "неделю назад".
		if d, to, ok := offsetAt(toks, i); ok && to < len(toks) && (toks[to].s == "ago" || toks[to].s == "назад") {
			add(today.AddDate(0, 0, -d), i, to+1)
			continue
		}
		if d, to, ok := dayMonthAt(toks, i, today); ok {
			add(d, i, to)
		}
	}
	return cands
}

func weekdayAt(toks []token, i int, today time.Time) (int, time.Time, int, bool) {
	from := i
	next, last := false, false
	switch toks[i].s {
	case "next", "следующий", "следующую", "следующее", "следующая", "следующей":
		next = true
		i++
	case "last", "прошлый", "прошлую", "прошлое", "прошлая", "прошлой":
		last = true
		i++
	case "this", "эту", "этот", "это", "эта":
		i++
	}
	if i >= len(toks) {
		return 0, time.Time{}, 0, false
	}
	wd, ok := weekdayWord(toks[i].s)
	if !ok {
		return 0, time.Time{}, 0, false
	}
	if last {
		// The most recent such day before today.
		back := (int(today.Weekday()) - int(wd) + 7) % 7
		if back == 0 {
			back = 7
		}
		return from, today.AddDate(0, 0, -back), i + 1, true
	}
	ahead := (int(wd) - int(today.Weekday()) + 7) % 7
	if ahead == 0 {
		ahead = 7
	}
	d := today.AddDate(0, 0, ahead)
	if next && isoWeekStart(d).Equal(isoWeekStart(today)) {
		d = d.AddDate(0, 0, 7)
	}
	return from, d, i + 1, true
}

// isoWeekStart returns the Monday of t's week.
func isoWeekStart(t time.Time) time.Time {
	back := (int(t.Weekday()) + 6) % 7
	return t.AddDate(0, 0, -back)
}

func offsetAt(toks []token, i int) (int, int, bool) {
	if i >= len(toks) {
		return 0, 0, false
	}
	if toks[i].s == "a" || toks[i].s == "an" {
		i++
	}
	if i >= len(toks) {
		return 0, 0, false
	}
	if u, ok := unitDays(toks[i].s); ok {
		return u, i + 1, true
	}
	n, end, ok := parseCardinal(toks, i)
	if !ok || end >= len(toks) || n != float64(int(n)) || n > 3660 {
		return 0, 0, false
	}
	u, ok := unitDays(toks[end].s)
	if !ok {
		return 0, 0, false
	}
	return int(n) * u, end + 1, true
}

// dayMonthAt reads "5 march", "5th of march", "пятого марта", "march 5th", "march the fifth", each with an
// optional year ("2025", "2025 года"), and "пятого числа" (this month).
func dayMonthAt(toks []token, i int, today time.Time) (time.Time, int, bool) {
	year := today.Year()
	// Month first: "march 5", "march 5th", "march the fifth".
	if m, ok := monthWord(toks[i].s); ok && i+1 < len(toks) {
		j := i + 1
		if toks[j].s == "the" && j+1 < len(toks) {
			j++
		}
		if day, end, ok := parseOrdinal(toks, j, true); ok && day >= 1 && day <= 31 {
			y, end := yearAt(toks, end, year)
			if validDate(y, int(m), day) {
				return time.Date(y, m, day, 12, 0, 0, 0, today.Location()), end, true
			}
		}
		return time.Time{}, 0, false
	}
	j := i
	if toks[j].s == "the" && j+1 < len(toks) {
		j++
	}
	day, end, ok := parseOrdinal(toks, j, true)
	if !ok || day < 1 || day > 31 || end >= len(toks) {
		return time.Time{}, 0, false
	}
	if toks[end].s == "of" && end+1 < len(toks) {
		end++
	}
	if m, ok := monthWord(toks[end].s); ok {
		y, to := yearAt(toks, end+1, year)
		if validDate(y, int(m), day) {
			return time.Date(y, m, day, 12, 0, 0, 0, today.Location()), to, true
		}
		return time.Time{}, 0, false
	}
	if toks[end].s == "числа" && end > i {
		d := time.Date(today.Year(), today.Month(), day, 12, 0, 0, 0, today.Location())
		if d.Before(today) {
			d = time.Date(today.Year(), today.Month()+1, day, 12, 0, 0, 0, today.Location())
		}
		if d.Day() == day {
			return d, end + 1, true
		}
	}
	return time.Time{}, 0, false
}

// yearAt reads an optional four-digit year ("2025", "2025 года", "2025 г") at toks[i].
func yearAt(toks []token, i, def int) (int, int) {
	if i < len(toks) && toks[i].kind == kindNumber && !toks[i].ordinal && len(toks[i].s) == 4 {
		y := int(toks[i].num)
		if y >= 1900 && y <= 2200 && float64(y) == toks[i].num {
			i++
			if i < len(toks) && (toks[i].s == "года" || toks[i].s == "год" || toks[i].s == "г") {
				i++
			}
			return y, i
		}
	}
	return def, i
}
