package mrcp

import (
	"mime"
	"strconv"
	"strings"
)

// Parsers for the value grammars of RFC 6787 §6.2 and §8-§11. Each takes
// the field name only to put it in the *StatusError it returns.

// parseUint parses 1*19DIGIT and checks lo <= v <= hi. A value that is
// syntactically fine but out of range is a 409 (RFC 6787 §5.4), a syntax
// violation a 404.
func parseUint(name, s string, lo, hi uint64) (uint64, error) {
	s = trimWSP(s)
	v, ok := parseDigits(s, 19)
	if !ok {
		if s != "" && allDigitsString(s) {
			return 0, unsupportedValue(name, "integer too large")
		}
		return 0, illegalValue(name, "want 1*19DIGIT")
	}
	if v < lo || v > hi {
		return 0, unsupportedValue(name, "integer out of range "+strconv.FormatUint(lo, 10)+".."+strconv.FormatUint(hi, 10))
	}
	return v, nil
}

// parseFloat parses FLOAT = *DIGIT ["." *DIGIT] (RFC 6787 §15), with an
// optional leading "-" when signed, and checks lo <= v <= hi.
func parseFloat(name, s string, signed bool, lo, hi float64) (float64, error) {
	s = trimWSP(s)
	body := s
	if signed && strings.HasPrefix(body, "-") {
		body = body[1:]
	}
	digits, dots, other := 0, 0, false
	for i := 0; i < len(body); i++ {
		switch c := body[i]; {
		case isDigit(c):
			digits++
		case c == '.':
			dots++
		default:
			other = true
		}
	}
	if digits == 0 || dots > 1 || other {
		return 0, illegalValue(name, "want a decimal number such as 0.5")
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, illegalValue(name, "want a decimal number such as 0.5")
	}
	if v < lo || v > hi {
		return 0, unsupportedValue(name, "number out of range "+strconv.FormatFloat(lo, 'f', -1, 64)+".."+strconv.FormatFloat(hi, 'f', -1, 64))
	}
	return v, nil
}

// parseBool parses BOOLEAN = "true" / "false" (case-insensitive, as ABNF
// literals are).
func parseBool(name, s string) (bool, error) {
	s = trimWSP(s)
	switch {
	case equalFoldASCII(s, "true"):
		return true, nil
	case equalFoldASCII(s, "false"):
		return false, nil
	}
	return false, illegalValue(name, "want true or false")
}

// VendorParam is one name=value pair of Vendor-Specific-Parameters
// (RFC 6787 §6.2.16). Value is unquoted.
type VendorParam struct {
	Name  string
	Value string
}

// ParseVendorParams splits "name=value;name2=\"quoted\"" into pairs. An
// empty list is legal. Unquoted values are taken verbatim up to the next
// ";" (trimmed), which also admits the non-token values that deployed
// clients send (e.g. "-50", "0.789").
func ParseVendorParams(s string) ([]VendorParam, error) {
	s = trimWSP(s)
	if s == "" {
		return nil, nil
	}
	var out []VendorParam
	for len(s) > 0 {
		eq := strings.IndexByte(s, '=')
		if eq < 0 {
			return nil, illegalValue(HdrVendorSpecificParameters, "pair without '='")
		}
		name := trimWSP(s[:eq])
		if name == "" || strings.ContainsAny(name, "; \t\"") {
			return nil, illegalValue(HdrVendorSpecificParameters, "bad parameter name")
		}
		s = trimWSP(s[eq+1:])
		var value string
		if strings.HasPrefix(s, "\"") {
			v, rest, err := unquote(HdrVendorSpecificParameters, s)
			if err != nil {
				return nil, err
			}
			value, s = v, trimWSP(rest)
			if s != "" && s[0] != ';' {
				return nil, illegalValue(HdrVendorSpecificParameters, "text after quoted value")
			}
		} else {
			end := strings.IndexByte(s, ';')
			if end < 0 {
				end = len(s)
			}
			value = trimWSP(s[:end])
			s = s[end:]
		}
		out = append(out, VendorParam{Name: name, Value: value})
		if s != "" {
			s = trimWSP(s[1:]) // the ';'
			if s == "" {
				return nil, illegalValue(HdrVendorSpecificParameters, "trailing ';'")
			}
		}
	}
	return out, nil
}

// AppendVendorParams writes pairs in wire form, quoting values that are
// not RFC 2616 tokens (other than the harmless "." and "-" forms).
func AppendVendorParams(dst []byte, params []VendorParam) []byte {
	for i, p := range params {
		if i > 0 {
			dst = append(dst, ';')
		}
		dst = append(dst, p.Name...)
		dst = append(dst, '=')
		if p.Value != "" && isToken(p.Value) {
			dst = append(dst, p.Value...)
			continue
		}
		dst = appendQuoted(dst, p.Value)
	}
	return dst
}

