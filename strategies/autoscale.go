package strategies

import (
	"math"
	"time"

	"github.com/stampede-sim/stampede/sim"
)

// AutoscaleMetric is what an autoscaler tracks, as a mean per ready
// replica over its collection period.
type AutoscaleMetric string

// The metrics an autoscaler may track.
const (
	// AutoscaleUtilization is busy workers over workers, in [0, 1] (the
	// HPA's CPU utilisation, AWS's ASGAverageCPUUtilization).
	AutoscaleUtilization AutoscaleMetric = "utilization"
	// AutoscaleConcurrency is requests in a replica, waiting or in
	// service (Knative's concurrency, the HPA on a pods metric).
	AutoscaleConcurrency AutoscaleMetric = "concurrency"
	// AutoscaleQueueLength is requests waiting in a replica's queue (AWS's
	// backlog per instance for a queue-driven fleet).
	AutoscaleQueueLength AutoscaleMetric = "queue_length"
)

// AutoscaleConfig configures an Autoscaler: the Kubernetes Horizontal Pod
// Autoscaler's algorithm and its behavior field (autoscaling/v2). Counts
// are replicas; durations virtual time.
type AutoscaleConfig struct {
	// Target is the metric's target value per replica, > 0.
	Target float64
	// Min and Max bound the replica count, 1 <= Min <= Max.
	Min, Max int
	// Tolerance: a ratio metric/target within 1 ± Tolerance changes
	// nothing (the HPA's default 0.1), in [0, 1).
	Tolerance float64
	// UpWindow and DownWindow are the stabilisation windows: a scale-up
	// goes to the lowest recommendation of the last UpWindow, a scale-down
	// to the highest of the last DownWindow (HPA defaults 0 and 300s).
	UpWindow, DownWindow time.Duration
	// UpPercent and UpPods are the scale-up policies: in any UpPeriod the
	// count may grow by UpPods replicas or by UpPercent percent of the
	// count at the period's start, whichever allows more (selectPolicy
	// Max; HPA defaults 4 pods and 100% per 15s). Both 0 disables
	// scaling up.
	UpPercent, UpPods int
	UpPeriod          time.Duration
	// DownPercent and DownPods are the scale-down policies, likewise
	// (HPA default 100% per 15s, no pods policy).
	DownPercent, DownPods int
	DownPeriod            time.Duration
}

// autoscaleRec is one recommendation, kept for the stabilisation windows.
type autoscaleRec struct {
	at sim.Time
	n  int
}

// autoscaleEvent is one change of the replica count, kept for the
// policies' periods (positive up, negative down).
type autoscaleEvent struct {
	at sim.Time
	d  int
}

// Autoscaler is target tracking as the Kubernetes Horizontal Pod
// Autoscaler defines it (kubernetes.io, "Horizontal Pod Autoscaling",
// algorithm details and configurable scaling behavior; the controller's
// replica calculator and normalizeDesiredReplicasWithBehaviors), the rule
// AWS target tracking also follows (Amazon EC2 Auto Scaling User Guide,
// "Target tracking scaling policies": capacity in proportion to the
// metric's distance from its target, scale-out fast, scale-in slowly):
//
//   - desired = ceil(ready x metric / target), unless metric / target is
//     within 1 ± Tolerance, when it is the current count; on a scale-up
//     with replicas not yet ready, these count as using nothing, and a
//     ratio over all of them within the tolerance or not above 1 keeps
//     the current count (Proportional);
//   - stabilisation: the recommendation is recorded; a scale-up goes to
//     the lowest recommendation within UpWindow, a scale-down to the
//     highest within DownWindow (so a dip must last DownWindow before
//     replicas go);
//   - policies: from the count at the start of the period (the current
//     count less the changes made within it) a scale-up may reach
//     start + UpPods or ceil(start x (1 + UpPercent/100)), whichever is
//     more, a scale-down start - DownPods or floor(start x (1 -
//     DownPercent/100)), whichever is less;
//   - then Min and Max.
//
// Time is passed in; it keeps its recent history in fixed rings, so
// Recommend allocates nothing.
type Autoscaler struct {
	cfg    AutoscaleConfig
	recs   []autoscaleRec // ring of recommendations, oldest first from recI
	recI   int
	recN   int
	events []autoscaleEvent // ring of changes
	evI    int
	evN    int
}

