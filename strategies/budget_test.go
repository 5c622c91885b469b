package strategies

import (
	"fmt"
	"testing"
	"time"

	"github.com/stampede-sim/stampede/sim"
)

func TestTokenBucketBudget(t *testing.T) {
	b, err := NewTokenBucketBudget(TokenBucketBudgetConfig{MaxTokens: 10, TokenRatio: 0.1})
	if err != nil {
		t.Fatal(err)
	}
	times := func(n int, f func()) {
		for range n {
			f()
		}
	}
	runSteps(t, []step{
		{0, "Tokens", func(sim.Time) any { return b.Tokens() }, 10.0},
		{0, "AllowRetry", func(sim.Time) any { return b.AllowRetry() }, true},
		{0, "4×OnFailure; AllowRetry", func(sim.Time) any { times(4, b.OnFailure); return b.AllowRetry() }, true},
		{0, "OnFailure; Tokens", func(sim.Time) any { b.OnFailure(); return b.Tokens() }, 5.0},
		// Exactly half is not above half.
		{0, "AllowRetry at 5", func(sim.Time) any { return b.AllowRetry() }, false},
		{0, "OnSuccess; AllowRetry", func(sim.Time) any { b.OnSuccess(); return b.AllowRetry() }, true},
		{0, "Tokens", func(sim.Time) any { return b.Tokens() }, 5.1},
		{0, "20×OnFailure; Tokens", func(sim.Time) any { times(20, b.OnFailure); return b.Tokens() }, 0.0},
		{0, "200×OnSuccess; Tokens", func(sim.Time) any { times(200, b.OnSuccess); return b.Tokens() }, 10.0},
	})
	_, err = NewTokenBucketBudget(TokenBucketBudgetConfig{MaxTokens: 0, TokenRatio: 0.1})
	mustErr(t, err, "MaxTokens")
	_, err = NewTokenBucketBudget(TokenBucketBudgetConfig{MaxTokens: 10, TokenRatio: 0.0001})
	mustErr(t, err, "TokenRatio")
	if _, err := NewTokenBucketBudget(DefaultTokenBucketBudgetConfig()); err != nil {
		t.Error(err)
	}
	var zero TokenBucketBudget
	if zero.AllowRetry() {
		t.Error("zero TokenBucketBudget allows a retry")
	}
}

