package config

import (
	"time"

	"github.com/stampede-sim/stampede/sim"
	"github.com/stampede-sim/stampede/strategies"
)

// Config is a whole simulated world as plain data: how long to run, the
// services, clients, caches and faults, and how to judge recovery. scenarios/
// decodes TOML into it; tests and programs can write it as a Go literal.
//
// Use it in three steps, in this order: ApplyDefaults (the one place where
// defaults are set), Validate, Build. Build does the first two itself on a
// copy, so a caller only needs them to report errors early.
//
// The toml tags name the keys of the scenario format (docs/SCENARIOS.md).
type Config struct {
	// Duration is how much virtual time a run covers. Required (> 0).
	Duration time.Duration `toml:"duration"`
	// Interval is the width of one bucket of the per-interval series.
	// Zero means DefaultInterval (1s).
	Interval time.Duration `toml:"interval"`
	// Seed selects the random streams. Zero is a valid seed.
	Seed uint64 `toml:"seed"`

	// Services are the servers (replicas x workers, a queue, a service time).
	Services []ServiceConfig `toml:"services"`
	// Clients generate the calls (open, closed or partly open loop).
	Clients []ClientConfig `toml:"clients"`
	// Caches sit in front of a backend service; clients and services may
	// target a cache by name like a service.
	Caches []CacheConfig `toml:"caches"`
	// Faults is the timeline of triggers (slowdowns, outages, spikes...).
	Faults []FaultConfig `toml:"faults"`
	// Jobs are background jobs that propagate changes to nodes, with
	// constant work or event-driven work (jobs.go).
	Jobs []JobConfig `toml:"jobs"`
	// Recovery sets how the recovery verdict is judged.
	Recovery RecoveryConfig `toml:"recovery"`
	// Limits bound a run so that an exploding scenario stops with a clear
	// error instead of exhausting memory.
	Limits Limits `toml:"limits"`
	// SLOs are service level objectives on clients or call edges, with
	// burn-rate alert rules (slo.go). Empty means none.
	SLOs []SLOConfig `toml:"slos"`
	// Traces says which calls to record as request traces (trace.go).
	// The zero value records none.
	Traces TraceConfig `toml:"traces"`
	// Cost prices the run (cost.go); nil prices nothing.
	Cost *CostConfig `toml:"cost"`
}

// DefaultInterval is the series interval used when Config.Interval is zero.
const DefaultInterval = time.Second

