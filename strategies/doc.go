// Package strategies is stampede's pure decision logic for resiliency
// patterns: backoff and retry policies, retry budgets, circuit breakers,
// client-side adaptive throttling, hedging, bulkheads, queue disciplines
// (CoDel, adaptive LIFO, drop-expired), load shedders, rate limiters (local,
// keyed and distributed) and adaptive concurrency limits.
//
// Every type follows golang.org/x/time/rate: the current virtual instant is
// a parameter (now sim.Time), randomness is passed in (*rand.Rand from
// math/rand/v2), and nothing reads a clock, starts a goroutine, or schedules
// an event. A type decides; the models package applies the decision at the
// point of the request lifecycle where a real system would (see
// docs/STRATEGIES.md for the order).
//
// Constructors take a Config and return (T, error); they validate every
// field and apply no default. Each Config has a DefaultXxxConfig function
// that returns the defaults of the source the type follows (a library, a
// paper, a book), cited in its doc comment; where the source gives no
// default, the doc comment says so.
//
// Per-request methods allocate nothing and every window is a fixed ring of
// buckets, so memory is bounded whatever the load.
//
// Failure outcomes are a Reason (timeout, shed, rate_limited, ...), a value
// with a String method; a Go error only reports an invalid configuration.
//
// Usage:
//
//	b, err := strategies.NewBackoff(strategies.DefaultBackoffConfig())
//	if err != nil { ... }
//	var st strategies.BackoffState // one per call
//	wait := b.Next(&st, rng)        // after each failed attempt
//
//	cb, err := strategies.NewCircuitBreaker(strategies.DefaultCircuitBreakerConfig())
//	if cb.Allow(now) { /* send */ } else { /* fail with ReasonBreakerOpen */ }
//	cb.OnFailure(now, latency)
package strategies
