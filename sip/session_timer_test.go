package sip

import (
	"testing"
	"time"

	"github.com/emiago/sipgo/sip"
)

func TestNegotiateTimer(t *testing.T) {
	policy := timerPolicy{Expires: 600 * time.Second, MinSE: 90 * time.Second}
	s := time.Second
	for _, tc := range []struct {
		name   string
		req    timerRequest
		policy timerPolicy
		want   sessionTimer
		tooLow time.Duration
	}{
		{"UniMRCP: timer supported, nothing asked", timerRequest{Supported: true}, policy, sessionTimer{600 * s, refresherUAC}, 0},
		{"no timer support, nothing asked", timerRequest{}, policy, sessionTimer{}, 0},
		{"policy disabled", timerRequest{Supported: true}, timerPolicy{Expires: -1, MinSE: 90 * s}, sessionTimer{}, 0},
		{"asked interval kept", timerRequest{Expires: 300 * s, Supported: true}, policy, sessionTimer{300 * s, refresherUAC}, 0},
		{"long interval shortened", timerRequest{Expires: 3600 * s, Supported: true}, policy, sessionTimer{600 * s, refresherUAC}, 0},
		{"shortened no lower than the UAC Min-SE", timerRequest{Expires: 3600 * s, MinSE: 900 * s, Supported: true}, policy, sessionTimer{900 * s, refresherUAC}, 0},
		{"UAC wants us to refresh", timerRequest{Expires: 300 * s, Refresher: refresherUAS, Supported: true}, policy, sessionTimer{300 * s, refresherUAS}, 0},
		{"UAC without support: we refresh", timerRequest{Expires: 300 * s, Refresher: refresherUAC}, policy, sessionTimer{300 * s, refresherUAS}, 0},
		{"too small", timerRequest{Expires: 30 * s, Supported: true}, policy, sessionTimer{}, 90 * s},
		{"UAC Min-SE raises our default", timerRequest{MinSE: 1800 * s, Supported: true}, policy, sessionTimer{1800 * s, refresherUAC}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := negotiateTimer(tc.req, tc.policy)
			if tc.tooLow != 0 {
				if m, ok := isTooSmall(err); !ok || m != tc.tooLow {
					t.Fatalf("got %v, %v; want 422 with Min-SE %s", got, err, tc.tooLow)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("got %+v, %v; want %+v", got, err, tc.want)
			}
		})
	}
}

func TestReadTimerRequest(t *testing.T) {
	req := sip.NewRequest(sip.INVITE, sip.Uri{Scheme: "sip", Host: "192.0.2.1"})
	req.AppendHeader(sip.NewHeader("x", "1800;refresher=UAS"))
	req.AppendHeader(sip.NewHeader("Min-SE", "120;x-param=1"))
	req.AppendHeader(sip.NewHeader("k", "100rel, Timer"))
	tr, err := readTimerRequest(req)
	if err != nil {
		t.Fatal(err)
	}
	want := timerRequest{Expires: 1800 * time.Second, Refresher: refresherUAS, MinSE: 120 * time.Second, Supported: true}
	if tr != want {
		t.Fatalf("got %+v, want %+v", tr, want)
	}

	for _, bad := range [][2]string{
		{"Session-Expires", "soon"},
		{"Session-Expires", "0"},
		{"Session-Expires", "90;refresher=proxy"},
		{"Session-Expires", "99999999999"},
		{"Min-SE", "-5"},
	} {
		r := sip.NewRequest(sip.INVITE, sip.Uri{Scheme: "sip", Host: "192.0.2.1"})
		r.AppendHeader(sip.NewHeader(bad[0], bad[1]))
		if _, err := readTimerRequest(r); err == nil {
			t.Errorf("%s: %s accepted", bad[0], bad[1])
		}
	}
}

func TestTimerDelays(t *testing.T) {
	// RFC 4028 §10: BYE at interval minus min(32 s, interval/3).
	for iv, want := range map[time.Duration]time.Duration{
		600 * time.Second: 568 * time.Second,
		90 * time.Second:  60 * time.Second,
		3 * time.Second:   2 * time.Second,
	} {
		if got := expiryDelay(iv); got != want {
			t.Errorf("expiryDelay(%s) = %s, want %s", iv, got, want)
		}
	}
	if refreshDelay(600*time.Second) != 300*time.Second {
		t.Error("refresh is not at half the interval")
	}
}
