package sip

import (
	"fmt"
	"mime"
	"strconv"
	"strings"
	"time"

	"github.com/emiago/sipgo/sip"
)

// What we tell peers about ourselves (RFC 3261 §20.5, §20.37, RFC 4028).
const (
	allowedMethods  = "INVITE, ACK, CANCEL, BYE, OPTIONS, UPDATE"
	supportedTags   = "timer"
	contentTypeSDP  = "application/sdp"
	optionTagTimer  = "timer"
	maxDeltaSeconds = 1 << 31
)

// headerValues returns the values of every header called name or its
// compact form (RFC 3261 §7.3.3), which sipgo keeps under the name as
// received.
func headerValues(m sip.Message, name, compact string) []string {
	var out []string
	for _, h := range m.GetHeaders(name) {
		out = append(out, h.Value())
	}
	if compact != "" {
		for _, h := range m.GetHeaders(compact) {
			out = append(out, h.Value())
		}
	}
	return out
}

// optionTags returns the comma separated tokens of every header called
// name or compact, lower-cased.
func optionTags(m sip.Message, name, compact string) []string {
	var out []string
	for _, v := range headerValues(m, name, compact) {
		for _, t := range strings.Split(v, ",") {
			if t = strings.ToLower(strings.TrimSpace(t)); t != "" {
				out = append(out, t)
			}
		}
	}
	return out
}

func hasOptionTag(m sip.Message, name, compact, tag string) bool {
	for _, t := range optionTags(m, name, compact) {
		if t == tag {
			return true
		}
	}
	return false
}

// unsupportedRequires lists the option tags a request requires that we do
// not implement (RFC 3261 §8.2.2.3).
func unsupportedRequires(req *sip.Request) []string {
	var out []string
	for _, t := range optionTags(req, "Require", "") {
		if t != optionTagTimer {
			out = append(out, t)
		}
	}
	return out
}

// methodAllowed reports whether the Allow header of m lists method. A
// message without Allow says nothing, and RFC 3261 §20.5 lets us assume
// only the basic methods then.
func methodAllowed(m sip.Message, method string) bool {
	for _, t := range optionTags(m, "Allow", "") {
		if strings.EqualFold(t, method) {
			return true
		}
	}
	return false
}

// bodyIsSDP reports whether the Content-Type of m is application/sdp,
// parameters aside. ok is false when the header is missing.
func bodyIsSDP(m sip.Message) (isSDP, ok bool) {
	vals := headerValues(m, "Content-Type", "c")
	if len(vals) == 0 {
		return false, false
	}
	mt, _, err := mime.ParseMediaType(vals[0])
	if err != nil {
		return false, true
	}
	return mt == contentTypeSDP, true
}

// parseDeltaSeconds parses the delta-seconds of Session-Expires and Min-SE
// (RFC 4028 §4, §5).
func parseDeltaSeconds(s string) (time.Duration, error) {
	n, err := strconv.ParseUint(strings.TrimSpace(s), 10, 32)
	if err != nil || n == 0 || n >= maxDeltaSeconds {
		return 0, fmt.Errorf("%q is not a positive number of seconds", s)
	}
	return time.Duration(n) * time.Second, nil
}

// parseSessionExpires parses "delta-seconds *(;se-params)" (RFC 4028 §4).
func parseSessionExpires(v string) (time.Duration, string, error) {
	parts := strings.Split(v, ";")
	d, err := parseDeltaSeconds(parts[0])
	if err != nil {
		return 0, "", fmt.Errorf("Session-Expires: %v", err)
	}
	var refresher string
	for _, p := range parts[1:] {
		k, val, _ := strings.Cut(strings.TrimSpace(p), "=")
		if !strings.EqualFold(strings.TrimSpace(k), "refresher") {
			continue
		}
		switch r := strings.ToLower(strings.TrimSpace(val)); r {
		case refresherUAC, refresherUAS:
			refresher = r
		default:
			return 0, "", fmt.Errorf("Session-Expires: refresher %q", val)
		}
	}
	return d, refresher, nil
}

func seconds(d time.Duration) string {
	return strconv.FormatInt(int64(d/time.Second), 10)
}

func sessionExpiresValue(st sessionTimer) string {
	return seconds(st.Interval) + ";refresher=" + st.Refresher
}
