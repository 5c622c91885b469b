package sim_test

import (
	"fmt"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/stampede-sim/stampede/sim"
)

// Instants used by the metrics tables.
const (
	t0    = sim.Time(0)
	t250  = sim.Time(250 * time.Millisecond)
	t500  = sim.Time(500 * time.Millisecond)
	t750  = sim.Time(750 * time.Millisecond)
	t999  = sim.Time(999 * time.Millisecond)
	t1    = sim.Time(1 * time.Second)
	t1250 = sim.Time(1250 * time.Millisecond)
	t1500 = sim.Time(1500 * time.Millisecond)
	t2    = sim.Time(2 * time.Second)
	t3    = sim.Time(3 * time.Second)
	t3500 = sim.Time(3500 * time.Millisecond)
	t4    = sim.Time(4 * time.Second)
)

// gaugeStep is one call on a gauge at an explicit instant: "set", "add", or
// "check", which compares every query at end = at with the wants.
type gaugeStep struct {
	op        string
	at        sim.Time
	v         float64
	means     []float64
	maxes     []float64
	mean, max float64
	value     float64
}

func set(at sim.Time, v float64) gaugeStep { return gaugeStep{op: "set", at: at, v: v} }
func add(at sim.Time, v float64) gaugeStep { return gaugeStep{op: "add", at: at, v: v} }

// check expects Means, Maxes, Mean, Max and Value at end = at.
func check(at sim.Time, means, maxes []float64, mean, max, value float64) gaugeStep {
	return gaugeStep{op: "check", at: at, means: means, maxes: maxes, mean: mean, max: max, value: value}
}

func floatsClose(a, b []float64) bool {
	return slices.EqualFunc(a, b, func(x, y float64) bool { return math.Abs(x-y) <= 1e-12*math.Max(1, math.Abs(y)) })
}

// runGauge applies steps to a new gauge; a failure names the case, the
// step and the call.
func runGauge(t *testing.T, name string, interval time.Duration, steps []gaugeStep) {
	t.Helper()
	g := sim.NewGauge(interval)
	for i, s := range steps {
		where := fmt.Sprintf("%s: step %d", name, i)
		switch s.op {
		case "set":
			g.Set(s.at, s.v)
		case "add":
			g.Add(s.at, s.v)
		case "check":
			if got := g.Means(s.at); !floatsClose(got, s.means) {
				t.Errorf("%s: Means(%v) = %v, want %v", where, s.at, got, s.means)
			}
			if got := g.Maxes(s.at); !floatsClose(got, s.maxes) {
				t.Errorf("%s: Maxes(%v) = %v, want %v", where, s.at, got, s.maxes)
			}
			if got := g.Mean(s.at); math.Abs(got-s.mean) > 1e-12 {
				t.Errorf("%s: Mean(%v) = %v, want %v", where, s.at, got, s.mean)
			}
			if got := g.Max(); got != s.max {
				t.Errorf("%s: Max() = %v, want %v", where, got, s.max)
			}
			if got := g.Value(); got != s.value {
				t.Errorf("%s: Value() = %v, want %v", where, got, s.value)
			}
		}
	}
}

