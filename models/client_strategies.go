package models

import (
	"fmt"

	"github.com/stampede-sim/stampede/models/config"
	"github.com/stampede-sim/stampede/sim"
	"github.com/stampede-sim/stampede/strategies"
)

// edgeStrat is the client-side strategy state of one edge (a client's, or
// a service's or cache's downstream edge): the strategies/ types its
// policy configures, shared by every call on the edge, and their metrics.
// It is nil when the policy configures none, so that such an edge pays
// one nil check per attempt and nothing else.
//
// The order in the lifecycle (docs/STRATEGIES.md):
//
//	call issued -> bulkhead -> [attempt: breaker -> throttle -> send]
//	-> hedge timer (another copy after the hedge delay, through the
//	   budget, then the attempt gates)
//	attempt ends -> bookkeeping (breaker, retry breaker, budget,
//	   throttle accepts, hedge latency)
//	-> first success wins | other copies live: wait | retry policy ->
//	   retry breaker -> budget -> backoff timer -> attempt gates
type edgeStrat struct {
	retry   strategies.RetryPolicy
	backoff strategies.Backoff // retry's, held here to be used in place
	retryOn bool
	// jitter: the backoff draws (strategies.Backoff.Draws), so that a
	// retry seeds the generator for it; one that does not skips that
	jitter bool
	// observes: a strategy records outcomes (outcome has work); gated: a
	// retry budget or breaker decides retries (allowRetry has work);
	// quiet: nothing hears a success (no observer, no bulkhead) and a
	// call has no strategy timer out while an attempt is (a retry's is
	// out only between attempts), so that deliver ends a success by the
	// path of a call without strategies. Set when built: an edge that
	// only retries pays a test for each.
	observes, gated, quiet bool
	// bare: nothing acts as a call starts or an attempt leaves (no
	// bulkhead, ratio budget, breaker, throttle or hedge), so that launch
	// sends the first attempt itself and admit only counts a retry
	bare bool
	// preRetry: retry has a step first (beforeRetry): a hedge timer to stop, or a deadline launch may leave to
	// the first retry (the edge's own or inherited); dueLate: launch may (bare as built: so in either lifecycle,
	// GeneralLifecycle's too, and both order events the same way)
	preRetry, dueLate bool
	// retryable is the retry policy's set, or the default set when the
	// edge does not retry: what a budget counts as a failure.
	retryable strategies.ReasonSet

	breaker  *strategies.CircuitBreaker
	rbreaker *strategies.RetryBreaker
	opened   uint64 // breaker openings already counted
	throttle *strategies.AdaptiveThrottle
	hedge    *strategies.Hedger
	cancel   bool // hedge: cancel the other copies when the call ends
	bulk     *strategies.Bulkhead
	waiters  []*call      // calls waiting for a bulkhead slot, oldest first
	od       *edgeOutlier // outlier detection (outlier.go)

	// retry budget: at most one of the three
	tokens *strategies.TokenBucketBudget
	ratio  *strategies.RatioBudget
	quota  *strategies.RetryQuota

	m         metricSet
	mRetries  *counter // retries sent
	mDenied   *counter // retries (and hedges) a budget or retry breaker refused
	gBudget   *gauge   // tokens (token_bucket, quota) or retries available (ratio)
	gBreaker  *gauge   // 0 closed, 0.5 half-open, 1 open
	mOpened   *counter // breaker openings
	gRetryBr  *gauge   // retry breaker: 0 retries allowed, 1 blocked
	gThrottle *gauge   // throttle's rejection probability
	mHedges   *counter
	mCancel   *counter // copies cancelled while queued or in transit
	gHedgeDly *gauge   // the hedge delay in seconds
	gBulkIn   *gauge
	gBulkWait *gauge
}

