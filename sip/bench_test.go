package sip

import (
	"testing"
)

func BenchmarkParseSDP(b *testing.B) {
	in := fixture(b, "recog_offer.sdp")
	b.ReportAllocs()
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		if _, err := ParseSDP(in); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkValidateOffer(b *testing.B) {
	d := mustParse(b, fixture(b, "recog_synth_offer.sdp"))
	b.ReportAllocs()
	for b.Loop() {
		if err := d.ValidateOffer(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMarshalSDP(b *testing.B) {
	d := mustParse(b, fixture(b, "recog_answer.sdp"))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := d.Marshal(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSelectAudio(b *testing.B) {
	offered := mustParse(b, fixture(b, "recog_offer.sdp")).Media[1].Formats
	supported := []string{"L16/16000", "PCMA", "PCMU"}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := SelectAudio(offered, supported); err != nil {
			b.Fatal(err)
		}
	}
}
