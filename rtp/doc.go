// Package rtp carries the audio of MRCPv2 sessions: RTP/RTCP port pairs, one
// Stream per negotiated media stream, and an Engine that drives many streams
// from a few goroutines.
//
// The Engine is tick-driven: each shard goroutine that has streams wakes
// every tick (20 ms by default, all shards on one grid), reads the sockets
// that hold datagrams without blocking, reorders and decodes the packets,
// paces outgoing audio and calls the Sinks; a shard without streams sleeps.
// Sockets are made with socket(2) and kept out of the Go runtime's
// netpoller. The design and its measured cost are in
// docs/performance-rtp.md. Nothing on the per-packet path allocates, takes
// a lock shared with other streams, or logs above Debug.
package rtp
