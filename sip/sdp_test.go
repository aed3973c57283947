package sip

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// fixture reads testdata/name with CRLF line endings, as SDP travels.
func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return []byte(crlf(string(b)))
}

func crlf(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\n", "\r\n")
}

func mustParse(t testing.TB, b []byte) *Description {
	t.Helper()
	d, err := ParseSDP(b)
	if err != nil {
		t.Fatalf("ParseSDP: %v", err)
	}
	return d
}

func TestSDPRoundTripFixtures(t *testing.T) {
	for _, name := range []string{
		"recog_offer.sdp", "recog_answer.sdp", "synth_offer.sdp", "synth_answer.sdp",
		"recog_synth_offer.sdp", "separate_streams_offer.sdp", "remove_recog_offer.sdp",
	} {
		t.Run(name, func(t *testing.T) {
			in := fixture(t, name)
			d := mustParse(t, in)
			out, err := d.Marshal()
			if err != nil {
				t.Fatalf("Marshal: %v", err)
			}
			if string(out) != string(in) {
				t.Fatalf("round trip differs:\n got %q\nwant %q", out, in)
			}
			again := mustParse(t, out)
			if !reflect.DeepEqual(again, d) {
				t.Fatalf("re-parse differs:\n got %+v\nwant %+v", again, d)
			}
		})
	}
}

func TestParseRecognizerOffer(t *testing.T) {
	d := mustParse(t, fixture(t, "recog_offer.sdp"))
	want := &Description{
		Origin:         Origin{Username: "UniMRCPClient", SessionID: 2160370044812339117, SessionVersion: 5562519097531744702, Address: "192.0.2.10"},
		ConnectionAddr: "192.0.2.10",
		Media: []Media{
			{Kind: "application", Port: 9, Proto: "TCP/MRCPv2", Setup: "active", Connection: "new", Resource: "speechrecog", CMID: "1"},
			{Kind: "audio", Port: 4000, Proto: "RTP/AVP", Direction: "sendonly", Mid: "1", Ptime: 20, Formats: []Format{
				{PayloadType: 0, Name: "PCMU", ClockRate: 8000, Channels: 1},
				{PayloadType: 8, Name: "PCMA", ClockRate: 8000, Channels: 1},
				{PayloadType: 9, Name: "G722", ClockRate: 8000, Channels: 1},
				{PayloadType: 96, Name: "L16", ClockRate: 8000, Channels: 1},
				{PayloadType: 101, Name: "telephone-event", ClockRate: 8000, Channels: 1, Fmtp: "0-15"},
			}},
		},
	}
	if !reflect.DeepEqual(d, want) {
		t.Fatalf("got  %+v\nwant %+v", d, want)
	}
	if err := d.ValidateOffer(); err != nil {
		t.Fatalf("ValidateOffer: %v", err)
	}
	if !d.Media[0].IsControl() || d.Media[1].IsControl() || !d.Media[1].IsRTP() {
		t.Fatal("IsControl/IsRTP misclassify the m-lines")
	}
	if got := d.AddrOf(&d.Media[1]); got != "192.0.2.10" {
		t.Fatalf("AddrOf = %q", got)
	}
	if m := d.MediaByMid("1"); m != &d.Media[1] {
		t.Fatalf("MediaByMid(1) = %p, want the audio line", m)
	}
}

func TestParseAnswersAndValidateAgainstOffers(t *testing.T) {
	for _, tc := range []struct{ offer, answer, resource string }{
		{"recog_offer.sdp", "recog_answer.sdp", "speechrecog"},
		{"synth_offer.sdp", "synth_answer.sdp", "speechsynth"},
	} {
		offer := mustParse(t, fixture(t, tc.offer))
		answer := mustParse(t, fixture(t, tc.answer))
		if err := answer.ValidateAnswer(offer); err != nil {
			t.Fatalf("%s: ValidateAnswer: %v", tc.answer, err)
		}
		if got := answer.Media[0].ChannelResource(); got != tc.resource {
			t.Fatalf("%s: ChannelResource = %q", tc.answer, got)
		}
		if answer.Media[0].Setup != SetupPassive || answer.Media[0].Port != 1544 {
			t.Fatalf("%s: control line %+v", tc.answer, answer.Media[0])
		}
	}
}

func TestParseRecogAndSynthInOneOffer(t *testing.T) {
	d := mustParse(t, fixture(t, "recog_synth_offer.sdp"))
	if err := d.ValidateOffer(); err != nil {
		t.Fatal(err)
	}
	var resources, conns []string
	for _, m := range d.Media {
		if m.IsControl() {
			resources = append(resources, m.Resource)
			conns = append(conns, m.Connection)
			if d.MediaByMid(m.CMID) == nil {
				t.Fatalf("cmid %s resolves to nothing", m.CMID)
			}
		}
	}
	if !reflect.DeepEqual(resources, []string{"speechsynth", "speechrecog"}) ||
		!reflect.DeepEqual(conns, []string{ConnectionNew, ConnectionExisting}) {
		t.Fatalf("resources %v connections %v", resources, conns)
	}
	if d.Media[2].EffectiveDirection() != DirSendRecv {
		t.Fatalf("direction %q", d.Media[2].Direction)
	}
}

