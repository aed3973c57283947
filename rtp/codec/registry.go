package codec

import (
	"fmt"
	"strings"
)

type registryKey struct {
	name string // upper case: encoding names are case-insensitive (RFC 4855 §3)
	rate int
}

// Registry finds codecs by the encoding name and clock rate of an SDP rtpmap
// attribute, and by static payload type. It is filled once at start-up and
// only read afterwards, so it needs no lock.
type Registry struct {
	byName   map[registryKey]Codec
	byStatic [128]Codec
	ordered  []Codec
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{byName: make(map[registryKey]Codec)}
}

// NewDefaultRegistry returns a registry holding the codecs this package
// implements, in order of preference for a server answering an offer:
// PCMU, PCMA, G722, L16/16000, L16/8000.
func NewDefaultRegistry() *Registry {
	r := NewRegistry()
	l16wide, _ := L16(16000)
	l16narrow, _ := L16(8000)
	for _, c := range []Codec{PCMU(), PCMA(), G722(), l16wide, l16narrow} {
		// The built-in set has no duplicates, so Register cannot fail here.
		_ = r.Register(c)
	}
	return r
}

// Register adds a codec. A second codec with the same name and clock rate,
// or the same static payload type, is refused.
func (r *Registry) Register(c Codec) error {
	key := registryKey{name: strings.ToUpper(c.Name()), rate: c.ClockRate()}
	if _, dup := r.byName[key]; dup {
		return fmt.Errorf("codec: %s/%d already registered", c.Name(), c.ClockRate())
	}
	pt, static := c.StaticPayloadType()
	if static {
		if pt > 127 {
			return fmt.Errorf("codec: %s static payload type %d out of range", c.Name(), pt)
		}
		if r.byStatic[pt] != nil {
			return fmt.Errorf("codec: static payload type %d already registered", pt)
		}
		r.byStatic[pt] = c
	}
	r.byName[key] = c
	r.ordered = append(r.ordered, c)
	return nil
}

// Lookup finds a codec by encoding name (any case) and RTP clock rate.
func (r *Registry) Lookup(name string, clockRate int) (Codec, bool) {
	c, ok := r.byName[registryKey{name: strings.ToUpper(name), rate: clockRate}]
	return c, ok
}

// ByStaticPayloadType finds the codec that owns an RFC 3551 static payload
// type, for offers that list a static type without an rtpmap line.
func (r *Registry) ByStaticPayloadType(pt uint8) (Codec, bool) {
	if pt > 127 || r.byStatic[pt] == nil {
		return nil, false
	}
	return r.byStatic[pt], true
}

// Codecs returns the registered codecs in registration order.
func (r *Registry) Codecs() []Codec {
	return append([]Codec(nil), r.ordered...)
}
