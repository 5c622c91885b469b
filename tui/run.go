package tui

import (
	"fmt"
	"math"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/stampede-sim/stampede/models/results"
	"github.com/stampede-sim/stampede/scenarios"
	"github.com/stampede-sim/stampede/scenarios/format"
	"github.com/stampede-sim/stampede/scenarios/session"
	"github.com/stampede-sim/stampede/sim"
)

// speeds are the clock speeds, virtual seconds per wall second; 0 is as
// fast as the engine goes.
var speeds = []float64{1, 10, 100, 1000, 0}

// magnitudes are the factors a spike or slowdown can have.
var magnitudes = []float64{1.5, 2, 3, 4, 5, 8, 10}

// durations are the lengths an injected fault can have.
var durations = []time.Duration{time.Second, 2 * time.Second, 5 * time.Second, 10 * time.Second,
	20 * time.Second, 30 * time.Second, time.Minute, 2 * time.Minute, 5 * time.Minute}

// runState is the Run view.
type runState struct {
	scen *scenarios.Scenario
	sess *session.Group
	keys runKeys
	dir  string

	paused   bool
	budget   uint64 // events per frame
	adaptive bool   // budget follows the engine's measured speed
	clock    func() time.Time
	speed    int      // index into speeds
	stride   sim.Time // how far the target moves per frame at full speed
	lastTick time.Time
	// achieved is the speed the run reached, virtual seconds per wall
	// second, smoothed over the last frames; 0 before it is known.
	achieved float64

	// cursor is the scrubbed interval, or -1 for live.
	cursor int

	mag, dur, target int // indexes into magnitudes, durations, services
	services         []string
	chart3           int // 0: in flight, 1: queue, 2: attempts
	// focus is the variant the charts draw alone, the others hidden; -1
	// for every variant.
	focus int
	// compact leaves the charts out and draws each variant's goodput as a
	// sparkline in its status line.
	compact   bool
	blackHole bool // outages swallow requests instead of failing fast

	// strats are the settings the strategy knob offers (strategyMenu);
	// strat is the one chosen.
	strats []session.StrategySetting
	strat  int

	// computed in Update for View
	snaps   []results.Snapshot
	recov   []results.Recovery
	recovAt int // intervals closed when recov was computed

	note    string
	noteErr bool

	wf *waterfallState // the trace overlay, when open (waterfall.go)
}

func newRunState(s *scenarios.Scenario, opts Options) (*runState, error) {
	sess, err := s.Session()
	if err != nil {
		return nil, err
	}
	r := &runState{
		scen:    s,
		sess:    sess,
		keys:    newRunKeys(),
		dir:     opts.Dir,
		speed:   1, // 10x: a five-minute scenario in half a minute
		cursor:  -1,
		focus:   -1,
		mag:     2, // x3
		dur:     3, // 10s
		recovAt: -1,
		budget:  opts.FrameEvents,
		clock:   opts.Clock,
	}
	if r.budget == 0 {
		r.budget, r.adaptive = DefaultFrameEvents, true
	}
	r.strats = sess.Strategies()
	if len(r.strats) == 0 {
		r.keys.StratNext.SetEnabled(false)
		r.keys.StratToggle.SetEnabled(false)
	}
	r.services = sess.Services()
	r.stride = sim.Time(sess.Sessions()[0].Config().Interval)
	r.note = "running at 10x · 1-4 inject a fault · ? help"
	r.refresh()
	return r, nil
}

func (r *runState) title() string {
	s := r.scen
	if s.Title != "" {
		return s.Title
	}
	return s.Name
}

// busy reports whether the tick loop has work: the clock is running, or
// the engine has not caught up.
func (r *runState) busy() bool {
	return (!r.paused && !r.sess.Done()) || !r.sess.CaughtUp()
}

