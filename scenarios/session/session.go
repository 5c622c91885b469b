// Package session runs scenarios step by step for a caller that drives
// them: `stampede run`, the TUI, and the replay of a saved TUI session all
// run worlds through it.
//
// Its shape is etcd-io/raft's RawNode: a core that does no I/O, reads no
// wall clock and starts no goroutine, and that the caller moves forward
// explicitly. A Session is one run of one world (a scenario variant: its
// configuration and seed): AdvanceTo fires its events up to a virtual
// time within an event budget, Snapshot reads its state as plain data,
// Apply makes an intervention (a timeline event starting now), Results
// returns what the run measured. A Group runs the variants of a scenario
// as Sessions in lockstep on one clock and records the interventions
// made on them, so that the scenario with its interventions written into
// its timeline replays the group exactly.
package session

import (
	"errors"
	"fmt"
	"time"

	"github.com/stampede-sim/stampede/models"
	"github.com/stampede-sim/stampede/models/config"
	"github.com/stampede-sim/stampede/models/results"
	"github.com/stampede-sim/stampede/sim"
)

// Session is one run of one world, built from a scenario variant's
// configuration (seed included) and advanced by its caller. The zero
// Session is not usable; New builds one at virtual time 0.
type Session struct {
	w *models.World
}

// New builds the world of cfg at virtual time 0. The error is the
// configuration's (a *config.FieldError list) when it does not build.
func New(cfg config.Config) (*Session, error) { return NewReusing(cfg, nil) }

// NewReusing is New, building the world in the memory of prev's
// (models.BuildReusing): prev, a session whose results were taken and
// that nothing will use again, is spent (nil for none).
func NewReusing(cfg config.Config, prev *Session) (*Session, error) {
	var old *models.World
	if prev != nil {
		old, prev.w = prev.w, nil
	}
	w, err := models.BuildReusing(cfg, old)
	if err != nil {
		return nil, err
	}
	return &Session{w: w}, nil
}

// Config returns the configuration the world was built from, with
// defaults applied and the faults injected so far appended. Callers must
// not modify it.
func (s *Session) Config() *config.Config { return s.w.Config() }

// Now returns the session's virtual time.
func (s *Session) Now() sim.Time { return s.w.Now() }

// End returns the virtual time the run ends at (the duration).
func (s *Session) End() sim.Time { return s.w.End() }

// Done reports whether the run is over: it reached its end or hit a limit
// (Err says which).
func (s *Session) Done() bool { return s.w.Done() }

// Err returns the limit error that stopped the run early, or nil.
func (s *Session) Err() error { return s.w.Err() }

// Events returns the number of events fired so far.
func (s *Session) Events() uint64 { return s.w.Events() }

// AdvanceTo fires events up to virtual time t (at most the end), at most
// budget of them. It reports whether the session got there or the run is
// over; false means the budget ran out first, and a further call goes on
// from where this one stopped.
func (s *Session) AdvanceTo(t sim.Time, budget uint64) bool {
	if s.w.Done() || s.w.Now() >= t {
		return true
	}
	return s.w.Advance(t, budget) || s.w.Now() >= t
}

// Apply makes an intervention on the running world at its instant: iv
// must be a fault (Inject) whose Fault.At is not in the session's past.
// The fault is checked like a configured one and recorded with them
// (Config().Faults), so the results and the recovery verdict account for
// it and a scenario with it in its faults replays it. The other kinds
// change the configuration from the start of the run: build a new
// Session with WithInterventions (a Group does it for its variants).
func (s *Session) Apply(iv Intervention) error {
	if iv.Kind != Inject {
		return fmt.Errorf("apply: %s changes the run from its start, not from now: re-run it", iv.Kind)
	}
	if s.w.Done() {
		return errors.New("apply: the run is over")
	}
	return s.w.Inject(iv.Fault)
}

// Snapshot returns the session's state now as plain data: the current
// values, the intervals closed so far and the faults started.
func (s *Session) Snapshot() results.Snapshot { return s.w.Snapshot() }

// Results returns what the run measured so far (all of it once Done).
func (s *Session) Results() *results.Results { return s.w.Results() }

// Traces returns the request traces recorded so far (none unless the
// configuration asks for them).
func (s *Session) Traces() []results.Trace { return s.w.Traces() }

// sliceEvents is how many events Run fires between two looks at the wall
// clock.
const sliceEvents = 1 << 16

// Run advances the session to its end in slices of events, stopping
// early when the wall-clock time since the start exceeds maxWall (when
// now is not nil: the session itself never reads the clock). It returns
// the results and, if a limit stopped the run, a message naming the
// limit.
func (s *Session) Run(maxWall time.Duration, now func() time.Time) (*results.Results, string) {
	var start time.Time
	if now != nil {
		start = now()
	}
	stopped := ""
	w := s.w
	for !w.Advance(w.End(), sliceEvents) {
		if now != nil && maxWall > 0 && now().Sub(start) > maxWall {
			stopped = fmt.Sprintf("run stopped at %v of virtual time: limits.max_wall = %v of wall-clock time reached (raise it with max_wall = \"%v\" under [limits] in the scenario, or --set limits.max_wall=%v; or check the scenario for a retry storm with no backoff)", time.Duration(w.Now()).Round(time.Millisecond), maxWall, 2*maxWall, 2*maxWall)
			break
		}
	}
	if err := w.Err(); err != nil {
		stopped = err.Error()
	}
	return w.Results(), stopped
}
