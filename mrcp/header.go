package mrcp

// Get returns the value of the first field called name. Names compare
// case-insensitively (RFC 6787 §5.1 follows RFC 5322 field-name rules).
func (h *Header) Get(name string) (string, bool) {
	for i := range h.fields {
		if equalFoldASCII(h.fields[i].Name, name) {
			return h.fields[i].Value, true
		}
	}
	return "", false
}

// Set replaces every field called name by one field with value, keeping the
// position of the first occurrence, or appends it when there is none.
func (h *Header) Set(name, value string) {
	found := false
	out := h.fields[:0]
	for _, f := range h.fields {
		if equalFoldASCII(f.Name, name) {
			if found {
				continue
			}
			found = true
			f = Field{Name: name, Value: value}
		}
		out = append(out, f)
	}
	// Clear the tail so dropped strings can be collected.
	clear(h.fields[len(out):])
	h.fields = out
	if !found {
		h.fields = append(h.fields, Field{Name: name, Value: value})
	}
}

// Add appends a field, even if one with the same name exists.
func (h *Header) Add(name, value string) {
	h.fields = append(h.fields, Field{Name: name, Value: value})
}

// Del removes every field called name.
func (h *Header) Del(name string) {
	out := h.fields[:0]
	for _, f := range h.fields {
		if !equalFoldASCII(f.Name, name) {
			out = append(out, f)
		}
	}
	clear(h.fields[len(out):])
	h.fields = out
}

// Has reports whether a field called name is present.
func (h *Header) Has(name string) bool {
	_, ok := h.Get(name)
	return ok
}

// Len is the number of fields, counting repeated names separately.
func (h *Header) Len() int { return len(h.fields) }

// Fields returns the fields in wire order. The slice is shared with the
// Header, so the caller must not modify it.
func (h *Header) Fields() []Field { return h.fields }

// Reset removes all fields but keeps the storage for reuse.
func (h *Header) Reset() {
	clear(h.fields)
	h.fields = h.fields[:0]
}

// Clone returns a deep copy whose storage is independent of h.
func (h *Header) Clone() Header {
	if h.fields == nil {
		return Header{}
	}
	fields := make([]Field, len(h.fields))
	copy(fields, h.fields)
	return Header{fields: fields}
}

// equalFoldASCII compares header names without allocating. Header names are
// tokens (ASCII), so Unicode case folding is unnecessary.
func equalFoldASCII(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		ca, cb := a[i], b[i]
		if ca == cb {
			continue
		}
		if 'A' <= ca && ca <= 'Z' {
			ca += 'a' - 'A'
		}
		if 'A' <= cb && cb <= 'Z' {
			cb += 'a' - 'A'
		}
		if ca != cb {
			return false
		}
	}
	return true
}
