package main

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// layers is the import graph of docs/ARCHITECTURE.md: for each package of
// the module, the project packages its non-test files may import. Anything
// else is a layering error. A new package gets a row here, so its place in
// the house is decided when it is born.
var layers = map[string][]string{
	"sim":              {},
	"strategies":       {"sim"},
	"models/results":   {"sim"},
	"models/config":    {"strategies", "sim"},
	"models":           {"models/config", "models/results", "strategies", "sim"},
	"scenarios/format": {"sim"},
	"scenarios":        {"scenarios/format", "scenarios/session", "models/config", "models/results", "strategies", "sim"},
	"plots":            {"models/results", "sim"},
	"tui":              {"plots", "scenarios", "scenarios/session", "scenarios/format", "models/results", "strategies", "sim"},
	"cmd/stampede":     {"*"},
	"cmd/testbed":      {"scenarios/fit", "scenarios"},

	"scenarios/fit":     {"scenarios", "models/results", "sim"},
	"scenarios/session": {"scenarios/format", "models", "models/config", "models/results", "strategies", "sim"},
	"scenarios/lint":    {"scenarios", "scenarios/format", "models/config"},
}

// testExtras are the further packages a package's test files may import
// (to drive real runs, say), beyond its own row.
var testExtras = map[string][]string{
	"plots": {"scenarios"},
	"tui":   {"models/config"},
	// the built-ins run with and without the fused path of plain calls
	// (World.GeneralLifecycle), which only a World offers
	"scenarios": {"models"},
}

// TestImportDirection holds the import graph above for every package of
// the module, test files included.
func TestImportDirection(t *testing.T) {
	const mod = "github.com/stampede-sim/stampede/"
	root := filepath.Join("..", "..")
	seen := map[string]bool{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			name := d.Name()
			if path != root && (strings.HasPrefix(name, ".") || name == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") {
			return nil
		}
		rel, _ := filepath.Rel(root, filepath.Dir(path))
		pkg := filepath.ToSlash(rel)
		allowed, known := layers[pkg]
		if !known {
			if !seen[pkg] {
				t.Errorf("package %s has no row in the layers table (cmd/stampede/layers_test.go): give it its place in the import graph", pkg)
			}
			seen[pkg] = true
			return nil
		}
		seen[pkg] = true
		if strings.HasSuffix(path, "_test.go") {
			allowed = append(slices.Clone(allowed), testExtras[pkg]...)
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			dep, ok := strings.CutPrefix(p, mod)
			if !ok || dep == pkg || slices.Contains(allowed, "*") {
				continue
			}
			if !slices.Contains(allowed, dep) {
				t.Errorf("%s imports %s; %s may import only %v", path, dep, pkg, allowed)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for pkg := range layers {
		if !seen[pkg] {
			t.Errorf("layers table names %s, which has no Go files: the table is stale", pkg)
		}
	}
}
