package client

import (
	"errors"
	"strings"
	"testing"

	"github.com/mrcpd/mrcpd/rtp/codec"
	"github.com/mrcpd/mrcpd/sip"
)

// mediaSection returns the SDP text from the first m= line on, so that the
// session part (o= numbers) does not matter.
func mediaSection(t *testing.T, d *sip.Description) string {
	t.Helper()
	b, err := d.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	s := strings.ReplaceAll(string(b), "\r\n", "\n")
	i := strings.Index(s, "m=")
	if i < 0 {
		t.Fatalf("no m-line in\n%s", s)
	}
	return s[i:]
}

// The offer is what mod_unimrcp sends (traces/recog.txt, frame 1), apart
// from G.722, which our default offer leaves out, and the RTP port.
func TestOfferShapedLikeUniMRCP(t *testing.T) {
	reg := codec.NewDefaultRegistry()
	formats, err := offerFormats([]string{"PCMU", "PCMA", "G722", "L16/96/8000"}, reg)
	if err != nil {
		t.Fatal(err)
	}
	lines := newOfferLines([]string{"speechrecog"}, sip.ConnectionNew, 4000, formats)
	got := mediaSection(t, lines.description("127.0.0.1"))
	want := `m=application 9 TCP/MRCPv2 1
a=setup:active
a=connection:new
a=resource:speechrecog
a=cmid:1
m=audio 4000 RTP/AVP 0 8 9 96 101
a=rtpmap:0 PCMU/8000
a=rtpmap:8 PCMA/8000
a=rtpmap:9 G722/8000
a=rtpmap:96 L16/8000
a=rtpmap:101 telephone-event/8000
a=fmtp:101 0-15
a=sendonly
a=ptime:20
a=mid:1
`
	if got != want {
		t.Fatalf("offer media:\n%s\nwant:\n%s", got, want)
	}
	// Our own server's parser takes it as a valid offer.
	b, _ := lines.description("127.0.0.1").Marshal()
	d, err := sip.ParseSDP(b)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.ValidateOffer(); err != nil {
		t.Fatal(err)
	}
}

