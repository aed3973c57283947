package semantic

import (
	"math"
	"strconv"
	"strings"
)

// The standard library of the tag language: the global functions, Math,
// constructors and the methods of strings, numbers, lists and objects that
// SISR tags use.

func callGlobal(name string, args []Value) (Value, error) {
	a := arg(args, 0)
	switch name {
	case "parseInt":
		radix := 0
		if r := arg(args, 1).toNumber(); !math.IsNaN(r) && !math.IsInf(r, 0) {
			radix = int(r)
		}
		return Number(parseIntJS(a.toText(), radix)), nil
	case "parseFloat":
		return Number(parseFloatJS(a.toText())), nil
	case "Number":
		if len(args) == 0 {
			return Number(0), nil
		}
		return Number(a.toNumber()), nil
	case "String":
		if len(args) == 0 {
			return String(""), nil
		}
		return String(a.toText()), nil
	case "Boolean":
		return Bool(a.truthy()), nil
	case "isNaN":
		return Bool(math.IsNaN(a.toNumber())), nil
	case "isFinite":
		n := a.toNumber()
		return Bool(!math.IsNaN(n) && !math.IsInf(n, 0)), nil
	}
	return Value{}, evalErrorf("%s is not a function", name)
}

func callMath(name string, args []Value) (Value, error) {
	n := arg(args, 0).toNumber()
	switch name {
	case "floor":
		return Number(math.Floor(n)), nil
	case "ceil":
		return Number(math.Ceil(n)), nil
	case "round":
		return Number(math.Floor(n + 0.5)), nil
	case "abs":
		return Number(math.Abs(n)), nil
	case "min", "max":
		if len(args) == 0 {
			if name == "min" {
				return Number(math.Inf(1)), nil
			}
			return Number(math.Inf(-1)), nil
		}
		r := args[0].toNumber()
		for _, a := range args[1:] {
			x := a.toNumber()
			if math.IsNaN(x) || math.IsNaN(r) {
				r = math.NaN()
			} else if (name == "min" && x < r) || (name == "max" && x > r) {
				r = x
			}
		}
		return Number(r), nil
	}
	return Value{}, evalErrorf("Math.%s is not supported", name)
}

func callMethod(obj Value, name string, args []Value) (Value, error) {
	switch obj.kind {
	case KindString:
		return stringMethod(obj.s, name, args)
	case KindNumber:
		switch name {
		case "toString":
			return String(FormatNumber(obj.n)), nil
		case "toFixed":
			d := int(arg(args, 0).toNumber())
			if d < 0 || d > 20 {
				return Value{}, evalErrorf("toFixed digits out of range")
			}
			return String(strconv.FormatFloat(obj.n, 'f', d, 64)), nil
		}
	case KindBool:
		if name == "toString" {
			return String(obj.String()), nil
		}
	case KindList:
		switch name {
		case "push":
			if obj.Len()+len(args) > maxValueNodes {
				return Value{}, evalErrorf("list grows past %d items", maxValueNodes)
			}
			obj.Append(args...)
			return Number(float64(obj.Len())), nil
		case "pop":
			n := obj.Len()
			if n == 0 {
				return Value{}, nil
			}
			last := obj.list.items[n-1]
			obj.list.items = obj.list.items[:n-1]
			return last, nil
		case "join":
			sep := ","
			if len(args) > 0 && args[0].kind != KindUndefined {
				sep = args[0].toText()
			}
			parts := make([]string, obj.Len())
			for i, it := range obj.list.items {
				if it.kind != KindUndefined && it.kind != KindNull {
					parts[i] = it.toText()
				}
			}
			return checkedString(strings.Join(parts, sep))
		case "concat":
			items := append([]Value(nil), obj.list.items...)
			for _, a := range args {
				if a.kind == KindList {
					items = append(items, a.list.items...)
				} else {
					items = append(items, a)
				}
			}
			if len(items) > maxValueNodes {
				return Value{}, evalErrorf("list grows past %d items", maxValueNodes)
			}
			return NewList(items...), nil
		case "indexOf":
			for i, it := range obj.list.items {
				if strictEqual(it, arg(args, 0)) {
					return Number(float64(i)), nil
				}
			}
			return Number(-1), nil
		case "toString":
			return String(obj.toText()), nil
		}
	case KindObject:
		switch name {
		case "hasOwnProperty":
			_, ok := obj.Get(arg(args, 0).toText())
			return Bool(ok), nil
		case "toString":
			return String(obj.toText()), nil
		}
	case KindUndefined, KindNull:
		return Value{}, evalErrorf("cannot call %s on %s", name, obj.kind)
	}
	return Value{}, evalErrorf("%s.%s is not a function", obj.kind, name)
}