func TestGauge(t *testing.T) {
	cases := []struct {
		name  string
		steps []gaugeStep
	}{
		{"never set", []gaugeStep{
			check(t0, []float64{}, []float64{}, 0, 0, 0),
			check(t3, []float64{0, 0, 0}, []float64{0, 0, 0}, 0, 0, 0),
		}},
		{"time-weighted within an interval", []gaugeStep{
			set(t0, 2),
			set(t500, 4),
			check(t2, []float64{3, 4}, []float64{4, 4}, 3.5, 4, 4),
		}},
		{"intervals with no Set carry the value", []gaugeStep{
			set(t1500, 10),
			check(t4, []float64{0, 5, 10, 10}, []float64{0, 10, 10, 10}, 6.25, 10, 10),
		}},
		{"a value held for no time counts in the max only", []gaugeStep{
			set(t1, 5),
			set(t1, 1),
			check(t2, []float64{0, 1}, []float64{0, 5}, 0.5, 5, 1),
		}},
		{"Add", []gaugeStep{
			add(t0, 1),
			add(t250, 1),
			add(t750, -2),
			check(t1, []float64{1.25}, []float64{2}, 1.25, 2, 0),
		}},
		{"a last interval cut short is averaged over its part", []gaugeStep{
			set(t0, 4),
			check(t1500, []float64{4, 4}, []float64{4, 4}, 4, 4, 4),
			set(t1250, 0),
			check(t1500, []float64{4, 2}, []float64{4, 4}, 5.0/1.5, 4, 0),
		}},
		{"queries do not change the gauge", []gaugeStep{
			set(t500, 2),
			check(t1, []float64{1}, []float64{2}, 1, 2, 2),
			check(t3, []float64{1, 2, 2}, []float64{2, 2, 2}, 5.0/3, 2, 2),
			set(t1500, 0),
			check(t2, []float64{1, 1}, []float64{2, 2}, 1, 2, 0),
			check(t4, []float64{1, 1, 0, 0}, []float64{2, 2, 0, 0}, 0.5, 2, 0),
		}},
		{"a change at a boundary belongs to the later interval", []gaugeStep{
			set(t1, 7),
			check(t1, []float64{0}, []float64{0}, 0, 7, 7),
			check(t2, []float64{0, 7}, []float64{0, 7}, 3.5, 7, 7),
		}},
		{"a long gap", []gaugeStep{
			set(t250, 3),
			set(sim.Time(10*time.Second), 1),
			check(sim.Time(11*time.Second),
				[]float64{2.25, 3, 3, 3, 3, 3, 3, 3, 3, 3, 1},
				[]float64{3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 1},
				(0.75*3+9*3+1)/11, 3, 1),
		}},
		{"a value replaced at a boundary does not count in the next interval", []gaugeStep{
			set(t250, 3),
			set(t1, 1),
			check(t2, []float64{2.25, 1}, []float64{3, 1}, 3.25/2, 3, 1),
		}},
		{"the initial 0 replaced at time 0 never counts", []gaugeStep{
			set(t0, -3),
			check(t1, []float64{-3}, []float64{-3}, -3, -3, -3),
			set(t1500, -5),
			check(t2, []float64{-3, -4}, []float64{-3, -3}, -3.5, -3, -5),
		}},
	}
	for _, c := range cases {
		runGauge(t, c.name, time.Second, c.steps)
	}
}

func TestCounter(t *testing.T) {
	type step struct {
		at sim.Time
		v  float64
	}
	cases := []struct {
		name   string
		adds   []step
		end    sim.Time
		values []float64
		total  float64
	}{
		{"empty", nil, t3, []float64{0, 0, 0}, 0},
		{"end 0", []step{{t0, 1}}, t0, []float64{}, 1},
		{"interval of floor(now/interval)", []step{{t0, 1}, {t999, 1}, {t1, 5}, {t3500, 2}}, t4, []float64{2, 5, 0, 2}, 9},
		{"intervals from end on are left out", []step{{t0, 1}, {t1, 5}, {t3500, 2}}, t3, []float64{1, 5, 0}, 8},
		{"a cut-short last interval is reported whole", []step{{t3500, 2}}, t3500, []float64{0, 0, 0, 2}, 2},
		{"any order", []step{{t2, 1}, {t0, 2}, {t2, 0.5}}, t3, []float64{2, 0, 1.5}, 3.5},
	}
	for _, c := range cases {
		ctr := sim.NewCounter(time.Second)
		for _, s := range c.adds {
			ctr.Add(s.at, s.v)
		}
		if got := ctr.Values(c.end); !floatsClose(got, c.values) {
			t.Errorf("%s: Values(%v) = %v, want %v", c.name, c.end, got, c.values)
		}
		if got := ctr.Total(); got != c.total {
			t.Errorf("%s: Total() = %v, want %v", c.name, got, c.total)
		}
	}
	// Values returns a copy.
	ctr := sim.NewCounter(time.Second)
	ctr.Add(t0, 1)
	v := ctr.Values(t1)
	v[0] = 99
	if ctr.Values(t1)[0] != 1 {
		t.Errorf("Values shares memory with the counter")
	}
}

