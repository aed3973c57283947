// Package sip is the signalling edge of mrcpd: a thin adapter over sipgo that
// answers the SIP dialogs MRCPv2 clients open (RFC 6787 §4), and the SDP
// offer/answer model those dialogs carry.
//
// A speech client (FreeSWITCH mod_unimrcp, Asterisk res_speech_unimrcp, our own
// client) opens one SIP dialog per speech channel. Its INVITE offers one
// "m=application ... TCP/MRCPv2" line per resource and the audio m-lines those
// resources use; the answer names the MRCPv2 channel and the RTP port. The
// server side hands each parsed offer to a Handler and sends the answer it
// returns; everything else here (100 Trying, 2xx retransmission until ACK,
// CANCEL, BYE, OPTIONS, re-INVITE and UPDATE, RFC 4028 session timers) is SIP
// bookkeeping the Handler never sees.
//
// The client side (Client, ClientDialog) is what our command line client, the
// conformance suite and the load tool use to talk to any MRCPv2 server.
package sip
