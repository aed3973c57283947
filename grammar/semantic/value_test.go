package semantic

import (
	"encoding/json"
	"math"
	"testing"
)

func TestValueBasics(t *testing.T) {
	o := NewObject()
	if !o.Set("b", Number(1)) || !o.Set("a", String("x")) || !o.Set("b", Number(2)) {
		t.Fatal("Set on an object failed")
	}
	if keys := o.Keys(); len(keys) != 2 || keys[0] != "b" || keys[1] != "a" {
		t.Errorf("keys = %q, want insertion order", keys)
	}
	if v, ok := o.Get("b"); !ok || !Equal(v, Number(2)) {
		t.Errorf("Get(b) = %v", v)
	}
	o.Delete("b")
	if o.Len() != 1 || o.Keys()[0] != "a" {
		t.Errorf("after Delete: %v", o)
	}
	l := NewList(Bool(true))
	l.Append(Null())
	if l.Len() != 2 || !Equal(l.Index(1), Null()) || !l.Index(5).IsUndefined() {
		t.Errorf("list = %v", l)
	}
	if String("x").Set("k", Null()) || Number(1).Append(Null()) {
		t.Error("Set/Append succeeded on a scalar")
	}
	// Objects are references, as in ECMAScript; Clone breaks the link.
	alias := o
	clone := o.Clone()
	alias.Set("z", Bool(false))
	if _, ok := o.Get("z"); !ok {
		t.Error("copy of an object does not share it")
	}
	if _, ok := clone.Get("z"); ok {
		t.Error("Clone shares the original")
	}
	if s, ok := String("s").AsString(); !ok || s != "s" {
		t.Error("AsString")
	}
	if n, ok := Number(2).AsNumber(); !ok || n != 2 {
		t.Error("AsNumber")
	}
	if b, ok := Bool(true).AsBool(); !ok || !b {
		t.Error("AsBool")
	}
	if _, ok := String("s").AsNumber(); ok {
		t.Error("AsNumber on a string")
	}
	if Equal(Number(1), String("1")) || !Equal(Number(math.NaN()), Number(math.NaN())) {
		t.Error("Equal on scalars")
	}
	if KindList.String() != "list" || Kind(99).String() != "kind(99)" {
		t.Error("Kind names")
	}
}

func TestValueJSON(t *testing.T) {
	src := `{"z":1,"a":[true,null,"x",{"k":-2.5}],"e":{}}`
	var v Value
	if err := json.Unmarshal([]byte(src), &v); err != nil {
		t.Fatal(err)
	}
	out, err := json.Marshal(v)
	if err != nil || string(out) != src {
		t.Errorf("round trip = %s, %v", out, err)
	}
	if v.String() != src {
		t.Errorf("String() = %s", v.String())
	}
	for _, bad := range []string{`{"a":`, `[1,]`, `1 2`, `"\x"`} {
		var x Value
		if err := json.Unmarshal([]byte(bad), &x); err == nil {
			t.Errorf("Unmarshal(%q) succeeded", bad)
		}
	}
	deep := ""
	for range 40 {
		deep += "["
	}
	for range 40 {
		deep += "]"
	}
	var x Value
	if err := x.UnmarshalJSON([]byte(deep)); err == nil {
		t.Error("deep JSON accepted")
	}
	cyc := NewObject()
	cyc.Set("self", cyc)
	if _, err := cyc.MarshalJSON(); err == nil {
		t.Error("cyclic value marshalled")
	}
	if b, _ := Number(math.Inf(1)).MarshalJSON(); string(b) != "null" {
		t.Errorf("Inf = %s", b)
	}
}
