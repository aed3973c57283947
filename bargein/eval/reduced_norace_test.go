//go:build !race

package eval

import "time"

// Size of the reduced evaluation run by the tests.
const (
	reducedUtterances = 120
	reducedNoise      = 30 * time.Second
)
