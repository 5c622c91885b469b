package models

import (
	"bytes"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/stampede-sim/stampede/models/config"
	"github.com/stampede-sim/stampede/models/results"
	"github.com/stampede-sim/stampede/sim"
	"github.com/stampede-sim/stampede/strategies"
)

// End-to-end runs of each strategy through the models, each showing the
// effect the strategy exists for. Worlds are small and short so that the
// suite stays fast under -race.

// maxOf returns the largest value of v (NaN ignored).
func maxOf(v results.Values) float64 {
	m := math.Inf(-1)
	for _, x := range v {
		if !math.IsNaN(x) && x > m {
			m = x
		}
	}
	return m
}

// sumOf returns the sum of v over [from, to) (NaN ignored).
func sumOf(v results.Values, from, to int) float64 {
	s := 0.0
	for i := from; i < to && i < len(v); i++ {
		if !math.IsNaN(v[i]) {
			s += v[i]
		}
	}
	return s
}

func TestRetryAttemptsAndReasons(t *testing.T) {
	// A service that fails every request at once (a fail-fast outage for
	// the whole run): each call makes exactly 3 attempts, retried with no
	// backoff, and fails with the last attempt's reason. Only reasons in
	// retry.on are retried.
	cfg := oneService(10, "1ms", 10*time.Second)
	cfg.Faults = []config.FaultConfig{{Kind: config.FaultOutage, Target: "api", At: 0, For: time.Hour}}
	cfg.Clients[0].Retry = strategies.RetrySpec{Attempts: 3, Backoff: "none"}
	_, r := run(t, cfg)
	s := r.Summary
	wantEq(t, "calls", s.Calls, results.Count(99))
	wantEq(t, "attempts", s.Attempts, results.Count(3*99))
	wantEq(t, "amplification", s.Amplification, 3.0)
	wantEq(t, "failed[outage]", s.Failed["outage"], results.Count(99))
	wantEq(t, "strategy.retries", s.Clients["c"].Strategy["retries"], float64(2*99))
	// The retries series counts retries sent per second, and goes to CSV.
	wantEq(t, "retries in [1,2)", r.Series.Clients[0].Strategy["retries"][1], 20.0)
	var csv bytes.Buffer
	if err := r.WriteSeriesCSV(&csv); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(csv.String(), "\n1,client,c,strategy.retries,20\n") {
		t.Errorf("series CSV has no strategy.retries row for [1,2)")
	}

	cfg.Clients[0].Retry.On = []string{"timeout"}
	_, r = run(t, cfg)
	wantEq(t, "attempts when outage is not retried", r.Summary.Attempts, results.Count(99))
}

func TestRetryValidation(t *testing.T) {
	cfg := oneService(10, "1ms", time.Second)
	cfg.Clients[0].Retry = strategies.RetrySpec{Attempts: 3, Backoff: "exponentail", On: []string{"timeout", "nope"}}
	_, err := Build(cfg)
	if err == nil || !strings.Contains(err.Error(), "clients[c].retry.backoff: must be one of none, constant, linear, exponential") {
		t.Fatalf("bad backoff: %v", err)
	}
	cfg.Clients[0].Retry = strategies.RetrySpec{Attempts: 3, On: []string{"timeout", "nope"}}
	_, err = Build(cfg)
	if err == nil || !strings.Contains(err.Error(), `clients[c].retry.on[1]: "nope" is not a failure reason`) {
		t.Fatalf("bad reason: %v", err)
	}
	cfg.Clients[0].Retry = strategies.RetrySpec{Attempts: 3, Base: 10 * time.Millisecond, Max: time.Millisecond}
	_, err = Build(cfg)
	if err == nil || !strings.Contains(err.Error(), "clients[c].retry.max: must be >= Base (10ms), got 1ms") {
		t.Fatalf("bad max: %v", err)
	}
	cfg.Clients[0].Retry = strategies.RetrySpec{Attempts: 101}
	_, err = Build(cfg)
	if err == nil || !strings.Contains(err.Error(), "clients[c].retry.attempts: must be in [0, 100]") {
		t.Fatalf("bad attempts: %v", err)
	}
}

// retryWave is 100 calls issued at the same instant (t = 1s) against a
// service in a fail-fast outage until 1.1s: every first attempt fails at
// once, together, and the retries form a wave. The service has 10 workers
// of 10ms, so a wave that arrives at one instant queues 90 deep.
func retryWave(jitter string) config.Config {
	cfg := config.Config{
		Duration: 3 * time.Second,
		Interval: 10 * time.Millisecond,
		Services: []config.ServiceConfig{{Name: "api", Workers: 10, ServiceTime: d("10ms")}},
		Clients: []config.ClientConfig{{Name: "c", Target: "api", Burst: config.BurstConfig{Size: 100, Every: time.Hour, Start: time.Second},
			ClientPolicy: config.ClientPolicy{Retry: strategies.RetrySpec{Attempts: 6, Backoff: "exponential", Base: 50 * time.Millisecond,
				Max: time.Second, Jitter: jitter}}}},
		Faults: []config.FaultConfig{{Kind: config.FaultOutage, Target: "api", At: 500 * time.Millisecond, For: 600 * time.Millisecond}},
	}
	return cfg
}

func TestJitterSpreadsARetryWave(t *testing.T) {
	// Without jitter every call waits exactly 2 x 50ms after failing at 1s
	// and all 100 retries arrive at 1.1s, the instant the outage ends:
	// the service sees one 10ms interval with 100 arrivals and a queue 90
	// deep. With jitter (Brooker's full, equal, decorrelated) the retries
	// spread out in time: no 10ms interval gets more than a fraction of
	// them, and the queue stays short. Every call succeeds in the end.
	type result struct{ peakArrivals, peakQueue float64 }
	got := map[string]result{}
	for _, j := range []string{"none", "full", "equal", "decorrelated"} {
		_, r := run(t, retryWave(j))
		sv := r.Series.Services[0]
		// the first wave (the burst itself) is interval 100: look after it
		got[j] = result{math.Round(maxOf(sv.Arrivals[101:]) * 0.01), maxOf(sv.QueueMax[101:])}
		wantEq(t, j+": succeeded", r.Summary.Succeeded, results.Count(100))
		if a := r.Summary.Amplification; a < 2 {
			t.Errorf("%s: amplification %v, want >= 2 (every call retried at least once)", j, a)
		}
	}
	if g := got["none"]; g.peakArrivals != 100 || g.peakQueue != 90 {
		t.Errorf("no jitter: peak arrivals %v per 10ms, peak queue %v; want 100 and 90 (one synchronised wave)", g.peakArrivals, g.peakQueue)
	}
	for _, j := range []string{"full", "equal", "decorrelated"} {
		if g := got[j]; g.peakArrivals > 40 || g.peakQueue > 30 {
			t.Errorf("%s jitter: peak arrivals %v per 10ms, peak queue %v; want the wave spread (<= 40, <= 30)", j, g.peakArrivals, g.peakQueue)
		}
	}
	t.Logf("peaks (arrivals per 10ms, queue): %v", got)
}

func ptr[T any](v T) *T { return &v }

// failing is an open client at 100 calls/s against a service that fails
// every request with error after 1ms: a 100% failure rate. Each call may
// make 5 attempts, retried at once.
func failing(budget *strategies.BudgetSpec) config.Config {
	return config.Config{
		Duration: 30 * time.Second,
		Services: []config.ServiceConfig{{Name: "api", Workers: 100, ServiceTime: d("1ms"), ErrorRate: 1}},
		Clients: []config.ClientConfig{{Name: "c", Target: "api", Rate: 100, Arrival: config.Constant,
			ClientPolicy: config.ClientPolicy{Retry: strategies.RetrySpec{Attempts: 5, Backoff: "none"}, Budget: budget}}},
	}
}