func TestMetricsMisuse(t *testing.T) {
	g := sim.NewGauge(time.Second)
	g.Set(t2, 1)
	ctr := sim.NewCounter(time.Second)
	for _, c := range []struct {
		name string
		f    func()
		want string
	}{
		{"NewCounter(0)", func() { sim.NewCounter(0) }, "sim: NewCounter(0s): interval must be > 0"},
		{"NewGauge(-1s)", func() { sim.NewGauge(-time.Second) }, "sim: NewGauge(-1s): interval must be > 0"},
		{"Counter.Add(-1)", func() { ctr.Add(-1, 1) }, "sim: Counter.Add at negative time -1ns"},
		{"Counter.Values(-1)", func() { ctr.Values(-1) }, "sim: Counter.Values(-1ns): negative end"},
		{"Counter.Add far out", func() { ctr.Add(sim.Time(1<<24*time.Second), 1) },
			"sim: Counter.Add at 4660h20m16s: more than 16777216 intervals of 1s"},
		{"Gauge.Set backwards", func() { g.Set(t1, 0) }, "sim: Gauge.Set(1s) is before the gauge's last change (2s)"},
		{"Gauge.Add backwards", func() { g.Add(t1, 1) }, "sim: Gauge.Set(1s) is before the gauge's last change (2s)"},
		{"Gauge.Means early", func() { g.Means(t1) }, "sim: Gauge.Means(1s) is before the gauge's last change (2s)"},
		{"Gauge.Maxes early", func() { g.Maxes(t1) }, "sim: Gauge.Maxes(1s) is before the gauge's last change (2s)"},
		{"Gauge.Mean early", func() { g.Mean(t1) }, "sim: Gauge.Mean(1s) is before the gauge's last change (2s)"},
	} {
		if got := recoverString(c.f); got != c.want {
			t.Errorf("%s panicked with %q, want %q", c.name, got, c.want)
		}
	}
}

// TestMetricsMemory: memory grows with intervals, not with updates.
func TestMetricsMemory(t *testing.T) {
	g := sim.NewGauge(time.Second)
	ctr := sim.NewCounter(time.Second)
	at := sim.Time(0)
	// Warm up one interval so its slices exist.
	g.Add(at, 1)
	ctr.Add(at, 1)
	allocs := testing.AllocsPerRun(1000, func() {
		at += 1000 // 1µs: a thousand updates stay inside interval 0
		g.Add(at, 1)
		g.Add(at, -1)
		ctr.Add(at, 1)
	})
	if allocs != 0 {
		t.Errorf("updates inside one interval allocate %v times", allocs)
	}
}

func ExampleGauge() {
	// Queue length, summarised per second of virtual time.
	g := sim.NewGauge(time.Second)
	g.Set(0, 2)                               // 2 waiting from the start
	g.Add(sim.Time(500*time.Millisecond), 2)  // 4 from 0.5s
	g.Set(sim.Time(2500*time.Millisecond), 1) // 1 from 2.5s
	end := sim.Time(3 * time.Second)
	fmt.Println("means", g.Means(end))
	fmt.Println("maxes", g.Maxes(end))
	fmt.Printf("mean %.4f max %v now %v\n", g.Mean(end), g.Max(), g.Value())
	// Output:
	// means [3 4 2.5]
	// maxes [4 4 4]
	// mean 3.1667 max 4 now 1
}

func ExampleCounter() {
	c := sim.NewCounter(time.Second)
	c.Add(sim.Time(100*time.Millisecond), 1)
	c.Add(sim.Time(900*time.Millisecond), 1)
	c.Add(sim.Time(2*time.Second), 1) // the first instant of interval 2
	fmt.Println(c.Values(sim.Time(3*time.Second)), c.Total())
	// Output:
	// [2 0 1] 3
}