func stringMethod(s, name string, args []Value) (Value, error) {
	switch name {
	case "toString", "valueOf":
		return String(s), nil
	case "toLowerCase":
		return String(strings.ToLower(s)), nil
	case "toUpperCase":
		return String(strings.ToUpper(s)), nil
	case "trim":
		return String(strings.TrimSpace(s)), nil
	case "charAt":
		rs := []rune(s)
		i := int(arg(args, 0).toNumber())
		if i < 0 || i >= len(rs) {
			return String(""), nil
		}
		return String(string(rs[i])), nil
	case "indexOf":
		i := strings.Index(s, arg(args, 0).toText())
		if i < 0 {
			return Number(-1), nil
		}
		return Number(float64(len([]rune(s[:i])))), nil
	case "substring", "substr", "slice":
		rs := []rune(s)
		n := len(rs)
		clampIndex := func(v Value, def int) int {
			if v.kind == KindUndefined {
				return def
			}
			x := v.toNumber()
			if math.IsNaN(x) {
				return 0
			}
			if name == "slice" && x < 0 {
				x += float64(n)
			}
			return int(math.Max(0, math.Min(float64(n), x)))
		}
		start := clampIndex(arg(args, 0), 0)
		var end int
		if name == "substr" {
			length := arg(args, 1)
			end = n
			if length.kind != KindUndefined {
				end = start + int(math.Max(0, math.Min(float64(n), length.toNumber())))
			}
			end = min(end, n)
		} else {
			end = clampIndex(arg(args, 1), n)
		}
		if name == "substring" && start > end {
			start, end = end, start
		}
		if start > end {
			return String(""), nil
		}
		return String(string(rs[start:end])), nil
	case "concat":
		var sb strings.Builder
		sb.WriteString(s)
		for _, a := range args {
			sb.WriteString(a.toText())
		}
		return checkedString(sb.String())
	case "replace":
		return checkedString(strings.Replace(s, arg(args, 0).toText(), arg(args, 1).toText(), 1))
	case "split":
		if arg(args, 0).kind == KindUndefined {
			return NewList(String(s)), nil
		}
		parts := strings.Split(s, arg(args, 0).toText())
		if len(parts) > maxValueNodes {
			return Value{}, evalErrorf("split gives more than %d parts", maxValueNodes)
		}
		items := make([]Value, len(parts))
		for i, p := range parts {
			items[i] = String(p)
		}
		return NewList(items...), nil
	}
	return Value{}, evalErrorf("string.%s is not a function", name)
}

func checkedString(s string) (Value, error) {
	if len(s) > maxStringBytes {
		return Value{}, evalErrorf("string grows past %d bytes", maxStringBytes)
	}
	return String(s), nil
}

func (ev *Interpreter) construct(e newExpr, f *Scope) (Value, error) {
	args, err := ev.args(e.args, f)
	if err != nil {
		return Value{}, err
	}
	switch e.ctor {
	case "Object":
		return NewObject(), nil
	case "Array":
		if len(args) == 1 && args[0].kind == KindNumber {
			n := args[0].n
			if n < 0 || n > maxValueNodes || n != math.Trunc(n) {
				return Value{}, evalErrorf("invalid array length %v", n)
			}
			return NewList(make([]Value, int(n))...), nil
		}
		return NewList(args...), nil
	case "String":
		return String(arg(args, 0).toText()), nil
	case "Number":
		return Number(arg(args, 0).toNumber()), nil
	case "Boolean":
		return Bool(arg(args, 0).truthy()), nil
	}
	return Value{}, evalErrorf("new %s is not supported", e.ctor)
}

// parseIntJS implements the ECMAScript parseInt prefix rule.
func parseIntJS(s string, radix int) float64 {
	s = strings.TrimSpace(s)
	sign := 1.0
	if s != "" && (s[0] == '-' || s[0] == '+') {
		if s[0] == '-' {
			sign = -1
		}
		s = s[1:]
	}
	if radix == 0 {
		radix = 10
		if len(s) > 1 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') {
			radix, s = 16, s[2:]
		}
	} else if radix == 16 && len(s) > 1 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') {
		s = s[2:]
	}
	if radix < 2 || radix > 36 {
		return math.NaN()
	}
	n, seen := 0.0, false
	for _, r := range s {
		d := 99
		switch {
		case r >= '0' && r <= '9':
			d = int(r - '0')
		case r >= 'a' && r <= 'z':
			d = int(r-'a') + 10
		case r >= 'A' && r <= 'Z':
			d = int(r-'A') + 10
		}
		if d >= radix {
			break
		}
		n = n*float64(radix) + float64(d)
		seen = true
	}
	if !seen {
		return math.NaN()
	}
	return sign * n
}

// parseFloatJS implements the ECMAScript parseFloat prefix rule.
func parseFloatJS(s string) float64 {
	s = strings.TrimSpace(s)
	end := 0
	seenDigit, seenDot, seenExp := false, false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			seenDigit = true
			end = i + 1
		case (c == '+' || c == '-') && (i == 0 || s[i-1] == 'e' || s[i-1] == 'E'):
		case c == '.' && !seenDot && !seenExp:
			seenDot = true
			if seenDigit {
				end = i + 1
			}
		case (c == 'e' || c == 'E') && seenDigit && !seenExp:
			seenExp = true
		default:
			i = len(s)
		}
	}
	if !seenDigit {
		if strings.HasPrefix(strings.TrimLeft(s, "+-"), "Infinity") {
			if strings.HasPrefix(s, "-") {
				return math.Inf(-1)
			}
			return math.Inf(1)
		}
		return math.NaN()
	}
	f, err := strconv.ParseFloat(strings.TrimRight(s[:end], "eE+-"), 64)
	if err != nil {
		return math.NaN()
	}
	return f
}
