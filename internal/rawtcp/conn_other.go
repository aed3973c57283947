//go:build !linux

package rawtcp

import "net"

// Wrap returns c: raw system calls are used on Linux only.
func Wrap(c net.Conn) net.Conn { return c }

// CanInspect reports whether Idle can look at a socket on this system.
const CanInspect = false

// Idle reports false: without a way to look at the socket, no connection is
// known to be reusable.
func Idle(net.Conn) bool { return false }

// SetWriteBehind reports false: Write blocks as net.Conn's does.
func SetWriteBehind(net.Conn, int) bool { return false }
