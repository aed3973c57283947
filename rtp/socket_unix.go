//go:build unix

package rtp

import (
	"fmt"
	"net/netip"
	"syscall"
)

// udpSocket is a UDP socket made with socket(2) and kept away from the Go
// runtime's netpoller. A registered socket makes every arriving datagram an
// epoll event that wakes the scheduler, although the tick-driven engine
// never waits on it; that made the same tick loop about half again as
// expensive (docs/performance-rtp.md). All I/O on it uses MSG_DONTWAIT.
type udpSocket struct {
	fd   int
	port int
	v6   bool
}

// listenUDP binds a socket to addr:port.
func listenUDP(addr netip.Addr, port int) (*udpSocket, error) {
	addr = addr.Unmap()
	family := syscall.AF_INET
	if addr.Is6() {
		family = syscall.AF_INET6
	}
	fd, err := newDatagramSocket(family)
	if err != nil {
		return nil, fmt.Errorf("rtp: socket: %w", err)
	}
	var sa syscall.Sockaddr
	if addr.Is6() {
		sa = &syscall.SockaddrInet6{Port: port, Addr: addr.As16()}
	} else {
		sa = &syscall.SockaddrInet4{Port: port, Addr: addr.As4()}
	}
	if err := syscall.Bind(fd, sa); err != nil {
		_ = syscall.Close(fd)
		return nil, fmt.Errorf("rtp: bind %s: %w", netip.AddrPortFrom(addr, uint16(port)), err)
	}
	bound, err := syscall.Getsockname(fd)
	if err != nil {
		_ = syscall.Close(fd)
		return nil, fmt.Errorf("rtp: getsockname: %w", err)
	}
	s := &udpSocket{fd: fd, v6: addr.Is6()}
	switch b := bound.(type) {
	case *syscall.SockaddrInet4:
		s.port = b.Port
	case *syscall.SockaddrInet6:
		s.port = b.Port
	}
	return s, nil
}

// Socket buffer sizes asked of the kernel. Linux doubles them for its own
// accounting, in which a small datagram counts far above its length (832
// bytes for 172 on loopback, 2-4 KB behind many NIC drivers). They are
// kernel memory, not the process's, and taken only by datagrams that wait,
// but they bound what a stalled shard or a flood pins per socket, whatever
// the host's net.core.rmem_default (raised to megabytes on hosts tuned for
// bulk transfer, times thousands of sockets).
const (
	// rtpRecvBuffer, about the usual default, keeps 230 loopback datagrams
	// or one to two seconds of 50 packets/s at NIC accounting: several
	// ticks of the per-tick read cap (maxBatchesPerTick × readBatch).
	rtpRecvBuffer = 96 << 10
	// rtpSendBuffer covers the pacer's largest burst, maxCatchUp of
	// frames, many times over while the NIC has not sent them yet.
	rtpSendBuffer = 64 << 10
	// RTCP carries a compound packet every few seconds each way.
	rtcpRecvBuffer = 16 << 10
	rtcpSendBuffer = 16 << 10
)

// setBuffers sets the socket's receive and send buffer sizes.
func (s *udpSocket) setBuffers(recv, send int) error {
	if err := syscall.SetsockoptInt(s.fd, syscall.SOL_SOCKET, syscall.SO_RCVBUF, recv); err != nil {
		return fmt.Errorf("rtp: SO_RCVBUF: %w", err)
	}
	if err := syscall.SetsockoptInt(s.fd, syscall.SOL_SOCKET, syscall.SO_SNDBUF, send); err != nil {
		return fmt.Errorf("rtp: SO_SNDBUF: %w", err)
	}
	return nil
}

func (s *udpSocket) close() error { return syscall.Close(s.fd) }

// localAddr is the bound address, for tests and logs.
func (s *udpSocket) localAddr() netip.AddrPort {
	sa, err := syscall.Getsockname(s.fd)
	if err != nil {
		return netip.AddrPort{}
	}
	switch b := sa.(type) {
	case *syscall.SockaddrInet4:
		return netip.AddrPortFrom(netip.AddrFrom4(b.Addr), uint16(b.Port))
	case *syscall.SockaddrInet6:
		return netip.AddrPortFrom(netip.AddrFrom16(b.Addr), uint16(b.Port))
	}
	return netip.AddrPort{}
}

// destination turns an address into the form the socket's family takes:
// IPv4 for an IPv4 socket, IPv4-mapped IPv6 for an IPv6 one.
func (s *udpSocket) destination(to netip.AddrPort) (netip.AddrPort, bool) {
	a := to.Addr().Unmap()
	if s.v6 {
		if a.Is4() {
			a = netip.AddrFrom16(a.As16())
		}
		return netip.AddrPortFrom(a, to.Port()), true
	}
	return netip.AddrPortFrom(a, to.Port()), a.Is4()
}