func TestRetryBudgetsBoundAmplification(t *testing.T) {
	// Under 100% failure, 5 attempts per call is an amplification of 5.
	// A retry budget caps it for the edge as a whole: Finagle's ratio
	// budget at 10% (no reserve) near 1.1; gRPC's token bucket stops
	// retrying once half its 10 tokens are gone (amplification ~1); the
	// AWS quota pays for 500/5 = 100 retries and then none.
	cases := []struct {
		name   string
		budget *strategies.BudgetSpec
		lo, hi float64
	}{
		{"none", nil, 4.99, 5},
		{"ratio", &strategies.BudgetSpec{Kind: strategies.BudgetRatio, Percent: ptr(10.0), MinRetriesPerS: ptr(0)}, 1.09, 1.11},
		{"ratio-reserve", &strategies.BudgetSpec{Kind: strategies.BudgetRatio, Percent: ptr(10.0), MinRetriesPerS: ptr(5)}, 1.13, 1.16},
		{"token_bucket", &strategies.BudgetSpec{Kind: strategies.BudgetTokenBucket}, 1, 1.002},
		{"quota", &strategies.BudgetSpec{Kind: strategies.BudgetQuota}, 1.033, 1.034},
	}
	for _, tc := range cases {
		_, r := run(t, failing(tc.budget))
		cs := r.Summary.Clients["c"]
		if a := float64(cs.Amplification); a < tc.lo || a > tc.hi {
			t.Errorf("%s: amplification %.4f, want in [%v, %v]", tc.name, a, tc.lo, tc.hi)
		}
		wantEq(t, tc.name+": failed calls", cs.Failed["error"]+cs.InFlight, cs.Calls)
		if tc.budget == nil {
			continue
		}
		if cs.Strategy["retries_denied"] == 0 {
			t.Errorf("%s: no retry denied", tc.name)
		}
		if _, ok := cs.Strategy["budget_tokens"]; !ok {
			t.Errorf("%s: no budget_tokens metric", tc.name)
		}
	}
	// A retry breaker (retries only while under 10% of the last 100
	// attempts failed, once 10 are known) lets the first few calls retry,
	// then none.
	cfg := failing(nil)
	cfg.Clients[0].RetryBreaker = &strategies.RetryBreakerSpec{}
	_, r := run(t, cfg)
	cs := r.Summary.Clients["c"]
	if a := cs.Amplification; a > 1.004 {
		t.Errorf("retry breaker: amplification %.4f, want about 1", a)
	}
	wantEq(t, "retry breaker state at the end", r.Series.Clients[0].Strategy["retry_breaker_state"][29], 1.0)

	// The token bucket's tokens fall from 10 to at most half and stay.
	_, r = run(t, failing(&strategies.BudgetSpec{Kind: strategies.BudgetTokenBucket}))
	tok := r.Series.Clients[0].Strategy["budget_tokens"]
	if tok[len(tok)-1] > 5 {
		t.Errorf("token bucket ends with %v tokens, want <= 5", tok[len(tok)-1])
	}
}

func TestBudgetValidation(t *testing.T) {
	for _, tc := range []struct {
		b    strategies.BudgetSpec
		want string
	}{
		{strategies.BudgetSpec{}, "clients[c].budget.kind: is required"},
		{strategies.BudgetSpec{Kind: "leaky"}, `clients[c].budget.kind: must be one of token_bucket, ratio, quota, got "leaky"`},
		{strategies.BudgetSpec{Kind: strategies.BudgetTokenBucket, TTL: time.Second}, "clients[c].budget.ttl: is not a key of a token_bucket budget"},
		{strategies.BudgetSpec{Kind: strategies.BudgetRatio, TTL: 90 * time.Second}, "clients[c].budget.ttl: must be in [1s, 60s], got 1m30s"},
		{strategies.BudgetSpec{Kind: strategies.BudgetTokenBucket, TokenRatio: 0.0001}, "clients[c].budget.token_ratio: must be in (0, MaxTokens] with at most 3 decimal places"},
	} {
		cfg := oneService(10, "1ms", time.Second)
		b := tc.b
		cfg.Clients[0].Budget = &b
		_, err := Build(cfg)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: got %v, want %q", tc.b, err, tc.want)
		}
	}
}

func TestBuildLeavesTheCallersConfigAlone(t *testing.T) {
	cfg := oneService(10, "1ms", time.Second)
	b := &strategies.BudgetSpec{Kind: strategies.BudgetRatio}
	cfg.Clients[0].Budget = b
	cfg.Clients[0].Retry = strategies.RetrySpec{Attempts: 2}
	if _, err := Build(cfg); err != nil {
		t.Fatal(err)
	}
	if b.TTL != 0 || b.Percent != nil || cfg.Clients[0].Retry.Backoff != "" {
		t.Errorf("Build applied defaults to the caller's config: %+v, %+v", *b, cfg.Clients[0].Retry)
	}
}

func TestBreakerStopsCallsToADeadDependencyAndProbesItBack(t *testing.T) {
	// 100 calls/s against a service in a fail-fast outage over [10s, 20s).
	// Without a breaker all 1000 calls of the outage reach it. With one
	// (the last 20 attempts, at least 10, 50% failures, open 1s, 3
	// probes) it opens after about 10 failures, then lets 3 probes through
	// each second: a few dozen requests reach the dead service, the rest
	// fail at once with breaker_open; the first probes after the outage
	// succeed and close it, and goodput is back.
	cfg := config.Config{
		Duration: 30 * time.Second,
		Services: []config.ServiceConfig{{Name: "api", Workers: 10, ServiceTime: d("1ms")}},
		Clients:  []config.ClientConfig{{Name: "c", Target: "api", Rate: 100, Arrival: config.Constant}},
		Faults:   []config.FaultConfig{{Kind: config.FaultOutage, Target: "api", At: 10 * time.Second, For: 10 * time.Second}},
	}
	_, base := run(t, cfg)
	cfg.Clients[0].Breaker = &strategies.BreakerSpec{Size: 20, MinCalls: 10, OpenFor: time.Second, Probes: 3}
	_, r := run(t, cfg)
	during := func(r *results.Results) float64 { return sumOf(r.Series.Services[0].Arrivals, 10, 20) }
	if got := during(base); got != 1000 {
		t.Errorf("without a breaker: %v arrivals during the outage, want 1000", got)
	}
	if got := during(r); got > 60 || got < 30 {
		t.Errorf("with a breaker: %v arrivals during the outage, want about 10 + 9 x 3", got)
	}
	cs := r.Summary.Clients["c"]
	if n := cs.Failed["breaker_open"]; n < 900 {
		t.Errorf("breaker_open failures %d, want most of the outage's 1000 calls", n)
	}
	if n := cs.Strategy["breaker_opened"]; n < 9 {
		t.Errorf("breaker opened %v times, want about once per second of outage (failed probes reopen it)", n)
	}
	state := r.Series.Clients[0].Strategy["breaker_state"]
	wantEq(t, "breaker state before the outage", state[5], 0.0)
	if m := sumOf(state, 11, 20) / 9; m < 0.9 {
		t.Errorf("breaker state during the outage %v, want mostly open (1)", m)
	}
	wantEq(t, "breaker state after recovery", state[25], 0.0)
	if g := sumOf(r.Series.Clients[0].Goodput, 22, 30) / 8; g != 100 {
		t.Errorf("goodput after the outage %v/s, want 100 (closed again)", g)
	}
}

// twoTier is a client at 150 calls/s (deadline 200ms) on api (fast, 100
// workers), which calls db for every request: one worker, 10ms, so db can
// serve 100/s and is overloaded by half.
func twoTier(propagate, dropExpired bool) config.Config {
	return config.Config{
		Duration: 20 * time.Second,
		Seed:     3,
		Services: []config.ServiceConfig{
			{Name: "api", Workers: 100, ServiceTime: d("1ms"), Calls: []config.CallConfig{{Target: "db"}}, PropagateDeadline: propagate},
			{Name: "db", ServiceTime: d("exp(10ms)"), Queue: config.QueueConfig{DropExpired: dropExpired}},
		},
		Clients: []config.ClientConfig{{Name: "c", Target: "api", Rate: 150,
			ClientPolicy: config.ClientPolicy{Deadline: 200 * time.Millisecond}}},
	}
}

func TestDeadlinePropagationLetsTheBottomDropExpiredWork(t *testing.T) {
	// Without propagation db's queue grows without bound: every request
	// waits longer than the client's deadline, db works for nobody
	// (the answers come too late), api's workers wait on it, and goodput
	// collapses.
	// With the deadline propagated (api's call to db carries what remains
	// of the client's 200ms) and drop_expired at db, db drops at dequeue
	// what can no longer be answered in time and serves the rest: goodput
	// stays near db's capacity. drop_expired alone does nothing here: the
	// requests db sees carry no deadline.
	good := func(r *results.Results) float64 { return sumOf(r.Series.Total.Goodput, 10, 20) / 10 }
	_, none := run(t, twoTier(false, false))
	_, dropOnly := run(t, twoTier(false, true))
	_, both := run(t, twoTier(true, true))
	if g := good(none); g > 10 {
		t.Errorf("no propagation: goodput %v/s over [10s, 20s), want collapsed (< 10)", g)
	}
	wantEq(t, "drop_expired without propagation: expired", dropOnly.Summary.Services["db"].Strategy["expired"], 0.0)
	if g := good(both); g < 60 {
		t.Errorf("propagation + drop_expired: goodput %v/s, want most of db's 100/s", g)
	}
	db := both.Summary.Services["db"]
	if db.Strategy["expired"] < 500 {
		t.Errorf("db dropped %v expired requests, want many", db.Strategy["expired"])
	}
	// db is as busy either way: what changes is whether its work is useful.
	for name, r := range map[string]*results.Results{"without": none, "with": both} {
		if u := r.Summary.Services["db"].Utilization; u < 0.9 {
			t.Errorf("%s propagation: db utilisation %v, want saturated", name, u)
		}
	}
	// The downstream calls fail with deadline_exceeded at the inherited
	// deadline although the edge has no deadline of its own.
	if n := both.Summary.Edges["api->db"].Failed["deadline_exceeded"]; n == 0 {
		t.Errorf("api->db: no deadline_exceeded with propagation")
	}
	if n := none.Summary.Edges["api->db"].Failed["deadline_exceeded"]; n != 0 {
		t.Errorf("api->db: %d deadline_exceeded without propagation", n)
	}
}

