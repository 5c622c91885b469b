package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestCorePurity holds the determinism rules of DESIGN.md over the source
// of the core packages: no wall clock, no global or crypto randomness, no
// goroutines, channels or locks in sim/, models/, strategies/ and
// scenarios/session (a session is driven from outside, like raft's RawNode).
func TestCorePurity(t *testing.T) {
	forbiddenImports := map[string]string{
		"math/rand":   "use sim.Rand streams (math/rand/v2 with an explicit PCG)",
		"crypto/rand": "randomness must come from seeded sim.Rand streams",
		"sync":        "the engine is single-threaded; no locks",
		"sync/atomic": "the engine is single-threaded; no atomics",
		"os":          "core packages do no I/O; cmd and tui do",
	}
	// Package-level functions that read the wall clock or use the global
	// generator. time.Duration arithmetic and constants stay allowed.
	forbiddenCalls := map[string]map[string]bool{
		"time": {"Now": true, "Since": true, "Until": true, "Sleep": true, "After": true,
			"AfterFunc": true, "Tick": true, "NewTimer": true, "NewTicker": true},
		"math/rand/v2": {"Int": true, "IntN": true, "Int32": true, "Int32N": true, "Int64": true,
			"Int64N": true, "Uint32": true, "Uint32N": true, "Uint64": true, "Uint64N": true, "UintN": true,
			"Float32": true, "Float64": true, "ExpFloat64": true, "NormFloat64": true, "Perm": true,
			"Shuffle": true, "N": true, "IntN64": true},
	}
	root := filepath.Join("..", "..")
	checked := 0
	for _, dir := range []string{"sim", "models", "models/results", "models/config", "strategies", "scenarios/session"} {
		files, _ := filepath.Glob(filepath.Join(root, dir, "*.go"))
		for _, path := range files {
			if strings.HasSuffix(path, "_test.go") {
				continue
			}
			checked++
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			fset := token.NewFileSet()
			f, err := parser.ParseFile(fset, path, src, 0)
			if err != nil {
				t.Fatal(err)
			}
			local := map[string]string{} // import name -> path
			for _, imp := range f.Imports {
				p, _ := strconv.Unquote(imp.Path.Value)
				if why, bad := forbiddenImports[p]; bad {
					t.Errorf("%s: imports %q: %s", fset.Position(imp.Pos()), p, why)
				}
				name := filepath.Base(p)
				if p == "math/rand/v2" {
					name = "rand"
				}
				if imp.Name != nil {
					name = imp.Name.Name
				}
				local[name] = p
			}
			ast.Inspect(f, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.GoStmt:
					t.Errorf("%s: go statement: the engine is single-threaded", fset.Position(n.Pos()))
				case *ast.ChanType:
					t.Errorf("%s: channel type: the engine is single-threaded", fset.Position(n.Pos()))
				case *ast.SelectorExpr:
					id, ok := n.X.(*ast.Ident)
					if !ok || id.Obj != nil {
						return true
					}
					if calls := forbiddenCalls[local[id.Name]]; calls[n.Sel.Name] {
						t.Errorf("%s: %s.%s: no wall clock or global randomness in core packages",
							fset.Position(n.Pos()), id.Name, n.Sel.Name)
					}
				}
				return true
			})
		}
	}
	if checked == 0 {
		t.Fatal("no core source files found: the test is looking in the wrong place")
	}
}
