package models

import (
	"time"

	"github.com/stampede-sim/stampede/models/config"
	"github.com/stampede-sim/stampede/sim"
	"github.com/stampede-sim/stampede/strategies"
)

// The fused path of a plain call: an open client's call that meets no
// client-side feature (no strategy, timeout, deadline, fallback or
// secondary, no priority or deadline to inherit, no link to draw, no
// recorder listening) has exactly one attempt, sent at once, whose answer
// ends it. Such a call needs no call record: its attempt, marked solo,
// stands for both (the call's seed is the attempt's callSeed, its start
// the attempt's sent), and the lifecycle's steps for it (newCall, launch,
// sendAttempt, deliver, letGo, attemptDone, finishCall, complete) are
// done here in two functions, one where the call starts and one where its
// answer is delivered. The server side sees an ordinary attempt.
//
// What makes a call plain is fixed when the world is built (strategies,
// policies and recorders do not change while it runs) but for the
// client's link, whose network faults come and go: that one is tested per
// call (link.drawn, kept by setFaults). A solo attempt already out when
// a fault starts meets it on the server side and on the way back as any
// attempt does (respond draws the response link); only its end is fused.
//
// TestFusedEqualsGeneral (and scenarios' TestFusedEqualsGeneralBuiltins)
// run worlds both ways (GeneralLifecycle) and require identical results.

// GeneralLifecycle makes every call of w from now on take the general
// lifecycle, none the fused path of plain calls. The results are the same
// either way (only slower): it is the tests' switch that holds the fused
// path to the general one, called between Build and Run. It also turns
// off the shortcuts of edges with strategies (edgeStrat's quiet and
// bare), so that those edges take their general steps too.
func (w *World) GeneralLifecycle() {
	w.general = true
	w.eachEdge(func(e *edge) {
		if e.st != nil {
			e.st.quiet, e.st.bare = false, false
		}
	})
	w.markPlain()
}

// PlainClients returns how many of w's clients' calls, services' requests
// and edges with strategies take a fused path or shortcut now (the faults
// aside), for the tests of GeneralLifecycle.
func (w *World) PlainClients() int {
	n := 0
	for _, c := range w.clients {
		if c.plain {
			n++
		}
	}
	w.eachEdge(func(e *edge) {
		if e.st != nil && (e.st.quiet || e.st.bare) {
			n++
		}
	})
	for _, s := range w.services {
		if s.plainEnd {
			n++
		}
	}
	return n
}

// markPlain decides, once the world is built, whether each client's calls
// are plain (see above) but for the link, tested per call.
func (w *World) markPlain() {
	for _, c := range w.clients {
		e := c.e
		p := &e.policy
		c.plain = !w.general &&
			c.cfg.Model == config.Open &&
			e.st == nil && e.alt == nil && !e.inherit &&
			p.Timeout <= 0 && p.Deadline <= 0 && p.Fallback == nil &&
			w.rec.start == nil && w.rec.step == nil && w.rec.done == nil
		c.soloSvc, _ = e.to.(*service)
		// newCall's priority for a call with no owner (inherit(c, nil))
		c.soloPrio = uint8(e.prio)
		if e.prio < 0 {
			c.soloPrio = uint8(strategies.Critical)
		}
	}
	w.eachEdge(func(e *edge) {
		// launch's tests of a call with no deadline and no strategy
		// acting as it starts (c.due is sim.Never unless inherited)
		e.direct = !w.general && e.policy.Deadline <= 0 && !e.inherit &&
			(e.st == nil || e.st.bare)
		// launch's tests of a call whose only step before its first
		// attempt is its deadline, left to its first retry (lazyDue):
		// the edge's own, past the timeout, and a strategy that does not
		// act as a call starts and lets it wait (dueLate). The deadline's
		// bound keeps now+deadline below sim.Never, as launch found it.
		p := &e.policy
		e.lazy = !w.general && !e.inherit && p.Timeout > 0 && p.Deadline > p.Timeout &&
			p.Deadline < time.Duration(sim.Never-w.end) && (e.st == nil || e.st.bare && e.st.dueLate)
		// deliver's tests of an answer no strategy or recorder hears
		// (a call's strategy state is there when its edge's is)
		e.okEnd = (e.st == nil || e.st.quiet) && w.rec.step == nil
		e.failEnd = (e.st == nil || !e.st.observes) && w.rec.step == nil
		// the target whose full waiting room refuses at once, seen
		// from e (turnedAway)
		e.full, e.fullRep, e.fullLimit = nil, nil, 0
		if s, ok := e.to.(*service); ok && !w.general && s.st == nil && s.bal == nil && e.od == nil &&
			s.rejectCost == nil && s.cfg.Queue.Fair == "" && s.limit >= 0 && len(s.reps) > 0 {
			e.full, e.fullRep, e.fullLimit = s, s.reps[0], s.limit
		}
	})
	w.markPlainEnd()
}

