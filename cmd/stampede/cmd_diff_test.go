package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDiff: stampede diff over two results of the small scenario, the
// second with a slower server: exit 1 and the regressions named; the
// same result twice: exit 0, nothing flagged; --markdown is Markdown;
// --out directories work as well as files.
func TestDiff(t *testing.T) {
	f := writeScenario(t, "small.toml", smallScenario)
	dir := t.TempDir()
	oldDir, newDir := filepath.Join(dir, "old"), filepath.Join(dir, "new")
	for _, c := range []struct {
		out  string
		args []string
	}{
		{oldDir, nil},
		{newDir, []string{"--set", "services.api.service_time=exp(8ms)"}},
	} {
		args := append([]string{"run", f, "--replications", "3", "--out", c.out}, c.args...)
		if code, _, errOut := stampede(t, args...); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errOut)
		}
	}
	code, out, errOut := stampede(t, "diff", oldDir, filepath.Join(newDir, "summary.json"))
	if code != 1 || !strings.Contains(errOut, "regression") {
		t.Errorf("a slower server: exit %d, stderr %q; want 1 naming the regressions", code, errOut)
	}
	for _, want := range []string{"small (seed 3, 3 replications) -> small (seed 3, 3 replications), band 5%", "REGRESSION", "paired", "p99"} {
		if !strings.Contains(out, want) {
			t.Errorf("the diff lacks %q:\n%s", want, out)
		}
	}
	code, out, _ = stampede(t, "diff", oldDir, oldDir, "--markdown")
	if code != 0 || !strings.Contains(out, "### stampede diff: small: no regression") || strings.Contains(out, "REGRESSION") {
		t.Errorf("a result against itself: exit %d:\n%s", code, out)
	}
	// A band wider than the change lets it through.
	if code, out, _ := stampede(t, "diff", oldDir, newDir, "--band", "1000%"); code != 0 || strings.Contains(out, "REGRESSION") {
		t.Errorf("--band 1000%%: exit %d:\n%s", code, out)
	}
}

// TestDiffBadInput: what cannot be compared is a clear error and exit 2.
func TestDiffBadInput(t *testing.T) {
	dir := t.TempDir()
	notJSON := filepath.Join(dir, "notes.txt")
	os.WriteFile(notJSON, []byte("hello"), 0o644)
	empty := filepath.Join(dir, "empty.json")
	os.WriteFile(empty, []byte("{}"), 0o644)
	emptyDir := filepath.Join(dir, "emptydir")
	os.Mkdir(emptyDir, 0o755)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"diff", filepath.Join(dir, "missing.json"), empty}, "no such file"},
		{[]string{"diff", notJSON, notJSON}, "not a stampede summary"},
		{[]string{"diff", empty, empty}, "no scenario or no variants"},
		{[]string{"diff", emptyDir, emptyDir}, "holds no summary.json"},
		{[]string{"diff", empty, empty, "--band", "five"}, `--band "five": want a relative change such as 5% or 0.05`},
		{[]string{"diff", empty, empty, "--band=-1%"}, "from 0 to 1000%"},
		{[]string{"run", "mm1", "--band", "10%"}, "give --baseline FILE too"},
		{[]string{"run", "mm1", "--baseline", notJSON}, "--baseline: " + notJSON + ": not a stampede summary"},
	} {
		code, _, errOut := stampede(t, tc.args...)
		if code != 2 || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tc.args, code, errOut, tc.want)
		}
	}
}

// TestRunBaseline: run --baseline compares the run with a saved result
// and exits 1 on a regression, after printing the table.
func TestRunBaseline(t *testing.T) {
	f := writeScenario(t, "small.toml", smallScenario)
	saved := filepath.Join(t.TempDir(), "base.json")
	code, out, errOut := stampede(t, "run", f, "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	os.WriteFile(saved, []byte(out), 0o644)
	if code, out, errOut := stampede(t, "run", f, "--baseline", saved); code != 0 || !strings.Contains(out, "0 regressions") {
		t.Errorf("the same run: exit %d, %s\n%s", code, errOut, out)
	}
	code, out, errOut = stampede(t, "run", f, "--baseline", saved, "--set", "clients.users.timeout=20ms")
	if code != 1 || !strings.Contains(out, "claims: ") || !strings.Contains(out, "REGRESSION") || !strings.Contains(errOut, "regression") {
		t.Errorf("a shorter timeout: exit %d, stderr %q:\n%s", code, errOut, out)
	}
}

// TestDiffSeveralScenarios: the --json of several scenarios (one
// document) is compared scenario by scenario.
func TestDiffSeveralScenarios(t *testing.T) {
	f := writeScenario(t, "small.toml", smallScenario)
	code, out, errOut := stampede(t, "run", f, "mm1", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	saved := filepath.Join(t.TempDir(), "both.json")
	os.WriteFile(saved, []byte(out), 0o644)
	code, out, errOut = stampede(t, "diff", saved, saved)
	if code != 0 || !strings.Contains(out, "small (seed 3, 1 replication) -> small") || !strings.Contains(out, "mm1 (seed 1, 1 replication) -> mm1") {
		t.Errorf("exit %d, %s:\n%s", code, errOut, out)
	}
}
