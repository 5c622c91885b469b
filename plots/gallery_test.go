package plots

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stampede-sim/stampede/scenarios"
)

// TestGallery renders every figure of every built-in scenario and of the
// gallery scenarios in testdata/gallery as small PNGs into
// $PLOTS_GALLERY (docs/img for docs/PLOTS.md):
//
//	PLOTS_GALLERY=../docs/img go test -run TestGallery ./plots
//
// Skipped without it: it runs whole scenarios.
func TestGallery(t *testing.T) {
	dir := os.Getenv("PLOTS_GALLERY")
	if dir == "" {
		t.Skip("set PLOTS_GALLERY=dir to render the gallery")
	}
	type scen struct {
		name string
		s    *scenarios.Scenario
	}
	var all []scen
	for _, name := range scenarios.BuiltinNames() {
		s, err := scenarios.LoadBuiltin(name)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, scen{name, s})
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "gallery", "*.toml"))
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		s, err := scenarios.Load(f, src)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, scen{strings.TrimSuffix(filepath.Base(f), ".toml"), s})
	}
	size := Size{W: Slide.W, H: Slide.H, DPI: 96} // 960 x 540 px
	for _, sc := range all {
		res, err := scenarios.Run(sc.s, scenarios.Options{Series: true})
		if err != nil {
			t.Fatalf("%s: %v", sc.name, err)
		}
		set, err := FromBatch(batchOf(t, res), "")
		if err != nil {
			t.Fatalf("%s: %v", sc.name, err)
		}
		set.Specs = specsOf(sc.s)
		paths, err := WriteAll(dir, sc.name+"-", set, PNG, size)
		if err != nil {
			t.Fatalf("%s: %v", sc.name, err)
		}
		for _, p := range paths {
			t.Log(p)
		}
	}
}
