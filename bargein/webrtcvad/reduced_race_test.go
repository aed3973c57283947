//go:build cgo && race

package webrtcvad

import "time"

// The race detector slows the signal processing tenfold, so under it the
// reduced evaluation takes fewer utterances; the bounds stay the same.
const (
	reducedUtterances = 40
	reducedNoise      = 30 * time.Second
)
