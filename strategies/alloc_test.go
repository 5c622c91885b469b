package strategies

import (
	"testing"
	"time"

	"github.com/stampede-sim/stampede/sim"
)

// TestHotPathsAllocateNothing checks with testing.AllocsPerRun that every
// per-request method allocates nothing once its type is built.
func TestHotPathsAllocateNothing(t *testing.T) {
	r := sim.NewRand(1, "allocs")
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	var now sim.Time
	tick := func() sim.Time { now += sim.Time(time.Millisecond); return now }

	dec, err := NewBackoff(BackoffConfig{Kind: BackoffExponential, Jitter: JitterDecorrelated, Base: ms(5), Cap: time.Second, Multiplier: 2})
	must(err)
	pol, err := NewRetryPolicy(DefaultRetryPolicyConfig())
	must(err)
	tbb, err := NewTokenBucketBudget(DefaultTokenBucketBudgetConfig())
	must(err)
	rb, err := NewRatioBudget(DefaultRatioBudgetConfig())
	must(err)
	rq, err := NewRetryQuota(DefaultRetryQuotaConfig())
	must(err)
	cbCfg := DefaultCircuitBreakerConfig()
	cbCfg.WindowSize, cbCfg.MinimumCalls, cbCfg.OpenDuration = 10, 10, time.Millisecond
	cb, err := NewCircuitBreaker(cbCfg)
	must(err)
	cbT, err := NewCircuitBreaker(HystrixCircuitBreakerConfig())
	must(err)
	rbr, err := NewRetryBreaker(DefaultRetryBreakerConfig())
	must(err)
	th, err := NewAdaptiveThrottle(DefaultAdaptiveThrottleConfig())
	must(err)
	hd, err := NewHedger(DefaultHedgeConfig())
	must(err)
	bh, err := NewBulkhead(BulkheadConfig{MaxInFlight: 1, MaxWait: time.Second, MaxWaiting: 1})
	must(err)
	cd, err := NewCoDel(DefaultCoDelConfig())
	must(err)
	fc, err := NewFollyCoDel(DefaultFollyCoDelConfig())
	must(err)
	al, err := NewAdaptiveLIFO(DefaultAdaptiveLIFOConfig())
	must(err)
	ctl, err := NewControlledDelay(DefaultControlledDelayConfig())
	must(err)
	ls, err := NewLatencyShedder(LatencyShedderConfig{Signal: SignalMeanSojourn, MaxDelay: ms(50), Window: time.Second, Buckets: 10})
	must(err)
	ps, err := NewPriorityShedder(DefaultPriorityShedderConfig())
	must(err)
	tb, err := NewTokenBucket(TokenBucketConfig{RatePerSec: 1000, Burst: 10})
	must(err)
	fw, err := NewFixedWindow(WindowLimiterConfig{Limit: 100, Window: time.Second})
	must(err)
	sw, err := NewSlidingWindow(WindowLimiterConfig{Limit: 100, Window: time.Second})
	must(err)
	kl, err := NewKeyedLimiter[int](4, func() (Allower, error) {
		return NewTokenBucket(TokenBucketConfig{RatePerSec: 1000, Burst: 10})
	})
	must(err)
	for k := range 4 {
		kl.AllowN(0, k, 1) // the keys' limiters exist; lookups must not allocate
	}
	sq, err := NewSharedQuota(SharedQuotaConfig{Limit: 100, Window: time.Second, Replicas: 1, SyncInterval: ms(10)})
	must(err)
	dl, err := NewDistributedLimiter(sq)
	must(err)
	aimd, _ := NewAIMD(DefaultAIMDConfig())
	vegas, _ := NewVegas(DefaultVegasConfig(), r)
	grad, _ := NewGradient2(DefaultGradient2Config())
	var lims []*AdaptiveLimiter
	for _, alg := range []ConcurrencyLimit{aimd, vegas, grad} {
		l, err := NewAdaptiveLimiter(alg)
		must(err)
		lims = append(lims, l)
	}
	tj, _ := NewTTLJitter(DefaultTTLJitterConfig())

	var st BackoffState
	key := 0
	cases := []struct {
		name string
		f    func()
	}{
		{"Backoff.Next", func() { dec.Next(&st, r) }},
		{"RetryPolicy.OnFailure", func() { st = BackoffState{}; pol.OnFailure(&st, ReasonTimeout, r) }},
		{"TokenBucketBudget", func() { tbb.OnFailure(); tbb.OnSuccess(); tbb.AllowRetry() }},
		{"RatioBudget", func() { n := tick(); rb.Deposit(n); rb.TryWithdraw(n) }},
		{"RetryQuota", func() { c, _ := rq.AcquireRetry(ReasonError); rq.OnSuccess(c) }},
		{"CircuitBreaker count", func() {
			n := tick()
			if cb.Allow(n) {
				cb.OnFailure(n, ms(1))
			}
			cb.State(n)
		}},
		{"CircuitBreaker time", func() { n := tick(); cbT.Allow(n); cbT.OnSuccess(n, ms(1)); cbT.FailureRate(n) }},
		{"RetryBreaker", func() { n := tick(); rbr.OnFailure(n); rbr.AllowRetry(n) }},
		{"AdaptiveThrottle", func() { n := tick(); th.Allow(n, r); th.OnAccept(n) }},
		{"Hedger", func() { n := tick(); hd.Observe(n, ms(3)); hd.Delay(n) }},
		{"Bulkhead", func() { bh.Acquire(); bh.Acquire(); bh.Release(); bh.Release() }},
		{"CoDel", func() {
			n := tick()
			for cd.OnDequeue(n, ms(20), 10) {
			}
		}},
		{"FollyCoDel", func() { fc.OnDequeue(tick(), ms(20)) }},
		{"AdaptiveLIFO", func() { al.Order(tick(), 3) }},
		{"ControlledDelay", func() { n := tick(); ctl.Observe(n, 2); ctl.MaxWait(n) }},
		{"LatencyShedder", func() { n := tick(); ls.Observe(n, ms(10)); ls.Shed(n, 0) }},
		{"PriorityShedder", func() { ps.Shed(0.7, Critical) }},
		{"TokenBucket", func() { tb.AllowN(tick(), 1) }},
		{"FixedWindow", func() { fw.AllowN(tick(), 1) }},
		{"SlidingWindow", func() { sw.AllowN(tick(), 1) }},
		{"KeyedLimiter", func() { key = (key + 1) % 4; kl.AllowN(tick(), key, 1) }},
		{"DistributedLimiter", func() { n := tick(); dl.AllowN(n, 1); dl.Sync(n) }},
		{"AdaptiveLimiter", func() {
			n := tick()
			for _, l := range lims {
				if in, ok := l.TryAcquire(); ok {
					l.OnSuccess(n, ms(10), in)
				}
			}
		}},
		{"TTLJitter", func() { tj.TTL(time.Minute, r) }},
		{"ReasonSet.Has", func() { sinkBool = DefaultRetryableReasons.Has(ReasonShed) }},
	}
	for _, c := range cases {
		if a := testing.AllocsPerRun(1000, c.f); a != 0 {
			t.Errorf("%s: %v allocations per call, want 0", c.name, a)
		}
	}
}

// sinkBool keeps results of side-effect-free calls alive in allocation tests.
var sinkBool bool
