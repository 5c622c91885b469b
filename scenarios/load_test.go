package scenarios

import (
	"bytes"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stampede-sim/stampede/scenarios/format"
	"github.com/stampede-sim/stampede/sim"
)

var update = flag.Bool("update", false, "rewrite golden files")

// golden compares got with the file at path, or rewrites it with -update.
func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (go test -update rewrites it)\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

// dirOpener opens data files relative to dir, as cmd/stampede does.
func dirOpener(dir string) sim.Opener {
	return func(name string) (io.ReadCloser, error) { return os.Open(filepath.Join(dir, name)) }
}

// TestBadInputs loads every file of the catalogue of bad inputs and holds
// its errors against the golden file beside it.
func TestBadInputs(t *testing.T) {
	files, _ := filepath.Glob("testdata/bad/*.toml")
	if len(files) < 40 {
		t.Fatalf("the catalogue has %d bad inputs; want at least 40", len(files))
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".toml")
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			_, err = LoadWith(f, src, LoadOptions{Open: dirOpener(filepath.Dir(f))})
			if err == nil {
				t.Fatalf("%s loaded without error", f)
			}
			list, ok := err.(format.ErrorList)
			if !ok {
				t.Fatalf("error is %T, want ErrorList", err)
			}
			for _, e := range list {
				if e.Pos.Line < 1 || e.Pos.Col < 1 {
					t.Errorf("error without a position: %v", e)
				}
			}
			golden(t, strings.TrimSuffix(f, ".toml")+".golden", []byte(err.Error()+"\n"))
		})
	}
}

// TestGoodInputs loads every good test scenario and every built-in.
func TestGoodInputs(t *testing.T) {
	files, _ := filepath.Glob("testdata/good/*.toml")
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := LoadWith(f, src, LoadOptions{Open: dirOpener(filepath.Dir(f))}); err != nil {
			t.Errorf("%s:\n%v", f, err)
		}
	}
	for _, b := range Builtins() {
		if b.Err != nil {
			t.Errorf("built-in %s: %v", b.Name, b.Err)
		}
		if b.Title == "" || b.Title == b.Name {
			t.Errorf("built-in %s has no title", b.Name)
		}
	}
}
