//go:build !race

package scenarios

// raceEnabled reports whether the race detector is on: it makes the models
// about 10x slower, so TestLibrary runs the built-ins only at reduced
// duration under it (CI's stampede check runs them in full).
const raceEnabled = false
