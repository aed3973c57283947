package client

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/mrcpd/mrcpd/rtp/codec"
	"github.com/mrcpd/mrcpd/sip"
)

const (
	telephoneEvent = "telephone-event"
	// telephoneEventFmtp is the event range mod_unimrcp offers: the DTMF
	// digits, *, # and A-D (RFC 4733 §3.2).
	telephoneEventFmtp = "0-15"
	firstDynamicPT     = 96
	maxPT              = 127
	// preferredEventPT is where UniMRCP puts telephone-event.
	preferredEventPT = 101
)

// codecSpec is one entry of Options.Codecs, parsed.
type codecSpec struct {
	name  string
	pt    int // -1: assign a dynamic type
	clock int
}

// parseCodecSpec parses "NAME", "NAME/CLOCK" or "NAME/PT/CLOCK".
func parseCodecSpec(s string) (codecSpec, error) {
	parts := strings.Split(strings.TrimSpace(s), "/")
	spec := codecSpec{name: parts[0], pt: -1}
	if !isEncodingName(spec.name) {
		return spec, fmt.Errorf("client: codec %q: %q is not an encoding name", s, spec.name)
	}
	num := func(field string, lo, hi int) (int, error) {
		n, err := strconv.Atoi(field)
		if err != nil || n < lo || n > hi {
			return 0, fmt.Errorf("client: codec %q: %q is not a number in %d-%d", s, field, lo, hi)
		}
		return n, nil
	}
	var err error
	switch len(parts) {
	case 1:
	case 2:
		spec.clock, err = num(parts[1], 1, 1_000_000)
	case 3:
		if spec.pt, err = num(parts[1], 0, maxPT); err == nil {
			spec.clock, err = num(parts[2], 1, 1_000_000)
		}
	default:
		err = fmt.Errorf("client: codec %q: want NAME, NAME/CLOCK or NAME/PT/CLOCK", s)
	}
	return spec, err
}

// isEncodingName accepts the token characters an rtpmap encoding name uses.
func isEncodingName(s string) bool {
	if s == "" || len(s) > 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_') {
			return false
		}
	}
	return true
}

// offerFormats turns Options.Codecs into the formats of the audio m-line:
// the codecs in the order given, then telephone-event for each clock rate
// that has none yet. Every audio codec must be one package codec can encode.
func offerFormats(specs []string, reg *codec.Registry) ([]sip.Format, error) {
	var formats []sip.Format
	used := map[int]bool{}
	eventRates := map[int]bool{}
	var rates []int
	var pending []int // indexes of formats waiting for a dynamic type
	for _, s := range specs {
		spec, err := parseCodecSpec(s)
		if err != nil {
			return nil, err
		}
		f := sip.Format{Name: spec.name, ClockRate: spec.clock, Channels: 1}
		if strings.EqualFold(spec.name, telephoneEvent) {
			if spec.clock == 0 {
				return nil, fmt.Errorf("client: codec %q: telephone-event needs a clock rate", s)
			}
			f.Name, f.Fmtp = telephoneEvent, telephoneEventFmtp
			eventRates[spec.clock] = true
		} else {
			c, err := lookupCodec(reg, spec)
			if err != nil {
				return nil, fmt.Errorf("client: codec %q: %w", s, err)
			}
			f.Name, f.ClockRate = c.Name(), c.ClockRate()
			if spec.pt < 0 {
				if pt, ok := c.StaticPayloadType(); ok {
					spec.pt = int(pt)
				}
			}
			if !slices.Contains(rates, f.ClockRate) {
				rates = append(rates, f.ClockRate)
			}
		}
		if spec.pt >= 0 {
			if used[spec.pt] {
				return nil, fmt.Errorf("client: codec %q: payload type %d offered twice", s, spec.pt)
			}
			used[spec.pt] = true
			f.PayloadType = uint8(spec.pt)
		} else {
			pending = append(pending, len(formats))
		}
		formats = append(formats, f)
	}
	if len(rates) == 0 {
		return nil, fmt.Errorf("client: no audio codec among %q", specs)
	}
	for _, rate := range rates {
		if !eventRates[rate] {
			pending = append(pending, len(formats))
			formats = append(formats, sip.Format{Name: telephoneEvent, ClockRate: rate, Channels: 1, Fmtp: telephoneEventFmtp})
		}
	}
	for _, i := range pending {
		pt, ok := freeDynamicPT(used, formats[i].Name == telephoneEvent)
		if !ok {
			return nil, fmt.Errorf("client: more codecs than dynamic payload types")
		}
		used[pt] = true
		formats[i].PayloadType = uint8(pt)
	}
	return formats, nil
}

