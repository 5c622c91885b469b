package models

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/stampede-sim/stampede/models/config"
	"github.com/stampede-sim/stampede/models/results"
	"github.com/stampede-sim/stampede/sim"
	"github.com/stampede-sim/stampede/strategies"
)

// World is a built, runnable simulation of one Config. It is driven from
// outside: Run to the end, or Advance in bounded slices (the TUI does),
// with Inject and the Set* knobs in between. A World is single-threaded:
// use it from one goroutine at a time. The zero World is not usable; call
// Build.
type World struct {
	cfg config.Config
	s   *sim.Sim
	end sim.Time

	// intervals: the current one is [ivStart, boundary)
	interval time.Duration
	ivStart  sim.Time
	boundary sim.Time
	t        results.Values

	services []*service
	caches   []*cache
	clients  []*client
	edges    []*edge // downstream edges (services' and caches' calls), in config order
	jobs     jobSet
	byName   map[string]target
	total    callStats

	faults timeline // configured then injected

	// pools
	// (calls and attempts: free lists linked through call.nextFree and
	// attempt.nextWait, cheaper to take from and give back to than a
	// slice of pointers)
	calls      *call
	attempts   *attempt
	callStrats *callStrat // linked through callStrat.next
	// every call and attempt this world (or the worlds whose memory it
	// took) allocated, so that BuildReusing can take back those still in
	// flight when a run ends; as long as the most in flight at once
	madeCalls    []*call
	madeAttempts []*attempt

	// per-call randomness: a PCG reseeded from a seed tied to the call
	// before each use (common random numbers across variants).
	pcg *rand.PCG
	rng *rand.Rand
	// draws is rng as a sim.Stream (rng is draws.R), for the draws of a
	// request's work (service.start)
	draws *sim.Stream
	// salt is mixed into every per-call seed from a Branch on; zero
	// until then, so an unbranched run draws what it always drew.
	salt uint64

	// handlers bound once
	hArrive, hDeliver, hTimeout, hDeadline, hWorkDone, hLookup sim.Handler
	hFallback                                                  sim.Handler // a call's fallback answer is ready
	hClientArrival, hBurst, hUserIssue, hSessionIssue          sim.Handler
	hRetry, hReply, hSync, hHedge, hBulkWait, hBulkStart       sim.Handler
	hJobChange, hJobBurst, hJobTick                            sim.Handler

	inFlight    int // attempts alive
	maxInFlight int
	maxEvents   uint64
	events      uint64
	sameAt      sim.Time
	sameCount   uint64
	err         error // the run's; a handler sets it through fail
	done        bool

	// rec is who hears the lifecycle of calls and attempts, point by
	// point (record.go). The SLOs and the tracer are recorders, kept
	// here too for the results; nil when none.
	rec  recording
	slos *sloSet
	tr   *tracer
	// general: no call takes the fused path of plain calls
	// (GeneralLifecycle, plain.go)
	general bool
}

// maxEventsAtOneInstant stops a run whose clock has stopped advancing (a
// zero-delay loop such as a closed client with no think time against a
// service that fails at once over a zero-latency link).
const maxEventsAtOneInstant = 10_000_000

// LimitError reports that a run stopped early because it hit a limit.
type LimitError struct {
	// Limit names the limit ("limits.max_events", "limits.max_in_flight",
	// "events at one instant").
	Limit string
	// Value is the limit's value.
	Value uint64
	// At is the virtual time the run stopped at.
	At sim.Time
}

// Error describes the limit, where the run stopped (to the millisecond),
// and how to raise the limit when it is a key of the [limits] table.
func (e *LimitError) Error() string {
	at := time.Duration(e.At).Round(time.Millisecond)
	key, ok := strings.CutPrefix(e.Limit, "limits.")
	if !ok {
		return fmt.Sprintf("run stopped at %v: %s = %d reached (the clock stopped advancing: check the scenario for a zero-delay loop, such as a closed client with no think time against a service that fails at once)", at, e.Limit, e.Value)
	}
	return fmt.Sprintf("run stopped at %v: %s = %d reached (raise it with %s = %d under [limits] in the scenario, or --set %s=%d; or check the scenario for a retry storm with no backoff or a zero-delay loop)", at, e.Limit, e.Value, key, 2*e.Value, e.Limit, 2*e.Value)
}

