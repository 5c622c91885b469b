package models

import (
	"fmt"
	"time"

	"github.com/stampede-sim/stampede/models/config"
	"github.com/stampede-sim/stampede/sim"
	"github.com/stampede-sim/stampede/strategies"
)

// serviceStrat is the server-side strategy state of one service: nil when
// its configuration turns none on, so that such a service pays one nil
// check per request and nothing else.
//
// The order in the lifecycle (docs/STRATEGIES.md), per replica:
//
//	arrival -> rate limit -> distributed rate limit -> load shedding
//	(queue length, concurrency, latency, priority) -> adaptive
//	concurrency -> queue limit -> worker or queue
//	dequeue -> order (fifo / lifo / adaptive LIFO) -> drop expired
//	-> CoDel / controlled delay -> worker
//	leaving the replica -> adaptive concurrency sample
type serviceStrat struct {
	dropExpired bool
	codel       bool
	async       bool // a message queue: acknowledge, then consume

	shedQ    strategies.QueueLengthShedder
	shedC    strategies.ConcurrencyShedder
	shedP    strategies.PriorityShedder
	hasShedQ bool
	hasShedC bool
	hasShedP bool

	quota    *strategies.SharedQuota
	sync     time.Duration
	limitSum int // sum of the replicas' adaptive limits

	m            metricSet
	mExpired     *counter // dropped at dequeue past their deadline
	mDropped     *counter // dropped at dequeue by CoDel or controlled delay
	mEvicted     *counter // fair queueing: evicted for another caller's arrival
	mReneged     *counter // left the queue when their patience ran out
	mShed        *counter
	mRateLimited *counter
	mConcLimited *counter
	mSyncs       *counter
	mAcked       *counter   // async: messages acknowledged
	mRejectWork  *counter   // reject_cost: worker seconds spent rejecting
	hDelay       *delayHist // async: enqueue to consumed
	gLimit       *gauge     // adaptive concurrency limit, mean per replica
	gQuota       *gauge     // distributed limit: the shared count as last synced
	replicas     float64

	// the doors: the arrival hooks of the strategies built through the
	// registry (strategies.DoorSpec), one per replica each, passed before
	// the strategies above
	doors  uint8
	mDoors [][]*counter // per door, the counters of its entry's metrics
	hHeld  sim.Handler  // a held request's turn to go on
}

// replicaStrat is the per-replica state of a service's strategies.
type replicaStrat struct {
	x     *serviceStrat
	s     *service
	rl    strategies.Allower              // rate limit per = global
	keyed *strategies.KeyedLimiter[*edge] // rate limit per = client
	dist  *strategies.DistributedLimiter  // distributed rate limit
	lat   *strategies.LatencyShedder      // latency shedding
	conc  *strategies.AdaptiveLimiter     // adaptive concurrency
	codel *strategies.CoDel               // order codel (rfc)
	folly *strategies.FollyCoDel          // order codel, codel_variant folly
	alifo *strategies.AdaptiveLIFO        // order adaptive_lifo
	cd    *strategies.ControlledDelay     // order controlled_delay
	limit int                             // conc's limit as last counted in limitSum
	idx   int
	doors []strategies.Door
}

