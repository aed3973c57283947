package sip

import (
	"fmt"
	"strings"

	"github.com/pion/sdp/v3"
)

// Capabilities is what a server announces in answer to OPTIONS: one
// application m-line with a=resource per supported resource and an audio
// m-line with the codecs (RFC 6787 §7).
type Capabilities struct {
	Proto     string // ProtoMRCP when empty
	Resources []string
	Formats   []Format
	Address   string // c= and o= address; "0.0.0.0" when empty
}

// Marshal encodes c as the SDP body of an OPTIONS answer. Both m-lines have
// port 0: they describe abilities, not streams.
func (c *Capabilities) Marshal() ([]byte, error) {
	proto := c.Proto
	if proto == "" {
		proto = ProtoMRCP
	}
	if !isMRCPProto(proto) {
		return nil, fmt.Errorf("sip: capabilities transport %q", proto)
	}
	if len(c.Resources) == 0 || len(c.Formats) == 0 {
		return nil, fmt.Errorf("sip: capabilities need resources and formats")
	}
	addr := c.Address
	if addr == "" {
		addr = "0.0.0.0"
	}
	if err := checkFields("c=", addr); err != nil {
		return nil, err
	}
	ctl := &sdp.MediaDescription{MediaName: sdp.MediaName{
		Media: KindApplication, Protos: strings.Split(proto, "/"), Formats: []string{"1"},
	}}
	for _, r := range c.Resources {
		if !isToken(r) {
			return nil, fmt.Errorf("sip: resource %q is not a token", r)
		}
		ctl.Attributes = append(ctl.Attributes, sdp.Attribute{Key: "resource", Value: r})
	}
	audio, err := marshalMedia(&Media{Kind: KindAudio, Proto: ProtoRTPAVP, Formats: c.Formats})
	if err != nil {
		return nil, err
	}
	sd := sdp.SessionDescription{
		Origin: sdp.Origin{
			Username: "-", NetworkType: "IN", AddressType: addressType(addr), UnicastAddress: addr,
		},
		SessionName:           "-",
		ConnectionInformation: connectionInfo(addr),
		TimeDescriptions:      []sdp.TimeDescription{{}},
		MediaDescriptions:     []*sdp.MediaDescription{ctl, audio},
	}
	return sd.Marshal()
}

// ParseCapabilities reads the SDP body of an OPTIONS answer.
func ParseCapabilities(b []byte) (*Capabilities, error) {
	if len(b) == 0 || len(b) > maxSDPSize {
		return nil, badSDP("capabilities body of %d bytes", len(b))
	}
	var sd sdp.SessionDescription
	if err := sd.UnmarshalString(string(b)); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadSDP, err)
	}
	c := &Capabilities{Address: sd.Origin.UnicastAddress}
	if ci := sd.ConnectionInformation; ci != nil && ci.Address != nil {
		c.Address = ci.Address.Address
	}
	for _, md := range sd.MediaDescriptions {
		m, err := parseMediaCapabilities(md)
		if err != nil {
			return nil, err
		}
		switch {
		case m.IsControl():
			c.Proto = m.Proto
			for _, a := range md.Attributes {
				if a.Key == "resource" && isToken(a.Value) {
					c.Resources = append(c.Resources, a.Value)
				}
			}
		case m.Kind == KindAudio && m.IsRTP():
			c.Formats = append(c.Formats, m.Formats...)
		}
	}
	if len(c.Resources) == 0 {
		return nil, badSDP("capabilities list no resource")
	}
	return c, nil
}

// parseMediaCapabilities parses an m-line while ignoring the a=resource
// lines, which a capability line repeats.
func parseMediaCapabilities(md *sdp.MediaDescription) (Media, error) {
	stripped := *md
	stripped.Attributes = nil
	for _, a := range md.Attributes {
		if a.Key != "resource" {
			stripped.Attributes = append(stripped.Attributes, a)
		}
	}
	m, err := parseMedia(&stripped)
	if err != nil {
		return m, fmt.Errorf("%w: %v", ErrBadSDP, err)
	}
	return m, nil
}