// callStrat is the per-call state of a call on an edge with strategies:
// the backoff state, the retry and hedge counts, and the strategies'
// timers. It is pooled and attached to the call only when its edge has
// strategies.
type callStrat struct {
	bo      strategies.BackoffState
	retries int32   // retries scheduled (attempts after the first, not counting hedges)
	cost    float64 // what the quota charged for the last retry
	retryT  sim.Timer
	copies  int32 // copies of the current attempt out (hedging)
	hedgeT  sim.Timer
	slot    bool // holds a bulkhead slot
	waiting bool // waits for a bulkhead slot
	waitT   sim.Timer
	// next is the next free callStrat in the world's pool; nil in use
	next *callStrat
}

func newEdgeStrat(p *config.ClientPolicy) (*edgeStrat, error) {
	x := &edgeStrat{retryable: strategies.DefaultRetryableReasons}
	if p.Retry.Enabled() {
		cfg, err := p.Retry.Config()
		if err != nil {
			return nil, err
		}
		if x.retry, err = strategies.NewRetryPolicy(cfg); err != nil {
			return nil, err
		}
		x.retryOn, x.retryable = true, cfg.Retryable
		x.backoff = x.retry.Backoff()
		x.jitter = x.backoff.Draws()
		x.mRetries = x.m.counter(strategies.MetricRetries)
		x.mDenied = x.m.counter(strategies.MetricRetriesDenied)
	}
	if b := p.Breaker; b != nil {
		var err error
		if x.breaker, err = b.New(); err != nil {
			return nil, err
		}
		x.gBreaker = x.m.gauge(strategies.MetricBreakerState)
		x.mOpened = x.m.counter(strategies.MetricBreakerOpened)
	}
	if b := p.RetryBreaker; b != nil {
		var err error
		if x.rbreaker, err = b.New(); err != nil {
			return nil, err
		}
		if x.mDenied == nil {
			x.mDenied = x.m.counter(strategies.MetricRetriesDenied)
		}
		x.gRetryBr = x.m.gauge(strategies.MetricRetryBreakerState)
	}
	if t := p.Throttle; t != nil {
		var err error
		if x.throttle, err = t.New(); err != nil {
			return nil, err
		}
		x.gThrottle = x.m.gauge(strategies.MetricThrottleP)
	}
	if h := p.Hedge; h != nil {
		var err error
		if x.hedge, err = h.New(); err != nil {
			return nil, err
		}
		x.cancel = h.Cancel == nil || *h.Cancel
		x.mHedges = x.m.counter(strategies.MetricHedges)
		x.mCancel = x.m.counter(strategies.MetricHedgesCancelled)
		x.gHedgeDly = x.m.gauge(strategies.MetricHedgeDelay)
		x.gHedgeDly.set(0, h.Delay.Seconds())
		if x.mDenied == nil {
			x.mDenied = x.m.counter(strategies.MetricRetriesDenied)
		}
	}
	if b := p.Bulkhead; b != nil {
		var err error
		if x.bulk, err = b.New(); err != nil {
			return nil, err
		}
		x.gBulkIn = x.m.gauge(strategies.MetricBulkheadInFlight)
		x.gBulkWait = x.m.gauge(strategies.MetricBulkheadWaiting)
	}
	if b := p.Budget; b != nil {
		var err error
		tokens := 0.0
		switch b.Kind {
		case strategies.BudgetTokenBucket:
			x.tokens, err = strategies.NewTokenBucketBudget(strategies.TokenBucketBudgetConfig{MaxTokens: b.MaxTokens, TokenRatio: b.TokenRatio})
			tokens = b.MaxTokens
		case strategies.BudgetRatio:
			x.ratio, err = strategies.NewRatioBudget(b.RatioConfig())
			if err == nil {
				tokens = float64(x.ratio.Balance(0))
			}
		case strategies.BudgetQuota:
			x.quota, err = strategies.NewRetryQuota(b.QuotaConfig())
			tokens = b.MaxTokens
		}
		if err != nil {
			return nil, err
		}
		if x.mDenied == nil {
			x.mDenied = x.m.counter(strategies.MetricRetriesDenied)
		}
		x.gBudget = x.m.gauge(strategies.MetricBudgetTokens)
		x.gBudget.set(0, tokens)
	}
	if p.Outlier != nil {
		x.od = newEdgeOutlier(&x.m)
	}
	if x.m.empty() { // every strategy records a metric
		return nil, nil
	}
	x.observes = x.od != nil || x.throttle != nil || x.hedge != nil || x.breaker != nil ||
		x.rbreaker != nil || x.tokens != nil || x.quota != nil
	x.gated = x.rbreaker != nil || x.tokens != nil || x.ratio != nil || x.quota != nil
	x.quiet = !x.observes && x.bulk == nil // (a hedge observes)
	x.bare = x.bulk == nil && x.ratio == nil && x.breaker == nil && x.throttle == nil && x.hedge == nil
	return x, nil
}

