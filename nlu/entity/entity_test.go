package entity

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

// ref is Wednesday 2025-03-12 14:00 in Moscow.
var testRef = time.Date(2025, 3, 12, 14, 0, 0, 0, time.FixedZone("MSK", 3*3600))

type want struct {
	typ   string
	text  string
	value any
}

func extractAll(t *testing.T, text string) []Entity {
	t.Helper()
	e, err := NewExtractor(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	return e.Extract(text, testRef)
}

func check(t *testing.T, text string, wants ...want) {
	t.Helper()
	got := extractAll(t, text)
	if len(got) != len(wants) {
		t.Fatalf("%q: got %d entities %+v, want %d %+v", text, len(got), got, len(wants), wants)
	}
	for i, w := range wants {
		g := got[i]
		if g.Type != w.typ || g.Text != w.text || !reflect.DeepEqual(g.Value, w.value) {
			t.Errorf("%q: entity %d = {%s %q %#v}, want {%s %q %#v}", text, i, g.Type, g.Text, g.Value, w.typ, w.text, w.value)
		}
		if text[g.Start:g.End] != g.Text {
			t.Errorf("%q: span [%d,%d) = %q, Text %q", text, g.Start, g.End, text[g.Start:g.End], g.Text)
		}
	}
}

func TestNumbers(t *testing.T) {
	for _, c := range []struct {
		text  string
		match string
		value float64
	}{
		{"twenty five", "twenty five", 25},
		{"i am twenty-five", "twenty-five", 25},
		{"one hundred and five", "one hundred and five", 105},
		{"two thousand three hundred forty two", "two thousand three hundred forty two", 2342},
		{"a hundred", "a hundred", 100},
		{"nineteen hundred", "nineteen hundred", 1900},
		{"three million", "three million", 3e6},
		{"1.5 million", "1.5 million", 1.5e6},
		{"42", "42", 42},
		{"1,500", "1,500", 1500},
		{"2,5", "2,5", 2.5},
		{"3.75", "3.75", 3.75},
		{"zero", "zero", 0},
		{"двадцать пять", "двадцать пять", 25},
		{"сто пять", "сто пять", 105},
		{"две тысячи триста сорок два", "две тысячи триста сорок два", 2342},
		{"тысяча", "тысяча", 1000},
		{"пять тысяч", "пять тысяч", 5000},
		{"5 тысяч", "5 тысяч", 5000},
		{"полторы тысячи", "полторы тысячи", 1500},
		{"двадцати пяти", "двадцати пяти", 25},
		{"девятьсот девяносто девять", "девятьсот девяносто девять", 999},
		{"один миллион двести тысяч", "один миллион двести тысяч", 1.2e6},
		{"ноль", "ноль", 0},
		{"номер семнадцать", "семнадцать", 17},
	} {
		check(t, c.text, want{TypeNumber, c.match, c.value})
	}
	// Adjacent numbers that do not compose stay apart.
	check(t, "five six", want{TypeNumber, "five", 5.0}, want{TypeNumber, "six", 6.0})
	check(t, "три четыре", want{TypeNumber, "три", 3.0}, want{TypeNumber, "четыре", 4.0})
	check(t, "nothing to see here")
}

func TestMoney(t *testing.T) {
	for _, c := range []struct {
		text, match string
		amount      float64
		cur         string
	}{
		{"i already paid $25", "$25", 25, "USD"},
		{"twenty five dollars", "twenty five dollars", 25, "USD"},
		{"25 dollars 50 cents", "25 dollars 50 cents", 25.5, "USD"},
		{"five dollars and five cents", "five dollars and five cents", 5.05, "USD"},
		{"50 cents", "50 cents", 0.5, "USD"},
		{"€ 1.5 million", "€ 1.5 million", 1.5e6, "EUR"},
		{"100 euros", "100 euros", 100, "EUR"},
		{"ten pounds", "ten pounds", 10, "GBP"},
		{"пятьсот рублей", "пятьсот рублей", 500, "RUB"},
		{"я заплатил 1500 рублей", "1500 рублей", 1500, "RUB"},
		{"100 рублей 50 копеек", "100 рублей 50 копеек", 100.5, "RUB"},
		{"полторы тысячи рублей", "полторы тысячи рублей", 1500, "RUB"},
		{"двадцать долларов", "двадцать долларов", 20, "USD"},
		{"300₽", "300₽", 300, "RUB"},
		{"5 тысяч евро", "5 тысяч евро", 5000, "EUR"},
	} {
		check(t, c.text, want{TypeMoney, c.match, Money{Amount: c.amount, Currency: c.cur}})
	}
}

func TestDates(t *testing.T) {
	// testRef is Wednesday 2025-03-12.
	for _, c := range []struct {
		text, match, date string
	}{
		{"today", "today", "2025-03-12"},
		{"call me tomorrow", "tomorrow", "2025-03-13"},
		{"I already paid yesterday", "yesterday", "2025-03-11"},
		{"the day after tomorrow", "day after tomorrow", "2025-03-14"},
		{"day before yesterday", "day before yesterday", "2025-03-10"},
		{"завтра", "завтра", "2025-03-13"},
		{"послезавтра", "послезавтра", "2025-03-14"},
		{"вчера", "вчера", "2025-03-11"},
		{"позавчера", "позавчера", "2025-03-10"},
		{"on friday", "friday", "2025-03-14"},
		{"в пятницу", "пятницу", "2025-03-14"},
		{"в понедельник", "понедельник", "2025-03-17"},
		{"wednesday", "wednesday", "2025-03-19"},
		{"next friday", "next friday", "2025-03-21"},
		{"в следующую пятницу", "следующую пятницу", "2025-03-21"},
		{"next monday", "next monday", "2025-03-17"},
		{"in 3 days", "in 3 days", "2025-03-15"},
		{"i paid 2 days ago", "2 days ago", "2025-03-10"},
		{"a week ago", "a week ago", "2025-03-05"},
		{"три дня назад", "три дня назад", "2025-03-09"},
		{"неделю назад", "неделю назад", "2025-03-05"},
		{"last friday", "last friday", "2025-03-07"},
		{"в прошлую среду", "прошлую среду", "2025-03-05"},
		{"в прошлый понедельник", "прошлый понедельник", "2025-03-10"},
		{"in two weeks", "in two weeks", "2025-03-26"},
		{"in a week", "in a week", "2025-03-19"},
		{"через неделю", "через неделю", "2025-03-19"},
		{"через два дня", "через два дня", "2025-03-14"},
		{"5 march", "5 march", "2025-03-05"},
		{"march 5th", "march 5th", "2025-03-05"},
		{"the fifth of april", "the fifth of april", "2025-04-05"},
		{"april twenty first", "april twenty first", "2025-04-21"},
		{"5 марта", "5 марта", "2025-03-05"},
		{"пятого марта", "пятого марта", "2025-03-05"},
		{"двадцать пятого декабря", "двадцать пятого декабря", "2025-12-25"},
		{"первое мая", "первое мая", "2025-05-01"},
		{"5-го апреля 2026 года", "5-го апреля 2026 года", "2026-04-05"},
		{"december 31 2024", "december 31 2024", "2024-12-31"},
		{"2025-07-01", "2025-07-01", "2025-07-01"},
		{"01.07.2025", "01.07.2025", "2025-07-01"},
		{"пятнадцатого числа", "пятнадцатого числа", "2025-03-15"},
		{"десятого числа", "десятого числа", "2025-04-10"},
	} {
		check(t, c.text, want{TypeDate, c.match, c.date})
	}
	// Invalid calendar dates are no dates.
	for _, text := range []string{"31 february", "2025-02-30", "31.04.2025"} {
		for _, e := range extractAll(t, text) {
			if e.Type == TypeDate {
				t.Errorf("%q: unexpected date %+v", text, e)
			}
		}
	}
}

func TestTimes(t *testing.T) {
	for _, c := range []struct {
		text, match, clock string
	}{
		{"17:30", "17:30", "17:30"},
		{"at 5:30 pm", "5:30 pm", "17:30"},
		{"5 pm", "5 pm", "17:00"},
		{"5pm", "5pm", "17:00"},
		{"7 a.m.", "7 a.m", "07:00"},
		{"12 am", "12 am", "00:00"},
		{"call me at five", "at five", "05:00"},
		{"five thirty pm", "five thirty pm", "17:30"},
		{"at nine forty five", "at nine forty five", "09:45"},
		{"five o'clock", "five o'clock", "05:00"},
		{"seven in the evening", "seven in the evening", "19:00"},
		{"half past five", "half past five", "05:30"},
		{"quarter to six", "quarter to six", "05:45"},
		{"noon", "noon", "12:00"},
		{"midnight", "midnight", "00:00"},
		{"в 5 вечера", "в 5 вечера", "17:00"},
		{"в десять утра", "в десять утра", "10:00"},
		{"в 3 часа дня", "в 3 часа дня", "15:00"},
		{"в 11 ночи", "в 11 ночи", "23:00"},
		{"в 2 ночи", "в 2 ночи", "02:00"},
		{"в 17 30", "в 17 30", "17:30"},
		{"в 17 часов 30 минут", "в 17 часов 30 минут", "17:30"},
		{"в пять часов", "в пять часов", "05:00"},
		{"в половине шестого", "половине шестого", "05:30"},
		{"в полдень", "полдень", "12:00"},
		{"полночь", "полночь", "00:00"},
	} {
		check(t, c.text, want{TypeTime, c.match, c.clock})
	}
	// Numbers that only look like hours.
	check(t, "в 2 раза больше", want{TypeNumber, "2", 2.0})
	check(t, "at 5 percent", want{TypeNumber, "5", 5.0})
}

// A duration anchored to now is the time of day it lands on (testRef is 14:00); an unanchored duration is
// no time at all.
func TestRelativeTimes(t *testing.T) {
	for _, c := range []struct {
		text, match, clock string
	}{
		{"call me back in two hours", "in two hours", "16:00"},
		{"in 20 minutes", "in 20 minutes", "14:20"},
		{"in an hour", "in an hour", "15:00"},
		{"in half an hour", "in half an hour", "14:30"},
		{"in a quarter of an hour", "in a quarter of an hour", "14:15"},
		{"in an hour and a half", "in an hour and a half", "15:30"},
		{"in 1.5 hours", "in 1.5 hours", "15:30"},
		{"in 2 hours 30 minutes", "in 2 hours 30 minutes", "16:30"},
		{"in a couple of hours", "in a couple of hours", "16:00"},
		{"within ten minutes", "within ten minutes", "14:10"},
		{"paid two hours ago", "two hours ago", "12:00"},
		{"перезвоните через два часа", "через два часа", "16:00"},
		{"через час", "через час", "15:00"},
		{"через 20 минут", "через 20 минут", "14:20"},
		{"через полчаса", "через полчаса", "14:30"},
		{"через полтора часа", "через полтора часа", "15:30"},
		{"через час с половиной", "через час с половиной", "15:30"},
		{"через 2 часа 15 минут", "через 2 часа 15 минут", "16:15"},
		{"через пару часов", "через пару часов", "16:00"},
		{"через четверть часа", "через четверть часа", "14:15"},
		{"полчаса назад", "полчаса назад", "13:30"},
		// Past midnight the clock wraps; the date is not part of a time entity.
		{"in twelve hours", "in twelve hours", "02:00"},
	} {
		check(t, c.text, want{TypeTime, c.match, c.clock})
	}
	// The clock reading follows the reference time's zone and minutes.
	e, err := NewExtractor([]string{TypeTime}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ref := time.Date(2025, 3, 12, 23, 50, 0, 0, time.UTC)
	if got := e.Extract("через 15 минут", ref); len(got) != 1 || got[0].Value != "00:05" {
		t.Errorf("через 15 минут at 23:50: got %+v, want 00:05", got)
	}
	// Durations that are not anchored to now, and anchors that carry no duration.
	for _, text := range []string{"I waited two hours", "five hours", "пять часов", "in 30 hours", "in the morning", "in five", "через неделю"} {
		for _, g := range extractAll(t, text) {
			if g.Type == TypeTime {
				t.Errorf("%q: unexpected time %+v", text, g)
			}
		}
	}
	// "in 3 days" stays a date.
	check(t, "in 3 days", want{TypeDate, "in 3 days", "2025-03-15"})
	// Times of day next to durations keep working.
	check(t, "call me in two hours or at 5 pm", want{TypeTime, "in two hours", "16:00"}, want{TypeTime, "at 5 pm", "17:00"})
}

func TestYesNo(t *testing.T) {
	for _, c := range []struct {
		text, match string
		v           bool
	}{
		{"yes", "yes", true},
		{"Yeah sure", "Yeah", true},
		{"of course", "of course", true},
		{"of course not", "of course not", false},
		{"nope", "nope", false},
		{"no", "no", false},
		{"not really", "not really", false},
		{"да", "да", true},
		{"ну да конечно", "да", true},
		{"нет", "нет", false},
		{"не надо", "не надо", false},
		{"конечно нет", "конечно нет", false},
		{"ни в коем случае", "ни в коем случае", false},
	} {
		got := extractAll(t, c.text)
		if len(got) == 0 || got[0].Type != TypeYesNo || got[0].Text != c.match || got[0].Value != c.v {
			t.Errorf("%q: got %+v, want first yesno %q %v", c.text, got, c.match, c.v)
		}
	}
}

func TestMixedSentence(t *testing.T) {
	text := "Да, я уже оплатил 500 рублей вчера в 17:30"
	check(t, text,
		want{TypeYesNo, "Да", true},
		want{TypeMoney, "500 рублей", Money{Amount: 500, Currency: "RUB"}},
		want{TypeDate, "вчера", "2025-03-11"},
		want{TypeTime, "17:30", "17:30"},
	)
	text = "Um, I can pay twenty five dollars next friday at 5 pm"
	check(t, text,
		want{TypeMoney, "twenty five dollars", Money{Amount: 25, Currency: "USD"}},
		want{TypeDate, "next friday", "2025-03-21"},
		want{TypeTime, "at 5 pm", "17:00"},
	)
}

func TestOffsetsAreBytes(t *testing.T) {
	text := "ёлки, завтра"
	got := extractAll(t, text)
	if len(got) != 1 || got[0].Start != strings.Index(text, "завтра") || got[0].End != len(text) {
		t.Fatalf("got %+v, want byte span of завтра [%d,%d)", got, strings.Index(text, "завтра"), len(text))
	}
}

func TestLists(t *testing.T) {
	e, err := NewExtractor([]string{TypeNumber}, []List{{
		Name: "tariff",
		Values: []ListValue{
			{Value: "unlimited", Synonyms: []string{"безлимит", "безлимитный тариф", "unlimited plan"}},
			{Value: "basic", Synonyms: []string{"базовый"}},
		},
	}})
	if err != nil {
		t.Fatal(err)
	}
	text := "Хочу БЕЗЛИМИТНЫЙ тариф за 5"
	got := e.Extract(text, testRef)
	start := strings.Index(text, "БЕЗЛИМИТНЫЙ")
	wantJSON := fmt.Sprintf(`[{"type":"tariff","text":"БЕЗЛИМИТНЫЙ тариф","value":"unlimited","start":%d,"end":%d},`+
		`{"type":"number","text":"5","value":5,"start":%d,"end":%d}]`, start, start+len("БЕЗЛИМИТНЫЙ тариф"), len(text)-1, len(text))
	b, _ := json.Marshal(got)
	if string(b) != wantJSON {
		t.Fatalf("got  %s\nwant %s", b, wantJSON)
	}
	// Only the enabled built-in types are extracted.
	if got := e.Extract("завтра", testRef); len(got) != 0 {
		t.Fatalf("date extracted although disabled: %+v", got)
	}
}

func TestExtractorErrors(t *testing.T) {
	for _, c := range []struct {
		types []string
		lists []List
	}{
		{[]string{"colour"}, nil},
		{nil, []List{{Name: ""}}},
		{nil, []List{{Name: "number"}}},
		{nil, []List{{Name: "a", Values: []ListValue{{Value: ""}}}}},
		{nil, []List{{Name: "a", Values: []ListValue{{Value: "x", Synonyms: []string{"!!"}}}}}},
		{nil, []List{{Name: "a"}, {Name: "a"}}},
	} {
		if _, err := NewExtractor(c.types, c.lists); err == nil {
			t.Errorf("NewExtractor(%v, %+v): no error", c.types, c.lists)
		}
	}
	var nilExtractor *Extractor
	if got := nilExtractor.Extract("завтра", testRef); got != nil {
		t.Fatalf("nil extractor found %+v", got)
	}
}
