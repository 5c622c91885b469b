package scenarios

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/stampede-sim/stampede/models/results"
	"github.com/stampede-sim/stampede/scenarios/format"
	"github.com/stampede-sim/stampede/scenarios/session"
)

// The gauge kinds that name a client, or nothing (session.GaugeKinds;
// the others name a service).
const (
	gaugeAttempts = "attempts"
	gaugeInFlight = "in_flight"
)

// RareSpec is a scenario's [rare] table: the rare-event estimate that
// `stampede rare FILE` makes with no flags, and that rare claims
// (metric = "rare.probability") are about. Keys left out take
// EstimateRare's defaults; a key given is checked as given.
type RareSpec struct {
	// Importance is the gauge ("in_system:api"); Target the rare state
	// (a pilot places the levels) or Levels the levels, the last the rare
	// state: one of the two.
	Importance string    `toml:"importance"`
	Target     *float64  `toml:"target"`
	Levels     []float64 `toml:"levels"`
	// Horizon is each run's length (empty: the file's duration).
	Horizon string `toml:"horizon"`
	// Effort, Replications and Pilot are as in RareOptions.
	Effort       *int `toml:"effort"`
	Replications *int `toml:"replications"`
	Pilot        *int `toml:"pilot"`
	// Set overrides the base for the estimate, as a variant's set does
	// (set = { "faults" = [] } takes the trigger away); Variants are the
	// variants estimated, each on its own (empty: the base).
	Set      format.Settings `toml:"set"`
	Variants []string        `toml:"variants"`
}

// rareLeaves are the metrics of a rare claim after "rare.".
var rareLeaves = []string{"probability", "ci_low", "ci_high", "relative_error"}

// IsRareMetric reports whether a claim's metric is about the rare-event
// estimate.
func IsRareMetric(metric string) bool {
	return strings.HasPrefix(metric, "rare.") || metric == "rare"
}

// HasRareClaims reports whether s has a claim about the rare-event
// estimate.
func (s *Scenario) HasRareClaims() bool {
	return slices.ContainsFunc(s.Expect, func(ex Expect) bool { return IsRareMetric(ex.Metric) })
}

// RareVariants returns the variants the [rare] table estimates (the base
// when it names none); nil without a table.
func (s *Scenario) RareVariants() []string {
	if s.Rare == nil {
		return nil
	}
	if len(s.Rare.Variants) == 0 {
		return []string{BaseName}
	}
	return s.Rare.Variants
}

// RareEstimate returns what the [rare] table declares for one variant:
// the scenario with the table's set applied to its base, and the
// options (the caller adds Parallel).
func (s *Scenario) RareEstimate(variant string) (*Scenario, RareOptions, error) {
	r := s.Rare
	if r == nil {
		return nil, RareOptions{}, fmt.Errorf("%s has no [rare] table", s.Name)
	}
	o := RareOptions{Importance: r.Importance, Target: r.Target, Levels: r.Levels, Variant: variant}
	if r.Horizon != "" {
		h, err := time.ParseDuration(strings.TrimSpace(r.Horizon))
		if err != nil {
			return nil, o, fmt.Errorf("rare.horizon: %w", err)
		}
		o.Horizon = h
	}
	for _, k := range []struct {
		v   *int
		out *int
	}{{r.Effort, &o.Effort}, {r.Replications, &o.Replications}, {r.Pilot, &o.Pilot}} {
		if k.v != nil {
			*k.out = *k.v
		}
	}
	if len(r.Set) == 0 {
		return s, o, nil
	}
	d := format.NewDecoder(s.File).WithOpener(s.Open)
	c, _ := s.withSettings(r.Set, d, format.At("rare"))
	if err := d.Err(); err != nil || c == nil {
		return nil, o, err
	}
	return c, o, nil
}

