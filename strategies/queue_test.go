package strategies

import (
	"fmt"
	"testing"
	"time"

	"github.com/stampede-sim/stampede/sim"
)

func TestExpired(t *testing.T) {
	cases := []struct {
		now, deadline sim.Time
		margin        time.Duration
		want          bool
	}{
		{0, sim.Never, time.Hour, false},
		{sim.Time(ms(10)), sim.Time(ms(20)), 0, false},
		{sim.Time(ms(20)), sim.Time(ms(20)), 0, true},
		{sim.Time(ms(25)), sim.Time(ms(20)), 0, true},
		{sim.Time(ms(15)), sim.Time(ms(20)), ms(5), true},
		{sim.Time(ms(14)), sim.Time(ms(20)), ms(5), false},
	}
	for _, c := range cases {
		if got := Expired(c.now, c.deadline, c.margin); got != c.want {
			t.Errorf("Expired(%v, %v, %v) = %v, want %v", c.now, c.deadline, c.margin, got, c.want)
		}
	}
}

func TestCoDel(t *testing.T) {
	c, err := NewCoDel(CoDelConfig{Target: ms(5), Interval: ms(100), NearlyEmpty: 0})
	if err != nil {
		t.Fatal(err)
	}
	deq := func(sojourn time.Duration) func(sim.Time) any {
		return func(now sim.Time) any { return c.OnDequeue(now, sojourn, 5) }
	}
	count := func(sim.Time) any { return c.Count() }
	dropping := func(sim.Time) any { return c.Dropping() }
	runSteps(t, []step{
		{0, "OnDequeue(10ms): first above target", deq(ms(10)), false},
		{ms(50), "OnDequeue(10ms): not yet an interval", deq(ms(10)), false},
		// Above target for an interval: enter dropping, count 1, next drop
		// at 100 + 100/√1 = 200 ms.
		{ms(100), "OnDequeue(10ms): enter dropping", deq(ms(10)), true},
		{ms(100), "OnDequeue(10ms): the RFC delivers the next", deq(ms(10)), false},
		{ms(150), "OnDequeue(10ms): before drop_next", deq(ms(10)), false},
		{ms(200), "OnDequeue(10ms): drop, count 2", deq(ms(10)), true},
		// drop_next = 200 + 100/√2 = 270.71 ms.
		{ms(200), "OnDequeue(10ms): next head", deq(ms(10)), false},
		{ms(270.7), "OnDequeue(10ms): before 270.71", deq(ms(10)), false},
		{ms(271), "OnDequeue(10ms): drop, count 3", deq(ms(10)), true},
		{ms(271), "Count", count, 3},
		// drop_next = 270.71 + 100/√3 = 328.45 ms.
		{ms(271), "OnDequeue(10ms)", deq(ms(10)), false},
		{ms(300), "OnDequeue(1ms): below target, leave dropping", deq(ms(1)), false},
		{ms(300), "Dropping", dropping, false},
		{ms(310), "OnDequeue(10ms): first above again", deq(ms(10)), false},
		// Re-entering soon after: count resumes at count − lastcount = 2.
		{ms(410), "OnDequeue(10ms): re-enter", deq(ms(10)), true},
		{ms(410), "Count", count, 2},
		{ms(410), "OnEmpty; Dropping", func(now sim.Time) any { c.OnEmpty(now); return c.Dropping() }, false},
		{ms(420), "Drops", func(sim.Time) any { return c.Drops() }, uint64(4)},
	})
}

// TestCoDelBurstOfDrops checks the RFC's while loop: with drop_next far in
// the past, one dequeue drops head after head at the same instant.
func TestCoDelBurstOfDrops(t *testing.T) {
	c, _ := NewCoDel(CoDelConfig{Target: ms(5), Interval: ms(100), NearlyEmpty: 0})
	c.OnDequeue(0, ms(50), 100)
	if !c.OnDequeue(sim.Time(ms(100)), ms(50), 100) {
		t.Fatal("did not enter dropping")
	}
	c.OnDequeue(sim.Time(ms(100)), ms(50), 99)
	// No dequeue until 10 s: drop_next (200 ms) is long past.
	now := sim.Time(10 * time.Second)
	drops := 0
	for c.OnDequeue(now, ms(50), 50) {
		drops++
	}
	// Each drop advances drop_next by 100/√count ms from 200 ms; it passes
	// 10 s after count reaches about 2400: 100·2·√n ≈ 9800.
	if drops < 2000 || drops > 3000 {
		t.Errorf("one late dequeue dropped %d, want about 2400", drops)
	}
}

func TestCoDelNearlyEmptyAndMisuse(t *testing.T) {
	c, _ := NewCoDel(DefaultCoDelConfig())
	for i := range 20 { // never drops while at most one request remains
		if c.OnDequeue(sim.Time(i)*sim.Time(ms(50)), time.Second, 1) {
			t.Fatal("dropped with only one request left")
		}
	}
	c.OnDequeue(0, time.Second, 5)
	c.OnDequeue(sim.Time(ms(100)), time.Second, 5) // enter: drop
	defer func() {
		if recover() == nil {
			t.Error("OnDequeue at a later instant after a drop did not panic")
		}
	}()
	c.OnDequeue(sim.Time(ms(200)), time.Second, 5)
}

