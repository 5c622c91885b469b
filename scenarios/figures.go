package scenarios

import (
	"fmt"
	"slices"
	"strings"

	"github.com/stampede-sim/stampede/scenarios/format"
)

// Figure declares one of the scenario's default figures ([[figures]]):
// what `stampede plot` and `stampede run --plots` draw in place of the
// default figure of its kind, so that a figure asks the question the
// scenario is about (the load on the database, one client's goodput, the
// work a sweep costs) instead of the same panels for every scenario.
type Figure struct {
	// Name names the output file (NAME.png); unique. Empty means Kind.
	Name string `toml:"name" json:"name,omitempty"`
	// Kind is timeseries, sweep, stability, latency or compare. Required.
	Kind string `toml:"kind" json:"kind,omitempty"`
	// Title and Subtitle head the figure. Empty means the scenario's
	// title and the kind's default subtitle.
	Title    string `toml:"title" json:"title,omitempty"`
	Subtitle string `toml:"subtitle" json:"subtitle,omitempty"`
	// Variants are the variants drawn (base is "base"); empty means all.
	Variants []string `toml:"variants" json:"variants,omitempty"`
	// Client draws one client's calls (timeseries, latency).
	Client string `toml:"client" json:"client,omitempty"`
	// Service is the service whose queue a time series draws.
	Service string `toml:"service" json:"service,omitempty"`
	// Edge draws the calls on one downstream edge, "from->to" (a
	// service's call or a cache's backend), in a time series: the load
	// one tier puts on another.
	Edge string `toml:"edge" json:"edge,omitempty"`
	// Metric is the summary metric a sweep draws against the swept
	// parameter ("attempts", "latency_s.max"). Empty means goodput.
	Metric string `toml:"metric" json:"metric,omitempty"`
	// YLabel labels the y axis of a time series' load panel or of a
	// sweep.
	YLabel string `toml:"y_label" json:"y_label,omitempty"`
	// XMetric draws a sweep's Metric against another summary metric
	// instead of the swept parameter ("cost.total": SLO attainment
	// against cost), one point per sweep value, in sweep order.
	XMetric string `toml:"x_metric" json:"x_metric,omitempty"`
	// XLabel labels the x axis of a sweep drawn against XMetric.
	XLabel string `toml:"x_label" json:"x_label,omitempty"`
}

// FigureKinds are the kinds of figure a [[figures]] entry may declare.
var FigureKinds = []string{"timeseries", "sweep", "stability", "latency", "compare"}

// maxFigures bounds a scenario's [[figures]].
const maxFigures = 32

// checkFigures checks the declared figures against the world, the
// variants (names) and the sweep.
func (s *Scenario) checkFigures(names []string, shape *metricNode, d *format.Decoder) {
	if len(s.Figures) > maxFigures {
		d.Fail(format.At("figures").Elem(maxFigures, ""), nil, "%d figures, over the limit of %d on a scenario's figures", len(s.Figures), maxFigures)
		return
	}
	var files []string
	for i := range s.Figures {
		f := &s.Figures[i]
		p := format.At("figures").Elem(i, f.Name)
		if !slices.Contains(FigureKinds, f.Kind) {
			if f.Kind == "" {
				d.Fail(p.Field("kind"), nil, "is required: one of %s", strings.Join(FigureKinds, ", "))
			} else {
				d.Fail(p.Field("kind"), nil, "must be one of %s, got %q%s", strings.Join(FigureKinds, ", "), f.Kind, format.DidYouMean(f.Kind, FigureKinds, "kinds"))
			}
			continue
		}
		file := f.Name
		if file == "" {
			file = f.Kind
		} else if !format.ValidName(f.Name) {
			d.Fail(p.Field("name"), nil, "must be a name of letters, digits, '_' or '-' (it names the file), got %q", f.Name)
		}
		if slices.Contains(files, file) {
			if f.Name == "" {
				d.Fail(p.Field("kind"), nil, "a second %s figure needs a name of its own (name = \"%s-...\"): the first is named %q", f.Kind, f.Kind, file)
			} else {
				d.Fail(p.Field("name"), nil, "%q already names a figure; names must be unique", file)
			}
		}
		files = append(files, file)
		for j, v := range f.Variants {
			if !slices.Contains(names, v) {
				d.Fail(p.Field("variants").Elem(j, ""), nil, "no variant named %q%s", v, format.DidYouMean(v, names, "variants"))
			} else if slices.Index(f.Variants, v) < j {
				d.Fail(p.Field("variants").Elem(j, ""), nil, "%q is listed twice", v)
			}
		}
		s.checkFigureKeys(f, p, shape, d)
	}
}