// NewAutoscaler validates cfg and returns an autoscaler that is
// consulted about every period (the ring sizes follow from it).
func NewAutoscaler(cfg AutoscaleConfig, period time.Duration) (*Autoscaler, error) {
	const s = "autoscale"
	switch {
	case !(cfg.Target > 0) || math.IsInf(cfg.Target, 0):
		return nil, cfgErr(s, "Target", "> 0 and finite", cfg.Target)
	case cfg.Min < 1 || cfg.Min > 1e6:
		return nil, cfgErr(s, "Min", "in [1, 1e6]", cfg.Min)
	case cfg.Max < cfg.Min || cfg.Max > 1e6:
		return nil, cfgErr(s, "Max", ">= min and <= 1e6", cfg.Max)
	case !(cfg.Tolerance >= 0 && cfg.Tolerance < 1):
		return nil, cfgErr(s, "Tolerance", "in [0, 1)", cfg.Tolerance)
	case cfg.UpWindow < 0 || cfg.UpWindow > time.Hour:
		return nil, cfgErr(s, "UpWindow", "in [0s, 1h]", cfg.UpWindow)
	case cfg.DownWindow < 0 || cfg.DownWindow > time.Hour:
		return nil, cfgErr(s, "DownWindow", "in [0s, 1h]", cfg.DownWindow)
	case cfg.UpPercent < 0 || cfg.UpPercent > 1e6:
		return nil, cfgErr(s, "UpPercent", "in [0, 1e6]", cfg.UpPercent)
	case cfg.UpPods < 0 || cfg.UpPods > 1e6:
		return nil, cfgErr(s, "UpPods", "in [0, 1e6]", cfg.UpPods)
	case cfg.DownPercent < 0 || cfg.DownPercent > 100:
		return nil, cfgErr(s, "DownPercent", "in [0, 100]", cfg.DownPercent)
	case cfg.DownPods < 0 || cfg.DownPods > 1e6:
		return nil, cfgErr(s, "DownPods", "in [0, 1e6]", cfg.DownPods)
	case cfg.UpPeriod <= 0 || cfg.UpPeriod > time.Hour:
		return nil, cfgErr(s, "UpPeriod", "in (0s, 1h]", cfg.UpPeriod)
	case cfg.DownPeriod <= 0 || cfg.DownPeriod > time.Hour:
		return nil, cfgErr(s, "DownPeriod", "in (0s, 1h]", cfg.DownPeriod)
	case period <= 0 || period > time.Hour:
		return nil, cfgErr(s, "Period", "in (0s, 1h]", period)
	}
	// a ring holds every entry of the longest window, at one entry per
	// period, and one more
	n := func(d time.Duration) int { return int(d/period) + 2 }
	return &Autoscaler{
		cfg:    cfg,
		recs:   make([]autoscaleRec, n(max(cfg.UpWindow, cfg.DownWindow))),
		events: make([]autoscaleEvent, n(max(cfg.UpPeriod, cfg.DownPeriod))),
	}, nil
}

// Config returns the autoscaler's configuration.
func (a *Autoscaler) Config() AutoscaleConfig { return a.cfg }

