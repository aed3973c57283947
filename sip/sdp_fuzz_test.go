package sip

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// FuzzParseSDP feeds arbitrary bodies to ParseSDP and the validators. They
// must not panic, and whatever parses must survive Marshal and parse back
// to the same model.
func FuzzParseSDP(f *testing.F) {
	names, err := filepath.Glob(filepath.Join("testdata", "*.sdp"))
	if err != nil {
		f.Fatal(err)
	}
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
		f.Add([]byte(crlf(string(b))))
	}
	f.Add([]byte("v=0\r\no=- 0 0 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=application 0 TCP/MRCPv2 1\r\na=resource:speechrecog\r\n"))
	f.Add([]byte("v=0\r\no=- 1 1 IN IP6 ::1\r\ns=-\r\nc=IN IP6 ::1\r\nt=0 0\r\na=inactive\r\nm=audio 1 RTP/AVP 127\r\na=rtpmap:127 X/1/255\r\na=fmtp:127 a\r\n"))
	offer := mustParse(f, fixture(f, "recog_offer.sdp"))
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := ParseSDP(b)
		if err != nil {
			return
		}
		_ = d.ValidateOffer()
		_ = d.ValidateAnswer(offer)
		out, err := d.Marshal()
		if err != nil {
			// Attribute names and values pion reads but that are no
			// SDP tokens are refused on the way out.
			return
		}
		back, err := ParseSDP(out)
		if err != nil {
			t.Fatalf("re-parse of our own output failed: %v\n%q", err, out)
		}
		out2, err := back.Marshal()
		if err != nil || string(out2) != string(out) {
			t.Fatalf("marshal not stable: %v\n%q\n%q", err, out, out2)
		}
		if !reflect.DeepEqual(back.Media, d.Media) {
			t.Fatalf("model changed through marshal:\n%+v\n%+v", d.Media, back.Media)
		}
	})
}
