//go:build !unix

package loadtest

import "time"

// processCPU has no portable source outside unix; the load tool's own cost
// is then left out of the report.
func processCPU() (time.Duration, bool) { return 0, false }