// Build validates cfg (after applying defaults to a copy) and returns a
// World ready to run from time 0.
func Build(cfg config.Config) (*World, error) { return BuildReusing(cfg, nil) }

// BuildReusing is Build, taking for the new world the memory of old, a
// world its caller is done with (its results taken, nothing of it used
// again; nil for none): the World itself and its clients' edges, the
// largest parts of a world (their latency histograms, two of 29.7 KB in
// each edge and two in the World), zeroed before use, and every call and
// attempt it made (free or still in flight at its end) as the new world's
// pools, so that the new world is the one Build makes. A batch's worker
// passes the world of its previous run, so that its runs do not leave
// those to the collector; the pools carried over are at most what one
// run had at its peak in flight.
func BuildReusing(cfg config.Config, old *World) (*World, error) {
	cfg = cloneConfig(cfg)
	cfg.ApplyDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	var spare []*edge
	var oldSim *sim.Sim
	w := old
	if w == nil {
		w = new(World)
	} else {
		for _, c := range old.clients {
			spare = append(spare, c.e)
		}
		// every call and attempt old made, free or still in flight at
		// its end, goes zeroed to the new world's pools
		madeCalls, madeAttempts, callStrats := old.madeCalls, old.madeAttempts, old.callStrats
		oldSim = old.s
		*w = World{}
		w.madeCalls, w.madeAttempts, w.callStrats = madeCalls, madeAttempts, callStrats
		for _, c := range madeCalls {
			if c.x != nil { // in flight with its strategies' state
				c.x.freeCallStrat(w)
			}
			*c = call{live: c.live[:0], nextFree: w.calls}
			w.calls = c
		}
		for _, a := range madeAttempts {
			*a = attempt{attemptB: attemptB{slot: -1, nextWait: w.attempts}}
			w.attempts = a
		}
	}
	w.cfg = cfg
	w.s = sim.NewReusing(cfg.Seed, oldSim)
	w.end = sim.Time(cfg.Duration)
	w.interval = cfg.Interval
	w.byName = map[string]target{}
	w.maxInFlight = cfg.Limits.MaxInFlight
	w.maxEvents = cfg.Limits.MaxEvents
	w.pcg = rand.NewPCG(0, 0)
	w.draws = sim.NewStream(w.pcg)
	w.rng = w.draws.R
	w.faults.w = w
	w.boundary = min(sim.Time(w.interval), w.end)
	w.total.name = "total"
	w.hArrive = onArrive
	w.hDeliver = func(arg any) { arg.(*attempt).deliver(w) }
	w.hTimeout = func(arg any) { arg.(*attempt).timedOut(w) }
	w.hDeadline = func(arg any) { arg.(*call).finishCall(w, strategies.ReasonDeadlineExceeded) }
	w.hWorkDone = func(arg any) { a := arg.(*attempt); a.svc.workDone(a) }
	w.hLookup = func(arg any) { a := arg.(*attempt); a.ca.lookup(a) }
	w.hFallback = func(arg any) { arg.(*call).complete(w, strategies.ReasonFallback) }
	w.hClientArrival = onClientArrival
	w.hBurst = func(arg any) { arg.(*client).burstNow() }
	w.hUserIssue = func(arg any) { arg.(*user).wake() }
	w.hSessionIssue = func(arg any) { arg.(*session).wake() }
	w.hRetry = func(arg any) { arg.(*call).onRetry(w) }
	w.hReply = func(arg any) { arg.(*attempt).onReply(w) }
	w.hSync = func(arg any) { arg.(*replicaStrat).onSync(w) }
	w.hHedge = func(arg any) { arg.(*call).onHedge(w) }
	w.hBulkWait = func(arg any) { arg.(*call).onBulkWait(w) }
	w.hBulkStart = func(arg any) { arg.(*call).onBulkStart(w) }
	w.hJobChange = func(arg any) { arg.(*job).onChange() }
	w.hJobBurst = func(arg any) { arg.(*jobBurst).fire() }
	w.hJobTick = func(arg any) { arg.(*job).tick() }

	for i := range w.cfg.Services {
		s := newService(w, &w.cfg.Services[i], i)
		w.services = append(w.services, s)
		w.byName[s.name] = s
	}
	for i := range w.cfg.Caches {
		c := newCache(w, &w.cfg.Caches[i])
		w.caches = append(w.caches, c)
		w.byName[c.name] = c
	}
	for _, s := range w.services {
		s.wire()
	}
	for _, c := range w.caches {
		c.wire()
	}
	for i := range w.cfg.Clients {
		var e *edge
		if i < len(spare) {
			e = spare[i]
		}
		w.clients = append(w.clients, newClient(w, &w.cfg.Clients[i], i, e))
	}
	w.jobs = newJobs(w)
	w.wireFallbacks()
	if err := w.buildStrategies(); err != nil {
		return nil, err
	}
	for i := range w.cfg.Faults {
		if err := w.faults.schedule(w.cfg.Faults[i]); err != nil {
			return nil, err
		}
	}
	if w.slos = newSLOSet(w); w.slos != nil {
		w.listen(w.slos, hearDone|hearTick)
	}
	if w.tr = newTracer(w); w.tr != nil {
		w.listen(w.tr, hearStart|hearStep|hearDone)
	}
	w.makeLanes()
	w.markPlain()
	for _, c := range w.clients {
		c.begin()
	}
	for _, j := range w.jobs {
		j.begin()
	}
	return w, nil
}

