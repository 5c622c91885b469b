package config

import (
	"errors"
	"strings"
	"time"

	"github.com/stampede-sim/stampede/sim"
	"github.com/stampede-sim/stampede/strategies"
)

// The strategies' tables are strategies' Specs (strategies.BreakerSpec,
// strategies.RateLimitSpec, ...): their keys, defaults and validation
// live beside each strategy's logic. Every strategy is off unless
// configured: retry by retry.attempts >= 2, every other one by the
// presence of its table (a nil pointer is off). Once a strategy is on, its
// keys left out take the defaults its ApplyDefaults sets (docs/STRATEGIES.md
// lists them with their sources); Validate then checks every key, and the
// scenario's validation reports the key under the table's path. This file
// holds what is the schema's own: a caller's policy (ClientPolicy, the
// edge's tables), walking an entity's tables, the queue disciplines
// (QueueConfig) and the cache's keys.

// ClientPolicy is what a caller does on one edge: a per-attempt timeout,
// a per-call deadline, and the client-side strategies (docs/STRATEGIES.md
// gives their order in the lifecycle). The zero value waits forever, never
// retries and applies no strategy.
type ClientPolicy struct {
	// Timeout is how long the caller waits for one attempt before it
	// abandons it (the server keeps working: that is wasted work). Zero
	// means no timeout.
	Timeout time.Duration `toml:"timeout"`
	// Deadline bounds the whole call, all attempts included; when it
	// passes, the call fails with deadline_exceeded. Zero means none.
	Deadline time.Duration `toml:"deadline"`
	// Retry is the retry policy. The zero value never retries.
	Retry strategies.RetrySpec `toml:"retry"`
	// Budget caps the retries and hedges of all the calls on the edge
	// together (a token bucket, a ratio over a window, or a quota). nil
	// means none.
	Budget *strategies.BudgetSpec `toml:"budget"`
	// Priority is the criticality of the calls (sheddable,
	// sheddable_plus, critical, critical_plus), which a service's
	// priority shedding reads. Empty means critical for a client (the SRE
	// book's default for production requests), and, for a service's or
	// cache's downstream edge, the priority of the request the call is
	// made for.
	Priority string `toml:"priority"`
	// Breaker is a circuit breaker on every attempt. nil means none.
	Breaker *strategies.BreakerSpec `toml:"breaker"`
	// RetryBreaker is a breaker on retries only. nil means none.
	RetryBreaker *strategies.RetryBreakerSpec `toml:"retry_breaker"`
	// Throttle is client-side adaptive throttling (rejects attempts
	// locally with throttled). nil means none.
	Throttle *strategies.ThrottleSpec `toml:"throttle"`
	// Hedge sends extra copies of a call that is slow to answer; the
	// first answer wins. nil means none.
	Hedge *strategies.HedgeSpec `toml:"hedge"`
	// Bulkhead bounds the calls in flight on the edge (failing or queueing
	// the rest with concurrency_limited). nil means none.
	Bulkhead *strategies.BulkheadSpec `toml:"bulkhead"`
	// Outlier is outlier detection on the caller's balancer over the
	// target service's replicas (Envoy's). nil means none.
	Outlier *strategies.OutlierSpec `toml:"outlier_detection"`
	// Fallback answers a call that failed with a degraded answer of the
	// caller's own (a default, a stale value) instead of the failure.
	// nil means none.
	Fallback *FallbackConfig `toml:"fallback"`
}

// Strategies returns the strategy tables p sets, in registry order; the
// retry table is always there (it retries from 2 attempts).
func (p *ClientPolicy) Strategies() []strategies.Spec {
	return strategies.Specs(&p.Retry, p.Budget, p.Breaker, p.RetryBreaker, p.Throttle, p.Hedge, p.Bulkhead, p.Outlier)
}

// Clone gives p its own copies of the tables it points to, so that
// ApplyDefaults on a copy of a Config leaves the original alone.
func (p *ClientPolicy) Clone() {
	p.Retry = *p.Retry.Clone()
	p.Budget = p.Budget.Clone()
	p.Breaker = clonePtr(p.Breaker)
	p.RetryBreaker = clonePtr(p.RetryBreaker)
	p.Throttle = p.Throttle.Clone()
	p.Fallback = clonePtr(p.Fallback)
	p.Hedge = p.Hedge.Clone()
	p.Bulkhead = clonePtr(p.Bulkhead)
	p.Outlier = p.Outlier.Clone()
}

