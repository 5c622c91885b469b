package models

import (
	"github.com/stampede-sim/stampede/models/config"
	"github.com/stampede-sim/stampede/sim"
	"github.com/stampede-sim/stampede/strategies"
)

// drain empties r's queue, answering each waiting request with reason r
// (or dropping it without an answer when r is OK: a black hole).
func (s *service) drain(rep *replica, r Reason) {
	now := s.w.s.Now()
	for rep.rq.n > 0 { // rejections still to be worked on go out now
		a := rep.rq.popFront()
		s.m.inSystem.add(now, -1)
		if r == strategies.ReasonOK {
			s.m.droppedN++
			a.release(s.w)
		} else {
			s.reject(a, a.reason)
		}
	}
	for rep.q.n > 0 {
		a := rep.q.popFront()
		s.dequeued(a, now)
		s.m.inSystem.add(now, -1)
		if a.limIn > 0 {
			s.st.leave(s, rep, a, strategies.ReasonOutage)
		}
		if r == strategies.ReasonOK {
			s.m.droppedN++
			a.release(s.w)
		} else {
			s.reject(a, r)
		}
	}
}

// refresh recomputes the service's state from its active faults and acts
// on the transitions: freezing or thawing work for a pause, failing or
// dropping waiting requests for an outage or lost replicas, and starting
// waiting requests when capacity comes back.
func (s *service) refresh() {
	w := s.w
	now := w.s.Now()
	cfg := s.cfg
	slow, okP := 1.0, 1-cfg.ErrorRate
	paused, failFast, blackHole := false, false, false
	workersOut, replicasOut := 0, 0
	gray := false
	for _, f := range s.faults {
		if f.cfg.ReplicasHit != nil {
			gray = true // per replica: refreshGray
			continue
		}
		switch f.cfg.Kind {
		case config.FaultSlowdown:
			slow *= f.cfg.Factor
		case config.FaultPause:
			paused = true
		case config.FaultCapacityLoss:
			workersOut += f.cfg.Workers
			replicasOut += f.cfg.Replicas
		case config.FaultOutage:
			if f.cfg.Mode == config.BlackHole {
				blackHole = true
			} else {
				failFast = true
			}
		case config.FaultErrorRate:
			okP *= 1 - f.cfg.Probability
		}
	}
	s.slow, s.slowed = slow, slow != 1
	s.errP = 1 - okP
	s.active = max(0, cfg.Workers-workersOut)
	up := max(0, s.prov-replicasOut-s.deployDown)
	if up < s.up {
		for _, r := range s.reps[up:s.up] {
			r.down = true
			s.drain(r, strategies.ReasonOutage)
		}
	}
	for _, r := range s.reps[s.up:max(s.up, up)] {
		r.down = false
	}
	s.setUp(up)
	if s.rr >= max(up, 1) {
		s.rr = 0
	}
	if failFast && !s.failFast {
		for _, r := range s.reps {
			s.drain(r, strategies.ReasonOutage)
		}
	}
	if blackHole && !s.blackHole {
		for _, r := range s.reps {
			s.drain(r, strategies.ReasonOK)
		}
	}
	s.setOutage(failFast, blackHole)
	if gray || s.gray {
		s.refreshGray()
	}
	if paused && !s.paused {
		s.setPaused(true)
		for _, r := range s.reps {
			for _, a := range r.running {
				if a.timer.Active() {
					a.remaining = a.timer.When().Sub(now)
					a.timer.Stop()
					a.timer = sim.Timer{}
					a.frozen = true
				}
			}
		}
	} else if !paused && s.paused {
		s.setPaused(false)
		for _, r := range s.reps {
			for _, a := range r.running {
				if a.frozen {
					a.frozen = false
					a.timer = w.s.Schedule(a.remaining, w.hWorkDone, a)
				}
			}
		}
		deferred := s.deferred
		s.deferred = nil
		for _, a := range deferred {
			s.afterCalls(a)
		}
	}
	s.capacityUp = s.up * s.active
	s.m.capacity.set(now, float64(s.capacityUp))
	if s.as != nil {
		s.as.gReplicas.set(now, float64(s.up))
	}
	for _, r := range s.reps {
		if !r.down { // the up replicas, and those retiring
			s.dispatch(r)
		}
	}
}

// setUp sets s.up, the replicas that take requests, and s.solo with it.
func (s *service) setUp(up int) {
	s.up = up
	s.setSolo()
}

// setOutage sets s.failFast and s.blackHole, and s.solo with them.
func (s *service) setOutage(failFast, blackHole bool) {
	s.failFast, s.blackHole = failFast, blackHole
	s.setSolo()
}

// setPaused sets s.paused, and s.solo with it.
func (s *service) setPaused(paused bool) {
	s.paused = paused
	s.setSolo()
}

// setGray sets s.gray, and s.solo with it.
func (s *service) setGray(gray bool) {
	s.gray = gray
	s.setSolo()
}