// lookupCodec finds the codec a spec names. A bare name must have a single
// registered clock rate; a dynamic codec (L16) needs its rate spelled out.
func lookupCodec(reg *codec.Registry, spec codecSpec) (codec.Codec, error) {
	if spec.clock != 0 {
		if c, ok := reg.Lookup(spec.name, spec.clock); ok {
			return c, nil
		}
		return nil, fmt.Errorf("no %s codec at %d Hz", spec.name, spec.clock)
	}
	var found codec.Codec
	for _, c := range reg.Codecs() {
		if !strings.EqualFold(c.Name(), spec.name) {
			continue
		}
		if found != nil {
			return nil, fmt.Errorf("%s exists at several clock rates; write NAME/PT/CLOCK", spec.name)
		}
		found = c
	}
	if found == nil {
		return nil, fmt.Errorf("unknown codec %s", spec.name)
	}
	if _, static := found.StaticPayloadType(); !static {
		return nil, fmt.Errorf("%s has no static payload type; write NAME/PT/CLOCK", spec.name)
	}
	return found, nil
}

// freeDynamicPT picks an unused dynamic payload type (RFC 3551 §3),
// telephone-event at UniMRCP's 101 when free.
func freeDynamicPT(used map[int]bool, event bool) (int, bool) {
	if event && !used[preferredEventPT] {
		return preferredEventPT, true
	}
	for pt := firstDynamicPT; pt <= maxPT; pt++ {
		if !used[pt] && !(pt == preferredEventPT && !event) {
			return pt, true
		}
	}
	for pt := firstDynamicPT; pt <= maxPT; pt++ {
		if !used[pt] {
			return pt, true
		}
	}
	return 0, false
}

// negotiatedAudio is what the answer's audio line settled on.
type negotiatedAudio struct {
	codec   codec.Codec
	pt      uint8
	eventPT uint8
	events  bool
}

// chooseAudio picks the codec of an answered audio line: the first answered
// format that the offer carried with the same payload type, name and clock
// rate and that we can encode (RFC 3264 §6.1: the answerer's order is its
// preference), and telephone-event at that clock rate if answered.
func chooseAudio(answer, offer []sip.Format, reg *codec.Registry) (negotiatedAudio, error) {
	var n negotiatedAudio
	for _, a := range answer {
		if strings.EqualFold(a.Name, telephoneEvent) || !offered(a, offer) {
			continue
		}
		if c, ok := reg.Lookup(a.Name, a.ClockRate); ok {
			n.codec, n.pt = c, a.PayloadType
			break
		}
	}
	if n.codec == nil {
		return n, fmt.Errorf("client: the answer chose no codec of the offer")
	}
	for _, a := range answer {
		if strings.EqualFold(a.Name, telephoneEvent) && a.ClockRate == n.codec.ClockRate() && offered(a, offer) {
			n.eventPT, n.events = a.PayloadType, true
			break
		}
	}
	return n, nil
}

func offered(a sip.Format, offer []sip.Format) bool {
	for _, o := range offer {
		if o.PayloadType == a.PayloadType && strings.EqualFold(o.Name, a.Name) && o.ClockRate == a.ClockRate {
			return true
		}
	}
	return false
}
