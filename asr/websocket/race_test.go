//go:build race

package websocket

// raceEnabled: under the race detector sync.Pool drops items at random, so
// allocation counts of code that draws from a pool are not exact there
// (`make test` runs the allocation tests without it too).
const raceEnabled = true