func TestParseSeparateStreams(t *testing.T) {
	d := mustParse(t, fixture(t, "separate_streams_offer.sdp"))
	if err := d.ValidateOffer(); err != nil {
		t.Fatal(err)
	}
	recogAudio := d.MediaByMid(d.Media[0].CMID)
	synthAudio := d.MediaByMid(d.Media[2].CMID)
	if recogAudio == nil || synthAudio == nil || recogAudio.Port != 4006 || synthAudio.Port != 4008 {
		t.Fatalf("cmid mapping wrong: %+v %+v", recogAudio, synthAudio)
	}
	if recogAudio.Direction != DirSendOnly || synthAudio.Direction != DirRecvOnly {
		t.Fatalf("directions %q %q", recogAudio.Direction, synthAudio.Direction)
	}
}

func TestParseRemovalOffer(t *testing.T) {
	d := mustParse(t, fixture(t, "remove_recog_offer.sdp"))
	if err := d.ValidateOffer(); err != nil {
		t.Fatal(err)
	}
	m := d.Media[1]
	if m.Port != 0 || m.Resource != "speechrecog" || m.Setup != "" || m.Connection != "" {
		t.Fatalf("removed line %+v", m)
	}
}

func TestParseAcceptsBareLineFeeds(t *testing.T) {
	lf := strings.ReplaceAll(string(fixture(t, "synth_offer.sdp")), "\r\n", "\n")
	d := mustParse(t, []byte(lf))
	if len(d.Media) != 2 || d.Media[0].Resource != "speechsynth" {
		t.Fatalf("got %+v", d)
	}
}

func TestParseStaticPayloadTypesAndSessionDirection(t *testing.T) {
	d := mustParse(t, []byte(crlf(`v=0
o=- 1 1 IN IP4 192.0.2.1
s=-
c=IN IP4 192.0.2.1
t=0 0
a=recvonly
m=application 9 TCP/TLS/MRCPv2 1
a=setup:actpass
a=connection:new
a=resource:speechsynth
a=cmid:a
a=cmid:b
a=x-vendor:1
m=audio 4000 RTP/AVP 8 0 18
a=mid:a
`)))
	if err := d.ValidateOffer(); err != nil {
		t.Fatal(err)
	}
	a := d.Media[1]
	if a.Direction != DirRecvOnly {
		t.Fatalf("session-level direction not inherited: %q", a.Direction)
	}
	want := []Format{
		{PayloadType: 8, Name: "PCMA", ClockRate: 8000, Channels: 1},
		{PayloadType: 0, Name: "PCMU", ClockRate: 8000, Channels: 1},
		{PayloadType: 18, Name: "G729", ClockRate: 8000, Channels: 1},
	}
	if !reflect.DeepEqual(a.Formats, want) {
		t.Fatalf("formats %+v", a.Formats)
	}
	c := d.Media[0]
	if c.CMID != "a" || !reflect.DeepEqual(c.Extra, []Attribute{{"cmid", "b"}, {"x-vendor", "1"}}) {
		t.Fatalf("cmid %q extra %+v", c.CMID, c.Extra)
	}
}

