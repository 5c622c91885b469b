package session

import (
	"errors"
	"fmt"
	"reflect"
	"time"

	"github.com/stampede-sim/stampede/models/config"
	"github.com/stampede-sim/stampede/sim"
)

// Configs returns the configuration of each variant of a scenario, in
// variant order, with ivs applied the way the scenario file that records
// them will apply them (for a scenario file: to the base, with each
// variant's overrides on top).
type Configs func(ivs []Intervention) ([]config.Config, error)

// Group runs the variants of a scenario as Sessions, all in lockstep on
// one virtual clock, and records the interventions made on them. It does
// no I/O and never reads the wall clock: the caller moves the target time
// (SetTarget) and calls Step with an event budget.
//
// Faults are injected into the running sessions at the same instant (just
// after the furthest one's clock). Interventions that the scenario format
// expresses as configuration (a rate schedule point, a timeout, retry
// attempts, a strategy's table) re-run the variants from the start with
// the new configuration, in bounded slices, while the old sessions stay
// live. Either way the live sessions are always exactly the runs that the
// recorded scenario builds, which is what makes a saved session replay
// exactly.
type Group struct {
	names   []string
	configs Configs
	ivs     []Intervention
	// menu is what the strategy knob offers (StrategyMenu of the
	// variants as written).
	menu []StrategySetting

	live []*Session
	// next is a re-run from the start in progress, nil when none; it
	// replaces live once every session reaches catchTo.
	next    []*Session
	catchTo sim.Time

	target sim.Time
	end    sim.Time

	// cfgs are the variants' configurations with the interventions
	// applied, as of the last build.
	cfgs []config.Config
}

// ViewerTraces is what a Group records in every variant whose
// configuration has no [traces]: the 5 slowest calls and up to 20 failed
// ones, for a viewer's waterfall. Tracing never changes a run.
func ViewerTraces() config.TraceConfig { return config.TraceConfig{Slowest: 5, Failed: true, Max: 20} }

// NewGroup builds the sessions of the variants named names (one
// configuration each from configs) at time 0.
func NewGroup(names []string, configs Configs) (*Group, error) {
	if len(names) == 0 {
		return nil, errors.New("scenario has no variants")
	}
	g := &Group{names: names, configs: configs}
	ss, err := g.build()
	if err != nil {
		return nil, err
	}
	g.live = ss
	g.menu = StrategyMenu(names, g.cfgs)
	for _, s := range ss {
		g.end = max(g.end, s.End())
	}
	return g, nil
}

// build builds one session per variant with the interventions applied.
func (g *Group) build() ([]*Session, error) {
	cfgs, err := g.configs(g.ivs)
	if err != nil {
		return nil, err
	}
	if len(cfgs) != len(g.names) {
		return nil, fmt.Errorf("%d configurations for %d variants", len(cfgs), len(g.names))
	}
	ss := make([]*Session, len(cfgs))
	for i, c := range cfgs {
		if !c.Traces.Enabled() {
			c.Traces = ViewerTraces() // g.cfgs keeps the scenario's
		}
		s, err := New(c)
		if err != nil {
			return nil, fmt.Errorf("variant %q: %w", g.names[i], err)
		}
		ss[i] = s
	}
	g.cfgs = cfgs
	return ss, nil
}

// Names returns the variants' names, in order.
func (g *Group) Names() []string { return g.names }

// Sessions returns the live sessions, one per variant, in variant order.
func (g *Group) Sessions() []*Session { return g.live }

// Interventions returns the interventions recorded so far, in order.
func (g *Group) Interventions() []Intervention { return g.ivs }

// End returns the time the run ends at.
func (g *Group) End() sim.Time { return g.end }

// Target returns the virtual time the sessions are being advanced to.
func (g *Group) Target() sim.Time { return g.target }

// SetTarget moves the target time forward to t (never backward, never
// past the end).
func (g *Group) SetTarget(t sim.Time) {
	g.target = max(g.target, min(t, g.end))
}

// Now returns the lockstep time: the earliest clock among the live
// sessions still running (the end once all are done).
func (g *Group) Now() sim.Time {
	now, any := g.end, false
	for _, s := range g.live {
		if !s.Done() {
			now, any = min(now, s.Now()), true
		}
	}
	if !any {
		return g.end
	}
	return now
}

