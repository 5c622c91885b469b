package plots

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/stampede-sim/stampede/models/results"
	"gonum.org/v1/plot/vg"
)

func TestParseSize(t *testing.T) {
	for _, c := range []struct {
		spec       string
		dpi        int
		wantW      int
		wantH      int
		wantErrSub string
	}{
		{spec: "slide", wantW: 1600, wantH: 900},
		{spec: "", wantW: 1600, wantH: 900},
		{spec: "slide", dpi: 320, wantW: 3200, wantH: 1800},
		{spec: "paper", wantW: 1950, wantH: 1200},
		{spec: "paper", dpi: 100, wantW: 650, wantH: 400},
		{spec: "1200x800", wantW: 1200, wantH: 800},
		{spec: "1200x800", dpi: 96, wantW: 1200, wantH: 800},
		{spec: "1200x800px", wantW: 1200, wantH: 800},
		{spec: "8x5in", dpi: 100, wantW: 800, wantH: 500},
		{spec: "16x10cm", dpi: 254, wantW: 1600, wantH: 1000},
		{spec: "big", wantErrSub: "want slide, paper"},
		{spec: "0x100", wantErrSub: "want slide, paper"},
		{spec: "100x50", wantErrSub: "too small"},
		{spec: "slide", dpi: 5000, wantErrSub: "dpi 5000"},
		{spec: "100x100in", dpi: 2400, wantErrSub: "megapixels"},
	} {
		s, err := ParseSize(c.spec, c.dpi)
		if c.wantErrSub != "" {
			if err == nil || !strings.Contains(err.Error(), c.wantErrSub) {
				t.Errorf("ParseSize(%q, %d) error = %v, want one containing %q", c.spec, c.dpi, err, c.wantErrSub)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseSize(%q, %d): %v", c.spec, c.dpi, err)
			continue
		}
		if w, h := s.Pixels(); w != c.wantW || h != c.wantH {
			t.Errorf("ParseSize(%q, %d) = %d x %d px, want %d x %d", c.spec, c.dpi, w, h, c.wantW, c.wantH)
		}
	}
}

func TestFormatOf(t *testing.T) {
	for path, want := range map[string]Format{"a.png": PNG, "dir/b.SVG": SVG, "c.pdf": PDF} {
		if got, err := FormatOf(path); err != nil || got != want {
			t.Errorf("FormatOf(%q) = %q, %v; want %q", path, got, err, want)
		}
	}
	for _, path := range []string{"a.jpg", "noext", "x.png.bak"} {
		if _, err := FormatOf(path); err == nil {
			t.Errorf("FormatOf(%q): no error", path)
		}
	}
}

func TestPNGSize(t *testing.T) {
	f, err := Compare(fakeRuns(60, stormVariants[:1]), CompareOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	s, _ := ParseSize("320x180", 0)
	if err := f.Render(&buf, PNG, s); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	// IHDR: width and height, big-endian, at bytes 16..24.
	w := int(b[16])<<24 | int(b[17])<<16 | int(b[18])<<8 | int(b[19])
	h := int(b[20])<<24 | int(b[21])<<16 | int(b[22])<<8 | int(b[23])
	if w != 320 || h != 180 {
		t.Errorf("PNG is %d x %d, want 320 x 180", w, h)
	}
}

func TestPDF(t *testing.T) {
	f, err := Timeseries(fakeRuns(60, stormVariants), TimeseriesOptions{Title: "Storm · test — ×"})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Render(&buf, PDF, Paper); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) {
		t.Fatalf("not a PDF: %q", buf.Bytes()[:8])
	}
}

func TestCP1252(t *testing.T) {
	if got, want := toCP1252("a∞b·—×µ"), "a?b\xb7\x97\xd7\xb5"; got != want {
		t.Errorf("toCP1252 = %q, want %q", got, want)
	}
}

func TestThinKeepsEnvelope(t *testing.T) {
	var pts []vg.Point
	for i := 0; i < 1000; i++ {
		pts = append(pts, vg.Point{X: vg.Length(i) * 0.1, Y: vg.Length(50 + 40*math.Sin(float64(i)*0.7))})
	}
	out := thin(append([]vg.Point(nil), pts...), 1)
	if len(out) >= len(pts)/2 {
		t.Errorf("thin kept %d of %d points", len(out), len(pts))
	}
	if out[0] != pts[0] || out[len(out)-1] != pts[len(pts)-1] {
		t.Errorf("thin moved the end points")
	}
	// Every bucket's extremes survive.
	for b := 0; b < 100; b++ {
		lo, hi := vg.Length(math.Inf(1)), vg.Length(math.Inf(-1))
		for _, p := range pts[b*10 : b*10+10] {
			lo, hi = min(lo, p.Y), max(hi, p.Y)
		}
		var klo, khi bool
		for _, p := range out {
			if p.X >= pts[b*10].X && p.X <= pts[b*10+9].X {
				klo = klo || p.Y == lo
				khi = khi || p.Y == hi
			}
		}
		if !klo || !khi {
			t.Fatalf("bucket %d lost its extremes", b)
		}
	}
	for i := 1; i < len(out); i++ {
		if out[i].X < out[i-1].X {
			t.Fatalf("thin reordered points at %d", i)
		}
	}
}

func TestTimeseriesErrors(t *testing.T) {
	runs := fakeRuns(60, stormVariants[:1])
	if _, err := Timeseries(nil, TimeseriesOptions{}); err == nil {
		t.Error("no runs: no error")
	}
	if _, err := Timeseries([]Run{{Name: "x"}}, TimeseriesOptions{}); err == nil || !strings.Contains(err.Error(), "no results") {
		t.Errorf("nil results: error %v", err)
	}
	if _, err := Timeseries(runs, TimeseriesOptions{Client: "nobody"}); err == nil || !strings.Contains(err.Error(), `no client "nobody"`) {
		t.Errorf("unknown client: error %v", err)
	}
	if _, err := Timeseries(runs, TimeseriesOptions{Service: "db"}); err == nil || !strings.Contains(err.Error(), `no service "db"`) {
		t.Errorf("unknown service: error %v", err)
	}
	bare := []Run{{Name: "summary only", Results: &results.Results{}}}
	if _, err := Timeseries(bare, TimeseriesOptions{}); err == nil || !strings.Contains(err.Error(), "no series") {
		t.Errorf("no series: error %v", err)
	}
	if _, err := Timeseries(runs, TimeseriesOptions{Client: "total", Service: "api"}); err != nil {
		t.Errorf("named client and service: %v", err)
	}
}

// TestTimeseriesEmptyRun draws a run in which nothing happened (no
// calls, every latency NaN) without panicking or inventing data.
func TestTimeseriesEmptyRun(t *testing.T) {
	n := 10
	nan := make(results.Values, n)
	zero := make(results.Values, n)
	t0 := make(results.Values, n)
	for i := range nan {
		nan[i] = math.NaN()
		t0[i] = float64(i)
	}
	cs := results.CallSeries{Offered: zero, Attempts: zero, Goodput: zero, InFlight: zero, P50: nan, P99: nan}
	res := &results.Results{EndS: 10, IntervalS: 1, Series: results.Series{T: t0, Total: cs}}
	runs := []Run{{Name: "idle", Results: res}}
	for _, mk := range []func() (*Figure, error){
		func() (*Figure, error) { return Timeseries(runs, TimeseriesOptions{}) },
		func() (*Figure, error) { return LatencyCDF(runs, LatencyOptions{}) },
		func() (*Figure, error) { return Compare(runs, CompareOptions{}) },
	} {
		f, err := mk()
		if err != nil {
			t.Fatal(err)
		}
		if err := f.Render(&bytes.Buffer{}, SVG, Paper); err != nil {
			t.Fatal(err)
		}
	}
}

func TestFailureReasonsOther(t *testing.T) {
	cs := &results.CallSeries{Failed: map[string]results.Values{
		"timeout": {5, 5}, "shed": {3, 3}, "queue_full": {2, 2}, "error": {1, 1}, "breaker_open": {1, 0},
	}}
	got := failureReasons([]*results.CallSeries{cs})
	var names []string
	for _, f := range got {
		names = append(names, f.name)
	}
	if want := "timeout shed queue_full other reasons"; strings.Join(names, " ") != want {
		t.Fatalf("reasons %q, want %q", strings.Join(names, " "), want)
	}
	if other := got[3].values[0]; other[0] != 2 || other[1] != 1 {
		t.Errorf("other reasons = %v, want [2 1]", other)
	}
	// With one reason too many for its own style, it keeps its name.
	delete(cs.Failed, "breaker_open")
	if got := failureReasons([]*results.CallSeries{cs}); len(got) != 4 || got[3].name != "error" {
		t.Errorf("four reasons: got %d, last %q", len(got), got[len(got)-1].name)
	}
}

func TestSweepPointOf(t *testing.T) {
	if p := SweepPointOf(10, []float64{1, 3}); p.X != 10 || p.Y != 2 || !(p.CI > 0) {
		t.Errorf("SweepPointOf = %+v", p)
	}
}

func TestSweepErrors(t *testing.T) {
	if _, err := Sweep(SweepData{Metric: "m"}); err == nil {
		t.Error("no Param: no error")
	}
	if _, err := Sweep(SweepData{Param: "p", Metric: "m"}); err == nil {
		t.Error("no series: no error")
	}
	d := SweepData{Param: "p", Metric: "m", LogX: true, Series: []SweepSeries{{Name: "a", Points: []SweepPoint{{X: 0, Y: 1}}}}}
	if _, err := Sweep(d); err == nil || !strings.Contains(err.Error(), "log") {
		t.Errorf("x = 0 on a log axis: error %v", err)
	}
}

func TestStability(t *testing.T) {
	rec := func(v results.Verdict, s float64) *results.Results {
		r := &results.Results{}
		r.Summary.Recovery.Verdict = v
		if v == results.Recovered {
			r.Summary.Recovery.RecoveryS = &s
		}
		return r
	}
	c := CellOf(rec(results.Recovered, 4), rec(results.Recovered, 8), rec(results.NotRecovered, 0))
	if c.Runs != 3 || c.Recovered != 2 || c.RecoveryS != 6 || classOf(c) != classMixed {
		t.Errorf("mixed cell = %+v", c)
	}
	c = CellOf(rec(results.CollapsedBeforeFault, 0), rec(results.NotRecovered, 0), rec(results.CollapsedBeforeFault, 0))
	if c.Verdict != results.CollapsedBeforeFault || classOf(c) != classCollapsed {
		t.Errorf("collapsed cell = %+v", c)
	}
	c = CellOf(rec(results.Recovered, 2))
	if classOf(c) != classRecovered || c.Verdict != results.Recovered {
		t.Errorf("recovered cell = %+v", c)
	}
	if classOf(CellOf()) != classEmpty {
		t.Error("a cell with no runs is not empty")
	}
	d := fakeStability()
	d.Maps[0].Cells = d.Maps[0].Cells[1:]
	if _, err := StabilityMap(d); err == nil || !strings.Contains(err.Error(), "rows") {
		t.Errorf("missing row: error %v", err)
	}
}

func TestReadSet(t *testing.T) {
	runs := fakeRuns(30, stormVariants[:1])
	var buf bytes.Buffer
	if err := runs[0].Results.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	s, err := ReadSet(&buf, "one")
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Runs) != 1 || s.Runs[0].Name != "one" || len(s.Runs[0].Results.Series.T) != 30 {
		t.Fatalf("one run read back as %+v", s.Runs)
	}
	if got := strings.Join(s.Available(), " "); got != "timeseries latency compare" {
		t.Errorf("available %q", got)
	}
	got := s.Runs[0].Results.Series.Total.Goodput
	want := runs[0].Results.Series.Total.Goodput
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("goodput[%d] = %g, want %g", i, got[i], want[i])
		}
	}

	batch := `{"scenario": "retry-storm", "title": "Retry storm", "seed": 1, "variants": [
		{"name": "base", "calls": 100, "attempts": 150, "amplification": 1.5, "succeeded": 90,
		 "failed": {"timeout": 10}, "goodput": 9, "latency_s": {"p50": 0.02, "p90": 0.05, "p99": 0.1, "p999": 0.2, "max": 0.4},
		 "recovered": false, "recovery": {"verdict": "not_recovered"}},
		{"name": "budget", "calls": 100, "attempts": 110, "succeeded": 99, "goodput": 9.9,
		 "latency_s": {"p50": 0.02, "p90": 0.04, "p99": 0.08, "p999": 0.1, "max": 0.2},
		 "recovery": {"verdict": "recovered", "recovery_s": 3}}]}`
	s, err = ReadSet(strings.NewReader(batch), "ignored")
	if err != nil {
		t.Fatal(err)
	}
	if s.Title != "Retry storm" || len(s.Runs) != 2 || s.Runs[1].Name != "budget" {
		t.Fatalf("batch read as %+v", s)
	}
	if r := s.Runs[0].Results.Summary; r.Latency.P99 != 0.1 || r.Failed["timeout"] != 10 || r.Recovery.Verdict != results.NotRecovered {
		t.Errorf("base summary read as %+v", r)
	}
	if got := strings.Join(s.Available(), " "); got != "latency compare" {
		t.Errorf("summary-only available %q", got)
	}
	if _, err := s.Figure(FigTimeseries); err == nil || !strings.Contains(err.Error(), "no") {
		t.Errorf("time series of summaries: error %v", err)
	}
	for _, bad := range []string{`[1,2]`, `{"foo": 1}`, `{"variants": []}`, `not json`} {
		if _, err := ReadSet(strings.NewReader(bad), "x"); err == nil {
			t.Errorf("ReadSet(%q): no error", bad)
		}
	}
}

