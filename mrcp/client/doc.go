// Package client is an MRCPv2 client (RFC 6787): it opens a session on a
// speech server the way FreeSWITCH mod_unimrcp and Asterisk
// res_speech_unimrcp do, and gives a Go program the control channels and the
// audio stream of that session.
//
// Dial sends a SIP INVITE whose SDP offer has one "m=application ...
// TCP/MRCPv2" line per resource and one audio line, checks the answer,
// connects the TCP control connection(s) and prepares RTP toward the port
// the server answered. Each resource is then a Channel: NewRequest numbers
// requests, Do sends one and waits for its response, WaitEvent and Events
// deliver the server's events in order. PlayPCM, PlayWAV, Silence and
// SendDTMF send audio; Reinvite adds and removes resources; Close sends BYE
// and releases everything.
//
// The client sends RTP from its own sockets rather than through package rtp's
// Engine: the engine paces every stream at exactly real time from its tick,
// while the client must also play files faster than real time and report the
// instant its first and last audio packets left.
package client
