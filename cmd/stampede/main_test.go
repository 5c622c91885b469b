package main

import (
	"runtime/debug"
	"testing"
)

// TestGCPercent: without GOGC the collector's target is gcPercent; with
// GOGC set, whatever the runtime took from it stays.
func TestGCPercent(t *testing.T) {
	old := debug.SetGCPercent(100)
	defer debug.SetGCPercent(old)
	setGCPercent("")
	if got := debug.SetGCPercent(100); got != gcPercent {
		t.Fatalf("GOGC unset: GC percent %d, want %d", got, gcPercent)
	}
	setGCPercent("100")
	if got := debug.SetGCPercent(100); got != 100 {
		t.Fatalf("GOGC=100: GC percent %d, want 100 kept", got)
	}
}
