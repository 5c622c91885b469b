package strategies

import (
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/stampede-sim/stampede/sim"
)

func TestSimpleShedders(t *testing.T) {
	q, err := NewQueueLengthShedder(QueueLengthShedderConfig{MaxQueue: 3})
	if err != nil {
		t.Fatal(err)
	}
	c, err := NewConcurrencyShedder(ConcurrencyShedderConfig{MaxInFlight: 10})
	if err != nil {
		t.Fatal(err)
	}
	if q.Shed(2) || !q.Shed(3) || c.Shed(9) || !c.Shed(10) {
		t.Error("threshold shedders disagree with their thresholds")
	}
	_, err = NewQueueLengthShedder(QueueLengthShedderConfig{MaxQueue: -1})
	mustErr(t, err, "MaxQueue")
	_, err = NewConcurrencyShedder(ConcurrencyShedderConfig{MaxInFlight: 0})
	mustErr(t, err, "MaxInFlight")
}

func TestLatencyShedder(t *testing.T) {
	head, err := NewLatencyShedder(LatencyShedderConfig{Signal: SignalHeadAge, MaxDelay: ms(50)})
	if err != nil {
		t.Fatal(err)
	}
	mean, err := NewLatencyShedder(LatencyShedderConfig{Signal: SignalMeanSojourn, MaxDelay: ms(50), Window: time.Second, Buckets: 10})
	if err != nil {
		t.Fatal(err)
	}
	obs := func(d time.Duration) func(sim.Time) any {
		return func(now sim.Time) any { mean.Observe(now, d); return mean.Delay(now, 0) }
	}
	runSteps(t, []step{
		{0, "head age 50ms", func(now sim.Time) any { return head.Shed(now, ms(50)) }, false},
		{0, "head age 51ms", func(now sim.Time) any { return head.Shed(now, ms(51)) }, true},
		{0, "mean with no samples", func(now sim.Time) any { return mean.Shed(now, time.Hour) }, false},
		{0, "Observe 40ms", obs(ms(40)), ms(40)},
		{ms(500), "Observe 80ms", obs(ms(80)), ms(60)},
		{ms(500), "Shed at mean 60ms", func(now sim.Time) any { return mean.Shed(now, 0) }, true},
		// At 1 s the 40ms sample (bucket [0, 100ms)) has left the window.
		{time.Second, "Delay", func(now sim.Time) any { return mean.Delay(now, 0) }, ms(80)},
		{ms(1500), "Delay", func(now sim.Time) any { return mean.Delay(now, 0) }, time.Duration(0)},
	})
	_, err = NewLatencyShedder(LatencyShedderConfig{Signal: SignalMeanSojourn, MaxDelay: ms(50), Window: time.Second, Buckets: 0})
	mustErr(t, err, "Buckets")
	_, err = NewLatencyShedder(LatencyShedderConfig{MaxDelay: 0})
	mustErr(t, err, "MaxDelay")
}

func TestPriorityShedder(t *testing.T) {
	s, err := NewPriorityShedder(DefaultPriorityShedderConfig())
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		load float64
		p    Priority
		want bool
	}{
		{0.4, Sheddable, false},
		{0.5, Sheddable, true},
		{0.6, SheddablePlus, false},
		{0.8, SheddablePlus, true},
		{0.8, Critical, false},
		{0.95, Critical, true},
		{100, CriticalPlus, false},
	}
	for _, c := range cases {
		if got := s.Shed(c.load, c.p); got != c.want {
			t.Errorf("Shed(%v, %v) = %v, want %v", c.load, c.p, got, c.want)
		}
	}
	if !math.IsInf(s.Threshold(CriticalPlus), 1) {
		t.Errorf("Threshold(critical_plus) = %v", s.Threshold(CriticalPlus))
	}
	_, err = NewPriorityShedder(PriorityShedderConfig{Thresholds: [NumPriorities]float64{0.5, 0.4, 0.9, 1}})
	mustErr(t, err, "Thresholds[sheddable_plus]")
	_, err = NewPriorityShedder(PriorityShedderConfig{Thresholds: [NumPriorities]float64{0, 0.4, 0.9, 1}})
	mustErr(t, err, "Thresholds[sheddable]")
	for p := Priority(0); p < NumPriorities; p++ {
		if q, err := ParsePriority(p.String()); err != nil || q != p {
			t.Errorf("ParsePriority(%q) = %v, %v", p.String(), q, err)
		}
	}
}

func ExamplePriorityShedder() {
	s, _ := NewPriorityShedder(DefaultPriorityShedderConfig())
	for _, load := range []float64{0.3, 0.6, 0.8, 0.95} {
		fmt.Printf("load %.2f:", load)
		for p := Sheddable; p <= CriticalPlus; p++ {
			if s.Shed(load, p) {
				fmt.Print(" shed ", p)
			}
		}
		fmt.Println()
	}
	// Output:
	// load 0.30:
	// load 0.60: shed sheddable
	// load 0.80: shed sheddable shed sheddable_plus
	// load 0.95: shed sheddable shed sheddable_plus shed critical
}

func ExampleLatencyShedder() {
	s, _ := NewLatencyShedder(LatencyShedderConfig{Signal: SignalHeadAge, MaxDelay: 100 * time.Millisecond})
	fmt.Println(s.Shed(0, 20*time.Millisecond), s.Shed(0, 150*time.Millisecond))
	// Output: false true
}
