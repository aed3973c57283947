//go:build !linux

package bargein

import "testing"

// reportCPU runs the benchmark body; CPU time is only measured on Linux.
func reportCPU(_ *testing.B, run func()) { run() }
