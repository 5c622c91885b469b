package plots

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"
	"time"

	"github.com/stampede-sim/stampede/models/config"
	"github.com/stampede-sim/stampede/models/results"
	"github.com/stampede-sim/stampede/scenarios"
)

// DefaultSweepMetric is the metric a sweep figure draws when none is
// named: goodput, where congestion collapse shows.
const DefaultSweepMetric = "goodput"

// FromResult gathers what the figures need from a batch result of the
// scenario s (run with scenarios.Options.Series for the time series):
//
//   - without a sweep: one Run per variant, with its summary, its series
//     (the mean over replications) and the fault windows of its
//     configuration;
//   - with a sweep over one parameter: the sweep figure of metric (a
//     dotted summary path, "goodput" when empty), with 95% intervals when
//     replicated;
//   - with a sweep over two: a stability map per variant, and the sweep
//     figure of metric against the first parameter at the first value of
//     the second (one line per variant keeps it readable).
func FromResult(s *scenarios.Scenario, res *scenarios.Result, metric string) (*Set, error) {
	if res == nil || len(res.Rows) == 0 {
		return nil, errors.New("the batch produced no rows")
	}
	if metric == "" {
		metric = DefaultSweepMetric
	}
	set := &Set{Title: res.Title}
	if set.Title == "" {
		set.Title = res.Scenario
	}
	switch len(res.Axes) {
	case 0:
		for i := range res.Rows {
			row := &res.Rows[i]
			r, err := runOfRow(s, row)
			if err != nil {
				return nil, fmt.Errorf("variant %s: %w", row.Variant, err)
			}
			set.Runs = append(set.Runs, Run{Name: row.Variant, Results: r})
		}
	default:
		rows := make([]sweepRow, len(res.Rows))
		for i := range res.Rows {
			rows[i] = resultRow{&res.Rows[i]}
		}
		if err := set.addSweep(res.Axes, rows, metric, res.Replications); err != nil {
			return nil, err
		}
	}
	return set, nil
}

// addSweep fills s.Sweep (and s.Stability with two parameters) from the
// rows of a sweep.
func (s *Set) addSweep(axes []scenarios.AxisResult, rows []sweepRow, metric string, reps int) error {
	if len(axes) > 2 {
		return fmt.Errorf("a sweep over %d parameters: the figures draw one or two", len(axes))
	}
	sw, err := sweepOf(axes, rows, metric)
	if err != nil {
		return err
	}
	s.Sweep = sw
	if len(axes) == 2 {
		st, err := stabilityOf(axes, rows, reps)
		if err != nil {
			return err
		}
		s.Stability = st
	}
	return nil
}

// sweepRow is one row of a sweep: a variant at a point. Rows come from a
// scenarios.Result or from its JSON summary.
type sweepRow interface {
	variant() string
	point() []any // one value per axis, in axis order
	number(metric string) (float64, bool)
	ci95(metric string) (float64, bool)
	text(metric string) (string, bool)
}

type resultRow struct{ r *scenarios.Row }

func (r resultRow) variant() string                 { return r.r.Variant }
func (r resultRow) point() []any                    { return r.r.Point }
func (r resultRow) number(m string) (float64, bool) { return r.r.Number(m) }
func (r resultRow) ci95(m string) (float64, bool)   { return r.r.CI95(m) }
func (r resultRow) text(m string) (string, bool) {
	v, _ := r.r.Value(m)
	t, ok := v.(string)
	return t, ok
}

// jsonRow is a row of a JSON summary (scenarios.Result.WriteJSON).
type jsonRow struct {
	name string
	pt   []any
	m    map[string]any
}

func (r jsonRow) variant() string { return r.name }
func (r jsonRow) point() []any    { return r.pt }

func (r jsonRow) find(path string) (any, bool) {
	var cur any = r.m
	for _, k := range strings.Split(path, ".") {
		obj, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = obj[k]; !ok {
			return nil, false
		}
	}
	return cur, true
}

