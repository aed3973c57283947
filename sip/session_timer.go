package sip

import (
	"errors"
	"fmt"
	"time"

	"github.com/emiago/sipgo/sip"
)

const (
	refresherUAC = "uac"
	refresherUAS = "uas"

	// rfc4028MinSE is the smallest Min-SE RFC 4028 §4 allows on the wire.
	rfc4028MinSE = 90 * time.Second
)

// sessionTimer is the outcome of an RFC 4028 negotiation. A zero Interval
// means the session has no timer.
type sessionTimer struct {
	Interval  time.Duration
	Refresher string // refresherUAC or refresherUAS
}

// timerRequest is what a refresh-capable request says about session timers.
type timerRequest struct {
	Expires   time.Duration // Session-Expires, 0 when absent
	Refresher string        // its refresher parameter, "" when absent
	MinSE     time.Duration // Min-SE, 0 when absent
	Supported bool          // the UAC lists "timer" in Supported or Require
}

// timerPolicy is the server's side of the negotiation.
type timerPolicy struct {
	Expires time.Duration // interval we want; <= 0 means we start none
	MinSE   time.Duration // smallest interval we accept
}

// errIntervalTooSmall asks for a 422 carrying Min-SE (RFC 4028 §9).
type errIntervalTooSmall struct{ min time.Duration }

func (e errIntervalTooSmall) Error() string {
	return fmt.Sprintf("session interval below our minimum of %s", e.min)
}

func readTimerRequest(req *sip.Request) (timerRequest, error) {
	var tr timerRequest
	if vals := headerValues(req, "Session-Expires", "x"); len(vals) > 0 {
		var err error
		if tr.Expires, tr.Refresher, err = parseSessionExpires(vals[0]); err != nil {
			return tr, err
		}
	}
	if vals := headerValues(req, "Min-SE", ""); len(vals) > 0 {
		v, _, _ := cutParams(vals[0])
		d, err := parseDeltaSeconds(v)
		if err != nil {
			return tr, fmt.Errorf("Min-SE: %v", err)
		}
		tr.MinSE = d
	}
	tr.Supported = hasOptionTag(req, "Supported", "k", optionTagTimer) ||
		hasOptionTag(req, "Require", "", optionTagTimer)
	return tr, nil
}

// negotiateTimer applies RFC 4028 §9 (UAS behaviour) to a request.
func negotiateTimer(r timerRequest, p timerPolicy) (sessionTimer, error) {
	if r.Expires > 0 && r.Expires < p.MinSE {
		return sessionTimer{}, errIntervalTooSmall{min: p.MinSE}
	}
	floor := max(p.MinSE, r.MinSE)
	if r.Expires == 0 {
		// The UAC asked for nothing. If it can refresh we ask it to; a UAC
		// without timer support would leave the refreshing to us, and a
		// speech server has no reason to keep such a session alive.
		if !r.Supported || p.Expires <= 0 {
			return sessionTimer{}, nil
		}
		return sessionTimer{Interval: max(p.Expires, floor), Refresher: refresherUAC}, nil
	}
	iv := r.Expires
	// §9: the UAS may shorten the interval, never below Min-SE.
	if p.Expires > 0 && p.Expires < iv {
		iv = max(p.Expires, floor)
	}
	refresher := r.Refresher
	switch {
	case !r.Supported:
		// The UAC cannot refresh; a proxy put the header in.
		refresher = refresherUAS
	case refresher == "":
		refresher = refresherUAC
	}
	return sessionTimer{Interval: iv, Refresher: refresher}, nil
}

// timerFromResponse reads the interval a 2xx response to our refresh or
// INVITE granted (RFC 4028 §7.2). No Session-Expires means no timer.
func timerFromResponse(res *sip.Response, defaultRefresher string) (sessionTimer, error) {
	vals := headerValues(res, "Session-Expires", "x")
	if len(vals) == 0 {
		return sessionTimer{}, nil
	}
	iv, refresher, err := parseSessionExpires(vals[0])
	if err != nil {
		return sessionTimer{}, err
	}
	if refresher == "" {
		refresher = defaultRefresher
	}
	return sessionTimer{Interval: iv, Refresher: refresher}, nil
}

// expiryDelay is when the side that does not refresh gives up: RFC 4028
// §10 recommends the interval minus the lesser of 32 s and a third of it.
func expiryDelay(iv time.Duration) time.Duration {
	return iv - min(32*time.Second, iv/3)
}

// refreshDelay is when the refresher sends its refresh: half the interval
// (RFC 4028 §10).
func refreshDelay(iv time.Duration) time.Duration {
	return iv / 2
}

func cutParams(v string) (value, params string, ok bool) {
	for i := 0; i < len(v); i++ {
		if v[i] == ';' {
			return v[:i], v[i+1:], true
		}
	}
	return v, "", false
}

func isTooSmall(err error) (time.Duration, bool) {
	var e errIntervalTooSmall
	if errors.As(err, &e) {
		return e.min, true
	}
	return 0, false
}
