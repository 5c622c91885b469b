package scenarios

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/stampede-sim/stampede/models/results"
	"github.com/stampede-sim/stampede/scenarios/format"
)

// MarginOptions control SearchMargin. Size, From and To are required.
type MarginOptions struct {
	// Size is the set path of the trigger's size ("faults.0.factor"):
	// larger is worse. From and To bracket the boundary: the system must
	// recover at From and not at To.
	Size     string
	From, To float64
	// Duration is the set path of the trigger's duration
	// ("faults.0.for") and Durations its values ("10s", "30s"); without
	// them the file's own duration is searched.
	Duration  string
	Durations []string
	// Variant is the variant searched; empty means the base.
	Variant string
	// Set are further overrides, as Options.Set; Seed, if not nil,
	// replaces the scenario's, as Options.Seed.
	Set  []string
	Seed *uint64
	// Replications is the runs per probe (nil means
	// DefaultMarginReplications; an explicit value, 0 included, is used
	// as given and checked); a size is recovered from when a majority of
	// them recover. BoundaryReplications, if more, is the runs made again
	// at each end of the final bracket, for the stated confidence (0:
	// none).
	Replications         *int
	BoundaryReplications int
	// Tolerance is the width of the final bracket relative to its upper
	// end (nil means DefaultMarginTolerance; an explicit 0 is an error).
	Tolerance *float64
	// Parallel and Now are as in Options.
	Parallel int
	Now      func() time.Time
}

// Defaults of a margin search, for options left nil.
const (
	DefaultMarginReplications = 3
	DefaultMarginTolerance    = 0.05
)

// Limits on a margin search.
const (
	// MaxMarginProbes is the most sizes bisection tries per duration.
	MaxMarginProbes = 40
	// MaxMarginDurations is the most durations one search takes.
	MaxMarginDurations = 100
	// MaxMarginReplications bounds Replications and BoundaryReplications.
	MaxMarginReplications = 1000
)

// SearchMargin finds, for each duration of a trigger, the boundary along
// its size between recovering and not: it checks that the system recovers
// at From and does not at To, then bisects until the bracket is narrower
// than Tolerance, judging each size by the majority of Replications runs
// (a variant's runs share their seeds, as in a batch). The scenario's
// sweep and claims are left out: each probe is one point.
func SearchMargin(s *Scenario, opts MarginOptions) (*results.Margin, error) {
	o, err := opts.resolve()
	if err != nil {
		return nil, err
	}
	base := format.Clone(s)
	base.Sweep, base.Expect = nil, nil
	variant := o.Variant
	if variant == "" {
		variant = BaseName
	}
	m := &results.Margin{Scenario: s.Name, Variant: variant, SizePath: o.Size, DurationPath: o.Duration,
		From: o.From, To: o.To, Replications: o.reps, BoundaryReplications: max(o.BoundaryReplications, o.reps),
		Tolerance: o.tol}
	durs := o.Durations
	if len(durs) == 0 {
		durs = []string{""}
	}
	var prev *results.MarginPoint
	for _, d := range durs {
		p, err := o.searchOne(base, variant, d, prev)
		if err != nil {
			return nil, err
		}
		prev = p
		m.Points = append(m.Points, *p)
		m.Runs += p.Runs
		steps := int(math.Ceil((o.To-o.From)/(p.Tipped-p.Survived))) + 1
		m.GridRuns += steps * o.reps
	}
	return m, nil
}

// marginSearch is MarginOptions with its defaults resolved.
type marginSearch struct {
	MarginOptions
	reps int
	tol  float64
}

// resolve applies the defaults to the options left nil (only those: an
// explicit value, 0 included, is checked as given) and checks them.
func (opts MarginOptions) resolve() (*marginSearch, error) {
	o := &marginSearch{MarginOptions: opts, reps: DefaultMarginReplications, tol: DefaultMarginTolerance}
	if opts.Replications != nil {
		o.reps = *opts.Replications
	}
	if opts.Tolerance != nil {
		o.tol = *opts.Tolerance
	}
	return o, o.check()
}

func (o *marginSearch) check() error {
	switch {
	case o.Size == "":
		return errors.New("margin: name the trigger's size, e.g. --size faults.0.factor")
	case math.IsNaN(o.From) || math.IsNaN(o.To) || !(o.From < o.To):
		return fmt.Errorf("margin: --from %g must be below --to %g: the search needs a size the system recovers from and a larger one it does not", o.From, o.To)
	case o.reps < 1 || o.reps > MaxMarginReplications:
		return fmt.Errorf("margin: --replications %d must be in [1, %d]: the runs per probe (leave it out for %d)", o.reps, MaxMarginReplications, DefaultMarginReplications)
	case o.BoundaryReplications < 0 || o.BoundaryReplications > MaxMarginReplications:
		return fmt.Errorf("margin: --boundary-replications %d must be in [0, %d]: the runs again at each end of the final bracket (0: none)", o.BoundaryReplications, MaxMarginReplications)
	case !(o.tol > 0 && o.tol < 1):
		return fmt.Errorf("margin: --tolerance %g must be in (0, 1): the bracket's width relative to its upper end (leave it out for %g)", o.tol, DefaultMarginTolerance)
	case len(o.Durations) > 0 && o.Duration == "":
		return errors.New("margin: durations need the duration's path, e.g. --duration faults.0.for")
	case len(o.Durations) > MaxMarginDurations:
		return fmt.Errorf("margin: %d durations, at most %d", len(o.Durations), MaxMarginDurations)
	}
	return nil
}

