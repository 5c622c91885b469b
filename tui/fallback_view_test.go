package tui

import (
	"strings"
	"testing"

	"github.com/stampede-sim/stampede/scenarios"
)

// TestFallbackStatus: the built-in fallback's status lines show the
// fallback answers (an edge's: the page renders, degraded) for the
// variant that gives them, and no other line does, during the slowdown.
func TestFallbackStatus(t *testing.T) {
	doc, err := scenarios.LoadBuiltin("fallback")
	if err != nil {
		t.Fatal(err)
	}
	d := newDriver(t, Options{Open: doc}, 160, 40)
	for i := 0; i < 400 && d.m.run.sess.Now().Seconds() < 75; i++ {
		d.frames(1, frame)
	}
	var fb []string
	for _, l := range strings.Split(d.screen(), "\n") {
		if strings.Contains(l, "fallbacks ") {
			fb = append(fb, l)
		}
	}
	if len(fb) != 1 || !strings.Contains(fb[0], "fallback") {
		t.Fatalf("status lines with fallbacks: %q, want the fallback variant's alone\n%s", fb, d.screen())
	}
}
