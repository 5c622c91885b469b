package strategies

import (
	"fmt"
	"testing"
	"time"

	"github.com/stampede-sim/stampede/sim"
)

func TestBulkhead(t *testing.T) {
	ff, err := NewBulkhead(BulkheadConfig{MaxInFlight: 2})
	if err != nil {
		t.Fatal(err)
	}
	w, err := NewBulkhead(BulkheadConfig{MaxInFlight: 1, MaxWait: time.Second, MaxWaiting: 1})
	if err != nil {
		t.Fatal(err)
	}
	acq := func(b *Bulkhead) func(sim.Time) any { return func(sim.Time) any { return b.Acquire() } }
	rel := func(b *Bulkhead) func(sim.Time) any { return func(sim.Time) any { return b.Release() } }
	runSteps(t, []step{
		{0, "fail-fast Acquire", acq(ff), Admitted},
		{0, "fail-fast Acquire", acq(ff), Admitted},
		{0, "fail-fast Acquire (full)", acq(ff), Rejected},
		{0, "fail-fast Release", rel(ff), false},
		{0, "fail-fast Acquire", acq(ff), Admitted},
		{0, "fail-fast InFlight", func(sim.Time) any { return ff.InFlight() }, 2},
		{0, "wait Acquire", acq(w), Admitted},
		{0, "wait Acquire (waits)", acq(w), Queued},
		{0, "wait Acquire (queue full)", acq(w), Rejected},
		{0, "wait Release (hands over)", rel(w), true},
		{0, "wait InFlight", func(sim.Time) any { return w.InFlight() }, 1},
		{0, "wait Acquire (waits)", acq(w), Queued},
		{0, "wait CancelWait; Waiting", func(sim.Time) any { w.CancelWait(); return w.Waiting() }, 0},
		{0, "wait Release", rel(w), false},
		{0, "wait InFlight", func(sim.Time) any { return w.InFlight() }, 0},
	})
	func() {
		defer func() {
			if recover() == nil {
				t.Error("Release on an empty bulkhead did not panic")
			}
		}()
		w.Release()
	}()
	_, err = NewBulkhead(BulkheadConfig{MaxInFlight: 0})
	mustErr(t, err, "MaxInFlight")
	_, err = NewBulkhead(BulkheadConfig{MaxInFlight: 1, MaxWaiting: 3})
	mustErr(t, err, "MaxWaiting")
	_, err = NewBulkhead(BulkheadConfig{MaxInFlight: 1, MaxWait: time.Second})
	mustErr(t, err, "MaxWaiting")
	if _, err := NewBulkhead(DefaultBulkheadConfig()); err != nil {
		t.Error(err)
	}
}

func ExampleBulkhead() {
	b, _ := NewBulkhead(BulkheadConfig{MaxInFlight: 2, MaxWait: 50 * time.Millisecond, MaxWaiting: 1})
	fmt.Println(b.Acquire(), b.Acquire(), b.Acquire(), b.Acquire())
	fmt.Println("release hands the slot to the waiter:", b.Release())
	fmt.Println("in flight", b.InFlight(), "waiting", b.Waiting())
	// Output:
	// admitted admitted queued rejected
	// release hands the slot to the waiter: true
	// in flight 2 waiting 0
}
