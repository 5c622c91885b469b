package plots

import (
	"fmt"
	"slices"
	"strings"

	"github.com/stampede-sim/stampede/models/results"
)

// Spec declares one figure of a Set: a scenario's [[figures]] entry. The
// figure of Kind is drawn as the defaults draw it, narrowed and labelled
// as the other fields say; a zero field keeps the default.
type Spec struct {
	// Name names the figure's file (Name + ".png"); empty means Kind.
	Name string
	// Kind is one of FigureNames.
	Kind string
	// Title and Subtitle head the figure; empty means the scenario's
	// title and the default subtitle.
	Title, Subtitle string
	// Variants are the variants drawn, in the results' order; empty
	// means all.
	Variants []string
	// Client narrows a time series or a latency figure to one client's
	// calls.
	Client string
	// Service is the service whose queue a time series draws.
	Service string
	// Edge is a downstream edge ("backend->db") whose calls a time
	// series draws instead of the clients'.
	Edge string
	// Metric is the summary metric a sweep figure draws (a dotted path,
	// as `stampede plot --metric` takes it); empty means goodput.
	Metric string
	// YLabel labels the y axis: the load panel of a time series, the
	// metric of a sweep.
	YLabel string
	// XMetric draws a sweep's metric against this summary metric instead
	// of the swept parameter; XLabel labels that axis.
	XMetric, XLabel string
}

// FileName is the spec's output name without extension: Name, or Kind.
func (sp Spec) FileName() string {
	if sp.Name != "" {
		return sp.Name
	}
	return sp.Kind
}

// spec returns the declared figure named name (by Name, or by Kind when
// no declared figure has that Name), or nil.
func (s *Set) spec(name string) *Spec {
	for i := range s.Specs {
		if s.Specs[i].FileName() == name {
			return &s.Specs[i]
		}
	}
	for i := range s.Specs {
		if s.Specs[i].Kind == name {
			return &s.Specs[i]
		}
	}
	return nil
}

// declared reports whether a declared figure is of kind.
func (s *Set) declared(kind string) bool {
	for _, sp := range s.Specs {
		if sp.Kind == kind {
			return true
		}
	}
	return false
}

// drawSpec draws a declared figure.
func (s *Set) drawSpec(sp Spec) (*Figure, error) {
	sub := *s
	sub.Specs = nil
	if len(sp.Variants) > 0 {
		if err := sub.Select(sp.Variants); err != nil {
			return nil, fmt.Errorf("figure %q: %w", sp.FileName(), err)
		}
	}
	if sp.Client != "" {
		sub.Client = sp.Client
	}
	if sp.Service != "" {
		sub.Service = sp.Service
	}
	if err := sub.CheckFilters(); err != nil {
		return nil, fmt.Errorf("figure %q: %w", sp.FileName(), err)
	}
	if err := sub.has(sp.Kind); err != nil {
		return nil, fmt.Errorf("figure %q: %w", sp.FileName(), err)
	}
	title := sp.Title
	if title == "" {
		title = s.Title
	}
	switch sp.Kind {
	case FigTimeseries:
		o := sub.timeseriesOptions()
		o.Title, o.Edge, o.LoadLabel = title, sp.Edge, sp.YLabel
		if sp.Subtitle != "" {
			o.Subtitle = sp.Subtitle
		} else if sp.Edge != "" && o.Subtitle != "" {
			o.Subtitle += " · calls on " + sp.Edge
		}
		return Timeseries(sub.Runs, o)
	case FigSweep:
		if (sp.Metric != "" || sp.XMetric != "") && s.batch != nil {
			metric := sp.Metric
			if metric == "" {
				metric = DefaultSweepMetric
			}
			d, err := sweepOf(s.batch.Axes, s.batch.Rows, metric, sp.XMetric)
			if err != nil {
				return nil, fmt.Errorf("figure %q: %w", sp.FileName(), err)
			}
			if len(sp.Variants) > 0 {
				d.Series = slices.DeleteFunc(d.Series, func(ser SweepSeries) bool { return !slices.Contains(sp.Variants, ser.Name) })
			}
			sub.Sweep = d
		}
		d := *sub.Sweep
		d.Title = title
		if sp.XMetric != "" {
			// labelled axes name the metrics in the subtitle too
			if sp.XLabel != "" {
				d.Param = sp.XLabel
			}
			if sp.YLabel != "" {
				d.Metric = sp.YLabel
			}
			d.Subtitle = joinNonEmpty(" · ", capitalise(d.Metric)+" against "+d.Param+", one point per swept value", d.Subtitle)
		} else {
			d.Subtitle = joinNonEmpty(" · ", capitalise(d.Metric)+" against the swept parameter", d.Subtitle)
		}
		if sp.YLabel != "" {
			d.Metric = sp.YLabel
		}
		if sp.Subtitle != "" {
			d.Subtitle = sp.Subtitle
		}
		return Sweep(d)
	}
	sub.Title = title
	f, err := sub.Figure(sp.Kind)
	if err != nil {
		return nil, err
	}
	if sp.Subtitle != "" {
		f.Subtitle = sp.Subtitle
	}
	return f, nil
}

