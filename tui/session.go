package tui

import (
	"errors"
	"fmt"
	"time"

	"github.com/stampede-sim/stampede/models"
	"github.com/stampede-sim/stampede/models/config"
	"github.com/stampede-sim/stampede/sim"
)

// Session runs every variant of a scenario as its own models.World, all in
// lockstep on one virtual clock, and records the interventions made on
// them. It does no I/O and never reads the wall clock: the caller moves
// the target time and calls Step with an event budget.
//
// Faults are injected into the running worlds at the same instant (just
// after the furthest world's clock). Knobs that the scenario format
// expresses as configuration (a rate schedule point, a timeout, retry
// attempts, a strategy's table) re-run the worlds from the start with the
// new configuration, in bounded slices, while the old worlds stay on
// screen. Either way the live worlds are
// always exactly the worlds that the recorded scenario builds, which is
// what makes a saved session replay exactly.
type Session struct {
	scen *Scenario
	ivs  []Intervention

	live []*models.World
	// next is a re-run from the start in progress, nil when none; it
	// replaces live once every world reaches catchTo.
	next    []*models.World
	catchTo sim.Time

	target sim.Time
	end    sim.Time

	// cfgs are the variants' configurations with the interventions
	// applied, as of the last build.
	cfgs []config.Config
}

// NewSession builds the worlds of every variant of s at time 0.
func NewSession(s *Scenario) (*Session, error) {
	if s == nil || len(s.Variants) == 0 {
		return nil, errors.New("scenario has no variants")
	}
	ss := &Session{scen: s}
	ws, err := ss.build()
	if err != nil {
		return nil, err
	}
	ss.live = ws
	for _, w := range ws {
		ss.end = max(ss.end, w.End())
	}
	return ss, nil
}

// build builds one world per variant with the interventions applied.
func (s *Session) build() ([]*models.World, error) {
	cfgs, err := s.scen.configs(s.ivs)
	if err != nil {
		return nil, err
	}
	ws := make([]*models.World, len(cfgs))
	for i, c := range cfgs {
		if !c.Traces.Enabled() {
			c.Traces = TUITraces // for the waterfall (w); s.cfgs keeps the scenario's
		}
		w, err := models.Build(c)
		if err != nil {
			return nil, fmt.Errorf("variant %q: %w", s.scen.Variants[i].Name, err)
		}
		ws[i] = w
	}
	s.cfgs = cfgs
	return ws, nil
}

// Scenario returns the scenario being run.
func (s *Session) Scenario() *Scenario { return s.scen }

// Worlds returns the live worlds, one per variant, in variant order.
func (s *Session) Worlds() []*models.World { return s.live }

// Interventions returns the interventions recorded so far, in order.
func (s *Session) Interventions() []Intervention { return s.ivs }

// End returns the time the run ends at.
func (s *Session) End() sim.Time { return s.end }

// Target returns the virtual time the worlds are being advanced to.
func (s *Session) Target() sim.Time { return s.target }

// SetTarget moves the target time forward to t (never backward, never
// past the end).
func (s *Session) SetTarget(t sim.Time) {
	s.target = max(s.target, min(t, s.end))
}

// Now returns the lockstep time: the earliest clock among the live worlds
// still running (the end once all are done).
func (s *Session) Now() sim.Time {
	now, any := s.end, false
	for _, w := range s.live {
		if !w.Done() {
			now, any = min(now, w.Now()), true
		}
	}
	if !any {
		return s.end
	}
	return now
}

// furthest returns the latest clock among the worlds that receive
// interventions now (the re-run when one is in progress).
func (s *Session) furthest() sim.Time {
	if s.next != nil {
		return s.catchTo
	}
	var t sim.Time
	for _, w := range s.live {
		t = max(t, w.Now())
	}
	return t
}

// Done reports whether every world has finished (reached the end or hit a
// limit) and no re-run is in progress.
func (s *Session) Done() bool {
	if s.next != nil {
		return false
	}
	for _, w := range s.live {
		if !w.Done() {
			return false
		}
	}
	return true
}

// CaughtUp reports whether every live world has reached the target (or
// finished) and no re-run is in progress.
func (s *Session) CaughtUp() bool {
	if s.next != nil {
		return false
	}
	for _, w := range s.live {
		if !w.Done() && w.Now() < s.target {
			return false
		}
	}
	return true
}