// overloaded is an open client at 600 calls/s (Poisson) with a call
// deadline against a service of 4 workers of exp(10ms): capacity 400/s,
// 1.5x overload, an unbounded queue.
func overloaded(q config.QueueConfig, deadline time.Duration) config.Config {
	return config.Config{
		Duration: 20 * time.Second,
		Seed:     5,
		Services: []config.ServiceConfig{{Name: "api", Workers: 4, ServiceTime: d("exp(10ms)"), Queue: q}},
		Clients:  []config.ClientConfig{{Name: "c", Target: "api", Rate: 600, ClientPolicy: config.ClientPolicy{Deadline: deadline}}},
	}
}

func TestQueueDisciplinesKeepGoodputUnderOverload(t *testing.T) {
	// FIFO under sustained overload serves ever older requests: once the
	// queue wait passes the deadline, every answer is late and goodput
	// is 0. LIFO and adaptive LIFO serve the newest first (their callers
	// still wait); Facebook's CoDel drops what waited more than 2 x
	// target while overloaded; RFC 8289 CoDel bounds the queue with its
	// slower control law (enough for a 1s deadline, not for 100ms);
	// dropping expired requests at dequeue saves the work of the dead
	// ones; controlled delay ("Fail at Scale") lets a request wait only
	// 5ms once a queue has stood for 100ms.
	const capacity = 400.0
	good := func(r *results.Results) float64 { return sumOf(r.Series.Total.Goodput, 5, 20) / 15 }
	cases := []struct {
		name     string
		q        config.QueueConfig
		deadline time.Duration
		lo, hi   float64 // goodput as a fraction of capacity
	}{
		{"fifo", config.QueueConfig{}, 100 * time.Millisecond, 0, 0.01},
		{"lifo", config.QueueConfig{Order: config.LIFO}, 100 * time.Millisecond, 0.95, 1.05},
		{"adaptive_lifo", config.QueueConfig{Order: config.AdaptiveLIFO}, 100 * time.Millisecond, 0.95, 1.05},
		{"codel folly", config.QueueConfig{Order: config.CoDel, CoDelVariant: config.CoDelFolly}, 100 * time.Millisecond, 0.9, 1.05},
		{"codel rfc 100ms", config.QueueConfig{Order: config.CoDel}, 100 * time.Millisecond, 0, 0.3},
		{"codel rfc 1s", config.QueueConfig{Order: config.CoDel}, time.Second, 0.95, 1.05},
		{"fifo drop_expired", config.QueueConfig{DropExpired: true}, 100 * time.Millisecond, 0.25, 0.5},
		{"controlled_delay", config.QueueConfig{Order: config.ControlledDelay}, 100 * time.Millisecond, 0.9, 1.05},
	}
	for _, tc := range cases {
		_, r := run(t, overloaded(tc.q, tc.deadline))
		if g := good(r) / capacity; g < tc.lo || g > tc.hi {
			t.Errorf("%s: goodput %.3f of capacity, want in [%v, %v]", tc.name, g, tc.lo, tc.hi)
		}
		st := r.Summary.Services["api"].Strategy
		switch {
		case (tc.q.Order == config.CoDel || tc.q.Order == config.ControlledDelay) && st["dropped"] == 0:
			t.Errorf("%s: nothing dropped", tc.name)
		case tc.q.DropExpired && st["expired"] == 0:
			t.Errorf("%s: nothing expired", tc.name)
		}
	}
	// Folly's CoDel and controlled delay keep the queue short; FIFO's
	// grows without bound.
	for _, q := range []config.QueueConfig{{Order: config.CoDel, CoDelVariant: config.CoDelFolly}, {Order: config.ControlledDelay}} {
		_, f := run(t, overloaded(q, 100*time.Millisecond))
		if n := f.Summary.Services["api"].QueueLength.Mean; n > 30 {
			t.Errorf("%s: mean queue %v, want short", q.Order, n)
		}
	}
}

// twiceCapacity is an open client at 800 calls/s (deadline 200ms) against
// a service of 4 workers of exp(10ms), capacity 400/s: twice its load.
func twiceCapacity(sh *strategies.ShedSpec) config.Config {
	return config.Config{
		Duration: 20 * time.Second,
		Seed:     5,
		Services: []config.ServiceConfig{{Name: "api", Workers: 4, ServiceTime: d("exp(10ms)"), Shed: sh}},
		Clients:  []config.ClientConfig{{Name: "c", Target: "api", Rate: 800, ClientPolicy: config.ClientPolicy{Deadline: 200 * time.Millisecond}}},
	}
}

func TestSheddingKeepsGoodputNearCapacityAtTwiceTheLoad(t *testing.T) {
	// Without shedding the queue grows until every answer is late:
	// goodput 0. Shedding on queue length, concurrency or queueing latency
	// (the oldest waiter's age) rejects the excess at once and keeps the
	// queue short, so goodput stays near the service's capacity.
	const capacity = 400.0
	good := func(r *results.Results) float64 { return sumOf(r.Series.Total.Goodput, 5, 20) / 15 }
	_, base := run(t, twiceCapacity(nil))
	if g := good(base); g > 0.01*capacity {
		t.Errorf("no shedding: goodput %v/s, want collapsed", g)
	}
	for _, sh := range []strategies.ShedSpec{{QueueLength: 8}, {Concurrency: 12}, {Latency: 20 * time.Millisecond}} {
		_, r := run(t, twiceCapacity(&sh))
		if g := good(r); g < 0.95*capacity {
			t.Errorf("shed %+v: goodput %v/s, want near capacity %v", sh, g, capacity)
		}
		c := r.Summary.Clients["c"]
		if n := c.Failed["shed"]; float64(n) < 0.4*float64(c.Calls) {
			t.Errorf("shed %+v: %d calls shed of %d, want about half", sh, n, c.Calls)
		}
	}
}

func TestPrioritySheddingProtectsCriticalTraffic(t *testing.T) {
	// Critical calls at 300/s and sheddable ones at 500/s share a service
	// that can serve 400/s. Sheddable requests are shed once the replica
	// holds 4 (its workers), critical ones only at 16: the critical
	// client keeps nearly all its goodput, the sheddable one gets what
	// is left.
	cfg := config.Config{
		Duration: 20 * time.Second,
		Seed:     5,
		Services: []config.ServiceConfig{{Name: "api", Workers: 4, ServiceTime: d("exp(10ms)"),
			Shed: &strategies.ShedSpec{Priority: &strategies.PriorityShed{Sheddable: 4, Critical: 16}}}},
		Clients: []config.ClientConfig{
			{Name: "users", Target: "api", Rate: 300, ClientPolicy: config.ClientPolicy{Deadline: 200 * time.Millisecond}},
			{Name: "batch", Target: "api", Rate: 500, ClientPolicy: config.ClientPolicy{Deadline: 200 * time.Millisecond, Priority: "sheddable"}},
		},
	}
	_, r := run(t, cfg)
	users, batch := r.Summary.Clients["users"], r.Summary.Clients["batch"]
	if users.Goodput < 0.97*300 {
		t.Errorf("critical client: goodput %v/s, want nearly its 300/s", users.Goodput)
	}
	if batch.Goodput > 120 || batch.Goodput < 50 {
		t.Errorf("sheddable client: goodput %v/s, want what is left of 400/s", batch.Goodput)
	}
}

func TestRateLimitsAdmitTheirRate(t *testing.T) {
	// Clients a (300/s) and b (50/s) share a service limited to 100
	// requests/s. Global: 100/s in all, split in proportion to what they
	// send. Per client: each may send 100/s, so a gets 100 and b all of
	// its 50. The token bucket starts full (burst 100: one second of
	// rate), hence its extra 100 over the run.
	for _, kind := range []string{strategies.RateTokenBucket, strategies.RateFixedWindow, strategies.RateSlidingWindow} {
		for _, per := range []string{"global", "client"} {
			cfg := config.Config{Duration: 20 * time.Second, Seed: 5,
				Services: []config.ServiceConfig{{Name: "api", Workers: 100, ServiceTime: d("exp(10ms)"), RateLimit: &strategies.RateLimitSpec{Kind: kind, Rate: 100, Per: per}}},
				Clients:  []config.ClientConfig{{Name: "a", Target: "api", Rate: 300}, {Name: "b", Target: "api", Rate: 50}}}
			_, r := run(t, cfg)
			a, b := r.Summary.Clients["a"].Goodput, r.Summary.Clients["b"].Goodput
			name := kind + "/" + per
			if per == "global" {
				if tot := a + b; tot < 95 || tot > 106 {
					t.Errorf("%s: admitted %v/s in all, want 100", name, tot)
				}
			} else {
				if a < 95 || a > 106 || b < 49 || b > 52 {
					t.Errorf("%s: admitted a %v/s and b %v/s, want 100 and 50", name, a, b)
				}
			}
			if r.Summary.Failed["rate_limited"] == 0 || r.Summary.Services["api"].Strategy["rate_limited"] == 0 {
				t.Errorf("%s: no rate_limited", name)
			}
		}
	}
}