// sendSolo starts a plain call with seed (the open client's call n) as a
// solo attempt and sends it: newCall, launch and sendAttempt for a call
// that has no deadline and no strategy, over a link with nothing to draw;
// then, at a service in the common state (one replica up, no strategy,
// balancer state, outage, black hole or gray failure, a waiting room
// that admits the attempt), arrive and enter's first way: the idle
// worker, or the queue.
func (c *client) sendSolo(seed uint64) {
	w := c.w
	e := c.e
	now := w.s.Now()
	// launch: the call is counted and in flight
	st := &e.stats
	// for the run and the interval (its count less its mark)
	st.calls++
	st.inFlight.add(now, 1)
	// sendAttempt: attempt 1 of the call
	a := w.newAttempt()
	a.e, a.n, a.solo = e, 1, true
	a.callSeed = seed
	a.seed = seq(seed, 1)
	a.sent = now
	a.due = sim.Never
	a.prio = c.soloPrio
	a.holders = 2
	a.slot = -1
	// for the run and the interval (its count less its mark)
	st.attemptsN++
	if s := c.soloSvc; s != nil && s.solo {
		// arrive then enter for a service with one replica up and no
		// strategy, balancer state, outage, black hole, pause or gray
		// failure (s.solo), whose waiting room admits a (the fresh
		// attempt is not cancelled, its edge has no strategy): enter's
		// first way, its idle worker or its queue
		r := s.reps[0]
		q := &r.q
		idle := r.busy < s.active && q.n == 0
		if idle || s.limit < 0 || q.n < s.limit {
			a.svc = s
			a.arrived = now
			// for the run and the interval (its count less its mark)
			s.m.arrivalsN++
			a.host = r
			s.m.inSystem.add(now, 1)
			if idle {
				s.start(r, a)
				return
			}
			if s.patience != nil || q.fq != nil || q.n == len(q.buf) {
				s.wait(r, a, now) // a patience to draw, a fair queue, a full ring
				return
			}
			// wait, and the ring's push
			a.rep = r
			a.queued = true
			q.buf[(q.head+q.n)&(len(q.buf)-1)] = a
			q.n++
			s.m.queue.add(now, 1)
			return
		}
	}
	e.to.arrive(a)
}

// soloDone ends the plain call of solo attempt a with its answer a.reason:
// deliver (the only attempt answered: letGo, the server's release,
// attemptDone, finishCall with nothing left to stop) then complete for a call with no owner, recorder or fallback.
func (a *attempt) soloDone(w *World) {
	now := w.s.Now()
	r := a.reason
	st := &a.e.stats
	if r == strategies.ReasonOK {
		// for the run and the interval (its count less its mark)
		st.succeededN++
		st.hist.Record(now.Sub(a.sent))
	} else {
		// for the run and the interval (its count less its mark)
		st.failedN[r]++
		if r == strategies.ReasonError && a.cause.e != nil {
			st.countCause(a.cause)
		}
	}
	st.inFlight.add(now, -1)
	// the caller's and the server's releases; a request that still waits
	// for late downstream answers (fanout_quorum) holds itself, and lets
	// go of a, now an attempt nobody calls for, when they come
	a.solo = false
	if a.holders -= 2; a.holders <= 0 {
		a.free(w)
	}
}

// The end of a request's work at a service whose requests make no
// downstream calls and meet no server-side strategy, autoscaler or
// recorder (service.plainEnd, fixed at build like a client's plainness):
// workDone, finish, dispatch and respond in one function, and, for a solo
// attempt whose answer needs no link, deliver too. The service's faults,
// gray failures and deploys come and go: their tests stay, where the
// general steps make them.

// markPlainEnd decides each service's plainEnd (markPlain's part for the
// services).
func (w *World) markPlainEnd() {
	for _, s := range w.services {
		s.plainEnd = !w.general && len(s.calls) == 0 && s.st == nil &&
			!s.pulls && s.as == nil && w.rec.step == nil
		s.setSolo() // sendSolo's test, for the state built
		// the handler of its requests' work's end: workDone, or finishPlain
		s.hDone = w.hWorkDone
		if s.plainEnd {
			s.hDone = onFinishPlain
		}
	}
}

// onFinishPlain is workDone for a service with plainEnd (the handler of
// the event that ends a request's work). A recorder that came after the
// work started (World.listen) has made the service's ends general: the
// request takes workDone's steps, so that the recorder hears them.
//
// It is a function, not a method value bound to s: the event's call then
// goes to it directly, not through the method value's wrapper (a.svc is
// s, set at arrival).
func onFinishPlain(arg any) {
	a := arg.(*attempt)
	s := a.svc
	if !s.plainEnd {
		s.workDone(a)
		return
	}
	// (a.timer, fired, stays: out of rep.running nothing reads it)
	s.finishPlain(a)
}

