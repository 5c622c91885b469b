package main

import (
	"strings"
	"testing"
)

// TestLint: stampede lint prints located findings and exits 1 at
// --fail-on (error by default), 0 below it or with never; a file that
// does not load is exit 2.
func TestLint(t *testing.T) {
	code, out, errOut := stampede(t, "lint", "retry-storm")
	if code != 1 || !strings.Contains(out, "builtin/retry-storm.toml:35:1: error: clients[users].retry:") ||
		!strings.Contains(out, "fix: ") || !strings.Contains(errOut, "--fail-on error") {
		t.Errorf("lint retry-storm: exit %d, stderr %q:\n%s", code, errOut, out)
	}
	if code, out, _ := stampede(t, "lint", "retry-storm", "--fail-on", "never"); code != 0 || !strings.Contains(out, "1 error, 0 warnings, 1 info") {
		t.Errorf("--fail-on never: exit %d:\n%s", code, out)
	}
	// metastable-retries has warnings only.
	if code, _, _ := stampede(t, "lint", "metastable-retries"); code != 0 {
		t.Errorf("warnings only, --fail-on error: exit %d, want 0", code)
	}
	if code, _, _ := stampede(t, "lint", "metastable-retries", "--fail-on", "warning"); code != 1 {
		t.Errorf("warnings, --fail-on warning: exit %d, want 1", code)
	}
	if code, out, _ := stampede(t, "lint", "mm1", "--fail-on", "info"); code != 0 || !strings.Contains(out, "0 errors, 0 warnings, 0 info") {
		t.Errorf("mm1: exit %d:\n%s", code, out)
	}
	f := writeScenario(t, "bad.toml", "duration = \"x\"\n")
	if code, _, errOut := stampede(t, "lint", f); code != 2 || !strings.Contains(errOut, "bad.toml:1:1: duration") {
		t.Errorf("a bad file: exit %d, stderr %q; want 2, located", code, errOut)
	}
	if code, _, errOut := stampede(t, "lint", "mm1", "--fail-on", "loud"); code != 2 || !strings.Contains(errOut, "--fail-on") {
		t.Errorf("--fail-on loud: exit %d, stderr %q", code, errOut)
	}
}

// TestLintVariants: --variant lints a variant as the base with its
// overrides: metastable-retries' retry-budget variant has no
// retry-without-budget warning, its base does; all lints every one; an
// unknown name is exit 2 with the valid ones.
func TestLintVariants(t *testing.T) {
	code, out, errOut := stampede(t, "lint", "metastable-retries", "--variant", "retry-budget", "--fail-on", "warning")
	if code != 0 || !strings.Contains(out, "metastable-retries.toml (retry-budget): 0 errors, 0 warnings, 1 info") || strings.Contains(out, "retry-without-budget") {
		t.Errorf("--variant retry-budget: exit %d, stderr %q:\n%s", code, errOut, out)
	}
	code, out, _ = stampede(t, "lint", "metastable-retries", "--variant", "all", "--fail-on", "warning")
	if code != 1 || !strings.Contains(out, "(base): 0 errors, 1 warning") || !strings.Contains(out, "(no-retries): 0 errors, 0 warnings, 0 info") {
		t.Errorf("--variant all: exit %d:\n%s", code, out)
	}
	if code, _, errOut := stampede(t, "lint", "metastable-retries", "--variant", "nope"); code != 2 || !strings.Contains(errOut, `no variant named "nope"`) {
		t.Errorf("--variant nope: exit %d, stderr %q", code, errOut)
	}
}
