package strategies

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stampede-sim/stampede/sim"
)

func hpaDefaults(min, max int) AutoscaleConfig {
	return AutoscaleConfig{Target: 0.5, Min: min, Max: max, Tolerance: 0.1, DownWindow: 300 * time.Second,
		UpPercent: 100, UpPods: 4, UpPeriod: 15 * time.Second, DownPercent: 100, DownPeriod: 15 * time.Second}
}

// TestAutoscalerSteps holds Recommend to the HPA's rules at explicit
// instants: the formula, the tolerance, the scale-up policies, the
// scale-down stabilisation window, min and max.
func TestAutoscalerSteps(t *testing.T) {
	a, err := NewAutoscaler(hpaDefaults(2, 30), 15*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	s := func(sec int) sim.Time { return sim.Time(time.Duration(sec) * time.Second) }
	steps := []struct {
		at             int
		current, ready int
		metric         float64
		want           int
		why            string
	}{
		{15, 4, 4, 0.54, 4, "0.54/0.5 = 1.08 is within the 0.1 tolerance"},
		{30, 4, 4, 0.75, 6, "ceil(4 x 1.5) = 6"},
		{45, 6, 4, 1.0, 8, "ceil(4 x 2) = 8 over the 4 ready; 6 + 4 pods or 6 + 100% allows it"},
		{60, 8, 8, 2.0, 16, "ceil(8 x 4) = 32, max 30, limited to 8 + 100% = 16 (the change at 45 s is not within (45 s, 60 s])"},
		{75, 16, 16, 0.1, 16, "ceil(16 x 0.2) = 4, but the last 300 s recommended up to 30"},
		{375, 16, 16, 0.1, 4, "the window holds only recommendations of 4 from 75 s on"},
		{390, 4, 4, 0.0, 4, "0 recommended, min 2, but 375 s's 4 is within the window"},
		{676, 4, 4, 0.0, 2, "the window holds only the 2s (0 raised to min 2) from 390 s on"},
	}
	for _, st := range steps {
		if got := a.Recommend(s(st.at), st.current, st.ready, st.metric); got != st.want {
			t.Fatalf("t%d: Recommend(%d, %d, %v) = %d, want %d (%s)", st.at, st.current, st.ready, st.metric, got, st.want, st.why)
		}
	}
}

// TestAutoscalerPeriodStart: changes within the policy's period count
// against it: from 4 with +4 pods or +100% per 60 s, a scale-up to 8 at
// 0 s leaves no room at 15 s (the period started at 4: limit 8), and at
// 61 s the period starts at 8 again.
func TestAutoscalerPeriodStart(t *testing.T) {
	cfg := hpaDefaults(1, 100)
	cfg.UpPeriod = 60 * time.Second
	a, err := NewAutoscaler(cfg, 15*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	s := func(sec int) sim.Time { return sim.Time(time.Duration(sec) * time.Second) }
	if got := a.Recommend(s(0), 4, 4, 5); got != 8 {
		t.Fatalf("t0: %d, want 8 (4 + 100%%)", got)
	}
	if got := a.Recommend(s(15), 8, 4, 5); got != 8 {
		t.Fatalf("t15: %d, want 8 (the period began at 4: limit 8)", got)
	}
	if got := a.Recommend(s(61), 8, 8, 5); got != 16 {
		t.Fatalf("t61: %d, want 16 (a new period from 8)", got)
	}
}

func TestAutoscalerConfigErrors(t *testing.T) {
	for _, c := range []struct {
		mod  func(*AutoscaleConfig)
		want string
	}{
		{func(c *AutoscaleConfig) { c.Target = 0 }, "Target"},
		{func(c *AutoscaleConfig) { c.Min = 0 }, "Min"},
		{func(c *AutoscaleConfig) { c.Max = 1 }, "Max"},
		{func(c *AutoscaleConfig) { c.Tolerance = 1 }, "Tolerance"},
		{func(c *AutoscaleConfig) { c.DownPercent = 101 }, "DownPercent"},
		{func(c *AutoscaleConfig) { c.UpPeriod = 0 }, "UpPeriod"},
	} {
		cfg := hpaDefaults(2, 10)
		c.mod(&cfg)
		_, err := NewAutoscaler(cfg, 15*time.Second)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v", c.want, err)
		}
	}
}

// An HPA on utilisation with a target of 50%: 4 replicas 75% busy ask
// for 6; at 54% (within the 10% tolerance) nothing changes.
func ExampleAutoscaler() {
	a, _ := NewAutoscaler(AutoscaleConfig{Target: 0.5, Min: 1, Max: 10, Tolerance: 0.1,
		UpPercent: 100, UpPods: 4, UpPeriod: 15 * time.Second, DownPercent: 100, DownPeriod: 15 * time.Second}, 15*time.Second)
	fmt.Println(a.Recommend(0, 4, 4, 0.75))
	fmt.Println(a.Recommend(sim.Time(15*time.Second), 6, 6, 0.54))
	// Output:
	// 6
	// 6
}

// TestAutoscalerNotYetReady holds Proportional to the HPA's replica
// calculator with pods not yet ready (replica_calculator.go): on a
// scale-up they count as using nothing, so a ratio over all replicas
// within the tolerance or not above 1 keeps the count, and the count never
// falls below the current one; with a scale-down window of 0, counting the
// ready replicas alone would have scaled down in the middle of a
// scale-up.
func TestAutoscalerNotYetReady(t *testing.T) {
	cfg := hpaDefaults(1, 30)
	cfg.DownWindow = 0
	a, err := NewAutoscaler(cfg, 15*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	s := func(sec int) sim.Time { return sim.Time(time.Duration(sec) * time.Second) }
	steps := []struct {
		at             int
		current, ready int
		metric         float64
		want           int
		why            string
	}{
		{0, 6, 4, 0.6, 6, "4 ready at 1.2 x target with 2 pending: 0.8 over all 6, no change (ready alone: ceil(4.8) = 5, down)"},
		{15, 6, 4, 0.7, 6, "1.4 x target over 4 ready is 0.93 over 6: no change"},
		{30, 6, 4, 0.9, 8, "1.8 x target over 4 ready is 1.2 over 6, past the tolerance: ceil(4 x 1.8) = 8"},
		{45, 8, 4, 0.54, 8, "1.08 over 4 ready is 0.54 over 8: no change"},
		{60, 8, 8, 0.25, 4, "all ready, at half the target: ceil(8 x 0.5) = 4"},
	}
	for _, st := range steps {
		if got := a.Recommend(s(st.at), st.current, st.ready, st.metric); got != st.want {
			t.Fatalf("t%d: Recommend(%d, %d, %v) = %d, want %d (%s)", st.at, st.current, st.ready, st.metric, got, st.want, st.why)
		}
	}
}