// cloneConfig copies the slices of cfg so that ApplyDefaults on the copy
// leaves the caller's Config alone.
func cloneConfig(c config.Config) config.Config {
	c.Services = append([]config.ServiceConfig(nil), c.Services...)
	for i := range c.Services {
		c.Services[i].Calls = append([]config.CallConfig(nil), c.Services[i].Calls...)
		c.Services[i].CloneStrategies()
		for j := range c.Services[i].Calls {
			c.Services[i].Calls[j].ClientPolicy.Clone()
		}
		if l := c.Services[i].Queue.Limit; l != nil {
			c.Services[i].Queue.Limit = config.Limit(*l)
		}
	}
	c.Clients = append([]config.ClientConfig(nil), c.Clients...)
	for i := range c.Clients {
		c.Clients[i].Schedule = append([]config.RatePoint(nil), c.Clients[i].Schedule...)
		c.Clients[i].ClientPolicy.Clone()
	}
	c.Caches = append([]config.CacheConfig(nil), c.Caches...)
	for i := range c.Caches {
		c.Caches[i].ClientPolicy.Clone()
	}
	c.Faults = append([]config.FaultConfig(nil), c.Faults...)
	c.Jobs = append([]config.JobConfig(nil), c.Jobs...)
	for i := range c.Jobs {
		c.Jobs[i].Bursts = append([]config.ChangeBurst(nil), c.Jobs[i].Bursts...)
		c.Jobs[i].ClientPolicy.Clone()
	}
	return c
}

// Config returns the configuration the world was built from, with defaults
// applied. Callers must not modify its slices.
func (w *World) Config() *config.Config { return &w.cfg }

// Now returns the current virtual time.
func (w *World) Now() sim.Time { return w.s.Now() }

// End returns the time the run ends at (Config.Duration).
func (w *World) End() sim.Time { return w.end }

// Done reports whether the run is over (reached its end or hit a limit).
func (w *World) Done() bool { return w.done }

// Err returns the *LimitError that stopped the run early, or nil.
func (w *World) Err() error { return w.err }

// Events returns the number of events fired so far.
func (w *World) Events() uint64 { return w.events }

// Run runs the world to its end and returns nil, or the *LimitError that
// stopped it early (Results then describes the partial run).
func (w *World) Run() error {
	for !w.Advance(w.end, 1<<62) {
	}
	return w.err
}

