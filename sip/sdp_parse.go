package sip

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/pion/sdp/v3"
)

// Bounds on what a peer may make us parse. Real MRCPv2 offers are a few
// hundred bytes with two to four m-lines.
const (
	maxSDPSize    = 16 << 10
	maxMediaLines = 32
	maxFormats    = 64
)

// ParseSDP parses a session description. It checks the syntax and the
// attributes this package interprets; whether the description is an
// acceptable MRCPv2 offer or answer is decided by ValidateOffer and
// ValidateAnswer. Every error wraps ErrBadSDP.
func ParseSDP(b []byte) (*Description, error) {
	if len(b) == 0 {
		return nil, badSDP("empty body")
	}
	if len(b) > maxSDPSize {
		return nil, badSDP("body of %d bytes exceeds %d", len(b), maxSDPSize)
	}
	var sd sdp.SessionDescription
	if err := sd.UnmarshalString(string(b)); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadSDP, err)
	}
	if len(sd.MediaDescriptions) > maxMediaLines {
		return nil, badSDP("%d m-lines exceed %d", len(sd.MediaDescriptions), maxMediaLines)
	}
	d := &Description{
		Origin: Origin{
			Username:       sd.Origin.Username,
			SessionID:      sd.Origin.SessionID,
			SessionVersion: sd.Origin.SessionVersion,
			Address:        sd.Origin.UnicastAddress,
		},
		Media: make([]Media, 0, len(sd.MediaDescriptions)),
	}
	if c := sd.ConnectionInformation; c != nil && c.Address != nil {
		d.ConnectionAddr = c.Address.Address
	}
	// RFC 4566 §6: a direction attribute at session level is the default
	// for every m-line that does not carry its own.
	var sessionDir string
	for _, a := range sd.Attributes {
		if isDirection(a.Key) {
			sessionDir = a.Key
		}
	}
	for i, md := range sd.MediaDescriptions {
		m, err := parseMedia(md)
		if err != nil {
			return nil, fmt.Errorf("%w: m-line %d: %v", ErrBadSDP, i+1, err)
		}
		if m.Direction == "" && m.IsRTP() {
			m.Direction = sessionDir
		}
		d.Media = append(d.Media, m)
	}
	return d, nil
}

func parseMedia(md *sdp.MediaDescription) (Media, error) {
	m := Media{
		Kind:  md.MediaName.Media,
		Port:  md.MediaName.Port.Value,
		Proto: strings.Join(md.MediaName.Protos, "/"),
	}
	if md.MediaName.Port.Range != nil {
		return m, fmt.Errorf("port range %s is not supported", md.MediaName.Port.String())
	}
	if m.Port < 0 || m.Port > 65535 {
		return m, fmt.Errorf("port %d out of range", m.Port)
	}
	if c := md.ConnectionInformation; c != nil && c.Address != nil {
		m.ConnectionAddr = c.Address.Address
	}
	formats := md.MediaName.Formats
	if len(formats) > maxFormats {
		return m, fmt.Errorf("%d formats exceed %d", len(formats), maxFormats)
	}

	rtp := m.IsRTP()
	switch {
	case isMRCPProto(m.Proto):
		// RFC 6787 §4.2: the format field of a control m-line is "1".
		if len(formats) != 1 || formats[0] != "1" {
			return m, fmt.Errorf("%s m-line format list %q, want \"1\"", m.Proto, strings.Join(formats, " "))
		}
	case rtp:
	default:
		m.OtherFormats = formats
	}

	var rtpmaps, fmtps map[uint8]string
	for _, a := range md.Attributes {
		var err error
		switch key := a.Key; {
		case key == "setup":
			err = setOnce(&m.Setup, key, a.Value)
		case key == "connection":
			err = setOnce(&m.Connection, key, a.Value)
		case key == "resource":
			err = setOnce(&m.Resource, key, a.Value)
		case key == "channel":
			err = setOnce(&m.Channel, key, a.Value)
		case key == "cmid":
			if m.CMID == "" {
				err = setOnce(&m.CMID, key, a.Value)
			} else {
				m.Extra = append(m.Extra, Attribute{Key: a.Key, Value: a.Value})
			}
		case key == "mid":
			err = setOnce(&m.Mid, key, a.Value)
		case key == "ptime":
			m.Ptime, err = parsePtime(a.Value, m.Ptime)
		case isDirection(key):
			if m.Direction != "" {
				err = fmt.Errorf("more than one direction attribute")
			}
			m.Direction = key
		case key == "rtpmap" && rtp:
			rtpmaps, err = collectByPayloadType(rtpmaps, key, a.Value)
		case key == "fmtp" && rtp:
			fmtps, err = collectByPayloadType(fmtps, key, a.Value)
		default:
			m.Extra = append(m.Extra, Attribute{Key: a.Key, Value: a.Value})
		}
		if err != nil {
			return m, err
		}
	}
	if rtp {
		var err error
		if m.Formats, err = buildFormats(formats, rtpmaps, fmtps, m.Port != 0); err != nil {
			return m, err
		}
	}
	return m, nil
}

