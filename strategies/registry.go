package strategies

// The registry: every strategy once, with the scenario key of its table,
// where it applies, the points of the request lifecycle it acts at, the
// metrics it records and the TUI's knob for it. models builds and wires
// strategies by these entries' scopes and hooks, models/config validates
// their tables, and the TUI reads its strategy knob and status line from
// here, so that a strategy is named in one place.

// Metric names one series of a strategy's per-interval metrics and its
// whole-run summary (the keys of the "strategy" maps in results). Counters
// are events per second per interval and a total; gauges a time-weighted
// level; a delay histogram D gives D_mean_s and D_p99_s. Typed so that
// models, which records them, and the TUI, which shows them, cannot
// disagree on a spelling (docs/STRATEGIES.md lists them).
type Metric string

// The metrics of the caller-side strategies (an edge: a client's, a
// service's downstream call, a cache's backend edge).
const (
	MetricRetries           Metric = "retries"             // counter: retries sent
	MetricRetriesDenied     Metric = "retries_denied"      // counter: retries (and hedges) a budget or retry breaker refused
	MetricBudgetTokens      Metric = "budget_tokens"       // gauge: tokens (token_bucket, quota) or retries available (ratio)
	MetricBreakerState      Metric = "breaker_state"       // gauge: 0 closed, 0.5 half-open, 1 open
	MetricBreakerOpened     Metric = "breaker_opened"      // counter: breaker openings
	MetricRetryBreakerState Metric = "retry_breaker_state" // gauge: 0 retries allowed, 1 blocked
	MetricThrottleP         Metric = "throttle_p"          // gauge: the throttle's rejection probability
	MetricHedges            Metric = "hedges"              // counter: hedge copies sent
	MetricHedgesCancelled   Metric = "hedges_cancelled"    // counter: copies cancelled while queued or in transit
	MetricHedgeDelay        Metric = "hedge_delay_s"       // gauge: the hedge delay in seconds
	MetricBulkheadInFlight  Metric = "bulkhead_in_flight"  // gauge: calls holding a slot
	MetricBulkheadWaiting   Metric = "bulkhead_waiting"    // gauge: calls waiting for a slot
	MetricEjections         Metric = "ejections"           // counter: outlier ejections of the target's replicas
	MetricEjected           Metric = "ejected"             // gauge: replicas ejected from the caller's balancer
)

// The metrics of the service-side strategies, and of the service features
// whose series share the strategy map (async, reject_cost).
const (
	MetricExpired            Metric = "expired"               // counter: dropped at dequeue past their deadline
	MetricDropped            Metric = "dropped"               // counter: dropped at dequeue by CoDel or controlled delay
	MetricEvicted            Metric = "evicted"               // counter: fair queueing: waiting requests evicted for another caller's arrival
	MetricReneged            Metric = "reneged"               // counter: requests that left the queue when their patience ran out
	MetricShed               Metric = "shed"                  // counter: shed at arrival
	MetricRateLimited        Metric = "rate_limited"          // counter: rejected by a rate limit or a leaky bucket
	MetricConcurrencyLimited Metric = "concurrency_limited"   // counter: rejected by the adaptive concurrency limit
	MetricConcurrencyLimit   Metric = "concurrency_limit"     // gauge: the adaptive limit, mean per replica
	MetricSyncs              Metric = "syncs"                 // counter: distributed limit syncs
	MetricQuotaEstimate      Metric = "quota_estimate"        // gauge: the shared count as last synced
	MetricShaped             Metric = "shaped"                // counter: requests held in a leaky bucket queue
	MetricAcked              Metric = "acked"                 // counter: async messages acknowledged
	MetricDelay              Metric = "delay"                 // delay histogram: async enqueue to consumed
	MetricRejectWork         Metric = "reject_work"           // counter: worker seconds spent rejecting
	MetricReplicas           Metric = "replicas"              // gauge: autoscale: replicas ready (serving or warming up)
	MetricDesiredReplicas    Metric = "desired_replicas"      // gauge: autoscale: replicas asked for (ready and provisioning)
	MetricScaledOut          Metric = "scaled_out"            // counter: autoscale: replicas asked for
	MetricScaledIn           Metric = "scaled_in"             // counter: autoscale: replicas let go (retired)
	MetricReplicaSeconds     Metric = "replica_seconds"       // counter: autoscale: replica-seconds held (provisioning, ready or retiring)
	MetricBusiestShare       Metric = "busiest_replica_share" // share: weighted_round_robin, ring_hash: the busiest replica's share of the requests (per interval; whole run in the summary)
)

// The metrics of the cache strategies.
const (
	MetricCoalesced Metric = "coalesced"  // counter: misses that waited for a fetch
	MetricStaleHits Metric = "stale_hits" // counter: stale hits served
	MetricRefreshes Metric = "refreshes"  // counter: background refreshes started
)

