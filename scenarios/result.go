package scenarios

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/stampede-sim/stampede/models/results"
	"github.com/stampede-sim/stampede/scenarios/format"
)

// Result is what a batch produced: one Row per sweep point and variant, in
// a fixed order (points in sweep order, x outer and y inner; at each point
// the variants, base first, then in file order), and the claims evaluated
// against them. A run and the merge of its shards produce the same Result.
type Result struct {
	// Scenario is the scenario's name; File the file it came from.
	Scenario string
	File     string
	// Title and About are the scenario's.
	Title string
	About string
	// Seed is the seed of replication 0; Replications the number of runs
	// behind each row.
	Seed         uint64
	Replications int
	// Axes are the swept parameters (none without a sweep).
	Axes []results.Axis
	// Variants are the variants run, in row order.
	Variants []VariantInfo
	// Rows holds the results.
	Rows []Row
	// Claims are the scenario's [[expect]] claims, evaluated: one per
	// claim and row it applies to.
	Claims []Claim
	// Stopped lists the runs a limit stopped early, with the message
	// naming the limit.
	Stopped []string
	// Figures are the figures the scenario declares, carried in the JSON
	// summary so that `stampede plot` of a saved summary draws them.
	Figures []Figure
	// Margins are the margins the scenario's [margin] table declares, one
	// per variant searched, when Options.Margin asked for them.
	Margins []*results.Margin
}

// VariantInfo names a variant and says what it changes.
type VariantInfo struct {
	Name  string
	About string
}

// Row is the result of one variant at one sweep point: the JSON summary of
// issue 5 (means over the replications, with a "ci95" object of 95%
// half-widths when there are several), and optionally the mean series.
type Row struct {
	// Variant is the variant's name ("base" for the scenario as written).
	Variant string
	// Point holds the sweep values of the row, one per axis; nil without
	// a sweep.
	Point []results.Value
	// Series is the per-interval series, averaged over replications;
	// nil unless Options.Series.
	Series *Series
	// Stopped is the message of the first replication a limit stopped,
	// or empty.
	Stopped string
	// Traces are the request traces of the first replication; nil unless
	// Options.Traces.
	Traces []results.Trace

	summary *jv
	run     runInfo // the first replication's
	// reps holds, with 2 to maxPairedReplications replications, the
	// metrics compared paired (results.Headlines and the relative_to
	// claims' metrics) in each replication, in replication order; nil
	// otherwise.
	reps map[string][]float64
}

// Value returns the summary value at a dotted metric path ("goodput",
// "latency_s.p99", "services.api.utilization", "recovered"): a float64, a
// bool, a string, or nil for null; ok is false if there is no such key.
func (r *Row) Value(metric string) (v any, ok bool) {
	x := r.summary.find(strings.Split(metric, "."))
	if x == nil {
		return nil, false
	}
	switch x.kind {
	case jNum:
		return x.n, true
	case jBool:
		return x.b, true
	case jStr:
		return x.s, true
	case jNull:
		return nil, true
	}
	return nil, false
}

// Number returns a numeric metric (booleans as 0 or 1); ok is false if the
// metric is null or not a number. A missing metric inside a map of counts
// (a failure reason that did not occur: "failed.shed") is 0.
func (r *Row) Number(metric string) (float64, bool) {
	v, found := r.Value(metric)
	if parts := strings.Split(metric, "."); !found && len(parts) > 1 {
		if parent := r.summary.find(parts[:len(parts)-1]); parent != nil && parent.kind == jObj {
			return 0, true
		}
	}
	return numeric(v)
}

// numeric reads a summary value as a number: booleans as 0 or 1; ok is
// false for null and strings.
func numeric(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case bool:
		if x {
			return 1, true
		}
		return 0, true
	}
	return 0, false
}

// CI95 returns the 95% confidence half-width of a numeric metric over the
// replications; ok is false with one replication.
func (r *Row) CI95(metric string) (float64, bool) {
	x := r.summary.get("ci95").find(strings.Split(metric, "."))
	if x == nil || x.kind != jNum {
		return 0, false
	}
	return x.n, true
}