func TestDefaultCodecs(t *testing.T) {
	o, err := Options{}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	formats, err := offerFormats(o.Codecs, codec.NewDefaultRegistry())
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range formats {
		got = append(got, f.Name+"/"+itoa(int(f.PayloadType))+"/"+itoa(f.ClockRate))
	}
	want := "PCMU/0/8000 PCMA/8/8000 L16/96/8000 telephone-event/101/8000"
	if strings.Join(got, " ") != want {
		t.Fatalf("default offer %q, want %q", strings.Join(got, " "), want)
	}
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

func TestOfferFormats(t *testing.T) {
	reg := codec.NewDefaultRegistry()
	for _, tc := range []struct {
		specs []string
		want  string // name/pt/clock list, or "error: <substring>"
	}{
		{[]string{"pcmu"}, "PCMU/0/8000 telephone-event/101/8000"},
		{[]string{"L16/16000"}, "L16/96/16000 telephone-event/101/16000"},
		{[]string{"L16/16000", "PCMU"}, "L16/96/16000 PCMU/0/8000 telephone-event/101/16000 telephone-event/97/8000"},
		{[]string{"L16/101/8000"}, "L16/101/8000 telephone-event/96/8000"},
		{[]string{"PCMU", "telephone-event/110/8000"}, "PCMU/0/8000 telephone-event/110/8000"},
		{[]string{"G722"}, "G722/9/8000 telephone-event/101/8000"},
		{[]string{"L16"}, "error: several clock rates"},
		{[]string{"OPUS"}, "error: unknown codec"},
		{[]string{"PCMU/16000"}, "error: no PCMU codec at 16000"},
		{[]string{"PCMU", "PCMU"}, "error: offered twice"},
		{[]string{"L16/96/8000", "L16/96/16000"}, "error: offered twice"},
		{[]string{"L16/200/8000"}, "error: not a number"},
		{[]string{"PCMU/x"}, "error: not a number"},
		{[]string{"PC MU"}, "error: not an encoding name"},
		{[]string{"a/b/c/d"}, "error: want NAME"},
		{[]string{"telephone-event/101/8000"}, "error: no audio codec"},
		{[]string{"telephone-event"}, "error: needs a clock rate"},
	} {
		formats, err := offerFormats(tc.specs, reg)
		if strings.HasPrefix(tc.want, "error: ") {
			if err == nil || !strings.Contains(err.Error(), strings.TrimPrefix(tc.want, "error: ")) {
				t.Errorf("%q: error %v, want one containing %q", tc.specs, err, strings.TrimPrefix(tc.want, "error: "))
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", tc.specs, err)
			continue
		}
		var got []string
		for _, f := range formats {
			got = append(got, f.Name+"/"+itoa(int(f.PayloadType))+"/"+itoa(f.ClockRate))
		}
		if strings.Join(got, " ") != tc.want {
			t.Errorf("%q: %q, want %q", tc.specs, strings.Join(got, " "), tc.want)
		}
	}
}

func TestAudioDirection(t *testing.T) {
	for _, tc := range []struct {
		resources []string
		want      string
	}{
		{[]string{"speechrecog"}, sip.DirSendOnly},
		{[]string{"speechsynth"}, sip.DirRecvOnly},
		{[]string{"speechsynth", "speechrecog"}, sip.DirSendRecv},
		{[]string{"recorder", "dtmfrecog"}, sip.DirSendOnly},
		{[]string{"speakverify", "basicsynth"}, sip.DirSendRecv},
		{[]string{"madeup"}, sip.DirSendRecv},
	} {
		if got := audioDirection(tc.resources); got != tc.want {
			t.Errorf("%v: %s, want %s", tc.resources, got, tc.want)
		}
	}
}

// A re-offer follows RFC 6787 §4.3's examples: kept lines ask to share
// their connection, removed ones go to port 0 and stay, added ones are
// appended, and the direction follows the resources left.
func TestReoffer(t *testing.T) {
	formats, err := offerFormats([]string{"PCMU"}, codec.NewDefaultRegistry())
	if err != nil {
		t.Fatal(err)
	}
	l := newOfferLines([]string{"speechsynth"}, sip.ConnectionNew, 5000, formats)
	both, err := l.reoffer([]string{"speechrecog"}, nil, sip.ConnectionExisting)
	if err != nil {
		t.Fatal(err)
	}
	got := mediaSection(t, both.description("127.0.0.1"))
	want := `m=application 9 TCP/MRCPv2 1
a=setup:active
a=connection:existing
a=resource:speechsynth
a=cmid:1
m=audio 5000 RTP/AVP 0 101
a=rtpmap:0 PCMU/8000
a=rtpmap:101 telephone-event/8000
a=fmtp:101 0-15
a=sendrecv
a=ptime:20
a=mid:1
m=application 9 TCP/MRCPv2 1
a=setup:active
a=connection:existing
a=resource:speechrecog
a=cmid:1
`
	if got != want {
		t.Fatalf("re-offer:\n%s\nwant:\n%s", got, want)
	}
	// The original plan is untouched.
	if l.media[0].Connection != sip.ConnectionNew || len(l.media) != 2 {
		t.Fatal("reoffer changed the plan it started from")
	}

	recogOnly, err := both.reoffer(nil, []string{"speechsynth"}, sip.ConnectionNew)
	if err != nil {
		t.Fatal(err)
	}
	if m := recogOnly.media[0]; m.Port != 0 || m.Resource != "speechsynth" {
		t.Fatalf("removed line %+v, want port 0 with its resource", m)
	}
	if d := recogOnly.media[recogOnly.audio].Direction; d != sip.DirSendOnly {
		t.Fatalf("direction after removing the synthesiser: %s", d)
	}
	if got := strings.Join(recogOnly.active(), ","); got != "speechrecog" {
		t.Fatalf("active %q", got)
	}
	b, _ := recogOnly.description("127.0.0.1").Marshal()
	d, err := sip.ParseSDP(b)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.ValidateOffer(); err != nil {
		t.Fatalf("re-offer with a removed line is invalid: %v", err)
	}

	for _, tc := range []struct {
		add, remove []string
		want        string
	}{
		{nil, []string{"speechrecog"}, "must leave a resource"},
		{nil, []string{"speechsynth"}, "not allocated"},
		{[]string{"speechrecog"}, nil, "already allocated"},
		{[]string{"speech recog"}, nil, "not alphanumeric"},
	} {
		if _, err := recogOnly.reoffer(tc.add, tc.remove, sip.ConnectionNew); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("add %v remove %v: %v, want %q", tc.add, tc.remove, err, tc.want)
		}
	}
}

func answerFor(t *testing.T, offer offerLines, text string) *sip.Description {
	t.Helper()
	d, err := sip.ParseSDP([]byte(strings.ReplaceAll(text, "\n", "\r\n")))
	if err != nil {
		t.Fatal(err)
	}
	if err := d.ValidateAnswer(offer.description("127.0.0.1")); err != nil {
		t.Fatal(err)
	}
	return d
}

func TestReadAnswer(t *testing.T) {
	reg := codec.NewDefaultRegistry()
	formats, err := offerFormats([]string{"PCMU", "PCMA", "L16/96/8000"}, reg)
	if err != nil {
		t.Fatal(err)
	}
	offer := newOfferLines([]string{"speechrecog", "speechsynth"}, sip.ConnectionNew, 4000, formats)
	answer := answerFor(t, offer, `v=0
o=mrcpd 1 1 IN IP4 127.0.0.1
s=-
c=IN IP4 127.0.0.1
t=0 0
m=application 1544 TCP/MRCPv2 1
a=setup:passive
a=connection:new
a=channel:20a54ddb9b9740d6@speechrecog
a=cmid:1
m=application 0 TCP/MRCPv2 1
a=resource:speechsynth
m=audio 5000 RTP/AVP 8 101
a=rtpmap:8 PCMA/8000
a=rtpmap:101 telephone-event/8000
a=recvonly
a=mid:1
`)
	a, err := readAnswer(offer, answer, reg)
	if err != nil {
		t.Fatal(err)
	}
	ch, ok := a.channels["speechrecog"]
	if !ok || ch.id.String() != "20a54ddb9b9740d6@speechrecog" || ch.addr != "127.0.0.1:1544" || ch.connection != "new" {
		t.Fatalf("channel %+v", ch)
	}
	if len(a.refused) != 1 || a.refused[0] != "speechsynth" {
		t.Fatalf("refused %v", a.refused)
	}
	if a.audio.codec.Name() != "PCMA" || a.audio.pt != 8 || !a.audio.events || a.audio.eventPT != 101 {
		t.Fatalf("audio %+v", a.audio)
	}
	if a.remote.String() != "127.0.0.1:5000" {
		t.Fatalf("remote %s", a.remote)
	}
	offer.markRefused(a.refused)
	if got := strings.Join(offer.active(), ","); got != "speechrecog" {
		t.Fatalf("active after refusal %q", got)
	}
}

func TestReadAnswerRefusals(t *testing.T) {
	reg := codec.NewDefaultRegistry()
	formats, _ := offerFormats([]string{"PCMU"}, reg)
	offer := newOfferLines([]string{"speechrecog"}, sip.ConnectionNew, 4000, formats)
	const head = "v=0\no=- 1 1 IN IP4 127.0.0.1\ns=-\nc=IN IP4 127.0.0.1\nt=0 0\n"
	control := "m=application 1544 TCP/MRCPv2 1\na=setup:passive\na=connection:new\na=channel:ab@speechrecog\na=cmid:1\n"
	for name, tc := range map[string]struct {
		sdp, want string
	}{
		"no channel":    {head + "m=application 0 TCP/MRCPv2 1\na=resource:speechrecog\nm=audio 5000 RTP/AVP 0\na=recvonly\na=mid:1\n", "allocated none"},
		"audio refused": {head + control + "m=audio 0 RTP/AVP 0\na=mid:1\n", "refused the audio"},
		"bad channel":   {head + strings.Replace(control, "ab@", "a!b@", 1) + "m=audio 5000 RTP/AVP 0\na=recvonly\na=mid:1\n", "a=channel"},
	} {
		d, err := sip.ParseSDP([]byte(strings.ReplaceAll(tc.sdp, "\n", "\r\n")))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if _, err := readAnswer(offer, d, reg); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", name, err, tc.want)
		}
	}
}

