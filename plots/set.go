package plots

import (
	"fmt"
	"slices"
	"strings"

	"github.com/stampede-sim/stampede/models/results"
)

// Figure names, as `stampede plot --figure` takes them.
const (
	FigTimeseries = "timeseries"
	FigSweep      = "sweep"
	FigStability  = "stability"
	FigLatency    = "latency"
	FigCompare    = "compare"
)

// FigureNames lists the figures in the order WriteAll writes them.
var FigureNames = []string{FigTimeseries, FigSweep, FigStability, FigLatency, FigCompare}

// Set is everything the figures of one scenario are drawn from. The zero
// value has no data for any figure.
type Set struct {
	// Title is the scenario's title; the figures' titles start with it.
	// Empty means none.
	Title string
	// Runs holds one run per variant, for the time series, the latency
	// distribution and the comparison.
	Runs []Run
	// SLO is a latency objective in seconds, drawn on the latency panels;
	// zero means none.
	SLO float64
	// Sweep, if not nil, is drawn by the sweep figure.
	Sweep *SweepData
	// Stability, if not nil, is drawn by the stability map.
	Stability *StabilityData
	// Client, when not empty, narrows the time series and the latency
	// distribution to that client's calls (`stampede plot --client`).
	Client string
	// Service, when not empty, is the service whose queue the time
	// series draws (`stampede plot --service`); empty means the first.
	Service string
	// Specs are the figures the scenario declares ([[figures]]): each
	// replaces the default figure of its kind, and kinds none declares
	// keep their default (see Available).
	Specs []Spec

	// batch is what FromBatch read, for a declared sweep's own metric.
	batch *results.Batch
}

// CheckFilters returns an error naming what exists when Client or Service
// is not in every run's results.
func (s *Set) CheckFilters() error {
	for _, r := range s.Runs {
		if r.Results == nil {
			continue
		}
		if s.Client != "" {
			if _, ok := r.Results.Summary.Clients[s.Client]; !ok {
				return fmt.Errorf("--client %q: no such client in the results of %q (clients: %s)", s.Client, r.Name, strings.Join(sortedKeys(r.Results.Summary.Clients), ", "))
			}
		}
		if s.Service != "" {
			if _, ok := r.Results.Summary.Services[s.Service]; !ok {
				return fmt.Errorf("--service %q: no such service in the results of %q (services: %s)", s.Service, r.Name, strings.Join(sortedKeys(r.Results.Summary.Services), ", "))
			}
		}
	}
	return nil
}

// Available returns the names of the figures s has data for, in
// FigureNames order: the default figure of each kind, or in its place
// the figures Specs declare of that kind, by their names, in the order
// declared. The time series needs every run to carry series.
func (s *Set) Available() []string {
	var out []string
	for _, name := range FigureNames {
		if !s.declared(name) {
			if s.has(name) == nil {
				out = append(out, name)
			}
			continue
		}
		for _, sp := range s.Specs {
			if sp.Kind == name {
				out = append(out, sp.FileName())
			}
		}
	}
	return out
}

// has returns nil when s can draw the named figure, or why not.
func (s *Set) has(name string) error {
	switch name {
	case FigTimeseries, FigLatency, FigCompare:
		if len(s.Runs) == 0 {
			return fmt.Errorf("figure %q needs runs, and there are none", name)
		}
		if name == FigTimeseries {
			for _, r := range s.Runs {
				if r.Results != nil && len(r.Results.Series.T) == 0 {
					return fmt.Errorf("figure %q needs per-interval series, and the results of %q have none (saved without series? run the scenario instead)", name, r.Name)
				}
			}
		}
	case FigSweep:
		if s.Sweep == nil {
			return fmt.Errorf("figure %q needs a scenario with a [sweep]", name)
		}
	case FigStability:
		if s.Stability == nil {
			return fmt.Errorf("figure %q needs a scenario with a two-parameter [sweep] and faults", name)
		}
	default:
		return fmt.Errorf("unknown figure %q: want one of %s, or all", name, strings.Join(FigureNames, ", "))
	}
	return nil
}

// Figure draws the named figure of s: a declared one (by its name, or
// the first of a kind), or the default figure of a kind.
func (s *Set) Figure(name string) (*Figure, error) {
	if sp := s.spec(name); sp != nil {
		return s.drawSpec(*sp)
	}
	if len(s.Specs) > 0 && !slices.Contains(FigureNames, name) {
		return nil, fmt.Errorf("unknown figure %q: want one of %s, or all", name, strings.Join(s.Available(), ", "))
	}
	if err := s.has(name); err != nil {
		return nil, err
	}
	// The scenario's title heads every figure; the subtitle says which.
	switch name {
	case FigTimeseries:
		return Timeseries(s.Runs, s.timeseriesOptions())
	case FigLatency:
		sub := ""
		if s.Title != "" {
			sub = "Latency of successful calls, whole run"
		}
		if s.Client != "" && sub != "" {
			sub = "client " + s.Client + " · " + sub
		}
		return LatencyCDF(s.Runs, LatencyOptions{Title: s.Title, Subtitle: sub, SLO: s.SLO, Client: s.Client})
	case FigCompare:
		sub := ""
		if s.Title != "" {
			sub = "Variants compared, whole run"
		}
		return Compare(s.Runs, CompareOptions{Title: s.Title, Subtitle: sub})
	case FigSweep:
		d := *s.Sweep
		if d.Title == "" && s.Title != "" {
			d.Title = s.Title
			d.Subtitle = joinNonEmpty(" · ", capitalise(d.Metric)+" against the swept parameter", d.Subtitle)
		}
		return Sweep(d)
	case FigStability:
		d := *s.Stability
		if d.Title == "" && s.Title != "" {
			d.Title = s.Title
			d.Subtitle = joinNonEmpty(" · ", "Time to recover after the last fault", d.Subtitle)
		}
		return StabilityMap(d)
	}
	return nil, fmt.Errorf("unknown figure %q", name)
}

// timeseriesOptions are the time series' options for s's title and
// filters.
func (s *Set) timeseriesOptions() TimeseriesOptions {
	sub := ""
	if r0 := s.Runs[0].Results; s.Title != "" {
		sub = "Over time · " + HumanSeconds(r0.IntervalS) + " intervals" + seedNote(r0)
	}
	if s.Service != "" && sub != "" {
		sub += " · queue at " + s.Service
	}
	return TimeseriesOptions{Title: s.Title, Subtitle: sub, SLO: s.SLO, Client: s.Client, Service: s.Service}
}

func joinNonEmpty(sep string, parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}
