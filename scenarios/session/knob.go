package session

import (
	"github.com/stampede-sim/stampede/models/config"
	"github.com/stampede-sim/stampede/scenarios/format"
)

// retryAttemptsPath is where a client's retry attempts live in the
// scenario format (retry = { attempts = 3, ... }): the a/A knob sets it.
const retryAttemptsPath = "retry.attempts"

// RetryAttempts returns a client's retry attempts (retry.attempts; zero
// means the default, one attempt), if its configuration has the key.
func RetryAttempts(c *config.ClientConfig) (int64, bool) { return intAt(c, retryAttemptsPath) }

// intAt reads an integer field at a set path of the struct p points to,
// if there is one.
func intAt(p any, path string) (int64, bool) {
	f, ok := format.Lookup(p, path)
	if !ok || !f.CanInt() {
		return 0, false
	}
	return f.Int(), true
}

// setIntAt sets an integer field at a set path; it reports whether there
// is one.
func setIntAt(p any, path string, x int64) bool {
	f, ok := format.Lookup(p, path)
	if !ok || !f.CanInt() {
		return false
	}
	f.SetInt(x)
	return true
}