// ServiceConfig describes one service: Replicas identical replicas, each
// with Workers workers and its own queue. A request picked by the load
// balancer for a replica starts at once on an idle worker, or waits in that
// replica's queue, or is rejected with queue_full when the queue is full.
type ServiceConfig struct {
	// Name identifies the service; unique among services, caches and
	// clients. Letters, digits, '_' and '-' only.
	Name string `toml:"name"`
	// Replicas is the number of replicas. Zero means 1.
	Replicas int `toml:"replicas"`
	// Workers is the number of workers (concurrent requests in service)
	// per replica. Zero means 1.
	Workers int `toml:"workers"`
	// Queue is each replica's waiting room.
	Queue QueueConfig `toml:"queue"`
	// ServiceTime is the local work of one request on a worker (before its
	// downstream calls). Required.
	ServiceTime sim.Dist `toml:"service_time"`
	// Balancer picks a replica for each arriving request. Empty means
	// round_robin.
	Balancer Balancer `toml:"balancer"`
	// Weights are the replicas' weights for weighted_round_robin, one per
	// replica, each in [0, 1e6], not all 0.
	Weights []int `toml:"weights"`
	// Hash is the key space and the ring for ring_hash; nil otherwise.
	Hash *HashConfig `toml:"hash"`
	// Calls are the downstream calls a worker makes for each request,
	// after its local work and before it responds.
	Calls []CallConfig `toml:"calls"`
	// Fanout says how Calls are made: sequential (one after the other,
	// stopping at the first failure) or parallel (all at once, waiting for
	// all). Empty means sequential.
	Fanout Fanout `toml:"fanout"`
	// FanoutChoose makes each request take only this many of its Calls
	// edges, a uniformly random subset drawn per request (a read that
	// hits k of n shards). nil means every edge.
	FanoutChoose *int `toml:"fanout_choose"`
	// FanoutQuorum makes a parallel request go on once this many of its
	// calls succeeded (failing once more than the rest failed), leaving
	// the others to finish unheeded. nil waits for every call.
	FanoutQuorum *int `toml:"fanout_quorum"`
	// Paths, when given, decide which of Calls a request makes: each
	// request takes one path, drawn by weight, and makes the calls to the
	// targets it names (edges taken together, or never together, as the
	// traces of a request kind show them). nil: every edge on its own.
	Paths []PathConfig `toml:"paths"`
	// ErrorRate is the probability in [0, 1] that a request fails with
	// reason "error" after its service time. Zero means never.
	ErrorRate float64 `toml:"error_rate"`
	// PropagateDeadline makes every downstream call of a request carry
	// the request's remaining deadline: the call fails with
	// deadline_exceeded when it passes (sooner if the edge has its own
	// shorter deadline), and its attempts carry it to the next service.
	PropagateDeadline bool `toml:"propagate_deadline"`
	// Async makes the service a message queue with its consumer (load
	// leveling): an arrival that is admitted is acknowledged at once (the
	// caller's call succeeds) and its message waits in the queue until a
	// worker consumes it; the answer goes nowhere.
	Async bool `toml:"async"`
	// RejectCost is the worker time it takes to say no: a request rejected
	// at admission (queue_full, shed, rate_limited, concurrency_limited,
	// or outage in fail_fast mode) takes a worker of the replica for a
	// sample of RejectCost before its rejection is answered, ahead of the
	// waiting requests when no worker is idle (Vitillo, "Understanding
	// Distributed Systems", upstream resiliency: rejection is not free;
	// REFERENCES §11). Its worker time counts in the utilisation and in
	// the reject_work strategy metric. nil means rejections cost nothing.
	RejectCost sim.Dist `toml:"reject_cost"`

	// Shed rejects arrivals with shed when the replica is over a
	// threshold (queue length, concurrency, queueing latency, or by
	// priority). nil means none.
	Shed *strategies.ShedSpec `toml:"shed"`
	// RateLimit rejects arrivals over a rate with rate_limited, per
	// replica (globally or per caller). nil means none.
	RateLimit *strategies.RateLimitSpec `toml:"rate_limit"`
	// DistributedRateLimit is a rate limit shared by the replicas, synced
	// on a timer. nil means none.
	DistributedRateLimit *strategies.DistributedRateLimitSpec `toml:"distributed_rate_limit"`
	// ConcurrencyLimit is an adaptive concurrency limit per replica
	// (aimd, vegas, gradient2), rejecting with concurrency_limited. nil
	// means none.
	ConcurrencyLimit *strategies.ConcurrencyLimitSpec `toml:"concurrency_limit"`
	// LeakyBucket is a leaky bucket per replica, first at its door: a
	// meter (GCRA) rejecting with rate_limited, or a queue holding
	// requests to leave at its rate. nil means none.
	LeakyBucket *strategies.LeakyBucketSpec `toml:"leaky_bucket"`
	// Autoscale makes the replica count follow a target-tracking
	// autoscaler (the Kubernetes HPA's algorithm): Replicas is then the
	// count at the start, within [autoscale.min, autoscale.max]. nil means
	// a fixed count.
	Autoscale *strategies.AutoscaleSpec `toml:"autoscale"`
	// Cost overrides the scenario's prices for this service.
	Cost *ServiceCost `toml:"cost"`
}

// Strategies returns the strategy tables s sets, in registry order (the
// order of their arrival hooks).
func (s *ServiceConfig) Strategies() []strategies.Spec {
	return strategies.Specs(s.LeakyBucket, s.RateLimit, s.DistributedRateLimit, s.Shed, s.ConcurrencyLimit)
}

// CloneStrategies gives s its own copies of its strategy tables.
func (s *ServiceConfig) CloneStrategies() {
	s.Shed = s.Shed.Clone()
	s.RateLimit = clonePtr(s.RateLimit)
	s.DistributedRateLimit = clonePtr(s.DistributedRateLimit)
	s.ConcurrencyLimit = s.ConcurrencyLimit.Clone()
	s.LeakyBucket = clonePtr(s.LeakyBucket)
	s.Autoscale = s.Autoscale.Clone()
}

