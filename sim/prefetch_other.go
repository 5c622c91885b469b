//go:build !amd64

package sim

// prefetch is a hint that does nothing on this architecture.
func prefetch(*slot) {}
