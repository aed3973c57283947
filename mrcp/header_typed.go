package mrcp

import (
	"math"
	"strconv"
)

// Typed access to header values. Each getter reports (value, present,
// err): present is false when the field is absent, err is a *StatusError
// (404 syntax, 409 range) when it is present but unusable. Where RFC 6787
// gives the field a range, the getter enforces it.

// Int reads an integer field such as No-Input-Timeout.
func (h *Header) Int(name string) (int, bool, error) {
	v, ok := h.Get(name)
	if !ok {
		return 0, false, nil
	}
	lo, hi := uint64(0), uint64(math.MaxInt)
	if s := lookupSpec(name); s != nil && s.kind == vUint {
		lo, hi = s.imin, min(s.imax, uint64(math.MaxInt))
	}
	n, err := parseUint(name, v, lo, hi)
	if err != nil {
		return 0, true, err
	}
	return int(n), true, nil
}

// Float reads a FLOAT field such as Confidence-Threshold.
func (h *Header) Float(name string) (float64, bool, error) {
	v, ok := h.Get(name)
	if !ok {
		return 0, false, nil
	}
	signed, lo, hi := false, -math.MaxFloat64, math.MaxFloat64
	if s := lookupSpec(name); s != nil && (s.kind == vFloat || s.kind == vSignedFloat) {
		signed, lo, hi = s.kind == vSignedFloat, s.fmin, s.fmax
	} else {
		signed = true
	}
	f, err := parseFloat(name, v, signed, lo, hi)
	if err != nil {
		return 0, true, err
	}
	return f, true, nil
}

// Bool reads a BOOLEAN field such as Start-Input-Timers.
func (h *Header) Bool(name string) (bool, bool, error) {
	v, ok := h.Get(name)
	if !ok {
		return false, false, nil
	}
	b, err := parseBool(name, v)
	if err != nil {
		return false, true, err
	}
	return b, true, nil
}

// CompletionCause reads Completion-Cause.
func (h *Header) CompletionCause() (CompletionCause, bool, error) {
	v, ok := h.Get(HdrCompletionCause)
	if !ok {
		return CompletionCause{}, false, nil
	}
	c, err := ParseCompletionCause(v)
	return c, true, err
}

// ChannelID reads Channel-Identifier.
func (h *Header) ChannelID() (ChannelID, bool, error) {
	v, ok := h.Get(HdrChannelIdentifier)
	if !ok {
		return ChannelID{}, false, nil
	}
	c, err := ParseChannelID(v)
	return c, true, err
}

// RequestIDList reads Active-Request-Id-List.
func (h *Header) RequestIDList() ([]uint32, bool, error) {
	v, ok := h.Get(HdrActiveRequestIDList)
	if !ok {
		return nil, false, nil
	}
	ids, err := ParseRequestIDList(v)
	return ids, true, err
}

// VendorParams reads Vendor-Specific-Parameters; several occurrences of
// the field are concatenated in order.
func (h *Header) VendorParams() ([]VendorParam, bool, error) {
	var out []VendorParam
	present := false
	for _, f := range h.fields {
		if !equalFoldASCII(f.Name, HdrVendorSpecificParameters) {
			continue
		}
		present = true
		p, err := ParseVendorParams(f.Value)
		if err != nil {
			return nil, true, err
		}
		out = append(out, p...)
	}
	return out, present, nil
}

// SetInt sets an integer field.
func (h *Header) SetInt(name string, v int) { h.Set(name, strconv.Itoa(v)) }

// SetFloat sets a FLOAT field with the fewest digits that read back as v.
func (h *Header) SetFloat(name string, v float64) {
	h.Set(name, strconv.FormatFloat(v, 'f', -1, 64))
}

// SetBool sets a BOOLEAN field.
func (h *Header) SetBool(name string, v bool) { h.Set(name, strconv.FormatBool(v)) }

// SetCompletionCause sets Completion-Cause.
func (h *Header) SetCompletionCause(c CompletionCause) { h.Set(HdrCompletionCause, c.String()) }

// SetChannelID sets Channel-Identifier.
func (h *Header) SetChannelID(id ChannelID) { h.Set(HdrChannelIdentifier, id.String()) }

// SetRequestIDList sets Active-Request-Id-List.
func (h *Header) SetRequestIDList(ids []uint32) {
	h.Set(HdrActiveRequestIDList, string(AppendRequestIDList(nil, ids)))
}

// SetVendorParams sets Vendor-Specific-Parameters.
func (h *Header) SetVendorParams(params []VendorParam) {
	h.Set(HdrVendorSpecificParameters, string(AppendVendorParams(nil, params)))
}
