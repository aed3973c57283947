package semantic

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Scope is the evaluation state of one matched rule (SISR 1.0): its rule
// variable out, its local variables, and what the rules it referenced
// produced.
type Scope struct {
	name     string
	out      Value
	assigned bool // out itself was assigned (not just given properties)
	text     string
	vars     map[string]Value

	children   map[string]Value  // rules.NAME: latest value of child rule NAME
	childText  map[string]string // meta.NAME.text
	latest     Value             // rules.latest()
	latestText string
	hasLatest  bool
}

// NewScope starts the scope of a rule named name that matched text; its
// rule variable starts as an empty object.
func NewScope(name, text string) *Scope {
	return &Scope{name: name, out: NewObject(), text: text}
}

// Name returns the rule name.
func (f *Scope) Name() string { return f.name }

// Text returns the text the rule matched.
func (f *Scope) Text() string { return f.text }

// SetOut assigns the rule variable, as a literal tag does.
func (f *Scope) SetOut(v Value) { f.out, f.assigned = v, true }

// Value is the rule variable as the referencing rule sees it: out, or the
// matched text when out was never assigned and got no properties.
func (f *Scope) Value() Value {
	if !f.assigned && f.out.kind == KindObject && f.out.Len() == 0 {
		return String(f.text)
	}
	return f.out
}

// Latest returns the value of the referenced rule that ended last
// (rules.latest()), undefined when none has.
func (f *Scope) Latest() Value { return f.latest }

// Adopt records the value of a referenced rule that just ended: it becomes
// rules.<name> and rules.latest(), its text meta.<name>.text.
func (f *Scope) Adopt(name, text string, v Value) {
	if f.children == nil {
		f.children = map[string]Value{}
		f.childText = map[string]string{}
	}
	f.children[name] = v
	f.childText[name] = text
	f.latest, f.latestText, f.hasLatest = v, text, true
}

// Interpreter runs tag scripts. One Interpreter serves one match: it holds
// the variables grammar-level tags declare and the step budget.
type Interpreter struct {
	globals map[string]Value
	steps   int
	limit   int // maxScriptSteps when zero
}

// NewInterpreter returns an interpreter with no variables.
func NewInterpreter() *Interpreter { return &Interpreter{globals: map[string]Value{}} }

// maxScriptSteps bounds the work of all tags of one match; scripts cannot
// loop, so only a pathological grammar gets near it.
const maxScriptSteps = 200000

// ErrBudget reports that the tags of one match did too much work.
var ErrBudget = errors.New("tag evaluation exceeded its step budget")

type scriptError struct{ msg string }

func (e *scriptError) Error() string { return e.msg }

func evalErrorf(format string, args ...any) error {
	return &scriptError{msg: fmt.Sprintf(format, args...)}
}

// Run executes s in a rule scope, or at grammar level when f is nil (its
// variables are then visible to every rule). Errors are runtime errors of
// the script or ErrBudget.
func (ev *Interpreter) Run(s *Script, f *Scope) error {
	return ev.block(s.stmts, f)
}

func (ev *Interpreter) block(stmts []stmt, f *Scope) error {
	for _, st := range stmts {
		if err := ev.stmt(st, f); err != nil {
			return err
		}
	}
	return nil
}

func (ev *Interpreter) stmt(st stmt, f *Scope) error {
	switch s := st.(type) {
	case exprStmt:
		_, err := ev.eval(s.x, f)
		return err
	case varStmt:
		for i, name := range s.names {
			v := Value{}
			if s.inits[i] != nil {
				x, err := ev.eval(s.inits[i], f)
				if err != nil {
					return err
				}
				v = x
			} else if old, ok := ev.lookupVar(name, f); ok {
				v = old
			}
			ev.declare(name, v, f)
		}
		return nil
	case ifStmt:
		c, err := ev.eval(s.cond, f)
		if err != nil {
			return err
		}
		if c.truthy() {
			return ev.block(s.then, f)
		}
		return ev.block(s.els, f)
	case blockStmt:
		return ev.block(s.body, f)
	}
	return evalErrorf("unknown statement")
}

// declare creates a variable: in the rule scope, or globally when the
// script runs at grammar level (f == nil).
func (ev *Interpreter) declare(name string, v Value, f *Scope) {
	if f == nil {
		ev.globals[name] = v
		return
	}
	if f.vars == nil {
		f.vars = map[string]Value{}
	}
	f.vars[name] = v
}

