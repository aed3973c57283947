package resource

import (
	"errors"
	"fmt"
	"strings"

	"github.com/mrcpd/mrcpd/mrcp"
)

// ErrVendorNames reports a Vendor-Specific-Parameters name list that is not
// syntactically legal (status 404).
var ErrVendorNames = errors.New("vendor-specific-parameters: malformed attribute name list")

// ParseVendorNames parses the value of a Vendor-Specific-Parameters field in
// GET-PARAMS, which lists the attribute names wanted, ";"-separated (RFC 6787
// §6.2.16). A "=value" given with a name is tolerated and ignored. An empty
// value yields no names: the client wants every attribute.
func ParseVendorNames(s string) ([]string, error) {
	var out []string
	start := 0
	inQuote := false
	for i := 0; i <= len(s); i++ {
		if i < len(s) {
			switch c := s[i]; {
			case inQuote && c == '\\':
				i++ // quoted-pair: the next octet is literal
				continue
			case c == '"':
				inQuote = !inQuote
				continue
			case c != ';' || inQuote:
				continue
			}
		}
		item := strings.Trim(s[start:min(i, len(s))], " \t")
		start = i + 1
		if item == "" {
			continue
		}
		name, _, _ := strings.Cut(item, "=")
		name = strings.Trim(name, " \t")
		if name == "" || strings.ContainsAny(name, " \t\"") || hasControl(name) {
			return nil, fmt.Errorf("%w: %q", ErrVendorNames, item)
		}
		out = append(out, name)
	}
	if inQuote {
		return nil, fmt.Errorf("%w: unterminated quoted-string", ErrVendorNames)
	}
	return out, nil
}

// FormatVendorParams renders params as a Vendor-Specific-Parameters value.
func FormatVendorParams(params []mrcp.VendorParam) string {
	return string(mrcp.AppendVendorParams(nil, params))
}

// MergeVendorParams returns base with every attribute of over applied: an
// attribute already in base takes the new value in place, a new one is
// appended. Attribute names compare exactly; they are reverse domain names
// (RFC 6787 §13.1.6) and no rule folds their case.
func MergeVendorParams(base, over []mrcp.VendorParam) []mrcp.VendorParam {
	out := make([]mrcp.VendorParam, len(base), len(base)+len(over))
	copy(out, base)
	for _, p := range over {
		replaced := false
		for i := range out {
			if out[i].Name == p.Name {
				out[i].Value = p.Value
				replaced = true
				break
			}
		}
		if !replaced {
			out = append(out, p)
		}
	}
	return out
}

func hasControl(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < ' ' || c == 0x7f {
			return true
		}
	}
	return false
}
