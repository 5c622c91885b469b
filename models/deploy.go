package models

import (
	"time"

	"github.com/stampede-sim/stampede/models/config"
	"github.com/stampede-sim/stampede/sim"
	"github.com/stampede-sim/stampede/strategies"
)

// replicaDeploy is a replica's deploy state.
type replicaDeploy struct {
	restarting int      // > 0 while out of the balancer for a restart
	coldUntil  sim.Time // warming up before this instant
	coldFactor float64
	badP       float64 // error probability of the bad version; 0 when good
}

// apply adjusts a request's local work d and error probability errP for a
// request started at now on the replica.
func (d *replicaDeploy) apply(now sim.Time, work time.Duration, errP float64) (time.Duration, float64) {
	if now < d.coldUntil && d.coldFactor != 1 {
		work = time.Duration(float64(work) * d.coldFactor)
	}
	if d.badP > 0 {
		errP = 1 - (1-errP)*(1-d.badP)
	}
	return work, errP
}

// deployRun is one deploy fault in progress.
type deployRun struct {
	w          *World
	f          *fault
	s          *service
	order      []*replica // the rollout order: the replicas as they stood when it began
	next       int        // index in order of the next batch
	rolledBack bool
}

// toggleDeploy begins a deploy (the first batch restarts now), or ends it
// at At+For: a bad deploy is rolled back (a rolling deploy has finished by
// then).
func toggleDeploy(f *fault, on bool) {
	if on {
		s := f.svc
		s.settle()
		d := &deployRun{w: s.w, f: f, s: s, order: append([]*replica(nil), s.reps[:s.prov]...)}
		f.deploy = d
		d.restartBatch()
		return
	}
	d := f.deploy
	if d == nil || f.cfg.Kind != config.FaultBadDeploy {
		return
	}
	d.rolledBack = true
	for _, r := range d.order {
		if r.dep != nil {
			r.dep.badP = 0
		}
	}
}

// restartBatch takes the next batch out of the balancer; it comes back
// after Restart.
func (d *deployRun) restartBatch() {
	if d.rolledBack || d.next >= len(d.order) {
		return
	}
	cfg := &d.f.cfg
	lo := d.next
	hi := min(lo+cfg.Batch, len(d.order))
	d.next = hi
	batch := d.order[lo:hi]
	for k, r := range batch {
		if r.dep == nil {
			r.dep = &replicaDeploy{coldFactor: 1}
		}
		r.dep.restarting++
		d.flushShare(lo + k)
	}
	d.s.relayout(nil)
	if cfg.Restart == 0 {
		d.comeBack(batch)
		return
	}
	d.w.s.Schedule(cfg.Restart, func(any) { d.comeBack(batch) }, nil)
}

// comeBack returns a batch to the balancer, cold (and on the bad version
// for a bad deploy not yet rolled back), and schedules the next batch.
func (d *deployRun) comeBack(batch []*replica) {
	w := d.w
	cfg := &d.f.cfg
	now := w.s.Now()
	for _, r := range batch {
		r.dep.restarting--
		if cfg.Warmup > 0 {
			r.dep.coldUntil = now.Add(cfg.Warmup)
			r.dep.coldFactor = cfg.WarmupFactor
		}
		if cfg.Kind == config.FaultBadDeploy && !d.rolledBack {
			r.dep.badP = cfg.Probability
		}
	}
	d.s.relayout(batch)
	if d.rolledBack || d.next >= len(d.order) {
		return
	}
	if cfg.Pause == 0 {
		d.restartBatch()
		return
	}
	w.s.Schedule(cfg.Pause, func(any) { d.restartBatch() }, nil)
}

// flushShare empties the restarted replica's share of every cache the
// service calls: replica i of n holds the keys k with k mod n = i (an
// in-process cache, or a cache node per replica, comes back empty).
func (d *deployRun) flushShare(i int) {
	n := len(d.order)
	seen := map[*cache]bool{}
	for _, dc := range d.s.calls {
		if ca, ok := dc.e.to.(*cache); ok && !seen[ca] {
			seen[ca] = true
			ca.flushShard(i, n)
		}
	}
}

// flushShard removes the stored keys k with k mod n = i.
func (c *cache) flushShard(i, n int) {
	for k := c.head; k >= 0; {
		next := c.next[k]
		if int(k)%n == i {
			c.remove(k)
		}
		k = next
	}
	c.m.size.set(c.w.s.Now(), float64(c.size))
}

// relayout orders the replicas so that the load balancer's prefix of up
// replicas holds the right ones: those up and not restarting first, then
// back (coming back from a restart now), then the others down (a
// capacity_loss), then those restarting. A replica that leaves the prefix
// is marked down and its waiting requests fail with outage; one that
// enters it is up. refresh then recomputes the counts the same way.
func (s *service) relayout(back []*replica) {
	restarting := func(r *replica) bool { return r.dep != nil && r.dep.restarting > 0 }
	isBack := func(r *replica) bool {
		for _, b := range back {
			if b == r {
				return true
			}
		}
		return false
	}
	order := make([]*replica, 0, len(s.reps))
	for _, r := range s.reps {
		if !r.down && !r.retiring && !restarting(r) && !isBack(r) {
			order = append(order, r)
		}
	}
	for _, r := range back {
		if !restarting(r) {
			order = append(order, r)
		}
	}
	for _, r := range s.reps {
		if r.down && !restarting(r) && !isBack(r) {
			order = append(order, r)
		}
	}
	for _, r := range s.reps {
		if r.retiring && !restarting(r) && !isBack(r) {
			order = append(order, r)
		}
	}
	down := 0
	for _, r := range s.reps {
		if restarting(r) {
			order = append(order, r)
			down++
		}
	}
	copy(s.reps, order)
	s.deployDown = down
	replicasOut := 0
	for _, f := range s.faults {
		if f.cfg.Kind == config.FaultCapacityLoss {
			replicasOut += f.cfg.Replicas
		}
	}
	up := max(0, s.prov-replicasOut-down)
	for i, r := range s.reps {
		switch {
		case i >= up && !r.down && !r.retiring:
			r.down = true
			s.drain(r, strategies.ReasonOutage)
		case i < up && r.down:
			r.down = false
		}
	}
	s.setUp(up)
	s.refresh()
}