func (r jsonRow) number(m string) (float64, bool) {
	v, _ := r.find(m)
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

func (r jsonRow) ci95(m string) (float64, bool) { return r.number("ci95." + m) }

func (r jsonRow) text(m string) (string, bool) {
	v, _ := r.find(m)
	t, ok := v.(string)
	return t, ok
}

// runOfRow rebuilds a results.Results from a row: the summary from its
// JSON, the series from its columns, faults and interval from the
// variant's configuration.
func runOfRow(s *scenarios.Scenario, row *scenarios.Row) (*results.Results, error) {
	r := &results.Results{}
	if err := unmarshalSummary(row.SummaryJSON(), &r.Summary); err != nil {
		return nil, fmt.Errorf("summary: %w", err)
	}
	r.Stopped = row.Stopped
	var cfg config.Config
	if s != nil {
		c, err := s.VariantConfig(row.Variant)
		if err != nil {
			return nil, err
		}
		cfg = c
		cfg.ApplyDefaults() // computed fault lengths (rolling deploys)
		r.Seed = cfg.Seed
		r.DurationS = cfg.Duration.Seconds()
		r.IntervalS = cfg.Interval.Seconds()
		if r.IntervalS == 0 {
			r.IntervalS = config.DefaultInterval.Seconds()
		}
		r.Faults = faultWindows(cfg.Faults)
	}
	if row.Series != nil {
		ser, err := unflattenSeries(row.Series)
		if err != nil {
			return nil, err
		}
		r.Series = *ser
		t := ser.T
		if n := len(t); n > 0 {
			if r.IntervalS == 0 && n > 1 {
				r.IntervalS = t[1] - t[0]
			}
			r.EndS = t[n-1] + r.IntervalS
			if r.DurationS > 0 {
				r.EndS = math.Min(r.EndS, r.DurationS)
			}
		}
	}
	if r.EndS == 0 {
		r.EndS = r.DurationS
	}
	return r, nil
}

// faultWindows lists configured faults as windows, in start order (the
// order models reports them in).
func faultWindows(fs []config.FaultConfig) []results.FaultWindow {
	out := make([]results.FaultWindow, 0, len(fs))
	for _, f := range fs {
		end := f.End()
		if f.Kind.Instantaneous() {
			end = f.At
		}
		out = append(out, results.FaultWindow{Kind: string(f.Kind), Target: f.Target, StartS: f.At.Seconds(), EndS: end.Seconds()})
	}
	for i := 1; i < len(out); i++ { // insertion sort: stable and tiny
		for j := i; j > 0 && out[j].StartS < out[j-1].StartS; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// unflattenSeries is the inverse of the runner's flattening: columns
// (kind, name, metric) back into a results.Series, by the JSON names of
// its fields. Entities keep the order of their first column.
func unflattenSeries(s *scenarios.Series) (*results.Series, error) {
	out := &results.Series{T: s.T}
	type key struct{ kind, name string }
	entities := map[key]reflect.Value{}
	entity := func(kind, name string) (reflect.Value, error) {
		k := key{kind, name}
		if v, ok := entities[k]; ok {
			return v, nil
		}
		var v reflect.Value
		switch kind {
		case "total":
			out.Total.Name = name
			v = reflect.ValueOf(&out.Total).Elem()
		case "client":
			out.Clients = append(out.Clients, results.CallSeries{Name: name})
		case "edge":
			out.Edges = append(out.Edges, results.CallSeries{Name: name})
		case "service":
			out.Services = append(out.Services, results.ServiceSeries{Name: name})
		case "cache":
			out.Caches = append(out.Caches, results.CacheSeries{Name: name})
		case "slo":
			out.SLOs = append(out.SLOs, results.SLOSeries{Name: name})
		case "job":
			out.Jobs = append(out.Jobs, results.CallSeries{Name: name})
		default:
			// A kind this build does not know (a newer file): not drawn.
		}
		entities[k] = v
		return v, nil
	}
	for _, c := range s.Cols {
		if _, err := entity(c.Kind, c.Name); err != nil {
			return nil, err
		}
	}
	// Slices are complete now: take the addresses of their elements.
	for i := range out.Clients {
		entities[key{"client", out.Clients[i].Name}] = reflect.ValueOf(&out.Clients[i]).Elem()
	}
	for i := range out.Edges {
		entities[key{"edge", out.Edges[i].Name}] = reflect.ValueOf(&out.Edges[i]).Elem()
	}
	for i := range out.Services {
		entities[key{"service", out.Services[i].Name}] = reflect.ValueOf(&out.Services[i]).Elem()
	}
	for i := range out.Caches {
		entities[key{"cache", out.Caches[i].Name}] = reflect.ValueOf(&out.Caches[i]).Elem()
	}
	for i := range out.SLOs {
		entities[key{"slo", out.SLOs[i].Name}] = reflect.ValueOf(&out.SLOs[i]).Elem()
	}
	for i := range out.Jobs {
		entities[key{"job", out.Jobs[i].Name}] = reflect.ValueOf(&out.Jobs[i]).Elem()
	}
	for _, c := range s.Cols {
		v, known := entities[key{c.Kind, c.Name}]
		if !known || !v.IsValid() {
			continue
		}
		field, sub, _ := strings.Cut(c.Metric, ".")
		f, ok := fieldByJSON(v, field)
		if !ok {
			continue // a series this build does not know: not drawn
		}
		switch {
		case sub == "" && f.Type() == reflect.TypeFor[results.Values]():
			f.Set(reflect.ValueOf(c.Values))
		case sub != "" && f.Type() == reflect.TypeFor[map[string]results.Values]():
			if f.IsNil() {
				f.Set(reflect.ValueOf(map[string]results.Values{}))
			}
			f.SetMapIndex(reflect.ValueOf(sub), reflect.ValueOf(c.Values))
		}
	}
	return out, nil
}

func fieldByJSON(v reflect.Value, name string) (reflect.Value, bool) {
	t := v.Type()
	for i := range t.NumField() {
		tag, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if tag == name {
			return v.Field(i), true
		}
	}
	return reflect.Value{}, false
}

// axisValue turns a sweep value into a number: numbers as they are,
// duration strings in seconds.
func axisValue(v any) (x float64, seconds bool, err error) {
	switch t := v.(type) {
	case float64:
		return t, false, nil
	case int:
		return float64(t), false, nil
	case int64:
		return float64(t), false, nil
	case string:
		d, err := time.ParseDuration(t)
		if err != nil {
			return 0, false, fmt.Errorf("sweep value %q is neither a number nor a duration", t)
		}
		return d.Seconds(), true, nil
	}
	return 0, false, fmt.Errorf("sweep value %v (%T) is not a number", v, v)
}

// axisOf returns an axis's values as numbers and their unit.
func axisOf(a scenarios.AxisResult) ([]float64, Unit, error) {
	xs := make([]float64, len(a.Values))
	unit := Count
	for i, v := range a.Values {
		x, secs, err := axisValue(v)
		if err != nil {
			return nil, 0, fmt.Errorf("sweep %s: %w", a.Path, err)
		}
		if secs {
			unit = Seconds
		}
		xs[i] = x
	}
	return xs, unit, nil
}

// paramLabel labels a swept parameter's axis: its path, and what the
// last key means when the path alone does not say the unit.
func paramLabel(path string) string {
	last := path[strings.LastIndex(path, ".")+1:]
	switch last {
	case "rate":
		return path + " (calls/s)"
	case "for":
		return path + " (fault length)"
	case "at":
		return path + " (fault start)"
	case "factor":
		return path + " (×)"
	case "workers", "replicas", "users":
		return path + " (" + last + ")"
	case "limit":
		return path + " (requests)"
	}
	return path
}

// metricLabel and metricUnit describe a summary metric for an axis.
func metricLabel(metric string) string {
	switch metric {
	case "goodput", "throughput":
		return metric + " (calls/s)"
	case "amplification":
		return "amplification (attempts/call)"
	}
	return metric
}

func metricUnit(metric string) Unit {
	last := metric[strings.LastIndex(metric, ".")+1:]
	switch {
	case strings.HasSuffix(metric, "_s") || strings.Contains(metric, "_s."):
		return Seconds
	case last == "utilization" || last == "hit_ratio":
		return Fraction
	}
	return Count
}

// sweepOf draws metric against the first swept parameter, one series per
// variant (at the first value of a second parameter, if any).
func sweepOf(axes []scenarios.AxisResult, rows []sweepRow, metric string) (*SweepData, error) {
	xs, xunit, err := axisOf(axes[0])
	if err != nil {
		return nil, err
	}
	d := &SweepData{Param: paramLabel(axes[0].Path), Metric: metricLabel(metric), XUnit: xunit, YUnit: metricUnit(metric)}
	if (metric == "goodput" || metric == "throughput") && strings.HasPrefix(axes[0].Path, "clients.") && strings.HasSuffix(axes[0].Path, ".rate") {
		d.Diagonal = metric + " = offered load"
	}
	var first any
	if len(axes) == 2 && len(axes[1].Values) > 0 {
		first = axes[1].Values[0]
		d.Subtitle = fmt.Sprintf("at %s = %v", axes[1].Path, first)
	}
	byVariant := map[string]int{}
	found := false
	for _, row := range rows {
		pt := row.point()
		if len(pt) == 0 {
			continue
		}
		if len(pt) == 2 && fmt.Sprint(pt[1]) != fmt.Sprint(first) {
			continue
		}
		x, _, err := axisValue(pt[0])
		if err != nil {
			return nil, err
		}
		y, ok := row.number(metric)
		if !ok {
			y = math.NaN()
		} else {
			found = true
		}
		ci, _ := row.ci95(metric)
		k, ok := byVariant[row.variant()]
		if !ok {
			k = len(d.Series)
			byVariant[row.variant()] = k
			d.Series = append(d.Series, SweepSeries{Name: row.variant()})
		}
		d.Series[k].Points = append(d.Series[k].Points, SweepPoint{X: x, Y: y, CI: ci})
	}
	if !found {
		return nil, fmt.Errorf("no numeric metric %q in the results (try goodput, latency_s.p99, amplification, recovery_s, services.NAME.utilization)", metric)
	}
	if len(xs) > 1 && xs[0] > 0 && xs[len(xs)-1]/xs[0] >= 100 {
		d.LogX = true
	}
	return d, nil
}

// stabilityOf builds one stability map per variant from a two-parameter
// sweep's recovery verdicts.
func stabilityOf(axes []scenarios.AxisResult, rows []sweepRow, reps int) (*StabilityData, error) {
	xs, xunit, err := axisOf(axes[0])
	if err != nil {
		return nil, err
	}
	ys, yunit, err := axisOf(axes[1])
	if err != nil {
		return nil, err
	}
	d := &StabilityData{XParam: paramLabel(axes[0].Path), YParam: paramLabel(axes[1].Path), XUnit: xunit, YUnit: yunit, X: xs, Y: ys}
	index := func(vals []any, v any) int {
		for i, w := range vals {
			if fmt.Sprint(w) == fmt.Sprint(v) {
				return i
			}
		}
		return -1
	}
	maps := map[string]int{}
	reps = max(reps, 1)
	for _, row := range rows {
		pt := row.point()
		if len(pt) != 2 {
			continue
		}
		k, ok := maps[row.variant()]
		if !ok {
			k = len(d.Maps)
			maps[row.variant()] = k
			cells := make([][]StabilityCell, len(ys))
			for j := range cells {
				cells[j] = make([]StabilityCell, len(xs))
			}
			d.Maps = append(d.Maps, StabilityGrid{Name: row.variant(), Cells: cells})
		}
		xi, yi := index(axes[0].Values, pt[0]), index(axes[1].Values, pt[1])
		if xi < 0 || yi < 0 {
			return nil, fmt.Errorf("row at %v is not on the sweep's grid", pt)
		}
		d.Maps[k].Cells[yi][xi] = cellOfRow(row, reps)
	}
	return d, nil
}

// cellOfRow reads a row's (possibly aggregated) recovery verdict: with
// replications the verdict is "mixed" when they disagreed, and
// recovered_fraction says how many recovered.
func cellOfRow(row sweepRow, reps int) StabilityCell {
	c := StabilityCell{Runs: reps}
	verdict, _ := row.text("recovery.verdict")
	switch verdict {
	case "mixed":
		c.Recovered = -1
		if f, ok := row.number("recovered_fraction"); ok {
			c.Recovered = int(math.Round(f * float64(reps)))
		}
		// With none recovered, the verdicts differed among ways of not
		// recovering (not_recovered, collapsed, ...): not recovered.
		c.Verdict = results.NotRecovered
		if s, ok := row.number("recovery_s"); ok {
			c.RecoveryS = s
		}
		return c
	case "recovered":
		c.Recovered = reps
		c.Verdict = results.Recovered
		c.RecoveryS, _ = row.number("recovery_s")
		return c
	}
	var mv results.Verdict
	if err := mv.UnmarshalText([]byte(verdict)); err != nil {
		mv = results.Undecided
	}
	c.Verdict = mv
	return c
}
