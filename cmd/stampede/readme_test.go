package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReadmeScenario keeps the scenario file shown in README.md valid: it
// loads and its claim holds.
func TestReadmeScenario(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	const open = "```toml\n"
	i := strings.Index(string(b), open)
	if i < 0 {
		t.Fatal("README.md has no ```toml block")
	}
	rest := string(b[i+len(open):])
	src := rest[:strings.Index(rest, "```")]
	f := writeScenario(t, "readme.toml", src)
	if code, out, errOut := stampede(t, "check", f); code != 0 {
		t.Errorf("the README's scenario: exit %d\n%s%s", code, out, errOut)
	}
}

// TestReadmeRunOutput keeps the output pasted under the README's main
// command equal to what `stampede run retry-storm` prints today.
func TestReadmeRunOutput(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a built-in scenario")
	}
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	const cmd = "go run ./cmd/stampede run retry-storm\n```\n\n```\n"
	i := strings.Index(string(b), cmd)
	if i < 0 {
		t.Fatal("README.md no longer shows the output of its main command right after it")
	}
	rest := string(b[i+len(cmd):])
	pasted := rest[:strings.Index(rest, "```")]
	code, out, errOut := stampede(t, "run", "retry-storm")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if out != pasted {
		t.Errorf("README.md's pasted output of `stampede run retry-storm` is stale; paste this:\n%s", out)
	}
}