func TestChooseAudio(t *testing.T) {
	reg := codec.NewDefaultRegistry()
	offer, _ := offerFormats([]string{"PCMU", "L16/16000"}, reg)
	// The answer's order is its preference; a payload type the offer bound
	// to another codec does not count.
	n, err := chooseAudio([]sip.Format{
		{PayloadType: 97, Name: "L16", ClockRate: 16000},
		{PayloadType: 96, Name: "L16", ClockRate: 16000},
		{PayloadType: 0, Name: "PCMU", ClockRate: 8000},
		{PayloadType: 101, Name: "telephone-event", ClockRate: 8000},
		{PayloadType: 97, Name: "telephone-event", ClockRate: 16000},
	}, offer, reg)
	if err != nil {
		t.Fatal(err)
	}
	if n.codec.Name() != "L16" || n.codec.ClockRate() != 16000 || n.pt != 96 || !n.events || n.eventPT != 97 {
		t.Fatalf("chose %+v", n)
	}
	if _, err := chooseAudio([]sip.Format{{PayloadType: 8, Name: "PCMA", ClockRate: 8000}}, offer, reg); err == nil {
		t.Fatal("a codec outside the offer was accepted")
	}
}

func TestOptionsDefaultsAndErrors(t *testing.T) {
	o, err := Options{Resources: []string{" SpeechRecog "}}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	if o.Server != DefaultServer || o.SIPTransport != "udp" || o.LocalHost != "127.0.0.1" ||
		o.Connection != "new" || o.Resources[0] != "speechrecog" || o.Logger == nil {
		t.Fatalf("defaults %+v", o)
	}
	for _, tc := range []struct {
		o    Options
		want string
	}{
		{Options{SIPTransport: "sctp"}, "neither udp nor tcp"},
		{Options{LocalHost: "localhost"}, "not an IP address"},
		{Options{RTPPortMin: 5001, RTPPortMax: 5001}, "no even/odd pair"},
		{Options{RTPPortMin: 6000, RTPPortMax: 5000}, "not within"},
		{Options{RTPPortMin: 0, RTPPortMax: 70000}, "not within"},
		{Options{Resources: []string{"speechrecog", "SPEECHRECOG"}}, "twice"},
		{Options{Resources: []string{""}}, "empty resource"},
		{Options{Connection: "shared"}, "neither new nor existing"},
	} {
		if _, err := tc.o.withDefaults(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: %v, want %q", tc.o, err, tc.want)
		}
	}
}

