// Package sim is stampede's deterministic discrete-event engine: virtual
// time, a pending-event queue, named random streams, service-time
// distributions and the metrics primitives the models record into.
//
// It knows nothing about requests. Time is an integer count of virtual
// nanoseconds since the run began; durations are time.Duration. Events fire
// in order of (time, scheduling order). The engine is single-threaded,
// never reads the wall clock and never starts a goroutine, so the same seed
// gives the same run on any machine and at any GOMAXPROCS.
//
// Usage:
//
//	s := sim.New(1)
//	rng := s.Rand("arrivals")
//	var arrive func()
//	arrive = func() {
//		// ... handle an arrival at s.Now() ...
//		s.AfterFunc(time.Duration(rng.ExpFloat64()*float64(time.Second)), arrive)
//	}
//	s.AfterFunc(0, arrive)
//	s.RunUntil(sim.Time(time.Minute))
//
// A driver that must stop at instants or limits of its own (the end of an
// interval, an event budget) fires in batches with Fire(t, n), one call per
// batch; a handler that finds the run must stop ends the batch with Halt.
//
// For allocation-free scheduling on hot paths, bind a Handler once (a method
// value stored at construction) and pass per-event data as a pointer:
//
//	w.onDone = w.done               // once
//	s.Schedule(d, w.onDone, req)    // per event: no allocation
//
// Service times and other random durations are Dists parsed from short
// strings (see ParseDist): "20ms", "exp(20ms)", "uniform(5ms, 15ms)",
// "normal(20ms, 5ms)", "lognormal(20ms, 0.8)" (median, sigma),
// "erlang(4, 20ms)", "pareto(10ms, 1.5)", "weibull(20ms, 1.5)" and
// mixtures such as "mix(0.999: 100us, 0.001: 10ms)".
//
// Metrics primitives: Histogram (fixed memory, quantiles within 1%),
// Counter (per-interval totals) and Gauge (time-weighted per interval).
package sim