func TestDistributedRateLimitOverAdmitsAsSyncsGetRarer(t *testing.T) {
	// 4 replicas share a limit of 400 requests/s against 2000/s offered.
	// Each replica admits against the global count as of its last sync
	// plus its own admissions since: the staler the view, the more they
	// admit together. Keeping to a local share (100/s each) never
	// over-admits and needs no sync.
	admitted := func(mode string, sync time.Duration) (float64, *results.Results) {
		cfg := config.Config{Duration: 20 * time.Second, Seed: 5,
			Services: []config.ServiceConfig{{Name: "api", Replicas: 4, Workers: 100, ServiceTime: d("exp(10ms)"),
				DistributedRateLimit: &strategies.DistributedRateLimitSpec{Limit: 400, SyncInterval: sync, Mode: mode}}},
			Clients: []config.ClientConfig{{Name: "c", Target: "api", Rate: 2000}}}
		_, r := run(t, cfg)
		return r.Summary.Goodput, r
	}
	a10, r10 := admitted("stale_view", 10*time.Millisecond)
	a100, _ := admitted("stale_view", 100*time.Millisecond)
	a1s, r1s := admitted("stale_view", time.Second)
	if !(a10 < 420 && a10 < a100 && a100 < a1s && a1s > 2*400) {
		t.Errorf("admitted/s with sync every 10ms, 100ms, 1s: %v, %v, %v; want near 400, then growing past 800", a10, a100, a1s)
	}
	if s10, s1 := r10.Summary.Services["api"].Strategy["syncs"], r1s.Summary.Services["api"].Strategy["syncs"]; s10 < 50*s1 {
		t.Errorf("syncs: %v every 10ms vs %v every 1s, want 100x the coordination", s10, s1)
	}
	if share, _ := admitted("local_share", time.Second); share > 400 {
		t.Errorf("local share: admitted %v/s, want at most 400", share)
	}
}

func TestAdaptiveConcurrencyFollowsACapacityDrop(t *testing.T) {
	// 10 workers of about 10ms (uniform 8-12ms: delay-based algorithms
	// read latency, and exponential service times are mostly noise) take
	// 500 calls/s; from 20s to 40s 8 workers are lost (capacity 200/s).
	// Each algorithm lowers its limit while capacity is short (latency,
	// or for AIMD latency above its 50ms timeout, rises) and raises it
	// again after; the service keeps serving at its capacity meanwhile.
	for _, cl := range []strategies.ConcurrencyLimitSpec{
		{Kind: strategies.LimitAIMD, Min: 2, Timeout: 50 * time.Millisecond},
		{Kind: strategies.LimitVegas},
		{Kind: strategies.LimitGradient2, Min: 2, LongWindow: 20000},
	} {
		cfg := config.Config{Duration: 60 * time.Second, Seed: 5,
			Services: []config.ServiceConfig{{Name: "api", Workers: 10, ServiceTime: d("uniform(8ms, 12ms)"), ConcurrencyLimit: &cl}},
			Clients:  []config.ClientConfig{{Name: "c", Target: "api", Rate: 500, ClientPolicy: config.ClientPolicy{Deadline: time.Second}}},
			Faults:   []config.FaultConfig{{Kind: config.FaultCapacityLoss, Target: "api", At: 20 * time.Second, For: 20 * time.Second, Workers: 8}}}
		_, r := run(t, cfg)
		lim := r.Series.Services[0].Strategy["concurrency_limit"]
		before, during, after := sumOf(lim, 10, 20)/10, sumOf(lim, 25, 40)/15, sumOf(lim, 45, 60)/15
		t.Logf("%s: limit %.1f, %.1f, %.1f", cl.Kind, before, during, after)
		if !(during < 0.6*before && after > 0.8*before) {
			t.Errorf("%s: mean limit %.1f before, %.1f during the capacity drop, %.1f after; want it to fall and come back", cl.Kind, before, during, after)
		}
		if g := sumOf(r.Series.Total.Goodput, 25, 40) / 15; g < 190 {
			t.Errorf("%s: goodput %v/s during the drop, want about the 200/s capacity", cl.Kind, g)
		}
		if n := r.Summary.Clients["c"].Failed["concurrency_limited"]; n == 0 {
			t.Errorf("%s: no request was concurrency_limited", cl.Kind)
		}
	}
}

func TestServerStrategyValidation(t *testing.T) {
	for _, tc := range []struct {
		set  func(s *config.ServiceConfig)
		want string
	}{
		{func(s *config.ServiceConfig) { s.Queue.Order = "random" }, `services[api].queue.order: must be one of fifo, lifo, adaptive_lifo, codel, controlled_delay, got "random"`},
		{func(s *config.ServiceConfig) { s.Queue.Target = time.Millisecond }, `services[api].queue.target: target, interval and codel_variant are for order = "codel" (target and interval also for "controlled_delay")`},
		{func(s *config.ServiceConfig) {
			s.Queue.Order, s.Queue.Interval = config.ControlledDelay, time.Millisecond
		}, "services[api].queue.interval: must be in [Short (5ms), 1h], got 1ms"},
		{func(s *config.ServiceConfig) {
			s.Queue.Order, s.Queue.CoDelVariant = config.ControlledDelay, config.CoDelFolly
		}, `services[api].queue.codel_variant: is for order = "codel"`},
		{func(s *config.ServiceConfig) { s.Queue.Order, s.Queue.Interval = config.CoDel, time.Millisecond }, "services[api].queue.interval: must be in (Target (5ms), 24h], got 1ms"},
		{func(s *config.ServiceConfig) { s.Shed = &strategies.ShedSpec{} }, "services[api].shed: sets no signal"},
		{func(s *config.ServiceConfig) {
			s.Shed = &strategies.ShedSpec{Priority: &strategies.PriorityShed{Sheddable: 10, Critical: 5}}
		}, "services[api].shed.priority: limits must not decrease"},
		{func(s *config.ServiceConfig) {
			s.RateLimit = &strategies.RateLimitSpec{Kind: strategies.RateTokenBucket}
		}, "services[api].rate_limit.rate: must be in (0, 1e9] requests/s, got 0"},
		{func(s *config.ServiceConfig) {
			s.RateLimit = &strategies.RateLimitSpec{Kind: strategies.RateFixedWindow, Rate: 1, Burst: 3}
		}, "services[api].rate_limit.burst: is for token_bucket"},
		{func(s *config.ServiceConfig) {
			s.DistributedRateLimit = &strategies.DistributedRateLimitSpec{Limit: 10}
		}, "services[api].distributed_rate_limit.sync_interval: must be in [1µs, 24h], got 0s"},
		{func(s *config.ServiceConfig) {
			s.ConcurrencyLimit = &strategies.ConcurrencyLimitSpec{Kind: strategies.LimitVegas, Min: 3}
		}, "services[api].concurrency_limit.min: is not a key of a vegas limit"},
		{func(s *config.ServiceConfig) {
			s.ConcurrencyLimit = &strategies.ConcurrencyLimitSpec{Kind: strategies.LimitAIMD, BackoffRatio: 1}
		}, "services[api].concurrency_limit.backoff_ratio: must be in [0.5, 1), got 1"},
	} {
		cfg := oneService(10, "1ms", time.Second)
		tc.set(&cfg.Services[0])
		_, err := Build(cfg)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("got %v, want %q", err, tc.want)
		}
	}
	cfg := oneService(10, "1ms", time.Second)
	cfg.Clients[0].Priority = "vip"
	if _, err := Build(cfg); err == nil || !strings.Contains(err.Error(), `clients[c].priority: must be one of sheddable, sheddable_plus, critical, critical_plus, got "vip"`) {
		t.Errorf("bad priority: %v", err)
	}
}