// Proportional returns the replica calculator's answer alone, as the
// HPA's computes it (calcPlainMetricReplicas and GetResourceReplicas in
// kubernetes/pkg/controller/podautoscaler/replica_calculator.go; the
// docs' "Algorithm details"): ready replicas measured metric on average,
// current is the count asked for, and the current - ready replicas not
// yet ready (pending: provisioning) have no metric and are set aside.
//
//   - Without replicas not yet ready, or when ratio = metric / target is
//     not above 1: current when the ratio is within the tolerance, else
//     ceil(ready x ratio).
//   - On a scale-up with replicas not yet ready, these count as using
//     nothing: the ratio over every replica is ratio x ready / current.
//     Within the tolerance, or not above 1, nothing changes (current): the
//     replicas coming are taken to absorb the excess. Otherwise ceil(ready
//     x ratio), and never fewer than current.
//
// So replicas still provisioning damp a scale-up but do not stop one a
// larger excess calls for; without them it is ceil(ready x ratio).
func (a *Autoscaler) Proportional(current, ready int, metric float64) int {
	ratio := metric / a.cfg.Target
	// to within 1e-6 of a replica, so that the float noise of a measured
	// mean does not add one to an exact ratio
	n := int(math.Ceil(ratio*float64(ready) - 1e-6))
	if current <= ready || ratio <= 1 {
		if math.Abs(1-ratio) <= a.cfg.Tolerance {
			return current
		}
		return n
	}
	all := ratio * float64(ready) / float64(current)
	if math.Abs(1-all) <= a.cfg.Tolerance || all <= 1 {
		return current
	}
	return max(n, current)
}

// Recommend is one evaluation at now: current is the replica count asked
// for (ready and provisioning), ready the replicas the metric was
// measured over and metric its mean per ready replica. It returns the
// count to ask for, and records the change for the policies.
func (a *Autoscaler) Recommend(now sim.Time, current, ready int, metric float64) int {
	desired := a.Proportional(current, ready, metric)
	desired = min(max(desired, a.cfg.Min), a.cfg.Max)
	// stabilisation (normalizeDesiredReplicasWithBehaviors)
	up, down := desired, desired
	upCut, downCut := now.Add(-a.cfg.UpWindow), now.Add(-a.cfg.DownWindow)
	for k := range a.recN {
		r := a.recs[(a.recI+k)%len(a.recs)]
		if r.at > upCut {
			up = min(up, r.n)
		}
		if r.at > downCut {
			down = max(down, r.n)
		}
	}
	a.record(now, desired)
	rec := current
	if rec < up {
		rec = up
	}
	if rec > down {
		rec = down
	}
	// policies (convertDesiredReplicasWithBehaviorRate)
	if rec > current {
		addedUp, addedDown := a.changes(now, a.cfg.UpPeriod)
		start := current - addedUp + addedDown
		limit := max(start+a.cfg.UpPods, int(math.Ceil(float64(start)*(1+float64(a.cfg.UpPercent)/100)-1e-9)))
		if a.cfg.UpPods == 0 && a.cfg.UpPercent == 0 {
			limit = current
		}
		rec = min(rec, max(limit, current), a.cfg.Max)
	} else if rec < current {
		addedUp, addedDown := a.changes(now, a.cfg.DownPeriod)
		start := current - addedUp + addedDown
		limit := min(start-a.cfg.DownPods, int(float64(start)*(1-float64(a.cfg.DownPercent)/100)+1e-9))
		if a.cfg.DownPods == 0 && a.cfg.DownPercent == 0 {
			limit = current
		}
		rec = max(rec, min(limit, current), a.cfg.Min)
	}
	if rec != current {
		a.event(now, rec-current)
	}
	return rec
}

// record keeps the recommendation n made at now, forgetting the oldest
// when the ring is full.
func (a *Autoscaler) record(now sim.Time, n int) {
	if a.recN == len(a.recs) {
		a.recI = (a.recI + 1) % len(a.recs)
		a.recN--
	}
	a.recs[(a.recI+a.recN)%len(a.recs)] = autoscaleRec{now, n}
	a.recN++
}

// event keeps the change d made at now.
func (a *Autoscaler) event(now sim.Time, d int) {
	if a.evN == len(a.events) {
		a.evI = (a.evI + 1) % len(a.events)
		a.evN--
	}
	a.events[(a.evI+a.evN)%len(a.events)] = autoscaleEvent{now, d}
	a.evN++
}

// changes returns the replicas added and removed within period before
// now (getReplicasChangePerPeriod).
func (a *Autoscaler) changes(now sim.Time, period time.Duration) (added, removed int) {
	cut := now.Add(-period)
	for k := range a.evN {
		e := a.events[(a.evI+k)%len(a.events)]
		if e.at <= cut {
			continue
		}
		if e.d > 0 {
			added += e.d
		} else {
			removed -= e.d
		}
	}
	return added, removed
}
