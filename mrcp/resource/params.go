package resource

import (
	"fmt"
	"strings"

	"github.com/mrcpd/mrcpd/mrcp"
)

// FieldCheck validates the value of one header field sent in a request and
// returns 0 when it is acceptable, or the status that rejects it: 404 for a
// syntax violation, 409 for a legal value the implementation does not
// support, 403 for a field the resource does not support.
type FieldCheck func(name, value string) int

// Params is the session parameter store of one resource channel: what
// SET-PARAMS sets, GET-PARAMS reads and every request inherits (RFC 6787
// §6.1). Vendor-Specific-Parameters are kept per attribute, so that setting
// one attribute leaves the others alone and GET-PARAMS can ask for single
// attributes by name (§6.2.16).
type Params struct {
	classify Classifier
	check    FieldCheck
	fields   mrcp.Header // every session field except Vendor-Specific-Parameters
	vendor   []mrcp.VendorParam
}

// NewParams returns a store whose session values start as initial. classify
// decides which fields are session parameters; check validates values and
// may be nil to accept every value.
func NewParams(classify Classifier, check FieldCheck, initial mrcp.Header) (*Params, error) {
	p := &Params{classify: classify, check: check}
	status, bad := p.Set(&initial)
	if status != mrcp.StatusSuccess {
		return nil, fmt.Errorf("resource: initial parameters rejected with %d: %s", status, fieldNames(bad))
	}
	return p, nil
}

// Set applies the header section of a SET-PARAMS request (RFC 6787 §6.1.1).
// It returns 200, or 201 when request-level fields were ignored; on failure
// it returns 404, 403 or 409 (in that order of precedence) with the
// offending fields exactly as sent, and changes nothing.
func (p *Params) Set(h *mrcp.Header) (int, []mrcp.Field) {
	var bad404, bad403, bad409 []mrcp.Field
	var vendor []mrcp.VendorParam
	ignored := false
	for _, f := range h.Fields() {
		scope := p.classify(f.Name)
		switch scope {
		case ScopeMessage:
			continue
		case ScopeUnsupported:
			bad403 = append(bad403, f)
			continue
		case ScopeRequest:
			ignored = true
			continue
		}
		if strings.EqualFold(f.Name, mrcp.HdrVendorSpecificParameters) {
			vp, err := mrcp.ParseVendorParams(f.Value)
			if err != nil {
				bad404 = append(bad404, f)
				continue
			}
			vendor = MergeVendorParams(vendor, vp)
			continue
		}
		switch p.checkField(f) {
		case 0:
		case mrcp.StatusUnsupportedHeader:
			bad403 = append(bad403, f)
		case mrcp.StatusUnsupportedHeaderValue:
			bad409 = append(bad409, f)
		default:
			bad404 = append(bad404, f)
		}
	}
	// RFC 6787 §6.1.1: 404 wins over everything, 403 over 409.
	switch {
	case len(bad404) > 0:
		return mrcp.StatusIllegalHeaderValue, bad404
	case len(bad403) > 0:
		return mrcp.StatusUnsupportedHeader, bad403
	case len(bad409) > 0:
		return mrcp.StatusUnsupportedHeaderValue, bad409
	}
	p.apply(h)
	p.vendor = MergeVendorParams(p.vendor, vendor)
	if ignored {
		return mrcp.StatusSuccessIgnoredHeaders, nil
	}
	return mrcp.StatusSuccess, nil
}

// apply stores the session fields of h; h has been validated.
func (p *Params) apply(h *mrcp.Header) {
	var replaced []string
	for _, f := range h.Fields() {
		if p.classify(f.Name) != ScopeSession || strings.EqualFold(f.Name, mrcp.HdrVendorSpecificParameters) {
			continue
		}
		if !repeatable(f.Name) {
			p.fields.Set(f.Name, f.Value)
			continue
		}
		// A list field sent again replaces the stored list as a whole.
		if !containsFold(replaced, f.Name) {
			p.fields.Set(f.Name, f.Value)
			replaced = append(replaced, f.Name)
			continue
		}
		p.fields.Add(f.Name, f.Value)
	}
}