func TestAdaptiveThrottleSendsAboutKTimesWhatIsAccepted(t *testing.T) {
	// A client offers 1000 calls/s to a service that admits 100/s (a
	// rate limit) and rejects the rest at once. Without throttling the
	// service sees all 1000/s. With the SRE book's client-side throttle
	// (K = 2) the client rejects locally until it sends about K x accepts
	// = 200/s: the rejections it saves the backend are the point.
	cfg := config.Config{
		Duration: 30 * time.Second,
		Seed:     5,
		Services: []config.ServiceConfig{{Name: "api", Workers: 50, ServiceTime: d("exp(5ms)"),
			RateLimit: &strategies.RateLimitSpec{Kind: strategies.RateTokenBucket, Rate: 100}}},
		Clients: []config.ClientConfig{{Name: "c", Target: "api", Rate: 1000}},
	}
	arrivals := func(r *results.Results) float64 { return sumOf(r.Series.Services[0].Arrivals, 15, 30) / 15 }
	_, base := run(t, cfg)
	if a := arrivals(base); a < 950 {
		t.Errorf("no throttle: %v arrivals/s at the service, want all 1000", a)
	}
	cfg.Clients[0].Throttle = &strategies.ThrottleSpec{Window: 10 * time.Second}
	_, r := run(t, cfg)
	if a := arrivals(r); a < 170 || a > 240 {
		t.Errorf("throttle K=2: %v arrivals/s at the service, want about 2 x 100", a)
	}
	c := r.Summary.Clients["c"]
	if n := c.Failed["throttled"]; float64(n) < 0.7*float64(c.Calls) {
		t.Errorf("throttled %d of %d calls, want most", n, c.Calls)
	}
	if p := sumOf(r.Series.Clients[0].Strategy["throttle_p"], 15, 30) / 15; p < 0.7 || p > 0.85 {
		t.Errorf("throttle probability %v, want about 1 - 200/1000", p)
	}
	if g := c.Goodput; g < 95 {
		t.Errorf("goodput %v/s, want the service's 100/s", g)
	}
}

func TestHedgingCutsTheTail(t *testing.T) {
	// A service with no queueing (many workers) whose service time is
	// 10ms, except for 2% of requests that take 1s: the p99.9 of calls is
	// 1s. Hedging at the 95th percentile of attempt latency (about 10ms)
	// sends a second copy for the slow ones, which draws its own service
	// time: the p99.9 falls to about the hedge delay plus 10ms, for a few
	// percent of extra attempts.
	cfg := config.Config{
		Duration: 30 * time.Second,
		Seed:     7,
		Services: []config.ServiceConfig{{Name: "api", Workers: 500, ServiceTime: d("mix(0.98: uniform(8ms, 12ms), 0.02: 1s)")}},
		Clients:  []config.ClientConfig{{Name: "c", Target: "api", Rate: 300}},
	}
	_, base := run(t, cfg)
	cfg.Clients[0].Hedge = &strategies.HedgeSpec{Window: 10 * time.Second}
	_, r := run(t, cfg)
	p0, p1 := base.Summary.Latency.P999, r.Summary.Latency.P999
	if p0 < 0.9 || p1 > 0.05 {
		t.Errorf("p99.9: %vs without hedging, %vs with; want about 1s and under 50ms", p0, p1)
	}
	if a := r.Summary.Amplification; a < 1.02 || a > 1.1 {
		t.Errorf("amplification with hedging %v, want a few percent over 1", a)
	}
	c := r.Summary.Clients["c"]
	if c.Strategy["hedges"] == 0 || c.Strategy["hedge_delay_s"] > 0.02 {
		t.Errorf("hedges %v, mean hedge delay %vs: want hedges at about the p95 (~12ms)", c.Strategy["hedges"], c.Strategy["hedge_delay_s"])
	}
}

func TestHedgeCancelRemovesQueuedCopies(t *testing.T) {
	// One worker, 100ms per request, 10 calls at once: C1 runs, C2..C10
	// wait. After 50ms each call sends a hedge copy, H1..H10, queued
	// behind C10. When Ck answers, its copy Hk is still queued: with
	// cancel it is removed (never served), except H10, which the worker
	// has taken by the time C10's answer reaches the client. Without
	// cancel the worker serves all ten copies for nobody: 1s of wasted
	// work.
	cfg := config.Config{
		Duration: 5 * time.Second,
		Services: []config.ServiceConfig{{Name: "api", ServiceTime: d("100ms")}},
		Clients: []config.ClientConfig{{Name: "c", Target: "api", Burst: config.BurstConfig{Size: 10, Every: time.Hour, Start: time.Second},
			ClientPolicy: config.ClientPolicy{Hedge: &strategies.HedgeSpec{Delay: 50 * time.Millisecond}}}},
	}
	_, r := run(t, cfg)
	api := r.Summary.Services["api"]
	wantEq(t, "cancel: succeeded", r.Summary.Succeeded, results.Count(10))
	wantEq(t, "cancel: attempts", r.Summary.Attempts, results.Count(20))
	wantEq(t, "cancel: served", api.Served, results.Count(11))
	wantEq(t, "cancel: dropped (cancelled in the queue)", api.Dropped, results.Count(9))
	wantEq(t, "cancel: hedges_cancelled", r.Summary.Clients["c"].Strategy["hedges_cancelled"], 9.0)
	wantNear(t, "cancel: wasted", api.WastedWork, 0.1, 1e-9)
	cfg.Clients[0].Hedge.Cancel = ptr(false)
	_, r = run(t, cfg)
	api = r.Summary.Services["api"]
	wantEq(t, "no cancel: served", api.Served, results.Count(20))
	wantNear(t, "no cancel: wasted", api.WastedWork, 1, 1e-9)
	wantEq(t, "no cancel: succeeded", r.Summary.Succeeded, results.Count(10))
}

func TestBulkheadBoundsCallsInFlight(t *testing.T) {
	// 100 calls/s against a service that serves 50/s (one worker, 20ms):
	// without a bulkhead the client's calls in flight grow with the queue
	// and so does their latency. A bulkhead of 4 fails the excess at once
	// (concurrency_limited) and keeps latency short; with a wait it queues
	// a few callers instead.
	cfg := config.Config{
		Duration: 20 * time.Second,
		Services: []config.ServiceConfig{{Name: "api", ServiceTime: d("20ms")}},
		Clients:  []config.ClientConfig{{Name: "c", Target: "api", Rate: 100, Arrival: config.Constant}},
	}
	_, base := run(t, cfg)
	if f := maxOf(base.Series.Clients[0].InFlight); f < 100 {
		t.Errorf("no bulkhead: in flight %v, want growing", f)
	}
	cfg.Clients[0].Bulkhead = &strategies.BulkheadSpec{MaxInFlight: 4}
	_, r := run(t, cfg)
	c := r.Summary.Clients["c"]
	if f := maxOf(r.Series.Clients[0].InFlight); f > 4 {
		t.Errorf("bulkhead 4: mean calls in flight up to %v, want <= 4", f)
	}
	if n := c.Failed["concurrency_limited"]; n < 900 {
		t.Errorf("bulkhead 4: %d calls failed fast, want about half of 2000", n)
	}
	if c.Latency.P99 > 0.1 {
		t.Errorf("bulkhead 4: p99 %vs, want short", c.Latency.P99)
	}
	if m := maxOf(r.Series.Clients[0].Strategy["bulkhead_in_flight"]); m > 4 {
		t.Errorf("bulkhead_in_flight up to %v, want <= 4", m)
	}
	cfg.Clients[0].Bulkhead = &strategies.BulkheadSpec{MaxInFlight: 4, MaxWait: 100 * time.Millisecond, MaxWaiting: 2}
	_, w := run(t, cfg)
	cw := w.Summary.Clients["c"]
	if cw.Strategy["bulkhead_waiting"] == 0 {
		t.Errorf("bulkhead with wait: nobody waited")
	}
	if cw.Succeeded < c.Succeeded-5 || cw.Succeeded > c.Succeeded+5 {
		// the service is the bottleneck: waiting changes who fails, not
		// how many succeed
		t.Errorf("bulkhead with wait: %d succeeded, fail fast %d; want about the same", cw.Succeeded, c.Succeeded)
	}
	if cw.Latency.Mean <= c.Latency.Mean {
		t.Errorf("bulkhead with wait: mean latency %v, fail fast %v; waiting should add to it", cw.Latency.Mean, c.Latency.Mean)
	}
}

