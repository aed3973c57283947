// Package entity finds, by rules, the entities call flows branch on: numbers, money amounts, dates, times
// and yes/no answers in English and Russian, plus campaign-specific word lists.
//
// Offsets: Entity.Start and Entity.End are byte offsets into the text given to Extract, half-open
// ([Start, End)), so text[e.Start:e.End] == e.Text. Go strings are UTF-8; a client that counts characters
// must convert (utf8.RuneCountInString(text[:e.Start])).
//
// The rules are written for recogniser output as much as for typed text: lower or mixed case, no
// punctuation, numbers as digits or as words ("twenty five", "двадцать пять").
package entity

import (
	"cmp"
	"fmt"
	"slices"
	"time"
)

// Entity types produced by the built-in rules.
const (
	// TypeNumber is a cardinal number; Value is a float64.
	TypeNumber = "number"
	// TypeMoney is an amount with a currency; Value is a Money.
	TypeMoney = "money"
	// TypeDate is a calendar date, absolute or relative to the reference time; Value is "YYYY-MM-DD".
	TypeDate = "date"
	// TypeTime is a time of day; Value is "HH:MM" (24-hour clock). A duration anchored to now ("in two
	// hours", "через 20 минут", "half an hour ago") is the time of day the reference time plus or minus the
	// duration falls on.
	TypeTime = "time"
	// TypeYesNo is an answer to a yes/no question; Value is a bool.
	TypeYesNo = "yesno"
)

// Types returns the built-in entity types.
func Types() []string { return []string{TypeNumber, TypeMoney, TypeDate, TypeTime, TypeYesNo} }

// Entity is one entity found in a text.
type Entity struct {
	// Type is one of the Type constants or the name of a List.
	Type string `json:"type"`
	// Text is the matched part of the input, exactly as it was written.
	Text string `json:"text"`
	// Value is the normalised value: float64, Money, "YYYY-MM-DD", "HH:MM", bool, or a List's value.
	Value any `json:"value"`
	// Start and End are byte offsets into the input, half-open.
	Start int `json:"start"`
	End   int `json:"end"`
}

// Money is the value of a TypeMoney entity.
type Money struct {
	Amount float64 `json:"amount"`
	// Currency is an ISO 4217 code (USD, EUR, GBP, RUB ...).
	Currency string `json:"currency"`
}

// Extractor finds entities. It is immutable and safe for concurrent use.
type Extractor struct {
	enabled map[string]bool
	lists   []compiledList
}

// NewExtractor returns an extractor for the given built-in types (nil means all of them) and lists.
func NewExtractor(types []string, lists []List) (*Extractor, error) {
	e := &Extractor{enabled: make(map[string]bool)}
	if types == nil {
		types = Types()
	}
	for _, t := range types {
		if !slices.Contains(Types(), t) {
			return nil, fmt.Errorf("entity: unknown type %q (known: %v)", t, Types())
		}
		e.enabled[t] = true
	}
	names := make(map[string]bool)
	for _, l := range lists {
		if l.Name == "" {
			return nil, fmt.Errorf("entity: list without a name")
		}
		if slices.Contains(Types(), l.Name) || names[l.Name] {
			return nil, fmt.Errorf("entity: list name %q is taken", l.Name)
		}
		names[l.Name] = true
		cl, err := compileList(l)
		if err != nil {
			return nil, err
		}
		e.lists = append(e.lists, cl)
	}
	return e, nil
}

// candidate is a possible entity over tokens [from, to).
type candidate struct {
	typ      string
	value    any
	from, to int
	priority int // higher wins between spans of equal length
}

// Extract returns the entities of text in order of position. ref resolves relative dates ("tomorrow",
// "в пятницу") and supplies the year when a date names none; its location is the one dates are meant in.
// A nil Extractor finds nothing.
func (e *Extractor) Extract(text string, ref time.Time) []Entity {
	if e == nil {
		return nil
	}
	toks := tokenize(text)
	if len(toks) == 0 {
		return nil
	}
	var cands []candidate
	for _, l := range e.lists {
		cands = l.match(toks, cands)
	}
	if e.enabled[TypeMoney] {
		cands = matchMoney(toks, cands)
	}
	if e.enabled[TypeDate] {
		cands = matchDates(toks, ref, cands)
	}
	if e.enabled[TypeTime] {
		cands = matchTimes(toks, ref, cands)
	}
	if e.enabled[TypeNumber] {
		cands = matchNumbers(toks, cands)
	}
	if e.enabled[TypeYesNo] {
		cands = matchYesNo(toks, cands)
	}
	return resolve(text, toks, cands)
}

// resolve keeps the longest candidates that do not overlap (ties go to higher priority, then to the earlier
// one) and returns them in order of position.
func resolve(text string, toks []token, cands []candidate) []Entity {
	slices.SortStableFunc(cands, func(a, b candidate) int {
		return cmp.Or(
			cmp.Compare(b.to-b.from, a.to-a.from),
			cmp.Compare(b.priority, a.priority),
			cmp.Compare(a.from, b.from),
		)
	})
	taken := make([]bool, len(toks))
	var kept []candidate
next:
	for _, c := range cands {
		for i := c.from; i < c.to; i++ {
			if taken[i] {
				continue next
			}
		}
		for i := c.from; i < c.to; i++ {
			taken[i] = true
		}
		kept = append(kept, c)
	}
	slices.SortFunc(kept, func(a, b candidate) int { return cmp.Compare(a.from, b.from) })
	out := make([]Entity, 0, len(kept))
	for _, c := range kept {
		start, end := toks[c.from].start, toks[c.to-1].end
		out = append(out, Entity{Type: c.typ, Text: text[start:end], Value: c.value, Start: start, End: end})
	}
	return out
}
