package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestNewGolden: the starters `stampede new` prints are kept in
// testdata/new-*.toml, and each loads and validates.
func TestNewGolden(t *testing.T) {
	for _, c := range []struct {
		name string
		args []string
	}{
		{"new-default.toml", nil},
		{"new-2-retries.toml", []string{"--tiers", "2", "--retries"}},
		{"new-3-all.toml", []string{"--tiers", "3", "--cache", "--retries", "--breaker", "--outage"}},
		{"new-1-cache-breaker.toml", []string{"--cache", "--breaker", "--title", "Cache first"}},
	} {
		code, out, errOut := stampede(t, append([]string{"new"}, c.args...)...)
		if code != 0 {
			t.Fatalf("new %v: exit %d: %s", c.args, code, errOut)
		}
		golden(t, c.name, out)
		f := writeScenario(t, "starter.toml", out)
		if code, _, errOut := stampede(t, "validate", f); code != 0 {
			t.Errorf("new %v: the starter does not validate: %s", c.args, errOut)
		}
	}
}

// TestNewFile: -o writes the file and says how to run it; an existing
// file is refused (exit 2) and left alone unless --force.
func TestNewFile(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "my.toml")
	code, out, errOut := stampede(t, "new", "-o", f)
	if code != 0 || out != "" || !strings.Contains(errOut, "wrote "+f+"; run it with: stampede run "+f) {
		t.Fatalf("new -o: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	if err := os.WriteFile(f, []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut = stampede(t, "new", "--tiers", "2", "-o", f)
	if code != exitBadInput || !strings.Contains(errOut, f+" exists; choose another name, or add --force to replace it") {
		t.Errorf("new -o over a file: exit %d, stderr %q", code, errOut)
	}
	if b, _ := os.ReadFile(f); string(b) != "mine" {
		t.Errorf("new -o without --force changed the file: %q", b)
	}
	if code, _, errOut = stampede(t, "new", "--tiers", "2", "-o", f, "--force"); code != 0 {
		t.Fatalf("new --force: exit %d: %s", code, errOut)
	}
	if b, _ := os.ReadFile(f); !strings.Contains(string(b), "--tiers 2") {
		t.Errorf("new --force did not replace the file: %q", b)
	}
	if code, _, errOut = stampede(t, "new", "--tiers", "9"); code != exitBadInput || !strings.Contains(errOut, "--tiers 9: must be in [1, 5]") {
		t.Errorf("new --tiers 9: exit %d, stderr %q", code, errOut)
	}
}
