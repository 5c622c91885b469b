package models

import (
	"time"

	"github.com/stampede-sim/stampede/models/config"
	"github.com/stampede-sim/stampede/sim"
	"github.com/stampede-sim/stampede/strategies"
)

// target is what a call can be made to: a service or a cache.
type target interface {
	// arrive receives an attempt at the target (after the request link).
	arrive(a *attempt)
}

// owner is who waits for a call: a closed-loop user, a session, a request
// at a service or cache (its downstream calls), a call (its fallback's
// call to a secondary), a cache's refresh, a job's round. An open
// client's calls have none (nil): it does not wait for them.
type owner interface {
	// callDone is told the outcome of c; c is recycled when it returns.
	callDone(c *call, r Reason)
}

// link is the network of one edge, both directions.
type link struct {
	latency sim.Dist // nil when zero
	loss    float64
	faults  []*fault // active network faults on this link
	// drawn: the link has something to draw (a latency, a loss or an
	// active fault); kept by newLink and setFaults, so that the test of
	// the common case is one load
	drawn bool
	// fixed (setFaults): no draw, the delay is fixedD; lane: its sim.Lane
	fixed  bool
	fixedD time.Duration
	lane   sim.Lane // the latency's, if constant (World.makeLanes)
}

func newLink(l config.LinkConfig) link {
	lk := link{latency: l.Latency, loss: l.Loss}
	if lk.latency != nil && lk.latency.Mean() == 0 && lk.latency.Variance() == 0 {
		lk.latency = nil
	}
	lk.setFaults(nil)
	return lk
}

// setFaults sets the link's active network faults.
func (l *link) setFaults(fs []*fault) {
	l.faults = fs
	l.drawn = l.latency != nil || l.loss != 0 || len(l.faults) != 0
	l.fixedD, l.fixed = 0, false
	if l.latency != nil && l.loss == 0 && len(l.faults) == 0 {
		l.fixedD, l.fixed = sim.ConstValue(l.latency)
	}
}

// draw draws the fate of one message on l, a link with something to
// draw (l.drawn): its delay, or its loss. Draws come from with(seed,
// purpose), a stream tied to the attempt and the direction. A link with
// no latency, loss or fault is crossed inline: its callers test l.drawn
// first and derive no seed.
//
// A fixed link returns its delay without seeding the generator: every
// draw seeds it first (rngFor), so no other draw sees the difference.
func (l *link) draw(w *World, seed, purpose uint64) (time.Duration, bool) {
	if l.fixed {
		return l.fixedD, false
	}
	r := w.rngFor(with(seed, purpose))
	if l.loss > 0 && r.Float64() < l.loss {
		return 0, true
	}
	var d time.Duration
	if l.latency != nil {
		d = l.latency.Sample(r)
	}
	for _, f := range l.faults {
		if f.cfg.Loss > 0 && r.Float64() < f.cfg.Loss {
			return 0, true
		}
		if f.cfg.Latency != nil {
			d += f.cfg.Latency.Sample(r)
		}
	}
	return d, false
}

// edge is a caller's connection to a target: the client's, or a service's
// or cache's downstream edge. Calls on it follow its policy and link.
type edge struct {
	name   string
	policy config.ClientPolicy
	link   link
	to     target
	toName string
	hash   uint64
	stats  callStats
	st     *edgeStrat // client-side strategies; nil when none
	// od is st.od, the edge's outlier detection; nil when none (the
	// balancer's test of it is one load: service.arrive)
	od *edgeOutlier
	// timeouts and deadlines are the lines of the attempts' timeouts and
	// of the calls' deadlines (each made at its first use)
	timeouts, deadlines sim.Line
	// retryDeadlines are the lines of the deadlines set at a first retry
	// (armDue): [0] after a timeout, [1] after an earlier failure, each
	// about in the order its calls started
	retryDeadlines [2]sim.Line
	alt            *secondary // the fallback's secondary; nil when none
	// inherit: calls carry the deadline of the request they are made for
	// (deadline propagation)
	inherit bool
	// prio is the criticality of the edge's calls; -1: that of the
	// request they are made for
	prio int8
	// direct: launch sends a call's first attempt with nothing to do
	// before it (no deadline of the edge's or inherited, no strategy
	// acting as a call starts); lazy: with the edge's own deadline left
	// to the first retry (lazyDue) alone. Kept by markPlain.
	direct, lazy bool
	// full is the target, a service whose full waiting room refuses an
	// attempt at once with nothing to act before (no server strategy,
	// balancer state, outlier detection, fair queue or reject cost), so
	// that turnedAway can tell; nil otherwise. Kept by markPlain.
	full *service
	// fullRep and fullLimit are full's replica, its first (it has one:
	// markPlain), and its waiting room's limit, both fixed at build:
	// turnedAway's first test, the common case, reads them from e.
	fullRep   *replica
	fullLimit int
	// okEnd and failEnd: deliver's fused end of a call's only attempt
	// is taken by a success (okEnd) or a failure (failEnd): no strategy
	// (or one that hears none, or no failure) and no step recorder
	// hears it. Kept by markPlain.
	okEnd, failEnd bool
}