// finishPlain ends a's local work at s, a service with plainEnd: the
// general workDone then finish (there is no downstream call to make, no
// strategy to leave, no message to consume), dispatch (no rejection
// waits for a worker when rq is empty, no discipline decides at dequeue,
// nothing to pull, no strategy to tell the queue emptied, no replica
// retires), then respond, or the answer's deliver and the end of its
// call for a solo attempt over a link with nothing to draw.
//
// Under load the freed worker goes at once to the request next in the
// queue: freeWorker's freeing of the worker, then dispatch's first
// dequeue and start, are then one hand-off, when no rejection waits for
// a worker (rq is empty), the queue is not fair, and the worker is free
// to serve (rep.busy <= s.active before it is freed, the service not
// paused, the replica up). The worker count and the busy gauge, which
// would fall by one and rise by one again at this instant, are left as
// they are (the gauge's area grows as the fall's would, the rise adding
// v x 0, and v, at most the maximum, does not pass it), and the next
// request takes the last slot of rep.running, where the truncation and
// the append would put it. (The dispatch loop after it tests the worker
// count first: once the freed worker is taken that is what ends it.)
func (s *service) finishPlain(a *attempt) {
	w := s.w
	now := w.s.Now()
	rep := a.rep
	r := a.reason
	q := &rep.q
	// finish: freeWorker's steps for a
	a.busy = now.Sub(a.started)
	s.m.inSystem.add(now, -1)
	// for the run and the interval (its count less its mark)
	s.m.servedN++
	if r == strategies.ReasonError {
		// for the run and the interval (its count less its mark)
		s.m.errorsN++
	}
	s.m.sojournSum += float64(now - a.arrived)
	// for the run and the interval (its count less its mark)
	a.e.stats.throughputN++
	last := len(rep.running) - 1
	if int(a.slot) != last {
		// (a is the latest to start unless several workers serve)
		moved := rep.running[last]
		rep.running[a.slot] = moved
		moved.slot = a.slot
	}
	a.slot = -1
	if q.n > 0 && q.fq == nil && rep.rq.n == 0 && rep.busy <= s.active && !s.paused && !rep.down {
		// the hand-off: the worker stays busy
		s.m.busy.hold(now)
		// dispatch: popFront (popBack for LIFO), then dequeued
		i := q.head
		if s.lifo {
			i = (i + q.n - 1) & (len(q.buf) - 1)
		} else {
			q.head = (i + 1) & (len(q.buf) - 1)
		}
		next := q.buf[i]
		q.buf[i] = nil
		q.n--
		next.queued = false
		s.m.queue.add(now, -1)
		if s.patience != nil {
			next.timer.Stop()
			next.timer = sim.Timer{}
		}
		// start's steps for next, in the last slot (there is no step
		// recorder: plainEnd)
		next.rep = rep
		next.started = now
		s.m.waitSum += float64(now - next.arrived)
		s.m.waitN++
		next.slot = int32(last)
		rep.running[last] = next
		rng := w.rngFor(with(next.seed, s.hash))
		var d time.Duration // s.dist.Sample(rng)
		if s.expNS > 0 {
			d = sim.Dur(s.expNS * w.draws.ExpFloat64())
		} else {
			d = w.draws.Sample(s.dist)
		}
		if s.slowed {
			d = time.Duration(float64(d) * s.slow)
		}
		errP := s.errP
		if rep.g.gray || rep.dep != nil {
			d, errP = rep.shiftWork(now, d, errP)
		}
		next.reason = strategies.ReasonOK
		if errP > 0 && rng.Float64() < errP {
			next.reason = strategies.ReasonError
		}
		next.timer = w.s.Schedule(d, s.hDone, next)
	} else {
		// the worker is freed
		rep.running[last] = nil
		rep.running = rep.running[:last]
		rep.busy--
		s.m.busy.add(now, -1)
		if rep.rq.n > 0 {
			s.dispatch(rep) // rejections wait for a worker (reject_cost)
		}
	}
	// dispatch: free workers take the next waiting requests
	for rep.busy < s.active && q.n > 0 && !s.paused && !rep.down {
		var next *attempt // next, with no strategy
		if s.lifo {
			next = q.popBack()
		} else {
			next = q.popFront()
		}
		s.dequeued(next, now)
		s.start(rep, next)
	}
	// respond
	if s.blackHole || rep.g.hole {
		a.discard(w)
		return
	}
	if a.solo && !a.e.link.drawn {
		a.soloDone(w) // respond and deliver, with no recorder and no link
		return
	}
	a.respond(w, r)
}

// setSolo sets s.solo, sendSolo's test of s's state: no strategy or
// balancer state (fixed when the world is built), one replica up, no
// outage, black hole, pause or gray failure (service_faults.go: setUp, setOutage, setPaused
// and setGray keep it as they change). A replica's gray failure is set
// only with the service's (refreshGray), so with no gray failure on s its
// first replica has none either.
func (s *service) setSolo() {
	// arrive's way straight to enter: no black hole, no outage, one
	// replica up and no balancer state (and no outlier detection, the
	// edge's, tested there)
	s.one = s.up == 1 && s.bal == nil && !s.blackHole && !s.failFast
	s.solo = s.one && s.st == nil && !s.paused && !s.gray
}