func TestBadOffers(t *testing.T) {
	base := string(fixture(t, "recog_offer.sdp"))
	edit := func(old, new string) string {
		if !strings.Contains(base, old) {
			t.Fatalf("fixture lacks %q", old)
		}
		return strings.Replace(base, old, new, 1)
	}
	for _, tc := range []struct {
		name, sdp, want string
	}{
		{"empty", "", "empty body"},
		{"garbage", "hello world", "sdp"},
		{"no version line", strings.TrimPrefix(base, "v=0\r\n"), "sdp"},
		{"missing resource", edit("a=resource:speechrecog\r\n", ""), "without a=resource"},
		{"missing cmid", edit("a=cmid:1\r\n", ""), "without a=cmid"},
		{"cmid to nothing", edit("a=cmid:1", "a=cmid:7"), "matches no RTP"},
		{"audio port too big", edit("m=audio 4000", "m=audio 70000"), "port"},
		{"audio port not a number", edit("m=audio 4000", "m=audio x"), "port"},
		{"port range", edit("m=audio 4000", "m=audio 4000/2"), "port range"},
		{"server side setup in offer", edit("a=setup:active", "a=setup:passive"), "must be active"},
		{"missing setup", edit("a=setup:active\r\n", ""), "without a=setup"},
		{"bad connection", edit("a=connection:new", "a=connection:old"), "neither new nor existing"},
		{"missing connection", edit("a=connection:new\r\n", ""), "without a=connection"},
		{"control format not 1", edit("TCP/MRCPv2 1", "TCP/MRCPv2 2"), `want "1"`},
		{"dynamic type unmapped", edit("a=rtpmap:96 L16/8000\r\n", ""), "no a=rtpmap"},
		{"two resources", edit("a=resource:speechrecog", "a=resource:speechrecog\r\na=resource:speechsynth"), "more than one a=resource"},
		{"two setups", edit("a=setup:active", "a=setup:active\r\na=setup:active"), "more than one a=setup"},
		{"no control line", edit("m=application 9 TCP/MRCPv2 1\r\na=setup:active\r\na=connection:new\r\na=resource:speechrecog\r\na=cmid:1\r\n", ""), "no MRCPv2 control"},
		{"bad clock rate", edit("PCMU/8000", "PCMU/fast"), "clock rate"},
		{"bad channels", edit("PCMU/8000", "PCMU/8000/0"), "channel count"},
		{"rtpmap without parameters", edit("a=rtpmap:0 PCMU/8000", "a=rtpmap:0"), "no parameters"},
		{"payload type out of range", edit("RTP/AVP 0 8", "RTP/AVP 200 8"), "0..127"},
		{"payload type twice", edit("RTP/AVP 0 8", "RTP/AVP 0 0 8"), "listed twice"},
		{"bad ptime", edit("a=ptime:20", "a=ptime:soon"), "ptime"},
		{"two directions", edit("a=sendonly", "a=sendonly\r\na=recvonly"), "direction"},
		{"resource not a token", edit("a=resource:speechrecog", "a=resource:speech/recog"), "not a token"},
		{"empty mid", edit("a=mid:1", "a=mid:"), "without a value"},
		{"unknown media kind", edit("m=audio", "m=hologram"), "sdp"},
		{"second audio without mid", base + "m=audio 4100 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n", "no a=mid"},
		{"duplicate mid", base + "m=audio 4100 RTP/AVP 0\r\na=mid:1\r\n", "share a=mid"},
		{"no connection address", edit("c=IN IP4 192.0.2.10\r\n", ""), "no c= address"},
		{"version 1", edit("v=0", "v=1"), "sdp"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := ParseSDP([]byte(tc.sdp))
			if err == nil {
				err = d.ValidateOffer()
			}
			if err == nil {
				t.Fatal("accepted")
			}
			if !errors.Is(err, ErrBadSDP) {
				t.Fatalf("error %v does not wrap ErrBadSDP", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %q lacks %q", err, tc.want)
			}
		})
	}
}

func TestParseRefusesOversizedInput(t *testing.T) {
	big := string(fixture(t, "recog_offer.sdp")) + strings.Repeat("a=x-pad:"+strings.Repeat("z", 100)+"\r\n", 200)
	if _, err := ParseSDP([]byte(big)); err == nil || !strings.Contains(err.Error(), "exceeds") {
		t.Fatalf("got %v", err)
	}
	many := string(fixture(t, "recog_offer.sdp")) + strings.Repeat("m=audio 0 RTP/AVP 0\r\n", maxMediaLines)
	if _, err := ParseSDP([]byte(many)); err == nil || !strings.Contains(err.Error(), "m-lines exceed") {
		t.Fatalf("got %v", err)
	}
}

func TestBadAnswers(t *testing.T) {
	offer := mustParse(t, fixture(t, "recog_offer.sdp"))
	good := string(fixture(t, "recog_answer.sdp"))
	edit := func(old, new string) string {
		if !strings.Contains(good, old) {
			t.Fatalf("fixture lacks %q", old)
		}
		return strings.Replace(good, old, new, 1)
	}
	audioOnly := "m=audio 5000 RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\na=recvonly\r\na=ptime:20\r\na=mid:1\r\n"
	for _, tc := range []struct{ name, sdp, want string }{
		{"missing m-line", strings.Replace(good, audioOnly, "", 1), "m-lines"},
		{"channel without resource", edit("a=channel:6f1e2d3c4b5a6978@speechrecog", "a=channel:6f1e2d3c4b5a6978"), "not <id>@<resource>"},
		{"channel without id", edit("a=channel:6f1e2d3c4b5a6978@speechrecog", "a=channel:@speechrecog"), "not <id>@<resource>"},
		{"channel of other resource", edit("@speechrecog", "@speechsynth"), "offered resource"},
		{"active server", edit("a=setup:passive", "a=setup:active"), "must be passive"},
		{"existing answering new", edit("a=connection:new", "a=connection:existing"), "answers new"},
		{"foreign codec", edit("RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000", "RTP/AVP 3 101\r\na=rtpmap:3 GSM/8000"), "no codec of the offer"},
		{"sends to a sender", edit("a=recvonly", "a=sendrecv"), "does not answer"},
		{"wrong proto", edit("TCP/MRCPv2", "TCP/TLS/MRCPv2"), "answer application"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, err := ParseSDP([]byte(tc.sdp))
			if err == nil {
				err = a.ValidateAnswer(offer)
			}
			if err == nil || !errors.Is(err, ErrBadSDP) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want error containing %q", err, tc.want)
			}
		})
	}

	removal := mustParse(t, fixture(t, "remove_recog_offer.sdp"))
	answer := mustParse(t, fixture(t, "remove_recog_offer.sdp"))
	answer.Media[0] = Media{Kind: KindApplication, Port: 1544, Proto: ProtoMRCP, Setup: SetupPassive, Connection: ConnectionExisting, Channel: "x1@speechsynth", CMID: "1"}
	answer.Media[1].Port = 9
	answer.Media[2].Direction = DirSendOnly
	if err := answer.ValidateAnswer(removal); err == nil || !strings.Contains(err.Error(), "offer removed") {
		t.Fatalf("answer reviving a removed line: %v", err)
	}
	answer.Media[1] = removal.Media[1].Rejected()
	if err := answer.ValidateAnswer(removal); err != nil {
		t.Fatalf("valid removal answer refused: %v", err)
	}
}