// checkRare checks the [rare] table: an importance of a known kind and
// name, a target or levels (not both), a horizon, options in range,
// known variants, and a set that leaves a valid world; each error at its
// key.
func (s *Scenario) checkRare(names []string, base map[string]bool, d *format.Decoder) {
	r := s.Rare
	if r == nil {
		return
	}
	p := format.At("rare")
	world := &s.Config
	if len(r.Set) > 0 {
		if vs, sets := s.withSettings(r.Set, d, p); vs != nil {
			s.validateWorld(&vs.Config, d, &variantCtx{p: p, sets: sets, base: base})
			world = &vs.Config
		}
	}
	kind, name, _ := strings.Cut(r.Importance, ":")
	switch {
	case r.Importance == "":
		d.Fail(p.Field("importance"), nil, "is required: the gauge read after every event, KIND:NAME with a kind of %s (\"in_system:api\")", strings.Join(session.GaugeKinds, ", "))
	case !slices.Contains(session.GaugeKinds, kind):
		d.Fail(p.Field("importance"), nil, "%q has no gauge kind %q%s", r.Importance, kind, format.DidYouMean(kind, session.GaugeKinds, "kinds"))
	case kind == gaugeAttempts && name != "":
		d.Fail(p.Field("importance"), nil, "%q: attempts counts the whole world's and takes no name", r.Importance)
	case kind == gaugeInFlight:
		var cs []string
		for _, c := range world.Clients {
			cs = append(cs, c.Name)
		}
		if !slices.Contains(cs, name) {
			d.Fail(p.Field("importance"), nil, "%q: no client named %q%s", r.Importance, name, format.DidYouMean(name, cs, "clients"))
		}
	case kind != gaugeAttempts:
		var ss []string
		for _, sv := range world.Services {
			ss = append(ss, sv.Name)
		}
		if !slices.Contains(ss, name) {
			d.Fail(p.Field("importance"), nil, "%q: no service named %q%s", r.Importance, name, format.DidYouMean(name, ss, "services"))
		}
	}
	switch {
	case r.Target == nil && len(r.Levels) == 0:
		d.Fail(p, nil, "needs target (the rare state: a pilot places the levels below it) or levels (the last being the rare state)")
	case r.Target != nil && len(r.Levels) > 0:
		d.Fail(p.Field("levels"), nil, "give target or levels, not both")
	case r.Target != nil && (math.IsNaN(*r.Target) || math.IsInf(*r.Target, 0)):
		d.Fail(p.Field("target"), nil, "must be a finite number, got %v", *r.Target)
	case len(r.Levels) > MaxRareLevels:
		d.Fail(p.Field("levels"), nil, "has %d levels, at most %d", len(r.Levels), MaxRareLevels)
	}
	for i, l := range r.Levels {
		if math.IsNaN(l) || math.IsInf(l, 0) || (i > 0 && !(l > r.Levels[i-1])) {
			d.Fail(p.Field("levels").Elem(i, ""), nil, "levels must be finite and strictly increasing, got %v after %v", l, r.Levels[max(0, i-1)])
			break
		}
	}
	if h := r.Horizon; h != "" {
		if dur, err := time.ParseDuration(strings.TrimSpace(h)); err != nil || dur <= 0 {
			d.Fail(p.Field("horizon"), err, "must be a duration above 0 such as \"30s\", got %q (leave it out for the file's duration)", h)
		}
	}
	for _, k := range []struct {
		key    string
		v      *int
		lo, hi int
		what   string
	}{
		{"effort", r.Effort, 2, MaxRareEffort, "the trajectories started at each level in each replication (leave it out for 100)"},
		{"replications", r.Replications, 1, MaxRareReplications, "the independent estimates (leave it out for 10)"},
		{"pilot", r.Pilot, 2, MaxRareEffort, "the pilot's trajectories a stage (leave it out for effort)"},
	} {
		if k.v != nil && (*k.v < k.lo || *k.v > k.hi) {
			d.Fail(p.Field(k.key), nil, "must be in [%d, %d], got %d: %s", k.lo, k.hi, *k.v, k.what)
		}
	}
	if r.Pilot != nil && r.Target == nil {
		d.Fail(p.Field("pilot"), nil, "sizes the pilot that places the levels below target: give target instead of levels, or leave pilot out")
	}
	checkVariantList(r.Variants, p.Field("variants"), names, d)
}

