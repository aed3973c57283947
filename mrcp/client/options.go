package client

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"time"

	"github.com/mrcpd/mrcpd/mrcp"
	"github.com/mrcpd/mrcpd/sip"
)

// Options configure Dial. The zero value talks UDP SIP to 127.0.0.1:8060 and
// asks for a speech recogniser, as mod_unimrcp does by default.
type Options struct {
	// Server is the SIP address of the speech server, "host:port" or a
	// sip: URI; default "127.0.0.1:8060".
	Server string
	// SIPTransport is "udp" (default) or "tcp"; a shared SIPClient has its
	// own.
	SIPTransport string
	// LocalHost is the local IP address for SIP and RTP, and the address
	// written into the offer; default 127.0.0.1.
	LocalHost string
	// RTPPortMin and RTPPortMax bound the local RTP port (even; RTCP is the
	// odd port above). Both 0 lets the operating system choose.
	RTPPortMin, RTPPortMax int
	// Resources are the MRCPv2 resources to allocate, in m-line order;
	// default speechrecog.
	Resources []string
	// Codecs are offered in order of preference. Each is an encoding name
	// with a static payload type ("PCMU", "PCMA", "G722"), or
	// "NAME/CLOCK" or "NAME/PT/CLOCK" for a dynamic one ("L16/96/8000").
	// Default "PCMU", "PCMA", "L16/96/8000", as mod_unimrcp offers.
	// telephone-event is added for every clock rate offered (RFC 4733).
	Codecs []string
	// Connection is the a=connection value of the control lines, "new"
	// (default) or "existing" (RFC 6787 §4.2). With "existing" the client
	// reuses a connection of this session to the answered address when
	// the server agrees, and opens one when it has none.
	Connection string
	// SIPClient, when set, is used instead of a client of the session's
	// own, so that many sessions share one SIP port; Close leaves it open.
	SIPClient *sip.Client
	// SessionExpires asks for RFC 4028 session refreshes; 0 leaves the
	// interval to the server. A shared SIPClient has its own setting.
	SessionExpires time.Duration
	// Logger receives the client's logs; nil discards them.
	Logger *slog.Logger
}

// Option defaults.
const (
	DefaultServer = "127.0.0.1:8060"
	defaultHost   = "127.0.0.1"
)

// defaultCodecs is the audio offer when Options.Codecs is empty: what
// mod_unimrcp offers for narrow-band calls.
var defaultCodecs = []string{"PCMU", "PCMA", "L16/96/8000"}

func (o Options) withDefaults() (Options, error) {
	if o.Server == "" {
		o.Server = DefaultServer
	}
	switch strings.ToLower(o.SIPTransport) {
	case "", "udp":
		o.SIPTransport = "udp"
	case "tcp":
		o.SIPTransport = "tcp"
	default:
		return o, fmt.Errorf("client: SIP transport %q is neither udp nor tcp", o.SIPTransport)
	}
	if o.LocalHost == "" {
		o.LocalHost = defaultHost
	}
	if net.ParseIP(o.LocalHost) == nil {
		return o, fmt.Errorf("client: local host %q is not an IP address", o.LocalHost)
	}
	if err := checkPortRange(o.RTPPortMin, o.RTPPortMax); err != nil {
		return o, err
	}
	if len(o.Resources) == 0 {
		o.Resources = []string{mrcp.ResourceSpeechRecog}
	} else {
		o.Resources = append([]string(nil), o.Resources...) // normalised below: not the caller's
	}
	seen := map[string]bool{}
	for i, r := range o.Resources {
		r = strings.ToLower(strings.TrimSpace(r))
		if err := checkResource(r); err != nil {
			return o, err
		}
		// RFC 6787 §4.2: one resource of each type per session.
		if seen[r] {
			return o, fmt.Errorf("client: resource %s requested twice", r)
		}
		seen[r] = true
		o.Resources[i] = r
	}
	if len(o.Codecs) == 0 {
		o.Codecs = defaultCodecs
	}
	switch strings.ToLower(o.Connection) {
	case "", sip.ConnectionNew:
		o.Connection = sip.ConnectionNew
	case sip.ConnectionExisting:
		o.Connection = sip.ConnectionExisting
	default:
		return o, fmt.Errorf("client: connection %q is neither new nor existing", o.Connection)
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o, nil
}

func checkPortRange(lo, hi int) error {
	switch {
	case lo == 0 && hi == 0:
		return nil
	case lo < 1 || hi > 65535 || lo > hi:
		return fmt.Errorf("client: RTP port range %d-%d is not within 1-65535", lo, hi)
	case lo+lo%2+1 > hi:
		return fmt.Errorf("client: RTP port range %d-%d holds no even/odd pair", lo, hi)
	}
	return nil
}

// checkResource accepts what an a=resource value may be: an alphanumeric
// resource type (RFC 6787 §4.2, §6.2.1). Unknown types are allowed, so that
// a server's refusal of them can be exercised.
func checkResource(r string) error {
	if r == "" {
		return errors.New("client: empty resource name")
	}
	for i := 0; i < len(r); i++ {
		c := r[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9') {
			return fmt.Errorf("client: resource %q is not alphanumeric", r)
		}
	}
	return nil
}
