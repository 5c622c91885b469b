package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMargin: stampede margin prints the boundary and the runs against a
// grid's, writes the figure, and refuses bounds that do not bracket.
func TestMargin(t *testing.T) {
	if testing.Short() {
		t.Skip("runs stability-map worlds")
	}
	png := filepath.Join(t.TempDir(), "margin.png")
	code, out, errOut := stampede(t, "margin", "stability-map", "--size", "faults.0.factor", "--from", "1.2", "--to", "6",
		"--duration", "faults.0.for", "--for", "10s", "--replications", "1", "--tolerance", "0.1", "--plot", png)
	if code != 0 || !strings.Contains(out, "margin: base survives faults.0.factor = ") || !strings.Contains(out, "a grid over [1.2, 6]") {
		t.Errorf("exit %d, %s:\n%s", code, errOut, out)
	}
	if st, err := os.Stat(png); err != nil || st.Size() == 0 {
		t.Errorf("no figure: %v", err)
	}
	code, _, errOut = stampede(t, "margin", "stability-map", "--size", "faults.0.factor", "--from", "1.2", "--to", "6",
		"--variant", "no-retries", "--replications", "1", "--set", "duration=50s", "--set", "faults.0.at=10s")
	if code != 2 || !strings.Contains(errOut, "recovers even at") {
		t.Errorf("a variant that always recovers: exit %d, %s", code, errOut)
	}
}

// TestMarginExplicitZero: --replications 0 and --tolerance 0 are errors
// saying what is valid (exit 2), not silently the defaults.
func TestMarginExplicitZero(t *testing.T) {
	for _, tc := range []struct{ flag, want string }{
		{"--replications=0", "--replications 0 must be in [1, 1000]"},
		{"--tolerance=0", "--tolerance 0 must be in (0, 1)"},
	} {
		code, out, errOut := stampede(t, "margin", "stability-map", "--size", "faults.0.factor", "--from", "1.2", "--to", "6", tc.flag)
		if code != 2 || !strings.Contains(errOut, tc.want) || out != "" {
			t.Errorf("%s: exit %d, stderr %q, stdout %q; want exit 2 saying %q", tc.flag, code, errOut, out, tc.want)
		}
	}
}
