package sip

import (
	"reflect"
	"strings"
	"testing"
)

func TestCapabilitiesRoundTrip(t *testing.T) {
	c := &Capabilities{
		Resources: []string{"speechsynth", "speechrecog"},
		Formats: []Format{
			{PayloadType: 0, Name: "PCMU", ClockRate: 8000, Channels: 1},
			{PayloadType: 8, Name: "PCMA", ClockRate: 8000, Channels: 1},
			{PayloadType: 101, Name: "telephone-event", ClockRate: 8000, Channels: 1, Fmtp: "0-15"},
		},
		Address: "192.0.2.20",
	}
	b, err := c.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"m=application 0 TCP/MRCPv2 1\r\na=resource:speechsynth\r\na=resource:speechrecog\r\n",
		"m=audio 0 RTP/AVP 0 8 101\r\n",
		"c=IN IP4 192.0.2.20\r\n",
	} {
		if !strings.Contains(string(b), want) {
			t.Fatalf("missing %q in\n%s", want, b)
		}
	}
	back, err := ParseCapabilities(b)
	if err != nil {
		t.Fatal(err)
	}
	c.Proto = ProtoMRCP
	if !reflect.DeepEqual(back, c) {
		t.Fatalf("got %+v, want %+v", back, c)
	}
}

func TestCapabilitiesRefusals(t *testing.T) {
	for _, c := range []*Capabilities{
		{Formats: []Format{{PayloadType: 0, Name: "PCMU", ClockRate: 8000}}},
		{Resources: []string{"speechrecog"}},
		{Resources: []string{"bad resource"}, Formats: []Format{{PayloadType: 0, Name: "PCMU", ClockRate: 8000}}},
		{Proto: "RTP/AVP", Resources: []string{"speechrecog"}, Formats: []Format{{PayloadType: 0, Name: "PCMU", ClockRate: 8000}}},
	} {
		if _, err := c.Marshal(); err == nil {
			t.Errorf("Marshal accepted %+v", c)
		}
	}
	if _, err := ParseCapabilities([]byte(crlf("v=0\no=- 0 0 IN IP4 0.0.0.0\ns=-\nt=0 0\nm=audio 0 RTP/AVP 0\n"))); err == nil {
		t.Error("capabilities without resources accepted")
	}
	if _, err := ParseCapabilities(nil); err == nil {
		t.Error("empty capabilities accepted")
	}
}
