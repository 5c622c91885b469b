package scenarios

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLoadFileResolvesData: LoadFile reads a scenario's data files relative
// to the scenario file, wherever the process runs; plain Load, given no
// Opener, refuses them with an error naming the file.
func TestLoadFileResolvesData(t *testing.T) {
	path := filepath.Join("testdata", "good", "recorded.toml")
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{path, abs} {
		if _, err := LoadFile(p, src, LoadOptions{}); err != nil {
			t.Errorf("LoadFile(%s): %v", p, err)
		}
	}
	if _, err := Load(path, src); err == nil || !strings.Contains(err.Error(), "data/checkout") {
		t.Errorf("Load without an Opener: %v; want an error naming the data file", err)
	}
	// Moved elsewhere, the same text names files that are not beside it.
	if _, err := LoadFile(filepath.Join(t.TempDir(), "recorded.toml"), src, LoadOptions{}); err == nil || !strings.Contains(err.Error(), "cannot open") {
		t.Errorf("LoadFile away from its data: %v; want cannot open", err)
	}
}
