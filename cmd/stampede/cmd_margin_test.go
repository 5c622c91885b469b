package main

import (
	"encoding/json"
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

// TestMarginTable: with a [margin] table, stampede margin FILE needs no
// flags; a flag given replaces its key (--replications 0 is then an
// error, not the table's 1); without a table the trigger's flags are
// required.
func TestMarginTable(t *testing.T) {
	if testing.Short() {
		t.Skip("runs stability-map worlds")
	}
	src, err := os.ReadFile("../../scenarios/library/stability-map.toml")
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "m.toml")
	table := "\n[margin]\nsize = \"faults.0.factor\"\nfrom = 1.2\nto = 6\nduration = \"faults.0.for\"\nfor = [\"10s\"]\nvariants = [\"base\", \"slow\"]\nreplications = 1\ntolerance = 0.1\n"
	slow := "\n[[variants]]\nname = \"slow\"\nset = { \"clients.users.rate\" = 150 }\n"
	if err := os.WriteFile(file, append(append(src, slow...), table...), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := stampede(t, "margin", file, "--json")
	var ms []struct {
		Variant      string
		Replications int
		Points       []struct{ Duration string }
	}
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if err := json.Unmarshal([]byte(out), &ms); err != nil || len(ms) != 2 || ms[0].Variant != "base" || ms[1].Variant != "slow" ||
		ms[0].Replications != 1 || len(ms[0].Points) != 1 || ms[0].Points[0].Duration != "10s" {
		t.Errorf("%v: %+v, want the table's search of base and slow", err, ms)
	}
	code, _, errOut = stampede(t, "margin", file, "--replications", "0")
	if code != 2 || !strings.Contains(errOut, "--replications 0 must be in [1, 1000]") {
		t.Errorf("--replications 0 over a table's 1: exit %d, %s", code, errOut)
	}
	code, _, errOut = stampede(t, "margin", "stability-map")
	if code != 2 || !strings.Contains(errOut, "has no [margin] table: give the trigger with --size PATH --from X --to Y") {
		t.Errorf("no table, no flags: exit %d, %s", code, errOut)
	}
}