// Scope is where a strategy is configured: a set of places.
type Scope uint8

// The places a strategy applies at.
const (
	// OnEdge is a caller's side of an edge: a client's policy, a service's
	// downstream call, a cache's backend edge, a job's edge.
	OnEdge Scope = 1 << iota
	// OnService is each replica of a service.
	OnService
	// OnCache is a cache.
	OnCache
)

// Hooks is a set of the points of the request lifecycle where a strategy
// acts, in the lifecycle's order (docs/STRATEGIES.md draws it). Where the
// decisions at one point depend on each other (the attempt gates: breaker
// then throttle; a replica's arrival: its doors, then rate limit,
// distributed rate limit, shedding, adaptive concurrency), models takes
// them in registry order, so the order of decisions and random draws is
// the registry's.
type Hooks uint16

// The hook points.
const (
	HookCallStart  Hooks = 1 << iota // a call is issued, before its first attempt (bulkhead)
	HookAttempt                      // an attempt is about to be sent: admit or refuse it (breaker, throttle)
	HookHedgeTimer                   // an attempt has been out for the hedge delay (hedge)
	HookOutcome                      // an attempt's outcome is known (breaker, budget, throttle, hedge)
	HookRetry                        // a call's last live attempt failed: try again? (retry)
	HookAllowRetry                   // a retry or hedge asks leave to go (budget, retry breaker)
	HookCallEnd                      // a call ends (bulkhead slot, hedge copies)
	HookArrival                      // a request arrives at a replica: admit, delay or reject it
	HookEnqueue                      // a request joins a replica's queue
	HookDequeue                      // a free worker takes the next request, or finds none
	HookLeave                        // a request leaves the replica
	HookLookup                       // a cache lookup that is not a fresh hit
	HookStore                        // a cache stores a key
	HookPeriod                       // the strategy's own timer (autoscale)
)

// Knob is a strategy's place in the TUI's strategy knob: the setting it
// cycles turns the strategy's keys on (at the scenario's values, or the
// TUI's own defaults) and off.
type Knob struct {
	// Label names the setting ("breaker", "rate limit").
	Label string
	// Keys are the keys the setting sets, relative to the entity
	// ("breaker", "queue.order"); the first turns it on.
	Keys []string
}

// Entry is one strategy in the registry.
type Entry struct {
	// Key is the scenario key of its table (or its key) in the entity it
	// applies to ("breaker", "rate_limit", "queue.order").
	Key string
	// Scope is where it may be configured.
	Scope Scope
	// Hooks are the lifecycle points it acts at.
	Hooks Hooks
	// Metrics are the series it records.
	Metrics []Metric
	// Knob is its TUI knob; a zero Knob (no Keys) has none.
	Knob Knob
}

