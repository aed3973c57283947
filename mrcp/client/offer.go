package client

import (
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"

	"github.com/mrcpd/mrcpd/mrcp"
	"github.com/mrcpd/mrcpd/rtp/codec"
	"github.com/mrcpd/mrcpd/sip"
)

// audioMid is the a=mid of the one audio line, which every control line
// names in its a=cmid (RFC 6787 §4.4).
const audioMid = "1"

// ptimeMillis is the packetisation time offered and sent.
const ptimeMillis = 20

// controlLine is the offer m-line of a resource (RFC 6787 §4.2), shaped as
// mod_unimrcp writes it: discard port 9, active set-up, the resource and the
// audio line's mid. A removed resource keeps its line with port 0
// (RFC 3264 §8.2).
func controlLine(resource, connection string) sip.Media {
	return sip.Media{
		Kind:       sip.KindApplication,
		Port:       9,
		Proto:      sip.ProtoMRCP,
		Setup:      sip.SetupActive,
		Connection: connection,
		Resource:   resource,
		CMID:       audioMid,
	}
}

func removedControlLine(resource string) sip.Media {
	return sip.Media{Kind: sip.KindApplication, Port: 0, Proto: sip.ProtoMRCP, Resource: resource}
}

func audioLine(port int, formats []sip.Format, direction string) sip.Media {
	return sip.Media{
		Kind:      sip.KindAudio,
		Port:      port,
		Proto:     sip.ProtoRTPAVP,
		Formats:   formats,
		Direction: direction,
		Ptime:     ptimeMillis,
		Mid:       audioMid,
	}
}

// Resources that take audio from the client, and those that send it audio
// (RFC 6787 §8-§11).
func consumesAudio(resource string) bool {
	switch resource {
	case mrcp.ResourceSpeechRecog, mrcp.ResourceDTMFRecog, mrcp.ResourceRecorder, mrcp.ResourceSpeakVerify:
		return true
	case mrcp.ResourceSpeechSynth, mrcp.ResourceBasicSynth:
		return false
	}
	return true // unknown: offer both ways
}

func producesAudio(resource string) bool {
	switch resource {
	case mrcp.ResourceSpeechSynth, mrcp.ResourceBasicSynth:
		return true
	case mrcp.ResourceSpeechRecog, mrcp.ResourceDTMFRecog, mrcp.ResourceRecorder, mrcp.ResourceSpeakVerify:
		return false
	}
	return true
}

// audioDirection is the offered direction for the resources in use: we send
// to recognisers and receive from synthesisers (RFC 6787 §4.3 examples).
func audioDirection(resources []string) string {
	send, recv := false, false
	for _, r := range resources {
		send = send || consumesAudio(r)
		recv = recv || producesAudio(r)
	}
	switch {
	case send && recv:
		return sip.DirSendRecv
	case recv:
		return sip.DirRecvOnly
	}
	return sip.DirSendOnly
}

// offerLines is the m-line plan of a session: control lines in order (port
// 0 once removed) and the audio line's position.
type offerLines struct {
	media []sip.Media
	audio int
}

func newOfferLines(resources []string, connection string, rtpPort int, formats []sip.Format) offerLines {
	var l offerLines
	for _, r := range resources {
		l.media = append(l.media, controlLine(r, connection))
	}
	l.audio = len(l.media)
	l.media = append(l.media, audioLine(rtpPort, formats, audioDirection(resources)))
	return l
}

// active lists the resources whose lines are not removed, in line order.
func (l offerLines) active() []string {
	var out []string
	for _, m := range l.media {
		if m.IsControl() && m.Port != 0 {
			out = append(out, m.Resource)
		}
	}
	return out
}

