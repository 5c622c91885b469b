package models

import (
	"github.com/stampede-sim/stampede/strategies"
)

// serviceStrat is the server-side strategy state of one service: nil when
// its configuration turns none on, so that such a service pays one nil
// check per request and nothing else.
//
// The order in the lifecycle (docs/STRATEGIES.md), per replica:
//
//	arrival -> rate limit -> distributed rate limit -> load shedding
//	-> adaptive concurrency -> queue limit -> queue
//	dequeue -> order (fifo / lifo / adaptive LIFO) -> drop expired
//	-> CoDel -> worker
type serviceStrat struct {
	dropExpired bool

	m        metricSet
	mExpired *counter // requests dropped at dequeue past their deadline
}

// newServiceStrat returns the strategies cfg turns on, or nil.
func newServiceStrat(cfg *ServiceConfig) (*serviceStrat, error) {
	x := &serviceStrat{}
	any := false
	if cfg.Queue.DropExpired {
		x.dropExpired = true
		x.mExpired = x.m.counter("expired")
		any = true
	}
	if !any {
		return nil, nil
	}
	return x, nil
}

// next takes the request a free worker of r serves next: the queue order
// picks it, then the dequeue disciplines may drop it (answering it with
// their reason) and take the next one. It returns nil when the queue ran
// out.
func (x *serviceStrat) next(s *service, r *replica) *attempt {
	now := s.w.s.Now()
	for r.q.n > 0 {
		var a *attempt
		if s.lifo {
			a = r.q.popBack()
		} else {
			a = r.q.popFront()
		}
		s.m.queue.add(now, -1)
		if x.dropExpired && strategies.Expired(now, a.due, 0) {
			x.mExpired.inc()
			s.dropWaiting(a, strategies.ReasonExpired)
			continue
		}
		return a
	}
	return nil
}

// dropWaiting answers a request taken from the queue with reason r
// instead of serving it. The answer leaves through the event queue, so
// that the caller's reaction (a retry, another request to this service)
// cannot reach this replica while it is picking its next request.
func (s *service) dropWaiting(a *attempt, r Reason) {
	now := s.w.s.Now()
	s.m.inSystem.add(now, -1)
	s.m.rejected++
	s.m.rejectedN++
	a.reason = r
	s.w.s.Schedule(0, s.w.hReply, a)
}

func (w *World) onReply(arg any) {
	a := arg.(*attempt)
	w.respond(a, a.reason)
}

// strat returns the service's strategy metrics, nil without strategies.
func (s *service) strat() *metricSet {
	if s.st == nil {
		return nil
	}
	return &s.st.m
}

// buildServiceStrategies makes the strategies of every service.
func (w *World) buildServiceStrategies() error {
	for _, s := range w.services {
		st, err := newServiceStrat(s.cfg)
		if err != nil {
			return err
		}
		s.st = st
	}
	return nil
}
