package models

import "github.com/stampede-sim/stampede/sim"

// The cost of rejecting (ServiceConfig.RejectCost): a rejection that
// takes a worker's time before it is answered.

// rejectWork rejects a at replica r with reason at the cost of a
// worker's time (ServiceConfig.RejectCost): on an idle worker at once,
// else ahead of the waiting requests. Until it is answered, a counts in
// the system.
func (s *service) rejectWork(r *replica, a *attempt, reason Reason) {
	a.rep = r
	a.reason = reason
	s.m.inSystem.add(s.w.s.Now(), 1)
	if !s.paused && !r.down && r.busy < s.active && r.rq.n == 0 {
		s.startReject(r, a)
		return
	}
	r.rq.push(a)
}

// startReject puts the rejection work of a on a worker of r.
func (s *service) startReject(r *replica, a *attempt) {
	w := s.w
	now := w.s.Now()
	r.busy++
	s.m.busy.add(now, 1)
	d := s.rejectCost.Sample(w.rngFor(with(a.seed, s.rejectHash)))
	if s.st != nil {
		s.st.mRejectWork.add(d.Seconds())
	}
	a.timer = w.s.Schedule(d, s.hRejected, a)
}

// onRejectDone ends the rejection work of a: the worker is freed and
// takes the next work, and the rejection is answered.
func (s *service) onRejectDone(arg any) {
	a := arg.(*attempt)
	a.timer = sim.Timer{}
	r := a.rep
	now := s.w.s.Now()
	r.busy--
	s.m.busy.add(now, -1)
	s.m.inSystem.add(now, -1)
	s.dispatch(r)
	s.reject(a, a.reason)
}