// frame advances the run by one frame: the wall time since the last frame
// times the speed, at most r.budget events.
func (r *runState) frame(at time.Time, opts Options) {
	var dt time.Duration
	if !r.lastTick.IsZero() {
		dt = min(max(at.Sub(r.lastTick), 0), 4*opts.Frame)
	}
	r.lastTick = at
	s := r.sess
	full := speeds[r.speed] == 0
	if !r.paused && s.CaughtUp() {
		if full {
			r.stride = min(r.stride*2, s.End())
			s.SetTarget(s.Now() + r.stride)
		} else {
			s.SetTarget(s.Target() + sim.Time(float64(dt)*speeds[r.speed]))
		}
	}
	var t0 time.Time
	if r.adaptive {
		t0 = r.clock()
	}
	before := s.Now()
	caught := s.Step(r.budget)
	r.measure(before, s.Now(), dt)
	if !caught && full {
		r.stride = max(r.stride/2, sim.Time(time.Millisecond))
	}
	if r.adaptive && !caught {
		r.adapt(r.clock().Sub(t0))
	}
	r.refresh()
	if s.Done() && !r.paused {
		r.paused = true
		r.setNote("the run is over: ←/→ scrub through it, s save, e export, esc gallery", false)
	}
}

// adapt resizes the budget after a frame that used all of it in took:
// halfway towards the budget that would take FrameWork.
func (r *runState) adapt(took time.Duration) {
	want := float64(MaxFrameEvents)
	if took > 0 {
		want = float64(r.budget) * float64(FrameWork) / float64(took)
	}
	next := (float64(r.budget) + min(max(want, MinFrameEvents), MaxFrameEvents)) / 2
	r.budget = uint64(next)
}

// refresh takes the snapshots View draws from, and the recovery verdicts
// when an interval has closed.
func (r *runState) refresh() {
	ws := r.sess.Sessions()
	r.snaps = r.snaps[:0]
	for _, w := range ws {
		r.snaps = append(r.snaps, w.Snapshot())
	}
	n := r.closed()
	if n != r.recovAt || r.sess.Done() {
		r.recovAt = n
		r.recov = r.recov[:0]
		for _, w := range ws {
			r.recov = append(r.recov, w.Results().Summary.Recovery)
		}
	}
}

// closed returns the number of intervals closed in every variant.
func (r *runState) closed() int {
	n := math.MaxInt
	for _, sn := range r.snaps {
		n = min(n, len(sn.Series.T))
	}
	if n == math.MaxInt {
		return 0
	}
	return n
}

func (r *runState) setNote(s string, isErr bool) { r.note, r.noteErr = s, isErr }