// unquote reads an RFC 2616 quoted-string at the start of s and returns
// its content and the remainder of s.
func unquote(name, s string) (value, rest string, err error) {
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch c := s[i]; c {
		case '"':
			return b.String(), s[i+1:], nil
		case '\\':
			if i+1 == len(s) {
				return "", "", illegalValue(name, "unterminated quoted-pair")
			}
			i++
			b.WriteByte(s[i])
		default:
			b.WriteByte(c)
		}
	}
	return "", "", illegalValue(name, "unterminated quoted-string")
}

func appendQuoted(dst []byte, s string) []byte {
	dst = append(dst, '"')
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '"' || c == '\\' {
			dst = append(dst, '\\')
		}
		dst = append(dst, s[i])
	}
	return append(dst, '"')
}

// ParseRequestIDList parses request-id *("," request-id) (RFC 6787
// §6.2.3); whitespace around commas is tolerated.
func ParseRequestIDList(s string) ([]uint32, error) {
	s = trimWSP(s)
	if s == "" {
		return nil, illegalValue(HdrActiveRequestIDList, "empty list")
	}
	out := make([]uint32, 0, strings.Count(s, ",")+1)
	for s != "" {
		item := s
		if comma := strings.IndexByte(s, ','); comma >= 0 {
			item, s = s[:comma], s[comma+1:]
			if trimWSP(s) == "" {
				return nil, illegalValue(HdrActiveRequestIDList, "trailing ','")
			}
		} else {
			s = ""
		}
		id, bad := parseRequestID(trimWSP(item))
		if bad != "" {
			return nil, illegalValue(HdrActiveRequestIDList, bad)
		}
		out = append(out, id)
	}
	return out, nil
}

// AppendRequestIDList writes ids comma-separated.
func AppendRequestIDList(dst []byte, ids []uint32) []byte {
	for i, id := range ids {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = strconv.AppendUint(dst, uint64(id), 10)
	}
	return dst
}

// SizedURI is the value of Waveform-URI and Record-URI:
// "<uri>;size=<octets>;duration=<ms>" (RFC 6787 §9.4.14, §10.4.7).
type SizedURI struct {
	URI      string
	Size     uint64
	Duration uint64
}

// String renders the header value; a zero SizedURI renders as "", which
// the RFC uses to say that nothing was recorded.
func (u SizedURI) String() string {
	if u.URI == "" {
		return ""
	}
	b := make([]byte, 0, len(u.URI)+40)
	b = append(b, '<')
	b = append(b, u.URI...)
	b = append(b, ">;size="...)
	b = strconv.AppendUint(b, u.Size, 10)
	b = append(b, ";duration="...)
	b = strconv.AppendUint(b, u.Duration, 10)
	return string(b)
}

// ParseSizedURI parses a Waveform-URI or Record-URI value. An empty value
// is legal, and so is a URI without the size and duration parameters, with
// or without angle brackets, since a client names the target of a RECORD
// that way (RFC 6787 §10.4.7).
func ParseSizedURI(name, s string) (SizedURI, error) {
	s = trimWSP(s)
	if s == "" {
		return SizedURI{}, nil
	}
	if s[0] != '<' {
		if err := checkURI(name, s); err != nil {
			return SizedURI{}, err
		}
		return SizedURI{URI: s}, nil
	}
	end := strings.IndexByte(s, '>')
	if end < 0 {
		return SizedURI{}, illegalValue(name, "missing '>'")
	}
	u := SizedURI{URI: s[1:end]}
	if err := checkURI(name, u.URI); err != nil {
		return SizedURI{}, err
	}
	rest := s[end+1:]
	var haveSize, haveDuration bool
	for rest != "" {
		rest = trimWSP(rest)
		if rest == "" {
			break
		}
		if rest[0] != ';' {
			return SizedURI{}, illegalValue(name, "want ;size=N;duration=N after the URI")
		}
		rest = trimWSP(rest[1:])
		param := rest
		if semi := strings.IndexByte(rest, ';'); semi >= 0 {
			param, rest = rest[:semi], rest[semi:]
		} else {
			rest = ""
		}
		key, val, ok := strings.Cut(param, "=")
		if !ok {
			return SizedURI{}, illegalValue(name, "parameter without '='")
		}
		n, err := parseUint(name, val, 0, 1<<63-1)
		if err != nil {
			return SizedURI{}, err
		}
		switch {
		case equalFoldASCII(trimWSP(key), "size"):
			u.Size, haveSize = n, true
		case equalFoldASCII(trimWSP(key), "duration"):
			u.Duration, haveDuration = n, true
		default:
			return SizedURI{}, illegalValue(name, "unknown parameter "+trimWSP(key))
		}
	}
	// A server must report both (RFC 6787 §9.4.14); a client naming a
	// RECORD target sends the URI alone, as the §10.5 examples do.
	if haveSize != haveDuration {
		return SizedURI{}, illegalValue(name, "size and duration go together")
	}
	return u, nil
}

