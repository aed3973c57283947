//go:build linux

package rtp

import (
	"errors"
	"net/netip"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

func newDatagramSocket(family int) (int, error) {
	return syscall.Socket(family, syscall.SOCK_DGRAM|syscall.SOCK_CLOEXEC, 0)
}

// readBatch is how many datagrams one recvmmsg call takes. A stream at
// 50 packets/s has one or two waiting per 20 ms tick; 8 covers bursts after
// a stall without making the shard's buffers large.
const readBatch = 8

// readBufSize holds any datagram of a 1500-byte MTU; larger ones are cut and
// counted as bad.
const readBufSize = 1500

const ctrlSize = 64

// cmsgDataOffset is CMSG_DATA's offset: the header rounded up to the word.
const cmsgDataOffset = (syscall.SizeofCmsghdr + unsafe.Sizeof(uintptr(0)) - 1) &^ (unsafe.Sizeof(uintptr(0)) - 1)

// mmsghdr is struct mmsghdr of recvmmsg(2), which package syscall lacks.
// The padding makes it a whole number of words on 64-bit platforms.
type mmsghdr struct {
	hdr syscall.Msghdr
	len uint32
	_   [unsafe.Sizeof(uintptr(0)) - 4]byte
}

// batchReader drains a socket with recvmmsg(2) and MSG_DONTWAIT: one system
// call returns everything queued (up to readBatch), or EAGAIN at once.
// One reader belongs to one shard and serves all its sockets in turn.
type batchReader struct {
	hdrs  [readBatch]mmsghdr
	iovs  [readBatch]syscall.Iovec
	names [readBatch]syscall.RawSockaddrInet6
	ctrl  [readBatch][ctrlSize]byte
	bufs  [readBatch][readBufSize]byte
}

func newBatchReader() *batchReader {
	b := &batchReader{}
	for i := range b.hdrs {
		b.iovs[i].Base = &b.bufs[i][0]
		b.iovs[i].SetLen(readBufSize)
		h := &b.hdrs[i].hdr
		h.Name = (*byte)(unsafe.Pointer(&b.names[i]))
		h.Iov = &b.iovs[i]
		h.Iovlen = 1
		h.Control = &b.ctrl[i][0]
	}
	return b
}

// read takes what the socket holds, up to readBatch datagrams. It returns 0
// and no error when the socket is empty.
func (b *batchReader) read(s *udpSocket) (int, error) {
	for i := range b.hdrs {
		h := &b.hdrs[i].hdr
		h.Namelen = syscall.SizeofSockaddrInet6
		h.SetControllen(ctrlSize)
		h.Flags = 0
	}
	// MSG_DONTWAIT cannot block, so this is a raw system call, without the
	// runtime's syscall entry and exit: those cost time per call and wake
	// the runtime's sysmon thread when it sleeps.
	r, _, e := syscall.RawSyscall6(syscall.SYS_RECVMMSG, uintptr(s.fd),
		uintptr(unsafe.Pointer(&b.hdrs[0])), readBatch, syscall.MSG_DONTWAIT, 0, 0)
	switch e {
	case 0:
		return int(r), nil
	case syscall.EAGAIN, syscall.EINTR:
		return 0, nil
	default:
		return 0, e
	}
}

// datagram returns the i-th datagram of the last read: its bytes (valid
// until the next read), source, kernel arrival time (zero if unknown), and
// whether it arrived whole.
func (b *batchReader) datagram(i int) (data []byte, from netip.AddrPort, arrival time.Time, whole bool) {
	m := &b.hdrs[i]
	data = b.bufs[i][:min(int(m.len), readBufSize)]
	whole = m.hdr.Flags&syscall.MSG_TRUNC == 0
	raw := &b.names[i]
	switch raw.Family {
	case syscall.AF_INET:
		sa := (*syscall.RawSockaddrInet4)(unsafe.Pointer(raw))
		p := (*[2]byte)(unsafe.Pointer(&sa.Port))
		from = netip.AddrPortFrom(netip.AddrFrom4(sa.Addr), uint16(p[0])<<8|uint16(p[1]))
	case syscall.AF_INET6:
		p := (*[2]byte)(unsafe.Pointer(&raw.Port))
		from = netip.AddrPortFrom(netip.AddrFrom16(raw.Addr).Unmap(), uint16(p[0])<<8|uint16(p[1]))
	}
	if int(m.hdr.Controllen) >= int(cmsgDataOffset)+int(unsafe.Sizeof(syscall.Timespec{})) {
		c := (*syscall.Cmsghdr)(unsafe.Pointer(&b.ctrl[i][0]))
		if c.Level == syscall.SOL_SOCKET && c.Type == syscall.SCM_TIMESTAMPNS {
			ts := (*syscall.Timespec)(unsafe.Pointer(&b.ctrl[i][cmsgDataOffset]))
			arrival = time.Unix(ts.Unix())
		}
	}
	return data, from, arrival, whole
}

// enableArrivalTimes asks the kernel to stamp each datagram on arrival, so
// that jitter is measured on the wire and not at the tick that drained it.
func (s *udpSocket) enableArrivalTimes() error {
	return syscall.SetsockoptInt(s.fd, syscall.SOL_SOCKET, syscall.SO_TIMESTAMPNS, 1)
}

// sockaddrBuf holds the destination of sendTo in the kernel's form; each
// stream keeps one, so that nothing is allocated per packet.
type sockaddrBuf struct {
	v4 syscall.RawSockaddrInet4
	v6 syscall.RawSockaddrInet6
}

var errNoRoute = errors.New("rtp: destination not reachable from this socket's address family")

// sendTo sends one datagram without blocking; a full socket buffer drops it
// with EAGAIN, which is better for live audio than stalling the shard. As
// for reads, the call is raw because it cannot block.
func (s *udpSocket) sendTo(b []byte, to netip.AddrPort, sa *sockaddrBuf) error {
	dst, ok := s.destination(to)
	if !ok {
		return errNoRoute
	}
	var e syscall.Errno
	if s.v6 {
		sa.v6 = syscall.RawSockaddrInet6{Family: syscall.AF_INET6, Addr: dst.Addr().As16()}
		putPort(&sa.v6.Port, dst.Port())
		_, _, e = syscall.RawSyscall6(unix.SYS_SENDTO, uintptr(s.fd), uintptr(unsafe.Pointer(unsafe.SliceData(b))), uintptr(len(b)),
			syscall.MSG_DONTWAIT, uintptr(unsafe.Pointer(&sa.v6)), syscall.SizeofSockaddrInet6)
	} else {
		sa.v4 = syscall.RawSockaddrInet4{Family: syscall.AF_INET, Addr: dst.Addr().As4()}
		putPort(&sa.v4.Port, dst.Port())
		_, _, e = syscall.RawSyscall6(unix.SYS_SENDTO, uintptr(s.fd), uintptr(unsafe.Pointer(unsafe.SliceData(b))), uintptr(len(b)),
			syscall.MSG_DONTWAIT, uintptr(unsafe.Pointer(&sa.v4)), syscall.SizeofSockaddrInet4)
	}
	if e != 0 {
		return e
	}
	return nil
}

// putPort stores a port in network byte order, as sockaddr_in wants it.
func putPort(dst *uint16, port uint16) {
	p := (*[2]byte)(unsafe.Pointer(dst))
	p[0], p[1] = byte(port>>8), byte(port)
}