// newServiceStrat returns the strategies s's configuration turns on, or
// nil.
func newServiceStrat(w *World, s *service) (*serviceStrat, error) {
	cfg := s.cfg
	x := &serviceStrat{replicas: float64(len(s.reps))}
	any := false
	q := &cfg.Queue
	if q.DropExpired {
		x.dropExpired = true
		x.mExpired = x.m.counter(strategies.MetricExpired)
		any = true
	}
	if q.Order == config.CoDel || q.Order == config.ControlledDelay {
		x.codel = q.Order == config.CoDel
		x.mDropped = x.m.counter(strategies.MetricDropped)
		any = true
	}
	if q.Order == config.AdaptiveLIFO {
		any = true
	}
	if q.Fair != "" {
		x.mEvicted = x.m.counter(strategies.MetricEvicted)
		any = true
	}
	if q.Patience != nil {
		x.mReneged = x.m.counter(strategies.MetricReneged)
		any = true
	}
	if cfg.Async {
		x.async = true
		x.mAcked = x.m.counter(strategies.MetricAcked)
		x.hDelay = x.m.delay(strategies.MetricDelay)
		any = true
	}
	if rl := cfg.RateLimit; rl != nil {
		x.mRateLimited = x.m.counter(strategies.MetricRateLimited)
		any = true
	}
	if d := cfg.DistributedRateLimit; d != nil {
		qc, err := d.Config(len(s.reps))
		if err != nil {
			return nil, err
		}
		if x.quota, err = strategies.NewSharedQuota(qc); err != nil {
			return nil, err
		}
		if qc.Mode == strategies.QuotaStaleView {
			x.sync = qc.SyncInterval
			x.mSyncs = x.m.counter(strategies.MetricSyncs)
			x.gQuota = x.m.gauge(strategies.MetricQuotaEstimate)
		}
		if x.mRateLimited == nil {
			x.mRateLimited = x.m.counter(strategies.MetricRateLimited)
		}
		any = true
	}
	if sh := cfg.Shed; sh != nil {
		var err error
		if sh.QueueLength > 0 {
			x.hasShedQ = true
			if x.shedQ, err = strategies.NewQueueLengthShedder(strategies.QueueLengthShedderConfig{MaxQueue: sh.QueueLength}); err != nil {
				return nil, err
			}
		}
		if sh.Concurrency > 0 {
			x.hasShedC = true
			if x.shedC, err = strategies.NewConcurrencyShedder(strategies.ConcurrencyShedderConfig{MaxInFlight: sh.Concurrency}); err != nil {
				return nil, err
			}
		}
		if sh.Priority != nil {
			x.hasShedP = true
			if x.shedP, err = strategies.NewPriorityShedder(strategies.PriorityShedderConfig{Thresholds: sh.Priority.Thresholds()}); err != nil {
				return nil, err
			}
		}
		x.mShed = x.m.counter(strategies.MetricShed)
		any = true
	}
	if cfg.RejectCost != nil {
		x.mRejectWork = x.m.counter(strategies.MetricRejectWork)
		any = true
	}
	if cfg.ConcurrencyLimit != nil {
		x.mConcLimited = x.m.counter(strategies.MetricConcurrencyLimited)
		x.gLimit = x.m.gauge(strategies.MetricConcurrencyLimit)
		any = true
	}
	doors := doorSpecs(cfg)
	for _, d := range doors {
		e, ok := strategies.Lookup(d.Key())
		if !ok {
			return nil, fmt.Errorf("strategy %s is not in strategies.Registry", d.Key())
		}
		var cs []*counter
		for _, name := range e.Metrics {
			cs = append(cs, x.m.counterOnce(name))
		}
		x.mDoors = append(x.mDoors, cs)
	}
	if len(doors) > 0 {
		x.doors = uint8(len(doors))
		x.hHeld = x.onHeld
		any = true
	}
	if !any {
		return nil, nil
	}
	for i, r := range s.reps {
		rs, err := x.newReplica(w, s, i)
		if err != nil {
			return nil, err
		}
		r.rs = rs
	}
	if x.gLimit != nil {
		x.gLimit.set(0, float64(x.limitSum)/x.replicas)
	}
	if x.sync > 0 {
		for i, r := range s.reps {
			// replicas sync in turn, evenly spread over the interval
			first := time.Duration(float64(x.sync) * float64(i+1) / x.replicas)
			w.s.Schedule(max(first, 1), w.hSync, r.rs)
		}
	}
	return x, nil
}