// Advance fires events up to and including virtual time until (at most the
// end of the run, whose own instant is excluded), or until maxEvents events
// have fired, whichever comes first. It reports whether the run is over.
// Intervals close as the clock passes their boundaries: an event at a
// boundary counts in the interval it opens.
func (w *World) Advance(until sim.Time, maxEvents uint64) (done bool) {
	if w.done {
		return true
	}
	last := until >= w.end
	if last {
		until = w.end
	}
	s := w.s
	for {
		next := s.NextAt()
		for w.boundary <= next && w.boundary <= until && w.ivStart < w.end {
			w.roll()
		}
		if next > until || (last && next >= w.end) {
			break
		}
		if maxEvents == 0 {
			return false
		}
		// n: the events the batch below may fire, within every limit:
		// the caller's budget, limits.max_events, and the events at one
		// instant (in the batch, those can reach, not pass, the limit;
		// the check here stops the run before the event that would)
		n := maxEvents
		if next == w.sameAt {
			if w.sameCount >= maxEventsAtOneInstant {
				w.sameCount++
				w.stop(&LimitError{Limit: "events at one instant", Value: maxEventsAtOneInstant, At: next})
				return true
			}
			n = min(n, maxEventsAtOneInstant-w.sameCount)
		} else {
			n = min(n, maxEventsAtOneInstant)
		}
		if w.maxEvents > 0 {
			n = min(n, w.maxEvents-w.events) // w.events < w.maxEvents here
		}
		if w.err != nil {
			n = 1 // set outside an event (no Halt): stop after the next
		}
		// lim is the last instant an event may fire at before this loop
		// must look again: before the next interval boundary (which
		// closes first), within until, before the end of the run.
		lim := until
		if last {
			lim = w.end - 1
		}
		if w.ivStart < w.end && w.boundary <= lim {
			lim = w.boundary - 1
		}
		// Fire fires next (it is live and next <= lim) and the events
		// after it up to lim, at most n; a handler that sets the run's
		// error (fail) halts it right after its event.
		fired, atNow := s.Fire(lim, n)
		maxEvents -= fired
		w.events += fired
		if now := s.Now(); now == w.sameAt && atNow == fired {
			w.sameCount += fired
		} else {
			w.sameAt, w.sameCount = now, atNow-1
		}
		if w.err != nil || (w.maxEvents > 0 && w.events >= w.maxEvents) {
			return w.limitHit()
		}
	}
	if last {
		s.RunFor(w.end, 0)
		w.finish()
		return true
	}
	if until > s.Now() {
		s.RunFor(until, 0)
	}
	return false
}

// fail sets err as the run's error from inside an event's handler and
// halts the batch of events Advance is firing (sim.Fire), so that the run
// stops right after this event. A handler that finds the run must stop
// calls it rather than setting w.err itself: without the halt, the batch
// would go on firing.
func (w *World) fail(err error) {
	w.err = err
	w.s.Halt()
}

// limitHit stops the run for w.err, or for limits.max_events when no
// error is set, and reports that the run is over.
func (w *World) limitHit() bool {
	if w.err == nil {
		w.err = &LimitError{Limit: "limits.max_events", Value: w.maxEvents, At: w.s.Now()}
	}
	w.stop(w.err)
	return true
}

// roll closes the current interval at w.boundary.
func (w *World) roll() {
	end := w.boundary
	width := float64(end - w.ivStart)
	w.t = append(w.t, w.ivStart.Seconds())
	tot := &w.total
	inFlight := 0.0
	for _, c := range w.clients {
		st := &c.e.stats
		tot.calls += st.calls - st.calls0 // the interval's counts
		tot.attemptsN += st.attemptsN - st.attempts0
		tot.succeededN += st.succeededN - st.succeeded0
		tot.throughputN += st.throughputN - st.throughput0
		for r := range st.failedN {
			tot.failedN[r] += st.failedN[r] - st.failed0[r]
		}
		w.mergeTotal(&st.hist)
		st.roll(end, width)
		if m := c.e.strat(); m != nil {
			m.roll(end, width)
		}
		inFlight += st.inFlight.means[len(st.inFlight.means)-1]
	}
	w.rollTotal(end, width)
	tot.inFlight.means[len(tot.inFlight.means)-1] = inFlight
	for _, e := range w.edges {
		e.stats.roll(end, width)
		if m := e.strat(); m != nil {
			m.roll(end, width)
		}
	}
	for _, s := range w.services {
		s.m.roll(end, width)
		if m := s.strat(); m != nil {
			m.roll(end, width)
		}
		if s.as != nil {
			s.as.roll(end, width)
		}
		if s.bal != nil {
			s.bal.roll()
		}
	}
	for _, c := range w.caches {
		c.m.roll(end, width)
		if m := c.strat(); m != nil {
			m.roll(end, width)
		}
	}
	w.jobs.roll(end, width)
	if rc := w.rec.tick; rc != nil {
		rc.tick(end)
	}
	w.ivStart = end
	w.boundary = min(end+sim.Time(w.interval), w.end)
}

