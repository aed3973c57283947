// Package rawtcp wraps a TCP connection so that its reads and writes skip
// the Go runtime's system-call bookkeeping.
//
// A net.Conn reads and writes through syscall.Syscall, which tells the
// scheduler a blocking call may follow and, when the runtime's sysmon thread
// is parked (the process was idle), wakes it: sysmon then polls every 20 µs
// for a millisecond before it settles again. A server that wakes hundreds of
// times a second for small messages (MRCP requests, audio sent to an engine)
// pays that millisecond of polling nearly every time. Go sockets are
// non-blocking, so a read or write returns at once or with EAGAIN; this
// package issues them as raw system calls and, on EAGAIN, waits in the
// network poller exactly as a net.Conn does, deadlines included. Builds
// with the race detector use the ordinary calls, which tell the detector
// that a write to a socket happens before the read of it.
package rawtcp
