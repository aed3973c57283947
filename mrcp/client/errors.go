package client

import (
	"errors"
	"strings"

	"github.com/mrcpd/mrcpd/sip"
)

var (
	// ErrClosed is returned by operations on a closed session.
	ErrClosed = errors.New("client: session closed")
	// ErrEndedByServer ends the channels of a session the server hung up.
	ErrEndedByServer = errors.New("client: session ended by the server")
	// ErrChannelRemoved ends a channel whose resource a re-INVITE released.
	ErrChannelRemoved = errors.New("client: channel removed from the session")
)

// RefusedError reports resources the server answered with port 0
// (RFC 3264 §6): not available, the session goes on without them.
type RefusedError struct {
	Resources []string
}

func (e *RefusedError) Error() string {
	return "client: the server refused " + strings.Join(e.Resources, ", ")
}

// SIPStatus returns the SIP status code carried by an error of Dial or
// Reinvite (488 for an unacceptable offer ...), or 0 if it has none.
func SIPStatus(err error) int {
	var se *sip.StatusError
	if errors.As(err, &se) {
		return se.Code
	}
	return 0
}
