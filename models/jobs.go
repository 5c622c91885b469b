package models

import (
	"math/rand/v2"
	"time"

	"github.com/stampede-sim/stampede/models/config"
	"github.com/stampede-sim/stampede/models/results"
	"github.com/stampede-sim/stampede/sim"
	"github.com/stampede-sim/stampede/strategies"
)

// job is a running JobConfig.
type job struct {
	w        *World
	cfg      *config.JobConfig
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

func newJob(w *World, cfg *config.JobConfig) *job {
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
	if j.cfg.Kind == config.ConstantWork {
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

// onChange is a change of the job's Poisson stream.
func (j *job) onChange() {
	j.changed(1)
	j.nextChange()
}

// fire is a burst of changes.
func (b *jobBurst) fire() {
	b.j.changed(b.n)
}

// changed records n changes now: an event-driven job pushes each to every
// node at once; a constant-work job leaves them for its next period.
func (j *job) changed(n int) {
	now := j.w.s.Now()
	j.mChanges.add(float64(n))
	j.gPending.add(now, float64(n))
	if j.cfg.Kind == config.EventDriven {
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

// tick is a constant-work job's period: it pushes whatever is pending.
func (j *job) tick() {
	w := j.w
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
		c := j.e.newCall(w, r, seq(j.seedBase, j.n))
		c.launch(w)
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
	case j.cfg.Kind == config.ConstantWork:
		j.pending = append(j.pending, r.changes...)
	default:
		j.mLost.add(float64(len(r.changes)))
	}
	r.changes = r.changes[:0]
	r.failed = false
	j.rounds = append(j.rounds, r)
}

// jobSet is the jobs of a world, in config order.
type jobSet []*job

// newJobs makes the jobs of w (after its services and caches).
func newJobs(w *World) jobSet {
	var js jobSet
	for i := range w.cfg.Jobs {
		js = append(js, newJob(w, &w.cfg.Jobs[i]))
	}
	return js
}

// series and summaries report the jobs: their calls as a client's, plus
// changes/s, unpropagated changes and propagation delay under strategy.
func (js jobSet) series() []results.CallSeries {
	var out []results.CallSeries
	for _, j := range js {
		cs := j.e.stats.series()
		cs.Strategy = j.m.series()
		for k, v := range j.e.strat().series() {
			cs.Strategy[k] = v
		}
		out = append(out, cs)
	}
	return out
}

func (js jobSet) summaries(end sim.Time) map[string]results.CallSummary {
	if len(js) == 0 {
		return nil
	}
	out := map[string]results.CallSummary{}
	for _, j := range js {
		cs := j.e.stats.summary(end, false)
		cs.Strategy = j.m.summary(end)
		for k, v := range j.e.strat().summary(end) {
			cs.Strategy[k] = v
		}
		out[j.name] = cs
	}
	return out
}

// roll closes the jobs' current interval at end.
func (js jobSet) roll(end sim.Time, width float64) {
	for _, j := range js {
		j.e.stats.roll(end, width)
		j.m.roll(end, width)
		if m := j.e.strat(); m != nil {
			m.roll(end, width)
		}
	}
}