func isDirection(key string) bool {
	switch key {
	case DirSendRecv, DirSendOnly, DirRecvOnly, DirInactive:
		return true
	}
	return false
}

func setOnce(dst *string, key, value string) error {
	if *dst != "" {
		return fmt.Errorf("more than one a=%s", key)
	}
	if value == "" {
		return fmt.Errorf("a=%s without a value", key)
	}
	if !isToken(value) && key != "channel" {
		return fmt.Errorf("a=%s value %q is not a token", key, value)
	}
	if key == "channel" && strings.ContainsAny(value, " \t") {
		return fmt.Errorf("a=channel value %q contains white space", value)
	}
	*dst = value
	return nil
}

func parsePtime(v string, prev int) (int, error) {
	if prev != 0 {
		return 0, fmt.Errorf("more than one a=ptime")
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 || n > 10000 {
		return 0, fmt.Errorf("a=ptime value %q is not a packet time in milliseconds", v)
	}
	return n, nil
}

// collectByPayloadType files "<pt> <rest>" attribute values (rtpmap, fmtp)
// under their payload type.
func collectByPayloadType(dst map[uint8]string, key, v string) (map[uint8]string, error) {
	ptText, rest, ok := strings.Cut(v, " ")
	rest = strings.TrimSpace(rest)
	if !ok || rest == "" {
		return dst, fmt.Errorf("a=%s value %q has no parameters", key, v)
	}
	pt, err := parsePayloadType(ptText)
	if err != nil {
		return dst, fmt.Errorf("a=%s: %v", key, err)
	}
	if dst == nil {
		dst = make(map[uint8]string, 4)
	}
	if _, dup := dst[pt]; dup {
		return dst, fmt.Errorf("more than one a=%s for payload type %d", key, pt)
	}
	dst[pt] = rest
	return dst, nil
}

func parsePayloadType(s string) (uint8, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > 127 {
		return 0, fmt.Errorf("payload type %q is not in 0..127", s)
	}
	return uint8(n), nil
}

func buildFormats(list []string, rtpmaps, fmtps map[uint8]string, active bool) ([]Format, error) {
	if len(list) == 0 {
		return nil, fmt.Errorf("RTP m-line without formats")
	}
	out := make([]Format, 0, len(list))
	seen := make(map[uint8]bool, len(list))
	for _, s := range list {
		pt, err := parsePayloadType(s)
		if err != nil {
			return nil, err
		}
		if seen[pt] {
			return nil, fmt.Errorf("payload type %d listed twice", pt)
		}
		seen[pt] = true
		f := Format{PayloadType: pt, Channels: 1, Fmtp: fmtps[pt]}
		if rm, ok := rtpmaps[pt]; ok {
			if f.Name, f.ClockRate, f.Channels, err = parseRtpmap(rm); err != nil {
				return nil, fmt.Errorf("a=rtpmap:%d: %v", pt, err)
			}
		} else if st, ok := staticPayloadType(pt); ok {
			f.Name, f.ClockRate, f.Channels = st.Name, st.ClockRate, st.Channels
		} else if active {
			// RFC 4566 §6: dynamic payload types must be mapped. A removed
			// (port 0) line may list them bare, as UniMRCP does.
			return nil, fmt.Errorf("payload type %d has no a=rtpmap", pt)
		}
		out = append(out, f)
	}
	return out, nil
}

// parseRtpmap parses "<encoding name>/<clock rate>[/<encoding parameters>]".
func parseRtpmap(v string) (name string, rate, channels int, err error) {
	parts := strings.Split(v, "/")
	if len(parts) < 2 || len(parts) > 3 || !isToken(parts[0]) {
		return "", 0, 0, fmt.Errorf("%q is not <encoding>/<clock rate>[/<channels>]", v)
	}
	rate, err = strconv.Atoi(parts[1])
	if err != nil || rate <= 0 || rate > 10_000_000 {
		return "", 0, 0, fmt.Errorf("clock rate %q is not a positive integer", parts[1])
	}
	channels = 1
	if len(parts) == 3 {
		channels, err = strconv.Atoi(parts[2])
		if err != nil || channels <= 0 || channels > 255 {
			return "", 0, 0, fmt.Errorf("channel count %q is not in 1..255", parts[2])
		}
	}
	return parts[0], rate, channels, nil
}

// isToken reports whether s is an RFC 4566 token: visible ASCII without the
// separators SDP reserves.
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte("\"(),/:;<=>?@[\\]", c) >= 0 {
			return false
		}
	}
	return true
}

func badSDP(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrBadSDP}, args...)...)
}
