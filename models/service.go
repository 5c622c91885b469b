package models

import (
	"math/rand/v2"
	"time"

	"github.com/stampede-sim/stampede/models/config"
	"github.com/stampede-sim/stampede/sim"
	"github.com/stampede-sim/stampede/strategies"
)

// service is a running ServiceConfig: replicas with workers and a queue
// each, and the state its active faults put it in.
type service struct {
	w    *World
	cfg  *config.ServiceConfig
	name string
	hash uint64
	dist sim.Dist
	reps []*replica

	limit    int  // waiting places per replica; -1 unbounded
	pulls    bool // an autoscaled async service: its consumers share the backlog (service.pull)
	lifo     bool
	parallel bool
	calls    []downCall
	choose   int        // fanout_choose: edges each request makes; 0 all
	quorum   int        // fanout_quorum: answers a request waits for; 0 all
	edgeHash []uint64   // by edge index, for fanout_choose
	paths    []path     // ServiceConfig.Paths; nil: each edge on its own
	pathsKey uint64     // salts the draw of a request's path
	balancer balKind    // cfg.Balancer, resolved at build
	lb       *rand.Rand // the balancer's own stream
	rr       int
	bal      *balancerState // weighted round robin and ring hash (balancer.go); nil for the others

	// fault state, recomputed by refresh from the active faults
	faults          []*fault
	up              int     // replicas [0, up) take requests
	active          int     // workers per replica that may take work
	slow            float64 // service-time factor
	errP            float64 // probability a request fails with error
	paused          bool
	failFast        bool
	blackHole, solo bool       // solo: sendSolo's test (setSolo)
	deferred        []*attempt // requests whose downstream calls ended during a pause
	capacityUp      int        // up x active, for the capacity gauge
	deployDown      int        // replicas out for a deploy's restart (deploy.go)
	gray            bool       // some replica has a gray failure (gray.go)
	prov            int        // replicas provisioned: cfg.Replicas, or the autoscaler's ready count
	as              *autoscaler
	ods             []*edgeOutlier // the callers' outlier detectors over these replicas
	one             bool           // arrive's test of the common way, straight to enter (setSolo)
	slowed          bool           // slow != 1, kept with it (refresh): start's test, and finishPlain's

	m serviceStats

	// server-side strategies (server_strategies.go); nil when none
	st *serviceStrat
	// plainEnd: a request's work ends in finishPlain (plain.go); hDone
	// is the handler of that end (w.hWorkDone, or finishPlain's)
	plainEnd bool
	hDone    sim.Handler

	// the cost of rejecting (ServiceConfig.RejectCost); rejectCost nil
	// when free
	rejectCost sim.Dist
	rejectHash uint64
	hRejected  sim.Handler

	// reneging (QueueConfig.Patience): nil when requests wait for ever
	patience     sim.Dist
	patienceHash uint64
	hRenege      sim.Handler

	// dist's mean in ns when it is exponential, else 0 (sim.ExpMean):
	// finishPlain's hand-off draws the work as sim.Dur(expNS *
	// ExpFloat64()), Sample's draw without its test of dist's type
	expNS float64
}

// downCall is one downstream call a request makes (a CallConfig expanded
// by its Count).
type downCall struct {
	e    *edge
	hash uint64
	// p is the probability that a request takes the edge
	// (CallConfig.Probability; 1 always), decided once per request by
	// pathHash: a retry of the request takes the path it took.
	p        float64
	pathHash uint64
	// edge is the index of its CallConfig (fanout_choose picks edges)
	edge int32
}

// replica is one replica of a service.
type replica struct {
	s        *service
	idx      int32 // its index in s.reps
	busy     int
	q        deque
	running  []*attempt // requests holding a worker
	rq       deque      // rejections waiting for a worker (reject_cost)
	down     bool
	retiring bool           // scaled in: finishes its work, takes no new work (autoscale.go)
	dep      *replicaDeploy // deploy state (deploy.go); nil when never deployed
	rs       *replicaStrat  // server-side strategy state; nil when none
	g        grayState      // gray failures on it (gray.go)
}

