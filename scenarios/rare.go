package scenarios

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/stampede-sim/stampede/models/config"
	"github.com/stampede-sim/stampede/models/results"
	"github.com/stampede-sim/stampede/scenarios/format"
	"github.com/stampede-sim/stampede/scenarios/session"
)

// RareOptions control EstimateRare. Importance and Levels are required.
type RareOptions struct {
	// Importance is the gauge read after every event, "kind:name" with a
	// kind of session.GaugeKinds ("queue:api", "in_flight:users",
	// "attempts").
	Importance string
	// Levels are its thresholds, strictly increasing: the rare event is
	// reaching the last one within the horizon. Without them, Target is
	// the rare state and a pilot places the levels below it
	// (placeLevels); give one or the other.
	Levels []float64
	Target *float64
	// Pilot is the trajectories a level of that pilot (0: Effort).
	Pilot int
	// Horizon is the run's length; 0 keeps the scenario's duration.
	Horizon time.Duration
	// Effort is the trajectories started at each level in each
	// replication (0 means 100); Replications the independent estimates
	// (0 means 10), whose spread gives the interval.
	Effort, Replications int
	// Brute, if > 0, also makes that many plain runs and estimates the
	// same probability by counting, for comparison.
	Brute int
	// Variant is the variant run (empty: the base); Set overrides as in
	// Options; Seed, if not nil, replaces the scenario's.
	Variant string
	Set     []string
	Seed    *uint64
	// Parallel is the trajectories run at once (0: GOMAXPROCS). The
	// estimate does not depend on it.
	Parallel int
}

// Limits on a rare-event estimate.
const (
	// MaxRareLevels is the most levels.
	MaxRareLevels = 100
	// MaxRareEffort bounds Effort and Brute.
	MaxRareEffort = 1_000_000
	// MaxRareReplications bounds Replications.
	MaxRareReplications = 1000
)

