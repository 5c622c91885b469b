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
	png := filepath.Join(t.TempDir(), "margin.svg")
	code, out, errOut := stampede(t, "margin", "stability-map", "--size", "faults.0.factor", "--from", "1.2", "--to", "6",
		"--duration", "faults.0.for", "--for", "10s", "--replications", "1", "--tolerance", "0.1", "--plot", png)
	if code != 0 || !strings.Contains(out, "margin: base survives faults.0.factor = ") || !strings.Contains(out, "a grid over [1.2, 6]") {
		t.Errorf("exit %d, %s:\n%s", code, errOut, out)
	}
	// stability-map's sweep is over the trigger's size and duration: the
	// margin is drawn over its map.
	if svg, err := os.ReadFile(png); err != nil || !strings.Contains(string(svg), "margin (bisection)") || !strings.Contains(string(svg), "did not recover") {
		t.Errorf("no margin over the stability map: %v", err)
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

// marginClaimFile is stability-map's world without its sweep, with a
// quick [margin] table and a margin claim bounded by max.
func marginClaimFile(t *testing.T, max string) string {
	t.Helper()
	src := `duration = "2m"
seed = 1

[[services]]
name = "api"
workers = 8
queue = { limit = 1000 }
service_time = "exp(20ms)"

[[clients]]
name = "users"
target = "api"
rate = 200
timeout = "200ms"
retry = { attempts = 3 }

[[faults]]
kind = "slowdown"
target = "api"
at = "30s"
for = "5s"
factor = 2

[margin]
size = "faults.0.factor"
from = 1.2
to = 6
duration = "faults.0.for"
for = ["10s"]
replications = 1
tolerance = 0.1

[[expect]]
metric = "margin.survived"
min = 1.5
max = ` + max + `
about = "the largest slowdown survived for 10 s"
`
	file := filepath.Join(t.TempDir(), "m.toml")
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return file
}

// TestMarginClaimsCLI: stampede check and stampede margin check margin
// claims: exit 0 when they hold, 1 with the claim's diff when the margin
// is not what the claim says.
func TestMarginClaimsCLI(t *testing.T) {
	if testing.Short() {
		t.Skip("searches a margin")
	}
	good, bad := marginClaimFile(t, "3"), marginClaimFile(t, "1.6")
	curve := filepath.Join(t.TempDir(), "curve.svg")
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"check", good}, 0, "ok   m (1 claim"},
		{[]string{"check", bad}, 1, "want     in [1.5, 1.6]"},
		{[]string{"margin", good}, 0, "claims: 1 of 1 hold"},
		{[]string{"margin", bad}, 1, "metric   margin.survived for 10s"},
		{[]string{"margin", good, "--plot", curve}, 0, "claims: 1 of 1 hold"},
	} {
		code, out, errOut := stampede(t, tc.args...)
		if code != tc.code || !strings.Contains(out, tc.want) {
			t.Errorf("%v: exit %d (want %d), %s\n%s\nwant it to say %q", tc.args, code, tc.code, errOut, out, tc.want)
		}
	}
	// No sweep: the boundary against the duration, named at its end.
	if svg, err := os.ReadFile(curve); err != nil || !strings.Contains(string(svg), "faults.0.factor at the boundary") {
		t.Errorf("no boundary figure: %v", err)
	}
}

// TestRunMargin: stampede run of a scenario with a [margin] table
// searches it: the table under the results, "margins" in the JSON
// summary (valid by the schema), a Margin section in report.md, and the
// margin claims among the run's, a failing one exiting 1; --no-margin
// leaves all of it out.
func TestRunMargin(t *testing.T) {
	if testing.Short() {
		t.Skip("searches a margin")
	}
	good, bad := marginClaimFile(t, "3"), marginClaimFile(t, "1.6")
	code, out, errOut := stampede(t, "run", good)
	if code != 0 || !strings.Contains(out, "margin: the largest faults.0.factor each variant recovered from") ||
		!strings.Contains(out, "claims: 1 hold, 0 fail") {
		t.Errorf("run: exit %d, %s\n%s", code, errOut, out)
	}
	if code, out, _ := stampede(t, "run", bad); code != 1 || !strings.Contains(out, "claims: 0 hold, 1 fail") {
		t.Errorf("run of a failing margin claim: exit %d, want 1\n%s", code, out)
	}
	code, out, errOut = stampede(t, "run", good, "--json")
	if code != 0 {
		t.Fatalf("run --json: exit %d: %s", code, errOut)
	}
	doc, _ := validJSON(t, summarySchema(t), "run --json", out).(map[string]any)
	ms, _ := doc["margins"].([]any)
	if len(ms) != 1 {
		t.Fatalf("run --json: margins %v, want one", doc["margins"])
	}
	m, _ := ms[0].(map[string]any)
	if pts, _ := m["points"].([]any); m["variant"] != "base" || m["size_path"] != "faults.0.factor" || len(pts) != 1 {
		t.Errorf("run --json: margin %v", m)
	}
	dir := filepath.Join(t.TempDir(), "out")
	if code, _, errOut := stampede(t, "run", good, "--out", dir, "--plots"); code != 0 {
		t.Fatalf("run --out: exit %d: %s", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, "margin.png")); err != nil {
		t.Errorf("run --plots drew no margin: %v", err)
	}
	if rep, err := os.ReadFile(filepath.Join(dir, "report.md")); err != nil || !strings.Contains(string(rep), "\n## Margin\n") ||
		!strings.Contains(string(rep), "| base | 10s |") {
		t.Errorf("report.md has no margin: %v\n%s", err, rep)
	}
	// diff compares the margins: at a higher load the bracket falls
	// below the old one, a regression (exit 1).
	_, higher, _ := stampede(t, "run", good, "--set", "clients.users.rate=280", "--json")
	oldFile, newFile := filepath.Join(t.TempDir(), "old.json"), filepath.Join(t.TempDir(), "new.json")
	for f, b := range map[string]string{oldFile: out, newFile: higher} {
		if err := os.WriteFile(f, []byte(b), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if code, d, errOut := stampede(t, "diff", oldFile, newFile); code != 1 || !strings.Contains(d, "margin along faults.0.factor") ||
		!strings.Contains(d, "  REGRESSION\n") || !strings.Contains(d, "base          10s") {
		t.Errorf("diff of the margins: exit %d, %s\n%s", code, errOut, d)
	}
	for _, args := range [][]string{{"run", bad, "--no-margin"}, {"run", bad, "--no-margin", "--json"}} {
		code, out, errOut := stampede(t, args...)
		if code != 0 || strings.Contains(out, "margin") {
			t.Errorf("%v: exit %d, %s; want no margin and no margin claim\n%s", args, code, errOut, out)
		}
	}
}
