//go:build unix && !linux

package rtp

import "time"

// rtcpPollInterval is how often RTCP sockets are read where there is no
// epoll: reports come every few seconds.
const rtcpPollInterval = 500 * time.Millisecond

// readiness without epoll: every RTP socket is read every tick, RTCP
// sockets every rtcpPollInterval.
type readiness struct {
	nextRTCP time.Time
}

func newReadiness() (*readiness, error) { return &readiness{}, nil }

func (r *readiness) watch(*Stream, int) error { return nil }
func (r *readiness) unwatch(*Stream)          {}
func (r *readiness) close() error             { return nil }

func (r *readiness) drainReady(sh *shard, now time.Time) error {
	rtcp := !now.Before(r.nextRTCP)
	if rtcp {
		r.nextRTCP = now.Add(rtcpPollInterval)
	}
	for _, s := range sh.streams {
		sh.drain(s, false, now)
		if rtcp {
			sh.drain(s, true, now)
		}
	}
	return nil
}