// EstimateRare estimates the probability that the importance function
// reaches the last of its levels within the horizon by fixed-effort
// multilevel splitting (Garvels, "The splitting method in rare event
// simulation", PhD thesis, Twente 2000, ch. 2; Glasserman, Heidelberger,
// Shahabuddin and Zajic, "Multilevel splitting for estimating rare event
// probabilities", Operations Research 47(4), 1999, for the method and
// its conditions). Stage k starts Effort trajectories from the states in
// which trajectories of stage k-1 first reached level k-1 (each such
// state used equally often, the remainder at random), runs each until it
// reaches level k or the horizon, and estimates the conditional
// probability p_k as the share that reached it; the estimate is the
// product of the p_k, which is unbiased. Replications repeat the whole
// procedure independently; their mean is the estimate and their spread
// its interval.
//
// A world is not copied: a trajectory is its seed and the list of points
// (event counts) where it branched with a salt, and starting one replays
// its prefix exactly, then branches its random streams
// (session.Session.Branch). Every trajectory is one run of at most the
// horizon, so a trajectory costs at most a plain run. Everything derives
// from the seed, and trajectories run in parallel are merged by index,
// so the estimate is the same at any Parallel.
func EstimateRare(s *Scenario, o RareOptions) (*results.Rare, error) {
	kind, name, err := o.check()
	if err != nil {
		return nil, err
	}
	variant := o.Variant
	if variant == "" {
		variant = BaseName
	}
	c, err := onlyVariant(s, variant)
	if err != nil {
		return nil, err
	}
	p, err := prepare(c, Options{Set: o.Set, Seed: o.Seed, Variants: []string{variant}})
	if err != nil {
		if variant != BaseName && len(o.Set) > 0 {
			return nil, fmt.Errorf("rare: variant %s, the one this estimate runs, is not valid with these --set: %w", variant, err)
		}
		return nil, err
	}
	cfg := p.variants[0].Config
	if o.Horizon > 0 {
		cfg.Duration = o.Horizon
	}
	cfg.Traces = config.TraceConfig{}
	ss, err := session.New(cfg)
	if err != nil {
		return nil, err
	}
	if _, err := ss.Probe(kind, name); err != nil {
		return nil, fmt.Errorf("rare: --importance %s: %w", o.Importance, err)
	}
	e := &rareRun{cfg: cfg, kind: kind, name: name, par: o.Parallel}
	var pilot *results.RarePilot
	if o.Target != nil {
		if o.Levels, pilot, err = e.placeLevels(o); err != nil {
			return nil, err
		}
	}
	r := &results.Rare{Scenario: s.Name, Variant: variant, Importance: o.Importance, Levels: o.Levels,
		HorizonS: cfg.Duration.Seconds(), Seed: cfg.Seed, Effort: o.Effort, Replications: o.Replications, Pilot: pilot}
	if err := e.split(r, o); err != nil {
		return nil, err
	}
	if o.Brute > 0 {
		if r.Brute, err = e.brute(o); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// onlyVariant returns a copy of s that keeps, of its variants, only the
// one named (none for the base), and none of its sweep, claims, figures
// or margin: what a single-variant search runs, and all that --set is
// then checked against. An override such as --set faults=[] (no trigger,
// the natural question for a rare event) may leave another variant, or
// the [margin] table, pointing at a fault that is gone; they are not run,
// so they are not judged.
func onlyVariant(s *Scenario, variant string) (*Scenario, error) {
	names := []string{BaseName}
	for _, v := range s.Variants {
		names = append(names, v.Name)
	}
	if !slices.Contains(names, variant) {
		return nil, fmt.Errorf("--variant %q: no such variant in %s%s", variant, s.Name, format.DidYouMean(variant, names, "variants"))
	}
	c := format.Clone(s)
	c.Sweep, c.Expect, c.Figures, c.Margin, c.Rare = nil, nil, nil, nil, nil
	c.Variants = slices.DeleteFunc(c.Variants, func(v Variant) bool { return v.Name != variant })
	return c, nil
}

func (o *RareOptions) check() (kind, name string, err error) {
	if o.Effort == 0 {
		o.Effort = 100
	}
	if o.Replications == 0 {
		o.Replications = 10
	}
	kind, name, _ = strings.Cut(o.Importance, ":")
	switch {
	case o.Importance == "":
		return "", "", fmt.Errorf("rare: name the importance function, e.g. --importance queue:api (kinds: %s)", strings.Join(session.GaugeKinds, ", "))
	case len(o.Levels) == 0 && o.Target == nil:
		return "", "", errors.New("rare: give the rare state with --target X (a pilot places the levels below it), or the levels with --levels 10,20,30,40 (the last is the rare state)")
	case len(o.Levels) > 0 && o.Target != nil:
		return "", "", errors.New("rare: give --target (levels placed by a pilot) or --levels (levels as given, the last the rare state), not both")
	case o.Target != nil && (math.IsNaN(*o.Target) || math.IsInf(*o.Target, 0)):
		return "", "", fmt.Errorf("rare: --target %g must be a finite number", *o.Target)
	case o.Pilot != 0 && o.Target == nil:
		return "", "", errors.New("rare: --pilot sizes the pilot that places the levels: give --target instead of --levels")
	case o.Pilot < 0 || o.Pilot == 1 || o.Pilot > MaxRareEffort:
		return "", "", fmt.Errorf("rare: --pilot %d must be in [2, %d] (0: --effort)", o.Pilot, MaxRareEffort)
	case len(o.Levels) > MaxRareLevels:
		return "", "", fmt.Errorf("rare: %d levels, at most %d", len(o.Levels), MaxRareLevels)
	case o.Effort < 2 || o.Effort > MaxRareEffort:
		return "", "", fmt.Errorf("rare: --effort %d must be in [2, %d]", o.Effort, MaxRareEffort)
	case o.Replications < 1 || o.Replications > MaxRareReplications:
		return "", "", fmt.Errorf("rare: --replications %d must be in [1, %d]", o.Replications, MaxRareReplications)
	case o.Brute < 0 || o.Brute > MaxRareEffort:
		return "", "", fmt.Errorf("rare: --brute %d must be in [0, %d]", o.Brute, MaxRareEffort)
	case o.Horizon < 0:
		return "", "", fmt.Errorf("rare: --horizon %v must not be negative", o.Horizon)
	}
	for i, l := range o.Levels {
		if math.IsNaN(l) || math.IsInf(l, 0) || (i > 0 && l <= o.Levels[i-1]) {
			return "", "", fmt.Errorf("rare: --levels %s: levels must be finite and strictly increasing", fmtLevels(o.Levels))
		}
	}
	return kind, name, nil
}

func fmtLevels(ls []float64) string {
	var b []string
	for _, l := range ls {
		b = append(b, fmt.Sprint(l))
	}
	return strings.Join(b, ",")
}

// rareRun is one estimate's fixed part: the world and its gauge.
type rareRun struct {
	cfg        config.Config
	kind, name string
	par        int
	// records keeps each trajectory's running maxima (outcome.records),
	// for the pilot that places the levels.
	records bool
}

// branchPoint is where a trajectory's ancestor reached a level: after
// Events events, the rest of the run branched with Salt.
type branchPoint struct {
	Events uint64
	Salt   uint64
}

// trajectory is a run to replay: a seed and its branch points.
type trajectory struct {
	seed uint64
	path []branchPoint
}

// outcome is how a trajectory ended: whether it reached its level and
// after how many events, the highest importance seen after its start,
// and the events it fired.
type outcome struct {
	hit     bool
	at      uint64
	highest float64
	start   float64
	events  uint64
	err     error
	// records are where the importance first exceeded every value it
	// had had since the start, in order (with rareRun.records): the
	// first event at which it reached any level L is that of the first
	// record >= L.
	records []record
}

// record is a new running maximum of the importance and the event count
// at which it was reached.
type record struct {
	value  float64
	events uint64
}

// run replays t and runs it until the importance reaches level or the
// run ends.
func (e *rareRun) run(t trajectory, level float64) outcome {
	cfg := e.cfg
	cfg.Seed = t.seed
	ss, err := session.New(cfg)
	if err != nil {
		return outcome{err: err}
	}
	probe, err := ss.Probe(e.kind, e.name)
	if err != nil {
		return outcome{err: err}
	}
	end := ss.End()
	for _, bp := range t.path {
		for ss.Events() < bp.Events && !ss.Done() {
			ss.AdvanceTo(end, bp.Events-ss.Events())
		}
		if ss.Events() != bp.Events {
			return outcome{err: fmt.Errorf("rare: replay ended at event %d before its branch point %d (a bug: replays must be exact)", ss.Events(), bp.Events)}
		}
		ss.Branch(bp.Salt)
	}
	o := outcome{start: probe()}
	o.highest = o.start
	if e.records {
		o.records = append(o.records, record{value: o.start, events: ss.Events()})
	}
	for {
		v := probe()
		if e.records && v > o.highest {
			o.records = append(o.records, record{value: v, events: ss.Events()})
		}
		o.highest = max(o.highest, v)
		if v >= level {
			o.hit, o.at = true, ss.Events()
			break
		}
		if ss.Done() {
			break
		}
		ss.AdvanceTo(end, 1)
	}
	if err := ss.Err(); err != nil {
		o.err = fmt.Errorf("rare: a trajectory stopped: %w", err)
	}
	o.events = ss.Events()
	return o
}

// runAll runs the trajectories, each to its level, on a pool of
// goroutines, and returns their outcomes by index.
func (e *rareRun) runAll(ts []trajectory, levels []float64) ([]outcome, error) {
	out := make([]outcome, len(ts))
	par := e.par
	if par <= 0 {
		par = runtime.GOMAXPROCS(0)
	}
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		next int
	)
	for range min(par, len(ts)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				i := next
				next++
				mu.Unlock()
				if i >= len(ts) {
					return
				}
				out[i] = e.run(ts[i], levels[i])
			}
		}()
	}
	wg.Wait()
	for _, o := range out {
		if o.err != nil {
			return nil, o.err
		}
	}
	return out, nil
}

