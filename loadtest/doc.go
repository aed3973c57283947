// Package loadtest replays MRCPv2 calls against a speech server and measures
// them, so that a release that got slower is caught before it ships.
//
// Each simulated call is what a PBX running mod_unimrcp does: an INVITE
// (through package client), then, at a fixed cadence, a RECOGNIZE with a
// grammar while a recording is streamed in real time (20 ms RTP packets)
// followed by silence, until RECOGNITION-COMPLETE; at the end a BYE. The
// audio never stops between recognitions, as on a phone line, so the server
// carries its media load all the time. Every request-to-response and
// audio-to-event interval is recorded per "method" and summarised as count,
// average, minimum, maximum and percentiles (Report). A report can be saved
// as a baseline and a later run compared with it (Compare); the rule that
// calls a difference a regression is in Rule.
//
// With the server's metrics URL, Run also scrapes the server's process CPU,
// resident memory and active sessions before the load, during its steady
// state and after it, and derives the server's CPU per session-second and
// memory per session (ServerCost). The recogniser engine runs in a process
// of its own, so those figures exclude speech decoding.
package loadtest
