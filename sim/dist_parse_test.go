package sim

import (
	"strings"
	"testing"
)

// TestEditDistance: the one edit distance of the "did you mean"s counts an
// adjacent transposition as one edit, and bounds the work on long input.
func TestEditDistance(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{
		{"exp", "exp", 0}, {"epx", "exp", 1}, {"ex", "exp", 1}, {"lognormal", "lgonormal", 1},
		{"kitten", "sitting", 3}, {"", "abc", 3}, {strings.Repeat("a", 65), "a", 64},
		{strings.Repeat("a", 65), strings.Repeat("a", 65), 0},
	} {
		if got := EditDistance(c.a, c.b); got != c.want {
			t.Errorf("EditDistance(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}