func (x *serviceStrat) newReplica(w *World, s *service, i int) (*replicaStrat, error) {
	cfg := s.cfg
	rs := &replicaStrat{x: x, s: s, idx: i}
	var err error
	if rl := cfg.RateLimit; rl != nil {
		if rl.Per == "client" {
			rs.keyed, err = strategies.NewKeyedLimiter[*edge](max(1, len(w.clients)+len(w.edges)), rl.Limiter)
		} else {
			rs.rl, err = rl.Limiter()
		}
		if err != nil {
			return nil, err
		}
	}
	if x.quota != nil {
		if rs.dist, err = strategies.NewDistributedLimiter(x.quota); err != nil {
			return nil, err
		}
	}
	if sh := cfg.Shed; sh != nil && sh.Latency > 0 {
		lc, err := sh.LatencyConfig()
		if err != nil {
			return nil, err
		}
		if rs.lat, err = strategies.NewLatencyShedder(lc); err != nil {
			return nil, err
		}
	}
	if cl := cfg.ConcurrencyLimit; cl != nil {
		alg, err := cl.Algorithm(w.s.Rand(fmt.Sprintf("service/%s/concurrency_limit/%d", s.name, i)))
		if err != nil {
			return nil, err
		}
		if rs.conc, err = strategies.NewAdaptiveLimiter(alg); err != nil {
			return nil, err
		}
		rs.limit = rs.conc.Limit()
		x.limitSum += rs.limit
	}
	for _, d := range doorSpecs(cfg) {
		door, err := d.NewDoor(strategies.ReplicaEnv{Replica: i, Replicas: len(s.reps),
			Rand: w.s.Rand(fmt.Sprintf("service/%s/%s/%d", s.name, d.Key(), i))})
		if err != nil {
			return nil, err
		}
		rs.doors = append(rs.doors, door)
	}
	q := &cfg.Queue
	switch q.Order {
	case config.CoDel:
		if q.CoDelVariant == config.CoDelFolly {
			rs.folly, err = strategies.NewFollyCoDel(strategies.FollyCoDelConfig{Target: q.Target, Interval: q.Interval})
		} else {
			rs.codel, err = strategies.NewCoDel(strategies.CoDelConfig{Target: q.Target, Interval: q.Interval, NearlyEmpty: 1})
		}
		if err != nil {
			return nil, err
		}
	case config.ControlledDelay:
		if rs.cd, err = strategies.NewControlledDelay(strategies.ControlledDelayConfig{Short: q.Target, Window: q.Interval}); err != nil {
			return nil, err
		}
	case config.AdaptiveLIFO:
		if rs.alifo, err = strategies.NewAdaptiveLIFO(strategies.AdaptiveLIFOConfig{Threshold: q.LIFOThreshold, After: q.LIFOAfter}); err != nil {
			return nil, err
		}
	}
	return rs, nil
}

// doorSpecs returns the tables of cfg whose strategies act at a
// replica's door, in registry order.
func doorSpecs(cfg *config.ServiceConfig) []strategies.DoorSpec {
	var out []strategies.DoorSpec
	for _, sp := range cfg.Strategies() {
		if d, ok := sp.(strategies.DoorSpec); ok {
			out = append(out, d)
		}
	}
	return out
}

// pass takes request a through the doors of replica r it has not passed
// yet, in order. A door that rejects it ends the walk with its reason,
// counted under the door's metric of that name; one that holds it
// (shaping) schedules its return to the replica after the wait and
// reports held, counted under MetricShaped.
func (x *serviceStrat) pass(s *service, r *replica, a *attempt) (reason Reason, held bool) {
	now := s.w.s.Now()
	arr := strategies.Arrival{Priority: strategies.Priority(a.prio), Queued: r.q.n, Inside: r.busy + r.q.n}
	for i := int(a.door); i < int(x.doors); i++ {
		reason, wait := r.rs.doors[i].Admit(now, &arr)
		a.door = uint8(i + 1)
		if reason != strategies.ReasonOK {
			x.countDoor(i, strategies.Metric(reason.String()))
			return reason, false
		}
		if wait > 0 {
			x.countDoor(i, strategies.MetricShaped)
			a.rep = r
			s.w.s.Schedule(wait, x.hHeld, a)
			return strategies.ReasonOK, true
		}
	}
	return strategies.ReasonOK, false
}

// countDoor counts one event of door i in its metric name, if it has
// one.
func (x *serviceStrat) countDoor(i int, name strategies.Metric) {
	for _, c := range x.mDoors[i] {
		if c.name == string(name) {
			c.inc()
			return
		}
	}
}

// onHeld sends a request a door held on into its replica, through the
// doors after that one; a request whose caller cancelled it meanwhile
// is let go, and one whose service or replica went down meanwhile is
// answered outage (a black hole swallows it).
func (x *serviceStrat) onHeld(arg any) {
	a := arg.(*attempt)
	s, r := a.svc, a.rep
	w := s.w
	a.rep = nil
	switch {
	case a.cancelled:
		a.release(w)
	case s.blackHole:
		s.m.droppedN++
		a.release(w)
	case s.failFast || s.up == 0 || r.down:
		s.reject(a, strategies.ReasonOutage)
	default:
		s.enter(r, a)
	}
}

