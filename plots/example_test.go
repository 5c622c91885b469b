package plots_test

import (
	"bytes"
	"fmt"
	"math"
	"strings"

	"github.com/stampede-sim/stampede/models/results"
	"github.com/stampede-sim/stampede/plots"
)

// tinyRun makes a tiny run: 300 calls/s for 10 s, half of them lost
// during a 2 s outage from 4 s.
func tinyRun() *results.Results {
	r := &results.Results{Seed: 1, DurationS: 10, EndS: 10, IntervalS: 1}
	s := &r.Series
	tot := &s.Total
	for i := 0; i < 10; i++ {
		good := 300.0
		if i == 4 || i == 5 {
			good = 150
		}
		s.T = append(s.T, float64(i))
		tot.Offered = append(tot.Offered, 300)
		tot.Attempts = append(tot.Attempts, 300)
		tot.Goodput = append(tot.Goodput, good)
		tot.InFlight = append(tot.InFlight, 6)
		tot.P50 = append(tot.P50, 0.02)
		tot.P99 = append(tot.P99, 0.09)
	}
	r.Faults = []results.FaultWindow{{Kind: "outage", Target: "api", StartS: 4, EndS: 6}}
	r.Summary.Calls, r.Summary.Attempts, r.Summary.Succeeded = 3000, 3000, 2700
	r.Summary.Amplification, r.Summary.Goodput = 1, 270
	r.Summary.Latency = results.Latency{P50: 0.02, P90: 0.05, P99: 0.09, P999: 0.15, Max: 0.3}
	return r
}

func ExampleTimeseries() {
	runs := []plots.Run{{Name: "base", Results: tinyRun()}}
	fig, err := plots.Timeseries(runs, plots.TimeseriesOptions{Title: "Outage", SLO: 0.1})
	if err != nil {
		fmt.Println(err)
		return
	}
	var svg bytes.Buffer
	if err := fig.Render(&svg, plots.SVG, plots.Paper); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(fig.Panels), "panels;", strings.Contains(svg.String(), "api: outage"))
	// Output: 3 panels; true
}

func ExampleLatencyCDF() {
	runs := []plots.Run{{Name: "base", Results: tinyRun()}}
	fig, err := plots.LatencyCDF(runs, plots.LatencyOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(fig.Title)
	// Output: Latency of successful calls
}

func ExampleSweep() {
	d := plots.SweepData{Param: "offered load (calls/s)", Metric: "goodput (calls/s)", Diagonal: "goodput = offered"}
	s := plots.SweepSeries{Name: "deep queue"}
	for _, x := range []float64{100, 200, 300, 400, 500} {
		// Three replications of each point.
		y := math.Min(x, 800-x)
		s.Points = append(s.Points, plots.SweepPointOf(x, []float64{y * 0.98, y, y * 1.02}))
	}
	d.Series = append(d.Series, s)
	fig, err := plots.Sweep(d)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(fig.Title)
	fmt.Println(fig.Note)
	// Output:
	// Goodput (calls/s) against offered load (calls/s)
	// Shaded: 95% confidence interval of the mean over replications (Student's t).
}

func ExampleStabilityMap() {
	rec := func(s float64) plots.StabilityCell {
		return plots.StabilityCell{Runs: 1, Recovered: 1, RecoveryS: s, Verdict: results.Recovered}
	}
	stuck := plots.StabilityCell{Runs: 1, Verdict: results.NotRecovered}
	d := plots.StabilityData{
		XParam: "offered load", YParam: "slowdown length", XUnit: plots.Fraction, YUnit: plots.Seconds,
		X: []float64{0.5, 0.9}, Y: []float64{5, 20},
		Maps: []plots.StabilityGrid{{Name: "base", Cells: [][]plots.StabilityCell{
			{rec(1), rec(8)},  // 5 s slowdown
			{rec(4), stuck}}}, // 20 s slowdown
		},
	}
	fig, err := plots.StabilityMap(d)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(fig.Title)
	// Output: Where the system recovers
}

func ExampleCompare() {
	runs := []plots.Run{{Name: "base", Results: tinyRun()}}
	fig, err := plots.Compare(runs, plots.CompareOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, row := range fig.Panels {
		for _, p := range row {
			if p != nil {
				fmt.Println(p.Title.Text)
			}
		}
	}
	// Output:
	// goodput (calls/s)
	// p99 latency
	// attempts per call
	// wasted work (worker-s)
	// failed calls (share)
	// recovery after the fault
}

func ExampleHumanSeconds() {
	var out []string
	for _, s := range []float64{0.00025, 0.0125, 1.5, 90, 5400} {
		out = append(out, plots.HumanSeconds(s))
	}
	fmt.Println(strings.Join(out, " "))
	fmt.Println(plots.HumanNumber(1500), plots.HumanNumber(2e6))
	// Output:
	// 250µs 12.5ms 1.5s 1m30s 1h30m
	// 1.5k 2M
}

func ExampleParseSize() {
	for _, spec := range []string{"slide", "paper", "1200x800", "8x5in"} {
		s, err := plots.ParseSize(spec, 0)
		if err != nil {
			fmt.Println(err)
			continue
		}
		w, h := s.Pixels()
		fmt.Printf("%s: %dx%d px\n", spec, w, h)
	}
	// Output:
	// slide: 1600x900 px
	// paper: 1950x1200 px
	// 1200x800: 1200x800 px
	// 8x5in: 1280x800 px
}