func newService(w *World, cfg *config.ServiceConfig, idx int) *service {
	s := &service{
		w:        w,
		cfg:      cfg,
		name:     cfg.Name,
		hash:     hashName("service/" + cfg.Name),
		dist:     cfg.ServiceTime,
		expNS:    sim.ExpMean(cfg.ServiceTime),
		limit:    -1,
		lifo:     cfg.Queue.Order == config.LIFO,
		parallel: cfg.Fanout == config.Parallel,
		balancer: kindOf(cfg.Balancer),
		lb:       w.s.Rand("service/" + cfg.Name + "/balancer"),
		up:       cfg.Replicas,
		active:   cfg.Workers,
		slow:     1,
		errP:     cfg.ErrorRate,
	}
	if cfg.Queue.Limit != nil {
		s.limit = *cfg.Queue.Limit
	}
	if cfg.RejectCost != nil {
		s.rejectCost = cfg.RejectCost
		s.rejectHash = hashName("service/" + cfg.Name + "/reject_cost")
		s.hRejected = s.onRejectDone
	}
	if p := cfg.Queue.Patience; p != nil {
		s.patience = p
		s.patienceHash = hashName("service/" + cfg.Name + "/patience")
		s.hRenege = s.onRenege
	}
	n := cfg.Replicas
	if cfg.Autoscale != nil {
		n = max(n, cfg.Autoscale.Max)
	}
	s.prov = cfg.Replicas
	for i := range n {
		r := &replica{s: s, idx: int32(len(s.reps)), down: i >= cfg.Replicas}
		if cfg.Queue.Fair != "" {
			drr, err := strategies.NewDRR(cfg.Queue.Quantum)
			if err != nil {
				panic(err) // validated: quantum in [1, 1e6]
			}
			r.q.fq = &fairQ{drr: drr}
		}
		s.reps = append(s.reps, r)
	}
	s.newBalancer()
	s.capacityUp = s.up * s.active
	s.m.capacity.set(0, float64(s.capacityUp))
	if cfg.Autoscale != nil {
		s.pulls = cfg.Async
		as, err := newAutoscaler(s)
		if err != nil {
			panic(err) // validated
		}
		s.as = as
	}
	return s
}

// wire resolves the downstream edges once every target exists.
func (s *service) wire() {
	w := s.w
	if k := s.cfg.FanoutChoose; k != nil {
		s.choose = *k
	}
	if k := s.cfg.FanoutQuorum; k != nil {
		s.quorum = *k
	}
	s.wirePaths()
	for j := range s.cfg.Calls {
		cc := &s.cfg.Calls[j]
		e := &edge{
			name:   s.name + "->" + cc.Target,
			policy: cc.ClientPolicy,
			link:   newLink(cc.Link),
			to:     w.byName[cc.Target],
			toName: cc.Target,

			inherit: s.cfg.PropagateDeadline || cc.PropagateDeadline,
		}
		e.stats.name = e.name
		w.edges = append(w.edges, e)
		p := 1.0
		if cc.Probability != nil {
			p = *cc.Probability
		}
		path := with(hashName(e.name)+uint64(j)<<32, pathSalt)
		s.edgeHash = append(s.edgeHash, path)
		for k := range cc.Count {
			s.calls = append(s.calls, downCall{e: e, hash: hashName(e.name) + uint64(j)<<32 + uint64(k), p: p, pathHash: path, edge: int32(j)})
		}
	}
}

func (r *replica) outstanding() int { return r.busy + r.q.n }

