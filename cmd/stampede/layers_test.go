package main

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestImportDirection holds the one-way stack of docs/ARCHITECTURE.md:
// cmd -> tui -> plots -> scenarios -> models -> strategies -> sim. A
// package may import only packages below it (test files included).
func TestImportDirection(t *testing.T) {
	const mod = "github.com/stampede-sim/stampede/"
	stack := []string{"sim", "strategies", "models", "scenarios", "plots", "tui", "cmd/stampede"}
	level := map[string]int{}
	for i, p := range stack {
		level[p] = i
	}
	root := filepath.Join("..", "..")
	for _, pkg := range stack {
		files, _ := filepath.Glob(filepath.Join(root, pkg, "*.go"))
		if len(files) == 0 {
			t.Fatalf("%s: no Go files: the test is looking in the wrong place", pkg)
		}
		for _, path := range files {
			f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
			if err != nil {
				t.Fatal(err)
			}
			for _, imp := range f.Imports {
				p, _ := strconv.Unquote(imp.Path.Value)
				dep, ok := strings.CutPrefix(p, mod)
				if !ok {
					continue
				}
				l, known := level[dep]
				if !known {
					t.Errorf("%s imports %s, which is not in the package stack", path, p)
					continue
				}
				if l >= level[pkg] && dep != pkg {
					t.Errorf("%s imports %s: imports must point down the stack %v", path, dep, stack)
				}
			}
		}
	}
}