// QueueConfig is a replica's waiting room.
type QueueConfig struct {
	// Limit is the number of requests that may wait, per replica, not
	// counting those in service: workers = c with Limit = K-c is the
	// textbook M/M/c/K. nil means unbounded; a pointer to 0 means no
	// waiting room at all (M/M/c/c, Erlang B). Use Limit(n) to set it.
	Limit *int `toml:"limit"`
	// Order is the order waiting requests are served in. Empty means fifo.
	Order QueueOrder `toml:"order"`
	// DropExpired drops, at dequeue, a request whose deadline (its call's
	// deadline, propagated from upstream with PropagateDeadline) has
	// passed, answering expired instead of serving it.
	DropExpired bool `toml:"drop_expired"`
	// Target is CoDel's acceptable standing queueing delay (order codel),
	// or controlled delay's M, the longest wait while a queue stands
	// (order controlled_delay). Zero means 5ms (RFC 8289; "Fail at
	// Scale").
	Target time.Duration `toml:"target"`
	// Interval is how long the queueing delay must stay above Target
	// before CoDel drops (order codel), or controlled delay's N, both how
	// long the queue must have been non-empty to count as standing and
	// the longest wait otherwise (order controlled_delay). Zero means
	// 100ms (RFC 8289; "Fail at Scale").
	Interval time.Duration `toml:"interval"`
	// CoDelVariant is rfc (RFC 8289's control law) or folly (Facebook's
	// server variant: while overloaded, drop what waited more than
	// 2 x Target) (order codel). Empty means rfc.
	CoDelVariant string `toml:"codel_variant"`
	// LIFOAfter is how long the queue must have held more than
	// LIFOThreshold requests before adaptive LIFO serves the newest first
	// (order adaptive_lifo). Zero means 100ms.
	LIFOAfter time.Duration `toml:"lifo_after"`
	// LIFOThreshold is the queue length that still counts as empty for
	// adaptive LIFO (order adaptive_lifo). Zero means 0.
	LIFOThreshold int `toml:"lifo_threshold"`
	// Fair is fair queueing between the service's callers: "" (off) or
	// "caller": each replica keeps one queue per caller (each client,
	// cache or upstream service calling it), served by deficit round
	// robin (strategies.DRR), in Order (fifo or lifo) within a caller;
	// when the waiting room is full an arrival evicts the oldest request
	// of the caller with the most waiting, if that caller has more
	// waiting than the arrival's (RFC 8290's drop from the fattest flow).
	Fair string `toml:"fair"`
	// Quantum is the requests each backlogged caller is served per round
	// (fair). Zero means 1.
	Quantum int `toml:"quantum"`
	// Patience is reneging: each request that has to wait draws a
	// patience from it and leaves the queue when it runs out first, its
	// caller answered reneged (Ciw's and queueing theory's reneging:
	// M/M/c+G). nil means requests wait as long as it takes.
	Patience sim.Dist `toml:"patience"`
}

// Fair queueing modes (QueueConfig.Fair).
const FairCaller = "caller"

// Limit returns a pointer to n, for QueueConfig.Limit.
func Limit(n int) *int { return &n }

// QueueOrder is a queue discipline: which waiting request a free worker
// takes next.
type QueueOrder string

// Queue orders (docs/STRATEGIES.md, queue disciplines).
const (
	FIFO QueueOrder = "fifo" // oldest first
	LIFO QueueOrder = "lifo" // newest first
	// AdaptiveLIFO is FIFO normally, LIFO once a queue has stood for
	// LIFOAfter (Maurer, "Fail at Scale").
	AdaptiveLIFO QueueOrder = "adaptive_lifo"
	// CoDel is FIFO with RFC 8289's Controlled Delay dropping at dequeue
	// (Target, Interval): a request dropped is answered with dropped.
	CoDel QueueOrder = "codel"
	// ControlledDelay is FIFO with the queue timeouts of Maurer, "Fail at
	// Scale" (strategies.ControlledDelay): a request enqueued while the
	// queue has not been empty for the last Interval (N) may wait at most
	// Target (M), otherwise at most Interval; one that waited longer is
	// dropped when it reaches the head (answered with dropped).
	ControlledDelay QueueOrder = "controlled_delay"
)

// strat reports err (from a strategy's table) under the table at path.
func (v *validator) strat(path string, err error) {
	if err == nil {
		return
	}
	var fe *strategies.FieldError
	if errors.As(err, &fe) {
		p := path
		if fe.Path != "" {
			if strings.HasPrefix(fe.Path, "[") {
				p += fe.Path
			} else {
				p += "." + fe.Path
			}
		}
		v.add(p, "%s", fe.Msg)
		return
	}
	v.add(path, "%v", err)
}