// withStrategies adds random strategies to every edge and service of cfg.
func withStrategies(t *rapid.T, cfg config.Config) config.Config {
	pol := func(p string, cp *config.ClientPolicy) {
		if rapid.Bool().Draw(t, p+"retry") {
			cp.Retry = strategies.RetrySpec{Attempts: rapid.IntRange(2, 4).Draw(t, p+"attempts"),
				Backoff: rapid.SampledFrom([]string{"none", "constant", "exponential"}).Draw(t, p+"backoff"), Base: 2 * time.Millisecond,
				On: []string{"timeout", "error", "shed", "rate_limited", "queue_full", "concurrency_limited", "dropped", "expired", "outage", "breaker_open", "throttled"}}
		}
		if rapid.Bool().Draw(t, p+"budget") {
			cp.Budget = &strategies.BudgetSpec{Kind: rapid.SampledFrom([]string{strategies.BudgetTokenBucket, strategies.BudgetRatio, strategies.BudgetQuota}).Draw(t, p+"budget_kind")}
		}
		if rapid.Bool().Draw(t, p+"breaker") {
			cp.Breaker = &strategies.BreakerSpec{Size: 10, MinCalls: 5, OpenFor: 200 * time.Millisecond, Probes: 2,
				Window: rapid.SampledFrom([]string{"count", "time"}).Draw(t, p+"window"), MaxHalfOpen: maybe(t, p+"mho", time.Second)}
		}
		if rapid.Bool().Draw(t, p+"retry_breaker") {
			cp.RetryBreaker = &strategies.RetryBreakerSpec{}
		}
		if rapid.Bool().Draw(t, p+"throttle") {
			cp.Throttle = &strategies.ThrottleSpec{Window: time.Second}
		}
		if rapid.Bool().Draw(t, p+"hedge") {
			cp.Hedge = &strategies.HedgeSpec{Delay: 5 * time.Millisecond, MaxAttempts: rapid.IntRange(2, 3).Draw(t, p+"copies"), Cancel: ptr(rapid.Bool().Draw(t, p+"cancel"))}
		}
		if rapid.Bool().Draw(t, p+"bulkhead") {
			cp.Bulkhead = &strategies.BulkheadSpec{MaxInFlight: rapid.IntRange(1, 5).Draw(t, p+"max_in_flight"), MaxWait: maybe(t, p+"max_wait", 20*time.Millisecond)}
		}
		if rapid.Bool().Draw(t, p+"priority") {
			cp.Priority = rapid.SampledFrom([]string{"sheddable", "critical"}).Draw(t, p+"prio")
		}
	}
	for i := range cfg.Clients {
		pol(cfg.Clients[i].Name+".", &cfg.Clients[i].ClientPolicy)
	}
	for i := range cfg.Caches {
		pol("cache.", &cfg.Caches[i].ClientPolicy)
		ca := &cfg.Caches[i]
		ca.PropagateDeadline = rapid.Bool().Draw(t, "cache.propagate")
		ca.Coalesce = rapid.Bool().Draw(t, "cache.coalesce")
		if ca.TTL > 0 {
			ca.TTLJitter = rapid.SampledFrom([]float64{0, 0.5}).Draw(t, "cache.ttl_jitter")
			ca.StaleWhileRevalidate = maybe(t, "cache.swr", time.Second)
		}
	}
	for i := range cfg.Services {
		s := &cfg.Services[i]
		p := s.Name + "."
		for j := range s.Calls {
			pol(fmt.Sprintf("%scalls%d.", p, j), &s.Calls[j].ClientPolicy)
		}
		s.PropagateDeadline = rapid.Bool().Draw(t, p+"propagate")
		s.Async = rapid.IntRange(0, 4).Draw(t, p+"async") == 0
		s.Queue.DropExpired = rapid.Bool().Draw(t, p+"drop_expired")
		switch rapid.IntRange(0, 3).Draw(t, p+"order") {
		case 1:
			s.Queue.Order = config.AdaptiveLIFO
		case 2:
			s.Queue.Order, s.Queue.Target = config.CoDel, time.Millisecond
		case 3:
			s.Queue.Order, s.Queue.CoDelVariant, s.Queue.Target = config.CoDel, config.CoDelFolly, time.Millisecond
		}
		if rapid.Bool().Draw(t, p+"shed") {
			s.Shed = &strategies.ShedSpec{QueueLength: 3, Latency: 10 * time.Millisecond, Priority: &strategies.PriorityShed{Sheddable: 2, Critical: 4}}
		}
		if rapid.Bool().Draw(t, p+"rate_limit") {
			s.RateLimit = &strategies.RateLimitSpec{Kind: rapid.SampledFrom([]string{strategies.RateTokenBucket, strategies.RateFixedWindow, strategies.RateSlidingWindow}).Draw(t, p+"rl_kind"),
				Rate: 50, Per: rapid.SampledFrom([]string{"global", "client"}).Draw(t, p+"per")}
		}
		if rapid.Bool().Draw(t, p+"distributed") {
			s.DistributedRateLimit = &strategies.DistributedRateLimitSpec{Limit: 80, SyncInterval: 50 * time.Millisecond}
		}
		if rapid.Bool().Draw(t, p+"concurrency_limit") {
			s.ConcurrencyLimit = &strategies.ConcurrencyLimitSpec{Kind: rapid.SampledFrom([]string{strategies.LimitAIMD, strategies.LimitVegas, strategies.LimitGradient2}).Draw(t, p+"cl_kind"), Initial: 4}
			if s.ConcurrencyLimit.Kind != strategies.LimitVegas {
				s.ConcurrencyLimit.Min = 1
			}
		}
	}
	if rapid.Bool().Draw(t, "job") {
		j := config.JobConfig{Name: "job", Kind: rapid.SampledFrom([]config.JobKind{config.ConstantWork, config.EventDriven}).Draw(t, "job.kind"),
			Target: cfg.Services[rapid.IntRange(0, len(cfg.Services)-1).Draw(t, "job.target")].Name,
			Nodes:  rapid.IntRange(1, 5).Draw(t, "job.nodes"), Changes: 2,
			Bursts: []config.ChangeBurst{{At: time.Second, Changes: 20}}}
		if j.Kind == config.ConstantWork {
			j.Every = 300 * time.Millisecond
		}
		pol("job.", &j.ClientPolicy)
		cfg.Jobs = append(cfg.Jobs, j)
	}
	return cfg
}

func maybe(t *rapid.T, name string, d time.Duration) time.Duration {
	if rapid.Bool().Draw(t, name) {
		return d
	}
	return 0
}

func TestStrategiesKeepTheBooks(t *testing.T) {
	// Random worlds (every fault kind and load model) with random
	// strategies on every edge and service: the books still balance,
	// nothing is leaked, a run advanced in slices with snapshots between
	// them equals one run, and two runs are identical.
	checks := "60"
	if raceEnabled {
		checks = "12"
	}
	pinRapid(t, checks)
	rapid.Check(t, func(t *rapid.T) {
		cfg := withStrategies(t, genConfig(t))
		w, err := Build(cfg)
		if err != nil {
			t.Fatalf("build: %v", err)
		}
		for !w.Advance(w.Now().Add(333*time.Millisecond), 1<<40) {
			_ = w.Snapshot()
		}
		if err := w.Err(); err != nil {
			t.Fatalf("run: %v", err)
		}
		r := w.Results()
		s := r.Summary
		sn := w.Snapshot()
		books := func(name string, c results.CallSummary) {
			var failed results.Count
			for _, n := range c.Failed {
				failed += n
			}
			if c.Calls != c.Succeeded+failed+c.InFlight {
				t.Fatalf("%s: calls %d != succeeded %d + failed %d + in flight %d", name, c.Calls, c.Succeeded, failed, c.InFlight)
			}
		}
		for name, c := range s.Clients {
			books("client "+name, c)
		}
		for name, c := range s.Edges {
			books("edge "+name, c)
		}
		for name, c := range s.Jobs {
			books("job "+name, c)
		}
		for _, g := range sn.Services {
			serviceBooks(t, s.Services[g.Name], g)
		}
		var a, b bytes.Buffer
		if err := r.WriteJSON(&a); err != nil {
			t.Fatal(err)
		}
		w2, _ := Build(cfg)
		_ = w2.Run()
		if err := w2.Results().WriteJSON(&b); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a.Bytes(), b.Bytes()) {
			t.Fatalf("a run in slices with snapshots differs from a run")
		}
	})
}

func TestCoalescingTamesACacheStampede(t *testing.T) {
	// 2000 calls/s over 10 keys of a cache whose backend takes 100ms. At
	// 5s the cache is flushed: without coalescing every request in the
	// next 100ms misses and calls the backend (a stampede of ~200); with
	// single-flight only the first miss of each key does, the others wait
	// for its answer.
	cfg := config.Config{Duration: 10 * time.Second, Seed: 5, Interval: 100 * time.Millisecond,
		Services: []config.ServiceConfig{{Name: "db", Workers: 1000, ServiceTime: d("100ms")}},
		Caches:   []config.CacheConfig{{Name: "c", Backend: "db", Keys: 10}},
		Clients:  []config.ClientConfig{{Name: "u", Target: "c", Rate: 2000}},
		Faults:   []config.FaultConfig{{Kind: config.FaultCacheFlush, Target: "c", At: 5 * time.Second}}}
	flushWave := func(r *results.Results) float64 { return sumOf(r.Series.Services[0].Arrivals, 50, 52) * 0.1 }
	_, base := run(t, cfg)
	cfg.Caches[0].Coalesce = true
	_, r := run(t, cfg)
	if n := flushWave(base); n < 150 {
		t.Errorf("no coalescing: %v backend calls after the flush, want a stampede", n)
	}
	wantNear(t, "coalescing: backend calls after the flush", flushWave(r), 10, 1e-9)
	wantEq(t, "coalescing: backend calls in all", r.Summary.Services["db"].Arrived, results.Count(20))
	if n := r.Summary.Caches["c"].Strategy["coalesced"]; n < 300 {
		t.Errorf("coalesced %v misses, want hundreds", n)
	}
	wantEq(t, "coalescing: every call succeeds", r.Summary.Succeeded, r.Summary.Calls-r.Summary.InFlight)
}