// furthest returns the latest clock among the sessions that receive
// interventions now (the re-run when one is in progress).
func (g *Group) furthest() sim.Time {
	if g.next != nil {
		return g.catchTo
	}
	var t sim.Time
	for _, s := range g.live {
		t = max(t, s.Now())
	}
	return t
}

// Done reports whether every session has finished (reached the end or
// hit a limit) and no re-run is in progress.
func (g *Group) Done() bool {
	if g.next != nil {
		return false
	}
	for _, s := range g.live {
		if !s.Done() {
			return false
		}
	}
	return true
}

// CaughtUp reports whether every live session has reached the target (or
// finished) and no re-run is in progress.
func (g *Group) CaughtUp() bool {
	if g.next != nil {
		return false
	}
	for _, s := range g.live {
		if !s.Done() && s.Now() < g.target {
			return false
		}
	}
	return true
}

// Rerunning reports whether a re-run from the start is in progress, and
// how far it has got, in [0, 1].
func (g *Group) Rerunning() (bool, float64) {
	if g.next == nil {
		return false, 0
	}
	if g.catchTo == 0 {
		return true, 1
	}
	p := 1.0
	for _, s := range g.next {
		p = min(p, float64(s.Now())/float64(g.catchTo))
	}
	return true, p
}

// Step advances the sessions by at most budget events in all, split
// evenly: the re-run towards the time it must catch up with, or else the
// live sessions towards the target. It reports whether all of them got
// there.
func (g *Group) Step(budget uint64) bool {
	if g.next != nil {
		if !advanceAll(g.next, g.catchTo, budget) {
			return false
		}
		g.live, g.next = g.next, nil
		g.target = max(g.target, g.catchTo)
	}
	return advanceAll(g.live, g.target, budget)
}

// advanceAll advances each session to until with an equal share of
// budget and reports whether every one got there (or finished).
func advanceAll(ss []*Session, until sim.Time, budget uint64) bool {
	share := max(budget/uint64(len(ss)), 1)
	all := true
	for _, s := range ss {
		if !s.AdvanceTo(until, share) {
			all = false
		}
	}
	return all
}

// Apply makes interventions now, in every variant, and returns them as
// recorded (At set). A fault (one Inject) goes into the running sessions
// (inject); the other kinds, any number at once, re-run the variants
// from the start (configure). On error nothing changes.
func (g *Group) Apply(ivs ...Intervention) ([]Intervention, error) {
	if len(ivs) == 1 && ivs[0].Kind == Inject {
		iv, err := g.inject(ivs[0].Fault)
		if err != nil {
			return nil, err
		}
		return []Intervention{iv}, nil
	}
	return g.configure(ivs...)
}

// inject injects f into every variant now: f.At is set to just after
// the furthest session's clock, so that it is not in any session's past.
//
// One instant later than the clock, rather than at it, keeps the replay
// exact: events at the instant the clock stands at have already fired,
// and a fault configured in the scenario file would fire before them. An
// event already pending at exactly f.At (or at its end) would still be
// ordered differently in the replay; with nanosecond times that needs a
// coincidence to the nanosecond.
func (g *Group) inject(f config.FaultConfig) (Intervention, error) {
	if g.Done() {
		return Intervention{}, errors.New("the run is over")
	}
	f.At = time.Duration(g.furthest() + 1)
	iv := Intervention{Kind: Inject, At: f.At, Fault: f}
	// Each variant gets the fault as its configuration will have it in the
	// replay: a variant whose overrides replace the faults does not.
	cfgs, err := g.configs(append(g.ivs[:len(g.ivs):len(g.ivs)], iv))
	if err != nil {
		return Intervention{}, err
	}
	ss := g.live
	if g.next != nil {
		ss = g.next
	}
	for i, s := range ss {
		vf, ok := faultAt(cfgs[i].Faults, f.At)
		if s.Done() || !ok {
			continue
		}
		if err := s.Apply(Intervention{Kind: Inject, At: f.At, Fault: vf}); err != nil {
			if i == 0 {
				return Intervention{}, err
			}
			// A variant refused what the first accepted: the sessions
			// now differ from the record, so rebuild them from it.
			g.ivs = append(g.ivs, iv)
			return iv, g.rerun()
		}
	}
	g.ivs = append(g.ivs, iv)
	g.cfgs = cfgs
	return iv, nil
}

