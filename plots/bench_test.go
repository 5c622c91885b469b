package plots

import (
	"io"
	"math"
	"testing"
)

// BenchmarkTimeseriesHour builds and renders the time-series figure of
// six variants over an hour at 1 s intervals: the size a lecturer plots.
func BenchmarkTimeseriesHour(b *testing.B) {
	storms := []storm{
		{name: "a", amplify: 1, recoverAtS: 84, collapse: 0.3},
		{name: "b", amplify: 3.4, recoverAtS: math.Inf(1), collapse: 0.02},
		{name: "c", amplify: 1.2, recoverAtS: 95, collapse: 0.25},
		{name: "d", amplify: 2, recoverAtS: 120, collapse: 0.2},
		{name: "e", amplify: 1.5, recoverAtS: 100, collapse: 0.1},
		{name: "f", amplify: 4, recoverAtS: math.Inf(1), collapse: 0.05},
	}
	runs := fakeRuns(3600, storms)
	for _, bc := range []struct {
		name   string
		format Format
	}{{"svg", SVG}, {"png", PNG}, {"pdf", PDF}} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				f, err := Timeseries(runs, TimeseriesOptions{SLO: 0.2})
				if err != nil {
					b.Fatal(err)
				}
				if err := f.Render(io.Discard, bc.format, Slide); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