// The kinds of attempts, for sendAttempt.
const (
	sendFirst uint8 = iota // a call's first attempt
	sendRetry              // an attempt after a failure, after the backoff
	sendHedge              // a copy sent while others are outstanding
)

// admit runs the attempt gates (circuit breaker, then adaptive throttle)
// for an attempt of c about to be sent, and counts it by kind. It reports
// false, after handing c to refused, when a gate refuses: c may then have
// ended.
func (x *edgeStrat) admit(w *World, c *call, kind uint8) bool {
	if x.bare {
		if kind == sendRetry {
			x.mRetries.inc()
		}
		return true
	}
	now := w.s.Now()
	if b := x.breaker; b != nil {
		ok := b.Allow(now)
		x.noteBreaker(now)
		if !ok {
			c.refused(w, strategies.ReasonBreakerOpen)
			return false
		}
	}
	if t := x.throttle; t != nil {
		ok := t.Allow(now, w.rngFor(with(seq(c.seed, uint64(c.attempts)+1), purposeThrottle)))
		x.gThrottle.set(now, t.RejectProbability(now))
		if !ok {
			c.refused(w, strategies.ReasonThrottled)
			return false
		}
	}
	switch kind {
	case sendRetry:
		x.mRetries.inc()
	case sendHedge:
		x.mHedges.inc()
	}
	if h := x.hedge; h != nil && kind != sendHedge {
		// a primary copy: the next copy goes after the hedge delay (the
		// timer stops if the call ends first)
		cx := c.x
		cx.copies = 1
		d := h.Delay(now)
		x.gHedgeDly.set(now, d.Seconds())
		cx.hedgeT.Stop()
		cx.hedgeT = w.s.Schedule(d, w.hHedge, c)
	}
	return true
}

// onHedge sends a hedge copy of c when its hedge delay has passed.
func (c *call) onHedge(w *World) {
	x, cx := c.e.st, c.x
	cx.hedgeT = sim.Timer{}
	h := x.hedge
	if len(c.live) == 0 || !h.ShouldHedge(int(cx.copies)) {
		return
	}
	if (x.tokens != nil || x.ratio != nil || x.quota != nil) && !x.allowRetry(w, c, strategies.ReasonOK) {
		return
	}
	cx.copies++
	if h.ShouldHedge(int(cx.copies)) {
		cx.hedgeT = w.s.Schedule(h.Delay(w.s.Now()), w.hHedge, c)
	}
	c.sendAttempt(w, sendHedge)
}

// cancelCopy cancels attempt a of a call that ended: a copy waiting in a
// replica's queue leaves it (no answer, no service); one still on its way
// is dropped when it arrives; one in service runs to its end.
func (x *edgeStrat) cancelCopy(w *World, a *attempt) {
	a.cancelled = true
	if !a.queued {
		return
	}
	s, r := a.svc, a.rep
	now := w.s.Now()
	r.q.remove(a)
	s.dequeued(a, now)
	s.m.inSystem.add(now, -1)
	s.m.droppedN++
	if a.limIn > 0 {
		s.st.leave(s, r, a, strategies.ReasonAbandoned)
	}
	if s.st != nil {
		s.st.queueChanged(s, r)
	}
	x.mCancel.inc()
	a.release(w) // the server side lets go
}

