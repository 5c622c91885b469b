package plots

import (
	"math"
	"os"
	"path/filepath"
	"testing"
)

// TestView renders figures as PNG to $PLOTS_VIEW (a directory) for a
// person to look at; skipped without it.
func TestView(t *testing.T) {
	dir := os.Getenv("PLOTS_VIEW")
	if dir == "" {
		t.Skip("set PLOTS_VIEW=dir to render figures for viewing")
	}
	runs := fakeRuns(300, stormVariants)
	figs := map[string]func() (*Figure, error){
		"timeseries": func() (*Figure, error) {
			return Timeseries(runs, TimeseriesOptions{Title: "Retry storm", SLO: 0.2})
		},
		"six": func() (*Figure, error) {
			return Timeseries(fakeRuns(3600, []storm{
				{name: "no retries", amplify: 1, recoverAtS: 84, collapse: 0.3},
				{name: "3 retries, no backoff", amplify: 3.4, recoverAtS: math.Inf(1), collapse: 0.02},
				{name: "retry budget 10%", amplify: 1.2, recoverAtS: 95, collapse: 0.25},
				{name: "circuit breaker", amplify: 2, recoverAtS: 120, collapse: 0.2},
				{name: "adaptive throttling", amplify: 1.5, recoverAtS: 100, collapse: 0.1},
				{name: "3 retries + jitter", amplify: 4, recoverAtS: math.Inf(1), collapse: 0.05},
			}), TimeseriesOptions{Title: "Six strategies over an hour", SLO: 0.2})
		},
		"sixcompare": func() (*Figure, error) {
			return Compare(fakeRuns(300, []storm{
				{name: "no retries", amplify: 1, recoverAtS: 84, collapse: 0.3},
				{name: "3 retries, no backoff", amplify: 3.4, recoverAtS: math.Inf(1), collapse: 0.02},
				{name: "retry budget 10%", amplify: 1.2, recoverAtS: 95, collapse: 0.25},
				{name: "circuit breaker", amplify: 2, recoverAtS: 120, collapse: 0.2},
				{name: "adaptive throttling", amplify: 1.5, recoverAtS: 100, collapse: 0.1},
				{name: "3 retries + jitter", amplify: 4, recoverAtS: math.Inf(1), collapse: 0.05},
			}), CompareOptions{})
		},
		"sixlatency": func() (*Figure, error) {
			return LatencyCDF(fakeRuns(300, []storm{
				{name: "no retries", amplify: 1, recoverAtS: 84, collapse: 0.3},
				{name: "3 retries, no backoff", amplify: 3.4, recoverAtS: math.Inf(1), collapse: 0.02},
				{name: "retry budget 10%", amplify: 1.2, recoverAtS: 95, collapse: 0.25},
				{name: "circuit breaker", amplify: 2, recoverAtS: 120, collapse: 0.2},
				{name: "adaptive throttling", amplify: 1.5, recoverAtS: 100, collapse: 0.1},
				{name: "3 retries + jitter", amplify: 4, recoverAtS: math.Inf(1), collapse: 0.05},
			}), LatencyOptions{})
		},
		"sweep":     func() (*Figure, error) { return Sweep(fakeSweep(true)) },
		"stability": func() (*Figure, error) { return StabilityMap(fakeStability()) },
		"stability3": func() (*Figure, error) {
			return StabilityMap(fakeStabilityOf(map[string]float64{"a: no retries": 0.3, "b: 3 retries": 0, "c: retry budget": 0.2}))
		},
		"latency": func() (*Figure, error) { return LatencyCDF(runs, LatencyOptions{SLO: 0.2}) },
		"compare": func() (*Figure, error) { return Compare(runs, CompareOptions{Title: "Retry storm"}) },
	}
	for name, mk := range figs {
		f, err := mk()
		if err != nil {
			t.Fatal(err)
		}
		for _, sz := range []struct {
			n string
			s Size
		}{{"slide", Slide}, {"paper", Size{W: Paper.W, H: Paper.H, DPI: 150}}} {
			out, err := os.Create(filepath.Join(dir, name+"-"+sz.n+".png"))
			if err != nil {
				t.Fatal(err)
			}
			if err := f.Render(out, PNG, sz.s); err != nil {
				t.Fatal(err)
			}
			out.Close()
		}
		for _, fm := range []Format{SVG, PDF} {
			out, err := os.Create(filepath.Join(dir, name+"."+string(fm)))
			if err != nil {
				t.Fatal(err)
			}
			if err := f.Render(out, fm, Paper); err != nil {
				t.Fatal(err)
			}
			out.Close()
		}
	}
}
