package config

import (
	"math"
	"slices"
	"time"
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
