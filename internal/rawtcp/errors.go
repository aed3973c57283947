package rawtcp

import "errors"

// ErrBacklog fails a Write in write-behind mode that would take the
// backlog past its limit: the peer is not reading.
var ErrBacklog = errors.New("rawtcp: write backlog full: the peer is not reading")