// turnedAway reports whether an attempt sent on e now is refused at once
// (queue_full) by full, its target, and answered over a link with nothing
// to draw: the caller then stops its timeout before any other event is
// scheduled, so sendAttempt does not set it. A timer set and stopped with
// nothing scheduled in between changes no event's order: every later one
// only has its sequence number one lower.
func (e *edge) turnedAway() bool {
	r := e.fullRep
	if r == nil {
		return false
	}
	s := e.full // enter's test of a full waiting room, then arrive's and enter's of the way to it
	return r.q.n >= e.fullLimit && (e.fullLimit > 0 || s.paused || r.busy >= s.active) &&
		s.up == 1 && !s.blackHole && !s.failFast && !r.g.gray && !e.link.drawn
}

// call is one logical call: attempts until it succeeds or fails. It is
// pooled; an owner must drop its pointer in callDone.
type call struct {
	e        *edge
	owner    owner
	seed     uint64
	start    sim.Time
	due      sim.Time // the deadline as an instant; sim.Never when none
	deadline sim.Timer
	attempts int32
	live     []*attempt // attempts the caller still waits for
	x        *callStrat // the edge's per-call strategy state; nil when none
	prio     uint8      // criticality of the call's attempts
	// lazyDue: the deadline (due) has no timer yet; launch left it to the
	// first retry (armDue), as the first attempt's timeout ends it before
	lazyDue bool

	// the trace recording the call and its index there; nil when none
	tr    *traceRec
	trIdx int32

	// nextFree is the next free call in the world's pool; nil in use
	nextFree *call

	// cause is the root of the error its last failed attempt got from
	// below; the zero cause when that failure arose at its target.
	cause cause
	// failed is the failure a fallback answers while the answer is on its
	// way (a fallback latency, a call to a secondary); ReasonOK otherwise
	failed Reason
}

// cause is the root of an error a request got from below: the edge whose
// call failed with a reason of its own (a timeout, breaker_open,
// deadline_exceeded, the target's outage or injected error, ...), and
// that reason. A service whose downstream call fails answers error; the
// cause travels with that error up to the client, which counts its calls'
// errors by cause (results' error_causes): "error (db: outage)". The zero
// cause is none.
type cause struct {
	e *edge
	r Reason
}

// attempt is one try of a call, and the request the target works on. It
// has two holders: the caller (until it gets an answer or gives up) and
// the network/server side (until the answer is delivered or discarded); it
// is recycled when both have let go. Its fields are in two halves, each
// small enough that the compiler zeroes it with straight stores, not a
// loop (free zeroes an attempt at the end of every call).
type attempt struct {
	attemptA
	attemptB
}

// attemptA is the first half of an attempt's fields: the caller's, and
// the server's up to the timer of its local work.
type attemptA struct {
	c        *call // nil once the caller let go
	e        *edge
	seed     uint64 // tied to (call, attempt number)
	callSeed uint64
	n        int32
	holders  int8
	sent     sim.Time
	due      sim.Time // the call's deadline, carried for servers (deadline propagation)
	timeout  sim.Timer

	// server side
	svc     *service
	rep     *replica
	host    *replica // the replica the balancer picked for it (outlier detection)
	ca      *cache
	arrived sim.Time
	started sim.Time
	busy    time.Duration // worker time spent, set when service ends
	reason  Reason        // the server's answer
	timer   sim.Timer     // end of the local work
}

