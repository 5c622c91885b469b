// Package models describes real systems for the sim engine and runs them:
// clients (open, closed and partly-open loops), services (replicas x
// workers, a queue, a service time, downstream calls), load balancers,
// network links, caches, and a timeline of faults. It carries each request
// through its lifecycle and records the per-interval series and the
// per-run summary of Results.
//
// # Use
//
//	w, err := models.Build(cfg) // applies defaults, validates, builds
//	err = w.Run()               // to cfg.Duration (or a *LimitError)
//	res := w.Results()          // plain data: JSON, CSV
//
// or, interactively, w.Advance(until, maxEvents) in slices, with
// w.Snapshot() for live gauges, w.Inject(fault) for interventions and
// knobs such as w.SetClientRate.
//
// # The request lifecycle
//
// In this order (docs/MODELS.md has the details):
//
//  1. A client issues a call: open loop at its rate (Poisson or
//     constant, following its schedule, spikes and bursts), closed loop
//     when a user's think time ends, partly open when a session's next
//     call is due. The call counts as offered now.
//  2. The call sends an attempt, unless a client strategy refuses it
//     (bulkhead at the call, then breaker and throttle per attempt; a
//     hedge timer may send more copies). The attempt counts now; its
//     timeout starts; the call's deadline started with the call.
//  3. The request crosses the edge's link: a latency sample, or loss.
//  4. At a service: an outage answers at once (fail_fast) or swallows it
//     (black_hole); the load balancer picks a replica among those up.
//  5. Admission: the server strategies (rate limits, shedding, adaptive
//     concurrency) may reject it at once; an idle worker takes it at once
//     (unless paused); otherwise it waits if the replica's queue has room
//     (the limit counts waiting requests only), else queue_full.
//  6. A free worker takes the next waiting request (FIFO, LIFO, adaptive
//     LIFO); drop-expired and CoDel may answer it instead.
//  7. The worker does the local work: a service-time sample (from a
//     stream tied to the attempt) times the slowdown factor; a pause
//     freezes it. Then the downstream calls, each a call of its own with
//     its own policy and link (sequential, or parallel waiting for all);
//     a failed one fails the request with error, as does the error rate.
//  8. The answer crosses the link back (latency or loss) to the caller.
//  9. If the caller still waits for this attempt, the call succeeds or
//     fails with the answer's reason, unless its retry policy (with its
//     budget and retry breaker) sends another attempt after a backoff. If the attempt's timeout fired first, or the call's
//     deadline passed, or the call was abandoned, the answer is late: it
//     is not a success, and the worker time it took is wasted work.
//
// A timeout is counted when it fires. Goodput counts calls that succeeded
// (within their deadline, since a call whose deadline passes has failed).
//
// # Observers
//
// The SLOs (slo.go) and the request traces (trace.go) are recorders: they
// hear the lifecycle at four points (a call started, a step of an
// attempt, a call done, an interval closed) through one interface
// (record.go), and never change the run. A world without them pays one
// nil check per point.
//
// # Common random numbers
//
// Arrivals come from a stream per client ("client/NAME/arrivals"). Every
// draw tied to a call (its service demand at each service, its cache key,
// its error draw, its link delays, its think time) comes from a generator
// reseeded from the call's seed, derived from (seed, client, call index)
// and the attempt number. Two worlds that differ only in a server setting
// therefore see the same arrivals and the same work per call, so a
// comparison between variants is paired.
//
// # Performance
//
// Calls, attempts and sessions are pooled; handlers are bound once; the
// steady state allocates nothing per event or per request. Memory grows
// with the requests in flight and the number of intervals, not with the
// number of requests. See BenchmarkMM1 and docs/PERFORMANCE.md.
package models
