package semantic

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
)

// MarshalJSON encodes v with object keys in insertion order. Undefined
// becomes null; NaN and infinities, which JSON lacks, become null too.
func (v Value) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	if err := appendJSON(&buf, v, 0); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func appendJSON(buf *bytes.Buffer, v Value, depth int) error {
	if depth > maxValueDepth {
		return errTooLarge("value is nested deeper than " + strconv.Itoa(maxValueDepth) + " levels (or is cyclic)")
	}
	switch v.kind {
	case KindUndefined, KindNull:
		buf.WriteString("null")
	case KindBool:
		buf.WriteString(strconv.FormatBool(v.b))
	case KindNumber:
		if math.IsNaN(v.n) || math.IsInf(v.n, 0) {
			buf.WriteString("null")
		} else {
			buf.WriteString(strconv.FormatFloat(v.n, 'g', -1, 64))
		}
	case KindString:
		b, _ := json.Marshal(v.s)
		buf.Write(b)
	case KindObject:
		buf.WriteByte('{')
		for i, k := range v.obj.keys {
			if i > 0 {
				buf.WriteByte(',')
			}
			b, _ := json.Marshal(k)
			buf.Write(b)
			buf.WriteByte(':')
			if err := appendJSON(buf, v.obj.vals[k], depth+1); err != nil {
				return err
			}
		}
		buf.WriteByte('}')
	case KindList:
		buf.WriteByte('[')
		for i, x := range v.list.items {
			if i > 0 {
				buf.WriteByte(',')
			}
			if err := appendJSON(buf, x, depth+1); err != nil {
				return err
			}
		}
		buf.WriteByte(']')
	}
	return nil
}

// UnmarshalJSON decodes any JSON document into v, keeping object key order.
func (v *Value) UnmarshalJSON(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	x, err := decodeJSON(dec, 0)
	if err != nil {
		return err
	}
	if _, err := dec.Token(); err == nil {
		return errors.New("grammar: trailing data after JSON value")
	}
	*v = x
	return nil
}

func decodeJSON(dec *json.Decoder, depth int) (Value, error) {
	if depth > maxValueDepth {
		return Value{}, errTooLarge("JSON nested deeper than " + strconv.Itoa(maxValueDepth) + " levels")
	}
	tok, err := dec.Token()
	if err != nil {
		return Value{}, err
	}
	switch t := tok.(type) {
	case nil:
		return Null(), nil
	case bool:
		return Bool(t), nil
	case json.Number:
		f, err := strconv.ParseFloat(string(t), 64)
		if err != nil {
			return Value{}, fmt.Errorf("grammar: JSON number %q: %w", t, err)
		}
		return Number(f), nil
	case string:
		return String(t), nil
	case json.Delim:
		switch t {
		case '{':
			obj := NewObject()
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return Value{}, err
				}
				key, _ := kt.(string)
				x, err := decodeJSON(dec, depth+1)
				if err != nil {
					return Value{}, err
				}
				obj.Set(key, x)
			}
			if _, err := dec.Token(); err != nil {
				return Value{}, err
			}
			return obj, nil
		case '[':
			l := NewList()
			for dec.More() {
				x, err := decodeJSON(dec, depth+1)
				if err != nil {
					return Value{}, err
				}
				l.Append(x)
			}
			if _, err := dec.Token(); err != nil {
				return Value{}, err
			}
			return l, nil
		}
	}
	return Value{}, fmt.Errorf("grammar: unexpected JSON token %v", tok)
}
