package entity

import (
	"math"
	"time"
)

// maxRelativeMinutes bounds the durations read as relative times: a day and more is a date question
// ("in 3 days" is a date entity), and a clock reading cannot say which day it is on.
const maxRelativeMinutes = 24 * 60

// countAt reads how many units a duration has at toks[i]: a cardinal ("two", "20", "1.5", "полтора"), "a",
// "an", "a couple of", "пару". When nothing counts the unit, the count is 1 ("через час", "in an hour").
func countAt(toks []token, i int) (float64, int) {
	if i >= len(toks) {
		return 1, i
	}
	switch toks[i].s {
	case "a", "an":
		if i+2 < len(toks) && toks[i+1].s == "couple" && toks[i+2].s == "of" {
			return 2, i + 3
		}
		return 1, i + 1
	case "couple":
		if i+1 < len(toks) && toks[i+1].s == "of" {
			return 2, i + 2
		}
	case "пару", "пара":
		return 2, i + 1
	}
	if n, end, ok := parseCardinal(toks, i); ok {
		return n, end
	}
	return 1, i
}

func isDurationHourWord(s string) bool {
	return isHourWord(s) || s == "часик" || s == "часика"
}

func isDurationMinuteWord(s string) bool {
	return isMinuteWord(s) || s == "минутку" || s == "минуток" || s == "mins" || s == "min" || s == "мин"
}

// durationAt reads a duration of hours and minutes at toks[i] and returns it in minutes: "two hours",
// "20 minutes", "an hour", "half an hour", "a quarter of an hour", "an hour and a half", "2 hours 30
// minutes", "1.5 hours", "a couple of hours", "час", "два часа", "полтора часа", "полчаса", "четверть
// часа", "пару часов", "час с половиной", "2 часа 15 минут".
func durationAt(toks []token, i int) (int, int, bool) {
	if i >= len(toks) {
		return 0, i, false
	}
	word := func(k int) string {
		if k < len(toks) {
			return toks[k].s
		}
		return ""
	}
	switch word(i) {
	case "полчаса", "полчасика":
		return 30, i + 1, true
	case "half":
		// "half an hour", "half a hour", "half hour".
		j := i + 1
		if word(j) == "an" || word(j) == "a" {
			j++
		}
		if isDurationHourWord(word(j)) {
			return 30, j + 1, true
		}
		return 0, i, false
	case "четверть":
		if isDurationHourWord(word(i + 1)) {
			return 15, i + 2, true
		}
		return 0, i, false
	}
	j := i
	if word(j) == "a" && word(j+1) == "quarter" {
		j++
	}
	if word(j) == "quarter" {
		// "a quarter of an hour", "quarter hour".
		k := j + 1
		if word(k) == "of" {
			k++
		}
		if word(k) == "an" || word(k) == "a" {
			k++
		}
		if isDurationHourWord(word(k)) {
			return 15, k + 1, true
		}
		return 0, i, false
	}
	n, end := countAt(toks, i)
	if end < len(toks) && toks[end].kind == kindClock {
		return 0, i, false
	}
	var minutes float64
	switch {
	case isDurationHourWord(word(end)):
		minutes = n * 60
		end++
		// "an hour and a half", "час с половиной".
		if (word(end) == "and" && word(end+1) == "a" && word(end+2) == "half") ||
			(word(end) == "с" && word(end+1) == "половиной") {
			if word(end) == "and" {
				end += 3
			} else {
				end += 2
			}
			minutes += 30
			break
		}
		// "2 hours 30 minutes", "час и 15 минут", "two hours and ten minutes".
		k := end
		if word(k) == "and" || word(k) == "и" {
			k++
		}
		if m, mend, ok := parseCardinal(toks, k); ok && isDurationMinuteWord(word(mend)) && m == math.Trunc(m) && m < 60 {
			minutes += m
			end = mend + 1
		}
	case isDurationMinuteWord(word(end)):
		minutes = n
		end++
	default:
		return 0, i, false
	}
	minutes = math.Round(minutes)
	if minutes <= 0 || minutes > maxRelativeMinutes {
		return 0, i, false
	}
	return int(minutes), end, true
}

// matchRelativeTimes finds durations said as a time relative to ref: "in two hours", "через 20 минут" are
// ref plus the duration, "two hours ago", "полчаса назад" ref minus it. The value is the clock reading of
// that moment in ref's location, like any other time entity; a duration that is not anchored by one of
// those words ("I waited two hours") is no time of day and yields nothing here.
func matchRelativeTimes(toks []token, ref time.Time, cands []candidate) []candidate {
	add := func(at time.Time, from, to int) {
		cands = append(cands, candidate{typ: TypeTime, value: clock(at.Hour(), at.Minute()), from: from, to: to, priority: 3})
	}
	for i := 0; i < len(toks); i++ {
		switch toks[i].s {
		case "in", "через", "within", "спустя":
			if d, end, ok := durationAt(toks, i+1); ok {
				add(ref.Add(time.Duration(d)*time.Minute), i, end)
				i = end - 1
				continue
			}
		}
		if d, end, ok := durationAt(toks, i); ok && end < len(toks) && (toks[end].s == "ago" || toks[end].s == "назад") {
			add(ref.Add(-time.Duration(d)*time.Minute), i, end+1)
			i = end
		}
	}
	return cands
}