// attemptB is the second half of an attempt's fields.
type attemptB struct {
	remaining  time.Duration // local work left when frozen by a pause
	frozen     bool
	slot       int32 // index in rep.running, -1 when not running
	pending    int32 // downstream calls outstanding
	next       int32 // next sequential downstream call
	downFailed bool
	// fanout_quorum (routing.go): successes still needed and failures
	// still tolerated; settled once the request went on with calls out
	need, spare int32
	settled     bool
	cause       cause // why a downstream call failed (the first to fail)
	key         int32 // cache key

	// strategies (client_strategies.go, server_strategies.go)
	prio      uint8         // criticality (strategies.Priority), for priority shedding
	door      uint8         // the replica's doors it has passed (serviceStrat.pass)
	queued    bool          // waiting in a replica's queue
	cancelled bool          // a hedge copy whose caller cancelled it
	limIn     int32         // in flight at the replica's adaptive limiter when admitted; 0 when it holds no slot
	maxWait   time.Duration // longest wait allowed by controlled delay, set at enqueue

	// the next request waiting for the same cache fetch (coalescing);
	// in the world's pool, the next free attempt
	nextWait *attempt
	// a message an async service acknowledged: nobody waits for its answer
	msg bool
	// sent as a hedge, while another copy was out (beside msg: no padding)
	hedge bool
	// solo: the only attempt of a plain call, which has no call record
	// (plain.go); c is nil
	solo bool

	// the trace recording the attempt and its span there; nil when none
	tr     *traceRec
	trSpan int32
}

func (e *edge) newCall(w *World, o owner, seed uint64) *call {
	var c *call
	if c = w.calls; c != nil {
		w.calls = c.nextFree
		c.nextFree = nil
	} else {
		c = &call{}
		w.madeCalls = append(w.madeCalls, c)
	}
	c.e, c.owner, c.seed = e, o, seed
	c.due = sim.Never
	c.prio = uint8(e.prio)
	if e.inherit || e.prio < 0 {
		inherit(c, o)
	}
	if e.st != nil {
		c.attachStrat(w)
	}
	return c
}

func (c *call) freeCall(w *World) {
	if c.x != nil {
		c.x.freeCallStrat(w)
	}
	live := c.live[:0]
	*c = call{live: live, nextFree: w.calls}
	w.calls = c
}

func (w *World) newAttempt() *attempt {
	var a *attempt
	if a = w.attempts; a != nil {
		w.attempts = a.nextWait
		a.nextWait = nil
	} else {
		a = &attempt{}
		w.madeAttempts = append(w.madeAttempts, a)
	}
	w.inFlight++
	if w.inFlight > w.maxInFlight && w.err == nil {
		w.fail(&LimitError{Limit: "limits.max_in_flight", Value: uint64(w.maxInFlight), At: w.s.Now()})
	}
	return a
}

// release drops one holder of a; the last one recycles it.
func (a *attempt) release(w *World) {
	a.holders--
	if a.holders <= 0 {
		a.recycle(w) // out of line, so that release inlines
	}
}

// recycle returns a, whose last holder let go, to the pool. It stays a
// call: under the profile's inlining it would be inlined into release,
// which then would be too large to inline where it is called.
//
//go:noinline
func (a *attempt) recycle(w *World) {
	if rc := w.rec.step; rc != nil {
		rc.attemptStep(a, stepReleased, strategies.ReasonOK)
	}
	a.free(w)
}

// free returns a to the pool (recycle's work once its recorders heard).
func (a *attempt) free(w *World) {
	a.attemptA = attemptA{}
	a.attemptB = attemptB{slot: -1, nextWait: w.attempts}
	w.attempts = a
	w.inFlight--
}

