package session

import (
	"testing"
	"time"
)

// TestTOMLPath finds fields by set paths through embedded structs and
// pointers, the way the retry-attempts knob finds retry.attempts.
func TestTOMLPath(t *testing.T) {
	type retry struct {
		Attempts int           `toml:"attempts"`
		Base     time.Duration `toml:"base"`
	}
	type Policy struct {
		Timeout time.Duration `toml:"timeout"`
		Retry   retry         `toml:"retry"`
		Budget  *retry        `toml:"budget"`
	}
	type client struct {
		Name string `toml:"name"`
		Policy
	}
	c := &client{Name: "users"}
	if !setIntAt(c, "retry.attempts", 3) || c.Retry.Attempts != 3 {
		t.Fatalf("set retry.attempts: %+v", c)
	}
	if n, ok := intAt(c, "retry.attempts"); !ok || n != 3 {
		t.Fatalf("read retry.attempts: %d %v", n, ok)
	}
	if _, ok := intAt(c, "budget.attempts"); ok {
		t.Error("found a field behind a nil pointer")
	}
	if _, ok := intAt(c, "name"); ok {
		t.Error("read a string as an integer")
	}
	for _, p := range []string{"retry.tries", "nope", "retry.attempts.x", ""} {
		if setIntAt(c, p, 1) {
			t.Errorf("set the missing path %q", p)
		}
	}
}
