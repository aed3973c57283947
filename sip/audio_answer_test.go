package sip

import (
	"errors"
	"reflect"
	"testing"
)

func TestSelectAudio(t *testing.T) {
	pcmu := Format{PayloadType: 0, Name: "PCMU", ClockRate: 8000, Channels: 1}
	pcma := Format{PayloadType: 8, Name: "PCMA", ClockRate: 8000, Channels: 1}
	l16 := Format{PayloadType: 96, Name: "L16", ClockRate: 8000, Channels: 1}
	l16wide := Format{PayloadType: 97, Name: "L16", ClockRate: 16000, Channels: 1}
	te8 := Format{PayloadType: 101, Name: "telephone-event", ClockRate: 8000, Channels: 1, Fmtp: "0-15"}
	te16 := Format{PayloadType: 102, Name: "telephone-event", ClockRate: 16000, Channels: 1, Fmtp: "0-16"}

	for _, tc := range []struct {
		name      string
		offered   []Format
		supported []string
		want      []Format
	}{
		{"first supported wins", []Format{pcmu, pcma, te8}, []string{"PCMA", "PCMU"}, []Format{pcma, te8}},
		{"offer order does not override ours", []Format{pcma, pcmu}, []string{"pcmu", "pcma"}, []Format{pcmu}},
		{"no telephone-event offered", []Format{pcmu, pcma}, []string{"PCMU"}, []Format{pcmu}},
		{"event at the codec rate only", []Format{l16wide, te8, te16}, []string{"L16"}, []Format{l16wide, te16}},
		{"event of another rate is left out", []Format{l16wide, te8}, []string{"L16/16000"}, []Format{l16wide}},
		{"rate narrows the choice", []Format{l16, l16wide, te8, te16}, []string{"L16/16000", "L16/8000"}, []Format{l16wide, te16}},
		{"falls through preferences", []Format{pcma, te8}, []string{"G722", "L16", "PCMA"}, []Format{pcma, te8}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := SelectAudio(tc.offered, tc.supported)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
		})
	}

	for _, tc := range []struct {
		name      string
		offered   []Format
		supported []string
	}{
		{"nothing in common", []Format{pcma, te8}, []string{"PCMU", "L16"}},
		{"only events offered", []Format{te8}, []string{"PCMU"}},
		{"bad rate in preference", []Format{l16}, []string{"L16/x"}},
		{"nothing supported", []Format{pcmu}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := SelectAudio(tc.offered, tc.supported)
			var rej *Reject
			if !errors.As(err, &rej) || rej.Code != 488 || rej.Reason != ReasonNoCommonCodec {
				t.Fatalf("got %v, want 488 %s", err, ReasonNoCommonCodec)
			}
		})
	}
}

func TestAnswerDirection(t *testing.T) {
	for offer, want := range map[string]string{
		DirSendOnly: DirRecvOnly,
		DirRecvOnly: DirSendOnly,
		DirSendRecv: DirSendRecv,
		DirInactive: DirInactive,
		"":          DirSendRecv,
	} {
		if got := AnswerDirection(offer); got != want {
			t.Errorf("AnswerDirection(%q) = %q, want %q", offer, got, want)
		}
	}
}

func TestAnswerAudioAgainstTraceOffers(t *testing.T) {
	for _, tc := range []struct{ offer, dir string }{
		{"recog_offer.sdp", DirRecvOnly},
		{"synth_offer.sdp", DirSendOnly},
	} {
		offer := mustParse(t, fixture(t, tc.offer))
		audio, err := AnswerAudio(offer.Media[1], []string{"PCMU", "PCMA"}, 5004)
		if err != nil {
			t.Fatal(err)
		}
		if audio.Port != 5004 || audio.Direction != tc.dir || audio.Mid != "1" || audio.Ptime != 20 {
			t.Fatalf("%s: answer %+v", tc.offer, audio)
		}
		if len(audio.Formats) != 2 || audio.Formats[0].Name != "PCMU" || audio.Formats[1].PayloadType != 101 {
			t.Fatalf("%s: formats %+v", tc.offer, audio.Formats)
		}
		answer := &Description{ConnectionAddr: "192.0.2.20", Media: []Media{
			{Kind: KindApplication, Port: 1544, Proto: ProtoMRCP, Setup: SetupPassive, Connection: ConnectionNew, Channel: "ab12@" + offer.Media[0].Resource, CMID: "1"},
			audio,
		}}
		if err := answer.ValidateAnswer(offer); err != nil {
			t.Fatalf("%s: built answer invalid: %v", tc.offer, err)
		}
	}

	removed := Media{Kind: KindAudio, Port: 0, Proto: ProtoRTPAVP, Mid: "2", Formats: []Format{{PayloadType: 0, Name: "PCMU", ClockRate: 8000, Channels: 1}}}
	got, err := AnswerAudio(removed, []string{"GSM"}, 5006)
	if err != nil || got.Port != 0 || got.Mid != "2" {
		t.Fatalf("removed line answered %+v, %v", got, err)
	}
	if _, err := AnswerAudio(mustParse(t, fixture(t, "recog_offer.sdp")).Media[1], []string{"GSM"}, 5006); err == nil {
		t.Fatal("no common codec accepted")
	}
}