// launch starts call c (the owner has recorded c first: the call may end
// before launch returns).
func (c *call) launch(w *World) {
	now := w.s.Now()
	c.start = now
	st := &c.e.stats
	// for the run and the interval (its count less its mark)
	st.calls++
	st.inFlight.add(now, 1)
	if rc := w.rec.start; rc != nil {
		rc.callStarted(c)
	}
	if c.e.direct {
		c.sendAttempt(w, sendFirst)
		return
	}
	if e := c.e; e.lazy { // (the edge's deadline alone: see markPlain)
		c.due, c.lazyDue = now.Add(e.policy.Deadline), true
		c.sendAttempt(w, sendFirst)
		return
	}
	if d := c.e.policy.Deadline; d > 0 {
		c.due = min(c.due, now.Add(d))
	}
	if c.due != sim.Never {
		if c.due <= now {
			c.finishCall(w, strategies.ReasonDeadlineExceeded)
			return
		}
		// the first attempt, sent now, times out before the deadline:
		// with nothing else to send a copy, it is set at the first retry
		if t := c.e.policy.Timeout; t > 0 && c.due.Sub(now) > t && (c.x == nil || c.e.st.dueLate) {
			c.lazyDue = true
		} else {
			c.setDeadline(w, now, &c.e.deadlines)
		}
	}
	if c.x != nil && !c.e.st.bare {
		c.launchStrat(w)
		return
	}
	c.sendAttempt(w, sendFirst)
}

// setDeadline sets c's deadline timer on line l, one of c.e's. An edge's
// own deadline falls due in the order its calls start, so it goes on a
// line like the timeouts (an inherited one out of that order goes through
// the heap: sim.Line).
func (c *call) setDeadline(w *World, now sim.Time, l *sim.Line) {
	if *l == (sim.Line{}) {
		*l = w.s.NewLine()
	}
	c.deadline = w.s.ScheduleOn(*l, c.due.Sub(now), w.hDeadline, c)
}

// armDue sets the timer of c's deadline, which launch left to the first
// retry (lazyDue), as that retry is scheduled: from it on the deadline may
// end the call before its attempt's timeout. Until then it could not
// matter, so no event's order changes but for ties at its instant with
// events scheduled in between. The first retries after a timeout are
// scheduled in the order their calls started, and so are most of the
// others (a failure answered at once, before the timeout): a line each.
func (c *call) armDue(w *World) {
	c.lazyDue = false
	now := w.s.Now()
	l := &c.e.retryDeadlines[0]
	if now.Sub(c.start) < c.e.policy.Timeout {
		l = &c.e.retryDeadlines[1]
	}
	c.setDeadline(w, now, l)
}

// sendAttempt sends one attempt of c over its edge and reports whether it
// did. Client strategies that gate an attempt before it leaves (circuit
// breaker, adaptive throttling) act here, before the attempt is counted;
// a refused attempt goes to refused. kind says whether it is the first
// attempt, a retry or a hedge.
func (c *call) sendAttempt(w *World, kind uint8) bool {
	if x := c.e.st; x != nil && !x.admit(w, c, kind) {
		return false // c may have ended: do not touch it
	}
	e := c.e
	a := w.newAttempt()
	c.attempts++
	a.c, a.e, a.n = c, e, c.attempts
	a.callSeed = c.seed
	a.seed = seq(c.seed, uint64(c.attempts))
	a.sent = w.s.Now()
	a.hedge = kind == sendHedge
	a.due = c.due
	a.prio = c.prio
	a.holders = 2
	a.slot = -1
	c.live = append(c.live, a)
	if rc := w.rec.step; rc != nil {
		rc.attemptStep(a, stepSent, strategies.ReasonOK)
	}
	// for the run and the interval (its count less its mark)
	e.stats.attemptsN++
	if t := e.policy.Timeout; t > 0 && !e.turnedAway() {
		// the edge's timeouts are set one fixed delay after their
		// attempts leave, in the order they fall due: a sim.Line keeps
		// them out of the heap but for the earliest (none when refused)
		if e.timeouts == (sim.Line{}) {
			e.timeouts = w.s.NewLine()
		}
		a.timeout = w.s.ScheduleOn(e.timeouts, t, w.hTimeout, a)
	}
	if !e.link.drawn {
		// the common case, tested here rather than in a function of
		// its own: under the profile's inlining a function this large
		// inlines only the smallest of calls, and that one stayed a call
		e.to.arrive(a)
		return true
	}
	d, lost := e.link.draw(w, a.seed, purposeRequestLink)
	switch {
	case lost:
		a.release(w) // the server never sees it
	case d == 0:
		e.to.arrive(a)
	case e.link.lane == (sim.Lane{}): // a latency not constant
		w.s.Schedule(d, w.hArrive, a)
	default: // on the lane of the link's constant latency
		a.onLane(w, d, w.hArrive)
	}
	return true
}