// searchOne bisects at one duration ("" for the file's). After a
// shorter duration (prev), the size that tipped it starts the bracket:
// the same trigger held longer tips the system too (the stability map's
// shape), which saves probing To and the bisection steps above it.
func (o *marginSearch) searchOne(s *Scenario, variant, dur string, prev *results.MarginPoint) (*results.MarginPoint, error) {
	p := &results.MarginPoint{Duration: dur}
	if dur != "" {
		d, err := time.ParseDuration(dur)
		if err != nil {
			return nil, fmt.Errorf("margin: duration %q: %w", dur, err)
		}
		p.DurationS = d.Seconds()
	}
	where := ""
	if dur != "" {
		where = " for " + dur
	}
	probe := func(size float64, reps int) (bool, int, error) {
		set := append(append([]string(nil), o.Set...), o.Size+"="+strconv.FormatFloat(size, 'g', -1, 64))
		if dur != "" {
			set = append(set, o.Duration+"="+strconv.Quote(dur))
		}
		res, err := Run(s, Options{Set: set, Seed: o.Seed, Variants: []string{variant}, Replications: reps, Parallel: o.Parallel, Now: o.Now})
		if err != nil {
			return false, 0, err
		}
		if len(res.Stopped) > 0 {
			return false, 0, fmt.Errorf("margin: a run was stopped by a limit at %s = %g%s: %s", o.Size, size, where, res.Stopped[0])
		}
		k, err := recoveredRuns(&res.Rows[0], reps)
		if err != nil {
			return false, 0, fmt.Errorf("margin: at %s = %g%s: %w", o.Size, size, where, err)
		}
		p.Probes = append(p.Probes, results.MarginProbe{Size: size, Recovered: k, Runs: reps})
		p.Runs += reps
		return 2*k > reps, k, nil
	}
	lo, hi := o.From, o.To
	ok, k, err := probe(lo, o.reps)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("margin: %s does not recover even at %s = %g%s (%d of %d runs recovered): lower --from, or the system has no margin there",
			variant, o.Size, lo, where, k, o.reps)
	}
	kLo := k
	var kHi int
	if prev != nil && p.DurationS > prev.DurationS && prev.Tipped > lo {
		hi, kHi = prev.Tipped, prev.TippedRecovered*o.reps/max(1, prev.TippedRuns)
	} else {
		ok, k, err = probe(hi, o.reps)
		if err != nil {
			return nil, err
		}
		if ok {
			return nil, fmt.Errorf("margin: %s recovers even at %s = %g%s (%d of %d runs recovered): raise --to, or its margin is beyond it",
				variant, o.Size, hi, where, k, o.reps)
		}
		kHi = k
	}
	for n := 2; hi-lo > o.tol*math.Abs(hi) && n < MaxMarginProbes; n++ {
		mid := lo + (hi-lo)/2
		ok, k, err := probe(mid, o.reps)
		if err != nil {
			return nil, err
		}
		if ok {
			lo, kLo = mid, k
		} else {
			hi, kHi = mid, k
		}
	}
	p.Survived, p.Tipped = lo, hi
	p.SurvivedRecovered, p.SurvivedRuns = kLo, o.reps
	p.TippedRecovered, p.TippedRuns = kHi, o.reps
	if br := o.BoundaryReplications; br > o.reps {
		if _, p.SurvivedRecovered, err = probe(lo, br); err != nil {
			return nil, err
		}
		if _, p.TippedRecovered, err = probe(hi, br); err != nil {
			return nil, err
		}
		p.SurvivedRuns, p.TippedRuns = br, br
	}
	return p, nil
}

// recoveredRuns returns how many of a row's runs recovered.
func recoveredRuns(r *Row, reps int) (int, error) {
	if f := r.summary.get("faults"); f != nil && f.kind == jArr && len(f.vals) == 0 {
		return 0, errors.New("no fault acted: the trigger's size or duration path does not reach a fault, or the fault starts after the run ends")
	}
	if reps == 1 {
		v, _ := r.Value("recovered")
		if b, _ := v.(bool); b {
			return 1, nil
		}
		return 0, nil
	}
	f, ok := r.Number("recovered_fraction")
	if !ok {
		return 0, nil
	}
	return int(math.Round(f * float64(reps))), nil
}
