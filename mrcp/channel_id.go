package mrcp

import "strings"

// ChannelID is the value of the Channel-Identifier header field
// (RFC 6787 §6.2.1): a session part shared by all channels of one SIP
// dialog and the resource type, joined by "@".
type ChannelID struct {
	Session  string
	Resource string
}

// String renders the identifier as it appears on the wire.
func (c ChannelID) String() string { return c.Session + "@" + c.Resource }

// AppendTo appends the wire form to dst without allocating.
func (c ChannelID) AppendTo(dst []byte) []byte {
	dst = append(dst, c.Session...)
	dst = append(dst, '@')
	return append(dst, c.Resource...)
}

// IsZero reports whether both parts are empty.
func (c ChannelID) IsZero() bool { return c.Session == "" && c.Resource == "" }

// ParseChannelID parses "<session>@<resource>".
//
// RFC 6787 §6.2.1 restricts both parts to alphanumerics. The session part
// is produced by whichever server the client talks to, so "-", "_" and "."
// are tolerated there as well; the resource part must be alphanumeric.
func ParseChannelID(s string) (ChannelID, error) {
	s = trimWSP(s)
	at := strings.IndexByte(s, '@')
	if at <= 0 || at == len(s)-1 {
		return ChannelID{}, illegalValue(HdrChannelIdentifier, "want <session>@<resource>")
	}
	session, resource := s[:at], s[at+1:]
	for i := 0; i < len(session); i++ {
		c := session[i]
		if !isAlnum(c) && c != '-' && c != '_' && c != '.' {
			return ChannelID{}, illegalValue(HdrChannelIdentifier, "invalid character in session part")
		}
	}
	for i := 0; i < len(resource); i++ {
		if !isAlnum(resource[i]) {
			return ChannelID{}, illegalValue(HdrChannelIdentifier, "invalid character in resource part")
		}
	}
	return ChannelID{Session: session, Resource: resource}, nil
}