// Salts and seeds derive from the scenario's seed and a purpose.
const (
	purposeRareStart  = 0x243f6a8885a308d3
	purposeRareBranch = 0x13198a2e03707344
	purposeRarePick   = 0xa4093822299f31d0
	purposeRareBrute  = 0x082efa98ec4e6c89
	purposeRarePilot  = 0x452821e638d01377
	purposePilotSalt  = 0xbe5466cf34e90c6c
	purposePilotPick  = 0xc0ac29b7c97c50dd
)

// derive mixes indices into a seed for a purpose.
func derive(seed, purpose uint64, idx ...int) uint64 {
	h := splitmix(seed ^ purpose)
	for _, i := range idx {
		h = splitmix(h + uint64(i)*0x9e3779b97f4a7c15)
	}
	return h
}

// split runs the fixed-effort stages for every replication at once, so
// that a stage's trajectories across replications share the pool.
func (e *rareRun) split(r *results.Rare, o RareOptions) error {
	R, N := o.Replications, o.Effort
	seed := e.cfg.Seed
	starts := make([][]trajectory, R) // per replication, the stage's starts
	for rep := range R {
		for j := range N {
			starts[rep] = append(starts[rep], trajectory{seed: derive(seed, purposeRareStart, rep, j)})
		}
	}
	est := make([]float64, R)
	for i := range est {
		est[i] = 1
	}
	for k, level := range o.Levels {
		var ts []trajectory
		var ls []float64
		for rep := range R {
			ts = append(ts, starts[rep]...)
			for range starts[rep] {
				ls = append(ls, level)
			}
		}
		st := results.RareStage{Level: level, Started: len(ts)}
		if len(ts) == 0 {
			r.Stages = append(r.Stages, st)
			continue
		}
		outs, err := e.runAll(ts, ls)
		if err != nil {
			return err
		}
		r.Runs += len(ts)
		st.Highest = math.Inf(-1)
		moved := false
		for _, oc := range outs {
			r.Events += oc.events
			st.Highest = max(st.Highest, oc.highest)
			moved = moved || oc.highest != oc.start
		}
		if k == 0 && !moved {
			return fmt.Errorf("rare: --importance %s never moved: it stayed at %g through all %d runs of %v; name a gauge that changes under this load (kinds: %s), or check that the load reaches it",
				o.Importance, outs[0].start, len(outs), e.cfg.Duration, strings.Join(session.GaugeKinds, ", "))
		}
		i := 0
		for rep := range R {
			var hits []trajectory
			for _, t := range starts[rep] {
				if oc := outs[i]; oc.hit {
					path := append(slices.Clip(t.path), branchPoint{Events: oc.at})
					hits = append(hits, trajectory{seed: t.seed, path: path})
				}
				i++
			}
			st.Reached += len(hits)
			est[rep] *= float64(len(hits)) / float64(N)
			starts[rep] = nil
			if len(hits) == 0 || k == len(o.Levels)-1 {
				continue
			}
			starts[rep] = resample(hits, N, derive(seed, purposeRarePick, rep, k),
				func(j int) uint64 { return derive(seed, purposeRareBranch, rep, k, j) })
		}
		r.Stages = append(r.Stages, st)
	}
	if r.Stages[0].Reached == 0 {
		return fmt.Errorf("rare: no run reached the first level %g of --importance %s within %v (the highest seen was %g): lower the first level below it",
			o.Levels[0], o.Importance, e.cfg.Duration, r.Stages[0].Highest)
	}
	r.Estimates = est
	mean, half, _ := results.MeanCI95(est)
	r.Probability, r.CILow, r.CIHigh = mean, max(0, mean-half), min(1, mean+half)
	if R > 1 && mean > 0 {
		re := half / results.TQuantile975(R-1) / mean
		r.RelativeError = &re
		bf := (1 - mean) / (mean * re * re)
		r.BruteForceRuns = &bf
	}
	return nil
}

