package sip

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/pion/sdp/v3"
)

// Marshal encodes d as SDP text with CRLF line endings. Attributes are
// written in the order UniMRCP uses (setup, connection, resource, channel,
// cmid; rtpmap and fmtp per format, direction, ptime, mid), then Extra.
// Values that would break the line structure are refused.
func (d *Description) Marshal() ([]byte, error) {
	if len(d.Media) > maxMediaLines {
		return nil, fmt.Errorf("sip: %d m-lines exceed %d", len(d.Media), maxMediaLines)
	}
	o := d.Origin
	if o.Username == "" {
		o.Username = "-"
	}
	if o.Address == "" {
		o.Address = d.ConnectionAddr
	}
	if o.Address == "" {
		o.Address = "0.0.0.0"
	}
	if err := checkFields("o=", o.Username, o.Address); err != nil {
		return nil, err
	}
	sd := sdp.SessionDescription{
		Origin: sdp.Origin{
			Username:       o.Username,
			SessionID:      o.SessionID,
			SessionVersion: o.SessionVersion,
			NetworkType:    "IN",
			AddressType:    addressType(o.Address),
			UnicastAddress: o.Address,
		},
		SessionName:      "-",
		TimeDescriptions: []sdp.TimeDescription{{}},
	}
	if d.ConnectionAddr != "" {
		if err := checkFields("c=", d.ConnectionAddr); err != nil {
			return nil, err
		}
		sd.ConnectionInformation = connectionInfo(d.ConnectionAddr)
	}
	for i := range d.Media {
		md, err := marshalMedia(&d.Media[i])
		if err != nil {
			return nil, fmt.Errorf("sip: m-line %d: %w", i+1, err)
		}
		sd.MediaDescriptions = append(sd.MediaDescriptions, md)
	}
	return sd.Marshal()
}

func marshalMedia(m *Media) (*sdp.MediaDescription, error) {
	if m.Port < 0 || m.Port > 65535 {
		return nil, fmt.Errorf("port %d out of range", m.Port)
	}
	if !isToken(m.Kind) {
		return nil, fmt.Errorf("media kind %q is not a token", m.Kind)
	}
	protos := strings.Split(m.Proto, "/")
	for _, p := range protos {
		if !isToken(p) {
			return nil, fmt.Errorf("transport %q is not a list of tokens", m.Proto)
		}
	}
	md := &sdp.MediaDescription{
		MediaName: sdp.MediaName{
			Media:  m.Kind,
			Port:   sdp.RangedPort{Value: m.Port},
			Protos: protos,
		},
	}
	if m.ConnectionAddr != "" {
		if err := checkFields("c=", m.ConnectionAddr); err != nil {
			return nil, err
		}
		md.ConnectionInformation = connectionInfo(m.ConnectionAddr)
	}
	add := func(key, value string) {
		md.Attributes = append(md.Attributes, sdp.Attribute{Key: key, Value: value})
	}
	addIf := func(key, value string) {
		if value != "" {
			add(key, value)
		}
	}
	if err := checkFields("a=", m.Setup, m.Connection, m.Resource, m.Channel, m.CMID, m.Mid); err != nil {
		return nil, err
	}
	switch {
	case isMRCPProto(m.Proto):
		md.MediaName.Formats = []string{"1"}
	case m.IsRTP():
		if len(m.Formats) == 0 {
			return nil, fmt.Errorf("RTP m-line without formats")
		}
		for _, f := range m.Formats {
			md.MediaName.Formats = append(md.MediaName.Formats, strconv.Itoa(int(f.PayloadType)))
		}
	default:
		if len(m.OtherFormats) == 0 {
			return nil, fmt.Errorf("m-line without formats")
		}
		for _, f := range m.OtherFormats {
			if !isToken(f) {
				return nil, fmt.Errorf("format %q is not a token", f)
			}
		}
		md.MediaName.Formats = m.OtherFormats
	}

	addIf("setup", m.Setup)
	addIf("connection", m.Connection)
	addIf("resource", m.Resource)
	addIf("channel", m.Channel)
	addIf("cmid", m.CMID)
	if m.IsRTP() {
		for _, f := range m.Formats {
			switch {
			case f.Name != "":
				if !isToken(f.Name) || f.ClockRate <= 0 || f.Channels < 0 {
					return nil, fmt.Errorf("payload type %d: bad rtpmap %q/%d/%d", f.PayloadType, f.Name, f.ClockRate, f.Channels)
				}
				rtpmap := strconv.Itoa(int(f.PayloadType)) + " " + f.Name + "/" + strconv.Itoa(f.ClockRate)
				if f.Channels > 1 {
					rtpmap += "/" + strconv.Itoa(f.Channels)
				}
				add("rtpmap", rtpmap)
			case m.Port != 0:
				// Only a removed line may list a bare dynamic type.
				if _, ok := staticPayloadType(f.PayloadType); !ok {
					return nil, fmt.Errorf("payload type %d has no encoding name", f.PayloadType)
				}
			}
			if f.Fmtp != "" {
				if err := checkFields("a=fmtp", f.Fmtp); err != nil {
					return nil, err
				}
				add("fmtp", strconv.Itoa(int(f.PayloadType))+" "+f.Fmtp)
			}
		}
	}
	if m.Direction != "" {
		if !isDirection(m.Direction) {
			return nil, fmt.Errorf("direction %q", m.Direction)
		}
		add(m.Direction, "")
	}
	if m.Ptime > 0 {
		add("ptime", strconv.Itoa(m.Ptime))
	}
	addIf("mid", m.Mid)
	for _, a := range m.Extra {
		if !isToken(a.Key) {
			return nil, fmt.Errorf("attribute name %q is not a token", a.Key)
		}
		if err := checkFields("a="+a.Key, a.Value); err != nil {
			return nil, err
		}
		add(a.Key, a.Value)
	}
	return md, nil
}

// checkFields refuses values that would end an SDP line early or smuggle
// in another one.
func checkFields(line string, values ...string) error {
	for _, v := range values {
		if strings.ContainsAny(v, "\r\n\x00") {
			return fmt.Errorf("sip: %s value %q contains a line break or NUL", line, v)
		}
	}
	return nil
}

func addressType(addr string) string {
	if strings.Contains(addr, ":") {
		return "IP6"
	}
	return "IP4"
}

func connectionInfo(addr string) *sdp.ConnectionInformation {
	return &sdp.ConnectionInformation{
		NetworkType: "IN",
		AddressType: addressType(addr),
		Address:     &sdp.Address{Address: addr},
	}
}