func TestWriteAll(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "figs")
	s := &Set{Title: "Storm", Runs: fakeRuns(30, stormVariants), Sweep: ptr(fakeSweep(false)), Stability: ptr(fakeStability())}
	small, err := ParseSize("320x200", 0)
	if err != nil {
		t.Fatal(err)
	}
	paths, err := WriteAll(dir, "storm-", s, PNG, small)
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) != len(FigureNames) {
		t.Fatalf("wrote %v", paths)
	}
	for i, name := range FigureNames {
		if want := filepath.Join(dir, "storm-"+name+".png"); paths[i] != want {
			t.Errorf("path %d = %s, want %s", i, paths[i], want)
		}
		b, err := os.ReadFile(paths[i])
		if err != nil || !bytes.HasPrefix(b, []byte("\x89PNG")) {
			t.Errorf("%s: not a PNG (%v)", paths[i], err)
		}
	}
	left, _ := filepath.Glob(filepath.Join(dir, ".*tmp*"))
	if len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
	if _, err := WriteAll(dir, "", &Set{}, PNG, small); err == nil {
		t.Error("empty set: no error")
	}
	if _, err := s.Figure("pie"); err == nil || !strings.Contains(err.Error(), "unknown figure") {
		t.Errorf("unknown figure: %v", err)
	}
}

