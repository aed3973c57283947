package sip

import (
	"fmt"
	"strings"
)

// ValidateOffer checks the MRCPv2 rules for a client's offer (RFC 6787 §4.2,
// §4.4). Every error wraps ErrBadSDP; the server answers 488 without calling
// the Handler.
func (d *Description) ValidateOffer() error {
	rtpLines := 0
	mids := make(map[string]int, len(d.Media))
	for i := range d.Media {
		m := &d.Media[i]
		if !m.IsRTP() {
			continue
		}
		rtpLines++
		if m.Mid == "" {
			continue
		}
		if j, dup := mids[m.Mid]; dup {
			return badSDP("m-lines %d and %d share a=mid:%s", j+1, i+1, m.Mid)
		}
		mids[m.Mid] = i
	}

	controls := 0
	for i := range d.Media {
		m := &d.Media[i]
		n := i + 1
		switch {
		case m.IsControl():
			controls++
			if err := validateControlOffer(m, mids); err != nil {
				return fmt.Errorf("%w: m-line %d: %v", ErrBadSDP, n, err)
			}
		case m.IsRTP():
			// RFC 6787 §4.4: with more than one audio stream each needs a
			// mid for the control lines to point at.
			if rtpLines > 1 && m.Mid == "" {
				return badSDP("m-line %d: one of several RTP m-lines has no a=mid", n)
			}
			if m.Port != 0 && d.AddrOf(m) == "" {
				return badSDP("m-line %d: no c= address for RTP media", n)
			}
		}
	}
	if controls == 0 {
		return badSDP("no MRCPv2 control m-line (m=application ... TCP/MRCPv2)")
	}
	return nil
}

func validateControlOffer(m *Media, mids map[string]int) error {
	// RFC 6787 §4.2: the client names the resource it wants on each
	// control line, also on the port 0 line that removes it.
	if m.Resource == "" {
		return fmt.Errorf("control m-line without a=resource")
	}
	if m.Port == 0 {
		return nil
	}
	// RFC 6787 §4.2: the client is the active side of the TCP set-up.
	// actpass leaves the choice to us and we are passive, so it is taken.
	switch m.Setup {
	case SetupActive, SetupActpass:
	case "":
		return fmt.Errorf("control m-line without a=setup")
	default:
		return fmt.Errorf("a=setup:%s, the client must be active", m.Setup)
	}
	switch m.Connection {
	case ConnectionNew, ConnectionExisting:
	case "":
		return fmt.Errorf("control m-line without a=connection")
	default:
		return fmt.Errorf("a=connection:%s is neither new nor existing", m.Connection)
	}
	if m.CMID == "" {
		return fmt.Errorf("control m-line without a=cmid")
	}
	if _, ok := mids[m.CMID]; !ok {
		return fmt.Errorf("a=cmid:%s matches no RTP m-line a=mid", m.CMID)
	}
	return nil
}

// ValidateAnswer checks that d is an acceptable answer to offer: the same
// m-lines in the same order (RFC 3264 §6), a channel identifier for the
// offered resource on every accepted control line and a passive TCP set-up
// (RFC 6787 §4.2), and audio the offer allows. Every error wraps ErrBadSDP.
func (d *Description) ValidateAnswer(offer *Description) error {
	if len(d.Media) != len(offer.Media) {
		return badSDP("answer has %d m-lines, offer %d", len(d.Media), len(offer.Media))
	}
	for i := range d.Media {
		a, o := &d.Media[i], &offer.Media[i]
		if err := validateAnswerMedia(d, a, o); err != nil {
			return fmt.Errorf("%w: m-line %d: %v", ErrBadSDP, i+1, err)
		}
	}
	return nil
}

func validateAnswerMedia(d *Description, a, o *Media) error {
	if a.Kind != o.Kind || a.Proto != o.Proto {
		return fmt.Errorf("answer %s %s to offer %s %s", a.Kind, a.Proto, o.Kind, o.Proto)
	}
	if a.Port == 0 {
		return nil
	}
	// RFC 3264 §6: a stream the offer removed stays removed.
	if o.Port == 0 {
		return fmt.Errorf("accepts a stream the offer removed")
	}
	switch {
	case a.IsControl():
		res := a.ChannelResource()
		if res == "" || len(a.Channel) == len(res)+1 {
			return fmt.Errorf("a=channel %q is not <id>@<resource>", a.Channel)
		}
		if o.Resource != "" && !strings.EqualFold(res, o.Resource) {
			return fmt.Errorf("a=channel %q for offered resource %q", a.Channel, o.Resource)
		}
		if a.Setup != SetupPassive {
			return fmt.Errorf("a=setup:%s, the server must be passive", a.Setup)
		}
		// RFC 6787 §4.2: "new" must be answered "new"; "existing" may be
		// answered either way.
		switch {
		case a.Connection != ConnectionNew && a.Connection != ConnectionExisting:
			return fmt.Errorf("a=connection:%s is neither new nor existing", a.Connection)
		case o.Connection == ConnectionNew && a.Connection != ConnectionNew:
			return fmt.Errorf("a=connection:%s answers new", a.Connection)
		}
	case a.IsRTP():
		if d.AddrOf(a) == "" {
			return fmt.Errorf("no c= address for RTP media")
		}
		if !sharesFormat(a.Formats, o.Formats) {
			return fmt.Errorf("no codec of the offer")
		}
		if !directionAnswers(a.EffectiveDirection(), o.EffectiveDirection()) {
			return fmt.Errorf("a=%s does not answer a=%s", a.EffectiveDirection(), o.EffectiveDirection())
		}
	}
	return nil
}

// sharesFormat reports whether the answer keeps an offered codec; DTMF
// events and comfort noise alone carry no speech.
func sharesFormat(answer, offer []Format) bool {
	for _, a := range answer {
		if strings.EqualFold(a.Name, "telephone-event") || strings.EqualFold(a.Name, "CN") {
			continue
		}
		for _, o := range offer {
			if a.PayloadType == o.PayloadType && strings.EqualFold(a.Name, o.Name) && a.ClockRate == o.ClockRate {
				return true
			}
		}
	}
	return false
}

// directionAnswers applies RFC 3264 §6.1: the answer may narrow the
// offered direction but never send where the offer will not receive.
func directionAnswers(answer, offer string) bool {
	switch offer {
	case DirSendOnly:
		return answer == DirRecvOnly || answer == DirInactive
	case DirRecvOnly:
		return answer == DirSendOnly || answer == DirInactive
	case DirInactive:
		return answer == DirInactive
	}
	return true
}
