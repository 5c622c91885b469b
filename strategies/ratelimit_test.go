package strategies

import (
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/stampede-sim/stampede/sim"
)

func TestTokenBucket(t *testing.T) {
	b, err := NewTokenBucket(TokenBucketConfig{RatePerSec: 10, Burst: 2})
	if err != nil {
		t.Fatal(err)
	}
	allow := func(n int) func(sim.Time) any { return func(now sim.Time) any { return b.AllowN(now, n) } }
	tokens := func(now sim.Time) any { return b.Tokens(now) }
	runSteps(t, []step{
		{0, "Tokens (starts full)", tokens, 2.0},
		{0, "Allow", allow(1), true},
		{0, "Allow", allow(1), true},
		{0, "Allow (empty)", allow(1), false},
		{ms(50), "Tokens", tokens, 0.5},
		{ms(50), "Allow (half a token)", allow(1), false},
		{ms(100), "Allow", allow(1), true},
		{ms(100), "Tokens", tokens, 0.0},
		{time.Second, "Tokens (capped at burst)", tokens, 2.0},
		{time.Second, "AllowN(3) > burst", allow(3), false},
		{time.Second, "AllowN(2)", allow(2), true},
	})
	inf, _ := NewTokenBucket(TokenBucketConfig{RatePerSec: math.Inf(1), Burst: 1})
	for range 10 {
		if !inf.AllowN(0, 5) {
			t.Fatal("infinite rate rejected")
		}
	}
	var zero TokenBucket
	if zero.Allow(sim.Time(time.Hour)) {
		t.Error("zero TokenBucket allowed")
	}
	_, err = NewTokenBucket(TokenBucketConfig{RatePerSec: 0, Burst: 1})
	mustErr(t, err, "RatePerSec")
	_, err = NewTokenBucket(TokenBucketConfig{RatePerSec: 1, Burst: 0})
	mustErr(t, err, "Burst")
}

func TestFixedWindow(t *testing.T) {
	w, err := NewFixedWindow(WindowLimiterConfig{Limit: 3, Window: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	allow := func(n int) func(sim.Time) any { return func(now sim.Time) any { return w.AllowN(now, n) } }
	runSteps(t, []step{
		{0, "AllowN(2)", allow(2), true},
		{ms(900), "Allow", allow(1), true},
		{ms(999), "Allow (limit)", allow(1), false},
		{ms(999), "Count (rejections not counted)", func(now sim.Time) any { return w.Count(now) }, int64(3)},
		// The boundary resets: 3 more pass right after 3 passed just before.
		{time.Second, "AllowN(3)", allow(3), true},
		{ms(3500), "Count after idle windows", func(now sim.Time) any { return w.Count(now) }, int64(0)},
	})
	c, _ := NewFixedWindow(WindowLimiterConfig{Limit: 1, Window: time.Second, CountRejected: true})
	c.AllowN(0, 1)
	c.AllowN(0, 1)
	if got := c.Count(0); got != 2 {
		t.Errorf("CountRejected: Count = %d, want 2", got)
	}
	_, err = NewFixedWindow(WindowLimiterConfig{Limit: 0, Window: time.Second})
	mustErr(t, err, "Limit")
	_, err = NewFixedWindow(WindowLimiterConfig{Limit: 1, Window: 0})
	mustErr(t, err, "Window")
}

func TestSlidingWindow(t *testing.T) {
	w, err := NewSlidingWindow(WindowLimiterConfig{Limit: 50, Window: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	s := time.Second
	allow := func(n int) func(sim.Time) any { return func(now sim.Time) any { return w.AllowN(now, n) } }
	est := func(now sim.Time) any { return w.Estimate(now) }
	runSteps(t, []step{
		// Cloudflare's example: 42 in the previous minute, 18 in this one.
		{10 * s, "AllowN(42)", allow(42), true},
		{74 * s, "AllowN(18): 42·46/60 + 17 < 50", allow(18), true},
		{75 * s, "Estimate = 42·45/60 + 18", est, 49.5},
		{75 * s, "Allow (49.5 < 50)", allow(1), true},
		{75 * s, "Allow (50.5)", allow(1), false},
		{90 * s, "Estimate = 42·30/60 + 19", est, 40.0},
		{90 * s, "AllowN(10): 49 < 50", allow(10), true},
		{90 * s, "AllowN(1)", allow(1), false},
		{120 * s, "Estimate = 29 (a whole window later)", est, 29.0},
		{200 * s, "Estimate after idle", est, 0.0},
	})
	_, err = NewSlidingWindow(WindowLimiterConfig{Limit: 5, Window: time.Hour * 48})
	mustErr(t, err, "Window")
}

func TestKeyedLimiter(t *testing.T) {
	k, err := NewKeyedLimiter[string](2, func() (Allower, error) {
		return NewTokenBucket(TokenBucketConfig{RatePerSec: 1, Burst: 1})
	})
	if err != nil {
		t.Fatal(err)
	}
	allow := func(key string) func(sim.Time) any { return func(now sim.Time) any { return k.AllowN(now, key, 1) } }
	runSteps(t, []step{
		{0, "a", allow("a"), true},
		{0, "a (limited)", allow("a"), false},
		{0, "b", allow("b"), true},
		{0, "b (limited)", allow("b"), false},
		// c evicts a, the least recently used.
		{0, "c", allow("c"), true},
		{0, "Len", func(sim.Time) any { return k.Len() }, 2},
		{0, "b still limited", allow("b"), false},
		// a returns fresh, evicting c (b was just used).
		{0, "a (fresh)", allow("a"), true},
		{0, "c (fresh again)", allow("c"), true},
		{0, "Evictions", func(sim.Time) any { return k.Evictions() }, uint64(3)},
	})
	_, err = NewKeyedLimiter[int](0, nil)
	mustErr(t, err, "maxKeys")
	_, err = NewKeyedLimiter[int](1, func() (Allower, error) { return NewTokenBucket(TokenBucketConfig{}) })
	if err == nil {
		t.Error("NewKeyedLimiter with a failing constructor succeeded")
	}
}

func ExampleTokenBucket() {
	b, _ := NewTokenBucket(TokenBucketConfig{RatePerSec: 2, Burst: 3})
	for _, at := range []time.Duration{0, 0, 0, 0, 400 * time.Millisecond, 500 * time.Millisecond} {
		fmt.Print(b.Allow(sim.Time(at)), " ")
	}
	fmt.Println()
	// Output: true true true false false true
}

func ExampleSlidingWindow() {
	w, _ := NewSlidingWindow(WindowLimiterConfig{Limit: 50, Window: time.Minute})
	w.AllowN(sim.Time(30*time.Second), 42) // previous minute
	w.AllowN(sim.Time(74*time.Second), 18) // this minute
	now := sim.Time(75 * time.Second)
	fmt.Println(w.Estimate(now), w.AllowN(now, 1), w.AllowN(now, 1))
	// Output: 49.5 true false
}

func ExampleKeyedLimiter() {
	k, _ := NewKeyedLimiter[string](1000, func() (Allower, error) {
		return NewFixedWindow(WindowLimiterConfig{Limit: 2, Window: time.Second})
	})
	for _, client := range []string{"a", "a", "a", "b"} {
		fmt.Print(client, ":", k.AllowN(0, client, 1), " ")
	}
	fmt.Println()
	// Output: a:true a:true a:false b:true
}
