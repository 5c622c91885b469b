package strategies

import (
	"fmt"
	"testing"
	"time"

	"github.com/stampede-sim/stampede/sim"
)

func testBreakerConfig() CircuitBreakerConfig {
	return CircuitBreakerConfig{
		FailureRateThreshold: 50, SlowCallRateThreshold: 100, SlowCallDuration: time.Second,
		Window: CountWindow, WindowSize: 4, MinimumCalls: 4,
		OpenDuration: 10 * time.Second, HalfOpenCalls: 2,
	}
}

func TestCircuitBreakerCountWindow(t *testing.T) {
	b, err := NewCircuitBreaker(testBreakerConfig())
	if err != nil {
		t.Fatal(err)
	}
	allow := func(now sim.Time) any { return b.Allow(now) }
	state := func(now sim.Time) any { return b.State(now) }
	ok := func(now sim.Time) any { b.OnSuccess(now, ms(10)); return b.State(now) }
	fail := func(now sim.Time) any { b.OnFailure(now, ms(10)); return b.State(now) }
	rate := func(now sim.Time) any { return b.FailureRate(now) }
	s := time.Second
	runSteps(t, []step{
		{0, "Allow", allow, true},
		{0, "OnFailure", fail, Closed},
		{0, "OnFailure", fail, Closed},
		{0, "OnSuccess", ok, Closed},
		{0, "FailureRate below minimum calls", rate, -1.0},
		// The fourth outcome fills the minimum: 2 of 4 = 50% >= 50%.
		{1 * s, "OnSuccess", ok, Open},
		{1 * s, "Allow", allow, false},
		{1 * s, "Opened", func(sim.Time) any { return b.Opened() }, uint64(1)},
		// Lazy: still open after the wait until someone asks.
		{11 * s, "State", state, Open},
		{11 * s, "OnSuccess while open is ignored", ok, Open},
		{11 * s, "Allow (half-open, trial 1)", allow, true},
		{11 * s, "State", state, HalfOpen},
		{11 * s, "Allow (trial 2)", allow, true},
		{11 * s, "Allow (no trial left)", allow, false},
		{12 * s, "OnFailure (trial 1)", fail, HalfOpen},
		{12 * s, "FailureRate over trials", rate, 100.0},
		// 1 of 2 trials failed: 50% >= 50% reopens.
		{12 * s, "OnSuccess (trial 2)", ok, Open},
		{21 * s, "Allow (still open)", allow, false},
		{22 * s, "Allow (half-open)", allow, true},
		{22 * s, "Allow", allow, true},
		{22 * s, "OnSuccess", ok, HalfOpen},
		{22 * s, "OnSuccess: 0% closes", ok, Closed},
		{22 * s, "FailureRate after closing (fresh window)", rate, -1.0},
		{23 * s, "OnFailure", fail, Closed},
		{23 * s, "OnSuccess", ok, Closed},
		{23 * s, "OnSuccess", ok, Closed},
		// 1 of 4 failed: 25%.
		{23 * s, "OnSuccess", ok, Closed},
		{23 * s, "FailureRate", rate, 25.0},
		// The ring evicts the oldest outcome (the failure): 0 of 4.
		{24 * s, "OnSuccess", ok, Closed},
		{24 * s, "FailureRate", rate, 0.0},
	})
}

