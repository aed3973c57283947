//go:build linux

package rtp

import (
	"syscall"
	"time"
	"unsafe"
)

// readyBatch is how many readiness events one epoll_wait call returns.
const readyBatch = 256

// readiness tells a shard which of its sockets hold datagrams, so that a
// tick reads only those. Polling every socket costs one system call per
// socket per tick even when it is empty, which for silent streams was about
// half the per-stream budget (docs/performance-rtp.md). The epoll set is
// the shard's own and is level-triggered: a socket left with data (the
// per-tick cap) is reported again on the next tick.
type readiness struct {
	epfd   int
	events [readyBatch]syscall.EpollEvent
}

func newReadiness() (*readiness, error) {
	fd, err := syscall.EpollCreate1(syscall.EPOLL_CLOEXEC)
	if err != nil {
		return nil, err
	}
	return &readiness{epfd: fd}, nil
}

// watch adds both sockets of a stream, tagged with its id in the shard.
func (r *readiness) watch(s *Stream, id int) error {
	ev := syscall.EpollEvent{Events: syscall.EPOLLIN, Fd: int32(id << 1)}
	if err := syscall.EpollCtl(r.epfd, syscall.EPOLL_CTL_ADD, s.rtpSock.fd, &ev); err != nil {
		return err
	}
	ev.Fd = int32(id<<1 | 1)
	if err := syscall.EpollCtl(r.epfd, syscall.EPOLL_CTL_ADD, s.rtcpSock.fd, &ev); err != nil {
		_ = syscall.EpollCtl(r.epfd, syscall.EPOLL_CTL_DEL, s.rtpSock.fd, nil)
		return err
	}
	return nil
}

// unwatch removes the stream's sockets; it must run before they are closed.
func (r *readiness) unwatch(s *Stream) {
	_ = syscall.EpollCtl(r.epfd, syscall.EPOLL_CTL_DEL, s.rtpSock.fd, nil)
	_ = syscall.EpollCtl(r.epfd, syscall.EPOLL_CTL_DEL, s.rtcpSock.fd, nil)
}

// drainReady reads every readable socket of the shard. Each round drains
// the sockets it reports, so they drop out of the level-triggered set; the
// rounds are bounded because a socket flooded past the per-tick cap stays
// readable.
func (r *readiness) drainReady(sh *shard, now time.Time) error {
	rounds := 2 + 2*len(sh.streams)/readyBatch
	for range rounds {
		n, err := r.poll()
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return err
		}
		for _, ev := range r.events[:n] {
			id := int(ev.Fd >> 1)
			if id < len(sh.byID) && sh.byID[id] != nil {
				sh.drain(sh.byID[id], ev.Fd&1 == 1, now)
			}
		}
		if n < readyBatch {
			return nil
		}
	}
	return nil
}

// poll returns the events ready now. With a zero timeout epoll_pwait(2)
// cannot block, so it is made as a raw system call: the runtime's syscall
// entry would wake its sleeping sysmon thread on every tick of an idle
// process (docs/performance-rtp.md).
func (r *readiness) poll() (int, error) {
	n, _, e := syscall.RawSyscall6(syscall.SYS_EPOLL_PWAIT, uintptr(r.epfd),
		uintptr(unsafe.Pointer(&r.events[0])), readyBatch, 0, 0, 0)
	if e != 0 {
		return 0, e
	}
	return int(n), nil
}

func (r *readiness) close() error { return syscall.Close(r.epfd) }