func (ev *Interpreter) lookupVar(name string, f *Scope) (Value, bool) {
	if f != nil {
		if v, ok := f.vars[name]; ok {
			return v, true
		}
	}
	v, ok := ev.globals[name]
	return v, ok
}

func (ev *Interpreter) eval(x expr, f *Scope) (Value, error) {
	ev.steps++
	if ev.steps > maxScriptSteps || (ev.limit > 0 && ev.steps > ev.limit) {
		return Value{}, ErrBudget
	}
	switch e := x.(type) {
	case litExpr:
		return e.v, nil
	case objExpr:
		o := NewObject()
		for i, k := range e.keys {
			v, err := ev.eval(e.vals[i], f)
			if err != nil {
				return Value{}, err
			}
			o.Set(k, v)
		}
		return o, nil
	case arrExpr:
		items := make([]Value, 0, len(e.items))
		for _, it := range e.items {
			v, err := ev.eval(it, f)
			if err != nil {
				return Value{}, err
			}
			items = append(items, v)
		}
		return NewList(items...), nil
	case identExpr:
		return ev.ident(e.name, f)
	case memberExpr:
		return ev.member(e, f)
	case indexExpr:
		obj, err := ev.eval(e.obj, f)
		if err != nil {
			return Value{}, err
		}
		idx, err := ev.eval(e.index, f)
		if err != nil {
			return Value{}, err
		}
		return property(obj, idx.toText())
	case callExpr:
		return ev.call(e, f)
	case newExpr:
		return ev.construct(e, f)
	case unaryExpr:
		return ev.unary(e, f)
	case binaryExpr:
		return ev.binary(e, f)
	case condExpr:
		c, err := ev.eval(e.cond, f)
		if err != nil {
			return Value{}, err
		}
		if c.truthy() {
			return ev.eval(e.then, f)
		}
		return ev.eval(e.els, f)
	case assignExpr:
		return ev.assign(e, f)
	case updateExpr:
		old, err := ev.eval(e.target, f)
		if err != nil {
			return Value{}, err
		}
		n := old.toNumber()
		nv := n + 1
		if e.op == "--" {
			nv = n - 1
		}
		if err := ev.store(e.target, Number(nv), f); err != nil {
			return Value{}, err
		}
		if e.prefix {
			return Number(nv), nil
		}
		return Number(n), nil
	}
	return Value{}, evalErrorf("unknown expression")
}

func (ev *Interpreter) ident(name string, f *Scope) (Value, error) {
	switch name {
	case "out":
		if f == nil {
			return Value{}, evalErrorf("out is not defined outside a rule")
		}
		return f.out, nil
	case "undefined":
		return Value{}, nil
	case "NaN":
		return Number(math.NaN()), nil
	case "Infinity":
		return Number(math.Inf(1)), nil
	case "rules", "meta", "Math":
		return Value{}, evalErrorf("%s cannot be used as a value", name)
	}
	if v, ok := ev.lookupVar(name, f); ok {
		return v, nil
	}
	return Value{}, evalErrorf("%s is not defined", name)
}

func isIdent(x expr, name string) bool {
	id, ok := x.(identExpr)
	return ok && id.name == name
}

func metaObject(text string) Value {
	o := NewObject()
	o.Set("text", String(text))
	o.Set("score", Number(1))
	return o
}

func (ev *Interpreter) member(e memberExpr, f *Scope) (Value, error) {
	switch {
	case isIdent(e.obj, "rules"):
		if f == nil {
			return Value{}, evalErrorf("rules is not defined outside a rule")
		}
		if e.name == "latest" {
			return Value{}, evalErrorf("rules.latest must be called")
		}
		return f.children[e.name], nil
	case isIdent(e.obj, "meta"):
		if f == nil {
			return Value{}, evalErrorf("meta is not defined outside a rule")
		}
		if e.name == "current" || e.name == "latest" {
			return Value{}, evalErrorf("meta.%s must be called", e.name)
		}
		if t, ok := f.childText[e.name]; ok {
			return metaObject(t), nil
		}
		return Value{}, nil
	case isIdent(e.obj, "Math"):
		switch e.name {
		case "PI":
			return Number(math.Pi), nil
		case "E":
			return Number(math.E), nil
		}
		return Value{}, evalErrorf("Math.%s is not supported", e.name)
	}
	obj, err := ev.eval(e.obj, f)
	if err != nil {
		return Value{}, err
	}
	return property(obj, e.name)
}

