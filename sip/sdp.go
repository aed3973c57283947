package sip

import (
	"errors"
	"strings"
)

// ErrBadSDP is wrapped by every error that comes from parsing or validating a
// session description. The server answers such an offer with 488.
var ErrBadSDP = errors.New("sip: unacceptable SDP")

// Media kinds, transport protocols and attribute values used by MRCPv2
// sessions (RFC 6787 §4.2, RFC 4145, RFC 4566 §6).
const (
	KindAudio       = "audio"
	KindApplication = "application"

	ProtoMRCP    = "TCP/MRCPv2"
	ProtoMRCPTLS = "TCP/TLS/MRCPv2"
	ProtoRTPAVP  = "RTP/AVP"

	SetupActive  = "active"
	SetupPassive = "passive"
	SetupActpass = "actpass"

	ConnectionNew      = "new"
	ConnectionExisting = "existing"

	DirSendRecv = "sendrecv"
	DirSendOnly = "sendonly"
	DirRecvOnly = "recvonly"
	DirInactive = "inactive"
)

// Description is a session description (RFC 4566) reduced to what an MRCPv2
// session uses. The same model serves offers and answers.
type Description struct {
	Origin Origin
	// ConnectionAddr is the session-level c= address; a Media's own
	// ConnectionAddr overrides it.
	ConnectionAddr string
	Media          []Media
}

// Origin is the o= line. Its address type (IP4 or IP6) follows Address.
type Origin struct {
	Username       string
	SessionID      uint64
	SessionVersion uint64
	Address        string
}

// Media is one m-line with the attributes MRCPv2 gives meaning to.
type Media struct {
	Kind  string // "application" or "audio" (other kinds are kept so that they can be rejected)
	Port  int    // 0 = rejected or removed (RFC 3264 §8.2)
	Proto string // "TCP/MRCPv2", "TCP/TLS/MRCPv2", "RTP/AVP" ...
	// ConnectionAddr is the media-level c= address, empty when the
	// session-level one applies.
	ConnectionAddr string

	// Control channel attributes (m=application), RFC 6787 §4.2 and §4.4.
	Setup      string // a=setup
	Connection string // a=connection
	Resource   string // a=resource (offer)
	Channel    string // a=channel (answer), "<id>@<resource>"
	// CMID is the first a=cmid. RFC 6787 §4.4 allows several, but the
	// defined resources use one media stream each; further cmid values
	// are kept in Extra.
	CMID string

	// RTP media attributes.
	Formats   []Format // in m-line order
	Direction string   // sendrecv/sendonly/recvonly/inactive; "" = not given (means sendrecv)
	Mid       string
	Ptime     int // milliseconds, 0 = not given

	// OtherFormats is the m-line format list of media that are neither RTP
	// nor MRCPv2, kept verbatim so that an answer can reject them.
	OtherFormats []string
	// Extra holds attributes this model does not interpret, in order.
	Extra []Attribute
}

// Attribute is an a= line this package does not interpret.
type Attribute struct {
	Key   string
	Value string // empty for property attributes
}

// Format is one RTP payload format of an m-line, from the format list and
// its a=rtpmap / a=fmtp lines (RFC 4566 §6).
type Format struct {
	PayloadType uint8
	Name        string // encoding name as written, e.g. "PCMU", "telephone-event"
	ClockRate   int
	Channels    int // 1 unless the rtpmap says otherwise
	Fmtp        string
}

// IsControl reports whether m is an MRCPv2 control channel m-line.
func (m *Media) IsControl() bool {
	return m.Kind == KindApplication && isMRCPProto(m.Proto)
}

// IsRTP reports whether m is carried over RTP, so that Formats applies.
func (m *Media) IsRTP() bool {
	return isRTPProto(m.Proto)
}

// EffectiveDirection is Direction with the RFC 4566 §6 default applied.
func (m *Media) EffectiveDirection() string {
	if m.Direction == "" {
		return DirSendRecv
	}
	return m.Direction
}

// ChannelResource returns the resource type of a=channel, the part after
// the last "@" (RFC 6787 §4.2).
func (m *Media) ChannelResource() string {
	i := strings.LastIndexByte(m.Channel, '@')
	if i < 0 {
		return ""
	}
	return m.Channel[i+1:]
}

// Rejected returns the m-line that rejects or removes m in an answer: the
// same kind, transport and formats with port 0 (RFC 3264 §6, §8.2).
func (m Media) Rejected() Media {
	r := Media{
		Kind:         m.Kind,
		Proto:        m.Proto,
		Resource:     m.Resource,
		Channel:      m.Channel,
		CMID:         m.CMID,
		Mid:          m.Mid,
		OtherFormats: m.OtherFormats,
	}
	if m.IsRTP() {
		r.Formats = m.Formats
	}
	// An answer names the channel, not the resource (RFC 6787 §4.2); a
	// rejected line keeps whichever the offer carried.
	if r.Channel != "" {
		r.Resource = ""
	}
	return r
}

// AddrOf returns the connection address that applies to m.
func (d *Description) AddrOf(m *Media) string {
	if m.ConnectionAddr != "" {
		return m.ConnectionAddr
	}
	return d.ConnectionAddr
}

// MediaByMid returns the RTP m-line whose a=mid is mid, or nil.
func (d *Description) MediaByMid(mid string) *Media {
	for i := range d.Media {
		if d.Media[i].IsRTP() && d.Media[i].Mid == mid {
			return &d.Media[i]
		}
	}
	return nil
}

func isMRCPProto(p string) bool {
	return p == ProtoMRCP || p == ProtoMRCPTLS
}

func isRTPProto(p string) bool {
	return strings.HasPrefix(p, "RTP/")
}
