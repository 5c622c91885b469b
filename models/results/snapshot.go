package results

import "github.com/stampede-sim/stampede/sim"

// Snapshot is a cheap live view of a running world for the TUI: current
// gauges and the series of the closed intervals so far. Its series share
// storage with the world (never modified, only appended to): read them,
// do not write them.
type Snapshot struct {
	// Now is the current virtual time.
	Now sim.Time
	// Done reports whether the run is over; Err is why it stopped early.
	Done bool
	Err  error
	// Events is the number of events fired so far.
	Events uint64
	// Clients, Services and Caches hold current values, in config order.
	Clients  []ClientGauge
	Services []ServiceGauge
	Caches   []CacheGauge
	// Series holds the closed intervals so far.
	Series Series
	// Faults are the faults started so far.
	Faults []FaultWindow
}

// ClientGauge is the current state of one client.
type ClientGauge struct {
	Name string
	// Model is the load model by name ("open", "closed",
	// "partly_open").
	Model string
	// Rate is the current effective rate (calls/s, sessions/s for partly
	// open; 0 for closed); Users is the population (closed).
	Rate  float64
	Users int
	// InFlight is calls in flight now; the counts are totals so far.
	InFlight                             int
	Calls, Attempts, Succeeded, Failures int64
	// Breaker is the circuit breaker's state ("closed", "open",
	// "half_open"), empty without a breaker.
	Breaker string
	// Strategy holds the current values of the client's strategies by
	// their series names (counters: totals so far; levels: now). nil
	// without strategies.
	Strategy map[string]float64
}

// ServiceGauge is the current state of one service.
type ServiceGauge struct {
	Name string
	// Queue, Busy and InSystem count requests now; Capacity is workers
	// in service; ReplicasUp of Replicas take requests.
	Queue, Busy, InSystem, Capacity int
	Replicas, ReplicasUp            int
	// Slowdown is the current service-time factor; ErrorRate the current
	// error probability.
	Slowdown, ErrorRate float64
	// Paused, FailFast and BlackHole report active faults.
	Paused, FailFast, BlackHole bool
	// Served, Rejected and WastedS are totals so far.
	Served, Rejected int64
	WastedS          float64
	// Strategy holds the current values of the service's strategies by
	// their series names (counters: totals so far; levels: now). nil
	// without strategies.
	Strategy map[string]float64
}

// CacheGauge is the current state of one cache.
type CacheGauge struct {
	Name         string
	Size         int
	Hits, Misses int64
	// Strategy holds the cache's strategy counters so far; nil without
	// strategies.
	Strategy map[string]float64
}