// admit runs the admission strategies for request a at replica r, in
// order, and returns ReasonOK or the first refusal's reason.
func (x *serviceStrat) admit(s *service, r *replica, a *attempt) Reason {
	rs := r.rs
	now := s.w.s.Now()
	if rs.rl != nil && !rs.rl.AllowN(now, 1) {
		x.mRateLimited.inc()
		return strategies.ReasonRateLimited
	}
	if rs.keyed != nil && !rs.keyed.AllowN(now, a.e, 1) {
		x.mRateLimited.inc()
		return strategies.ReasonRateLimited
	}
	if rs.dist != nil && !rs.dist.AllowN(now, 1) {
		x.mRateLimited.inc()
		return strategies.ReasonRateLimited
	}
	inside := r.busy + r.q.n
	shed := x.hasShedQ && x.shedQ.Shed(r.q.n) ||
		x.hasShedC && x.shedC.Shed(inside) ||
		x.hasShedP && x.shedP.Shed(float64(inside), strategies.Priority(a.prio))
	if !shed && rs.lat != nil {
		var head time.Duration
		if r.q.n > 0 {
			head = now.Sub(r.q.front().arrived)
		}
		shed = rs.lat.Shed(now, head)
	}
	if shed {
		x.mShed.inc()
		return strategies.ReasonShed
	}
	if rs.conc != nil {
		n, ok := rs.conc.TryAcquire()
		if !ok {
			x.mConcLimited.inc()
			return strategies.ReasonConcurrencyLimited
		}
		a.limIn = int32(n)
	}
	return strategies.ReasonOK
}

// leave releases the adaptive-limiter slot a holds at replica r as a
// leaves with reason: a sample of its time in the replica if it was
// served (a success, or a failure: a drop sample), none otherwise.
func (x *serviceStrat) leave(s *service, r *replica, a *attempt, reason Reason) {
	rs := r.rs
	now := s.w.s.Now()
	in := int(a.limIn)
	a.limIn = 0
	switch reason {
	case strategies.ReasonOK:
		rs.conc.OnSuccess(now, now.Sub(a.arrived), in)
	case strategies.ReasonError:
		rs.conc.OnDropped(now, now.Sub(a.arrived), in)
	default:
		rs.conc.OnIgnore()
	}
	if l := rs.conc.Limit(); l != rs.limit {
		x.limitSum += l - rs.limit
		rs.limit = l
		x.gLimit.set(now, float64(x.limitSum)/x.replicas)
	}
}

// enqueued is told request a joined r's queue; controlled delay gives
// it its longest wait, judged before a counts in the queue length.
func (x *serviceStrat) enqueued(s *service, r *replica, a *attempt) {
	if cd := r.rs.cd; cd != nil {
		a.maxWait = cd.MaxWait(s.w.s.Now())
	}
	x.queueChanged(s, r)
}

// queueChanged is told r's queue changed length.
func (x *serviceStrat) queueChanged(s *service, r *replica) {
	now := s.w.s.Now()
	if l := r.rs.alifo; l != nil {
		l.Observe(now, r.q.n)
	}
	if cd := r.rs.cd; cd != nil {
		cd.Observe(now, r.q.n)
	}
}

// idle is told a free worker of r found the queue empty.
func (x *serviceStrat) idle(s *service, r *replica) {
	rs := r.rs
	if rs.codel != nil {
		rs.codel.OnEmpty(s.w.s.Now())
	}
	if rs.alifo != nil {
		rs.alifo.Observe(s.w.s.Now(), 0)
	}
	if rs.cd != nil {
		rs.cd.Observe(s.w.s.Now(), 0)
	}
}

