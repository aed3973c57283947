package grammar

import (
	"fmt"
	"math"
	"strings"

	"github.com/mrcpd/mrcpd/grammar/semantic"
)

// interpret replays a derivation and returns the root rule's value
// (SISR 1.0):
//
//   - each rule instance starts with out = {} and runs its tags in order;
//   - when a referenced rule ends, its value becomes rules.<name> and
//     rules.latest() of the referencing rule, its text meta.<name>.text;
//   - a rule whose out was never assigned and got no properties yields the
//     text it matched;
//   - a literal tag (semantics/1.0-literals, or a tag of no declared
//     format that does not parse as a script with an effect) assigns its
//     text to out.
func (c *Compiled) interpret(toks []string, trace []step) (semantic.Value, error) {
	join := c.joiner()
	ends := make([]int, len(trace))
	var open []int
	for i, st := range trace {
		switch st.kind {
		case stepEnter:
			open = append(open, i)
		case stepExit:
			j := open[len(open)-1]
			open = open[:len(open)-1]
			ends[j] = st.pos
		}
	}
	ev := semantic.NewInterpreter()
	for _, g := range c.globals {
		if err := ev.Run(g, nil); err != nil {
			return semantic.Value{}, fmt.Errorf("%w: grammar tag: %v", ErrSemantics, err)
		}
	}
	top := semantic.NewScope("", "")
	stack := []*semantic.Scope{top}
	for i, st := range trace {
		f := stack[len(stack)-1]
		switch st.kind {
		case stepEnter:
			stack = append(stack, semantic.NewScope(st.rule.name, strings.Join(toks[st.pos:ends[i]], join)))
		case stepExit:
			stack = stack[:len(stack)-1]
			stack[len(stack)-1].Adopt(f.Name(), f.Text(), f.Value())
		case stepValue:
			f.Adopt(st.name, strings.Join(toks[st.pos:st.end], join), st.value)
		case stepTag:
			if st.tag.script == nil {
				f.SetOut(semantic.String(st.tag.literal))
				continue
			}
			if err := ev.Run(st.tag.script, f); err != nil {
				return semantic.Value{}, fmt.Errorf("%w: rule %q: tag %q: %v", ErrSemantics, f.Name(),
					clip(strings.TrimSpace(st.tag.script.Source())), err)
			}
		}
	}
	// The synthetic top scope adopted the root rule's value.
	v := top.Latest()
	if err := semantic.CheckLimits(v); err != nil {
		return semantic.Value{}, fmt.Errorf("%w: %v", ErrSemantics, err)
	}
	return v, nil
}

// expClamp turns a log probability into a probability in [0,1].
func expClamp(logp float64) float64 {
	p := math.Exp(logp)
	if math.IsNaN(p) || p < 0 {
		return 0
	}
	return math.Min(p, 1)
}