func ptr[T any](v T) *T { return &v }

// TestHistogramCDF: the exact curve from a latency histogram starts at
// the last bound under 1%, steps through every bound's exact fraction
// (flat, then up) and ends at the maximum; without a histogram, the
// quantile steps.
func TestHistogramCDF(t *testing.T) {
	l := results.Latency{Max: 0.45, Histogram: [][2]float64{{0.0005, 1}, {0.001, 9}, {0.002, 890}, {0.004, 99}, {0.5, 1}}}
	xs, ys := histogramCDF(l)
	wantX := []float64{0.0005, 0.001, 0.001, 0.002, 0.002, 0.004, 0.004, 0.45, 0.45}
	wantY := []float64{0.001, 0.001, 0.01, 0.01, 0.9, 0.9, 0.999, 0.999, 1}
	if !reflect.DeepEqual(xs, wantX) || !reflect.DeepEqual(ys, wantY) {
		t.Errorf("curve %v %v, want %v %v", xs, ys, wantX, wantY)
	}
	xs, ys = histogramCDF(results.Latency{Max: 0.0099, Histogram: [][2]float64{{0.01, 5}}})
	if !reflect.DeepEqual(xs, []float64{0.0099, 0.0099}) || !reflect.DeepEqual(ys, []float64{0, 1}) {
		t.Errorf("one bucket: curve %v %v, want a rise at the max", xs, ys)
	}
	// Nearly every call in the first bucket (a cache serving stale
	// values): the curve rises there, not along a diagonal to the max.
	xs, ys = histogramCDF(results.Latency{Max: 0.2, Histogram: [][2]float64{{0.0005, 9999}, {0.2, 1}}})
	if !reflect.DeepEqual(xs, []float64{0.0005, 0.0005, 0.2, 0.2}) || !reflect.DeepEqual(ys, []float64{0, cdfTop, cdfTop, 1}) {
		t.Errorf("fast mass: curve %v %v, want a rise at 0.5ms, flat to the max", xs, ys)
	}
	if xs, _ := histogramCDF(results.Latency{P50: 1, Max: 2}); xs != nil {
		t.Errorf("no histogram: curve %v", xs)
	}

	runs := withHistograms(fakeRuns(60, stormVariants), 1000, 0.02)
	old := fakeRuns(60, stormVariants)
	for _, c := range []struct {
		name string
		runs []Run
		want string
	}{
		{"exact", runs, "Exact distribution"},
		{"steps", old, "Steps through"},
		{"mixed", []Run{runs[0], old[1]}, "Exact distributions where"},
	} {
		f, err := LatencyCDF(c.runs, LatencyOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(f.Note, c.want) {
			t.Errorf("%s: note %q, want it to start with %q", c.name, f.Note, c.want)
		}
	}
}

// TestTimeseriesReplicas: an autoscaled service's replicas take the
// failures panel's place (four panels, the last headed by the replicas);
// without them the failures panel stays.
func TestTimeseriesReplicas(t *testing.T) {
	runs := fakeRuns(300, []storm{{name: "fixed", amplify: 2, recoverAtS: math.Inf(1), collapse: 0.1},
		{name: "autoscaled", amplify: 2, recoverAtS: 120, collapse: 0.1}})
	f, err := Timeseries(runs, TimeseriesOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Panels) != 4 || f.keys[3][0].heading != "Failures" {
		t.Fatalf("without autoscaling: %d panels, the last %q; want 4, Failures", len(f.Panels), f.keys[len(f.keys)-1][0].heading)
	}
	svc := &runs[1].Results.Series.Services[0]
	n := len(runs[1].Results.Series.T)
	ready, asked := make(results.Values, n), make(results.Values, n)
	for i := range ready {
		ready[i], asked[i] = 4, 4
		if i >= 70 {
			asked[i] = 6
		}
		if i >= 85 {
			ready[i] = 6
		}
	}
	svc.Strategy = map[string]results.Values{"replicas": ready, "desired_replicas": asked}
	f, err = Timeseries(runs, TimeseriesOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Panels) != 4 || f.keys[3][0].heading != "Replicas at api (autoscaled)" {
		t.Fatalf("autoscaled: %d panels, the last %q; want 4, the replicas", len(f.Panels), f.keys[len(f.keys)-1][0].heading)
	}
	if err := f.Render(&bytes.Buffer{}, SVG, Paper); err != nil {
		t.Fatal(err)
	}
}

// TestFallbacksApart: fallback answers are no failure reason in the
// figure; the load panel draws them, every tier's with every client
// drawn, the drawn caller's own otherwise.
func TestFallbacksApart(t *testing.T) {
	res := &results.Results{Series: results.Series{T: results.Values{0, 1},
		Total: results.CallSeries{Failed: map[string]results.Values{"fallback": {1, 2}, "error": {5, 5}}},
		Edges: []results.CallSeries{{Name: "a->b", Failed: map[string]results.Values{"fallback": {10, 20}}}},
	}}
	calls := []*results.CallSeries{&res.Series.Total}
	fs := failureReasons(calls)
	if len(fs) != 1 || fs[0].name != "error" {
		t.Errorf("failure reasons %v, want error alone", fs)
	}
	runs := []Run{{Name: "v", Results: res}}
	if got := fallbackSeries(runs, calls, TimeseriesOptions{}); len(got) != 1 || !slices.Equal(got[0], results.Values{11, 22}) {
		t.Errorf("every client: fallbacks %v, want [11 22]", got)
	}
	if got := fallbackSeries(runs, calls, TimeseriesOptions{Client: "users"}); len(got) != 1 || !slices.Equal(got[0], results.Values{1, 2}) {
		t.Errorf("one client: fallbacks %v, want [1 2]", got)
	}
	res.Series.Total.Failed = nil
	res.Series.Edges = nil
	if got := fallbackSeries(runs, calls, TimeseriesOptions{}); got != nil {
		t.Errorf("no fallbacks: %v, want nil", got)
	}
}