// applyDefaults turns off the strategies whose tables say enabled =
// false, and fills the defaults of those p turns on.
func (p *ClientPolicy) applyDefaults() {
	if p.Retry.Off() {
		p.Retry = strategies.RetrySpec{}
	}
	dropOff(&p.Budget)
	dropOff(&p.Breaker)
	dropOff(&p.RetryBreaker)
	dropOff(&p.Throttle)
	dropOff(&p.Hedge)
	dropOff(&p.Bulkhead)
	dropOff(&p.Outlier)
	dropOff(&p.Fallback)
	if p.Fallback != nil {
		p.Fallback.applyDefaults()
	}
	for _, s := range p.Strategies() {
		s.ApplyDefaults()
	}
}

// clientStrategies checks the strategies of the policy at path.
func (v *validator) clientStrategies(path string, p *ClientPolicy) {
	for _, s := range p.Strategies() {
		v.strat(path+"."+s.Key(), s.Validate())
	}
	if p.Priority != "" {
		if _, err := strategies.ParsePriority(p.Priority); err != nil {
			v.add(path+".priority", "must be one of sheddable, sheddable_plus, critical, critical_plus, got %q", p.Priority)
		}
	}
}

// applyStrategyDefaults fills the defaults of the server-side strategies
// s turns on, and of its queue discipline.
func (s *ServiceConfig) applyStrategyDefaults() {
	q := &s.Queue
	switch q.Order {
	case CoDel:
		d := strategies.DefaultCoDelConfig()
		if q.CoDelVariant == "" {
			q.CoDelVariant = CoDelRFC
		}
		if q.Target == 0 {
			q.Target = d.Target
		}
		if q.Interval == 0 {
			q.Interval = d.Interval
		}
	case ControlledDelay:
		d := strategies.DefaultControlledDelayConfig()
		if q.Target == 0 {
			q.Target = d.Short
		}
		if q.Interval == 0 {
			q.Interval = d.Window
		}
	case AdaptiveLIFO:
		if q.LIFOAfter == 0 {
			q.LIFOAfter = strategies.DefaultAdaptiveLIFOConfig().After
		}
	}
	if q.Fair != "" && q.Quantum == 0 {
		q.Quantum = 1
	}
	dropOff(&s.LeakyBucket)
	dropOff(&s.RateLimit)
	dropOff(&s.DistributedRateLimit)
	dropOff(&s.Shed)
	dropOff(&s.ConcurrencyLimit)
	for _, sp := range s.Strategies() {
		sp.ApplyDefaults()
	}
	dropOff(&s.Autoscale)
	if a := s.Autoscale; a != nil {
		a.ApplyDefaults()
		if a.Min == 0 {
			a.Min = s.Replicas
		}
	}
}

// dropOff removes the strategy table *p when it says enabled = false (a
// nil table is off), so that nothing past the defaults sees it.
func dropOff[T any, P interface {
	*T
	Off() bool
}](p *P) {
	if *p != nil && (*p).Off() {
		*p = nil
	}
}