// Get answers a GET-PARAMS request (RFC 6787 §6.1.2). With no parameter
// fields it returns every session parameter. Otherwise it returns each asked
// field with its value (empty when it was never set), leaves request-level
// fields out, and for Vendor-Specific-Parameters returns the attributes named
// in its value, or all of them when the value is empty. Fields the resource
// does not support make it return 403 with those fields, without values.
func (p *Params) Get(h *mrcp.Header) (int, []mrcp.Field) {
	var out, bad []mrcp.Field
	asked := false
	for _, f := range h.Fields() {
		switch p.classify(f.Name) {
		case ScopeMessage:
			continue
		case ScopeUnsupported:
			bad = append(bad, mrcp.Field{Name: f.Name})
			continue
		case ScopeRequest:
			asked = true
			continue
		}
		asked = true
		if strings.EqualFold(f.Name, mrcp.HdrVendorSpecificParameters) {
			vf, ok := p.vendorField(f)
			if !ok {
				return mrcp.StatusIllegalHeaderValue, []mrcp.Field{f}
			}
			out = append(out, vf)
			continue
		}
		out = p.appendStored(out, f.Name)
	}
	if len(bad) > 0 {
		return mrcp.StatusUnsupportedHeader, bad
	}
	if !asked {
		out = append(out, p.fields.Fields()...)
		if len(p.vendor) > 0 {
			out = append(out, mrcp.Field{Name: mrcp.HdrVendorSpecificParameters, Value: FormatVendorParams(p.vendor)})
		}
	}
	return mrcp.StatusSuccess, out
}

// appendStored appends every stored occurrence of name, spelled as the client
// asked for it, or one empty field when nothing is stored.
func (p *Params) appendStored(out []mrcp.Field, name string) []mrcp.Field {
	found := false
	for _, sf := range p.fields.Fields() {
		if strings.EqualFold(sf.Name, name) {
			out = append(out, mrcp.Field{Name: name, Value: sf.Value})
			found = true
		}
	}
	if !found {
		out = append(out, mrcp.Field{Name: name})
	}
	return out
}

func (p *Params) vendorField(f mrcp.Field) (mrcp.Field, bool) {
	names, err := ParseVendorNames(f.Value)
	if err != nil {
		return mrcp.Field{}, false
	}
	if len(names) == 0 {
		return mrcp.Field{Name: f.Name, Value: FormatVendorParams(p.vendor)}, true
	}
	var picked []mrcp.VendorParam
	for _, n := range names {
		for _, vp := range p.vendor {
			if vp.Name == n {
				picked = append(picked, vp)
				break
			}
		}
	}
	return mrcp.Field{Name: f.Name, Value: FormatVendorParams(picked)}, true
}

// Effective returns the parameters that apply to one request: the session
// parameters overridden by the request's own fields (RFC 6787 §6.1.1: session
// values "do not override parameters explicitly specified on individual
// requests"; §9.9). Message fields (Channel-Identifier, Content-*) are left
// out; any other field of the request is passed on, so that request-level
// and extension fields reach the engine. Vendor attributes merge one by one.
func (p *Params) Effective(req *mrcp.Header) (mrcp.Header, error) {
	out := p.fields.Clone()
	vendor := p.vendor
	var overridden []string
	for _, f := range req.Fields() {
		if p.classify(f.Name) == ScopeMessage {
			continue
		}
		if strings.EqualFold(f.Name, mrcp.HdrVendorSpecificParameters) {
			vp, err := mrcp.ParseVendorParams(f.Value)
			if err != nil {
				return mrcp.Header{}, err
			}
			vendor = MergeVendorParams(vendor, vp)
			continue
		}
		// The first occurrence replaces the session value in place; more
		// occurrences of a list field follow it.
		if !containsFold(overridden, f.Name) {
			out.Set(f.Name, f.Value)
			overridden = append(overridden, f.Name)
			continue
		}
		out.Add(f.Name, f.Value)
	}
	if len(vendor) > 0 {
		out.Set(mrcp.HdrVendorSpecificParameters, FormatVendorParams(vendor))
	}
	return out, nil
}

// Value returns the session value of a parameter. For
// Vendor-Specific-Parameters it is the formatted list of all attributes.
func (p *Params) Value(name string) (string, bool) {
	if strings.EqualFold(name, mrcp.HdrVendorSpecificParameters) {
		return FormatVendorParams(p.vendor), len(p.vendor) > 0
	}
	return p.fields.Get(name)
}

// Vendor returns a copy of the session's vendor attributes.
func (p *Params) Vendor() []mrcp.VendorParam {
	return append([]mrcp.VendorParam(nil), p.vendor...)
}

func (p *Params) checkField(f mrcp.Field) int {
	if p.check == nil {
		return 0
	}
	return p.check(f.Name, f.Value)
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}

func fieldNames(fields []mrcp.Field) string {
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.Name
	}
	return strings.Join(names, ", ")
}