// finish closes the run at its end.
func (w *World) finish() {
	for w.ivStart < w.end {
		w.roll()
	}
	w.done = true
}

// stop ends the run early, closing the partial interval at now.
func (w *World) stop(err error) {
	w.err = err
	now := w.s.Now()
	for w.boundary <= now && w.ivStart < w.end {
		w.roll()
	}
	if now > w.ivStart {
		w.boundary = now
		w.roll()
	}
	w.done = true
}

// resultEnd is the time the results cover up to.
func (w *World) resultEnd() sim.Time {
	if w.done && w.err == nil {
		return w.end
	}
	return w.s.Now()
}

// ---- seeds ----

func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// seq returns the n-th seed of the sequence based at a (SplitMix64's
// own stream): call n of a client, attempt n of a call.
func seq(a, n uint64) uint64 { return splitmix(a + n*0x9e3779b97f4a7c15) }

// with derives a seed from a seed and a well-mixed constant h (a hashed
// name or a purpose below): different h give unrelated results.
func with(a, h uint64) uint64 { return splitmix(a ^ h) }

// hashName hashes a name (FNV-1a, then SplitMix64), so that seeds derived
// from names do not depend on configuration order.
func hashName(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return splitmix(h)
}

// rngFor reseeds the world's per-call generator from seed and returns it.
// Every draw tied to a call, attempt or request goes through it: the same
// call sees the same numbers whatever else happens in the run.
func (w *World) rngFor(seed uint64) *rand.Rand {
	seed ^= w.salt
	w.pcg.Seed(seed, seed^0xda942042e4dd58b5)
	return w.rng
}

// Purposes of per-call draws: random constants mixed into a seed with
// with, so that each purpose gets its own stream.
const (
	purposeRequestLink  = 0x8f3a5c2e91d4b607
	purposeResponseLink = 0x2b7e151628aed2a6
	purposeThink        = 0xc6a4a7935bd1e995
	purposeKey          = 0x5851f42d4c957f2d
	purposeFirstThink   = 0x14057b7ef767814f
	purposeSession      = 0xd1b54a32d192ed03
	purposeBackoff      = 0x9fb21c651e98df25
	purposeThrottle     = 0x3c6ef372fe94f82b
	purposeTTL          = 0xa54ff53a5f1d36f1
	purposeRefresh      = 0x510e527fade682d1
)

// mergeTotal adds a client's latencies of the interval to the total's.
// With one client the total's would be a copy of its: the total's stay
// empty, and rollTotal copies the client's quantiles instead (nothing
// reads the total's histograms but its quantiles' series).
func (w *World) mergeTotal(h *sim.Histogram) {
	if len(w.clients) > 1 {
		w.total.hist.Merge(h)
	}
}

// rollTotal closes the total's interval ending at end, of width ns: with
// one client, its quantiles are the client's, rolled just before.
func (w *World) rollTotal(end sim.Time, width float64) {
	tot := &w.total
	tot.roll(end, width)
	if len(w.clients) == 1 {
		st := &w.clients[0].e.stats
		n, m := len(st.p50)-1, len(tot.p50)-1
		tot.p50[m], tot.p90[m], tot.p99[m], tot.p999[m] = st.p50[n], st.p90[n], st.p99[n], st.p999[n]
	}
}

// makeLanes gives every link of constant latency the simulator's lane
// (sim.Sim.NewLane) of its delay (link.lane): the messages such a link
// carries are scheduled that delay after they are sent, and so fall due
// in the order they are sent.
func (w *World) makeLanes() {
	w.eachEdge(func(e *edge) {
		if d, ok := sim.ConstValue(e.link.latency); ok && e.link.latency != nil {
			e.link.lane = w.s.NewLane(d)
		}
	})
}
