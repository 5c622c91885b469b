package models

import (
	"fmt"
	"math/rand/v2"

	"github.com/stampede-sim/stampede/sim"
	"github.com/stampede-sim/stampede/strategies"
)

// edgeOutlier is outlier detection on an edge's balancer
// (ClientPolicy.Outlier, strategies.OutlierDetector): the caller's view of
// the target service's replicas, which of them it ejects, and the sweep
// timer. Each caller has its own, as each Envoy has its own detector for
// a cluster.
type edgeOutlier struct {
	w      *World
	d      *strategies.OutlierDetector
	svc    *service
	rng    *rand.Rand
	hSweep sim.Handler
	elig   []*replica // scratch: the replicas up and not ejected, for pick

	mEjections *counter
	gEjected   *gauge
}

// newEdgeOutlier registers the detector's metrics in m; wireOutlier
// builds the detector once the edge's target exists.
func newEdgeOutlier(m *metricSet) *edgeOutlier {
	return &edgeOutlier{mEjections: m.counter(strategies.MetricEjections), gEjected: m.gauge(strategies.MetricEjected)}
}

// wireOutlier builds e's detector over the replicas of its target service
// and starts its sweeps.
func (w *World) wireOutlier(e *edge) error {
	o := e.st.od
	svc, ok := e.to.(*service)
	if !ok {
		return fmt.Errorf("outlier_detection: the target %q is not a service", e.toName)
	}
	d, err := e.policy.Outlier.New(len(svc.reps))
	if err != nil {
		return err
	}
	o.w, o.d, o.svc = w, d, svc
	o.rng = w.s.Rand("edge/" + e.name + "/outlier")
	o.elig = make([]*replica, 0, len(svc.reps))
	d.SetHosts(svc.prov)
	svc.ods = append(svc.ods, o)
	o.hSweep = o.sweep
	w.s.Schedule(d.Interval(), o.hSweep, nil)
	return nil
}

// sweep is the detector's interval timer.
func (o *edgeOutlier) sweep(any) {
	now := o.w.s.Now()
	o.mEjections.add(float64(o.d.Sweep(now, o.rng)))
	o.gEjected.set(now, float64(o.d.EjectedHosts()))
	o.w.s.Schedule(o.d.Interval(), o.hSweep, nil)
}

// observe counts the end r of attempt a at the replica it reached: an
// answer (a success unless a server error: rate_limited is a 429, not a
// 5xx) or a timeout (a gateway failure). An attempt that reached no
// replica (lost, in transit, or refused by a whole-service outage) and one
// its call's deadline abandoned count nothing.
func (o *edgeOutlier) observe(a *attempt, r Reason) {
	rep := a.host
	if rep == nil || rep.s != o.svc {
		return
	}
	res := strategies.Outlier5xx
	switch r {
	case strategies.ReasonOK, strategies.ReasonRateLimited:
		res = strategies.OutlierSuccess
	case strategies.ReasonTimeout:
		res = strategies.OutlierGatewayFailure
	case strategies.ReasonDeadlineExceeded:
		return
	}
	now := o.w.s.Now()
	if o.d.Report(now, int(rep.idx), res, o.rng) {
		o.mEjections.inc()
		o.gEjected.set(now, float64(o.d.EjectedHosts()))
	}
}

// pickFor chooses the replica for a: among those its caller's outlier
// detection has not ejected, if any is; else (no detector, none ejected,
// or every replica up ejected: Envoy's panic mode) among all up.
func (s *service) pickFor(a *attempt) *replica {
	if o := a.e.od; o != nil && o.d.EjectedHosts() > 0 {
		o.elig = o.elig[:0]
		for _, r := range s.reps[:s.up] {
			if !o.d.Ejected(int(r.idx)) {
				o.elig = append(o.elig, r)
			}
		}
		if len(o.elig) > 0 {
			return s.pickFrom(o.elig, a)
		}
	}
	return s.pickFrom(s.reps[:s.up], a)
}