// Select keeps the runs, sweep lines and stability maps of the variants
// named in names (all when empty), in the order of the results so that
// colours match across figures.
func (s *Set) Select(names []string) error {
	if len(names) == 0 {
		return nil
	}
	var all []string
	add := func(name string) {
		if !slices.Contains(all, name) {
			all = append(all, name)
		}
	}
	for _, r := range s.Runs {
		add(r.Name)
	}
	if s.Sweep != nil {
		for _, ser := range s.Sweep.Series {
			add(ser.Name)
		}
	}
	if s.Stability != nil {
		for _, m := range s.Stability.Maps {
			add(m.Name)
		}
	}
	for _, n := range names {
		if !slices.Contains(all, n) {
			return fmt.Errorf("no variant %q in the results (have: %s)", n, strings.Join(all, ", "))
		}
	}
	want := func(n string) bool { return slices.Contains(names, n) }
	var runs []Run
	for _, r := range s.Runs {
		if want(r.Name) {
			runs = append(runs, r)
		}
	}
	s.Runs = runs
	if s.Sweep != nil {
		sw := *s.Sweep
		sw.Series = nil
		for _, ser := range s.Sweep.Series {
			if want(ser.Name) {
				sw.Series = append(sw.Series, ser)
			}
		}
		s.Sweep = &sw
	}
	if s.Stability != nil {
		st := *s.Stability
		st.Maps = nil
		for _, m := range s.Stability.Maps {
			if want(m.Name) {
				st.Maps = append(st.Maps, m)
			}
		}
		s.Stability = &st
	}
	return nil
}

// pickCalls returns the calls a time series draws: an edge's, a client's,
// or every client's together.
func pickCalls(r *results.Results, client, edge string) (*results.CallSeries, error) {
	if edge != "" {
		var names []string
		for i := range r.Series.Edges {
			if r.Series.Edges[i].Name == edge {
				return &r.Series.Edges[i], nil
			}
			names = append(names, r.Series.Edges[i].Name)
		}
		return nil, fmt.Errorf("no edge %q in the results (edges: %v)", edge, names)
	}
	if client == "" {
		return &r.Series.Total, nil
	}
	var names []string
	for i := range r.Series.Clients {
		if r.Series.Clients[i].Name == client {
			return &r.Series.Clients[i], nil
		}
		names = append(names, r.Series.Clients[i].Name)
	}
	return nil, fmt.Errorf("no client %q in the results (clients: %v)", client, names)
}

func pickService(r *results.Results, service string) (*results.ServiceSeries, error) {
	if service == "" {
		if len(r.Series.Services) == 0 {
			return nil, nil
		}
		return &r.Series.Services[0], nil
	}
	var names []string
	for i := range r.Series.Services {
		if r.Series.Services[i].Name == service {
			return &r.Series.Services[i], nil
		}
		names = append(names, r.Series.Services[i].Name)
	}
	return nil, fmt.Errorf("no service %q in the results (services: %v)", service, names)
}

// loadLabel and loadHeading label the load panel of a time series.
func (o TimeseriesOptions) loadLabel() string {
	if o.LoadLabel != "" {
		return o.LoadLabel
	}
	return "calls/s"
}

func (o TimeseriesOptions) loadHeading() string {
	if o.Edge != "" {
		return "Load on " + o.Edge[strings.Index(o.Edge, "->")+2:]
	}
	return "Load"
}