// arrive is admission: outage, balancer, then an idle worker, the queue,
// or rejection.
func (s *service) arrive(a *attempt) {
	w := s.w
	if a.cancelled {
		a.release(w) // its caller cancelled it on the way (hedging)
		return
	}
	now := w.s.Now()
	a.svc = s
	a.arrived = now
	// for the run and the interval (its count less its mark)
	s.m.arrivalsN++
	if s.one && a.e.od == nil {
		// one replica up, no weights to keep, no black hole or outage
		// (setSolo), no outlier detection: pickFor's answer, without
		// its two calls or the tests below
		s.enter(s.reps[0], a)
		return
	}
	if s.blackHole {
		s.m.droppedN++
		a.release(w) // swallowed: no answer ever comes
		return
	}
	if s.failFast || s.up == 0 {
		if s.rejectCost != nil && s.up > 0 {
			s.rejectWork(s.pick(a), a, strategies.ReasonOutage)
			return
		}
		s.reject(a, strategies.ReasonOutage)
		return
	}
	if i := s.rr; s.balancer == balRoundRobin && i < s.up && s.bal == nil && a.e.od == nil {
		// several replicas up, in turn: pickFor's answer (reps[rr%up]
		// is reps[rr] while rr < up), without its two calls
		s.rr = i + 1
		if s.rr >= s.up {
			s.rr = 0
		}
		s.enter(s.reps[i], a)
		return
	}
	s.enter(s.pickFor(a), a)
}

// enter takes request a into replica r: the replica's doors (arrival
// strategies that may hold a request, serviceStrat.pass), then admission,
// then an idle worker or the queue.
func (s *service) enter(r *replica, a *attempt) {
	a.host = r
	if s.st == nil && !r.g.gray {
		// no doors, no strategy and no gray failure: admission is the
		// waiting room's limit alone (admit's last test), refused here
		// but for a fair queue's eviction or a reject cost (below)
		idle := !s.paused && r.busy < s.active && r.q.n == 0
		if idle || s.limit < 0 || r.q.n < s.limit {
			now := s.w.s.Now()
			s.m.inSystem.add(now, 1)
			if idle {
				s.start(r, a)
				return
			}
			s.wait(r, a, now)
			return
		} else if r.q.fq == nil && s.rejectCost == nil {
			s.reject(a, strategies.ReasonQueueFull) // admit's answer
			return
		}
	}
	reason, held := strategies.ReasonOK, r.g.gray && s.grayRefused(r, a)
	if !held && s.st != nil && s.st.doors > a.door {
		reason, held = s.st.pass(s, r, a)
	}
	if held {
		return
	}
	if reason == strategies.ReasonOK {
		reason = s.admit(r, a)
	}
	if reason != strategies.ReasonOK {
		if s.rejectCost != nil {
			s.rejectWork(r, a, reason)
			return
		}
		s.reject(a, reason)
		return
	}
	now := s.w.s.Now()
	if s.st != nil && s.st.async {
		s.st.accept(s, r, a) // acknowledged now; its message is served later
		return
	}
	s.m.inSystem.add(now, 1)
	if !s.paused && r.busy < s.active && r.q.n == 0 {
		s.start(r, a)
		return
	}
	s.wait(r, a, now)
}

// wait puts admitted request a in r's queue.
func (s *service) wait(r *replica, a *attempt, now sim.Time) {
	a.rep = r
	a.queued = true
	r.q.push(a)
	s.m.queue.add(now, 1)
	if s.patience != nil {
		a.timer = s.w.s.Schedule(s.patience.Sample(s.w.rngFor(with(a.seed, s.patienceHash))), s.hRenege, a)
	}
	if s.st != nil {
		s.st.enqueued(s, r, a)
	}
}

// dequeued is the bookkeeping of a request taken out of r's queue, by a
// worker or otherwise: it stops waiting, and its patience with it.
func (s *service) dequeued(a *attempt, now sim.Time) {
	a.queued = false
	s.m.queue.add(now, -1)
	if s.patience != nil {
		a.timer.Stop()
		a.timer = sim.Timer{}
	}
}

// onRenege is the end of a waiting request's patience
// (QueueConfig.Patience): it leaves the queue unserved, and its caller is
// answered reneged.
func (s *service) onRenege(arg any) {
	a := arg.(*attempt)
	a.timer = sim.Timer{}
	r := a.rep
	now := s.w.s.Now()
	r.q.remove(a)
	a.queued = false
	s.m.queue.add(now, -1)
	s.st.mReneged.inc()
	s.st.queueChanged(s, r)
	s.dropWaiting(r, a, strategies.ReasonReneged)
}