// CallConfig is a downstream call edge from a service to a service or a
// cache. Each call is a call in its own right, with attempts, its own
// policy and its own network link, so retries amplify per layer.
type CallConfig struct {
	// Target names the service or cache called. Required.
	Target string `toml:"target"`
	// Count is how many calls of this edge each request makes. Zero
	// means 1.
	Count int `toml:"count"`
	// Probability is the chance that a request takes this edge (all
	// Count calls of it), in [0, 1], decided once per request (its
	// retries take the same path). nil means 1: every request.
	Probability *float64 `toml:"probability"`
	// Link is the network between the caller and Target.
	Link LinkConfig `toml:"link"`
	// PropagateDeadline makes this edge's calls carry the remaining
	// deadline of the request they are made for (as the service's
	// PropagateDeadline does for all its edges).
	PropagateDeadline bool `toml:"propagate_deadline"`
	// ClientPolicy is the caller's policy on this edge (timeout, deadline).
	ClientPolicy
}

// LinkConfig is a network link, applied to each message in each direction
// (request and response) independently.
type LinkConfig struct {
	// Latency is the one-way delay of one message. nil means zero.
	Latency sim.Dist `toml:"latency"`
	// Loss is the probability in [0, 1) that a message is lost; the
	// sender only learns through its timeout. Zero means none.
	Loss float64 `toml:"loss"`
}

// LoadModel is how a client generates calls (Schroeder, Wierman and
// Harchol-Balter, "Open versus closed: a cautionary tale", NSDI 2006).
type LoadModel string

// Load models.
const (
	// Open: calls arrive at Rate whatever happens to earlier calls.
	Open LoadModel = "open"
	// Closed: Users users, each issues a call, waits for its outcome,
	// thinks for Think, and issues the next.
	Closed LoadModel = "closed"
	// PartlyOpen: sessions arrive at Rate (an open stream); each makes
	// CallsPerSession calls in turn with Think between them, then leaves.
	PartlyOpen LoadModel = "partly_open"
)

// Arrival is the arrival process of an open or partly-open client.
type Arrival string

// Arrival processes. Both follow the rate schedule exactly: arrivals are
// the instants where the integrated rate crosses successive thresholds,
// Exp(1)-spaced for poisson, 1-spaced for constant.
const (
	Poisson  Arrival = "poisson"  // exponential interarrivals (a non-homogeneous Poisson process under a schedule)
	Constant Arrival = "constant" // evenly spaced, 1/rate apart
)

// ClientConfig is a source of calls to one target.
type ClientConfig struct {
	// Name identifies the client; unique among services, caches and
	// clients.
	Name string `toml:"name"`
	// Target names the service or cache the client calls. Required.
	Target string `toml:"target"`
	// Model is the load model. Empty means open.
	Model LoadModel `toml:"model"`

	// Arrival is the arrival process of calls (open) or sessions (partly
	// open). Empty means poisson.
	Arrival Arrival `toml:"arrival"`
	// Rate is calls/s (open) or sessions/s (partly open) from time 0 until
	// the first Schedule point. Zero means none (bursts only, say).
	Rate float64 `toml:"rate"`
	// Schedule changes Rate over time: steps and linear ramps. Empty
	// means Rate throughout.
	Schedule []RatePoint `toml:"schedule"`
	// Burst adds Size calls (or sessions) at the same instant every
	// Every. The zero value adds none.
	Burst BurstConfig `toml:"burst"`
	// Replay takes the arrivals from recorded traffic (a rate curve or
	// timestamps) instead of Rate and Schedule. The zero value replays
	// nothing.
	Replay ReplayConfig `toml:"replay"`

	// Users is the population of a closed-loop client. Required (>= 1)
	// for closed.
	Users int `toml:"users"`
	// Think is the time a user (closed) or session (partly open) waits
	// after a call completes before the next. nil means zero.
	Think sim.Dist `toml:"think"`
	// CallsPerSession is k, the number of calls each session of a partly
	// open client makes. Required (>= 1) for partly_open.
	CallsPerSession int `toml:"calls_per_session"`

	// Link is the network between the client and Target.
	Link LinkConfig `toml:"link"`
	// ClientPolicy is the client's policy (timeout, deadline).
	ClientPolicy
}