// Rerunning reports whether a re-run from the start is in progress, and
// how far it has got, in [0, 1].
func (s *Session) Rerunning() (bool, float64) {
	if s.next == nil {
		return false, 0
	}
	if s.catchTo == 0 {
		return true, 1
	}
	p := 1.0
	for _, w := range s.next {
		p = min(p, float64(w.Now())/float64(s.catchTo))
	}
	return true, p
}

// Step advances the worlds by at most budget events in all, split evenly:
// the re-run towards the time it must catch up with, or else the live
// worlds towards the target. It reports whether all of them got there.
func (s *Session) Step(budget uint64) bool {
	if s.next != nil {
		if !advanceAll(s.next, s.catchTo, budget) {
			return false
		}
		s.live, s.next = s.next, nil
		s.target = max(s.target, s.catchTo)
	}
	return advanceAll(s.live, s.target, budget)
}

// advanceAll advances each world to until with an equal share of budget
// and reports whether every one got there (or finished).
func advanceAll(ws []*models.World, until sim.Time, budget uint64) bool {
	share := max(budget/uint64(len(ws)), 1)
	all := true
	for _, w := range ws {
		if w.Done() || w.Now() >= until {
			continue
		}
		if !w.Advance(until, share) && w.Now() < until {
			all = false
		}
	}
	return all
}

// InjectFault injects f into every world now: f.At is set to just after
// the furthest world's clock, so that it is not in any world's past.
//
// One instant later than the clock, rather than at it, keeps the replay
// exact: events at the instant the clock stands at have already fired,
// and a fault configured in the scenario file would fire before them. An
// event already pending at exactly f.At (or at its end) would still be
// ordered differently in the replay; with nanosecond times that needs a
// coincidence to the nanosecond.
func (s *Session) InjectFault(f config.FaultConfig) (Intervention, error) {
	if s.Done() {
		return Intervention{}, errors.New("the run is over")
	}
	f.At = time.Duration(s.furthest() + 1)
	iv := Intervention{Kind: Inject, At: f.At, Fault: f}
	// Each variant gets the fault as its configuration will have it in the
	// replay: a variant whose overrides replace the faults does not.
	cfgs, err := s.scen.configs(append(s.ivs[:len(s.ivs):len(s.ivs)], iv))
	if err != nil {
		return Intervention{}, err
	}
	ws := s.live
	if s.next != nil {
		ws = s.next
	}
	for i, w := range ws {
		vf, ok := faultAt(cfgs[i].Faults, f.At)
		if w.Done() || !ok {
			continue
		}
		if err := w.Inject(vf); err != nil {
			if i == 0 {
				return Intervention{}, err
			}
			// A variant refused what the first accepted: the worlds
			// now differ from the record, so rebuild them from it.
			s.ivs = append(s.ivs, iv)
			return iv, s.rerun()
		}
	}
	s.ivs = append(s.ivs, iv)
	s.cfgs = cfgs
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

// Configure records configuration interventions (SetRate, SetTimeout,
// SetRetries, SetStrategy) made now and re-runs the worlds from the start
// with them, in bounded slices (see Step). It returns them with At set;
// on error nothing changes.
func (s *Session) Configure(ivs ...Intervention) ([]Intervention, error) {
	if s.Done() {
		return nil, errors.New("the run is over")
	}
	// To the millisecond, for a readable file: a re-run makes any instant
	// exact.
	now := time.Duration(s.Now()).Truncate(time.Millisecond)
	n := len(s.ivs)
	for _, iv := range ivs {
		if iv.Kind != SetRate && iv.Kind != SetTimeout && iv.Kind != SetRetries && iv.Kind != SetStrategy {
			return nil, fmt.Errorf("configure: intervention kind %d is not a knob", iv.Kind)
		}
		iv.At = now
		s.ivs = append(s.ivs, iv)
	}
	if err := s.rerun(); err != nil {
		s.ivs = s.ivs[:n]
		return nil, err
	}
	return s.ivs[n:], nil
}

// rerun starts re-running every variant from the start with the recorded
// interventions, to catch up with the furthest clock.
func (s *Session) rerun() error {
	ws, err := s.build()
	if err != nil {
		return err
	}
	s.catchTo = s.furthest()
	s.next = ws
	return nil
}

// Configs returns each variant's configuration with the configuration
// interventions applied (and the faults injected before the last re-run):
// what the worlds were built from. Callers must not modify it.
func (s *Session) Configs() []config.Config { return s.cfgs }
