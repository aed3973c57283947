package sip

import (
	"strconv"
	"strings"
)

// ReasonNoCommonCodec is the 488 reason phrase when no offered audio codec
// is one we support.
const ReasonNoCommonCodec = "no common codec"

// SelectAudio picks the formats of an audio answer from the offered ones:
// the first of supported, in its order, that the offer lists, then
// telephone-event (RFC 4733) if the offer has it at the chosen codec's clock
// rate. Entries of supported are encoding names ("PCMU") or name and clock
// rate ("L16/16000"), matched without regard to case. Offered payload type
// numbers are kept (RFC 3264 §6.1). No match gives a *Reject with 488.
func SelectAudio(offered []Format, supported []string) ([]Format, error) {
	for _, want := range supported {
		name, rate := splitCodec(want)
		for _, f := range offered {
			if !strings.EqualFold(f.Name, name) || (rate != 0 && f.ClockRate != rate) {
				continue
			}
			out := []Format{f}
			if te, ok := telephoneEvent(offered, f.ClockRate); ok {
				out = append(out, te)
			}
			return out, nil
		}
	}
	return nil, &Reject{Code: 488, Reason: ReasonNoCommonCodec}
}

func telephoneEvent(offered []Format, rate int) (Format, bool) {
	for _, f := range offered {
		if strings.EqualFold(f.Name, "telephone-event") && f.ClockRate == rate {
			return f, true
		}
	}
	return Format{}, false
}

func splitCodec(s string) (name string, rate int) {
	name, r, ok := strings.Cut(s, "/")
	if !ok {
		return name, 0
	}
	n, err := strconv.Atoi(r)
	if err != nil {
		return name, -1 // matches nothing rather than everything
	}
	return name, n
}

// AnswerDirection mirrors an offered direction for the answer: the peer
// sending means we receive (RFC 3264 §6.1).
func AnswerDirection(offered string) string {
	switch offered {
	case DirSendOnly:
		return DirRecvOnly
	case DirRecvOnly:
		return DirSendOnly
	case DirInactive:
		return DirInactive
	}
	return DirSendRecv
}

// AnswerAudio builds the answer to one offered RTP m-line: port is our RTP
// port, the formats come from SelectAudio, the direction is mirrored, and
// mid and ptime are kept. A removed offer line (port 0) is answered removed.
func AnswerAudio(offer Media, supported []string, port int) (Media, error) {
	if offer.Port == 0 {
		return offer.Rejected(), nil
	}
	formats, err := SelectAudio(offer.Formats, supported)
	if err != nil {
		return Media{}, err
	}
	return Media{
		Kind:      offer.Kind,
		Port:      port,
		Proto:     offer.Proto,
		Formats:   formats,
		Direction: AnswerDirection(offer.EffectiveDirection()),
		Mid:       offer.Mid,
		Ptime:     offer.Ptime,
	}, nil
}
