package models

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/stampede-sim/stampede/models/results"
	"github.com/stampede-sim/stampede/sim"
	"github.com/stampede-sim/stampede/strategies"
)

// JobKind is how a job propagates changes to its nodes.
type JobKind string

// Job kinds (MacCárthaigh, "Reliability, and constant work", AWS Builders'
// Library; REFERENCES §11).
const (
	// ConstantWork pushes the full state to every node every period,
	// whatever changed: Nodes calls per period, always.
	ConstantWork JobKind = "constant_work"
	// EventDriven pushes each change to every node when it happens: Nodes
	// calls per change, so the work follows the changes (and a burst of
	// changes is a burst of work).
	EventDriven JobKind = "event_driven"
)

// JobConfig is a background job that propagates changes (say, of a
// configuration) to Nodes nodes, each push being a call to Target. The
// lesson is the comparison of its two kinds under a burst of changes:
// constant work does the same work every period and its propagation delay
// stays bounded; event-driven work is cheap while little changes and
// floods Target when much does.
type JobConfig struct {
	// Name identifies the job; unique among services, caches, clients
	// and jobs.
	Name string `toml:"name"`
	// Kind is constant_work or event_driven. Required.
	Kind JobKind `toml:"kind"`
	// Target names the service or cache that receives the pushes.
	// Required.
	Target string `toml:"target"`
	// Every is the period of a constant_work job (its first push is at
	// Every). Required for constant_work; not used by event_driven.
	Every time.Duration `toml:"every"`
	// Nodes is the number of nodes each push goes to, in [1, 1e6].
	// Required.
	Nodes int `toml:"nodes"`
	// Changes is the rate of changes (Poisson), changes/s. Zero means
	// none besides the bursts.
	Changes float64 `toml:"changes"`
	// Bursts are changes arriving at one instant.
	Bursts []ChangeBurst `toml:"bursts"`
	// Link is the network between the job and Target.
	Link LinkConfig `toml:"link"`
	// ClientPolicy is the job's policy on its calls (timeout, retry, ...).
	ClientPolicy
}

// ChangeBurst is Changes changes arriving at the same instant At.
type ChangeBurst struct {
	// At is the time of the burst since the start of the run.
	At time.Duration `toml:"at"`
	// Changes is how many changes arrive, in [1, 1e7].
	Changes int `toml:"changes"`
}

// job is a running JobConfig.
type job struct {
	w        *World
	cfg      *JobConfig
	name     string
	e        *edge
	changesR *rand.Rand // "job/NAME/changes"
	seedBase uint64
	n        uint64 // calls so far

	pending []sim.Time // changes not yet pushed (constant work)
	rounds  []*round   // pool

	m        metricSet
	mChanges *counter
	mLost    *counter   // changes an event-driven push failed to deliver
	hDelay   *delayHist // propagation delay of each change
	gPending *gauge     // changes not propagated to every node yet
}

// round is one push of changes to every node: it ends when all its calls
// have ended. If every call succeeded, every change it carries has
// propagated. If one failed (after its policy's retries), the changes have
// not reached every node: a constant-work job carries them again in its
// next period (it sends the full state each time, so it corrects itself);
// an event-driven job has no later push for them, so they are lost: they
// stay unpropagated and count in "lost".
type round struct {
	j       *job
	left    int
	failed  bool
	changes []sim.Time
}

func newJob(w *World, cfg *JobConfig) *job {
	j := &job{
		w:        w,
		cfg:      cfg,
		name:     cfg.Name,
		changesR: w.s.Rand("job/" + cfg.Name + "/changes"),
		seedBase: sim.NewRand(w.cfg.Seed, "job/"+cfg.Name+"/calls").Uint64(),
	}
	j.e = &edge{
		name:   cfg.Name,
		policy: cfg.ClientPolicy,
		link:   newLink(cfg.Link),
		to:     w.byName[cfg.Target],
		toName: cfg.Target,
	}
	j.e.stats.name = cfg.Name
	j.mChanges = j.m.counter("changes")
	j.mLost = j.m.counter("lost")
	j.hDelay = j.m.delay("propagation")
	j.gPending = j.m.gauge("unpropagated")
	return j
}

// begin schedules the job's first events.
func (j *job) begin() {
	w := j.w
	if j.cfg.Changes > 0 {
		j.nextChange()
	}
	for i := range j.cfg.Bursts {
		b := &j.cfg.Bursts[i]
		if sim.Time(b.At) < w.end {
			w.s.At(sim.Time(b.At), w.hJobBurst, j.burstArg(i))
		}
	}
	if j.cfg.Kind == ConstantWork {
		w.s.Schedule(j.cfg.Every, w.hJobTick, j)
	}
}

// burstArg is the argument of burst i's event: the burst itself.
func (j *job) burstArg(i int) any { return &jobBurst{j: j, n: j.cfg.Bursts[i].Changes} }

type jobBurst struct {
	j *job
	n int
}

func (j *job) nextChange() {
	d := time.Duration(j.changesR.ExpFloat64() / j.cfg.Changes * 1e9)
	if j.w.s.Now().Add(d) < j.w.end {
		j.w.s.Schedule(d, j.w.hJobChange, j)
	}
}

func (w *World) onJobChange(arg any) {
	j := arg.(*job)
	j.changed(1)
	j.nextChange()
}

func (w *World) onJobBurst(arg any) {
	b := arg.(*jobBurst)
	b.j.changed(b.n)
}

