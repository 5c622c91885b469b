package plots

import (
	"math"
	"testing"

	"gonum.org/v1/plot"
)

func TestHumanNumber(t *testing.T) {
	for _, c := range []struct {
		v    float64
		want string
	}{
		{0, "0"}, {1, "1"}, {0.25, "0.25"}, {12, "12"}, {999, "999"},
		{999.6, "1k"}, {1000, "1k"}, {1500, "1.5k"}, {12345, "12.3k"},
		{2e6, "2M"}, {-1500, "-1.5k"}, {0.001234, "0.00123"}, {1.05, "1.05"},
		{math.NaN(), "–"},
	} {
		if got := HumanNumber(c.v); got != c.want {
			t.Errorf("HumanNumber(%v) = %q, want %q", c.v, got, c.want)
		}
	}
}

func TestHumanSeconds(t *testing.T) {
	for _, c := range []struct {
		v    float64
		want string
	}{
		{0, "0"}, {0.00025, "250µs"}, {0.0125, "12.5ms"}, {0.1, "100ms"},
		{1, "1s"}, {1.5, "1.5s"}, {45, "45s"}, {60, "1m"}, {90, "1m30s"},
		{3600, "1h"}, {5400, "1h30m"}, {3e-9, "3ns"}, {-0.5, "-500ms"},
		{0.9999, "1s"},
	} {
		if got := HumanSeconds(c.v); got != c.want {
			t.Errorf("HumanSeconds(%v) = %q, want %q", c.v, got, c.want)
		}
	}
}

func TestTimeTicks(t *testing.T) {
	var labels []string
	for _, tk := range (timeTicks{}).Ticks(0, 300) {
		if tk.Label != "" {
			labels = append(labels, tk.Label)
		}
	}
	want := []string{"0", "1m", "2m", "3m", "4m", "5m"}
	if len(labels) != len(want) {
		t.Fatalf("labels %q, want %q", labels, want)
	}
	for i := range want {
		if labels[i] != want[i] {
			t.Fatalf("labels %q, want %q", labels, want)
		}
	}
	for _, tk := range (timeTicks{hideLabels: true}).Ticks(0, 300) {
		if tk.Label != "" {
			t.Fatalf("hidden labels: got %q", tk.Label)
		}
	}
}

func TestLogTicks(t *testing.T) {
	var labels []string
	for _, tk := range (logTicks{format: humanSeconds}).Ticks(0.001, 10) {
		if tk.Label != "" {
			labels = append(labels, tk.Label)
		}
	}
	want := "1ms 10ms 100ms 1s 10s"
	if got := join(labels); got != want {
		t.Errorf("labels %q, want %q", got, want)
	}
	labels = nil
	for _, tk := range (logTicks{format: humanSeconds}).Ticks(0.01, 0.1) {
		if tk.Label != "" {
			labels = append(labels, tk.Label)
		}
	}
	if got, want := join(labels), "10ms 20ms 50ms 100ms"; got != want {
		t.Errorf("dense labels %q, want %q", got, want)
	}
}

func TestLabelTicksDistinct(t *testing.T) {
	seen := map[string]bool{}
	for _, tk := range numberTicks.Ticks(100000, 100100) {
		if tk.Label == "" {
			continue
		}
		if seen[tk.Label] {
			t.Fatalf("duplicate tick label %q", tk.Label)
		}
		seen[tk.Label] = true
	}
}

func join(s []string) string {
	out := ""
	for i, x := range s {
		if i > 0 {
			out += " "
		}
		out += x
	}
	return out
}

// TestLogTicksFit: a log axis with more decades than its height holds
// labels every second (third...) decade from the lowest, and drops the
// ticks between decades, which would smear into a bar.
func TestLogTicksFit(t *testing.T) {
	labels := func(ts []plot.Tick) (out []string) {
		for _, tk := range ts {
			if tk.Label != "" {
				out = append(out, tk.Label)
			}
		}
		return out
	}
	lt := logTicks{format: humanSeconds}
	if got := labels(lt.Ticks(0.001, 10)); len(got) != 5 {
		t.Errorf("no limit: labels %v, want five decades", got)
	}
	lt.fit = 2
	ts := lt.Ticks(0.001, 10)
	if got := labels(ts); len(got) != 2 || got[0] != "1ms" || got[1] != "1s" {
		t.Errorf("room for 2: labels %v, want [1ms 1s]", got)
	}
	if len(ts) != 5 {
		t.Errorf("room for 2: %d ticks, want the five decades only", len(ts))
	}
	lt.fit = 5
	if got := labels(lt.Ticks(0.001, 10)); len(got) != 5 {
		t.Errorf("room for 5: labels %v, want five", got)
	}
}
