package sip

import (
	"reflect"
	"strings"
	"testing"

	"github.com/emiago/sipgo/sip"
)

func TestHeaderHelpers(t *testing.T) {
	req := sip.NewRequest(sip.INVITE, sip.Uri{Scheme: "sip", Host: "192.0.2.1"})
	req.AppendHeader(sip.NewHeader("Require", "timer, 100rel"))
	req.AppendHeader(sip.NewHeader("Require", "X-Foo"))
	req.AppendHeader(sip.NewHeader("Allow", "INVITE, ACK, BYE, UPDATE"))
	req.AppendHeader(sip.NewHeader("Content-Type", "Application/SDP; charset=utf-8"))
	if got := unsupportedRequires(req); !reflect.DeepEqual(got, []string{"100rel", "x-foo"}) {
		t.Fatalf("unsupportedRequires = %v", got)
	}
	if !methodAllowed(req, "update") || methodAllowed(req, "INFO") {
		t.Fatal("methodAllowed")
	}
	if isSDP, ok := bodyIsSDP(req); !isSDP || !ok {
		t.Fatal("application/sdp with a parameter not recognised")
	}
	plain := sip.NewRequest(sip.INVITE, sip.Uri{Scheme: "sip", Host: "192.0.2.1"})
	if _, ok := bodyIsSDP(plain); ok {
		t.Fatal("missing Content-Type reported present")
	}
	plain.AppendHeader(sip.NewHeader("c", "text/plain"))
	if isSDP, ok := bodyIsSDP(plain); isSDP || !ok {
		t.Fatal("compact Content-Type text/plain taken for SDP")
	}
	if !acceptsSDP(plain) {
		t.Fatal("no Accept must mean application/sdp")
	}
	plain.AppendHeader(sip.NewHeader("Accept", "text/plain"))
	if acceptsSDP(plain) {
		t.Fatal("Accept: text/plain taken as SDP")
	}
}

func TestReasonPhrase(t *testing.T) {
	if got := reasonPhrase(488, ""); got != "Not Acceptable Here" {
		t.Fatalf("got %q", got)
	}
	if got := reasonPhrase(488, "no common\r\nX-Evil: 1"); strings.ContainsAny(got, "\r\n") {
		t.Fatalf("line break kept: %q", got)
	}
	if got := reasonPhrase(599, strings.Repeat("é", 100)); len(got) > 120 || !strings.HasPrefix(got, "é") {
		t.Fatalf("long reason not cut cleanly: %q", got)
	}
	if got := reasonPhrase(699, " "); got != "Global Failure" {
		t.Fatalf("got %q", got)
	}
}
