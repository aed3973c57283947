package sip

import (
	"fmt"
	"log/slog"
	"net"
	"strings"
	"time"
)

// DefaultPort is the port UniMRCP-based clients expect a speech server's
// SIP on, for both UDP and TCP.
const DefaultPort = 8060

// PortAny asks the operating system for a free port.
const PortAny = -1

// Config configures a Server. The zero value listens on all interfaces,
// port 8060 for UDP and TCP.
type Config struct {
	// BindHost is the address to listen on; "" means all interfaces.
	BindHost string
	// UDPPort and TCPPort: 0 means DefaultPort, PortAny an ephemeral port.
	UDPPort int
	TCPPort int
	// AdvertiseHost goes into Contact and Via. When empty the bind address
	// is used, or, when that is a wildcard, the host the client addressed
	// in its Request-URI (it reached us, so it is routable for that client).
	AdvertiseHost string
	// UserAgent is sent in Server and User-Agent headers; default "mrcpd".
	UserAgent string
	// SessionExpires is the RFC 4028 session interval we ask a UAC that
	// supports timers to refresh within; 0 means 600 s, negative disables
	// the timers we would start ourselves (a UAC's own request is still
	// honoured).
	SessionExpires time.Duration
	// MinSE is the smallest session interval accepted; 0 means 90 s, the
	// RFC 4028 floor. Tests set it lower.
	MinSE time.Duration
	// MaxMessageSize bounds a SIP message; 0 means 65535 bytes.
	MaxMessageSize int
	// Capabilities, when set, is the SDP body of OPTIONS answers
	// (RFC 6787 §7).
	Capabilities *Capabilities
	// T1 is the RFC 3261 round-trip estimate that paces our 2xx
	// retransmissions; ACK is awaited for 64*T1. 0 means 500 ms.
	T1 time.Duration
	// Logger receives our logs; nil discards them.
	Logger *slog.Logger
}

func (c Config) withDefaults() (Config, error) {
	if c.UDPPort == 0 {
		c.UDPPort = DefaultPort
	}
	if c.TCPPort == 0 {
		c.TCPPort = DefaultPort
	}
	for _, p := range []int{c.UDPPort, c.TCPPort} {
		if p != PortAny && (p < 1 || p > 65535) {
			return c, fmt.Errorf("sip: port %d out of range", p)
		}
	}
	if c.BindHost != "" && net.ParseIP(c.BindHost) == nil {
		return c, fmt.Errorf("sip: bind host %q is not an IP address", c.BindHost)
	}
	if c.UserAgent == "" {
		c.UserAgent = "mrcpd"
	}
	if strings.ContainsAny(c.UserAgent+c.AdvertiseHost, "\r\n\x00") {
		return c, fmt.Errorf("sip: user agent or advertised host contains a line break")
	}
	if strings.ContainsAny(c.AdvertiseHost, " ;,<>\"") {
		return c, fmt.Errorf("sip: advertised host %q is not a host name", c.AdvertiseHost)
	}
	if c.SessionExpires == 0 {
		c.SessionExpires = 600 * time.Second
	}
	if c.MinSE == 0 {
		c.MinSE = rfc4028MinSE
	}
	// RFC 4028 carries whole seconds.
	c.SessionExpires = c.SessionExpires.Truncate(time.Second)
	c.MinSE = c.MinSE.Truncate(time.Second)
	if c.MinSE < time.Second {
		return c, fmt.Errorf("sip: Min-SE %s is below one second", c.MinSE)
	}
	if c.SessionExpires > 0 && c.SessionExpires < c.MinSE {
		return c, fmt.Errorf("sip: session expires %s below Min-SE %s", c.SessionExpires, c.MinSE)
	}
	if c.MaxMessageSize == 0 {
		c.MaxMessageSize = 65535
	}
	if c.MaxMessageSize < 1024 {
		return c, fmt.Errorf("sip: max message size %d is too small", c.MaxMessageSize)
	}
	if c.T1 == 0 {
		c.T1 = 500 * time.Millisecond
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c, nil
}

func listenPort(p int) int {
	if p == PortAny {
		return 0
	}
	return p
}