func TestMarshalRefusesLineBreaks(t *testing.T) {
	d := mustParse(t, fixture(t, "recog_answer.sdp"))
	for _, mutate := range []func(*Description){
		func(d *Description) { d.Media[0].Channel = "x@speechrecog\r\na=evil:1" },
		func(d *Description) { d.Origin.Username = "a\nb" },
		func(d *Description) { d.Media[1].Formats[0].Fmtp = "x\r\n" },
		func(d *Description) { d.Media[1].Extra = []Attribute{{Key: "bad key", Value: "1"}} },
		func(d *Description) { d.Media[1].Formats = nil },
		func(d *Description) { d.Media[1].Direction = "sideways" },
		func(d *Description) { d.Media[1].Port = 65536 },
		func(d *Description) { d.ConnectionAddr = "1.2.3.4\r\n" },
	} {
		c := mustParse(t, fixture(t, "recog_answer.sdp"))
		mutate(c)
		if out, err := c.Marshal(); err == nil {
			t.Fatalf("Marshal accepted %+v:\n%s", c, out)
		}
	}
	if _, err := d.Marshal(); err != nil {
		t.Fatalf("unmodified answer refused: %v", err)
	}
}

func TestMarshalBuildsIPv6AndDefaults(t *testing.T) {
	d := &Description{
		ConnectionAddr: "2001:db8::1",
		Media: []Media{
			{Kind: KindApplication, Port: 1544, Proto: ProtoMRCP, Setup: SetupPassive, Connection: ConnectionNew, Channel: "c1@speechsynth", CMID: "1"},
			{Kind: KindAudio, Port: 5000, Proto: ProtoRTPAVP, Direction: DirSendOnly, Mid: "1", Formats: []Format{{PayloadType: 96, Name: "L16", ClockRate: 16000, Channels: 2}}},
			{Kind: "video", Port: 0, Proto: "RTP/AVP", Formats: []Format{{PayloadType: 31}}},
		},
	}
	out, err := d.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"o=- 0 0 IN IP6 2001:db8::1\r\n", "c=IN IP6 2001:db8::1\r\n", "a=rtpmap:96 L16/16000/2\r\n", "m=video 0 RTP/AVP 31\r\n"} {
		if !strings.Contains(string(out), want) {
			t.Fatalf("missing %q in\n%s", want, out)
		}
	}
	back := mustParse(t, out)
	if back.Media[1].Formats[0].Channels != 2 || back.Origin.Address != "2001:db8::1" {
		t.Fatalf("re-parsed %+v", back)
	}
}

func TestRejectedKeepsIdentity(t *testing.T) {
	offer := mustParse(t, fixture(t, "recog_synth_offer.sdp"))
	r := offer.Media[1].Rejected()
	if r.Port != 0 || r.Kind != KindApplication || r.Proto != ProtoMRCP || r.Resource != "speechrecog" || r.Setup != "" {
		t.Fatalf("rejected control %+v", r)
	}
	ra := offer.Media[2].Rejected()
	if ra.Port != 0 || len(ra.Formats) != 4 || ra.Direction != "" || ra.Mid != "1" {
		t.Fatalf("rejected audio %+v", ra)
	}
	other := Media{Kind: "message", Port: 7394, Proto: "TCP/MSRP", OtherFormats: []string{"*"}}
	if ro := other.Rejected(); ro.Port != 0 || !reflect.DeepEqual(ro.OtherFormats, []string{"*"}) {
		t.Fatalf("rejected other %+v", ro)
	}
}
