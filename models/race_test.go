//go:build race

package models

// raceEnabled reports whether the race detector is on (tests shrink their
// runs under it: it makes the model about 10x slower).
const raceEnabled = true
