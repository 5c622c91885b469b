package models

import (
	"time"

	"github.com/stampede-sim/stampede/models/config"
	"github.com/stampede-sim/stampede/strategies"
)

// grayState is what the gray failures (faults with replicas_hit) on a
// replica make of it: slower, erroring, failing fast or black-holing,
// while the service as a whole and its other replicas look healthy.
type grayState struct {
	gray bool    // some gray failure hits it
	slow float64 // service-time factor
	okP  float64 // probability a request escapes the injected errors
	fail bool    // outage fail_fast: answers outage at once
	hole bool    // outage black_hole: swallows requests, never answers
}

// refreshGray recomputes every replica's gray state from the service's
// active faults that name replicas_hit, failing (fail_fast) or dropping
// (black_hole) the waiting requests of a replica whose outage starts.
func (s *service) refreshGray() {
	hit := false
	for _, r := range s.reps {
		g := grayState{slow: 1, okP: 1}
		for _, f := range s.faults {
			if f.cfg.ReplicasHit == nil || int(r.idx) >= *f.cfg.ReplicasHit {
				continue
			}
			g.gray = true
			switch f.cfg.Kind {
			case config.FaultSlowdown:
				g.slow *= f.cfg.Factor
			case config.FaultErrorRate:
				g.okP *= 1 - f.cfg.Probability
			case config.FaultOutage:
				if f.cfg.Mode == config.BlackHole {
					g.hole = true
				} else {
					g.fail = true
				}
			}
		}
		if g.hole && !r.g.hole {
			s.drain(r, strategies.ReasonOK)
		} else if g.fail && !r.g.fail {
			s.drain(r, strategies.ReasonOutage)
		}
		r.g = g
		hit = hit || g.gray
	}
	s.setGray(hit)
}

// grayRefused answers or swallows a, which the gray failure of r (an
// outage on that replica) refuses: it reports false when r takes it.
func (s *service) grayRefused(r *replica, a *attempt) bool {
	switch {
	case r.g.hole:
		s.m.droppedN++
		a.release(s.w) // swallowed: no answer ever comes
	case r.g.fail:
		s.reject(a, strategies.ReasonOutage)
	default:
		return false
	}
	return true
}

// grayWork applies r's gray slowdown and errors to a request's work d and
// error probability errP.
func (r *replica) grayWork(d time.Duration, errP float64) (time.Duration, float64) {
	if r.g.slow != 1 {
		d = time.Duration(float64(d) * r.g.slow)
	}
	return d, 1 - (1-errP)*r.g.okP
}
