package semantic

import (
	"math"
	"strconv"
	"strings"
)

// Kind is the type of a Value.
type Kind uint8

// Value kinds. They mirror the ECMAScript values a SISR tag can produce.
const (
	KindUndefined Kind = iota
	KindNull
	KindBool
	KindNumber
	KindString
	KindObject
	KindList
)

var kindNames = [...]string{"undefined", "null", "boolean", "number", "string", "object", "list"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// Value is a node of a semantic value tree: the instance a grammar match
// produces and NLSML carries. The zero Value is undefined.
//
// Objects and lists are references, as in ECMAScript: copying a Value copies
// the reference, and Set or Append through any copy is seen by all of them.
type Value struct {
	kind Kind
	b    bool
	n    float64
	s    string
	obj  *object
	list *valueList
}

type object struct {
	keys []string
	vals map[string]Value
}

type valueList struct {
	items []Value
}

// Null returns the null value.
func Null() Value { return Value{kind: KindNull} }

// Bool returns a boolean value.
func Bool(b bool) Value { return Value{kind: KindBool, b: b} }

// Number returns a number value.
func Number(n float64) Value { return Value{kind: KindNumber, n: n} }

// String returns a string value.
func String(s string) Value { return Value{kind: KindString, s: s} }

// NewObject returns an empty object.
func NewObject() Value {
	return Value{kind: KindObject, obj: &object{vals: map[string]Value{}}}
}

// NewList returns a list holding items.
func NewList(items ...Value) Value {
	return Value{kind: KindList, list: &valueList{items: append([]Value(nil), items...)}}
}

// Kind reports the type of v.
func (v Value) Kind() Kind { return v.kind }

// IsUndefined reports whether v is the zero Value.
func (v Value) IsUndefined() bool { return v.kind == KindUndefined }

// AsBool returns the boolean and whether v is one.
func (v Value) AsBool() (bool, bool) { return v.b, v.kind == KindBool }

// AsNumber returns the number and whether v is one.
func (v Value) AsNumber() (float64, bool) { return v.n, v.kind == KindNumber }

// AsString returns the string and whether v is one.
func (v Value) AsString() (string, bool) { return v.s, v.kind == KindString }

// Get returns the property key of an object.
func (v Value) Get(key string) (Value, bool) {
	if v.kind != KindObject {
		return Value{}, false
	}
	x, ok := v.obj.vals[key]
	return x, ok
}

// Set assigns the property key of an object, keeping first-insertion order.
// It reports false when v is not an object.
func (v Value) Set(key string, x Value) bool {
	if v.kind != KindObject {
		return false
	}
	if _, ok := v.obj.vals[key]; !ok {
		v.obj.keys = append(v.obj.keys, key)
	}
	v.obj.vals[key] = x
	return true
}

// Delete removes the property key of an object.
func (v Value) Delete(key string) {
	if v.kind != KindObject {
		return
	}
	if _, ok := v.obj.vals[key]; !ok {
		return
	}
	delete(v.obj.vals, key)
	for i, k := range v.obj.keys {
		if k == key {
			v.obj.keys = append(v.obj.keys[:i], v.obj.keys[i+1:]...)
			break
		}
	}
}

// Keys returns the property names of an object in insertion order.
func (v Value) Keys() []string {
	if v.kind != KindObject {
		return nil
	}
	return append([]string(nil), v.obj.keys...)
}

// Len returns the number of properties of an object, the number of items of
// a list, or 0.
func (v Value) Len() int {
	switch v.kind {
	case KindObject:
		return len(v.obj.keys)
	case KindList:
		return len(v.list.items)
	}
	return 0
}

// Index returns item i of a list, or undefined when out of range.
func (v Value) Index(i int) Value {
	if v.kind != KindList || i < 0 || i >= len(v.list.items) {
		return Value{}
	}
	return v.list.items[i]
}

// Append adds items to a list. It reports false when v is not a list.
func (v Value) Append(items ...Value) bool {
	if v.kind != KindList {
		return false
	}
	v.list.items = append(v.list.items, items...)
	return true
}

// String converts v to text the way ECMAScript's String() does for scalars;
// objects and lists give their JSON form, which is what logs want.
func (v Value) String() string {
	switch v.kind {
	case KindUndefined:
		return "undefined"
	case KindNull:
		return "null"
	case KindBool:
		if v.b {
			return "true"
		}
		return "false"
	case KindNumber:
		return FormatNumber(v.n)
	case KindString:
		return v.s
	}
	b, _ := v.MarshalJSON()
	return string(b)
}

// FormatNumber renders n as ECMAScript's Number.prototype.toString does for
// the values grammars produce: integers without a fraction, no exponent
// below 1e21.
func FormatNumber(n float64) string {
	switch {
	case math.IsNaN(n):
		return "NaN"
	case math.IsInf(n, 1):
		return "Infinity"
	case math.IsInf(n, -1):
		return "-Infinity"
	case n == 0:
		return "0" // also for -0, as ECMAScript does
	}
	abs := math.Abs(n)
	if abs >= 1e21 || abs < 1e-6 {
		// Go pads the exponent to two digits (1e-07); ECMAScript does not.
		s := strconv.FormatFloat(n, 'e', -1, 64)
		if i := strings.LastIndexAny(s, "+-"); i > 0 && i+2 < len(s) && s[i+1] == '0' {
			s = s[:i+1] + s[i+2:]
		}
		return s
	}
	return strconv.FormatFloat(n, 'f', -1, 64)
}

// Equal reports whether a and b are the same tree: same kinds, same
// scalars, same keys in the same order, same items.
func Equal(a, b Value) bool {
	return equalDepth(a, b, 0)
}

func equalDepth(a, b Value, depth int) bool {
	if a.kind != b.kind || depth > maxValueDepth {
		return false
	}
	switch a.kind {
	case KindUndefined, KindNull:
		return true
	case KindBool:
		return a.b == b.b
	case KindNumber:
		return a.n == b.n || (math.IsNaN(a.n) && math.IsNaN(b.n))
	case KindString:
		return a.s == b.s
	case KindObject:
		if a.obj == b.obj {
			return true
		}
		if len(a.obj.keys) != len(b.obj.keys) {
			return false
		}
		for i, k := range a.obj.keys {
			if b.obj.keys[i] != k || !equalDepth(a.obj.vals[k], b.obj.vals[k], depth+1) {
				return false
			}
		}
		return true
	case KindList:
		if a.list == b.list {
			return true
		}
		if len(a.list.items) != len(b.list.items) {
			return false
		}
		for i := range a.list.items {
			if !equalDepth(a.list.items[i], b.list.items[i], depth+1) {
				return false
			}
		}
		return true
	}
	return false
}

// Clone returns a deep copy of v, so later changes to v's objects and lists
// do not show through. Trees deeper than the value limits are cut at the
// limit (a cyclic tree cannot be cloned whole).
func (v Value) Clone() Value { return cloneDepth(v, 0) }

func cloneDepth(v Value, depth int) Value {
	if depth > maxValueDepth {
		return Value{}
	}
	switch v.kind {
	case KindObject:
		c := NewObject()
		for _, k := range v.obj.keys {
			c.Set(k, cloneDepth(v.obj.vals[k], depth+1))
		}
		return c
	case KindList:
		items := make([]Value, len(v.list.items))
		for i, x := range v.list.items {
			items[i] = cloneDepth(x, depth+1)
		}
		return Value{kind: KindList, list: &valueList{items: items}}
	}
	return v
}

// Limits on a value tree. Tags can build cycles (out.self = out) and grow
// strings without bound; a result past these limits is a semantics failure
// rather than a hang when it is serialised.
const (
	maxValueDepth  = 32
	maxValueNodes  = 4096
	maxStringBytes = 64 << 10
)

// CheckLimits verifies that v is finite (not cyclic) and within the size
// limits every serialiser of a result can rely on: 32 levels, 4096 nodes,
// 64 KiB per string.
func CheckLimits(v Value) error {
	nodes := 0
	return checkTreeDepth(v, 0, &nodes)
}

func checkTreeDepth(v Value, depth int, nodes *int) error {
	*nodes++
	if *nodes > maxValueNodes {
		return errTooLarge("value has more than " + strconv.Itoa(maxValueNodes) + " nodes")
	}
	if depth > maxValueDepth {
		return errTooLarge("value is nested deeper than " + strconv.Itoa(maxValueDepth) + " levels (or is cyclic)")
	}
	switch v.kind {
	case KindString:
		if len(v.s) > maxStringBytes {
			return errTooLarge("string longer than " + strconv.Itoa(maxStringBytes) + " bytes")
		}
	case KindObject:
		for _, k := range v.obj.keys {
			if err := checkTreeDepth(v.obj.vals[k], depth+1, nodes); err != nil {
				return err
			}
		}
	case KindList:
		for _, x := range v.list.items {
			if err := checkTreeDepth(x, depth+1, nodes); err != nil {
				return err
			}
		}
	}
	return nil
}

type errTooLarge string

func (e errTooLarge) Error() string { return "semantic result too large: " + string(e) }

// truthy applies ECMAScript's ToBoolean.
func (v Value) truthy() bool {
	switch v.kind {
	case KindBool:
		return v.b
	case KindNumber:
		return v.n != 0 && !math.IsNaN(v.n)
	case KindString:
		return v.s != ""
	case KindObject, KindList:
		return true
	}
	return false
}

// toNumber applies ECMAScript's ToNumber.
func (v Value) toNumber() float64 {
	switch v.kind {
	case KindNull:
		return 0
	case KindBool:
		if v.b {
			return 1
		}
		return 0
	case KindNumber:
		return v.n
	case KindString:
		s := strings.TrimSpace(v.s)
		if s == "" {
			return 0
		}
		if f, err := strconv.ParseFloat(s, 64); err == nil {
			return f
		}
		if len(s) > 2 && (s[:2] == "0x" || s[:2] == "0X") {
			if u, err := strconv.ParseUint(s[2:], 16, 64); err == nil {
				return float64(u)
			}
		}
		return math.NaN()
	case KindList:
		if len(v.list.items) == 0 {
			return 0
		}
		if len(v.list.items) == 1 {
			return v.list.items[0].toNumber()
		}
	}
	return math.NaN()
}

// toText applies ECMAScript's ToString (objects become "[object Object]",
// lists join their items with commas).
func (v Value) toText() string {
	return v.toTextDepth(0)
}

func (v Value) toTextDepth(depth int) string {
	switch v.kind {
	case KindObject:
		return "[object Object]"
	case KindList:
		if depth > maxValueDepth {
			return ""
		}
		parts := make([]string, len(v.list.items))
		for i, x := range v.list.items {
			if x.kind == KindUndefined || x.kind == KindNull {
				continue
			}
			parts[i] = x.toTextDepth(depth + 1)
		}
		return strings.Join(parts, ",")
	}
	return v.String()
}