// SummaryJSON returns the row's summary object as indented JSON.
func (r *Row) SummaryJSON() []byte { return r.summary.encode(nil, "  ", 0) }

// Series is a set of per-interval series of equal length: T holds the
// interval starts (s), each column the values of one entity's metric.
type Series struct {
	T    results.Values
	Cols []SeriesCol
}

// SeriesCol is one series: Kind is total, client, edge, service or cache;
// Name the entity; Metric the series' JSON name in results.Series
// ("goodput", "p99_s", "queue_mean", "failed.timeout").
type SeriesCol struct {
	Kind   string         `json:"kind"`
	Name   string         `json:"name"`
	Metric string         `json:"metric"`
	Values results.Values `json:"values"`
}

// Get returns the series of an entity's metric, or nil.
func (s *Series) Get(kind, name, metric string) results.Values {
	if s == nil {
		return nil
	}
	for i := range s.Cols {
		c := &s.Cols[i]
		if c.Kind == kind && c.Name == name && c.Metric == metric {
			return c.Values
		}
	}
	return nil
}

// Claim is one [[expect]] claim evaluated at one row.
type Claim struct {
	// File and Pos locate the claim.
	File string
	Pos  format.Pos
	// Variant, Metric and Point say what was checked (Point as in Row).
	Variant string
	Metric  string
	Point   []results.Value
	// About is the claim's own explanation.
	About string
	// Want and Got are readable: "in [0.75, 0.85]", "0.79 ±0.01".
	Want string
	Got  string
	// OK is whether the claim holds. Skipped means the row it needs was
	// not run (--variant), so it was not checked.
	OK      bool
	Skipped bool
}

// Failed returns the claims that were checked and do not hold.
func (r *Result) Failed() []Claim {
	var out []Claim
	for _, c := range r.Claims {
		if !c.OK && !c.Skipped {
			out = append(out, c)
		}
	}
	return out
}

// meta describes a batch: what a shard file carries so that merging shards
// rebuilds exactly the unsharded result.
type meta struct {
	Version      int           `json:"version"`
	Scenario     string        `json:"scenario"`
	File         string        `json:"file"`
	Title        string        `json:"title"`
	About        string        `json:"about"`
	Seed         uint64        `json:"seed"`
	Replications int           `json:"replications"`
	Axes         []metaAxis    `json:"axes,omitempty"`
	Variants     []metaVariant `json:"variants"`
	Expect       []metaExpect  `json:"expect,omitempty"`
	Figures      []Figure      `json:"figures,omitempty"`
	Runs         int           `json:"runs"`
	Series       bool          `json:"series"`
	Fingerprint  string        `json:"fingerprint"`
}

type metaAxis struct {
	Path   string `json:"path"`
	Values []any  `json:"values"`
}

type metaVariant struct {
	Name  string `json:"name"`
	About string `json:"about,omitempty"`
}

type metaExpect struct {
	Variant    string   `json:"variant"`
	Metric     string   `json:"metric"`
	Equals     any      `json:"equals,omitempty"`
	Min        *float64 `json:"min,omitempty"`
	Max        *float64 `json:"max,omitempty"`
	Tolerance  float64  `json:"tolerance,omitempty"`
	RelativeTo string   `json:"relative_to,omitempty"`
	X          any      `json:"x,omitempty"`
	Y          any      `json:"y,omitempty"`
	About      string   `json:"about,omitempty"`
	Line       int      `json:"line"`
	Col        int      `json:"col"`
}

func metaExpectOf(e Expect) metaExpect {
	return metaExpect{Variant: e.Variant, Metric: e.Metric, Equals: e.Equals, Min: e.Min, Max: e.Max,
		Tolerance: e.Tolerance, RelativeTo: e.RelativeTo, X: e.X, Y: e.Y, About: e.About, Line: e.pos.Line, Col: e.pos.Col}
}

