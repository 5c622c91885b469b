package scenarios

import (
	"fmt"
	"math"
	"time"

	"github.com/stampede-sim/stampede/models/config"
	"github.com/stampede-sim/stampede/scenarios/format"
	"github.com/stampede-sim/stampede/sim"
	"github.com/stampede-sim/stampede/strategies"
)

// MaxWork is the most attempts a run may be estimated to make in the
// worst case (work) when its scenario is loaded or its batch prepared:
// past it the scenario is refused with the numbers, unless
// LoadOptions.Force (Options.Force for --set). The models go through a
// few million attempts a second, so a run at the limit would take many
// minutes if the worst case happened; the largest built-in estimate
// (retry-amplification's, every attempt failing and retried at every
// layer) is 7.2e6.
const MaxWork = 5e8

// work is the worst-case estimate of the attempts a run makes: every
// client's calls over the run at its highest rate, each multiplied
// through the call graph as if every attempt failed and was retried (and
// hedged) as far as its edge allows, and every cache lookup missed.
type work struct {
	// attempts is the total; calls the calls the clients and jobs make.
	attempts, calls float64
	// perCall is the most attempts one call of a client makes through
	// the call graph, and client the client (or job) that makes them.
	perCall float64
	client  string
	// edge is the call edge with the largest multiplier on that client's
	// path (calls x attempts x hedges per call), "" if none is over 1;
	// edgeKey locates it in the file.
	edge    string
	edgeKey format.Path
	edgeX   float64
}

// estimateWork estimates the worst-case work of a run of c, with its
// defaults applied or not (a key left out counts as its default).
func estimateWork(c *config.Config) work {
	e := &estimator{c: c, memo: map[string]float64{}, via: map[string]edgeRef{}}
	var w work
	dur := c.Duration.Seconds()
	for i := range c.Clients {
		cl := &c.Clients[i]
		calls := e.clientCalls(cl, dur)
		per := policyX(&cl.ClientPolicy, 1) * e.attempts(cl.Target, 0)
		e.add(&w, calls, per, cl.Name, cl.Target)
	}
	for i := range c.Jobs {
		j := &c.Jobs[i]
		pushes := 0.0
		switch j.Kind {
		case config.ConstantWork:
			if j.Every > 0 {
				pushes = math.Floor(dur / j.Every.Seconds())
			}
		default:
			pushes = j.Changes * dur
			for _, b := range j.Bursts {
				pushes += float64(b.Changes)
			}
		}
		per := policyX(&j.ClientPolicy, 1) * e.attempts(j.Target, 0)
		e.add(&w, pushes*float64(j.Nodes), per, j.Name, j.Target)
	}
	return w
}

// edgeRef is a call edge: where it is and its multiplier.
type edgeRef struct {
	name string
	key  format.Path
	x    float64
}

type estimator struct {
	c    *config.Config
	memo map[string]float64 // attempts per attempt arriving at a target
	via  map[string]edgeRef // the largest edge multiplier below a target
}

// add counts calls calls of per attempts each, from client (or job) name
// to target.
func (e *estimator) add(w *work, calls, per float64, name, target string) {
	w.calls += calls
	w.attempts += calls * per
	if calls > 0 && per > w.perCall {
		w.perCall, w.client = per, name
		ref := e.via[target]
		w.edge, w.edgeKey, w.edgeX = ref.name, ref.key, ref.x
	}
}

// attempts returns the worst-case attempts one attempt arriving at target
// makes, itself included: 1 plus, for each downstream edge, its calls x
// attempts x hedge copies times its target's. The call graph has no
// cycle (validation refuses them); depth guards anyway.
func (e *estimator) attempts(target string, depth int) float64 {
	if x, ok := e.memo[target]; ok {
		return x
	}
	if depth > len(e.c.Services)+len(e.c.Caches) {
		return 1 // a cycle, which validation reports
	}
	total := 1.0
	best := edgeRef{x: 1}
	note := func(ref edgeRef, below string) {
		if ref.x > best.x {
			best = ref
		}
		if r, ok := e.via[below]; ok && r.x > best.x {
			best = r
		}
	}
	for i := range e.c.Services {
		s := &e.c.Services[i]
		if s.Name != target {
			continue
		}
		for j := range s.Calls {
			cc := &s.Calls[j]
			x := policyX(&cc.ClientPolicy, cc.Count)
			total += x * e.attempts(cc.Target, depth+1)
			note(edgeRef{name: s.Name + " -> " + cc.Target, x: x,
				key: format.At("services").Elem(i, s.Name).Field("calls").Elem(j, cc.Target)}, cc.Target)
		}
	}
	for i := range e.c.Caches {
		ca := &e.c.Caches[i]
		if ca.Name != target {
			continue
		}
		x := policyX(&ca.ClientPolicy, 1)
		total += x * e.attempts(ca.Backend, depth+1)
		note(edgeRef{name: ca.Name + " -> " + ca.Backend, x: x, key: format.At("caches").Elem(i, ca.Name)}, ca.Backend)
	}
	e.memo[target] = total
	if best.name != "" {
		e.via[target] = best
	}
	return total
}