func TestCircuitBreakerTimeWindow(t *testing.T) {
	cfg := testBreakerConfig()
	cfg.Window, cfg.WindowSize, cfg.MinimumCalls = TimeWindow, 3, 3 // the last 3 seconds
	cfg.AutomaticHalfOpen = true
	cfg.MaxHalfOpenWait = 5 * time.Second
	b, err := NewCircuitBreaker(cfg)
	if err != nil {
		t.Fatal(err)
	}
	allow := func(now sim.Time) any { return b.Allow(now) }
	state := func(now sim.Time) any { return b.State(now) }
	ok := func(now sim.Time) any { b.OnSuccess(now, ms(10)); return b.State(now) }
	fail := func(now sim.Time) any { b.OnFailure(now, ms(10)); return b.State(now) }
	rate := func(now sim.Time) any { return b.FailureRate(now) }
	s := time.Second
	runSteps(t, []step{
		{0, "OnFailure", fail, Closed},
		{ms(500), "OnFailure", fail, Closed},
		{ms(1500), "OnSuccess", ok, Open}, // 2 of 3 = 67%
		{ms(1500), "Allow", allow, false},
		// Automatic: half-open exactly at 11.5 s, without a call.
		{ms(11499), "State", state, Open},
		{ms(11500), "State", state, HalfOpen},
		{ms(12000), "Allow", allow, true},
		// The trial hangs; after 5 s half-open the breaker reopens at 16.5 s
		// and half-opens again at 26.5 s.
		{ms(16499), "State", state, HalfOpen},
		{ms(16500), "State", state, Open},
		{ms(26500), "State", state, HalfOpen},
		{ms(26600), "Allow", allow, true},
		{ms(26600), "Allow", allow, true},
		{ms(26700), "OnSuccess", ok, HalfOpen},
		{ms(26700), "OnSuccess", ok, Closed},
		{ms(27000), "OnFailure", fail, Closed},
		{ms(28000), "OnSuccess", ok, Closed},
		{ms(29000), "OnSuccess", ok, Closed},
		{ms(29000), "FailureRate over the last 3 s", rate, 100.0 / 3},
		// At 30 s the bucket of second 27 has left the window.
		{30 * s, "FailureRate", rate, -1.0},
		{30 * s, "OnSuccess", ok, Closed},
		{30 * s, "FailureRate", rate, 0.0},
	})
}

func TestCircuitBreakerSlowCalls(t *testing.T) {
	cfg := testBreakerConfig()
	cfg.SlowCallRateThreshold = 75
	b, _ := NewCircuitBreaker(cfg)
	now := sim.Time(0)
	b.OnSuccess(now, 2*time.Second)
	b.OnSuccess(now, 2*time.Second)
	b.OnSuccess(now, ms(1))
	b.OnSuccess(now, 2*time.Second) // 3 of 4 slow = 75%
	if got := b.State(now); got != Open {
		t.Errorf("state after 75%% slow calls = %v, want open", got)
	}
	if got := b.SlowCallRate(now); got != 75 {
		t.Errorf("SlowCallRate = %v, want 75", got)
	}
}

func TestCircuitBreakerConfigErrors(t *testing.T) {
	edits := []struct {
		field string
		edit  func(*CircuitBreakerConfig)
	}{
		{"FailureRateThreshold", func(c *CircuitBreakerConfig) { c.FailureRateThreshold = 0 }},
		{"SlowCallRateThreshold", func(c *CircuitBreakerConfig) { c.SlowCallRateThreshold = 101 }},
		{"SlowCallDuration", func(c *CircuitBreakerConfig) { c.SlowCallDuration = 0 }},
		{"Window", func(c *CircuitBreakerConfig) { c.Window = 7 }},
		{"WindowSize", func(c *CircuitBreakerConfig) { c.WindowSize = 0 }},
		{"MinimumCalls", func(c *CircuitBreakerConfig) { c.MinimumCalls = 0 }},
		{"OpenDuration", func(c *CircuitBreakerConfig) { c.OpenDuration = time.Microsecond }},
		{"HalfOpenCalls", func(c *CircuitBreakerConfig) { c.HalfOpenCalls = 0 }},
		{"MaxHalfOpenWait", func(c *CircuitBreakerConfig) { c.MaxHalfOpenWait = -1 }},
	}
	for _, e := range edits {
		cfg := DefaultCircuitBreakerConfig()
		e.edit(&cfg)
		_, err := NewCircuitBreaker(cfg)
		mustErr(t, err, e.field)
	}
	for _, cfg := range []CircuitBreakerConfig{DefaultCircuitBreakerConfig(), HystrixCircuitBreakerConfig()} {
		if _, err := NewCircuitBreaker(cfg); err != nil {
			t.Error(err)
		}
	}
	if w, err := ParseWindowType("time"); err != nil || w != TimeWindow {
		t.Errorf("ParseWindowType(time) = %v, %v", w, err)
	}
	if HalfOpen.String() != "half_open" {
		t.Errorf("HalfOpen.String() = %q", HalfOpen.String())
	}
}