// onArrive hands an attempt to its target at the end of its request
// link (the handler of the event).
func onArrive(arg any) {
	a := arg.(*attempt)
	a.e.to.arrive(a)
}

// respond sends the server's answer r for a back over its edge.
func (a *attempt) respond(w *World, r Reason) {
	a.reason = r
	if rc := w.rec.step; rc != nil {
		rc.attemptStep(a, stepAnswered, r)
	}
	if !a.e.link.drawn {
		a.deliver(w) // crossed inline (as in sendAttempt)
		return
	}
	d, lost := a.e.link.draw(w, a.seed, purposeResponseLink)
	switch {
	case lost:
		a.discard(w)
	case d == 0:
		a.deliver(w)
	case a.e.link.lane == (sim.Lane{}): // a latency not constant
		w.s.Schedule(d, w.hDeliver, a)
	default: // on the lane of the link's constant latency
		a.onLane(w, d, w.hDeliver)
	}
}

// onLane schedules h(a) d after now on the lane of a's link (a hop of
// sendAttempt or respond over a link of constant latency). It stays a
// call, so that the hop's callers keep their registers.
//
//go:noinline
func (a *attempt) onLane(w *World, d time.Duration, h sim.Handler) {
	w.s.ScheduleLane(a.e.link.lane, d, h, a)
}

// deliver hands an answer to the caller if it still waits for it.
// Otherwise the answer is late: not a success, and the worker time it
// took is wasted work.
func (a *attempt) deliver(w *World) {
	if a.solo {
		a.soloDone(w) // a plain call's only attempt: its call ends (plain.go)
		return
	}
	c := a.c
	if c == nil {
		a.discard(w)
		return
	}
	r := a.reason
	c.cause = a.cause
	if (c.e.okEnd || r != strategies.ReasonOK && c.e.failEnd) && len(c.live) == 1 && a.holders == 2 {
		// the common case, in one: the call's only attempt answered,
		// and no strategy (a quiet edge's success, a failure on an edge
		// that observes none) or recorder hears it. letGo, the caller's
		// and the server's releases, then attemptDone, whose branches
		// end such a call but for a failure its retry policy may retry.
		if c.e.policy.Timeout > 0 {
			// (only then was a timeout set: under the profile's
			// inlining Stop's own test of a zero timer is a call)
			a.timeout.Stop()
		}
		c.live[0] = nil
		c.live = c.live[:0]
		a.free(w) // recycle, whose recorder is nil
		if c.failed == strategies.ReasonOK && c.e.policy.Fallback == nil && (r == strategies.ReasonOK || c.x == nil) {
			// finishCall's work for such a call, which has no
			// strategy timer out, no attempt left and no fallback
			if c.due != sim.Never {
				c.deadline.Stop()
			}
			c.complete(w, r)
			return
		}
		c.attemptDone(w, r) // finishCall, or a retry
		return
	}
	if c.x != nil {
		c.e.st.outcome(w, c, a, r)
	}
	a.timeout.Stop()
	if rc := w.rec.step; rc != nil {
		rc.attemptStep(a, stepEnded, r)
	}
	c.letGo(w, a)
	a.release(w)
	c.attemptDone(w, r)
}

// discard drops an answer nobody will use, counting its worker time as
// wasted at the service that produced it.
func (a *attempt) discard(w *World) {
	if s := a.svc; s != nil && a.busy > 0 {
		ns := float64(a.busy)
		s.m.wasted += ns
		s.m.wastedN += ns
	}
	a.release(w)
}

