package plots

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// goldenFigures are the figures whose SVG is held byte for byte.
func goldenFigures(t *testing.T) map[string]*Figure {
	t.Helper()
	runs := fakeRuns(120, stormVariants)
	must := func(f *Figure, err error) *Figure {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	return map[string]*Figure{
		"timeseries": must(Timeseries(runs, TimeseriesOptions{Title: "Retry storm", SLO: 0.2})),
		"sweep":      must(Sweep(fakeSweep(true))),
		"stability":  must(StabilityMap(fakeStability())),
		// the margin found by bisection over the grid
		"stability-margin": must(StabilityMap(fakeStabilityMargin())),
		"latency":          must(LatencyCDF(runs, LatencyOptions{SLO: 0.2})),
		// the exact CDF, from latency histograms
		"latency-exact": must(LatencyCDF(withHistograms(fakeRuns(120, stormVariants), 100000, 0.02), LatencyOptions{SLO: 0.2})),
		"compare":       must(Compare(runs, CompareOptions{Title: "Retry storm"})),
	}
}

// TestGolden renders each figure as SVG at paper size and compares it
// with testdata/<name>.svg byte for byte (go test -update rewrites them;
// commit only diffs you have looked at).
func TestGolden(t *testing.T) {
	for name, f := range goldenFigures(t) {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := f.Render(&buf, SVG, Paper); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", name+".svg")
			if *update {
				if err := os.MkdirAll("testdata", 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(buf.Bytes(), want) {
				t.Errorf("%s differs from %s (%d bytes, want %d): look at the figure, then go test -update", name, path, buf.Len(), len(want))
			}
		})
	}
}

// TestRenderDeterministic holds that a figure renders to the same bytes
// every time, whatever was rendered from it before (Draw lays a figure
// out afresh for each canvas).
func TestRenderDeterministic(t *testing.T) {
	for name, f := range goldenFigures(t) {
		var first bytes.Buffer
		if err := f.Render(&first, SVG, Paper); err != nil {
			t.Fatal(err)
		}
		var png bytes.Buffer
		if err := f.Render(&png, PNG, Size{W: Slide.W, H: Slide.H, DPI: 40}); err != nil {
			t.Fatal(err)
		}
		var again bytes.Buffer
		if err := f.Render(&again, SVG, Paper); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(first.Bytes(), again.Bytes()) {
			t.Errorf("%s: second SVG render differs from the first", name)
		}
		if !bytes.HasPrefix(png.Bytes(), []byte("\x89PNG")) {
			t.Errorf("%s: PNG output does not start with the PNG signature", name)
		}
	}
}

// TestRenderDeterministicAllFormats holds that PNG, SVG and PDF output are
// the same bytes on every render: PDF once carried the wall clock as its
// creation and modification dates, so it is also checked for the fixed
// date (two renders within one second would agree anyway).
func TestRenderDeterministicAllFormats(t *testing.T) {
	for name, f := range goldenFigures(t) {
		for _, format := range []Format{PNG, SVG, PDF} {
			a, b := renderTwice(t, f, format, Size{W: Slide.W, H: Slide.H, DPI: 40})
			if !bytes.Equal(a, b) {
				t.Errorf("%s.%s: second render differs from the first", name, format)
			}
			if format == PDF {
				for _, key := range []string{"/CreationDate", "/ModDate"} {
					if !bytes.Contains(a, []byte(key+" (D:20000101000000)")) {
						t.Errorf("%s.pdf: %s is not the fixed date", name, key)
					}
				}
			}
		}
	}
}

// renderTwice renders f twice in format at size s and returns both outputs.
func renderTwice(t *testing.T, f *Figure, format Format, s Size) ([]byte, []byte) {
	t.Helper()
	var a, b bytes.Buffer
	if err := f.Render(&a, format, s); err != nil {
		t.Fatal(err)
	}
	if err := f.Render(&b, format, s); err != nil {
		t.Fatal(err)
	}
	return a.Bytes(), b.Bytes()
}