// RatePoint is one point of a rate schedule. From At on the rate is Rate.
// With Ramp, the rate instead moves linearly from the previous point (or
// from the client's Rate at time 0, for the first point) to Rate at At.
type RatePoint struct {
	// At is the time since the start of the run. Strictly increasing
	// along a schedule.
	At time.Duration `toml:"at"`
	// Rate is calls/s (or sessions/s). >= 0.
	Rate float64 `toml:"rate"`
	// Ramp makes the change linear from the previous point instead of a
	// step at At.
	Ramp bool `toml:"ramp"`
}

// BurstConfig is a periodic burst: Size calls issued at the same instant,
// first at Start (zero means Every), then every Every.
type BurstConfig struct {
	// Size is the number of calls (sessions, for partly open) per burst.
	// Zero means no bursts.
	Size int `toml:"size"`
	// Every is the period. Required (> 0) when Size > 0.
	Every time.Duration `toml:"every"`
	// Start is the time of the first burst. Zero means Every.
	Start time.Duration `toml:"start"`
}

// CacheConfig is a look-aside cache in front of a backend service. A call
// to the cache draws a key from a Zipf popularity over Keys keys, looks it
// up (HitLatency), answers a hit, or on a miss calls Backend, stores the key
// on success and answers.
type CacheConfig struct {
	// Name identifies the cache; unique among services, caches and
	// clients.
	Name string `toml:"name"`
	// Backend names the service a miss calls. Required.
	Backend string `toml:"backend"`
	// Keys is the size of the key space, in [1, MaxCacheKeys]. Required.
	Keys int `toml:"keys"`
	// Zipf is the popularity exponent s: key k (1-based) is drawn with
	// probability proportional to 1/k^s. Zero means uniform.
	Zipf float64 `toml:"zipf"`
	// TTL is how long a stored key stays fresh. Zero means forever.
	TTL time.Duration `toml:"ttl"`
	// HitLatency is the lookup time, paid by hits and misses alike. nil
	// means zero.
	HitLatency sim.Dist `toml:"hit_latency"`
	// Capacity is the number of keys held, with least-recently-used
	// eviction. Zero means Keys (no eviction).
	Capacity int `toml:"capacity"`
	// Link is the network between the cache and Backend.
	Link LinkConfig `toml:"link"`
	// PropagateDeadline makes a miss's backend call carry the remaining
	// deadline of the request that missed.
	PropagateDeadline bool `toml:"propagate_deadline"`
	// Coalesce makes the misses of a key that is already being fetched
	// wait for that fetch instead of calling the backend again
	// (single-flight). False means every miss calls the backend.
	Coalesce bool `toml:"coalesce"`
	// TTLJitter spreads each stored key's lifetime uniformly over
	// TTL x [1 - TTLJitter, 1 + TTLJitter), in [0, 1], so that keys filled
	// together do not expire together. Zero means none.
	TTLJitter float64 `toml:"ttl_jitter"`
	// StaleWhileRevalidate serves a key for this long after it expired,
	// at once, while one background call refreshes it. Zero means none.
	StaleWhileRevalidate time.Duration `toml:"stale_while_revalidate"`
	// ClientPolicy is the cache's policy on backend calls.
	ClientPolicy
}

// MaxReplicas bounds ServiceConfig.Replicas: each replica holds its own
// queue, workers and strategy state, built when the world is.
const MaxReplicas = 10_000

// MaxCacheKeys bounds CacheConfig.Keys (the cache keeps O(Keys) memory).
const MaxCacheKeys = 10_000_000

// FaultKind is the kind of a fault (a trigger on the timeline).
type FaultKind string