// changed records n changes now: an event-driven job pushes each to every
// node at once; a constant-work job leaves them for its next period.
func (j *job) changed(n int) {
	now := j.w.s.Now()
	j.mChanges.add(float64(n))
	j.gPending.add(now, float64(n))
	if j.cfg.Kind == EventDriven {
		for range n {
			r := j.newRound()
			r.changes = append(r.changes, now)
			j.push(r)
		}
		return
	}
	for range n {
		j.pending = append(j.pending, now)
	}
}

func (w *World) onJobTick(arg any) {
	j := arg.(*job)
	r := j.newRound()
	r.changes = append(r.changes, j.pending...)
	j.pending = j.pending[:0]
	w.s.Schedule(j.cfg.Every, w.hJobTick, j)
	j.push(r)
}

func (j *job) newRound() *round {
	if n := len(j.rounds); n > 0 {
		r := j.rounds[n-1]
		j.rounds = j.rounds[:n-1]
		return r
	}
	return &round{j: j}
}

// push makes round r's calls, one per node.
func (j *job) push(r *round) {
	w := j.w
	r.left = j.cfg.Nodes
	for range j.cfg.Nodes {
		j.n++
		c := w.newCall(j.e, r, seq(j.seedBase, j.n))
		w.launch(c)
	}
}

// callDone counts one of the round's calls; the last one propagates its
// changes if every call succeeded (see round).
func (r *round) callDone(_ *call, reason Reason) {
	if reason != strategies.ReasonOK {
		r.failed = true
	}
	r.left--
	if r.left > 0 {
		return
	}
	j := r.j
	now := j.w.s.Now()
	switch {
	case !r.failed:
		for _, t := range r.changes {
			j.hDelay.record(now.Sub(t))
		}
		j.gPending.add(now, -float64(len(r.changes)))
	case j.cfg.Kind == ConstantWork:
		j.pending = append(j.pending, r.changes...)
	default:
		j.mLost.add(float64(len(r.changes)))
	}
	r.changes = r.changes[:0]
	r.failed = false
	j.rounds = append(j.rounds, r)
}

// validateJobs checks the jobs of c; kinds holds the names of services,
// caches and clients.
func (v *validator) jobs(c *Config, kinds map[string]string) {
	seen := map[string]bool{}
	for i := range c.Jobs {
		jc := &c.Jobs[i]
		p := entry("jobs", i, jc.Name)
		switch {
		case !validName(jc.Name):
			v.add(fmt.Sprintf("jobs[%d].name", i), "must be a non-empty name of letters, digits, '_' or '-', got %q", jc.Name)
		case kinds[jc.Name] != "":
			v.add(p+".name", "%q is already the name of a %s; names must be unique", jc.Name, kinds[jc.Name])
		case seen[jc.Name]:
			v.add(p+".name", "%q is already the name of a job; names must be unique", jc.Name)
		}
		seen[jc.Name] = true
		if k := kinds[jc.Target]; k != "service" && k != "cache" {
			v.add(p+".target", "%q is not a service or cache", jc.Target)
		}
		switch jc.Kind {
		case ConstantWork:
			v.positiveDur(p+".every", jc.Every)
		case EventDriven:
			if jc.Every != 0 {
				v.add(p+".every", "is for constant_work (an event_driven job pushes each change when it happens)")
			}
		default:
			v.add(p+".kind", "must be one of constant_work, event_driven, got %q", jc.Kind)
		}
		if jc.Nodes < 1 || jc.Nodes > 1_000_000 {
			v.add(p+".nodes", "must be in [1, 1000000], got %d", jc.Nodes)
		}
		v.finiteNonNeg(p+".changes", jc.Changes)
		if jc.Changes > 1e6 {
			v.add(p+".changes", "must be <= 1e6 per second, got %v", jc.Changes)
		}
		for k, b := range jc.Bursts {
			bp := fmt.Sprintf("%s.bursts[%d]", p, k)
			v.nonNegDur(bp+".at", b.At)
			if b.Changes < 1 || b.Changes > 10_000_000 {
				v.add(bp+".changes", "must be in [1, 10000000], got %d", b.Changes)
			}
		}
		v.link(p+".link", &jc.Link)
		v.policy(p, &jc.ClientPolicy)
	}
}

// buildJobs makes the jobs of the world (after its services and caches).
func (w *World) buildJobs() {
	for i := range w.cfg.Jobs {
		w.jobs = append(w.jobs, newJob(w, &w.cfg.Jobs[i]))
	}
}

// jobSeries and jobSummaries report the jobs: their calls as a client's,
// plus changes/s, unpropagated changes and propagation delay under
// strategy.
func (w *World) jobSeries() []results.CallSeries {
	var out []results.CallSeries
	for _, j := range w.jobs {
		cs := j.e.stats.series()
		cs.Strategy = j.m.series()
		for k, v := range j.e.strat().series() {
			cs.Strategy[k] = v
		}
		out = append(out, cs)
	}
	return out
}

func (w *World) jobSummaries(end sim.Time) map[string]results.CallSummary {
	if len(w.jobs) == 0 {
		return nil
	}
	out := map[string]results.CallSummary{}
	for _, j := range w.jobs {
		cs := j.e.stats.summary(end, false)
		cs.Strategy = j.m.summary(end)
		for k, v := range j.e.strat().summary(end) {
			cs.Strategy[k] = v
		}
		out[j.name] = cs
	}
	return out
}

func (w *World) rollJobs(end sim.Time, width float64) {
	for _, j := range w.jobs {
		j.e.stats.roll(end, width)
		j.m.roll(end, width)
		if m := j.e.strat(); m != nil {
			m.roll(end, width)
		}
	}
}
