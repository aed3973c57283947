package entity

import (
	"fmt"
	"time"
)

func clock(h, m int) string { return fmt.Sprintf("%02d:%02d", h, m) }

// period is a part of the day that moves a 12-hour clock reading.
type period int

const (
	periodNone period = iota
	periodAM
	periodPM
	periodAfternoon // Russian "дня": 1..6 are afternoon hours
	periodNight
)

// periodAt reads "am", "pm", "a m", "p m", "in the morning/afternoon/evening", "at night", "утра", "дня",
// "вечера", "ночи" at toks[i].
func periodAt(toks []token, i int) (period, int) {
	if i >= len(toks) {
		return periodNone, i
	}
	s := toks[i].s
	next := func(k int) string {
		if i+k < len(toks) {
			return toks[i+k].s
		}
		return ""
	}
	switch s {
	case "am":
		return periodAM, i + 1
	case "pm":
		return periodPM, i + 1
	case "a", "p":
		if next(1) == "m" {
			if s == "a" {
				return periodAM, i + 2
			}
			return periodPM, i + 2
		}
	case "утра":
		return periodAM, i + 1
	case "вечера":
		return periodPM, i + 1
	case "дня":
		return periodAfternoon, i + 1
	case "ночи":
		return periodNight, i + 1
	case "in":
		if next(1) == "the" {
			switch next(2) {
			case "morning":
				return periodAM, i + 3
			case "afternoon", "evening":
				return periodPM, i + 3
			}
		}
	case "at":
		if next(1) == "night" {
			return periodNight, i + 2
		}
	}
	return periodNone, i
}

func applyPeriod(h int, p period) int {
	switch p {
	case periodAM:
		if h == 12 {
			return 0
		}
	case periodPM:
		if h >= 1 && h < 12 {
			return h + 12
		}
	case periodAfternoon:
		if h >= 1 && h <= 6 {
			return h + 12
		}
	case periodNight:
		if h == 12 {
			return 0
		}
		if h >= 7 && h < 12 {
			return h + 12
		}
	}
	return h
}

func isHourWord(s string) bool {
	switch s {
	case "час", "часа", "часов", "hour", "hours":
		return true
	}
	return false
}

func isMinuteWord(s string) bool {
	switch s {
	case "минут", "минута", "минуты", "минуту", "minute", "minutes":
		return true
	}
	return false
}

// wholeAt reads an integer cardinal in [lo, hi] at toks[i].
func wholeAt(toks []token, i, lo, hi int) (int, int, bool) {
	if i >= len(toks) {
		return 0, i, false
	}
	v, end, ok := parseCardinal(toks, i)
	if !ok || v != float64(int(v)) || int(v) < lo || int(v) > hi {
		return 0, i, false
	}
	return int(v), end, true
}

// matchTimes finds times of day: "17:30", "5 pm", "five thirty p m", "half past five", "at 7",
// "в 5 вечера", "в 17 часов 30 минут", "в половине шестого", "noon", "полночь", and durations relative to
// ref ("in two hours", "через 20 минут", "полчаса назад").
func matchTimes(toks []token, ref time.Time, cands []candidate) []candidate {
	cands = matchRelativeTimes(toks, ref, cands)
	add := func(h, m, from, to int) {
		cands = append(cands, candidate{typ: TypeTime, value: clock(h, m), from: from, to: to, priority: 3})
	}
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		switch t.s {
		case "noon", "midday", "полдень", "полдня":
			add(12, 0, i, i+1)
			continue
		case "midnight", "полночь":
			add(0, 0, i, i+1)
			continue
		case "half", "quarter":
			// "half past five", "quarter past five", "quarter to six".
			if i+2 < len(toks) && (toks[i+1].s == "past" || toks[i+1].s == "to") {
				if h, end, ok := wholeAt(toks, i+2, 1, 12); ok {
					m := 30
					if t.s == "quarter" {
						m = 15
					}
					if toks[i+1].s == "to" {
						if t.s == "half" {
							break
						}
						h, m = (h+11)%12, 45
						if h == 0 {
							h = 12
						}
					}
					p, to := periodAt(toks, end)
					add(applyPeriod(h, p), m, i, to)
					continue
				}
			}
		case "половине", "пол":
			// "в половине шестого" is 5:30.
			if i+1 < len(toks) {
				if n, ok := ordinalWord(toks[i+1].s); ok && n >= 1 && n <= 12 {
					h := n - 1
					if h == 0 {
						h = 12
					}
					p, to := periodAt(toks, i+2)
					add(applyPeriod(h, p), 30, i, to)
					continue
				}
			}
		}
		if t.kind == kindClock {
			p, to := periodAt(toks, i+1)
			h := t.hour
			if h <= 12 {
				h = applyPeriod(h, p)
			}
			add(h, t.min, i, to)
			continue
		}
		if h, m, from, to, ok := spokenTime(toks, i); ok {
			add(h, m, from, to)
			i = to - 1
		}
	}
	return cands
}

// spokenTime reads an hour with optional minutes at toks[i], accepted only with something that makes it a
// time: a preceding "at"/"в"/"к", "o'clock", "часов", or a part of the day.
func spokenTime(toks []token, i int) (h, m, from, to int, ok bool) {
	from = i
	marked := false
	switch toks[i].s {
	case "at", "в", "к", "around", "около":
		marked = true
		i++
	}
	h, end, ok := wholeAt(toks, i, 0, 24)
	if !ok {
		return 0, 0, 0, 0, false
	}
	if !marked {
		from = i
	}
	switch {
	case end < len(toks) && toks[end].s == "oclock":
		marked = true
		end++
	case end < len(toks) && isHourWord(toks[end].s):
		// "в пять часов" is a time, but "five hours" or "пять часов" alone is a duration ("I waited two
		// hours"): the hour word is taken along, it does not make the number a clock reading.
		end++
	}
	// Minutes: "five thirty", "17 30", "в 5 часов 15 минут".
	if mm, mend, ok := wholeAt(toks, end, 0, 59); ok && (mend-end > 1 || toks[end].kind == kindWord || len(toks[end].s) == 2) {
		m, end = mm, mend
		if end < len(toks) && isMinuteWord(toks[end].s) {
			end++
		}
	}
	p, pend := periodAt(toks, end)
	if p != periodNone {
		if h > 12 {
			return 0, 0, 0, 0, false
		}
		marked = true
		h = applyPeriod(h, p)
		end = pend
	}
	if !marked {
		return 0, 0, 0, 0, false
	}
	// "в 2 раза", "at 5 percent": a following unit word makes the number something else.
	if end < len(toks) {
		switch toks[end].s {
		case "раза", "раз", "percent", "процентов", "процента", "times":
			return 0, 0, 0, 0, false
		}
		if _, ok := unitDays(toks[end].s); ok {
			return 0, 0, 0, 0, false
		}
		if _, _, ok := currencyWord(toks[end].s); ok {
			return 0, 0, 0, 0, false
		}
	}
	if h == 24 {
		h = 0
	}
	return h, m, from, end, true
}