// checkRareExpect checks a rare claim: a [rare] table that estimates its
// variants (and relative_to's), a known leaf, a number to compare, no
// sweep point or duration.
func (s *Scenario) checkRareExpect(ex *Expect, p format.Path, names []string, d *format.Decoder) {
	if s.Rare == nil {
		d.Fail(p.Field("metric"), nil, "%q is a rare-event claim, and the scenario has no [rare] table to estimate it: declare the estimate there (docs/SCENARIOS.md)", ex.Metric)
		return
	}
	if leaf := strings.TrimPrefix(ex.Metric, "rare."); !slices.Contains(rareLeaves, leaf) {
		all := []string{"rare.probability", "rare.ci_low", "rare.ci_high", "rare.relative_error"}
		d.Fail(p.Field("metric"), nil, "%q is not a rare-event metric: %s%s", ex.Metric, strings.Join(all, ", "), format.DidYouMean(ex.Metric, all, "rare metrics"))
	}
	checkClaimVariants(ex, p, names, s.RareVariants(), "estimated", "rare", d)
	checkNumberClaim(ex, p, d, "picks a sweep point, and a rare claim has none")
	if ex.For != "" {
		d.Fail(p.Field("for"), nil, "picks the trigger duration of a margin claim, and a rare-event estimate has none")
	}
}

// checkNumberClaim checks the bounds of a claim on a number with no sweep
// point (a margin or rare-event claim); noPoint is what x or y are told.
func checkNumberClaim(ex *Expect, p format.Path, d *format.Decoder, noPoint string) {
	checkBounds(ex, p, d)
	if _, ok := format.Number(ex.Equals); ex.Equals != nil && !ok {
		d.Fail(p.Field("equals"), nil, "%s is a number, so equals must be one, got %s", ex.Metric, format.Describe(ex.Equals))
	}
	for _, b := range []*float64{ex.Min, ex.Max} {
		if b != nil && math.IsNaN(*b) {
			d.Fail(p, nil, "min and max must be numbers, got nan")
		}
	}
	if math.IsNaN(ex.Tolerance) || ex.Tolerance < 0 || math.IsInf(ex.Tolerance, 0) {
		d.Fail(p.Field("tolerance"), nil, "must be a finite number >= 0, got %v", ex.Tolerance)
	}
	for j, sel := range []any{ex.X, ex.Y} {
		if sel != nil {
			d.Fail(p.Field([]string{"x", "y"}[j]), nil, "%s", noPoint)
		}
	}
}

// checkBounds checks that a claim gives equals, or min and/or max in
// order.
func checkBounds(ex *Expect, p format.Path, d *format.Decoder) {
	switch {
	case ex.Equals != nil && (ex.Min != nil || ex.Max != nil):
		d.Fail(p.Field("equals"), nil, "give equals, or min and/or max, not both")
	case ex.Equals == nil && ex.Min == nil && ex.Max == nil:
		d.Fail(p, nil, "needs equals, or min and/or max")
	case ex.Min != nil && ex.Max != nil && !(*ex.Min <= *ex.Max):
		d.Fail(p.Field("min"), nil, "must be <= max (%v), got %v", *ex.Max, *ex.Min)
	}
}

// checkClaimVariants checks that a claim's variant and relative_to (when
// they exist) are among those the scenario's [table] runs (verb: what the
// table does to them).
func checkClaimVariants(ex *Expect, p format.Path, names, among []string, verb, table string, d *format.Decoder) {
	for _, k := range []struct{ key, name string }{{"variant", ex.Variant}, {"relative_to", ex.RelativeTo}} {
		if k.name != "" && slices.Contains(names, k.name) && !slices.Contains(among, k.name) {
			d.Fail(p.Field(k.key), nil, "%q is not %s by the [%s] table (%s.variants: %s): add it there", k.name, verb, table, table, strings.Join(among, ", "))
		}
	}
}

