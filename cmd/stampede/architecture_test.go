package main

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestArchitectureDoc holds docs/ARCHITECTURE.md's package table to the
// layers table the import test enforces: every package has a row there,
// and the imports the row lists are exactly those its code may use.
func TestArchitectureDoc(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "docs", "ARCHITECTURE.md"))
	if err != nil {
		t.Fatal(err)
	}
	name := regexp.MustCompile("`([a-z/]+)`")
	documented := map[string][]string{}
	for _, line := range strings.Split(string(b), "\n") {
		cells := strings.Split(line, "|")
		// | `pkg` | its one job | `imp`, `imp` |
		if len(cells) != 5 || !strings.HasPrefix(strings.TrimSpace(cells[1]), "`") {
			continue
		}
		pkg := name.FindStringSubmatch(cells[1])
		if pkg == nil {
			continue
		}
		var imps []string
		for _, m := range name.FindAllStringSubmatch(cells[3], -1) {
			imps = append(imps, m[1])
		}
		if strings.TrimSpace(cells[3]) == "anything" {
			imps = []string{"*"}
		}
		documented[pkg[1]] = imps
	}
	for pkg, want := range layers {
		got, ok := documented[pkg]
		if !ok {
			t.Errorf("docs/ARCHITECTURE.md: package table has no row for %s", pkg)
			continue
		}
		if !sameSet(got, want) {
			t.Errorf("docs/ARCHITECTURE.md: %s imports %v, the layers table says %v", pkg, got, want)
		}
	}
	for pkg := range documented {
		if _, ok := layers[pkg]; !ok {
			t.Errorf("docs/ARCHITECTURE.md: row for %s, which the layers table does not know", pkg)
		}
	}
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}
