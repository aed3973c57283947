// Package inband detects DTMF key presses carried as tones inside the audio
// (ITU-T Q.23 signalling, received as Q.24 recommends), for calls that
// negotiated no RFC 4733 telephone-event payload. FreeSWITCH's stock
// unimrcp profiles are such calls: the caller's keys arrive mixed into the
// G.711 stream.
//
// A Detector runs a bank of Goertzel filters over decoded linear PCM. The
// analysis block is about 13 ms long (104 samples at 8 kHz) and slides in
// quarter-block hops, so tone edges are placed to about 3 ms without paying
// for four overlapping filter banks: each quarter is filtered once and the
// block spectrum is the phase-rotated sum of its quarters. Every block is
// judged on tone level, twist, how far each tone stands above the others of
// its group, how much of the block's energy the two tones hold and the
// absence of a second harmonic; a key press needs the same verdict over
// about 40 ms of audio and ends after about 25 ms without it.
//
// Each key press is reported once, when it ends, with its start time and
// duration; Active shows a press that is confirmed but still sounding.
package inband