func TestTTLJitterSpreadsExpiries(t *testing.T) {
	// 200 keys filled in the first second (2000 calls/s), TTL 10s: without
	// jitter they all expire together every 10s and the misses come in
	// waves; with 50% jitter their lifetimes spread over [5s, 15s) and the
	// waves flatten.
	cfg := config.Config{Duration: 60 * time.Second, Seed: 5, Interval: 100 * time.Millisecond,
		Services: []config.ServiceConfig{{Name: "db", Workers: 1000, ServiceTime: d("10ms")}},
		Caches:   []config.CacheConfig{{Name: "c", Backend: "db", Keys: 200, TTL: 10 * time.Second}},
		Clients:  []config.ClientConfig{{Name: "u", Target: "c", Rate: 2000}}}
	peak := func(r *results.Results) float64 { return maxOf(r.Series.Caches[0].Misses[50:]) }
	_, base := run(t, cfg)
	cfg.Caches[0].TTLJitter = 0.5
	_, r := run(t, cfg)
	if p0, p1 := peak(base), peak(r); p0 < 500 || p1 > p0/4 {
		t.Errorf("peak misses/s after the first fill: %v without jitter, %v with; want waves flattened", p0, p1)
	}
}

func TestServeStaleWhileRevalidate(t *testing.T) {
	// 10 keys with a 1s TTL in front of a 50ms backend: without serving
	// stale, every expiry makes the next request of the key wait for the
	// backend (p99 ~50ms). With stale_while_revalidate the expired key is
	// answered at once while one background call refreshes it: only the
	// very first fills wait.
	cfg := config.Config{Duration: 20 * time.Second, Seed: 5,
		Services: []config.ServiceConfig{{Name: "db", Workers: 1000, ServiceTime: d("50ms")}},
		Caches:   []config.CacheConfig{{Name: "c", Backend: "db", Keys: 10, TTL: time.Second, HitLatency: d("1ms")}},
		Clients:  []config.ClientConfig{{Name: "u", Target: "c", Rate: 200}}}
	_, base := run(t, cfg)
	cfg.Caches[0].StaleWhileRevalidate = 5 * time.Second
	_, r := run(t, cfg)
	if p0, p1 := base.Summary.Latency.P99, r.Summary.Latency.P99; p0 < 0.05 || p1 > 0.002 {
		t.Errorf("p99: %vs without serving stale, %vs with; want ~50ms and ~1ms", p0, p1)
	}
	st := r.Summary.Caches["c"].Strategy
	if st["stale_hits"] == 0 || st["refreshes"] == 0 || st["refreshes"] > st["stale_hits"] {
		t.Errorf("stale hits %v, refreshes %v: want stale hits, each key refreshed once per expiry", st["stale_hits"], st["refreshes"])
	}
	if m := r.Summary.Caches["c"].Misses; m > 30 {
		t.Errorf("misses with serve-stale: %d, want only the first fills", m)
	}
}

func TestLoadLevelingAbsorbsABurst(t *testing.T) {
	// A producer at 100 calls/s, x4 for 10s, against a consumer that can
	// do 200/s. Called synchronously (200ms timeout) it times out during
	// the burst. Behind an async service (a queue) every call is
	// acknowledged at once: the backlog grows during the burst and drains
	// after it, and the end-to-end delay rises and falls with it.
	cfg := config.Config{Duration: 60 * time.Second, Seed: 5,
		Services: []config.ServiceConfig{{Name: "worker", Workers: 2, ServiceTime: d("exp(10ms)")}},
		Clients:  []config.ClientConfig{{Name: "producer", Target: "worker", Rate: 100, ClientPolicy: config.ClientPolicy{Timeout: 200 * time.Millisecond}}},
		Faults:   []config.FaultConfig{{Kind: config.FaultLoadSpike, Target: "producer", At: 10 * time.Second, For: 10 * time.Second, Factor: 4}}}
	_, sync := run(t, cfg)
	if n := sync.Summary.Failed["timeout"]; n < 1000 {
		t.Errorf("synchronous: %d timeouts, want many during the burst", n)
	}
	cfg.Services[0].Async = true
	_, r := run(t, cfg)
	s := r.Summary
	if len(s.Failed) != 0 || s.Succeeded < s.Calls-5 {
		t.Errorf("async: failed %v, %d of %d succeeded; want every call acknowledged", s.Failed, s.Succeeded, s.Calls)
	}
	sv := r.Series.Services[0]
	backlog := sv.QueueMean
	if m := maxOf(backlog); m < 1500 {
		t.Errorf("async: peak backlog %v, want the burst's excess (~2000)", m)
	}
	if b := backlog[len(backlog)-1]; b > 5 {
		t.Errorf("async: backlog %v at the end, want drained", b)
	}
	delay := sv.Strategy["delay_p99_s"]
	if d0, peak, end := delay[5], maxOf(delay), delay[len(delay)-1]; d0 > 0.1 || peak < 8 || end > 0.2 {
		t.Errorf("async: p99 end-to-end delay %vs before, %vs at the peak, %vs at the end; want it to rise with the backlog and fall back", d0, peak, end)
	}
	if n := s.Services["worker"].Strategy["acked"]; n != float64(s.Calls) {
		t.Errorf("async: %v acknowledged, want %d", n, s.Calls)
	}
	wantEq(t, "async: wasted work (nobody waits for a message's answer)", s.Services["worker"].WastedWork, 0.0)
}

func TestConstantWorkVersusEventDriven(t *testing.T) {
	// A configuration pushed to 100 nodes (a service of 4 workers, 5ms a
	// push: 800 pushes/s), half a change per second, and a burst of 200
	// changes at 30s. Constant work pushes the full configuration to every
	// node every second: the same 100 pushes/s whatever happens, and every
	// change reaches every node within about a period. Event-driven work
	// pushes each change to every node when it happens: cheaper while
	// little changes (50/s), but the burst is 20000 pushes at once, the
	// service takes 25s to drain them, and every change meanwhile waits.
	cfg := func(kind config.JobKind) config.Config {
		c := config.Config{Duration: 60 * time.Second, Seed: 5,
			Services: []config.ServiceConfig{{Name: "config", Workers: 4, ServiceTime: d("exp(5ms)")}},
			Jobs: []config.JobConfig{{Name: "push", Kind: kind, Target: "config", Nodes: 100, Changes: 0.5,
				Bursts: []config.ChangeBurst{{At: 30 * time.Second, Changes: 200}}}}}
		if kind == config.ConstantWork {
			c.Jobs[0].Every = time.Second
		}
		return c
	}
	_, cw := run(t, cfg(config.ConstantWork))
	_, ed := run(t, cfg(config.EventDriven))
	work := cw.Series.Jobs[0].Offered[1:]
	if lo, hi := -maxOf(negate(work)), maxOf(work); lo != 100 || hi != 100 {
		t.Errorf("constant work: %v to %v pushes/s, want 100 every interval", lo, hi)
	}
	if p := cw.Summary.Jobs["push"].Strategy["propagation_p99_s"]; p > 1.5 {
		t.Errorf("constant work: p99 propagation %vs, want within about a period", p)
	}
	ew := ed.Series.Jobs[0].Offered
	if ew[30] < 20000 {
		t.Errorf("event-driven: %v pushes/s at the burst, want 20000", ew[30])
	}
	if quiet := sumOf(ew, 0, 30) / 30; quiet > 80 {
		t.Errorf("event-driven: %v pushes/s before the burst, want about 50 (cheaper than constant work)", quiet)
	}
	if p := ed.Summary.Jobs["push"].Strategy["propagation_p99_s"]; p < 10 {
		t.Errorf("event-driven: p99 propagation %vs, want the burst's backlog (tens of seconds)", p)
	}
	if u := maxOf(ed.Series.Services[0].Utilization); u < 0.99 {
		t.Errorf("event-driven: config service peak utilisation %v, want saturated by the burst", u)
	}
}

func negate(v results.Values) results.Values {
	out := make(results.Values, len(v))
	for i, x := range v {
		out[i] = -x
	}
	return out
}

func TestJobValidation(t *testing.T) {
	cfg := oneService(10, "1ms", time.Second)
	cfg.Jobs = []config.JobConfig{{Name: "c", Kind: "sometimes", Target: "nope", Nodes: 0, Bursts: []config.ChangeBurst{{Changes: 0}}}}
	_, err := Build(cfg)
	for _, want := range []string{`jobs[c].name: "c" is already the name of a client`, `jobs[c].target: "nope" is not a service or cache`,
		`jobs[c].kind: must be one of constant_work, event_driven, got "sometimes"`, "jobs[c].nodes: must be in [1, 1000000], got 0",
		"jobs[c].bursts[0].changes: must be in [1, 10000000], got 0"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("got %v, want %q", err, want)
		}
	}
}