// policyX is the most attempts count calls under policy p make: count x
// the retry policy's attempts x the hedge's copies per attempt.
func policyX(p *config.ClientPolicy, count int) float64 {
	x := float64(max(count, 1))
	if !p.Retry.Off() && p.Retry.Attempts > 1 {
		x *= float64(p.Retry.Attempts)
	}
	if p.Hedge != nil && !p.Hedge.Off() {
		x *= float64(max(p.Hedge.MaxAttempts, strategies.DefaultHedgeConfig().MaxAttempts))
	}
	return x
}

// clientCalls is the most calls a client makes over dur seconds: its
// highest rate throughout (sessions x calls per session, partly open),
// its bursts, the load spikes and restarts that target it; for a closed
// client, its users each calling once per think time plus the mean
// local work of its target and the link both ways.
func (e *estimator) clientCalls(cl *config.ClientConfig, dur float64) float64 {
	perSession := 1.0
	if cl.Model == config.PartlyOpen {
		perSession = float64(max(cl.CallsPerSession, 1))
	}
	restart := 0.0
	spike := 0.0
	rate := cl.Rate
	for _, p := range cl.Schedule {
		rate = max(rate, p.Rate)
	}
	for _, f := range e.c.Faults {
		if f.Target != cl.Name && f.Target != "*" {
			continue
		}
		switch f.Kind {
		case config.FaultLoadSpike:
			spike += (rate*(max(f.Factor, 1)-1) + f.Extra) * min(f.For.Seconds(), dur)
		case config.FaultClientRestart:
			restart += float64(f.Calls) + float64(cl.Users)
		}
	}
	if cl.Model == config.Closed {
		cycle := mean(cl.Think) + 2*mean(cl.Link.Latency) + e.localWork(cl.Target)
		if cycle <= 0 {
			return math.Inf(1)
		}
		return float64(cl.Users)*dur/cycle + restart
	}
	sessions := rate*dur + spike
	if b := cl.Burst; b.Size > 0 && b.Every > 0 {
		start := b.Start
		if start == 0 {
			start = b.Every
		}
		if start.Seconds() <= dur {
			sessions += float64(b.Size) * (1 + math.Floor((dur-start.Seconds())/b.Every.Seconds()))
		}
	}
	return sessions*perSession + restart
}

// localWork is the mean time an attempt spends at target itself: its
// service time, or a cache's lookup.
func (e *estimator) localWork(target string) float64 {
	for i := range e.c.Services {
		if s := &e.c.Services[i]; s.Name == target {
			return mean(s.ServiceTime)
		}
	}
	for i := range e.c.Caches {
		if ca := &e.c.Caches[i]; ca.Name == target {
			return mean(ca.HitLatency)
		}
	}
	return 0
}

func mean(d sim.Dist) float64 {
	if d == nil {
		return 0
	}
	return d.Mean()
}

// worstRun is the run of a batch with the most estimated work, and which
// run it is: "" for the base, "of variant \"x\"", "with rate = 100";
// key is where a variant or a sweep value sets what makes it the worst.
type worstRun struct {
	seen  bool
	w     work
	base  float64 // the base's attempts
	where string
	key   format.Path
	dur   time.Duration
}

// consider estimates the work of a run of c and keeps it if it is the
// most so far. The base comes first, where "".
func (r *worstRun) consider(c *config.Config, where string, key format.Path) {
	w := estimateWork(c)
	if !r.seen {
		r.base = w.attempts
	}
	if !r.seen || w.attempts > r.w.attempts {
		r.seen, r.w, r.where, r.key, r.dur = true, w, where, key, c.Duration
	}
}

// check reports the worst run if its estimated work is over MaxWork,
// located at the call edge that multiplies it most when the call graph
// does (a fan-out), else at duration.
func (r *worstRun) check(d *format.Decoder) {
	w := r.w
	if !(w.attempts > MaxWork) {
		return
	}
	p := format.At("duration")
	why := fmt.Sprintf("%s calls over %s", fmtNum(w.calls), format.ShortDuration(r.dur))
	if w.perCall > 1 {
		why += fmt.Sprintf(", up to %s attempts per call of %s through the call graph", fmtNum(w.perCall), w.client)
		if w.edge != "" && w.edgeX >= 10 {
			p = w.edgeKey
			why += fmt.Sprintf("; %s alone multiplies by %s: calls x attempts x hedge copies per request", w.edge, fmtNum(w.edgeX))
		}
	}
	where := ""
	if r.where != "" {
		where = " " + r.where
		if !(r.base > MaxWork) {
			p = r.key // the base is fine: what the variant or sweep sets is at fault
		}
	}
	d.Fail(p, nil, "a run%s would make up to %s attempts in the worst case (%s), over the limit of %s on the attempts of a run "+
		"estimated before it starts (minutes to hours of running); shorten duration, lower the load or the fan-out, or run with --force to go ahead",
		where, fmtNum(w.attempts), why, fmtNum(MaxWork))
}
