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
