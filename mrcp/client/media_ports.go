package client

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/netip"
)

// ephemeralTries bounds the search for an even/odd pair among the ports the
// operating system hands out.
const ephemeralTries = 64

// bindPortPair binds the RTP socket on an even port and the RTCP socket on
// the port above (RFC 3550 §11): within [lo, hi] starting at a random pair,
// so that concurrent sessions rarely contend, or anywhere when both are 0.
func bindPortPair(host netip.Addr, lo, hi int) (rtpConn, rtcpConn *net.UDPConn, err error) {
	if lo == 0 && hi == 0 {
		return bindEphemeralPair(host)
	}
	first := lo + lo%2
	pairs := (hi - first + 1) / 2
	if pairs <= 0 {
		return nil, nil, fmt.Errorf("client: RTP port range %d-%d holds no even/odd pair", lo, hi)
	}
	start := rand.IntN(pairs)
	var lastErr error
	for i := range pairs {
		port := first + 2*((start+i)%pairs)
		rtpConn, rtcpConn, err := bindPair(host, port)
		if err == nil {
			return rtpConn, rtcpConn, nil
		}
		lastErr = err
	}
	return nil, nil, fmt.Errorf("client: no free RTP port pair in %d-%d: %w", lo, hi, lastErr)
}

func bindEphemeralPair(host netip.Addr) (*net.UDPConn, *net.UDPConn, error) {
	var lastErr error
	for range ephemeralTries {
		probe, err := net.ListenUDP("udp", net.UDPAddrFromAddrPort(netip.AddrPortFrom(host, 0)))
		if err != nil {
			return nil, nil, fmt.Errorf("client: bind RTP: %w", err)
		}
		port := probe.LocalAddr().(*net.UDPAddr).Port
		if port%2 == 0 && port < 65535 {
			rtcp, err := net.ListenUDP("udp", net.UDPAddrFromAddrPort(netip.AddrPortFrom(host, uint16(port+1))))
			if err == nil {
				return probe, rtcp, nil
			}
			lastErr = err
		}
		probe.Close()
	}
	if lastErr == nil {
		lastErr = errors.New("only odd ports were handed out")
	}
	return nil, nil, fmt.Errorf("client: no free even/odd RTP port pair after %d tries: %w", ephemeralTries, lastErr)
}

func bindPair(host netip.Addr, port int) (*net.UDPConn, *net.UDPConn, error) {
	rtpConn, err := net.ListenUDP("udp", net.UDPAddrFromAddrPort(netip.AddrPortFrom(host, uint16(port))))
	if err != nil {
		return nil, nil, err
	}
	rtcpConn, err := net.ListenUDP("udp", net.UDPAddrFromAddrPort(netip.AddrPortFrom(host, uint16(port+1))))
	if err != nil {
		rtpConn.Close()
		return nil, nil, err
	}
	return rtpConn, rtcpConn, nil
}