// checkFigureKeys checks the keys that only some kinds read, and the
// names they give.
func (s *Scenario) checkFigureKeys(f *Figure, p format.Path, shape *metricNode, d *format.Decoder) {
	only := func(key, val string, kinds ...string) bool {
		if val == "" {
			return false
		}
		if !slices.Contains(kinds, f.Kind) {
			d.Fail(p.Field(key), nil, "a %s figure does not read %s (only %s figures do)", f.Kind, key, strings.Join(kinds, " and "))
			return false
		}
		return true
	}
	if only("client", f.Client, "timeseries", "latency") {
		var have []string
		for _, c := range s.Clients {
			have = append(have, c.Name)
		}
		if !slices.Contains(have, f.Client) {
			d.Fail(p.Field("client"), nil, "no client named %q%s", f.Client, format.DidYouMean(f.Client, have, "clients"))
		}
	}
	if only("service", f.Service, "timeseries") {
		var have []string
		for _, sv := range s.Services {
			have = append(have, sv.Name)
		}
		if !slices.Contains(have, f.Service) {
			d.Fail(p.Field("service"), nil, "no service named %q%s", f.Service, format.DidYouMean(f.Service, have, "services"))
		}
	}
	if only("edge", f.Edge, "timeseries") {
		have := s.EdgeNames()
		switch {
		case f.Client != "":
			d.Fail(p.Field("edge"), nil, "draws one edge's calls, client one client's: give one of them")
		case !slices.Contains(have, f.Edge):
			d.Fail(p.Field("edge"), nil, "no edge %q: an edge is \"from->to\", a service's call or a cache's backend (edges: %s)", f.Edge, strings.Join(have, ", "))
		}
	}
	only("y_label", f.YLabel, "timeseries", "sweep")
	if only("metric", f.Metric, "sweep") {
		if msg := metricProblem(shape, f.Metric); msg != "" {
			d.Fail(p.Field("metric"), nil, "%s", msg)
		}
	}
	if only("x_metric", f.XMetric, "sweep") {
		if msg := metricProblem(shape, f.XMetric); msg != "" {
			d.Fail(p.Field("x_metric"), nil, "%s", msg)
		}
	}
	if only("x_label", f.XLabel, "sweep") && f.XMetric == "" {
		d.Fail(p.Field("x_label"), nil, "labels the x axis of a sweep drawn against x_metric: give x_metric too (the swept parameter labels itself)")
	}
	switch {
	case f.Kind == "sweep" && (s.Sweep == nil || s.Sweep.X == nil):
		d.Fail(p.Field("kind"), nil, "a sweep figure needs a [sweep]")
	case f.Kind == "stability" && (s.Sweep == nil || s.Sweep.Y == nil):
		d.Fail(p.Field("kind"), nil, "a stability map needs a [sweep] over two parameters (x and y)")
	case (f.Kind == "timeseries" || f.Kind == "latency" || f.Kind == "compare") && s.Sweep != nil:
		d.Fail(p.Field("kind"), nil, "a scenario with a [sweep] draws sweep and stability figures, not %s", f.Kind)
	}
}

// metricProblem says why metric is not a number of the summary, or ""
// when it is one.
func metricProblem(shape *metricNode, metric string) string {
	leaf := shape.find(strings.Split(metric, "."))
	if leaf != nil && leaf.leaf == "number" {
		return ""
	}
	all := shape.leaves()
	if leaf != nil && leaf.leaf == "" {
		var inside []string
		for _, l := range all {
			if strings.HasPrefix(l, metric+".") {
				inside = append(inside, l)
			}
		}
		return fmt.Sprintf("%q is a group of metrics, not one; pick a key inside it: %s", metric, strings.Join(inside, ", "))
	}
	if leaf != nil {
		return fmt.Sprintf("%q is a %s, not a number to draw", metric, leaf.leaf)
	}
	if sug := format.Suggest(metric, all); sug != "" {
		return fmt.Sprintf("%q is not a metric of the summary; did you mean %q?", metric, sug)
	}
	return fmt.Sprintf("%q is not a metric of the summary (e.g. goodput, attempts, amplification, latency_s.p99, latency_s.max, recovery_s, services.<name>.utilization)", metric)
}