func TestSnapshotShowsStrategies(t *testing.T) {
	// Halfway through an outage the client's breaker is open and the
	// service's shedder has counted its sheds; Snapshot shows both.
	cfg := config.Config{
		Duration: 20 * time.Second,
		Services: []config.ServiceConfig{{Name: "api", Workers: 2, ServiceTime: d("20ms"), Shed: &strategies.ShedSpec{QueueLength: 1}}},
		Clients: []config.ClientConfig{{Name: "c", Target: "api", Rate: 50,
			ClientPolicy: config.ClientPolicy{Breaker: &strategies.BreakerSpec{Size: 20, MinCalls: 10, OpenFor: time.Second, Probes: 3}}}},
		Faults: []config.FaultConfig{{Kind: config.FaultOutage, Target: "api", At: 10 * time.Second, For: 5 * time.Second}},
	}
	w, err := Build(cfg)
	if err != nil {
		t.Fatal(err)
	}
	w.Advance(sim.Time(12500*time.Millisecond), 1<<40)
	sn := w.Snapshot()
	wantEq(t, "client breaker", sn.Clients[0].Breaker, "open")
	if sn.Clients[0].Strategy["breaker_opened"] < 1 || sn.Clients[0].Strategy["breaker_state"] != 1 {
		t.Errorf("client strategy gauges %v, want the breaker open", sn.Clients[0].Strategy)
	}
	if sn.Services[0].Strategy["shed"] == 0 {
		t.Errorf("service strategy gauges %v, want sheds counted", sn.Services[0].Strategy)
	}
	if w.Run() != nil {
		t.Fatal("run")
	}
	wantEq(t, "breaker at the end", w.Snapshot().Clients[0].Breaker, "closed")
}

// BenchmarkMM1Strategies is BenchmarkMM1 with client and server strategies
// on that act on every customer without changing the outcome (a retry
// policy, a token-bucket budget, a breaker, a throttle; a rate limit and a
// concurrency shedder that never refuse, adaptive LIFO): their cost per
// customer, and allocations (none expected in the steady state).
func BenchmarkMM1Strategies(b *testing.B) {
	cfg := mm1Config(b.N, 1)
	cfg.Clients[0].ClientPolicy = config.ClientPolicy{
		Retry:    strategies.RetrySpec{Attempts: 3},
		Budget:   &strategies.BudgetSpec{Kind: strategies.BudgetTokenBucket},
		Breaker:  &strategies.BreakerSpec{},
		Throttle: &strategies.ThrottleSpec{Window: 10 * time.Second},
	}
	s := &cfg.Services[0]
	s.RateLimit = &strategies.RateLimitSpec{Kind: strategies.RateTokenBucket, Rate: 1e6}
	s.Shed = &strategies.ShedSpec{Concurrency: 1_000_000}
	s.Queue.Order = config.AdaptiveLIFO
	benchCustomers(b, cfg)
}

func TestRejectCostCollapsesGoodputUnderRetries(t *testing.T) {
	// Saying no is not free (Vitillo, REFERENCES §11). A service of 4
	// workers of exp(10ms) (capacity 400/s) with 8 waiting places per
	// replica under 800 calls/s, each retried up to 3 attempts on
	// queue_full: with free rejections the short queue keeps goodput near
	// capacity; when each rejection takes a worker for 1ms, the retried
	// excess eats the workers and goodput falls to about half (at 2ms the
	// rejections alone outgrow the workers and goodput is 0).
	const capacity = 400.0
	cfg := func(cost sim.Dist) config.Config {
		return config.Config{
			Duration: 20 * time.Second,
			Seed:     5,
			Services: []config.ServiceConfig{{Name: "api", Workers: 4, ServiceTime: d("exp(10ms)"),
				Queue: config.QueueConfig{Limit: config.Limit(8)}, RejectCost: cost}},
			Clients: []config.ClientConfig{{Name: "c", Target: "api", Rate: 800,
				ClientPolicy: config.ClientPolicy{Deadline: 200 * time.Millisecond, Retry: strategies.RetrySpec{Attempts: 3}}}},
		}
	}
	good := func(r *results.Results) float64 { return sumOf(r.Series.Total.Goodput, 5, 20) / 15 }
	_, free := run(t, cfg(nil))
	_, costly := run(t, cfg(d("1ms")))
	gf, gc := good(free)/capacity, good(costly)/capacity
	if gf < 0.9 {
		t.Errorf("free rejections: goodput %.3f of capacity, want near 1", gf)
	}
	if gc > 0.7*gf {
		t.Errorf("costly rejections: goodput %.3f of capacity, want well below %.3f", gc, gf)
	}
	sf, sc := free.Summary.Services["api"], costly.Summary.Services["api"]
	if _, ok := sf.Strategy["reject_work"]; ok {
		t.Errorf("free rejections: reject_work metric present")
	}
	rw := sc.Strategy["reject_work"]
	if rw <= 0 {
		t.Fatalf("costly rejections: reject_work %v, want > 0", rw)
	}
	// The rejection work is 1ms per rejection.
	if want := 0.001 * float64(sc.Rejected); math.Abs(rw-want) > 0.01*want {
		t.Errorf("reject_work %v s, want 1ms x %d rejections = %v s", rw, sc.Rejected, want)
	}
}

func TestLeakyBucketMeterAndQueue(t *testing.T) {
	// 300 requests/s (Poisson) against a leaky bucket of rate 100/s at
	// one replica with ample workers and a constant 2ms of work. The
	// meter passes at most the rate (GCRA with τ = 0: no two requests
	// closer than T = 10ms) and rejects the rest at once; the queue holds
	// up to 10 and lets them into the replica one every T: in every 100ms
	// interval at most 10 (+1 across a boundary) are served, and the
	// latency is the wait of a full bucket, about 10 x T.
	for _, mode := range []string{"meter", "queue"} {
		lb := &strategies.LeakyBucketSpec{Mode: mode, Rate: 100}
		if mode == "queue" {
			lb.Capacity = 10
		}
		cfg := config.Config{Duration: 20 * time.Second, Interval: 100 * time.Millisecond, Seed: 3,
			Services: []config.ServiceConfig{{Name: "api", Workers: 100, ServiceTime: d("2ms"), LeakyBucket: lb}},
			Clients:  []config.ClientConfig{{Name: "c", Target: "api", Rate: 300}}}
		_, r := run(t, cfg)
		g := r.Summary.Goodput
		if g > 100.5 || g < 60 {
			t.Errorf("%s: goodput %v/s, want at most the rate, 100/s", mode, g)
		}
		for i, x := range r.Series.Services[0].Throughput {
			if x > 110 {
				t.Fatalf("%s: interval %d served %v/s: departures closer than T", mode, i, x)
			}
		}
		st := r.Summary.Services["api"].Strategy
		if st["rate_limited"] == 0 {
			t.Errorf("%s: nothing rate_limited at 3x the rate", mode)
		}
		p50 := r.Summary.Clients["c"].Latency.P50
		switch mode {
		case "meter":
			if st["shaped"] != 0 || p50 > 0.005 {
				t.Errorf("meter: %v shaped, p50 %v; want none held", st["shaped"], p50)
			}
		case "queue":
			if g < 99 || st["shaped"] == 0 || p50 < 0.080 || p50 > 0.110 {
				t.Errorf("queue: goodput %v/s, %v shaped, p50 %v; want the rate, requests held, about 10 x 10ms", g, st["shaped"], p50)
			}
		}
	}
}

// TestHedgeRateMatchesPercentile: hedging after the p-th percentile of
// latency sends a second copy for the calls still out at that delay, about
// 1 - p/100 of them (Dean and Barroso: "the 95th-percentile expected
// latency ... limits the additional load to approximately 5%"). With no
// queueing (many workers) the latency of an attempt does not depend on
// the hedges, so over replications the hedge rate must be 1 - p/100
// within its 95% confidence interval, widened by the sketch's error (±2%
// on the delay moves the rate by under 0.005 on this distribution). An
// estimate from the attempts that came back alone leaves out the slow
// originals their hedge beat and sends about 1.3 times too many.
func TestHedgeRateMatchesPercentile(t *testing.T) {
	for _, p := range []float64{90, 95} {
		var rates []float64
		for seed := uint64(1); seed <= 8; seed++ {
			cfg := config.Config{
				Duration: time.Minute,
				Seed:     seed,
				Services: []config.ServiceConfig{{Name: "api", Workers: 500, ServiceTime: d("lognormal(10ms, 0.5)")}},
				Clients: []config.ClientConfig{{Name: "c", Target: "api", Rate: 300, ClientPolicy: config.ClientPolicy{
					// no hedge before the estimate is ready (1s): only the
					// percentile decides
					Hedge: &strategies.HedgeSpec{Percentile: p, Delay: time.Second, Window: 10 * time.Second}}}},
			}
			_, r := run(t, cfg)
			c := r.Summary.Clients["c"]
			rates = append(rates, c.Strategy["hedges"]/float64(c.Calls))
		}
		mean, hw, _ := results.MeanCI95(rates)
		t.Logf("p%v: %.4f ±%.4f hedges per call", p, mean, hw)
		want := 1 - p/100
		if band := hw + 0.005; math.Abs(mean-want) > band {
			t.Errorf("hedging after p%v: %.4f ±%.4f hedges per call, want %.2f within %.4f", p, mean, hw, want, band)
		}
	}
}