func TestRetryBreaker(t *testing.T) {
	b, err := NewRetryBreaker(RetryBreakerConfig{FailureRateThreshold: 50, Window: CountWindow, WindowSize: 4, MinimumCalls: 2})
	if err != nil {
		t.Fatal(err)
	}
	allow := func(now sim.Time) any { return b.AllowRetry(now) }
	ok := func(now sim.Time) any { b.OnSuccess(now); return b.AllowRetry(now) }
	fail := func(now sim.Time) any { b.OnFailure(now); return b.AllowRetry(now) }
	runSteps(t, []step{
		{0, "AllowRetry with no history", allow, true},
		{0, "OnFailure (below minimum)", fail, true},
		{0, "OnFailure: 100%", fail, false},
		{0, "State", func(now sim.Time) any { return b.State(now) }, Open},
		{0, "OnSuccess: 67%", ok, false},
		{0, "OnSuccess: 50%", ok, false},
		{0, "OnSuccess: evicts a failure, 25%", ok, true},
		{0, "FailureRate", func(now sim.Time) any { return b.FailureRate(now) }, 25.0},
	})
	_, err = NewRetryBreaker(RetryBreakerConfig{FailureRateThreshold: 10, WindowSize: 0, MinimumCalls: 1})
	mustErr(t, err, "WindowSize")
	if _, err := NewRetryBreaker(DefaultRetryBreakerConfig()); err != nil {
		t.Error(err)
	}
}

func ExampleCircuitBreaker() {
	cfg := DefaultCircuitBreakerConfig() // resilience4j defaults
	cfg.WindowSize, cfg.MinimumCalls = 10, 10
	cfg.OpenDuration = 5 * time.Second
	cfg.HalfOpenCalls = 1
	b, _ := NewCircuitBreaker(cfg)

	now := sim.Time(0)
	for range 10 { // a dead dependency
		if b.Allow(now) {
			b.OnFailure(now, 100*time.Millisecond)
		}
	}
	fmt.Println(b.State(now), b.Allow(now))
	now = now.Add(5 * time.Second)
	fmt.Println(b.Allow(now), b.State(now)) // one probe
	b.OnSuccess(now, 20*time.Millisecond)
	fmt.Println(b.State(now))
	// Output:
	// open false
	// true half_open
	// closed
}

func ExampleRetryBreaker() {
	b, _ := NewRetryBreaker(DefaultRetryBreakerConfig()) // stop retries above 10% failures
	now := sim.Time(0)
	for i := range 20 {
		if i%5 == 0 {
			b.OnFailure(now)
		} else {
			b.OnSuccess(now)
		}
	}
	fmt.Println(b.FailureRate(now), b.AllowRetry(now))
	// Output: 20 false
}

// TestCircuitBreakerLongIdle checks that an unattended automatic breaker
// cycling open/half-open for a day is brought up to date at once.
func TestCircuitBreakerLongIdle(t *testing.T) {
	cfg := testBreakerConfig()
	cfg.AutomaticHalfOpen, cfg.OpenDuration, cfg.MaxHalfOpenWait = true, time.Millisecond, time.Millisecond
	b, _ := NewCircuitBreaker(cfg)
	for range 4 {
		b.OnFailure(0, ms(1))
	}
	if b.State(0) != Open {
		t.Fatal("did not open")
	}
	// Cycles of 2ms: open [0,1ms), half-open [1ms, 2ms), open again at 2ms...
	day := sim.Time(24 * time.Hour)
	if got := b.State(day); got != Open {
		t.Errorf("state after a day = %v, want open (a cycle starts at each even ms)", got)
	}
	if got := b.State(day + sim.Time(ms(1.5))); got != HalfOpen {
		t.Errorf("state at +1.5ms = %v, want half_open", got)
	}
	if got, want := b.Opened(), uint64(24*3600*1000/2+1); got != want {
		t.Errorf("Opened = %d, want %d", got, want)
	}
}