func TestRatioBudget(t *testing.T) {
	// percentCanRetry 0.5: deposit 1000, a retry costs 2000; no reserve.
	b, err := NewRatioBudget(RatioBudgetConfig{TTL: 10 * time.Second, MinRetriesPerSec: 0, PercentCanRetry: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	dep := func(n int) func(sim.Time) any {
		return func(now sim.Time) any {
			for range n {
				b.Deposit(now)
			}
			return b.Balance(now)
		}
	}
	withdraw := func(now sim.Time) any { return b.TryWithdraw(now) }
	runSteps(t, []step{
		{0, "TryWithdraw", withdraw, false},
		{0, "4×Deposit; Balance", dep(4), int64(2)},
		{0, "TryWithdraw", withdraw, true},
		{0, "TryWithdraw", withdraw, true},
		{0, "TryWithdraw", withdraw, false},
		{ms(500), "2×Deposit; Balance", dep(2), int64(1)},
		// WindowedAdder: 10 slices of 1 s whose boundaries follow accesses.
		// The deposits at 0.5 s are credited to the slice written since 0;
		// they still count at 9.5 s and 10 s, and expire at 10.5 s, one
		// slice after 9.5 s.
		{ms(9500), "Balance", func(now sim.Time) any { return b.Balance(now) }, int64(1)},
		{ms(10000), "Balance", func(now sim.Time) any { return b.Balance(now) }, int64(1)},
		{ms(10500), "Balance", func(now sim.Time) any { return b.Balance(now) }, int64(0)},
	})

	// Finagle's defaults: the reserve alone is 10/s × 10 s = 100 retries.
	d, _ := NewRatioBudget(DefaultRatioBudgetConfig())
	if got := d.Balance(0); got != 100 {
		t.Errorf("default budget balance = %d, want 100", got)
	}
	n := 0
	for d.TryWithdraw(sim.Time(time.Second)) {
		n++
	}
	if n != 100 {
		t.Errorf("default budget allowed %d retries with no deposits, want 100", n)
	}
	// 20% of deposits: 50 deposits pay for 10 more.
	for range 50 {
		d.Deposit(sim.Time(time.Second))
	}
	if got := d.Balance(sim.Time(time.Second)); got != 10 {
		t.Errorf("after 50 deposits balance = %d, want 10", got)
	}

	e, _ := NewRatioBudget(RatioBudgetConfig{TTL: time.Second})
	e.Deposit(0)
	if e.TryWithdraw(0) || e.Balance(0) != 0 {
		t.Error("the empty budget allowed a retry")
	}
	var zero RatioBudget
	zero.Deposit(5)
	if zero.TryWithdraw(5) {
		t.Error("zero RatioBudget allowed a retry")
	}
	_, err = NewRatioBudget(RatioBudgetConfig{TTL: 500 * time.Millisecond})
	mustErr(t, err, "TTL")
	_, err = NewRatioBudget(RatioBudgetConfig{TTL: time.Second, MinRetriesPerSec: -1})
	mustErr(t, err, "MinRetriesPerSec")
	_, err = NewRatioBudget(RatioBudgetConfig{TTL: time.Second, PercentCanRetry: 2000})
	mustErr(t, err, "PercentCanRetry")
}

// TestRatioBudgetBound checks the budget's promise: under 100% failure,
// retries within a TTL stay near percentCanRetry·requests + reserve.
func TestRatioBudgetBound(t *testing.T) {
	b, _ := NewRatioBudget(RatioBudgetConfig{TTL: 10 * time.Second, MinRetriesPerSec: 1, PercentCanRetry: 0.1})
	requests, retries := 0, 0
	for i := range 100000 { // 100 requests/s for 1000 s
		now := sim.Time(i) * sim.Time(10*time.Millisecond)
		b.Deposit(now)
		requests++
		for b.TryWithdraw(now) { // every attempt fails; retry while allowed
			retries++
		}
	}
	ratio := float64(retries) / float64(requests)
	// 0.1 per request plus 1/s reserve spread over 100 requests/s.
	if ratio < 0.1 || ratio > 0.12 {
		t.Errorf("retries/requests = %.4f, want about 0.11", ratio)
	}
}

func TestRetryQuota(t *testing.T) {
	q, err := NewRetryQuota(DefaultRetryQuotaConfig())
	if err != nil {
		t.Fatal(err)
	}
	var cost float64
	acquire := func(r Reason) func(sim.Time) any {
		return func(sim.Time) any {
			c, ok := q.AcquireRetry(r)
			cost = c
			return ok
		}
	}
	tokens := func(sim.Time) any { return q.Tokens() }
	runSteps(t, []step{
		{0, "AcquireRetry(timeout)", acquire(ReasonTimeout), true},
		{0, "Tokens", tokens, 490.0},
		{0, "AcquireRetry(error)", acquire(ReasonError), true},
		{0, "Tokens", tokens, 485.0},
		{0, "OnSuccess(retry cost); Tokens", func(sim.Time) any { q.OnSuccess(cost); return q.Tokens() }, 490.0},
		{0, "OnSuccess(0); Tokens", func(sim.Time) any { q.OnSuccess(0); return q.Tokens() }, 491.0},
		{0, "20×OnSuccess(0); Tokens (capped)", func(sim.Time) any {
			for range 20 {
				q.OnSuccess(0)
			}
			return q.Tokens()
		}, 500.0},
	})
	n := 0
	for {
		if _, ok := q.AcquireRetry(ReasonShed); !ok {
			break
		}
		n++
	}
	if n != 100 {
		t.Errorf("a full quota paid for %d retries at cost 5, want 100", n)
	}
	_, err = NewRetryQuota(RetryQuotaConfig{MaxTokens: 10, RetryCost: 20, TimeoutRetryCost: 1})
	mustErr(t, err, "RetryCost")
	_, err = NewRetryQuota(RetryQuotaConfig{MaxTokens: 10, RetryCost: 1, TimeoutRetryCost: 1, NoRetryIncrement: -1})
	mustErr(t, err, "NoRetryIncrement")
}

func ExampleTokenBucketBudget() {
	b, _ := NewTokenBucketBudget(DefaultTokenBucketBudgetConfig()) // gRPC: 10 tokens, ratio 0.1
	for i := 1; i <= 6; i++ {
		b.OnFailure() // an attempt failed with a retryable status
		fmt.Printf("failure %d: tokens %.1f, retry allowed %v\n", i, b.Tokens(), b.AllowRetry())
	}
	// Output:
	// failure 1: tokens 9.0, retry allowed true
	// failure 2: tokens 8.0, retry allowed true
	// failure 3: tokens 7.0, retry allowed true
	// failure 4: tokens 6.0, retry allowed true
	// failure 5: tokens 5.0, retry allowed false
	// failure 6: tokens 4.0, retry allowed false
}

func ExampleRatioBudget() {
	// Finagle's defaults: 20% of requests, plus 10 retries/s over 10 s.
	b, _ := NewRatioBudget(DefaultRatioBudgetConfig())
	now := sim.Time(0)
	fmt.Println("balance with no traffic:", b.Balance(now))
	for range 100 {
		b.Deposit(now) // one per new call
	}
	fmt.Println("after 100 calls:", b.Balance(now))
	fmt.Println("retry allowed:", b.TryWithdraw(now), "balance:", b.Balance(now))
	// Output:
	// balance with no traffic: 100
	// after 100 calls: 120
	// retry allowed: true balance: 119
}

func ExampleRetryQuota() {
	q, _ := NewRetryQuota(DefaultRetryQuotaConfig()) // AWS standard mode
	cost, ok := q.AcquireRetry(ReasonTimeout)
	fmt.Println(ok, cost, q.Tokens())
	q.OnSuccess(cost) // the retry succeeded: refund
	fmt.Println(q.Tokens())
	// Output:
	// true 10 490
	// 500
}

// TestRatioBudgetKeptSum: the sum of the old slices that expire keeps is
// their sum, whatever the gaps between accesses (none, within a slice,
// across slices, across the whole window).
func TestRatioBudgetKeptSum(t *testing.T) {
	b, err := NewRatioBudget(RatioBudgetConfig{TTL: 10 * time.Second, MinRetriesPerSec: 1, PercentCanRetry: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	r := sim.NewRand(1, "kept sum")
	gaps := []time.Duration{0, time.Millisecond, 300 * time.Millisecond, time.Second, 3 * time.Second, 15 * time.Second}
	var now sim.Time
	for k := range 20000 {
		now = now.Add(gaps[r.IntN(len(gaps))])
		if r.IntN(3) == 0 {
			b.TryWithdraw(now)
		} else {
			b.Deposit(now)
		}
		var s int64
		for _, v := range b.buf {
			s += v
		}
		if s != b.bufSum {
			t.Fatalf("step %d at %v: kept sum %d, the slices add up to %d", k, now, b.bufSum, s)
		}
	}
}

// DepositBalance is Deposit then Balance, and BalanceAfter a TryWithdraw
// is Balance, on every kind of budget.
func TestRatioBudgetDepositBalance(t *testing.T) {
	for _, cfg := range []RatioBudgetConfig{
		{TTL: 10 * time.Second, MinRetriesPerSec: 1, PercentCanRetry: 0.5},
		{TTL: time.Second, MinRetriesPerSec: 10, PercentCanRetry: 0},
		{TTL: time.Second, MinRetriesPerSec: 0, PercentCanRetry: 0},
		DefaultRatioBudgetConfig(),
	} {
		a, err := NewRatioBudget(cfg)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := NewRatioBudget(cfg)
		r := sim.NewRand(1, "deposit balance")
		gaps := []time.Duration{0, time.Millisecond, 300 * time.Millisecond, time.Second, 3 * time.Second, 15 * time.Second}
		var now sim.Time
		for k := range 20000 {
			now = now.Add(gaps[r.IntN(len(gaps))])
			if r.IntN(3) == 0 {
				if a.TryWithdraw(now) != b.TryWithdraw(now) {
					t.Fatalf("%+v step %d: the twins disagree", cfg, k)
				}
				if got, want := b.BalanceAfter(), a.Balance(now); got != want || *a != *b {
					t.Fatalf("%+v step %d at %v: BalanceAfter %d, Balance %d", cfg, k, now, got, want)
				}
				continue
			}
			a.Deposit(now)
			want := a.Balance(now)
			if got := b.DepositBalance(now); got != want || *a != *b {
				t.Fatalf("%+v step %d at %v: DepositBalance %d, Deposit then Balance %d", cfg, k, now, got, want)
			}
		}
	}
}