// checkURI is a shape check, not a full RFC 3986 parse: a URI here is one
// run of visible characters. Schemes are the resource's business.
func checkURI(name, s string) error {
	if s == "" {
		return illegalValue(name, "empty URI")
	}
	for i := 0; i < len(s); i++ {
		if !isVCHAR(s[i]) || s[i] == '<' || s[i] == '>' || s[i] == '"' {
			return illegalValue(name, "URI contains whitespace, a control character or <>\"")
		}
	}
	return nil
}

// checkURIList parses "<" absoluteURI ">" *(" " "<" absoluteURI ">")
// (Lexicon-Search-Order, RFC 6787 §8.4.17).
func checkURIList(name, s string) error {
	s = trimWSP(s)
	if s == "" {
		return illegalValue(name, "empty list")
	}
	for s != "" {
		if s[0] != '<' {
			return illegalValue(name, "want <uri> items")
		}
		end := strings.IndexByte(s, '>')
		if end < 0 {
			return illegalValue(name, "missing '>'")
		}
		if err := checkURI(name, s[1:end]); err != nil {
			return err
		}
		s = trimWSP(s[end+1:])
	}
	return nil
}

// checkMediaType checks type "/" subtype *( ";" parameter ) (RFC 6787
// §6.2.6) and returns the lower-cased type/subtype.
func checkMediaType(name, s string) (string, map[string]string, error) {
	mediaType, params, err := mime.ParseMediaType(trimWSP(s))
	if err != nil || !strings.Contains(mediaType, "/") {
		return "", nil, illegalValue(name, "want type/subtype[;param=value]")
	}
	return mediaType, params, nil
}

// checkSpeechLength parses speech-length-value (signed) or
// positive-length-value (RFC 6787 §8.4.1, §8.4.15):
// ("+"/"-") 1*19DIGIT SP unit, or 1*UTFCHAR SP "Tag".
func checkSpeechLength(name, s string, signed bool) error {
	s = trimWSP(s)
	num, unit, ok := strings.Cut(s, " ")
	if !ok {
		return illegalValue(name, "want <number> <unit> or <mark> Tag")
	}
	unit = trimWSP(unit)
	if equalFoldASCII(unit, "Tag") {
		if num == "" {
			return illegalValue(name, "empty mark name")
		}
		return nil
	}
	if signed {
		if num == "" || (num[0] != '+' && num[0] != '-') {
			return illegalValue(name, "want a sign before the number")
		}
		num = num[1:]
	}
	if _, ok := parseDigits(num, 19); !ok {
		return illegalValue(name, "want 1*19DIGIT")
	}
	// RFC 6787's own example (§8.8) writes "-15 Words": plurals pass.
	singular := strings.TrimSuffix(strings.TrimSuffix(unit, "s"), "S")
	for _, u := range [...]string{"Second", "Word", "Sentence", "Paragraph"} {
		if equalFoldASCII(singular, u) {
			return nil
		}
	}
	return illegalValue(name, "unit must be Second, Word, Sentence or Paragraph")
}

// checkSpeechMarker parses "timestamp=" 1*20DIGIT [";" text] (RFC 6787
// §8.4.7).
func checkSpeechMarker(name, s string) error {
	s = trimWSP(s)
	ts, _, _ := strings.Cut(s, ";")
	key, val, ok := strings.Cut(trimWSP(ts), "=")
	if !ok || !equalFoldASCII(trimWSP(key), "timestamp") {
		return illegalValue(name, "want timestamp=N")
	}
	if _, ok := parseDigits(trimWSP(val), 20); !ok {
		return illegalValue(name, "timestamp is not 1*20DIGIT")
	}
	return nil
}

// checkCacheControl parses the cache-directive list of RFC 6787 §6.2.13.
func checkCacheControl(name, s string) error {
	for _, d := range strings.Split(s, ",") {
		d = trimWSP(d)
		if d == "" {
			continue
		}
		key, val, hasVal := strings.Cut(d, "=")
		key = trimWSP(key)
		switch {
		case equalFoldASCII(key, "max-age"), equalFoldASCII(key, "min-fresh"):
			if !hasVal {
				return illegalValue(name, key+" needs =delta-seconds")
			}
		case equalFoldASCII(key, "max-stale"):
			if !hasVal {
				continue
			}
		default:
			return illegalValue(name, "unknown cache directive "+key)
		}
		if _, ok := parseDigits(trimWSP(val), 19); !ok {
			return illegalValue(name, "delta-seconds is not 1*19DIGIT")
		}
	}
	return nil
}

func allDigitsString(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return len(s) > 0
}
