package plots

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/stampede-sim/stampede/models/results"
	"github.com/stampede-sim/stampede/scenarios"
)

// batchOf is a result's typed batch.
func batchOf(t *testing.T, res *scenarios.Result) *results.Batch {
	t.Helper()
	b, err := res.Batch()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func runScenario(t *testing.T, src string, opts scenarios.Options) (*scenarios.Scenario, *scenarios.Result) {
	t.Helper()
	s, err := scenarios.Load("test.toml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	res, err := scenarios.Run(s, opts)
	if err != nil {
		t.Fatal(err)
	}
	return s, res
}

const smallStorm = `
title = "Small storm"
duration = "30s"
seed = 3
[[services]]
name = "api"
workers = 4
queue = { limit = 40 }
service_time = "exp(20ms)"
[[clients]]
name = "users"
target = "api"
rate = 150
timeout = "200ms"
[[faults]]
kind = "slowdown"
target = "api"
at = "10s"
for = "5s"
factor = 4
[[faults]]
kind = "client_restart"
target = "users"
at = "20s"
calls = 50
[[variants]]
name = "deep"
set = { "services.api.queue.limit" = 2000 }
`

func TestFromBatchVariants(t *testing.T) {
	_, res := runScenario(t, smallStorm, scenarios.Options{Series: true, Parallel: 1})
	set, err := FromBatch(batchOf(t, res), "")
	if err != nil {
		t.Fatal(err)
	}
	if set.Title != "Small storm" || len(set.Runs) != 2 || set.Runs[0].Name != "base" || set.Runs[1].Name != "deep" {
		t.Fatalf("set %q with runs %v", set.Title, set.Runs)
	}
	r := set.Runs[1].Results
	if len(r.Series.T) != 30 || r.IntervalS != 1 || r.EndS != 30 || r.Seed != 3 {
		t.Errorf("deep: %d intervals of %gs to %gs, seed %d", len(r.Series.T), r.IntervalS, r.EndS, r.Seed)
	}
	if len(r.Series.Services) != 1 || r.Series.Services[0].Name != "api" || len(r.Series.Services[0].QueueMean) != 30 {
		t.Errorf("service series not rebuilt: %+v", r.Series.Services)
	}
	if len(r.Series.Clients) != 1 || len(r.Series.Total.Goodput) != 30 || r.Series.Total.Failed["timeout"] == nil {
		t.Errorf("call series not rebuilt: clients %d, goodput %d, failed %v", len(r.Series.Clients), len(r.Series.Total.Goodput), r.Series.Total.Failed)
	}
	want := []results.FaultWindow{
		{Kind: "slowdown", Target: "api", StartS: 10, EndS: 15},
		{Kind: "client_restart", Target: "users", StartS: 20, EndS: 20},
	}
	if len(r.Faults) != 2 || r.Faults[0] != want[0] || r.Faults[1] != want[1] {
		t.Errorf("faults %+v, want %+v", r.Faults, want)
	}
	if r.Summary.Calls == 0 || r.Summary.Goodput <= 0 || r.Summary.Latency.P99 <= 0 {
		t.Errorf("summary not decoded: %+v", r.Summary)
	}
	for _, name := range []string{FigTimeseries, FigLatency, FigCompare} {
		f, err := set.Figure(name)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.Render(&bytes.Buffer{}, SVG, Paper); err != nil {
			t.Fatal(err)
		}
	}
}

func TestFromBatchSweeps(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a small sweep")
	}
	src := "replications = 2\n" + smallStorm + `
[sweep]
x = { path = "clients.users.rate", values = [100, 150, 180] }
y = { path = "faults.0.for", values = ["2s", "6s"] }
`
	_, res := runScenario(t, src, scenarios.Options{Parallel: 2})
	set, err := FromBatch(batchOf(t, res), "latency_s.p99")
	if err != nil {
		t.Fatal(err)
	}
	if set.Sweep == nil || set.Stability == nil || len(set.Runs) != 0 {
		t.Fatalf("sweep %v, stability %v, runs %d", set.Sweep != nil, set.Stability != nil, len(set.Runs))
	}
	sw := set.Sweep
	if sw.Param != "clients.users.rate (calls/s)" || sw.YUnit != Seconds || len(sw.Series) != 2 || len(sw.Series[0].Points) != 3 {
		t.Fatalf("sweep %+v", sw)
	}
	if !strings.Contains(sw.Subtitle, "faults.0.for = 2s") {
		t.Errorf("sweep subtitle %q", sw.Subtitle)
	}
	if p := sw.Series[0].Points[2]; p.X != 180 || !(p.Y > 0) {
		t.Errorf("last point %+v", p)
	}
	st := set.Stability
	if st.YUnit != Seconds || len(st.Y) != 2 || st.Y[1] != 6 || len(st.Maps) != 2 || st.Maps[1].Name != "deep" {
		t.Fatalf("stability %+v", st)
	}
	for _, m := range st.Maps {
		for _, row := range m.Cells {
			for _, c := range row {
				if c.Runs != 2 {
					t.Errorf("%s: cell with %d runs, want 2", m.Name, c.Runs)
				}
			}
		}
	}
	dir := t.TempDir()
	paths, err := WriteAll(dir, "", set, SVG, Paper)
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) != 2 || filepath.Base(paths[0]) != "sweep.svg" || filepath.Base(paths[1]) != "stability.svg" {
		t.Errorf("wrote %v", paths)
	}
	// The saved JSON summary gives the same figures' data.
	var js bytes.Buffer
	if err := res.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	saved, err := ReadSet(&js, "x")
	if err != nil {
		t.Fatal(err)
	}
	fromRes, err := FromBatch(batchOf(t, res), "goodput")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(saved.Stability, fromRes.Stability) {
		t.Errorf("stability from JSON differs:\n%+v\n%+v", saved.Stability, fromRes.Stability)
	}
	if !reflect.DeepEqual(saved.Sweep, fromRes.Sweep) {
		t.Errorf("sweep from JSON differs:\n%+v\n%+v", saved.Sweep, fromRes.Sweep)
	}
	if _, err := FromBatch(batchOf(t, res), "no.such.metric"); err == nil || !strings.Contains(err.Error(), "no numeric metric") {
		t.Errorf("unknown metric: %v", err)
	}
}

