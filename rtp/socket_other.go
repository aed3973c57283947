//go:build unix && !linux

package rtp

import (
	"errors"
	"net/netip"
	"syscall"
	"time"
)

func newDatagramSocket(family int) (int, error) {
	syscall.ForkLock.RLock()
	defer syscall.ForkLock.RUnlock()
	fd, err := syscall.Socket(family, syscall.SOCK_DGRAM, 0)
	if err == nil {
		syscall.CloseOnExec(fd)
	}
	return fd, err
}

const (
	readBatch   = 1
	readBufSize = 1500
)

// batchReader is the portable form: one recvfrom(2) with MSG_DONTWAIT per
// datagram. It allocates for the source address, which the Linux form
// avoids; the performance figures hold for Linux.
type batchReader struct {
	buf  [readBufSize + 1]byte
	n    int
	from netip.AddrPort
}

func newBatchReader() *batchReader { return &batchReader{} }

func (b *batchReader) read(s *udpSocket) (int, error) {
	n, sa, err := syscall.Recvfrom(s.fd, b.buf[:], syscall.MSG_DONTWAIT)
	if err == syscall.EAGAIN || err == syscall.EINTR {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	b.n, b.from = n, netip.AddrPort{}
	switch a := sa.(type) {
	case *syscall.SockaddrInet4:
		b.from = netip.AddrPortFrom(netip.AddrFrom4(a.Addr), uint16(a.Port))
	case *syscall.SockaddrInet6:
		b.from = netip.AddrPortFrom(netip.AddrFrom16(a.Addr).Unmap(), uint16(a.Port))
	}
	return 1, nil
}

func (b *batchReader) datagram(int) (data []byte, from netip.AddrPort, arrival time.Time, whole bool) {
	n := min(b.n, readBufSize)
	return b.buf[:n], b.from, time.Time{}, b.n <= readBufSize
}

func (s *udpSocket) enableArrivalTimes() error { return nil }

type sockaddrBuf struct{}

var errNoRoute = errors.New("rtp: destination not reachable from this socket's address family")

func (s *udpSocket) sendTo(b []byte, to netip.AddrPort, _ *sockaddrBuf) error {
	dst, ok := s.destination(to)
	if !ok {
		return errNoRoute
	}
	var sa syscall.Sockaddr
	if s.v6 {
		sa = &syscall.SockaddrInet6{Port: int(dst.Port()), Addr: dst.Addr().As16()}
	} else {
		sa = &syscall.SockaddrInet4{Port: int(dst.Port()), Addr: dst.Addr().As4()}
	}
	return syscall.Sendto(s.fd, b, syscall.MSG_DONTWAIT, sa)
}