// attachStrat gives call c its per-call strategy state.
func (c *call) attachStrat(w *World) {
	var cx *callStrat
	if cx = w.callStrats; cx != nil {
		w.callStrats = cx.next
		cx.next = nil
	} else {
		cx = &callStrat{}
	}
	c.x = cx
}

func (cx *callStrat) freeCallStrat(w *World) {
	*cx = callStrat{next: w.callStrats}
	w.callStrats = cx
}

// launchStrat starts call c on an edge with strategies: the ratio budget
// takes the call's deposit, then the first attempt goes.
func (c *call) launchStrat(w *World) {
	x := c.e.st
	if b := x.bulk; b != nil {
		now := w.s.Now()
		switch b.Acquire() {
		case strategies.Admitted:
			c.x.slot = true
		case strategies.Queued:
			c.x.waiting = true
			x.waiters = append(x.waiters, c)
			if d := b.MaxWait(); d > 0 {
				c.x.waitT = w.s.Schedule(d, w.hBulkWait, c)
			}
			x.noteBulk(now)
			return
		default:
			x.noteBulk(now)
			c.finishCall(w, strategies.ReasonConcurrencyLimited)
			return
		}
		x.noteBulk(now)
	}
	c.startCall(w)
}

func (x *edgeStrat) noteBulk(now sim.Time) {
	x.gBulkIn.set(now, float64(x.bulk.InFlight()))
	x.gBulkWait.set(now, float64(x.bulk.Waiting()))
}

// onBulkWait fails a call that waited for a bulkhead slot for MaxWait.
func (c *call) onBulkWait(w *World) {
	c.x.waitT = sim.Timer{}
	c.finishCall(w, strategies.ReasonConcurrencyLimited)
}

// onBulkStart starts a call that was handed a bulkhead slot.
func (c *call) onBulkStart(w *World) {
	c.x.waitT = sim.Timer{}
	c.startCall(w)
}

// unwait takes c out of its edge's bulkhead wait queue.
func (x *edgeStrat) unwait(c *call) {
	for i, o := range x.waiters {
		if o == c {
			copy(x.waiters[i:], x.waiters[i+1:])
			x.waiters[len(x.waiters)-1] = nil
			x.waiters = x.waiters[:len(x.waiters)-1]
			return
		}
	}
}

// startCall sends the first attempt of c, past its bulkhead: the ratio
// budget takes the call's deposit first.
func (c *call) startCall(w *World) {
	x := c.e.st
	if x.ratio != nil {
		now := w.s.Now()
		// the call's deposit, then the balance it leaves
		x.gBudget.set(now, float64(x.ratio.DepositBalance(now)))
	}
	c.sendAttempt(w, sendFirst)
}

// outcome records in the edge's strategies how attempt a of c, which was
// sent, ended: r (ReasonOK, a failure answered by the target, a timeout,
// or deadline_exceeded when the call's deadline abandoned it).
func (x *edgeStrat) outcome(w *World, c *call, a *attempt, r Reason) {
	if x.observes {
		x.observe(w, c, a, r)
	}
}