func TestFollyCoDel(t *testing.T) {
	c, err := NewFollyCoDel(DefaultFollyCoDelConfig())
	if err != nil {
		t.Fatal(err)
	}
	deq := func(d time.Duration) func(sim.Time) any {
		return func(now sim.Time) any { return c.OnDequeue(now, d) }
	}
	over := func(sim.Time) any { return c.Overloaded() }
	runSteps(t, []step{
		{0, "OnDequeue(20ms): first of interval", deq(ms(20)), false},
		// The interval begun at 0 ends: min delay 20ms > 5ms.
		{ms(1), "OnDequeue(20ms): interval ends, first of the next", deq(ms(20)), false},
		{ms(1), "Overloaded", over, true},
		{ms(2), "OnDequeue(20ms) > slough 10ms", deq(ms(20)), true},
		{ms(3), "OnDequeue(8ms) < slough", deq(ms(8)), false},
		{ms(3), "Load = 100·8/10", func(sim.Time) any { return c.Load() }, 80},
		{ms(101), "OnDequeue(30ms): interval runs to 101ms exactly", deq(ms(30)), true},
		{ms(102), "OnDequeue(3ms): interval ends, min 8ms: still overloaded", deq(ms(3)), false},
		{ms(103), "OnDequeue(30ms)", deq(ms(30)), true},
		{ms(203), "OnDequeue(30ms): interval ends, min 3ms", deq(ms(30)), false},
		{ms(203), "Overloaded", over, false},
		{ms(204), "OnDequeue(30ms): not overloaded", deq(ms(30)), false},
		{ms(204), "Drops", func(sim.Time) any { return c.Drops() }, uint64(3)},
	})
	_, err = NewFollyCoDel(FollyCoDelConfig{Target: ms(10), Interval: ms(10)})
	mustErr(t, err, "Interval")
}

func TestAdaptiveLIFO(t *testing.T) {
	a, err := NewAdaptiveLIFO(AdaptiveLIFOConfig{Threshold: 0, After: ms(100)})
	if err != nil {
		t.Fatal(err)
	}
	order := func(n int) func(sim.Time) any { return func(now sim.Time) any { return a.Order(now, n) } }
	runSteps(t, []step{
		{0, "Order(0)", order(0), FIFO},
		{ms(10), "Order(1): queue forms", order(1), FIFO},
		{ms(60), "Order(3)", order(3), FIFO},
		{ms(110), "Order(2): non-empty for 100ms", order(2), LIFO},
		{ms(120), "Observe(0); Order(1)", func(now sim.Time) any { a.Observe(now, 0); return a.Order(now, 1) }, FIFO},
		{ms(219), "Order(1)", order(1), FIFO},
		{ms(220), "Order(1)", order(1), LIFO},
	})
	_, err = NewAdaptiveLIFO(AdaptiveLIFOConfig{Threshold: -1})
	mustErr(t, err, "Threshold")
}

func TestControlledDelay(t *testing.T) {
	c, err := NewControlledDelay(DefaultControlledDelayConfig())
	if err != nil {
		t.Fatal(err)
	}
	wait := func(n int) func(sim.Time) any {
		return func(now sim.Time) any { c.Observe(now, n); return c.MaxWait(now) }
	}
	runSteps(t, []step{
		{0, "empty queue: N", wait(1), ms(100)},
		{ms(99), "not empty for 99ms: N", wait(4), ms(100)},
		{ms(100), "not empty for 100ms: M", wait(4), ms(5)},
		{ms(150), "emptied: N", wait(0), ms(100)},
	})
	_, err = NewControlledDelay(ControlledDelayConfig{Short: ms(10), Window: ms(5)})
	mustErr(t, err, "Window")
}

func ExampleCoDel() {
	c, _ := NewCoDel(DefaultCoDelConfig()) // RFC 8289: target 5ms, interval 100ms
	// A standing queue: every request has waited 20ms when it is dequeued,
	// one dequeue every 10ms. After a drop the next head is dequeued at
	// once.
	for i := range 40 {
		now := sim.Time(i) * sim.Time(10*time.Millisecond)
		for c.OnDequeue(now, 20*time.Millisecond, 10) {
			fmt.Printf("drop at %v (count %d)\n", now, c.Count())
		}
	}
	// Output:
	// drop at 100ms (count 1)
	// drop at 200ms (count 2)
	// drop at 280ms (count 3)
	// drop at 330ms (count 4)
	// drop at 380ms (count 5)
}

func ExampleAdaptiveLIFO() {
	a, _ := NewAdaptiveLIFO(DefaultAdaptiveLIFOConfig()) // LIFO after 100ms of standing queue
	fmt.Println(a.Order(0, 3), a.Order(sim.Time(150*time.Millisecond), 5))
	a.Observe(sim.Time(160*time.Millisecond), 0) // the queue drained
	fmt.Println(a.Order(sim.Time(170*time.Millisecond), 1))
	// Output:
	// fifo lifo
	// fifo
}

func ExampleFollyCoDel() {
	// Every request has queued 30ms; a dequeue every 60ms. The first
	// request of each 100ms interval is never dropped.
	c, _ := NewFollyCoDel(DefaultFollyCoDelConfig())
	for i := range 6 {
		now := sim.Time(i) * sim.Time(60*time.Millisecond)
		fmt.Print(c.OnDequeue(now, 30*time.Millisecond), " ")
	}
	fmt.Println(c.Overloaded())
	// Output: false false true false true false true
}

func ExampleExpired() {
	deadline := sim.Time(200 * time.Millisecond)
	fmt.Println(Expired(sim.Time(150*time.Millisecond), deadline, 0),
		Expired(sim.Time(150*time.Millisecond), deadline, 60*time.Millisecond))
	// Output: false true
}