// evaluate checks one claim at every row it applies to.
func evaluate(m *meta, ex metaExpect, rows []Row) []Claim {
	var out []Claim
	for i := range rows {
		r := &rows[i]
		if r.Variant != ex.Variant || !pointMatches(r.Point, ex.X, ex.Y) {
			continue
		}
		out = append(out, evalRow(m, ex, r, rows))
	}
	if len(out) == 0 {
		out = append(out, Claim{File: m.File, Pos: format.Pos{Line: ex.Line, Col: ex.Col}, Variant: ex.Variant, Metric: ex.Metric,
			About: ex.About, Want: want(ex), Got: "not run", Skipped: true})
	}
	return out
}

func pointMatches(point []results.Value, x, y any) bool {
	for j, sel := range []any{x, y} {
		if sel == nil {
			continue
		}
		if j >= len(point) || !point[j].Equal(sweepValue(sel)) {
			return false
		}
	}
	return true
}

func samePoint(a, b []results.Value) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !a[i].Equal(b[i]) {
			return false
		}
	}
	return true
}

func evalRow(m *meta, ex metaExpect, r *Row, rows []Row) Claim {
	c := Claim{File: m.File, Pos: format.Pos{Line: ex.Line, Col: ex.Col}, Variant: r.Variant, Metric: ex.Metric, Point: r.Point,
		About: ex.About, Want: want(ex)}
	got, found := r.Value(ex.Metric)
	if !found {
		// The metric was checked when the file loaded: what is missing is
		// an entry of a map of counts, such as a failure reason that did
		// not occur.
		got = 0.0
	}
	ci, hasCI := r.CI95(ex.Metric)
	if ex.RelativeTo != "" {
		var other *Row
		for i := range rows {
			if rows[i].Variant == ex.RelativeTo && samePoint(rows[i].Point, r.Point) {
				other = &rows[i]
			}
		}
		if other == nil {
			c.Got, c.Skipped = "not run (no "+ex.RelativeTo+" to compare with)", true
			return c
		}
		a, okA := r.Number(ex.Metric)
		b, okB := other.Number(ex.Metric)
		hasCI = false
		switch {
		case !okA || !okB:
			c.Got = fmt.Sprintf("%s / %s: not both numbers%s", show(got), showValue(other, ex.Metric), nullWhy(ex.Metric))
			return c
		case b == 0:
			c.Got = fmt.Sprintf("%s / 0: the ratio is undefined", fmtNum(a))
			return c
		}
		got = a / b
		c.Got = fmt.Sprintf("%s (%s / %s)", fmtNum(a/b), fmtNum(a), fmtNum(b))
		if _, half, n := results.PairedRatioCI95(other.reps[ex.Metric], r.reps[ex.Metric]); n > 1 && !math.IsNaN(half) {
			// The interval of the ratio of means, paired replication by
			// replication (common random numbers); the claim judges the
			// ratio itself.
			c.Got = fmt.Sprintf("%s ±%s paired (%s / %s)", fmtNum(a/b), fmtNum(half), fmtNum(a), fmtNum(b))
		}
	} else {
		c.Got = show(got)
		if hasCI {
			c.Got += " ±" + fmtNum(ci)
		}
	}
	if got == nil {
		if v, ok := r.Value("recovery.verdict"); ok && strings.HasPrefix(ex.Metric, "recover") {
			c.Got += fmt.Sprintf(" (verdict: %v)", v)
		}
		c.Got += nullWhy(ex.Metric)
		return c
	}
	switch w := ex.Equals.(type) {
	case nil:
		g, ok := numeric(got)
		c.OK = ok && (ex.Min == nil || g >= *ex.Min) && (ex.Max == nil || g <= *ex.Max)
	case bool:
		b, ok := got.(bool)
		c.OK = ok && b == w
	case string:
		s, ok := got.(string)
		c.OK = ok && s == w
	default:
		wf, _ := format.Number(w)
		g, ok := numeric(got)
		c.OK = ok && math.Abs(g-wf) <= ex.Tolerance
	}
	return c
}

// fmtNum formats a number with up to 6 significant digits.
func fmtNum(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return fmt.Sprint(x)
	}
	return strconv.FormatFloat(x, 'g', 6, 64)
}