// Fault kinds and the fields each one reads. Target is a service name
// unless said otherwise.
const (
	// FaultSlowdown multiplies service times sampled while active by Factor.
	FaultSlowdown FaultKind = "slowdown"
	// FaultPause stops the service entirely (like a stop-the-world GC pause):
	// work in progress is frozen and resumes where it stopped when the
	// fault ends; arrivals still queue (or are rejected when full).
	FaultPause FaultKind = "pause"
	// FaultCapacityLoss takes Workers workers per replica, or Replicas
	// replicas, out of service. A removed worker finishes its current
	// request first; a removed replica takes no new requests and its
	// waiting requests fail with outage.
	FaultCapacityLoss FaultKind = "capacity_loss"
	// FaultOutage makes the service answer every arrival with outage at once
	// (Mode fail_fast), or swallow arrivals without an answer (Mode
	// black_hole). Waiting requests fail (fail_fast) or are dropped
	// (black_hole) when it starts.
	FaultOutage FaultKind = "outage"
	// FaultErrorRate makes requests fail with error with probability
	// Probability, on top of the service's own ErrorRate.
	FaultErrorRate FaultKind = "error_rate"
	// FaultNetwork adds Latency to every message and loses messages with
	// probability Loss, on a link: Target is a client name (its link to
	// its target), "from->to" (a service's or cache's edge to a
	// downstream target), or a service or cache name (every link into it).
	FaultNetwork FaultKind = "network"
	// FaultLoadSpike multiplies a client's rate by Factor and adds Extra
	// calls/s (sessions/s for partly open). Target is a client name, or
	// "*" for every open and partly-open client.
	FaultLoadSpike FaultKind = "load_spike"
	// FaultCacheFlush empties the cache named Target (instantaneous; For is
	// ignored).
	FaultCacheFlush FaultKind = "cache_flush"
	// FaultClientRestart makes clients issue at the same instant: every user of
	// a closed client and every live session of a partly-open one issues a
	// new call now (a call still in flight is abandoned, reason
	// abandoned), and an open client issues Calls calls at once. Target is
	// a client name, or "*" for every client. Instantaneous.
	FaultClientRestart FaultKind = "client_restart"
)

// OutageMode is how a service in an outage behaves.
type OutageMode string

// Outage modes.
const (
	FailFast  OutageMode = "fail_fast"  // answer at once with reason outage
	BlackHole OutageMode = "black_hole" // never answer; callers learn by their timeout
)

// FaultConfig is one fault: Kind applied to Target from At for For.
type FaultConfig struct {
	// Kind is the kind of fault. Required.
	Kind FaultKind `toml:"kind"`
	// Target names what the fault hits (see each FaultKind). Required.
	Target string `toml:"target"`
	// At is when the fault starts, since the start of the run.
	At time.Duration `toml:"at"`
	// For is how long it lasts. Required (> 0) except for instantaneous
	// kinds (cache_flush, client_restart).
	For time.Duration `toml:"for"`

	// Factor: slowdown (service time x Factor, > 0) and load_spike (rate
	// x Factor). Zero means 1 for load_spike; required for slowdown.
	Factor float64 `toml:"factor"`
	// Extra is the calls/s a load_spike adds. Zero means none.
	Extra float64 `toml:"extra"`
	// Workers is how many workers per replica a capacity_loss removes.
	Workers int `toml:"workers"`
	// Replicas is how many replicas a capacity_loss takes down (the last
	// ones).
	Replicas int `toml:"replicas"`
	// ReplicasHit narrows a slowdown, error_rate or outage to the first
	// ReplicasHit replicas of its service (a gray failure: the others and
	// the service as a whole look healthy), in [1, replicas]. nil means
	// the whole service.
	ReplicasHit *int `toml:"replicas_hit"`
	// Mode is the outage mode. Empty means fail_fast.
	Mode OutageMode `toml:"mode"`
	// Probability is the error_rate fault's failure probability in [0, 1].
	Probability float64 `toml:"probability"`
	// Latency is extra one-way delay a network fault adds to each
	// message. nil means none.
	Latency sim.Dist `toml:"latency"`
	// Loss is the extra loss probability of a network fault, in [0, 1].
	Loss float64 `toml:"loss"`
	// Calls is how many calls each open client issues at a client_restart.
	Calls int `toml:"calls"`

	// Rolling and bad deploys (deploy.go). Batch is how many replicas
	// restart at once. Zero means 1.
	Batch int `toml:"batch"`
	// Restart is how long a restarting replica is out of the load
	// balancer. Zero means it comes back at once (still cold).
	Restart time.Duration `toml:"restart"`
	// Pause is the wait between a batch coming back and the next one
	// restarting. Zero means none.
	Pause time.Duration `toml:"pause"`
	// Warmup is how long a restarted replica serves slowly. Zero means
	// no warm-up.
	Warmup time.Duration `toml:"warmup"`
	// WarmupFactor multiplies the service time of requests a replica
	// starts while warming up. Zero means 1.
	WarmupFactor float64 `toml:"warmup_factor"`
	// Detect is how long after At a bad deploy is rolled back. Required
	// for bad_deploy.
	Detect time.Duration `toml:"detect"`
}