// reoffer plans a re-INVITE: lines of kept resources ask to keep their
// connection, removed ones get port 0, added ones are appended, and the
// audio direction follows what is left (RFC 6787 §4.2, §4.3 examples).
func (l offerLines) reoffer(add, remove []string, connection string) (offerLines, error) {
	next := offerLines{media: make([]sip.Media, len(l.media)), audio: l.audio}
	copy(next.media, l.media)
	active := map[string]bool{}
	for _, r := range l.active() {
		active[r] = true
	}
	for _, r := range remove {
		r = strings.ToLower(r)
		if !active[r] {
			return l, fmt.Errorf("client: resource %s is not allocated", r)
		}
		delete(active, r)
		for i := range next.media {
			if m := &next.media[i]; m.IsControl() && m.Port != 0 && m.Resource == r {
				*m = removedControlLine(r)
			}
		}
	}
	for i := range next.media {
		if m := &next.media[i]; m.IsControl() && m.Port != 0 {
			m.Connection = sip.ConnectionExisting
		}
	}
	for _, r := range add {
		r = strings.ToLower(strings.TrimSpace(r))
		if err := checkResource(r); err != nil {
			return l, err
		}
		if active[r] {
			return l, fmt.Errorf("client: resource %s is already allocated", r)
		}
		active[r] = true
		next.media = append(next.media, controlLine(r, connection))
	}
	left := next.active()
	if len(left) == 0 {
		// The server refuses an offer without resources (RFC 6787 §4.2
		// ends sessions with BYE instead).
		return l, fmt.Errorf("client: a re-INVITE must leave a resource allocated; use Close to end the session")
	}
	next.media[next.audio].Direction = audioDirection(left)
	return next, nil
}

func (l offerLines) description(host string) *sip.Description {
	media := make([]sip.Media, len(l.media))
	copy(media, l.media)
	return &sip.Description{
		Origin:         sip.Origin{Username: "mrcpd-client", Address: host},
		ConnectionAddr: host,
		Media:          media,
	}
}

// answeredChannel is a control line the server accepted.
type answeredChannel struct {
	id         mrcp.ChannelID
	addr       string // host:port of the control connection
	connection string
}

// answeredSession is the part of an answer the session acts on.
type answeredSession struct {
	channels map[string]answeredChannel // by resource
	refused  []string                   // resources the server answered with port 0
	audio    negotiatedAudio
	remote   netip.AddrPort // where RTP goes
}

// readAnswer checks an answer against the lines offered, beyond the SDP
// rules sip.Client already applied: every accepted control line names a
// Channel-Identifier for its resource (RFC 6787 §4.2, §6.2.1) and a port,
// and the audio line settles on a codec of the offer.
func readAnswer(offer offerLines, answer *sip.Description, reg *codec.Registry) (answeredSession, error) {
	var a answeredSession
	a.channels = map[string]answeredChannel{}
	if len(answer.Media) != len(offer.media) {
		return a, fmt.Errorf("client: answer has %d m-lines, offer %d", len(answer.Media), len(offer.media))
	}
	for i, o := range offer.media {
		m := &answer.Media[i]
		if !o.IsControl() || o.Port == 0 {
			continue
		}
		if m.Port == 0 {
			a.refused = append(a.refused, o.Resource)
			continue
		}
		id, err := mrcp.ParseChannelID(m.Channel)
		if err != nil {
			return a, fmt.Errorf("client: m-line %d: a=channel:%s: %w", i+1, m.Channel, err)
		}
		if !strings.EqualFold(id.Resource, o.Resource) {
			return a, fmt.Errorf("client: m-line %d: channel %s answers resource %s", i+1, m.Channel, o.Resource)
		}
		host := answer.AddrOf(m)
		if net.ParseIP(host) == nil {
			return a, fmt.Errorf("client: m-line %d: control address %q is not an IP address", i+1, host)
		}
		a.channels[o.Resource] = answeredChannel{
			id:         id,
			addr:       net.JoinHostPort(host, strconv.Itoa(m.Port)),
			connection: m.Connection,
		}
	}
	if len(a.channels) == 0 {
		return a, fmt.Errorf("client: the server allocated none of %s", strings.Join(offer.active(), ", "))
	}
	am := &answer.Media[offer.audio]
	if am.Port == 0 {
		return a, fmt.Errorf("client: the server refused the audio stream")
	}
	audio, err := chooseAudio(am.Formats, offer.media[offer.audio].Formats, reg)
	if err != nil {
		return a, err
	}
	a.audio = audio
	addr, err := netip.ParseAddr(answer.AddrOf(am))
	if err != nil {
		return a, fmt.Errorf("client: audio address %q is not an IP address", answer.AddrOf(am))
	}
	a.remote = netip.AddrPortFrom(addr.Unmap(), uint16(am.Port))
	return a, nil
}

// markRefused turns the lines of resources the server refused into removed
// lines, as the answer made them (RFC 3264 §6), so re-offers keep them so.
func (l offerLines) markRefused(resources []string) {
	for _, r := range resources {
		for i := range l.media {
			if m := &l.media[i]; m.IsControl() && m.Port != 0 && m.Resource == r {
				*m = removedControlLine(r)
			}
		}
	}
}