func (r *runState) key(msg tea.KeyPressMsg) tea.Cmd {
	k := &r.keys
	switch {
	case key.Matches(msg, k.Pause):
		switch {
		case r.cursor >= 0:
			r.cursor, r.paused = -1, r.sess.Done()
		case r.sess.Done():
		default:
			r.paused = !r.paused
		}
		switch {
		case r.sess.Done():
			// Not "paused": space cannot resume a run that is over.
			r.setNote("the run is over: ←/→ scrub through it, s save, e export, esc gallery", false)
		case r.paused:
			r.setNote("paused · space resumes", false)
		default:
			r.setNote("running at "+speedName(r.speed), false)
		}
	case key.Matches(msg, k.Faster), key.Matches(msg, k.Slower):
		if key.Matches(msg, k.Faster) {
			r.speed = min(r.speed+1, len(speeds)-1)
		} else {
			r.speed = max(r.speed-1, 0)
		}
		r.cursor = -1
		r.paused = r.sess.Done()
		r.setNote("speed "+speedName(r.speed), false)
	case key.Matches(msg, k.Back1):
		r.scrub(-1)
	case key.Matches(msg, k.Fwd1):
		r.scrub(1)
	case key.Matches(msg, k.Back10):
		r.scrub(-10)
	case key.Matches(msg, k.Fwd10):
		r.scrub(10)
	case key.Matches(msg, k.Start):
		r.scrub(-math.MaxInt32)
	case key.Matches(msg, k.Live):
		r.cursor = -1
		r.setNote("live", false)
	case key.Matches(msg, k.Spike):
		r.inject(session.Spike(magnitudes[r.mag], durations[r.dur]))
	case key.Matches(msg, k.Slowdown):
		r.inject(session.Slowdown(r.service(), magnitudes[r.mag], durations[r.dur]))
	case key.Matches(msg, k.PauseSvc):
		r.inject(session.Pause(r.service(), durations[r.dur]))
	case key.Matches(msg, k.Outage):
		r.inject(session.Outage(r.service(), r.blackHole, durations[r.dur]))
	case key.Matches(msg, k.MagDown):
		r.mag = max(r.mag-1, 0)
	case key.Matches(msg, k.MagUp):
		r.mag = min(r.mag+1, len(magnitudes)-1)
	case key.Matches(msg, k.DurDown):
		r.dur = max(r.dur-1, 0)
	case key.Matches(msg, k.DurUp):
		r.dur = min(r.dur+1, len(durations)-1)
	case key.Matches(msg, k.Mode):
		r.blackHole = !r.blackHole
	case key.Matches(msg, k.Target):
		if len(r.services) > 0 {
			r.target = (r.target + 1) % len(r.services)
		}
	case key.Matches(msg, k.RateDown):
		r.configure(scaleRate(r.sess.Knobs(), 0.8))
	case key.Matches(msg, k.RateUp):
		r.configure(scaleRate(r.sess.Knobs(), 1.25))
	case key.Matches(msg, k.TimeoutDown):
		r.configure(scaleTimeout(r.sess.Knobs(), 0.5))
	case key.Matches(msg, k.TimeoutUp):
		r.configure(scaleTimeout(r.sess.Knobs(), 2))
	case key.Matches(msg, k.RetryDown):
		r.configure(addRetries(r.sess.Knobs(), -1))
	case key.Matches(msg, k.RetryUp):
		r.configure(addRetries(r.sess.Knobs(), 1))
	case key.Matches(msg, k.StratNext):
		if len(r.strats) > 0 {
			r.strat = (r.strat + 1) % len(r.strats)
			st := r.strats[r.strat]
			r.setNote(fmt.Sprintf("strategy %d/%d: %s, %s · x turns it %s", r.strat+1, len(r.strats), st.Name,
				session.OnOff(r.sess.StrategyOn(st)), session.OnOff(!r.sess.StrategyOn(st))), false)
		}
	case key.Matches(msg, k.StratToggle):
		r.toggleStrategy()
	case key.Matches(msg, k.Chart):
		r.chart3 = (r.chart3 + 1) % 3
	case key.Matches(msg, k.Focus):
		r.cycleFocus()
	case key.Matches(msg, k.Compact):
		r.compact = !r.compact
		if r.compact {
			r.setNote("compact: goodput as a sparkline per variant · z charts", false)
		} else {
			r.setNote("charts · z compact", false)
		}
	case key.Matches(msg, k.Unfocus):
		r.focus = -1
		r.setNote("every variant drawn · f focuses one", false)
	case key.Matches(msg, k.Save):
		return r.save()
	case key.Matches(msg, k.Export):
		return r.export()
	}
	return nil
}

// cycleFocus focuses the next variant (after the last, every variant
// again), so that one variant's lines are not hidden under the others'
// where they cross: one braille cell holds one colour.
func (r *runState) cycleFocus() {
	names := r.sess.Names()
	r.focus++
	if r.focus >= len(names) {
		r.focus = -1
		r.setNote("every variant drawn · f focuses one", false)
		return
	}
	r.setNote(fmt.Sprintf("focus %d/%d: %s, the others hidden · f next · F every variant", r.focus+1, len(names), names[r.focus]), false)
}

// hidden reports whether variant i's lines are left out of the charts.
func (r *runState) hidden(i int) bool { return r.focus >= 0 && i != r.focus }

// measure folds a frame's progress, from virtual time from to to in wall
// time dt, into the achieved speed (an exponentially weighted mean over
// about five frames). Frames that do not move the clock (paused, caught
// up with the target, the run over) say nothing about the speed.
func (r *runState) measure(from, to sim.Time, dt time.Duration) {
	if dt <= 0 || to <= from || r.paused {
		return
	}
	v := time.Duration(to-from).Seconds() / dt.Seconds()
	if r.achieved == 0 {
		r.achieved = v
		return
	}
	r.achieved = 0.8*r.achieved + 0.2*v
}

