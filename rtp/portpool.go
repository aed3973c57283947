package rtp

import (
	"errors"
	"fmt"
	"net/netip"
	"sync"
	"sync/atomic"
)

// ErrPortsExhausted is returned by PortPool.Allocate when no port pair of the
// range is free and bindable.
var ErrPortsExhausted = errors.New("rtp: no free RTP/RTCP port pair")

// PortPoolOptions configures a PortPool. Zero values take the defaults.
type PortPoolOptions struct {
	// Host is the local address to bind; default 0.0.0.0.
	Host netip.Addr
	// Min and Max bound the ports used, inclusive; default 5000-6000.
	// RTP takes the even ports, RTCP the odd port above (RFC 3550 §11).
	Min, Max int
}

// PortPool hands out RTP/RTCP socket pairs from a port range. It is safe for
// concurrent use; it is touched at call set-up and tear-down only.
type PortPool struct {
	host netip.Addr
	min  int
	max  int

	mu    sync.Mutex
	free  []int        // even RTP ports, least recently released first
	inUse map[int]bool // RTP port -> allocated
}

// NewPortPool validates the options and returns a pool covering the range.
func NewPortPool(opts PortPoolOptions) (*PortPool, error) {
	if !opts.Host.IsValid() {
		opts.Host = netip.IPv4Unspecified()
	}
	if opts.Min == 0 && opts.Max == 0 {
		opts.Min, opts.Max = 5000, 6000
	}
	first := opts.Min + opts.Min%2
	if opts.Min < 1 || opts.Max > 65535 || first+1 > opts.Max {
		return nil, fmt.Errorf("rtp: port range %d-%d holds no even/odd pair", opts.Min, opts.Max)
	}
	p := &PortPool{host: opts.Host.Unmap(), min: opts.Min, max: opts.Max, inUse: make(map[int]bool)}
	for port := first; port+1 <= opts.Max; port += 2 {
		p.free = append(p.free, port)
	}
	return p, nil
}

// Host is the address the pool binds.
func (p *PortPool) Host() netip.Addr { return p.host }

// Size is the number of port pairs in the range.
func (p *PortPool) Size() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.free) + len(p.inUse)
}

// Available is the number of pairs not allocated now.
func (p *PortPool) Available() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.free)
}

// PortPair is a bound RTP socket and the RTCP socket on the port above.
type PortPair struct {
	rtp, rtcp *udpSocket
	port      int
	pool      *PortPool
	once      sync.Once
	// owner is the Stream using the pair; releasing the pair closes it
	// first, so that no engine shard reads a closed (or reused) descriptor.
	owner atomic.Pointer[Stream]
}

// Port is the RTP port; RTCP is on Port()+1.
func (pp *PortPair) Port() int { return pp.port }

// Allocate binds the least recently used free pair. Pairs whose ports are
// taken by another process are skipped and stay in the pool for later.
func (p *PortPool) Allocate() (*PortPair, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	var lastErr error
	for range len(p.free) {
		port := p.free[0]
		p.free = p.free[1:]
		rtp, err := listenUDP(p.host, port)
		if err != nil {
			lastErr = err
			p.free = append(p.free, port)
			continue
		}
		rtcp, err := listenUDP(p.host, port+1)
		if err == nil {
			err = errors.Join(rtp.setBuffers(rtpRecvBuffer, rtpSendBuffer), rtcp.setBuffers(rtcpRecvBuffer, rtcpSendBuffer))
			if err != nil {
				_ = rtcp.close()
			}
		}
		if err != nil {
			lastErr = err
			_ = rtp.close()
			p.free = append(p.free, port)
			continue
		}
		p.inUse[port] = true
		return &PortPair{rtp: rtp, rtcp: rtcp, port: port, pool: p}, nil
	}
	if lastErr != nil {
		return nil, fmt.Errorf("%w in %s:%d-%d (last error: %v)", ErrPortsExhausted, p.host, p.min, p.max, lastErr)
	}
	return nil, fmt.Errorf("%w in %s:%d-%d: all %d pairs in use", ErrPortsExhausted, p.host, p.min, p.max, len(p.inUse))
}

// Release closes both sockets and returns the pair to the back of the pool,
// so that a port is reused as late as possible and stray packets of an old
// call rarely reach a new one. A Stream using the pair is closed first.
// Releasing twice is harmless.
func (p *PortPool) Release(pp *PortPair) error {
	if pp == nil || pp.pool != p {
		return errors.New("rtp: port pair does not belong to this pool")
	}
	return pp.Release()
}

// Release is PortPool.Release of the pool the pair came from.
func (pp *PortPair) Release() error {
	if s := pp.owner.Load(); s != nil {
		return s.Close()
	}
	return pp.free()
}

// free closes the sockets and gives the port back, once.
func (pp *PortPair) free() error {
	var err error
	pp.once.Do(func() {
		err = errors.Join(pp.rtp.close(), pp.rtcp.close())
		if p := pp.pool; p != nil {
			p.mu.Lock()
			defer p.mu.Unlock()
			delete(p.inUse, pp.port)
			p.free = append(p.free, pp.port)
		}
	})
	return err
}