// admit decides whether replica r takes request a: ReasonOK, or why not.
// The server strategies act first (serviceStrat.admit: rate limits, load
// shedding, adaptive concurrency), then the queue limit: a request that
// would have to wait finds the waiting room full.
func (s *service) admit(r *replica, a *attempt) Reason {
	if s.st != nil {
		if reason := s.st.admit(s, r, a); reason != strategies.ReasonOK {
			return reason
		}
	}
	wouldWait := s.paused || r.busy >= s.active || r.q.n > 0
	if wouldWait && s.limit >= 0 && r.q.n >= s.limit {
		if r.q.fq != nil {
			if v := r.q.fq.evictFor(a); v != nil {
				r.q.n--
				s.dequeued(v, s.w.s.Now())
				s.st.mEvicted.inc()
				s.dropWaiting(r, v, strategies.ReasonQueueFull)
				return strategies.ReasonOK
			}
		}
		if a.limIn > 0 {
			s.st.leave(s, r, a, strategies.ReasonQueueFull)
		}
		return strategies.ReasonQueueFull
	}
	return strategies.ReasonOK
}

// reject answers a at once without service.
func (s *service) reject(a *attempt, r Reason) {
	// for the run and the interval (its count less its mark)
	s.m.rejectedN++
	a.respond(s.w, r)
}

// start puts a on a worker of replica r: its local work is sampled from
// the stream tied to the attempt and this service, times the slowdown.
func (s *service) start(r *replica, a *attempt) {
	w := s.w
	now := w.s.Now()
	a.rep = r
	a.started = now
	r.busy++
	s.m.busy.add(now, 1)
	s.m.waitSum += float64(now - a.arrived)
	s.m.waitN++
	a.slot = int32(len(r.running))
	r.running = append(r.running, a)
	rng := w.rngFor(with(a.seed, s.hash))
	d := w.draws.Sample(s.dist) // s.dist.Sample(rng), exponential in line
	if s.slowed {
		d = time.Duration(float64(d) * s.slow)
	}
	errP := s.errP
	if r.g.gray {
		d, errP = r.grayWork(d, errP)
	}
	if r.dep != nil {
		d, errP = r.dep.apply(now, d, errP)
	}
	a.reason = strategies.ReasonOK
	if errP > 0 && rng.Float64() < errP {
		a.reason = strategies.ReasonError
	}
	a.timer = w.s.Schedule(d, s.hDone, a)
	if rc := w.rec.step; rc != nil {
		rc.attemptStep(a, stepStarted, a.reason)
	}
}

// shiftWork returns the work d and error probability errP of a request
// that starts now at r as r's gray failure and deploy change them: the
// rare part of start (and of finishPlain's hand-off), out of line.
//
//go:noinline
func (r *replica) shiftWork(now sim.Time, d time.Duration, errP float64) (time.Duration, float64) {
	if r.g.gray {
		d, errP = r.grayWork(d, errP)
	}
	if r.dep != nil {
		d, errP = r.dep.apply(now, d, errP)
	}
	return d, errP
}

// workDone ends a's local work: the request makes its downstream calls,
// or finishes.
func (s *service) workDone(a *attempt) {
	w := s.w
	a.timer = sim.Timer{}
	if rc := w.rec.step; rc != nil {
		rc.attemptStep(a, stepWorkDone, a.reason)
	}
	if a.reason == strategies.ReasonOK && len(s.calls) > 0 {
		a.next = 0
		a.downFailed = false
		a.cause = cause{}
		s.callOut(a)
		return
	}
	s.finish(a, a.reason)
}

