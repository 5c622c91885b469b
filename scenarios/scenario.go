package scenarios

import (
	"path/filepath"
	"strings"
	"time"

	"github.com/stampede-sim/stampede/models/config"
	"github.com/stampede-sim/stampede/scenarios/format"
	"github.com/stampede-sim/stampede/sim"
)

// Scenario is a scenario file, decoded and checked: the world (a
// config.Config, whose keys are the file's top-level keys), what to call
// it, and how to run it: variants, a sweep, replications and claims.
//
// Keys tagged "noset" describe the run, not the world, so variants and
// sweeps cannot override them. Issue-specific extensions (SLOs, alerts)
// add fields here; the decoder, the docs test and the set paths pick them
// up by reflection.
type Scenario struct {
	// Title is a one-line title ("Retry storm"). Empty means Name.
	Title string `toml:"title,noset"`
	// About says what the scenario shows and what to look for.
	About string `toml:"about,noset"`
	// Replications is how many independent runs (seeds derived from Seed)
	// each variant and sweep point gets. Zero means 1.
	Replications int `toml:"replications,noset"`

	// Config is the world: duration, interval, seed, services, clients,
	// caches, faults, recovery, limits.
	config.Config

	// RunLimits are the limits only the batch runner can enforce; they
	// share the [limits] table with models' limits.
	RunLimits RunLimits `toml:"limits"`

	// Variants are alternatives to the base scenario, each a list of
	// overrides. The base itself runs as the variant "base".
	Variants []Variant `toml:"variants,noset"`
	// Sweep, if set, runs every variant at each point of a grid over one
	// or two parameters.
	Sweep *Sweep `toml:"sweep,noset"`
	// Expect are claims about the results that `stampede check` verifies.
	Expect []Expect `toml:"expect,noset"`
	// Figures are the figures `stampede plot` and `stampede run --plots`
	// draw, each in place of the default figure of its kind.
	Figures []Figure `toml:"figures,noset"`
	// Margin, if set, is the trigger family `stampede margin` searches
	// and margin claims are about.
	Margin *MarginSpec `toml:"margin,noset"`
	// Rare, if set, is the rare-event estimate `stampede rare` makes and
	// rare claims are about.
	Rare *RareSpec `toml:"rare,noset"`

	// Name is the built-in name, or the file's base name without
	// extension. File is the file name errors use. Source is the file's
	// text.
	Name   string `toml:"-"`
	File   string `toml:"-"`
	Source []byte `toml:"-"`

	force bool // LoadOptions.Force, or Options.Force in a batch's own check
	// dec is the decoder that read Source: where each key is.
	dec *format.Decoder
	// Open opens the data files the scenario names (recorded traffic,
	// empirical distributions), relative to File; nil if none can be
	// read. Variants, sweeps and --set read theirs through it too.
	Open sim.Opener `toml:"-"`
}

// KeyPos returns where the key at an index path ("services", "0",
// "queue", "limit": list entries by index) is in the scenario's file: its
// own position, or its nearest ancestor's when the file leaves it out
// (a default); the zero Pos for a scenario not read from a file.
func (s *Scenario) KeyPos(keys ...string) format.Pos {
	if s.dec == nil {
		return format.Pos{}
	}
	return s.dec.KeyPos(keys)
}

// RunLimits bound a run where only the runner can: models bounds events and
// requests in flight; the runner bounds the wall-clock time of each run.
type RunLimits struct {
	// MaxWall is the most wall-clock time one run may take; the runner
	// checks it between slices of events. Zero means DefaultMaxWall.
	MaxWall time.Duration `toml:"max_wall"`
}

// DefaultMaxWall is the wall-clock limit per run when limits.max_wall is
// zero.
const DefaultMaxWall = 10 * time.Minute

// BaseName is the name under which the base scenario runs alongside its
// variants.
const BaseName = "base"

// Variant is an alternative to the base scenario: the base with Set
// applied.
type Variant struct {
	// Name identifies the variant in results; unique, not "base".
	Name string `toml:"name"`
	// About says what the variant changes and why.
	About string `toml:"about"`
	// Set overrides keys of the base, by dotted path.
	Set format.Settings `toml:"set"`
}

// Sweep is a grid over one parameter (X) or two (X and Y).
type Sweep struct {
	// X is the first (or only) swept parameter.
	X *Axis `toml:"x"`
	// Y is the optional second one; the grid is X x Y.
	Y *Axis `toml:"y"`
}

// Axis is one swept parameter: Path (a set path, as in variants) takes
// each of Values in turn, or Steps values from From to To.
type Axis struct {
	// Path is the key swept, as in a variant's set.
	Path string `toml:"path"`
	// Values lists the values, each as the key itself takes it.
	Values []any `toml:"values"`
	// From and To are the ends of a range (numbers, or duration strings
	// for a duration key), both included.
	From any `toml:"from"`
	To   any `toml:"to"`
	// Steps is the number of values in the range, >= 2.
	Steps int `toml:"steps"`
	// Scale spaces the range: linear (equal differences) or log (equal
	// ratios). Empty means linear.
	Scale string `toml:"scale"`
}