// observe is outcome's work, on an edge whose strategies observe.
func (x *edgeStrat) observe(w *World, c *call, a *attempt, r Reason) {
	if x.od != nil {
		x.od.observe(a, r)
	}
	now := w.s.Now()
	ok := r == strategies.ReasonOK
	if t := x.throttle; t != nil && (ok || r == strategies.ReasonError) {
		t.OnAccept(now) // the backend took it (an error is an answer, not a rejection)
		x.gThrottle.set(now, t.RejectProbability(now))
	}
	if h := x.hedge; h != nil && !a.hedge {
		h.Observe(now, now.Sub(a.sent)) // a primary copy: see strategies.Hedger
	}
	if b := x.breaker; b != nil {
		if ok {
			b.OnSuccess(now, now.Sub(a.sent))
		} else {
			b.OnFailure(now, now.Sub(a.sent))
		}
		x.noteBreaker(now)
	}
	if b := x.rbreaker; b != nil {
		if ok {
			b.OnSuccess(now)
		} else {
			b.OnFailure(now)
		}
		x.gRetryBr.set(now, breakerLevel(b.State(now)))
	}
	switch {
	case x.tokens != nil:
		if ok {
			x.tokens.OnSuccess()
		} else if x.retryable.Has(r) {
			x.tokens.OnFailure()
		}
		x.gBudget.set(now, x.tokens.Tokens())
	case x.quota != nil && ok:
		cost := 0.0
		if a.n > 1 {
			cost = c.x.cost
		}
		x.quota.OnSuccess(cost)
		x.gBudget.set(now, x.quota.Tokens())
	}
}

// allowRetry asks the retry budget whether the call c may send a retry (or
// a hedge) after reason r, and charges it if so.
func (x *edgeStrat) allowRetry(w *World, c *call, r Reason) bool {
	return !x.gated || x.allowGated(w, c, r)
}

// allowGated is allowRetry's work, on an edge with a budget or breaker.
func (x *edgeStrat) allowGated(w *World, c *call, r Reason) bool {
	now := w.s.Now()
	if b := x.rbreaker; b != nil && !b.AllowRetry(now) {
		x.mDenied.inc()
		return false
	}
	ok := true
	switch {
	case x.tokens != nil:
		ok = x.tokens.AllowRetry()
	case x.ratio != nil:
		ok = x.ratio.TryWithdraw(now)
		x.gBudget.set(now, float64(x.ratio.BalanceAfter()))
	case x.quota != nil:
		var cost float64
		cost, ok = x.quota.AcquireRetry(r)
		if ok {
			c.x.cost = cost
		}
		x.gBudget.set(now, x.quota.Tokens())
	}
	if !ok {
		x.mDenied.inc()
	}
	return ok
}

// retry decides, once the last live attempt of c failed with r, whether
// the call tries again; if so it schedules the retry after the backoff and
// reports true.
func (c *call) retry(w *World, r Reason) bool {
	x, cx := c.e.st, c.x
	if !x.retryOn || !x.retry.ShouldRetry(1+int(cx.retries), r) {
		return false
	}
	if c.due != sim.Never && w.s.Now() >= c.due {
		return false
	}
	if !x.allowRetry(w, c, r) {
		return false
	}
	rng := w.rng // (a backoff with no jitter draws nothing: no seed)
	if x.jitter {
		rng = w.rngFor(seq(with(c.seed, purposeBackoff), uint64(cx.bo.Failures)))
	}
	wait := x.backoff.NextPCG(&cx.bo, rng, w.pcg)
	cx.retries++
	if x.preRetry { // (a hedge timer set, or a deadline not yet)
		c.beforeRetry(w) // the hedge timer stops, or the deadline is set
		// (out of line: a retry of a call with neither is the common case)
	}
	cx.retryT = w.s.Schedule(wait, w.hRetry, c)
	return true
}

// beforeRetry is retry's step before it schedules the retry of c, on an
// edge with hedging (no copy is out: the retry will arm the hedge timer
// again) or for a call whose deadline launch left to its first retry
// (lazyDue: armDue).
//
//go:noinline
func (c *call) beforeRetry(w *World) {
	if c.lazyDue {
		c.armDue(w)
	}
	if c.e.st.hedge != nil {
		c.x.hedgeT.Stop()
		c.x.hedgeT = sim.Timer{}
	}
}

// onRetry sends c's retry when its backoff has passed.
func (c *call) onRetry(w *World) {
	c.x.retryT = sim.Timer{}
	c.sendAttempt(w, sendRetry)
}