func TestSIPStatus(t *testing.T) {
	err := errors.Join(errors.New("x"), &sip.StatusError{Method: "INVITE", Code: 488, Reason: "Not Acceptable Here"})
	if SIPStatus(err) != 488 {
		t.Fatalf("SIPStatus = %d", SIPStatus(err))
	}
	if SIPStatus(errors.New("plain")) != 0 {
		t.Fatal("status from a plain error")
	}
}

// Whatever a server answers, reading it gives a session or an error.
func FuzzReadAnswer(f *testing.F) {
	f.Add([]byte("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n" +
		"m=application 1544 TCP/MRCPv2 1\r\na=setup:passive\r\na=connection:new\r\na=channel:ab@speechrecog\r\na=cmid:1\r\n" +
		"m=audio 5000 RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\na=recvonly\r\na=mid:1\r\n"))
	f.Add([]byte("v=0\r\no=- 1 1 IN IP6 ::1\r\ns=-\r\nt=0 0\r\nm=application 0 TCP/MRCPv2 1\r\nm=audio 5000 RTP/AVP 8\r\nc=IN IP6 ::1\r\n"))
	reg := codec.NewDefaultRegistry()
	formats, err := offerFormats(defaultCodecs, reg)
	if err != nil {
		f.Fatal(err)
	}
	offer := newOfferLines([]string{"speechrecog"}, sip.ConnectionNew, 4000, formats)
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := sip.ParseSDP(b)
		if err != nil {
			return
		}
		a, err := readAnswer(offer, d, reg)
		if err != nil {
			return
		}
		if len(a.channels) == 0 || a.audio.codec == nil || !a.remote.IsValid() {
			t.Fatalf("accepted an answer without channel, codec or address: %+v", a)
		}
	})
}