// callOut makes the next downstream call of a (sequential) or all of them
// (parallel).
func (s *service) callOut(a *attempt) {
	w := s.w
	if s.parallel {
		n := int32(0)
		for i := range s.calls {
			if s.takes(&s.calls[i], a) {
				n++
			}
		}
		if n == 0 {
			s.finish(a, strategies.ReasonOK)
			return
		}
		a.pending = n
		s.quorumStart(a, n)
		for i := range s.calls {
			if dc := &s.calls[i]; s.takes(dc, a) {
				c := dc.e.newCall(w, a, with(a.seed, dc.hash))
				c.launch(w)
			}
		}
		return
	}
	for int(a.next) < len(s.calls) && !s.takes(&s.calls[a.next], a) {
		a.next++
	}
	if int(a.next) == len(s.calls) {
		s.finish(a, strategies.ReasonOK)
		return
	}
	dc := &s.calls[a.next]
	a.next++
	a.pending = 1
	c := dc.e.newCall(w, a, with(a.seed, dc.hash))
	c.launch(w)
}

// callDone receives the outcome of a downstream call made for a (by a
// service) or of the backend call of a cache miss.
func (a *attempt) callDone(c *call, r Reason) {
	switch {
	case a.settled:
		a.lateCall() // the request went on without it (fanout_quorum)
		return
	case a.need > 0:
		if !a.quorumDone(c, r) {
			return
		}
	default:
		if r != strategies.ReasonOK && !a.downFailed {
			a.failedBelow(c, r)
		}
		a.pending--
		if a.pending > 0 {
			return
		}
	}
	if a.ca != nil {
		a.ca.filled(a)
		return
	}
	s := a.svc
	if s.paused {
		s.deferred = append(s.deferred, a)
		return
	}
	s.afterCalls(a)
}

func (s *service) afterCalls(a *attempt) {
	switch {
	case a.downFailed:
		s.finish(a, strategies.ReasonError)
	case !s.parallel && int(a.next) < len(s.calls):
		s.callOut(a)
	default:
		s.finish(a, strategies.ReasonOK)
	}
}

// freeWorker frees the worker that served a at rep and counts a served
// with answer r: finish's first part, and finishPlain's.
func (s *service) freeWorker(a *attempt, rep *replica, now sim.Time, r Reason) {
	a.busy = now.Sub(a.started)
	last := len(rep.running) - 1
	if int(a.slot) != last {
		// (a is the latest to start unless several workers serve)
		moved := rep.running[last]
		rep.running[a.slot] = moved
		moved.slot = a.slot
	}
	rep.running[last] = nil
	rep.running = rep.running[:last]
	a.slot = -1
	rep.busy--
	s.m.busy.add(now, -1)
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
}

// finish ends a's service: the worker is freed and takes the next waiting
// request, and the answer goes back (unless the service is a black hole).
func (s *service) finish(a *attempt, r Reason) {
	w := s.w
	now := w.s.Now()
	rep := a.rep
	s.freeWorker(a, rep, now, r)
	if a.limIn > 0 {
		s.st.leave(s, rep, a, r)
	}
	s.dispatch(rep)
	if a.msg {
		s.st.consumed(s, a)
		return
	}
	if s.blackHole || rep.g.hole {
		a.discard(w)
		return
	}
	a.respond(w, r)
}

// dispatch starts waiting requests on r's free workers.
func (s *service) dispatch(r *replica) {
	// (the emptiness of the queue first: it is what usually ends a loop)
	for r.rq.n > 0 && !s.paused && !r.down && r.busy < s.active {
		s.startReject(r, r.rq.popFront())
	}
	for r.q.n > 0 && !s.paused && !r.down && r.busy < s.active {
		if a := s.next(r); a != nil {
			s.start(r, a)
		}
	}
	if s.pulls && r.q.n == 0 {
		s.pull(r)
	}
	if s.st != nil && r.q.n == 0 {
		s.st.idle(s, r)
	}
	if r.retiring {
		s.as.retired(r)
	}
}

// next takes the request a free worker of r serves next, following the
// queue order. With server-side strategies, the queue disciplines that
// decide at dequeue (adaptive LIFO, CoDel, dropping expired requests) act
// in serviceStrat.next, which may drop requests and return nil.
func (s *service) next(r *replica) *attempt {
	if s.st != nil {
		return s.st.next(s, r)
	}
	var a *attempt
	if s.lifo {
		a = r.q.popBack()
	} else {
		a = r.q.popFront()
	}
	s.dequeued(a, s.w.s.Now())
	return a
}