func TestCellOfRow(t *testing.T) {
	row := func(m map[string]any) *results.Row {
		b, _ := json.Marshal(m)
		r, err := results.DecodeRow(b)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	for _, c := range []struct {
		m     map[string]any
		class cellClass
		rec   int
	}{
		{map[string]any{"recovery": map[string]any{"verdict": "recovered"}, "recovery_s": 3.0}, classRecovered, 4},
		{map[string]any{"recovery": map[string]any{"verdict": "mixed"}, "recovered_fraction": 0.5, "recovery_s": 3.0}, classMixed, 2},
		{map[string]any{"recovery": map[string]any{"verdict": "mixed"}}, classMixed, -1},
		{map[string]any{"recovery": map[string]any{"verdict": "mixed"}, "recovered_fraction": 0.0}, classNotRecovered, 0},
		{map[string]any{"recovery": map[string]any{"verdict": "not_recovered"}}, classNotRecovered, 0},
		{map[string]any{"recovery": map[string]any{"verdict": "collapsed_before_fault"}}, classCollapsed, 0},
		{map[string]any{"recovery": map[string]any{"verdict": "undecided"}}, classUnknown, 0},
	} {
		cell := cellOfRow(row(c.m), 4)
		if classOf(cell) != c.class || cell.Recovered != c.rec || cell.Runs != 4 {
			t.Errorf("%v: cell %+v (class %d), want class %d with %d recovered", c.m, cell, classOf(cell), c.class, c.rec)
		}
	}
}

// TestSavedFiles reads what `stampede run --out` writes (summary.json and
// series.csv) back into the same runs as FromBatch gives.
func TestSavedFiles(t *testing.T) {
	_, res := runScenario(t, smallStorm, scenarios.Options{Series: true, Parallel: 1})
	var js, csv bytes.Buffer
	if err := res.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	if err := res.WriteSeriesCSV(&csv); err != nil {
		t.Fatal(err)
	}
	jsBytes, csvBytes := bytes.Clone(js.Bytes()), bytes.Clone(csv.Bytes())
	saved, err := ReadSet(&js, "summary")
	if err != nil {
		t.Fatal(err)
	}
	if err := saved.AddSeriesCSV(&csv); err != nil {
		t.Fatal(err)
	}
	direct, err := FromBatch(batchOf(t, res), "")
	if err != nil {
		t.Fatal(err)
	}
	if len(saved.Runs) != len(direct.Runs) {
		t.Fatalf("%d runs from files, %d direct", len(saved.Runs), len(direct.Runs))
	}
	for i := range saved.Runs {
		a, b := saved.Runs[i].Results, direct.Runs[i].Results
		if !reflect.DeepEqual(nanless(a.Series), nanless(b.Series)) {
			t.Errorf("%s: series from series.csv differ from the result's", saved.Runs[i].Name)
		}
		if a.IntervalS != b.IntervalS || a.EndS != b.EndS {
			t.Errorf("%s: interval %g end %g, want %g %g", saved.Runs[i].Name, a.IntervalS, a.EndS, b.IntervalS, b.EndS)
		}
		if a.Summary.Goodput != b.Summary.Goodput || !reflect.DeepEqual(a.Summary.Latency, b.Summary.Latency) {
			t.Errorf("%s: summaries differ", saved.Runs[i].Name)
		}
		if len(a.Summary.Latency.Histogram) == 0 {
			t.Errorf("%s: no latency histogram in the saved summary", saved.Runs[i].Name)
		}
		if len(a.Faults) != 2 || !reflect.DeepEqual(a.Faults, b.Faults) {
			t.Errorf("%s: fault windows from summary.json %+v, want %+v", saved.Runs[i].Name, a.Faults, b.Faults)
		}
	}
	// A summary.json written before it held "faults": one window from the
	// verdict's first fault to the last fault's end.
	var tree map[string]any
	if err := json.Unmarshal(jsBytes, &tree); err != nil {
		t.Fatal(err)
	}
	for _, v := range tree["variants"].([]any) {
		delete(v.(map[string]any), "faults")
	}
	old, _ := json.Marshal(tree)
	saved, err = ReadSet(bytes.NewReader(old), "summary")
	if err != nil {
		t.Fatal(err)
	}
	if err := saved.AddSeriesCSV(bytes.NewReader(csvBytes)); err != nil {
		t.Fatal(err)
	}
	for _, r := range saved.Runs {
		if f := r.Results.Faults; len(f) != 1 || f[0].Kind != "faults" || f[0].StartS != 10 || f[0].EndS != 20 {
			t.Errorf("%s: fault window from the verdict %+v", r.Name, f)
		}
	}
	if got := strings.Join(saved.Available(), " "); got != "timeseries latency compare" {
		t.Errorf("available %q", got)
	}
	if err := saved.AddSeriesCSV(strings.NewReader("a,b\n")); err == nil {
		t.Error("bad header: no error")
	}
}

// nanless returns the series as JSON text, where NaN is null and so
// compares equal to itself.
func nanless(s results.Series) string {
	b, _ := json.Marshal(s)
	return string(b)
}