// End returns At+For, when the fault stops acting.
func (f FaultConfig) End() time.Duration { return f.At + f.For }

// Instantaneous reports whether the kind acts at one instant (For is
// ignored).
func (k FaultKind) Instantaneous() bool { return k == FaultCacheFlush || k == FaultClientRestart }

// Limits bound a run. When one is hit the run stops early: Run returns a
// *LimitError and Results reports the partial run.
type Limits struct {
	// MaxEvents is the most events a run may fire. Zero means
	// DefaultMaxEvents; there is no unlimited setting, but any value up to
	// 2^63-1 may be given.
	MaxEvents uint64 `toml:"max_events"`
	// MaxInFlight is the most attempts that may be in flight at once.
	// Zero means DefaultMaxInFlight.
	MaxInFlight int `toml:"max_in_flight"`
}

// DefaultMaxInFlight is the in-flight limit used when Limits.MaxInFlight
// is zero.
const DefaultMaxInFlight = 1_000_000

// DefaultMaxEvents is the event limit used when Limits.MaxEvents is zero:
// two billion events, a few minutes of wall-clock time. The largest run of
// a built-in scenario (retry-amplification's base, retries at every layer) fires
// about 11 million.
const DefaultMaxEvents = 2_000_000_000

// ApplyDefaults fills every zero field that has a default, in place. It is
// the one place defaults are set; Build calls it on a copy.
func (c *Config) ApplyDefaults() {
	if c.Interval == 0 {
		c.Interval = DefaultInterval
	}
	for i := range c.Services {
		s := &c.Services[i]
		if s.Replicas == 0 {
			s.Replicas = 1
		}
		if s.Workers == 0 {
			s.Workers = 1
		}
		if s.Queue.Order == "" {
			s.Queue.Order = FIFO
		}
		if s.Balancer == "" {
			s.Balancer = RoundRobin
		}
		if s.Hash != nil && s.Hash.Points == 0 {
			s.Hash.Points = DefaultRingPoints
		}
		if s.Fanout == "" {
			s.Fanout = Sequential
		}
		s.applyStrategyDefaults()
		for j := range s.Calls {
			if s.Calls[j].Count == 0 {
				s.Calls[j].Count = 1
			}
			s.Calls[j].ClientPolicy.applyDefaults()
		}
	}
	for i := range c.Clients {
		cl := &c.Clients[i]
		if cl.Model == "" {
			cl.Model = Open
		}
		if cl.Arrival == "" {
			cl.Arrival = Poisson
		}
		if cl.Burst.Size > 0 && cl.Burst.Start == 0 {
			cl.Burst.Start = cl.Burst.Every
		}
		cl.Replay.applyDefaults()
		cl.ClientPolicy.applyDefaults()
		if cl.Priority == "" {
			cl.Priority = defaultPriority
		}
	}
	for i := range c.Caches {
		ca := &c.Caches[i]
		if ca.Capacity == 0 {
			ca.Capacity = ca.Keys
		}
		ca.ClientPolicy.applyDefaults()
	}
	for i := range c.Jobs {
		jc := &c.Jobs[i]
		jc.ClientPolicy.applyDefaults()
		if jc.Priority == "" {
			jc.Priority = defaultPriority
		}
	}
	for i := range c.Faults {
		f := &c.Faults[i]
		if f.Kind == FaultLoadSpike && f.Factor == 0 {
			f.Factor = 1
		}
		if f.Kind == FaultOutage && f.Mode == "" {
			f.Mode = FailFast
		}
	}
	r := &c.Recovery
	if r.Tolerance == 0 {
		r.Tolerance = DefaultTolerance
	}
	if r.Hold == 0 {
		r.Hold = DefaultHoldIntervals * c.Interval
	}
	if r.Collapse == 0 {
		r.Collapse = DefaultCollapse
	}
	if c.Limits.MaxInFlight == 0 {
		c.Limits.MaxInFlight = DefaultMaxInFlight
	}
	if c.Limits.MaxEvents == 0 {
		c.Limits.MaxEvents = DefaultMaxEvents
	}
	c.applySLODefaults()
	c.applyDeployDefaults()
	c.Traces.applyDefaults()
}