// refused handles an attempt of c that a client-side strategy refused
// before it was sent (breaker_open, throttled): it is not an attempt, so
// no strategy records it; the call waits for its other copies, retries if
// r is retryable, or ends with r.
func (c *call) refused(w *World, r Reason) {
	if len(c.live) > 0 {
		return
	}
	if c.retry(w, r) {
		return
	}
	c.finishCall(w, r)
}

// stopCallStrat stops the timers of c's strategies when c ends, and gives
// back its bulkhead slot (starting the oldest waiter) or its place in the
// wait queue.
func (c *call) stopCallStrat(w *World) {
	cx := c.x
	cx.retryT.Stop()
	x := c.e.st
	if x.hedge != nil { // (only then is a hedge timer set)
		cx.hedgeT.Stop()
	}
	if x.bulk != nil { // (only then is a wait timer set)
		cx.waitT.Stop() // a bulkhead wait, or the start of a call handed a slot
	}
	if cx.waiting {
		x.unwait(c)
		x.bulk.CancelWait()
		cx.waiting = false
		x.noteBulk(w.s.Now())
	}
	if cx.slot {
		cx.slot = false
		if x.bulk.Release() {
			next := x.waiters[0]
			x.unwait(next)
			nx := next.x
			nx.waiting, nx.slot = false, true
			nx.waitT.Stop()
			// through the event queue: starting it here could end it here
			nx.waitT = w.s.Schedule(0, w.hBulkStart, next)
		}
		x.noteBulk(w.s.Now())
	}
}

// buildStrategies makes the strategies of every edge, service and cache
// (after Validate, an error here is a bug, reported with the entity).
func (w *World) buildStrategies() error {
	var err error
	w.eachEdge(func(e *edge) {
		if err != nil {
			return
		}
		err = w.buildEdgeStrategies(e)
	})
	if err != nil {
		return err
	}
	if err := w.buildServiceStrategies(); err != nil {
		return err
	}
	return w.buildCacheStrategies()
}

// buildEdgeStrategies parses e's priority and builds its strategies.
func (w *World) buildEdgeStrategies(e *edge) error {
	e.prio = -1 // inherit
	if e.policy.Priority != "" {
		p, err := strategies.ParsePriority(e.policy.Priority)
		if err != nil {
			return fmt.Errorf("%s: %w", e.name, err)
		}
		e.prio = int8(p)
	}
	st, err := newEdgeStrat(&e.policy)
	if err != nil {
		return fmt.Errorf("%s: %w", e.name, err)
	}
	e.st = st
	if st != nil {
		st.preRetry, st.dueLate = st.hedge != nil || e.policy.Deadline > 0 || e.inherit, st.bare && (e.policy.Deadline > 0 || e.inherit)
	}
	if st != nil && st.od != nil {
		e.od = st.od
		if err := w.wireOutlier(e); err != nil {
			return fmt.Errorf("%s: %w", e.name, err)
		}
	}
	return nil
}

// eachEdge calls f with every edge of w, in build order: the clients'
// edges, the downstream edges (config order), then the jobs' edges.
func (w *World) eachEdge(f func(*edge)) {
	for _, c := range w.clients {
		f(c.e)
	}
	for _, e := range w.edges {
		f(e)
	}
	for _, j := range w.jobs {
		f(j.e)
	}
}

// abandoned is told that call c, ending with r, lets go of its live
// attempt a: a deadline makes it a failed attempt for the strategies that
// count outcomes; a copy that lost to another one's success records
// nothing.
func (x *edgeStrat) abandoned(w *World, c *call, a *attempt, r Reason) {
	if r == strategies.ReasonDeadlineExceeded {
		x.outcome(w, c, a, r)
	} else if h := x.hedge; h != nil && !a.hedge {
		now := w.s.Now()
		h.Observe(now, now.Sub(a.sent)) // a primary copy: see strategies.Hedger
	}
	if x.cancel {
		x.cancelCopy(w, a)
	}
}