// faultAt returns the fault starting at exactly at (an injected fault's
// instant is unique).
func faultAt(fs []config.FaultConfig, at time.Duration) (config.FaultConfig, bool) {
	for i := len(fs) - 1; i >= 0; i-- {
		if fs[i].At == at {
			return fs[i], true
		}
	}
	return config.FaultConfig{}, false
}

// configure records configuration interventions (SetRate, SetTimeout,
// SetRetries, SetStrategy) made now and re-runs the variants from the
// start with them, in bounded slices (see Step). It returns them with At
// set; on error nothing changes.
func (g *Group) configure(ivs ...Intervention) ([]Intervention, error) {
	if g.Done() {
		return nil, errors.New("the run is over")
	}
	// To the millisecond, for a readable file: a re-run makes any instant
	// exact.
	now := time.Duration(g.Now()).Truncate(time.Millisecond)
	n := len(g.ivs)
	for _, iv := range ivs {
		if iv.Kind != SetRate && iv.Kind != SetTimeout && iv.Kind != SetRetries && iv.Kind != SetStrategy {
			g.ivs = g.ivs[:n]
			return nil, fmt.Errorf("configure: intervention kind %d is not a knob", iv.Kind)
		}
		iv.At = now
		g.ivs = append(g.ivs, iv)
	}
	if err := g.rerun(); err != nil {
		g.ivs = g.ivs[:n]
		return nil, err
	}
	return g.ivs[n:], nil
}

// rerun starts re-running every variant from the start with the recorded
// interventions, to catch up with the furthest clock.
func (g *Group) rerun() error {
	ss, err := g.build()
	if err != nil {
		return err
	}
	g.catchTo = g.furthest()
	g.next = ss
	return nil
}

// Configs returns each variant's configuration with the configuration
// interventions applied (and the faults injected before the last
// re-run): what the sessions were built from. Callers must not modify
// it.
func (g *Group) Configs() []config.Config { return g.cfgs }

// Strategies returns the settings a strategy knob offers for the
// variants as written (StrategyMenu).
func (g *Group) Strategies() []StrategySetting { return g.menu }

// StrategyOn reports whether the base configuration, with the
// interventions so far, has st.
func (g *Group) StrategyOn(st StrategySetting) bool { return st.Enabled(&g.cfgs[0]) }

// ClientKnob is one client's knob values in the base configuration, with
// the interventions so far, at the group's clock: what the knobs change.
type ClientKnob struct {
	Name string
	// Open reports whether the client has a rate (open or partly open);
	// Rate is its scheduled base rate now, calls/s (sessions/s).
	Open bool
	Rate float64
	// Timeout is the per-attempt timeout; zero means none.
	Timeout time.Duration
	// Attempts is the client's retry.attempts (zero means the default,
	// one attempt), when HasAttempts.
	Attempts    int64
	HasAttempts bool
}

// Knobs returns the clients' knob values, in configuration order.
func (g *Group) Knobs() []ClientKnob {
	cfg := &g.cfgs[0]
	now := time.Duration(g.Now())
	out := make([]ClientKnob, len(cfg.Clients))
	for i := range cfg.Clients {
		c := &cfg.Clients[i]
		k := ClientKnob{Name: c.Name, Open: c.Model != config.Closed, Timeout: c.Timeout}
		if k.Open {
			k.Rate = RateAt(c, now)
		}
		k.Attempts, k.HasAttempts = RetryAttempts(c)
		out[i] = k
	}
	return out
}

// Services returns the names of the base configuration's services, in
// order: what a fault can target.
func (g *Group) Services() []string {
	var out []string
	for _, s := range g.cfgs[0].Services {
		out = append(out, s.Name)
	}
	return out
}

// Replays reports whether cfg builds exactly the world variant i runs
// now (its configuration as built, the faults injected so far included):
// the check that a scenario file written from the group replays it.
func (g *Group) Replays(i int, cfg config.Config) (bool, error) {
	if !cfg.Traces.Enabled() {
		cfg.Traces = ViewerTraces() // as build records them
	}
	s, err := New(cfg)
	if err != nil {
		return false, err
	}
	return reflect.DeepEqual(s.Config(), g.live[i].Config()), nil
}
