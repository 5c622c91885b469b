package scenarios

import (
	"math"
	"reflect"
	"strings"
	"time"

	"github.com/stampede-sim/stampede/scenarios/format"
)

// MarginSpec is a scenario's [margin] table: the trigger family that
// `stampede margin FILE` searches with no flags, and that margin claims
// (metric = "margin.survived") are about. Options left out (nil) take
// SearchMargin's defaults; an explicit value, 0 included, is checked as
// given.
type MarginSpec struct {
	// Size is the set path of the trigger's size ("faults.0.factor"),
	// larger being worse; From and To bracket the boundary (recovered at
	// From, not at To).
	Size string   `toml:"size"`
	From *float64 `toml:"from"`
	To   *float64 `toml:"to"`
	// Duration is the set path of the trigger's duration ("faults.0.for")
	// and For its values; without them the file's duration is searched.
	Duration string   `toml:"duration"`
	For      []string `toml:"for"`
	// Variants are the variants searched, each on its own; empty means
	// the base alone.
	Variants []string `toml:"variants"`
	// Replications, BoundaryReplications and Tolerance are as in
	// MarginOptions.
	Replications         *int     `toml:"replications"`
	BoundaryReplications *int     `toml:"boundary_replications"`
	Tolerance            *float64 `toml:"tolerance"`
}

// MarginVariants returns the variants the [margin] table searches (the
// base when it names none); nil without a table.
func (s *Scenario) MarginVariants() []string {
	if s.Margin == nil {
		return nil
	}
	if len(s.Margin.Variants) == 0 {
		return []string{BaseName}
	}
	return s.Margin.Variants
}

// MarginOptions returns the search the [margin] table declares for one
// variant; the zero options (no size) without a table.
func (s *Scenario) MarginOptions(variant string) MarginOptions {
	m := s.Margin
	if m == nil {
		return MarginOptions{Variant: variant}
	}
	o := MarginOptions{Size: m.Size, Duration: m.Duration, Durations: m.For, Variant: variant,
		Replications: m.Replications, Tolerance: m.Tolerance}
	if m.From != nil {
		o.From = *m.From
	}
	if m.To != nil {
		o.To = *m.To
	}
	if m.BoundaryReplications != nil {
		o.BoundaryReplications = *m.BoundaryReplications
	}
	return o
}

// checkMargin checks the [margin] table: paths that reach a number and
// a duration of the base, bounds in order, durations, known variants and
// options in range, each error at its key.
func (s *Scenario) checkMargin(names []string, d *format.Decoder) {
	m := s.Margin
	if m == nil {
		return
	}
	p := format.At("margin")
	base := format.Clone(s)
	resolve := func(key, path string, ok func(reflect.Type) bool, what string) {
		v, _, err := format.Resolve(base, path)
		switch {
		case err != nil:
			d.Fail(p.Field(key), err, "%v", err)
		case !ok(v.Type()):
			d.Fail(p.Field(key), nil, "%q is a %v, not %s", path, v.Type(), what)
		}
	}
	if m.Size == "" {
		d.Fail(p.Field("size"), nil, "is required: the set path of the trigger's size, larger being worse, e.g. \"faults.0.factor\"")
	} else {
		resolve("size", m.Size, func(t reflect.Type) bool {
			return t != reflect.TypeFor[time.Duration]() && (t.Kind() == reflect.Float64 || t.Kind() == reflect.Int || t.Kind() == reflect.Int64)
		}, "a number: the size must be a numeric key such as faults.0.factor")
	}
	switch {
	case m.From == nil:
		d.Fail(p.Field("from"), nil, "is required: a size the system recovers from")
	case m.To == nil:
		d.Fail(p.Field("to"), nil, "is required: a larger size it does not recover from")
	case math.IsNaN(*m.From) || math.IsInf(*m.From, 0) || math.IsNaN(*m.To) || math.IsInf(*m.To, 0) || !(*m.From < *m.To):
		d.Fail(p.Field("to"), nil, "must be above from (%v), got %v: the search needs a size the system recovers from and a larger one it does not", *m.From, *m.To)
	}
	switch {
	case m.Duration != "" && len(m.For) == 0:
		d.Fail(p.Field("for"), nil, "is required with duration: the trigger's durations to search at, e.g. [\"5s\", \"10s\", \"30s\"]")
	case m.Duration == "" && len(m.For) > 0:
		d.Fail(p.Field("duration"), nil, "is required with for: the set path of the trigger's duration, e.g. \"faults.0.for\"")
	case len(m.For) > MaxMarginDurations:
		d.Fail(p.Field("for"), nil, "has %d durations, at most %d", len(m.For), MaxMarginDurations)
	}
	if m.Duration != "" {
		resolve("duration", m.Duration, func(t reflect.Type) bool { return t == reflect.TypeFor[time.Duration]() }, "a duration such as faults.0.for")
	}
	for i, f := range m.For {
		if dur, err := time.ParseDuration(strings.TrimSpace(f)); err != nil || dur <= 0 {
			d.Fail(p.Field("for").Elem(i, ""), err, "must be a duration above 0 such as \"500ms\" or \"30s\", got %q", f)
		}
	}
	checkVariantList(m.Variants, p.Field("variants"), names, d)
	if r := m.Replications; r != nil && (*r < 1 || *r > MaxMarginReplications) {
		d.Fail(p.Field("replications"), nil, "must be in [1, %d], got %d: the runs per probe (leave it out for %d)", MaxMarginReplications, *r, DefaultMarginReplications)
	}
	if r := m.BoundaryReplications; r != nil && (*r < 0 || *r > MaxMarginReplications) {
		d.Fail(p.Field("boundary_replications"), nil, "must be in [0, %d], got %d: the runs again at each end of the final bracket", MaxMarginReplications, *r)
	}
	if t := m.Tolerance; t != nil && !(*t > 0 && *t < 1) {
		d.Fail(p.Field("tolerance"), nil, "must be in (0, 1), got %v: the final bracket's width relative to its upper end (leave it out for %v)", *t, DefaultMarginTolerance)
	}
}