// speedLabel is the header's speed: the one asked for, or when the engine
// cannot keep up with it, the one achieved ("3.2x of 10x"); at max speed,
// what max is ("max · 240x").
func (r *runState) speedLabel() string {
	want := speedName(r.speed)
	if r.achieved <= 0 {
		return want
	}
	got := format.ShortNumber(r.achieved) + "x"
	switch {
	case speeds[r.speed] == 0:
		return want + " · " + got
	case r.achieved < 0.9*speeds[r.speed]:
		return got + " of " + want
	}
	return want
}

func speedName(i int) string {
	if speeds[i] == 0 {
		return "max"
	}
	return format.ShortNumber(speeds[i]) + "x"
}

func (r *runState) service() string {
	if len(r.services) == 0 {
		return ""
	}
	return r.services[r.target]
}

// scrub moves the cursor by delta intervals; moving past the last closed
// interval goes back to live. Scrubbing pauses the clock.
func (r *runState) scrub(delta int) {
	n := r.closed()
	if n == 0 {
		return
	}
	c := r.cursor
	if c < 0 {
		c = n - 1
	}
	c += delta
	if c >= n-1 && delta > 0 {
		r.cursor = -1
		r.setNote("live · space resumes", false)
		return
	}
	r.cursor = min(max(c, 0), n-1)
	r.paused = true
	iv := r.sess.Sessions()[0].Config().Interval
	r.setNote(fmt.Sprintf("time travel: %s · ←/→ scrub, end: live, space: resume", format.Clock(min(time.Duration(r.cursor+1)*iv, time.Duration(r.sess.End())))), false)
}

// inject injects a fault (an Inject intervention) now into every
// variant.
func (r *runState) inject(iv session.Intervention) {
	if iv.Fault.Target == "" {
		r.setNote("no service to inject into", true)
		return
	}
	r.cursor = -1
	done, err := r.sess.Apply(iv)
	if err != nil {
		r.setNote("inject: "+err.Error(), true)
		return
	}
	r.setNote("injected "+done[0].String(), false)
}

// maxAttempts is the most attempts per call the models allow.
const maxAttempts = 100

// toggleStrategy turns the chosen strategy on or off in the base
// configuration, for the whole run; each variant's overrides apply on
// top, so a variant that sets it itself keeps its own.
func (r *runState) toggleStrategy() {
	if len(r.strats) == 0 {
		r.setNote("no strategy to toggle", true)
		return
	}
	st := r.strats[r.strat]
	r.configure([]session.Intervention{{Kind: session.SetStrategy, Strategy: st, On: !r.sess.StrategyOn(st)}}, "")
}

func (r *runState) configure(ivs []session.Intervention, none string) {
	if len(ivs) == 0 {
		r.setNote(none, true)
		return
	}
	r.cursor = -1
	done, err := r.sess.Apply(ivs...)
	if err != nil {
		r.setNote(err.Error(), true)
		return
	}
	msg := ""
	for i, iv := range done {
		if i > 0 {
			msg += " · "
		}
		msg += iv.String()
	}
	r.setNote(msg+" · re-running…", false)
}

// roundSig rounds x to n significant digits.
func roundSig(x float64, n int) float64 {
	if x == 0 || math.IsNaN(x) || math.IsInf(x, 0) {
		return x
	}
	p := math.Pow(10, float64(n)-math.Ceil(math.Log10(math.Abs(x))))
	return math.Round(x*p) / p
}

func (r *runState) onWritten(msg writtenMsg) {
	if msg.err != nil {
		r.setNote(msg.what+": "+msg.err.Error(), true)
		return
	}
	switch msg.what {
	case "save":
		if msg.warn != "" {
			r.setNote("saved "+msg.path+", but "+msg.warn, true)
			return
		}
		r.setNote("saved "+msg.path+" · replay it: stampede run "+msg.path, false)
	default:
		r.setNote("exported "+msg.path, false)
	}
}
