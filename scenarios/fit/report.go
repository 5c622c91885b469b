package fit

import (
	"fmt"
	"io"
	"math"

	"github.com/stampede-sim/stampede/models/results"
	"github.com/stampede-sim/stampede/scenarios"
)

// Row is one line of a fit report: a client, a call edge or a service,
// observed against simulated.
type Row struct {
	// Kind is "client", "edge" or "service"; Name its name ("a->b" for
	// an edge).
	Kind, Name string
	// Observed and Simulated: successful calls (requests) per second and
	// latency quantiles (s). A service's simulated latency is not
	// measured by stampede: NaN.
	Obs, Sim Measure
}

// Measure is a throughput and three latency quantiles; NaN where unknown.
type Measure struct {
	Throughput, P50, P90, P99 float64
}

// Report compares a fitted scenario's simulation with what was observed.
type Report struct {
	Rows []Row
	// Claims and Failed count the scenario's [[expect]] claims.
	Claims, Failed int
	// Assumptions are the model's (Model.Assumptions): what the
	// simulation rests on that the data did not show.
	Assumptions []string
}

// Compare runs the fitted scenario (its base variant) and reports it
// against the model it was fitted from. file is where the scenario was
// written (its data files are beside it); set are --set overrides.
func Compare(m *Model, file string, src []byte, set []string) (*Report, error) {
	s, err := scenarios.LoadFile(file, src, scenarios.LoadOptions{})
	if err != nil {
		return nil, fmt.Errorf("the fitted scenario does not load (a bug in stampede fit): %w", err)
	}
	res, err := scenarios.Run(s, scenarios.Options{Variants: []string{"base"}, Set: set, Parallel: 1})
	if err != nil {
		return nil, err
	}
	row := &res.Rows[0]
	val := func(path string) float64 {
		v, ok := row.Value(path)
		if f, isF := v.(float64); ok && isF {
			return f
		}
		return math.NaN()
	}
	names := map[string]bool{}
	for _, sv := range m.Services {
		names[sv.Name] = true
	}
	r := &Report{Claims: len(res.Claims), Failed: len(res.Failed()), Assumptions: m.Assumptions}
	for _, c := range m.Clients {
		name := c.Name
		if names[name] {
			name += "-client"
		}
		p := "clients." + name + "."
		r.Rows = append(r.Rows, Row{Kind: "client", Name: name,
			Obs: Measure{c.Throughput, c.Latency.P50, c.Latency.P90, c.Latency.P99},
			Sim: Measure{val(p + "goodput"), val(p + "latency_s.p50"), val(p + "latency_s.p90"), val(p + "latency_s.p99")}})
	}
	for _, e := range m.Edges {
		if !names[e.From] || !names[e.To] {
			continue
		}
		p := "edges." + e.From + "->" + e.To + "."
		r.Rows = append(r.Rows, Row{Kind: "edge", Name: e.From + "->" + e.To,
			Obs: Measure{e.Throughput, e.Latency.P50, e.Latency.P90, e.Latency.P99},
			Sim: Measure{val(p + "goodput"), val(p + "latency_s.p50"), val(p + "latency_s.p90"), val(p + "latency_s.p99")}})
	}
	for _, sv := range m.Services {
		nan := math.NaN()
		r.Rows = append(r.Rows, Row{Kind: "service", Name: sv.Name,
			Obs: Measure{sv.Throughput, sv.Latency.P50, sv.Latency.P90, sv.Latency.P99},
			Sim: Measure{val("services." + sv.Name + ".throughput"), nan, nan, nan}})
	}
	return r, nil
}

// Write prints the report as an aligned table (WriteWidth with no
// limit).
func (r *Report) Write(w io.Writer) { r.WriteWidth(w, 0) }

// WriteWidth prints the report as an aligned table laid out to width
// (0: no limit): observed, simulated, and the simulated over the
// observed; a table too wide leaves out p90, then p50, then the kind,
// and says so. The claims and assumptions are broken at spaces.
func (r *Report) WriteWidth(w io.Writer, width int) {
	cells := [][]string{
		{"kind", "name", "throughput/s", "p50", "p90", "p99"},
		{"", "", "obs → sim", "obs → sim", "obs → sim", "obs → sim"},
	}
	for _, row := range r.Rows {
		cells = append(cells, []string{row.Kind, row.Name,
			pair(row.Obs.Throughput, row.Sim.Throughput, false), pair(row.Obs.P50, row.Sim.P50, true),
			pair(row.Obs.P90, row.Sim.P90, true), pair(row.Obs.P99, row.Sim.P99, true)})
	}
	text, omitted, cut := results.TextTable{Cells: cells, Right: []bool{false, false, true, true, true, true}, Optional: []int{4, 3, 0}}.Layout(width)
	io.WriteString(w, text+results.OmittedNote(omitted, cut, width))
	io.WriteString(w, results.FitHanging(fmt.Sprintf("claims: %d of %d hold (throughput within %.0f%%, p50 and p99 within %.0f%%)",
		r.Claims-r.Failed, r.Claims, 100*ThroughputBand, 100*LatencyBand), width, "    ")+"\n")
	for _, a := range r.Assumptions {
		io.WriteString(w, results.FitHanging("assumption: "+a, width, "    ")+"\n")
	}
}

func pair(obs, sim float64, seconds bool) string {
	f := func(x float64) string {
		switch {
		case math.IsNaN(x):
			return "-"
		case seconds:
			return dur(x)
		}
		return num4(x)
	}
	d := ""
	if !math.IsNaN(obs) && !math.IsNaN(sim) && obs > 0 {
		d = fmt.Sprintf(" %+.0f%%", 100*(sim/obs-1))
	}
	return f(obs) + " → " + f(sim) + d
}
