package resource

import (
	"strings"

	"github.com/mrcpd/mrcpd/mrcp"
)

// Scope says what a header field is to a resource, which decides how
// SET-PARAMS, GET-PARAMS and parameter inheritance treat it.
type Scope uint8

const (
	// ScopeUnsupported: not a field of this resource. SET-PARAMS and
	// GET-PARAMS reject it with 403 (RFC 6787 §6.1.1, §6.1.2).
	ScopeUnsupported Scope = iota
	// ScopeMessage: the field describes the message itself
	// (Channel-Identifier, Content-*); it is never a parameter.
	ScopeMessage
	// ScopeRequest: a field valid on a single request only. SET-PARAMS
	// ignores it and answers 201; GET-PARAMS leaves it out (RFC 6787 §6.1.2:
	// "GET-PARAMS returns header field values that apply to the whole
	// session and not values that have a request-level scope").
	ScopeRequest
	// ScopeSession: a session parameter. SET-PARAMS stores it, GET-PARAMS
	// returns it, and requests inherit it unless they carry their own.
	ScopeSession
)

func (s Scope) String() string {
	switch s {
	case ScopeUnsupported:
		return "unsupported"
	case ScopeMessage:
		return "message"
	case ScopeRequest:
		return "request"
	case ScopeSession:
		return "session"
	}
	return "invalid"
}

// Classifier tells the scope of a header field name for one resource. Names
// compare case-insensitively (RFC 6787 §6.2).
type Classifier func(name string) Scope

// ScopeEntry is one row of a scope table.
type ScopeEntry struct {
	Name  string
	Scope Scope
}

// ScopeTable is a list of header fields and their scopes.
type ScopeTable []ScopeEntry

// Lookup returns the scope of name and whether the table lists it.
func (t ScopeTable) Lookup(name string) (Scope, bool) {
	for _, e := range t {
		if strings.EqualFold(e.Name, name) {
			return e.Scope, true
		}
	}
	return ScopeUnsupported, false
}

// HdrSetCookie2 is the cookie field of the MRCPv2 drafts (RFC 2965 cookies).
// RFC 6787 dropped it, but UniMRCP based clients (FreeSWITCH, Asterisk) still
// ask for it in GET-PARAMS, so it is kept as a session parameter.
const HdrSetCookie2 = "Set-Cookie2"

// GenericScope classifies the generic header fields of RFC 6787 §6.2; the
// boolean is false for any other name.
func GenericScope(name string) (Scope, bool) { return genericScopes.Lookup(name) }

var genericScopes = ScopeTable{
	{mrcp.HdrChannelIdentifier, ScopeMessage},
	{mrcp.HdrActiveRequestIDList, ScopeMessage},
	{mrcp.HdrProxySyncID, ScopeMessage},
	{mrcp.HdrContentType, ScopeMessage},
	{mrcp.HdrContentID, ScopeMessage},
	{mrcp.HdrContentBase, ScopeMessage},
	{mrcp.HdrContentEncoding, ScopeMessage},
	{mrcp.HdrContentLocation, ScopeMessage},
	{mrcp.HdrContentLength, ScopeMessage},
	// §6.2.2: the default Accept of a resource can be changed by SET-PARAMS.
	{mrcp.HdrAccept, ScopeSession},
	{mrcp.HdrAcceptCharset, ScopeSession},
	// §6.2.12, §6.2.13, §6.2.14, §6.2.15: session-wide when set by SET-PARAMS.
	{mrcp.HdrFetchTimeout, ScopeSession},
	{mrcp.HdrCacheControl, ScopeSession},
	{mrcp.HdrLoggingTag, ScopeSession},
	{mrcp.HdrSetCookie, ScopeSession},
	{HdrSetCookie2, ScopeSession},
	{mrcp.HdrVendorSpecificParameters, ScopeSession},
}

// repeatable reports whether a field may legitimately appear several times,
// each occurrence carrying one entry of a list (RFC 6787 §6.2: cookies).
func repeatable(name string) bool {
	return strings.EqualFold(name, mrcp.HdrSetCookie) || strings.EqualFold(name, HdrSetCookie2)
}
