package mrcp

import "strings"

// ValidateRequest checks the header fields of request m against the
// resource type it is addressed to (a Resource* constant) and returns nil
// or a *StatusError carrying the code a server answers with:
//
//   - 403 for a field RFC 6787 defines for another resource type, or one
//     that only servers send (Completion-Cause, Waveform-URI, ...);
//     RFC 6787 §5.1 disallows fields not listed for a resource's methods;
//   - 404 for a value that violates the field's grammar;
//   - 409 for a value that is well-formed but outside what the RFC or this
//     server accepts (e.g. Confidence-Threshold: 1.5);
//   - 406 for a body without Content-Type (RFC 6787 §5.1).
//
// Fields RFC 6787 does not define are vendor extensions and pass
// untouched. GET-PARAMS names the fields it asks for with empty values
// (RFC 6787 §6.1.2), so only their applicability is checked there.
// Routing concerns (Channel-Identifier present and known) belong to the
// transport and are not checked.
func ValidateRequest(resource string, m *Message) error {
	mask := maskOf(resource)
	if mask == 0 {
		return &StatusError{Code: StatusResourceNotAllocated, Reason: "unknown resource type " + resource}
	}
	query := m.Name == MethodGetParams
	for _, f := range m.Header.fields {
		spec := lookupSpec(f.Name)
		if spec == nil {
			continue
		}
		if spec.res&(resGeneric|mask) == 0 {
			return &StatusError{Code: StatusUnsupportedHeader, Header: f.Name, Reason: "not a " + resource + " header field"}
		}
		if spec.serverOnly {
			return &StatusError{Code: StatusUnsupportedHeader, Header: f.Name, Reason: "only servers send this header field"}
		}
		if query {
			continue
		}
		if err := spec.check(f.Name, f.Value); err != nil {
			return err
		}
	}
	if len(m.Body) > 0 && !m.Header.Has(HdrContentType) {
		return &StatusError{Code: StatusMandatoryHeaderMissing, Header: HdrContentType, Reason: "a body needs a Content-Type"}
	}
	return nil
}

// ValidateHeaderValue checks one value against the grammar of a field RFC
// 6787 defines; unknown fields are accepted.
func ValidateHeaderValue(name, value string) error {
	if spec := lookupSpec(name); spec != nil {
		return spec.check(name, value)
	}
	return nil
}

// check validates value; name is the field name as sent, for the error.
func (s *headerSpec) check(name, value string) error {
	v := trimWSP(value)
	switch s.kind {
	case vText:
		return nil
	case vNonEmpty:
		if v == "" {
			return illegalValue(name, "empty value")
		}
	case vVisible:
		if v == "" {
			return illegalValue(name, "empty value")
		}
		for i := 0; i < len(v); i++ {
			if !isVCHAR(v[i]) {
				return illegalValue(name, "whitespace in value")
			}
		}
	case vUint:
		_, err := parseUint(name, v, s.imin, s.imax)
		return err
	case vFloat, vSignedFloat:
		_, err := parseFloat(name, v, s.kind == vSignedFloat, s.fmin, s.fmax)
		return err
	case vBool:
		_, err := parseBool(name, v)
		return err
	case vEnum:
		for _, e := range s.enum {
			if equalFoldASCII(v, e) {
				return nil
			}
		}
		return illegalValue(name, "want one of "+strings.Join(s.enum, ", "))
	case vCause:
		_, err := ParseCompletionCause(v)
		return err
	case vRequestIDs:
		_, err := ParseRequestIDList(v)
		return err
	case vVendor:
		_, err := ParseVendorParams(v)
		return err
	case vChannelID:
		_, err := ParseChannelID(v)
		return err
	case vMediaType:
		_, _, err := checkMediaType(name, v)
		return err
	case vURI:
		return checkURI(name, v)
	case vURIList:
		return checkURIList(name, v)
	case vSizedURI:
		_, err := ParseSizedURI(name, v)
		return err
	case vDTMFChar:
		if len(v) != 1 || !isVCHAR(v[0]) {
			return illegalValue(name, "want one character")
		}
		// RFC 4733 §3.2 keys; other visible characters are legal syntax
		// that no DTMF detector can produce.
		if !strings.ContainsRune("0123456789*#ABCDabcd", rune(v[0])) {
			return unsupportedValue(name, "not a DTMF key")
		}
	case vSpeechMarker:
		return checkSpeechMarker(name, v)
	case vSpeechLength, vPositiveLength:
		return checkSpeechLength(name, v, s.kind == vSpeechLength)
	case vTokenList:
		for _, t := range strings.Split(v, ",") {
			if !isToken(trimWSP(t)) {
				return illegalValue(name, "want token *(, token)")
			}
		}
	case vCacheControl:
		return checkCacheControl(name, v)
	case vVoiceprintIDs:
		for _, id := range strings.Split(v, ";") {
			id = trimWSP(id)
			if id == "" {
				return illegalValue(name, "empty voiceprint identifier")
			}
			for i := 0; i < len(id); i++ {
				if !isVCHAR(id[i]) {
					return illegalValue(name, "whitespace in voiceprint identifier")
				}
			}
		}
	}
	return nil
}