// brute makes o.Brute plain runs to the last level and counts them.
func (e *rareRun) brute(o RareOptions) (*results.RareBrute, error) {
	last := o.Levels[len(o.Levels)-1]
	ts := make([]trajectory, o.Brute)
	ls := make([]float64, o.Brute)
	for j := range ts {
		ts[j] = trajectory{seed: derive(e.cfg.Seed, purposeRareBrute, j)}
		ls[j] = last
	}
	outs, err := e.runAll(ts, ls)
	if err != nil {
		return nil, err
	}
	b := &results.RareBrute{Runs: o.Brute}
	for _, oc := range outs {
		b.Events += oc.events
		if oc.hit {
			b.Hits++
		}
	}
	b.Probability = float64(b.Hits) / float64(b.Runs)
	b.CILow, b.CIHigh = results.WilsonCI95(b.Hits, b.Runs)
	return b, nil
}

// resample starts n trajectories from the entrance states hits (each
// ending in the branch point where it reached the level): each state
// starts n/H of them and the remainder start from distinct states drawn
// at random (with pickSeed), so every state has the same expected share
// (Garvels 2000, sec. 2.3.2) and the product of the shares stays
// unbiased. Trajectory j branches with salt(j).
func resample(hits []trajectory, n int, pickSeed uint64, salt func(j int) uint64) []trajectory {
	pick := rand.New(rand.NewPCG(pickSeed, 0))
	perm := pick.Perm(len(hits))
	q := n / len(hits)
	out := make([]trajectory, 0, n)
	for j := range n {
		h := hits[j%len(hits)]
		if j >= q*len(hits) {
			h = hits[perm[j-q*len(hits)]]
		}
		path := slices.Clone(h.path)
		path[len(path)-1].Salt = salt(j)
		out = append(out, trajectory{seed: h.seed, path: path})
	}
	return out
}