// Registry lists every strategy once, by scope and then in the order of
// their decisions in the lifecycle.
var Registry = []Entry{
	// caller side (an edge), in the knob's order; retries are the TUI's a/A knob
	{Key: "retry", Scope: OnEdge, Hooks: HookRetry | HookAllowRetry,
		Metrics: []Metric{MetricRetries, MetricRetriesDenied}},
	{Key: "budget", Scope: OnEdge, Hooks: HookOutcome | HookAllowRetry | HookCallStart,
		Metrics: []Metric{MetricBudgetTokens, MetricRetriesDenied}, Knob: Knob{"budget", []string{"budget"}}},
	{Key: "breaker", Scope: OnEdge, Hooks: HookAttempt | HookOutcome,
		Metrics: []Metric{MetricBreakerState, MetricBreakerOpened}, Knob: Knob{"breaker", []string{"breaker"}}},
	{Key: "retry_breaker", Scope: OnEdge, Hooks: HookOutcome | HookAllowRetry,
		Metrics: []Metric{MetricRetryBreakerState, MetricRetriesDenied}, Knob: Knob{"retry breaker", []string{"retry_breaker"}}},
	{Key: "throttle", Scope: OnEdge, Hooks: HookAttempt | HookOutcome,
		Metrics: []Metric{MetricThrottleP}, Knob: Knob{"throttle", []string{"throttle"}}},
	{Key: "hedge", Scope: OnEdge, Hooks: HookAttempt | HookHedgeTimer | HookOutcome | HookCallEnd,
		Metrics: []Metric{MetricHedges, MetricHedgesCancelled, MetricHedgeDelay, MetricRetriesDenied}, Knob: Knob{"hedge", []string{"hedge"}}},
	{Key: "bulkhead", Scope: OnEdge, Hooks: HookCallStart | HookCallEnd,
		Metrics: []Metric{MetricBulkheadInFlight, MetricBulkheadWaiting}, Knob: Knob{"bulkhead", []string{"bulkhead"}}},
	{Key: "outlier_detection", Scope: OnEdge, Hooks: HookOutcome,
		Metrics: []Metric{MetricEjections, MetricEjected}},

	// service side, in the order of the arrival hooks
	{Key: "leaky_bucket", Scope: OnService, Hooks: HookArrival,
		Metrics: []Metric{MetricRateLimited, MetricShaped}, Knob: Knob{"leaky bucket", []string{"leaky_bucket"}}},
	{Key: "rate_limit", Scope: OnService, Hooks: HookArrival,
		Metrics: []Metric{MetricRateLimited}, Knob: Knob{"rate limit", []string{"rate_limit"}}},
	{Key: "distributed_rate_limit", Scope: OnService, Hooks: HookArrival,
		Metrics: []Metric{MetricRateLimited, MetricSyncs, MetricQuotaEstimate}, Knob: Knob{"distributed rate limit", []string{"distributed_rate_limit"}}},
	{Key: "shed", Scope: OnService, Hooks: HookArrival | HookDequeue,
		Metrics: []Metric{MetricShed}, Knob: Knob{"shed", []string{"shed"}}},
	{Key: "concurrency_limit", Scope: OnService, Hooks: HookArrival | HookLeave,
		Metrics: []Metric{MetricConcurrencyLimited, MetricConcurrencyLimit}, Knob: Knob{"concurrency limit", []string{"concurrency_limit"}}},
	{Key: "queue.order", Scope: OnService, Hooks: HookEnqueue | HookDequeue,
		Metrics: []Metric{MetricDropped}, Knob: Knob{"order", []string{"queue.order", "queue.target", "queue.interval", "queue.codel_variant", "queue.lifo_after", "queue.lifo_threshold"}}},
	{Key: "queue.drop_expired", Scope: OnService, Hooks: HookDequeue,
		Metrics: []Metric{MetricExpired}, Knob: Knob{"drop expired", []string{"queue.drop_expired"}}},
	{Key: "queue.fair", Scope: OnService, Hooks: HookArrival | HookEnqueue | HookDequeue,
		Metrics: []Metric{MetricEvicted}},
	{Key: "queue.patience", Scope: OnService, Hooks: HookEnqueue,
		Metrics: []Metric{MetricReneged}},
	{Key: "autoscale", Scope: OnService, Hooks: HookPeriod,
		Metrics: []Metric{MetricReplicas, MetricDesiredReplicas, MetricScaledOut, MetricScaledIn, MetricReplicaSeconds}},

	// cache
	{Key: "coalesce", Scope: OnCache, Hooks: HookLookup,
		Metrics: []Metric{MetricCoalesced}, Knob: Knob{"coalesce", []string{"coalesce"}}},
	{Key: "ttl_jitter", Scope: OnCache, Hooks: HookStore,
		Knob: Knob{"ttl jitter", []string{"ttl_jitter"}}},
	{Key: "stale_while_revalidate", Scope: OnCache, Hooks: HookLookup,
		Metrics: []Metric{MetricStaleHits, MetricRefreshes}, Knob: Knob{"serve stale", []string{"stale_while_revalidate"}}},
}

// Lookup returns the registry's entry for key, and whether there is one.
func Lookup(key string) (Entry, bool) {
	for _, e := range Registry {
		if e.Key == key {
			return e, true
		}
	}
	return Entry{}, false
}

// Knobs returns, in registry order, the knobs of the strategies that may
// be configured at a place of the given scope.
func Knobs(scope Scope) []Knob {
	var out []Knob
	for _, e := range Registry {
		if e.Scope&scope != 0 && len(e.Knob.Keys) > 0 {
			out = append(out, e.Knob)
		}
	}
	return out
}

// Spec is a strategy's scenario table as decoded (BreakerSpec,
// RateLimitSpec, ...): its keys as fields with toml tags; ApplyDefaults
// fills the keys left out (the defaults' sources are cited on the
// Default*Config functions), Validate checks them all, reporting a
// *FieldError whose Path is relative to the table.
type Spec interface {
	// Key is the table's key in its entity, its Entry's Key.
	Key() string
	ApplyDefaults()
	Validate() error
}

// The scenario tables are Specs.
var (
	_ Spec = (*RetrySpec)(nil)
	_ Spec = (*BudgetSpec)(nil)
	_ Spec = (*BreakerSpec)(nil)
	_ Spec = (*RetryBreakerSpec)(nil)
	_ Spec = (*ThrottleSpec)(nil)
	_ Spec = (*HedgeSpec)(nil)
	_ Spec = (*BulkheadSpec)(nil)
	_ Spec = (*ShedSpec)(nil)
	_ Spec = (*RateLimitSpec)(nil)
	_ Spec = (*DistributedRateLimitSpec)(nil)
	_ Spec = (*ConcurrencyLimitSpec)(nil)
	_ Spec = (*LeakyBucketSpec)(nil)
	_ Spec = (*OutlierSpec)(nil)
	_ Spec = (*AutoscaleSpec)(nil)
)