// property reads obj[name] with ECMAScript's rules for the kinds we have.
func property(obj Value, name string) (Value, error) {
	switch obj.kind {
	case KindUndefined, KindNull:
		return Value{}, evalErrorf("cannot read property %q of %s", name, obj.kind)
	case KindObject:
		v, _ := obj.Get(name)
		return v, nil
	case KindList:
		if name == "length" {
			return Number(float64(obj.Len())), nil
		}
		if i, err := strconv.Atoi(name); err == nil {
			return obj.Index(i), nil
		}
	case KindString:
		if name == "length" {
			return Number(float64(len([]rune(obj.s)))), nil
		}
		if i, err := strconv.Atoi(name); err == nil {
			rs := []rune(obj.s)
			if i >= 0 && i < len(rs) {
				return String(string(rs[i])), nil
			}
		}
	}
	return Value{}, nil
}

func (ev *Interpreter) args(list []expr, f *Scope) ([]Value, error) {
	out := make([]Value, len(list))
	for i, a := range list {
		v, err := ev.eval(a, f)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

func arg(args []Value, i int) Value {
	if i < len(args) {
		return args[i]
	}
	return Value{}
}

func (ev *Interpreter) call(e callExpr, f *Scope) (Value, error) {
	args, err := ev.args(e.args, f)
	if err != nil {
		return Value{}, err
	}
	switch fn := e.fn.(type) {
	case identExpr:
		return callGlobal(fn.name, args)
	case memberExpr:
		switch {
		case isIdent(fn.obj, "rules"):
			if f == nil || fn.name != "latest" {
				return Value{}, evalErrorf("rules.%s is not a function", fn.name)
			}
			return f.latest, nil
		case isIdent(fn.obj, "meta"):
			if f == nil {
				return Value{}, evalErrorf("meta is not defined outside a rule")
			}
			switch fn.name {
			case "current":
				return metaObject(f.text), nil
			case "latest":
				if !f.hasLatest {
					return Value{}, nil
				}
				return metaObject(f.latestText), nil
			}
			return Value{}, evalErrorf("meta.%s is not a function", fn.name)
		case isIdent(fn.obj, "Math"):
			return callMath(fn.name, args)
		}
		obj, err := ev.eval(fn.obj, f)
		if err != nil {
			return Value{}, err
		}
		return callMethod(obj, fn.name, args)
	}
	return Value{}, evalErrorf("expression is not a function")
}

func (ev *Interpreter) unary(e unaryExpr, f *Scope) (Value, error) {
	if e.op == "typeof" {
		if id, ok := e.x.(identExpr); ok {
			if _, known := ev.lookupVar(id.name, f); !known && id.name != "out" {
				return String("undefined"), nil
			}
		}
		v, err := ev.eval(e.x, f)
		if err != nil {
			return Value{}, err
		}
		switch v.kind {
		case KindUndefined:
			return String("undefined"), nil
		case KindBool:
			return String("boolean"), nil
		case KindNumber:
			return String("number"), nil
		case KindString:
			return String("string"), nil
		}
		return String("object"), nil
	}
	v, err := ev.eval(e.x, f)
	if err != nil {
		return Value{}, err
	}
	switch e.op {
	case "!":
		return Bool(!v.truthy()), nil
	case "-":
		return Number(-v.toNumber()), nil
	}
	return Number(v.toNumber()), nil
}

func (ev *Interpreter) binary(e binaryExpr, f *Scope) (Value, error) {
	x, err := ev.eval(e.x, f)
	if err != nil {
		return Value{}, err
	}
	switch e.op {
	case "&&":
		if !x.truthy() {
			return x, nil
		}
		return ev.eval(e.y, f)
	case "||":
		if x.truthy() {
			return x, nil
		}
		return ev.eval(e.y, f)
	}
	y, err := ev.eval(e.y, f)
	if err != nil {
		return Value{}, err
	}
	return applyBinary(e.op, x, y)
}

func applyBinary(op string, x, y Value) (Value, error) {
	switch op {
	case ",":
		return y, nil
	case "+":
		if x.kind == KindString || y.kind == KindString || x.kind == KindObject || y.kind == KindObject ||
			x.kind == KindList || y.kind == KindList {
			return checkedString(x.toText() + y.toText())
		}
		return Number(x.toNumber() + y.toNumber()), nil
	case "-":
		return Number(x.toNumber() - y.toNumber()), nil
	case "*":
		return Number(x.toNumber() * y.toNumber()), nil
	case "/":
		return Number(x.toNumber() / y.toNumber()), nil
	case "%":
		return Number(math.Mod(x.toNumber(), y.toNumber())), nil
	case "==":
		return Bool(looseEqual(x, y)), nil
	case "!=":
		return Bool(!looseEqual(x, y)), nil
	case "===":
		return Bool(strictEqual(x, y)), nil
	case "!==":
		return Bool(!strictEqual(x, y)), nil
	case "<", ">", "<=", ">=":
		if x.kind == KindString && y.kind == KindString {
			c := strings.Compare(x.s, y.s)
			switch op {
			case "<":
				return Bool(c < 0), nil
			case ">":
				return Bool(c > 0), nil
			case "<=":
				return Bool(c <= 0), nil
			}
			return Bool(c >= 0), nil
		}
		a, b := x.toNumber(), y.toNumber()
		switch op {
		case "<":
			return Bool(a < b), nil
		case ">":
			return Bool(a > b), nil
		case "<=":
			return Bool(a <= b), nil
		}
		return Bool(a >= b), nil
	}
	return Value{}, evalErrorf("unknown operator %s", op)
}

func strictEqual(x, y Value) bool {
	if x.kind != y.kind {
		return false
	}
	switch x.kind {
	case KindUndefined, KindNull:
		return true
	case KindBool:
		return x.b == y.b
	case KindNumber:
		return x.n == y.n
	case KindString:
		return x.s == y.s
	case KindObject:
		return x.obj == y.obj
	case KindList:
		return x.list == y.list
	}
	return false
}

func looseEqual(x, y Value) bool {
	nullish := func(v Value) bool { return v.kind == KindUndefined || v.kind == KindNull }
	switch {
	case x.kind == y.kind:
		return strictEqual(x, y)
	case nullish(x) || nullish(y):
		return nullish(x) && nullish(y)
	case x.kind == KindObject || x.kind == KindList:
		return x.toText() == y.toText()
	case y.kind == KindObject || y.kind == KindList:
		return x.toText() == y.toText()
	}
	return x.toNumber() == y.toNumber()
}

func (ev *Interpreter) assign(e assignExpr, f *Scope) (Value, error) {
	v, err := ev.eval(e.value, f)
	if err != nil {
		return Value{}, err
	}
	if e.op != "=" {
		old, err := ev.eval(e.target, f)
		if err != nil {
			return Value{}, err
		}
		v, err = applyBinary(e.op[:1], old, v)
		if err != nil {
			return Value{}, err
		}
	}
	return v, ev.store(e.target, v, f)
}

func (ev *Interpreter) store(target expr, v Value, f *Scope) error {
	switch t := target.(type) {
	case identExpr:
		switch t.name {
		case "out":
			if f == nil {
				return evalErrorf("out is not defined outside a rule")
			}
			f.out, f.assigned = v, true
			return nil
		case "rules", "meta", "Math", "undefined", "NaN", "Infinity":
			return evalErrorf("cannot assign to %s", t.name)
		}
		if f != nil {
			if _, ok := f.vars[t.name]; ok {
				f.vars[t.name] = v
				return nil
			}
		}
		if _, ok := ev.globals[t.name]; ok {
			ev.globals[t.name] = v
			return nil
		}
		ev.declare(t.name, v, f)
		return nil
	case memberExpr:
		if isIdent(t.obj, "rules") || isIdent(t.obj, "meta") || isIdent(t.obj, "Math") {
			return evalErrorf("cannot assign to properties of %s", t.obj.(identExpr).name)
		}
		obj, err := ev.eval(t.obj, f)
		if err != nil {
			return err
		}
		return setProperty(obj, t.name, v)
	case indexExpr:
		obj, err := ev.eval(t.obj, f)
		if err != nil {
			return err
		}
		idx, err := ev.eval(t.index, f)
		if err != nil {
			return err
		}
		if obj.kind == KindList && idx.kind == KindNumber {
			i := idx.n
			if i < 0 || i != math.Trunc(i) || i >= maxValueNodes {
				return evalErrorf("invalid list index %v", i)
			}
			for obj.Len() <= int(i) {
				obj.Append(Value{})
			}
			obj.list.items[int(i)] = v
			return nil
		}
		return setProperty(obj, idx.toText(), v)
	}
	return evalErrorf("invalid assignment target")
}

func setProperty(obj Value, name string, v Value) error {
	switch obj.kind {
	case KindObject:
		if obj.Len() >= maxValueNodes {
			return evalErrorf("object grows past %d properties", maxValueNodes)
		}
		obj.Set(name, v)
		return nil
	case KindUndefined, KindNull:
		return evalErrorf("cannot set property %q of %s", name, obj.kind)
	}
	// ECMAScript ignores property writes on primitives outside strict mode.
	return nil
}
