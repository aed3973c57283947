package sip

// staticPayloadType returns the audio format RFC 3551 §6 (Table 4) assigns
// to pt, so that an m-line may list it without a=rtpmap.
func staticPayloadType(pt uint8) (Format, bool) {
	f := Format{PayloadType: pt, ClockRate: 8000, Channels: 1}
	switch pt {
	case 0:
		f.Name = "PCMU"
	case 3:
		f.Name = "GSM"
	case 4:
		f.Name = "G723"
	case 5:
		f.Name = "DVI4"
	case 6:
		f.Name, f.ClockRate = "DVI4", 16000
	case 7:
		f.Name = "LPC"
	case 8:
		f.Name = "PCMA"
	case 9:
		// RFC 3551 §4.5.2: G.722 is sampled at 16 kHz but its RTP clock
		// runs at 8000 for historical reasons.
		f.Name = "G722"
	case 10:
		f.Name, f.ClockRate, f.Channels = "L16", 44100, 2
	case 11:
		f.Name, f.ClockRate = "L16", 44100
	case 12:
		f.Name = "QCELP"
	case 13:
		f.Name = "CN"
	case 14:
		f.Name, f.ClockRate = "MPA", 90000
	case 15:
		f.Name = "G728"
	case 16:
		f.Name, f.ClockRate = "DVI4", 11025
	case 17:
		f.Name, f.ClockRate = "DVI4", 22050
	case 18:
		f.Name = "G729"
	default:
		return Format{}, false
	}
	return f, true
}