// letGo ends the caller's hold on a.
func (c *call) letGo(w *World, a *attempt) {
	if last := len(c.live) - 1; last >= 0 && c.live[last] == a {
		// the common case (the only attempt, or the latest): the
		// loop below would find it last and swap it with itself
		c.live[last] = nil
		c.live = c.live[:last]
		a.c = nil
		a.release(w)
		return
	}
	for i, x := range c.live {
		if x == a {
			last := len(c.live) - 1
			c.live[i] = c.live[last]
			c.live[last] = nil
			c.live = c.live[:last]
			break
		}
	}
	a.c = nil
	a.release(w)
}

// timedOut ends the caller's wait for a at its timeout.
func (a *attempt) timedOut(w *World) {
	c := a.c
	if c.x != nil {
		c.e.st.outcome(w, c, a, strategies.ReasonTimeout)
	}
	if rc := w.rec.step; rc != nil {
		rc.attemptStep(a, stepEnded, strategies.ReasonTimeout)
	}
	c.letGo(w, a)
	c.attemptDone(w, strategies.ReasonTimeout)
}

// attemptDone decides what a call does after one of its attempts ended
// with r: a success ends it (the first answer wins); a failure waits for
// the call's other live copies (hedges), else the retry policy decides
// (retry budget, retry breaker, backoff), else the call ends with r.
func (c *call) attemptDone(w *World, r Reason) {
	if r == strategies.ReasonOK {
		c.finishCall(w, r)
		return
	}
	if len(c.live) > 0 {
		return
	}
	if c.x != nil && c.retry(w, r) {
		return
	}
	c.finishCall(w, r)
}

// finishCall ends call c with outcome r: the caller abandons any attempt
// still live (the servers keep working on them), the outcome is counted,
// the owner is told, and c is recycled.
func (c *call) finishCall(w *World, r Reason) {
	if c.failed != strategies.ReasonOK {
		// it has ended already and its fallback is on its way (a caller
		// that abandons it, a client restart, leaves it to end with it)
		return
	}
	if c.due != sim.Never {
		c.deadline.Stop() // (set only then: see launch)
	}
	if c.x != nil {
		c.stopCallStrat(w)
	}
	for len(c.live) > 0 {
		a := c.live[len(c.live)-1]
		a.timeout.Stop()
		if c.x != nil {
			c.e.st.abandoned(w, c, a, r)
		}
		if rc := w.rec.step; rc != nil {
			rc.attemptStep(a, stepEnded, r)
		}
		c.letGo(w, a)
	}
	if fb := c.e.policy.Fallback; fb.Covers(r) {
		// the caller answers with its fallback instead (fallback.latency
		// later, or a secondary's answer): degraded, counted as
		// fallback, a success to the owner
		if c.e.alt != nil {
			c.callSecondary(w, r)
			return
		}
		if fb.Latency > 0 {
			c.failed = r
			w.s.Schedule(fb.Latency, w.hFallback, c)
			return
		}
		r = strategies.ReasonFallback
	}
	c.complete(w, r)
}

// complete counts call c's outcome r, tells its owner and recycles c. A
// fallback answer is its own outcome to count and a success to the owner.
func (c *call) complete(w *World, r Reason) {
	now := w.s.Now()
	st := &c.e.stats
	if r == strategies.ReasonOK {
		// for the run and the interval (its count less its mark)
		st.succeededN++
		st.hist.Record(now.Sub(c.start))
	} else {
		// for the run and the interval (its count less its mark)
		st.failedN[r]++
	}
	if r != strategies.ReasonError {
		c.cause = cause{}
	} else if c.cause.e != nil {
		st.countCause(c.cause)
	}
	st.inFlight.add(now, -1)
	if rc := w.rec.done; rc != nil {
		rc.callDone(c, r)
	}
	if o := c.owner; o != nil {
		if r == strategies.ReasonFallback {
			r = strategies.ReasonOK
		}
		o.callDone(c, r)
	}
	c.freeCall(w)
}