// Expect is a claim about the results: the metric of a variant (at a sweep
// point, or at every point) equals a value or lies within [Min, Max].
type Expect struct {
	// Variant names the variant the claim is about. Empty means "base".
	Variant string `toml:"variant"`
	// Metric is a dotted path into the variant's JSON summary:
	// "recovered", "goodput", "latency_s.p99", "services.api.utilization".
	Metric string `toml:"metric"`
	// Equals is the value the metric must have (a number, a boolean or a
	// string); numbers compare within Tolerance.
	Equals any `toml:"equals"`
	// Min and Max bound the metric (both included).
	Min *float64 `toml:"min"`
	Max *float64 `toml:"max"`
	// Recovered, if set, is short for Metric "recovered" with Equals
	// *Recovered (DESIGN.md's `recovered = true`); it cannot be combined
	// with Metric, Equals, Min or Max. Checking the scenario rewrites it
	// into Metric and Equals and sets it back to nil.
	Recovered *bool `toml:"recovered"`
	// Tolerance is the absolute difference Equals allows for numbers.
	Tolerance float64 `toml:"tolerance"`
	// RelativeTo names a variant: the claim is then about the ratio of
	// the metric to that variant's at the same point.
	RelativeTo string `toml:"relative_to"`
	// X and Y pick the sweep point by its values; unset means every
	// point.
	X any `toml:"x"`
	Y any `toml:"y"`
	// For picks, for a margin claim (Metric "margin.survived" or
	// "margin.tipped"), the trigger duration among the [margin] table's;
	// empty means its first.
	For string `toml:"for"`
	// About says what the claim shows; printed when it fails.
	About string `toml:"about"`

	pos format.Pos // where the claim is in the file
}

// Load decodes and checks a scenario file's source. file names it in
// errors (and gives the scenario its Name). The error, if any, is an
// ErrorList with every problem found, each located at file:line:col.
func Load(file string, src []byte) (*Scenario, error) {
	return LoadWith(file, src, LoadOptions{})
}

// LoadOptions change what Load accepts.
type LoadOptions struct {
	// Force accepts a scenario whose runs are estimated to be over
	// MaxWork (a fan-out bomb, a duration of weeks): it runs anyway.
	Force bool
	// Open opens the data files the scenario names (replay.rate_curve,
	// replay.timestamps, samples(@FILE), ...), by their names relative to
	// file. Nil means none can be read: naming one is an error.
	Open sim.Opener
}

// LoadWith is Load with options.
func LoadWith(file string, src []byte, o LoadOptions) (*Scenario, error) {
	s := &Scenario{File: file, Name: scenarioName(file), Source: src, force: o.Force, Open: o.Open}
	d, err := format.DecodeWith(file, src, s, o.Open)
	if err != nil {
		return nil, err
	}
	s.applyDefaults()
	s.check(d)
	if err := d.Err(); err != nil {
		return nil, err
	}
	s.dec = d
	return s, nil
}

// scenarioName is a file's base name without its extension.
func scenarioName(file string) string {
	base := filepath.Base(file)
	return strings.TrimSuffix(base, filepath.Ext(base))
}

// applyDefaults sets the scenario-level defaults (config.Config's own are
// set by config.Config.ApplyDefaults when a world is built).
func (s *Scenario) applyDefaults() {
	if s.Replications == 0 {
		s.Replications = 1
	}
	if s.RunLimits.MaxWall == 0 {
		s.RunLimits.MaxWall = DefaultMaxWall
	}
	if s.Title == "" {
		s.Title = s.Name
	}
	if s.Sweep != nil {
		for _, a := range []*Axis{s.Sweep.X, s.Sweep.Y} {
			if a != nil && a.Scale == "" {
				a.Scale = "linear"
			}
		}
	}
	for i := range s.Expect {
		if s.Expect[i].Variant == "" {
			s.Expect[i].Variant = BaseName
		}
	}
}

// Counts returns how many variants (base included), sweep points,
// replications and claims the scenario has.
func (s *Scenario) Counts() (variants, points, replications, claims int) {
	points = 1
	if s.Sweep != nil {
		for j, a := range []*Axis{s.Sweep.X, s.Sweep.Y} {
			if a == nil {
				continue
			}
			vals, ok := axisValues(s, a, format.NewDecoder("").WithOpener(s.Open), format.Path{Disp: []string{"x", "y"}[j]})
			if ok {
				points *= len(vals)
			}
		}
	}
	return 1 + len(s.Variants), points, s.Replications, len(s.Expect)
}
