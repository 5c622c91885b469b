package models

import (
	"math"
	"slices"
	"time"

	"github.com/stampede-sim/stampede/sim"
	"github.com/stampede-sim/stampede/strategies"
)

// Deploys as faults: a rolling deploy restarts a service's replicas a batch
// at a time, and each comes back cold; a bad deploy rolls out a version
// that fails requests until it is rolled back.
const (
	// FaultRollingDeploy restarts the replicas of the service Target in
	// batches of Batch: a batch leaves the load balancer for Restart
	// (waiting requests fail with outage, requests in service finish),
	// comes back cold (service times x WarmupFactor for Warmup, and the
	// replica's share of any cache the service calls is flushed), and
	// after Pause the next batch restarts. For is computed: the whole
	// rollout, the last warm-up included.
	FaultRollingDeploy FaultKind = "rolling_deploy"
	// FaultBadDeploy rolls out, like a rolling deploy, a version whose
	// requests fail with error with probability Probability (on top of
	// the service's own), and rolls it back at At + Detect: the rollout
	// stops and every replica is back on the good version at once. For
	// is Detect.
	FaultBadDeploy FaultKind = "bad_deploy"
)

// isDeploy reports whether k is a deploy kind.
func (k FaultKind) isDeploy() bool { return k == FaultRollingDeploy || k == FaultBadDeploy }

// deploySpan is how long a rollout of replicas takes: ceil(replicas /
// batch) batches, each down for restart, with pause between a batch's
// return and the next restart, plus the last batch's warm-up.
func deploySpan(f *FaultConfig, replicas int) time.Duration {
	b := max(f.Batch, 1)
	n := max((replicas+b-1)/b, 1)
	return time.Duration(n-1)*(f.Restart+f.Pause) + f.Restart + f.Warmup
}

// replicasOf returns the replicas of the service named name (after
// defaults), or 0.
func replicasOf(c *Config, name string) int {
	for _, s := range c.Services {
		if s.Name == name {
			return s.Replicas
		}
	}
	return 0
}

// applyDeployDefaults fills the deploy faults' defaults (called by
// ApplyDefaults, after the services'). The fault list is copied first, so
// that a Config sharing it keeps its own: a computed for written into a
// shared list would no longer match a variant's changed detect or pause.
func (c *Config) applyDeployDefaults() {
	if !slices.ContainsFunc(c.Faults, func(f FaultConfig) bool { return f.Kind.isDeploy() }) {
		return
	}
	c.Faults = slices.Clone(c.Faults)
	for i := range c.Faults {
		f := &c.Faults[i]
		if !f.Kind.isDeploy() {
			continue
		}
		if f.Batch == 0 {
			f.Batch = 1
		}
		if f.WarmupFactor == 0 {
			f.WarmupFactor = 1
		}
		if f.For == 0 {
			if f.Kind == FaultBadDeploy {
				f.For = f.Detect
			} else {
				f.For = deploySpan(f, replicasOf(c, f.Target))
			}
		}
	}
}

// deploy validates a deploy fault's own fields (called by fault, which
// checks the target and that For > 0).
func (v *validator) deploy(p string, f *FaultConfig, c *Config) {
	if f.Batch < 1 || f.Batch > 100_000 {
		v.add(p+".batch", "must be in [1, 100000], got %d", f.Batch)
	}
	v.nonNegDur(p+".restart", f.Restart)
	v.nonNegDur(p+".pause", f.Pause)
	v.nonNegDur(p+".warmup", f.Warmup)
	if !(f.WarmupFactor > 0) || math.IsInf(f.WarmupFactor, 0) {
		v.add(p+".warmup_factor", "must be a finite number > 0 (service time x factor while warming up), got %v", f.WarmupFactor)
	}
	switch f.Kind {
	case FaultRollingDeploy:
		span := deploySpan(f, replicasOf(c, f.Target))
		if span == 0 {
			v.add(p+".restart", "a rolling deploy that takes no time does nothing: set restart, pause or warmup > 0")
		} else if f.For != span {
			v.add(p+".for", "is computed for a rolling deploy (%v: the batches' restarts and pauses and the last warm-up); omit it, got %v", span, f.For)
		}
		if f.Detect != 0 {
			v.add(p+".detect", "is for bad_deploy (the rollback delay)")
		}
	case FaultBadDeploy:
		v.positiveDur(p+".detect", f.Detect)
		if f.Detect > 0 && f.For != f.Detect {
			v.add(p+".for", "is detect for a bad deploy (the deploy acts until it is rolled back); omit it, got %v", f.For)
		}
		v.prob(p+".probability", f.Probability, true)
	}
}

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

// startDeploy begins a deploy: the first batch restarts now.
func (w *World) startDeploy(f *fault) {
	s := f.svc
	d := &deployRun{w: w, f: f, s: s, order: append([]*replica(nil), s.reps...)}
	f.deploy = d
	d.restartBatch()
}

// endDeploy ends a deploy fault at At+For: a bad deploy is rolled back (a
// rolling deploy has finished by then).
func (w *World) endDeploy(f *fault) {
	d := f.deploy
	if d == nil || f.cfg.Kind != FaultBadDeploy {
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
		if cfg.Kind == FaultBadDeploy && !d.rolledBack {
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
		if !r.down && !restarting(r) && !isBack(r) {
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
		if f.cfg.Kind == FaultCapacityLoss {
			replicasOut += f.cfg.Replicas
		}
	}
	up := max(0, len(s.reps)-replicasOut-down)
	for i, r := range s.reps {
		switch {
		case i >= up && !r.down:
			r.down = true
			s.drain(r, strategies.ReasonOutage)
		case i < up && r.down:
			r.down = false
		}
	}
	s.up = up
	s.refresh()
}