// serviceStrategies checks the queue discipline and the server-side
// strategies of the service at path p.
func (v *validator) serviceStrategies(p string, s *ServiceConfig) {
	q := &s.Queue
	switch q.Order {
	case FIFO, LIFO, AdaptiveLIFO, CoDel, ControlledDelay:
	default:
		v.add(p+".queue.order", "must be one of fifo, lifo, adaptive_lifo, codel, controlled_delay, got %q", q.Order)
	}
	switch {
	case q.Fair != "" && q.Fair != FairCaller:
		v.add(p+".queue.fair", "must be \"caller\" (one queue per caller, served round robin), or left out, got %q", q.Fair)
	case q.Fair != "" && q.Order != FIFO && q.Order != LIFO:
		v.add(p+".queue.fair", "works with queue.order fifo or lifo (the order within a caller's queue), got order %q", q.Order)
	case q.Fair != "" && s.Async:
		v.add(p+".queue.fair", "needs callers waiting for their answers: an async service acknowledges every message at once")
	case q.Fair == "" && q.Quantum != 0:
		v.add(p+".queue.quantum", "is the round's share of fair queueing: set queue.fair = \"caller\" too, or leave it out")
	case q.Fair != "" && (q.Quantum < 1 || q.Quantum > 1e6):
		v.add(p+".queue.quantum", "must be in [1, 1000000] requests per caller per round, got %d", q.Quantum)
	}
	if q.Patience != nil && s.Async {
		v.add(p+".queue.patience", "needs callers waiting for their answers: an async service acknowledges every message at once")
	}
	if q.Order == CoDel {
		var err error
		switch q.CoDelVariant {
		case CoDelRFC:
			_, err = strategies.NewCoDel(strategies.CoDelConfig{Target: q.Target, Interval: q.Interval, NearlyEmpty: 1})
		case CoDelFolly:
			_, err = strategies.NewFollyCoDel(strategies.FollyCoDelConfig{Target: q.Target, Interval: q.Interval})
		default:
			v.add(p+".queue.codel_variant", "must be one of rfc, folly, got %q", q.CoDelVariant)
		}
		v.strat(p+".queue", strategies.AsFieldError(err, map[string]string{"Target": "target", "Interval": "interval"}))
	} else if q.Order == ControlledDelay {
		_, err := strategies.NewControlledDelay(strategies.ControlledDelayConfig{Short: q.Target, Window: q.Interval})
		v.strat(p+".queue", strategies.AsFieldError(err, map[string]string{"Short": "target", "Window": "interval"}))
		if q.CoDelVariant != "" {
			v.add(p+".queue.codel_variant", "is for order = \"codel\"")
		}
	} else if q.Target != 0 || q.Interval != 0 || q.CoDelVariant != "" {
		v.add(p+".queue.target", "target, interval and codel_variant are for order = \"codel\" (target and interval also for \"controlled_delay\")")
	}
	if q.Order == AdaptiveLIFO {
		_, err := strategies.NewAdaptiveLIFO(strategies.AdaptiveLIFOConfig{Threshold: q.LIFOThreshold, After: q.LIFOAfter})
		v.strat(p+".queue", strategies.AsFieldError(err, map[string]string{"Threshold": "lifo_threshold", "After": "lifo_after"}))
	} else if q.LIFOAfter != 0 || q.LIFOThreshold != 0 {
		v.add(p+".queue.lifo_after", "lifo_after and lifo_threshold are for order = \"adaptive_lifo\"")
	}
	for _, sp := range s.Strategies() {
		if d, ok := sp.(*strategies.DistributedRateLimitSpec); ok {
			// the shared limit is checked against the replicas it is shared by
			_, err := d.Config(max(1, s.Replicas))
			v.strat(p+"."+sp.Key(), err)
			continue
		}
		v.strat(p+"."+sp.Key(), sp.Validate())
	}
	if a := s.Autoscale; a != nil {
		if a.Max > 0 && s.Replicas > a.Max {
			v.add(p+".replicas", "must be in [autoscale.min=%d, autoscale.max=%d] (the count at the start), got %d", a.Min, a.Max, s.Replicas)
		} else if err := a.Validate(); err != nil {
			v.strat(p+".autoscale", err)
		} else if a.Max > MaxReplicas {
			v.add(p+".autoscale.max", "must be at most %d, the limit on a service's replicas, got %d", MaxReplicas, a.Max)
		} else if s.Replicas < a.Min || s.Replicas > a.Max {
			v.add(p+".replicas", "must be in [autoscale.min=%d, autoscale.max=%d] (the count at the start), got %d", a.Min, a.Max, s.Replicas)
		} else if d := s.DistributedRateLimit; d != nil && d.Mode == strategies.QuotaLocalShare.String() {
			v.add(p+".distributed_rate_limit.mode", "local_share divides the limit by a fixed count of replicas, and autoscale changes the count: use stale_view")
		}
	}
}

// defaultPriority is a client's criticality when it sets none: the SRE
// book's default for production requests.
const defaultPriority = "critical"

// CoDel variants (QueueConfig.CoDelVariant).
const (
	// CoDelRFC is RFC 8289's control law: after Interval above Target,
	// drop, then drop again at Interval/sqrt(count) while above.
	CoDelRFC = "rfc"
	// CoDelFolly is Facebook's server variant (folly Codel.cpp, "Fail at
	// Scale"): an interval whose minimum queueing delay exceeded Target
	// makes the next one overloaded, and while overloaded every request
	// that waited more than 2 x Target is dropped.
	CoDelFolly = "folly"
)

// cacheStrategies checks the strategies of the cache at path p.
func (v *validator) cacheStrategies(p string, ca *CacheConfig) {
	if _, err := strategies.NewTTLJitter(strategies.TTLJitterConfig{Spread: ca.TTLJitter}); err != nil {
		v.add(p+".ttl_jitter", "must be in [0, 1] (a fraction of the ttl), got %v", ca.TTLJitter)
	} else if ca.TTLJitter > 0 && ca.TTL == 0 {
		v.add(p+".ttl_jitter", "needs a ttl (keys that never expire have nothing to jitter)")
	}
	v.nonNegDur(p+".stale_while_revalidate", ca.StaleWhileRevalidate)
	if ca.StaleWhileRevalidate > 0 && ca.TTL == 0 {
		v.add(p+".stale_while_revalidate", "needs a ttl (keys that never expire are never stale)")
	}
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	c := *p
	return &c
}