// RareClaims checks s's rare claims against estimates made (one per
// variant); a claim whose variant was not estimated is skipped, and so
// is every one, "not checked: " and why, when skip says why.
func RareClaims(s *Scenario, rs []*results.Rare, skip string) []Claim {
	var out []Claim
	for _, ex := range s.Expect {
		if !IsRareMetric(ex.Metric) {
			continue
		}
		c := Claim{File: s.File, Pos: ex.pos, Variant: ex.Variant, Metric: ex.Metric, About: ex.About, Want: want(metaExpectOf(ex))}
		if skip != "" {
			c.Got, c.Skipped = "not checked: "+skip, true
			out = append(out, c)
			continue
		}
		value := func(variant string) (*results.Rare, float64, bool) {
			for _, r := range rs {
				if r.Variant == variant {
					return r, rareValue(r, strings.TrimPrefix(ex.Metric, "rare.")), true
				}
			}
			return nil, 0, false
		}
		r, got, ok := value(ex.Variant)
		if !ok {
			c.Got, c.Skipped = "not estimated", true
			out = append(out, c)
			continue
		}
		c.Got = fmt.Sprintf("%s (%s, 95%%: %s to %s, from %d trajectories)", fmtNum(got), fmtNum(r.Probability), fmtNum(r.CILow), fmtNum(r.CIHigh), r.Runs)
		if math.IsNaN(got) {
			c.Got = "null (one replication, or a probability of 0: no relative error)"
			out = append(out, c)
			continue
		}
		if ex.RelativeTo != "" {
			_, other, ok := value(ex.RelativeTo)
			switch {
			case !ok:
				c.Got, c.Skipped = "not estimated (no "+ex.RelativeTo+" to compare with)", true
				out = append(out, c)
				continue
			case other == 0 || math.IsNaN(other):
				c.Got = fmt.Sprintf("%s / %s: the ratio is undefined", fmtNum(got), fmtNum(other))
				out = append(out, c)
				continue
			}
			c.Got = fmt.Sprintf("%s (%s / %s)", fmtNum(got/other), fmtNum(got), fmtNum(other))
			got /= other
		}
		if ex.Equals != nil {
			w, _ := format.Number(ex.Equals)
			c.OK = math.Abs(got-w) <= ex.Tolerance
		} else {
			c.OK = (ex.Min == nil || got >= *ex.Min) && (ex.Max == nil || got <= *ex.Max)
		}
		out = append(out, c)
	}
	return out
}

// rareValue is a leaf of an estimate; NaN for a null relative error.
func rareValue(r *results.Rare, leaf string) float64 {
	switch leaf {
	case "ci_low":
		return r.CILow
	case "ci_high":
		return r.CIHigh
	case "relative_error":
		if r.RelativeError == nil {
			return math.NaN()
		}
		return *r.RelativeError
	}
	return r.Probability
}

// estimateRare makes the [rare] table's estimate for each variant it
// names that ran and checks the rare claims against them (Options.Rare);
// without Options.Rare the rare claims are listed as not checked.
func (r *Result) estimateRare(s *Scenario, opts Options) error {
	if !opts.Rare {
		r.Claims = append(r.Claims, RareClaims(s, nil, RareClaimsSkipped)...)
		return nil
	}
	var rs []*results.Rare
	for _, v := range s.RareVariants() {
		if !slices.ContainsFunc(r.Variants, func(vi VariantInfo) bool { return vi.Name == v }) {
			continue
		}
		c, o, err := s.RareEstimate(v)
		if err != nil {
			return err
		}
		o.Set, o.Seed, o.Parallel = opts.Set, opts.Seed, opts.Parallel
		est, err := EstimateRare(c, o)
		if err != nil {
			return err
		}
		rs = append(rs, est)
	}
	r.Claims = append(r.Claims, RareClaims(s, rs, "")...)
	return nil
}

// RareClaimsSkipped says why a batch leaves the rare claims unchecked.
const RareClaimsSkipped = "the estimate is thousands of runs: stampede rare FILE, or stampede check --rare, makes it and checks the claim"

// checkVariantList checks a table's list of variants to run (margin.variants,
// rare.variants): each a variant of the scenario, none twice.
func checkVariantList(list []string, p format.Path, names []string, d *format.Decoder) {
	seen := map[string]bool{}
	for i, v := range list {
		vp := p.Elem(i, "")
		switch {
		case !slices.Contains(names, v):
			d.Fail(vp, nil, "no variant named %q%s", v, format.DidYouMean(v, names, "variants"))
		case seen[v]:
			d.Fail(vp, nil, "%q is listed twice", v)
		}
		seen[v] = true
	}
}