// next takes the request a free worker of r serves next: the queue order
// picks it, then the dequeue disciplines may drop it (answering it with
// their reason) and take the next one. It returns nil when the queue ran
// out.
func (x *serviceStrat) next(s *service, r *replica) *attempt {
	rs := r.rs
	now := s.w.s.Now()
	for r.q.n > 0 {
		lifo := s.lifo
		if rs.alifo != nil {
			lifo = rs.alifo.Order(now, r.q.n) == strategies.LIFO
		}
		var a *attempt
		if lifo {
			a = r.q.popBack()
		} else {
			a = r.q.popFront()
		}
		s.dequeued(a, now)
		if rs.alifo != nil {
			rs.alifo.Observe(now, r.q.n)
		}
		if rs.cd != nil {
			rs.cd.Observe(now, r.q.n)
		}
		sojourn := now.Sub(a.arrived)
		if rs.lat != nil {
			rs.lat.Observe(now, sojourn)
		}
		if x.dropExpired && strategies.Expired(now, a.due, 0) {
			x.mExpired.inc()
			s.dropWaiting(r, a, strategies.ReasonExpired)
			continue
		}
		if rs.codel != nil && rs.codel.OnDequeue(now, sojourn, r.q.n) ||
			rs.folly != nil && rs.folly.OnDequeue(now, sojourn) ||
			rs.cd != nil && sojourn > a.maxWait {
			x.mDropped.inc()
			s.dropWaiting(r, a, strategies.ReasonDropped)
			continue
		}
		return a
	}
	if rs.codel != nil {
		rs.codel.OnEmpty(now)
	}
	return nil
}

// dropWaiting answers a request taken from r's queue with reason instead
// of serving it. The answer leaves through the event queue, so that the
// caller's reaction (a retry, another request to this service) cannot
// reach this replica while it is picking its next request.
func (s *service) dropWaiting(r *replica, a *attempt, reason Reason) {
	now := s.w.s.Now()
	s.m.inSystem.add(now, -1)
	// for the run and the interval (its count less its mark)
	s.m.rejectedN++
	if a.limIn > 0 {
		s.st.leave(s, r, a, reason)
	}
	a.reason = reason
	s.w.s.Schedule(0, s.w.hReply, a)
}

// onReply sends the answer a rejected request was given.
func (a *attempt) onReply(w *World) {
	a.respond(w, a.reason)
}

// onSync is a replica's periodic sync with its service's shared quota.
func (rs *replicaStrat) onSync(w *World) {
	x := rs.x
	now := w.s.Now()
	rs.dist.Sync(now)
	x.mSyncs.inc()
	x.gQuota.set(now, x.quota.Estimate(now))
	w.s.Schedule(x.sync, w.hSync, rs)
}

// strat returns the service's strategy metrics, nil without strategies.
func (s *service) strat() *metricSet {
	if s.st == nil {
		return nil
	}
	return &s.st.m
}

// front returns the oldest request in the queue (which must not be
// empty).
func (q *deque) front() *attempt {
	if q.fq != nil {
		return q.fq.front()
	}
	return q.buf[q.head]
}

// buildServiceStrategies makes the strategies of every service.
func (w *World) buildServiceStrategies() error {
	for _, s := range w.services {
		st, err := newServiceStrat(w, s)
		if err != nil {
			return fmt.Errorf("service %s: %w", s.name, err)
		}
		s.st = st
	}
	return nil
}

// accept acknowledges request a at an async service (replica r admitted
// it): a message carrying a's work takes its place, waiting or starting
// like any request, and a is answered ok at once. The answer is sent
// after the message is queued, so that the caller's reaction cannot
// overtake it.
func (x *serviceStrat) accept(s *service, r *replica, a *attempt) {
	w := s.w
	now := w.s.Now()
	m := w.newAttempt()
	m.e, m.seed, m.callSeed, m.n = a.e, a.seed, a.callSeed, a.n
	m.holders = 1 // the service side only: nobody waits for its answer
	m.msg = true
	m.due = sim.Never
	m.prio = a.prio
	m.svc = s
	m.arrived = now
	m.slot = -1
	m.limIn, a.limIn = a.limIn, 0
	x.mAcked.inc()
	s.m.inSystem.add(now, 1)
	if !s.paused && r.busy < s.active && r.q.n == 0 {
		s.start(r, m)
	} else {
		m.rep = r
		m.queued = true
		r.q.push(m)
		s.m.queue.add(now, 1)
		x.enqueued(s, r, m)
	}
	a.respond(w, strategies.ReasonOK)
}

// consumed ends message m's work: its end-to-end delay (queue, service,
// downstream calls) is recorded, and it is let go.
func (x *serviceStrat) consumed(s *service, m *attempt) {
	x.hDelay.record(s.w.s.Now().Sub(m.arrived))
	m.release(s.w)
}
