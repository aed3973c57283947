package entity

import (
	"strings"
	"testing"
	"time"
)

func FuzzExtract(f *testing.F) {
	for _, s := range []string{
		"i already paid $25 yesterday at 5 pm",
		"да я заплачу полторы тысячи рублей в следующую пятницу в 17 30",
		"5-го апреля 2026 года", "01.07.2025 17:30 2025-07-01", "half past five quarter to six",
		"one hundred and five thousand", "1,500.25 2,5 1/2", "$ € £ ₽", "двадцать пятого декабря",
		"в половине шестого", "a a a hundred", "через 99999999999 дней", "ии\u0306",
		"call me back in an hour and a half", "через 2 часа 15 минут", "полчаса назад", "in a quarter of an hour ago",
		"in 99999999999 minutes", "half half an hour",
	} {
		f.Add(s)
	}
	e, err := NewExtractor(nil, []List{{Name: "tariff", Values: []ListValue{{Value: "max", Synonyms: []string{"максимум", "max plan"}}}}})
	if err != nil {
		f.Fatal(err)
	}
	ref := time.Date(2025, 3, 12, 14, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, text string) {
		ents := e.Extract(text, ref)
		end := 0
		for _, en := range ents {
			if en.Start < end || en.End <= en.Start || en.End > len(text) {
				t.Fatalf("bad span [%d,%d) after %d in %q", en.Start, en.End, end, text)
			}
			if text[en.Start:en.End] != en.Text {
				t.Fatalf("Text %q does not match span", en.Text)
			}
			end = en.End
			switch v := en.Value.(type) {
			case string:
				if en.Type == TypeDate {
					if _, err := time.Parse(time.DateOnly, v); err != nil {
						t.Fatalf("date %q: %v", v, err)
					}
				}
				if en.Type == TypeTime {
					if _, err := time.Parse("15:04", v); err != nil {
						t.Fatalf("time %q: %v", v, err)
					}
				}
			case Money:
				if strings.TrimSpace(v.Currency) == "" {
					t.Fatal("money without currency")
				}
			}
		}
	})
}
