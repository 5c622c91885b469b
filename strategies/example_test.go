package strategies

import (
	"fmt"
	"time"

	"github.com/stampede-sim/stampede/sim"
)

func ExampleReason() {
	r, _ := ParseReason("rate_limited")
	set, _ := ParseReasonSet("timeout,shed")
	fmt.Println(r, set.Has(r), set.With(r))
	// Output: rate_limited false timeout,shed,rate_limited
}

func ExampleFixedWindow() {
	w, _ := NewFixedWindow(WindowLimiterConfig{Limit: 2, Window: time.Second})
	// Two just before the boundary and two just after: 4 within 200ms.
	for _, at := range []time.Duration{900, 950, 990, 1000, 1100} {
		fmt.Print(w.AllowN(sim.Time(at*time.Millisecond), 1), " ")
	}
	fmt.Println()
	// Output: true true false true true
}

func ExampleControlledDelay() {
	c, _ := NewControlledDelay(DefaultControlledDelayConfig()) // M = 5ms, N = 100ms
	c.Observe(0, 1)                                            // a queue forms at 0
	fmt.Println(c.MaxWait(sim.Time(50 * time.Millisecond)))
	fmt.Println(c.MaxWait(sim.Time(120 * time.Millisecond))) // not empty for 100ms: standing
	// Output:
	// 100ms
	// 5ms
}

func ExampleQueueLengthShedder() {
	s, _ := NewQueueLengthShedder(QueueLengthShedderConfig{MaxQueue: 100})
	c, _ := NewConcurrencyShedder(ConcurrencyShedderConfig{MaxInFlight: 64})
	fmt.Println(s.Shed(99), s.Shed(100), c.Shed(63), c.Shed(64))
	// Output: false true false true
}
