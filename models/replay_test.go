package models

import (
	"fmt"
	"io"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/stampede-sim/stampede/models/config"
	"github.com/stampede-sim/stampede/sim"
)

// memFiles is an Opener over in-memory files.
func memFiles(files map[string]string) sim.Opener {
	return func(name string) (io.ReadCloser, error) {
		s, ok := files[name]
		if !ok {
			return nil, fmt.Errorf("no file %q", name)
		}
		return io.NopCloser(strings.NewReader(s)), nil
	}
}

// replayWorld builds a world of one fast service and one client whose
// replay is r with its data file loaded from text.
func replayWorld(t *testing.T, dur time.Duration, r config.ReplayConfig, text string, arrival ...config.Arrival) *World {
	t.Helper()
	open := memFiles(map[string]string{"f": text})
	switch {
	case r.Timestamps.Path != "":
		if err := r.Timestamps.LoadData(open, "f"); err != nil {
			t.Fatal(err)
		}
	case r.RateCurve.Path != "":
		if err := r.RateCurve.LoadData(open, "f"); err != nil {
			t.Fatal(err)
		}
	}
	cfg := config.Config{
		Duration: dur, Interval: time.Second, Seed: 7,
		Services: []config.ServiceConfig{{Name: "api", Workers: 1000, ServiceTime: sim.Const(time.Microsecond)}},
		Clients:  []config.ClientConfig{{Name: "rec", Target: "api", Replay: r}},
	}
	if len(arrival) > 0 {
		cfg.Clients[0].Arrival = arrival[0]
	}
	w, err := Build(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// launches runs w and returns the instants its calls were launched at.
func launches(t *testing.T, w *World) []sim.Time {
	t.Helper()
	var at []sim.Time
	hooksOf(w).onLaunch = func(_ *edge, c *call) { at = append(at, c.start) }
	if err := w.Run(); err != nil {
		t.Fatal(err)
	}
	return at
}

func ms(v ...float64) []sim.Time {
	out := make([]sim.Time, len(v))
	for i, x := range v {
		out[i] = sim.Time(math.Round(x * 1e6))
	}
	return out
}

func TestReplayTimestamps(t *testing.T) {
	// Recorded arrival times replay exactly, to the nanosecond: shifted to
	// the first (origin first) or not (origin zero), paced by scale, and
	// looped every period.
	const file = "# arrivals\n1733450000.000000001\n1733450000.5\n1733450000.5\n1733450001.250000000\n"
	ts := func(r config.ReplayConfig) config.ReplayConfig { r.Timestamps.Path = "f"; return r }
	for _, tc := range []struct {
		name string
		dur  time.Duration
		r    config.ReplayConfig
		text string
		want []sim.Time
	}{
		{"first", 3 * time.Second, ts(config.ReplayConfig{}), file,
			[]sim.Time{0, 499999999, 499999999, 1249999999}},
		{"zero", 5 * time.Second, ts(config.ReplayConfig{Origin: "zero"}), "0.25\n1\n4.000000007\n9\n",
			[]sim.Time{250 * sim.Time(time.Millisecond), sim.Time(time.Second), 4000000007}},
		{"scale 2", 3 * time.Second, ts(config.ReplayConfig{Origin: "zero", Scale: 2}), "0.25\n1\n4\n",
			ms(125, 500, 2000)},
		{"loop, default period (span + mean gap)", 5 * time.Second, ts(config.ReplayConfig{Loop: true}), "10\n10.5\n11\n",
			ms(0, 500, 1000, 1500, 2000, 2500, 3000, 3500, 4000, 4500)},
		{"loop, period", 5 * time.Second, ts(config.ReplayConfig{Loop: true, Period: 2 * time.Second}), "10\n10.5\n",
			ms(0, 500, 2000, 2500, 4000, 4500)},
		{"rfc3339", 2 * time.Second, ts(config.ReplayConfig{}), "2026-12-06T04:17:03.1Z\n2026-12-06T04:17:03.35Z\n",
			ms(0, 250)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := launches(t, replayWorld(t, tc.dur, tc.r, tc.text))
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("launched at %v, want %v", got, tc.want)
			}
		})
	}
}

func TestReplayRateCurve(t *testing.T) {
	// A rate curve is followed as a schedule: with constant arrivals the
	// count over the run is the integral of the curve (to one call), and
	// step and linear shapes integrate differently; with poisson the
	// count is within 4 standard deviations of it.
	curve := "t,calls_per_s\n100,0\n110,1000\n120,1000\n"
	for _, tc := range []struct {
		name    string
		r       config.ReplayConfig
		arrival config.Arrival
		want    float64 // the curve's integral over the run
	}{
		{"linear", config.ReplayConfig{}, config.Constant, 5000 + 10000 + 10000},
		{"step", config.ReplayConfig{Shape: config.Step}, config.Constant, 0 + 10000 + 10000},
		{"linear, scale 0.5", config.ReplayConfig{Scale: 0.5}, config.Constant, (5000 + 10000 + 10000) / 2},
		{"origin zero: nothing before 100s", config.ReplayConfig{Origin: "zero"}, config.Constant, 0},
		{"loop every 20s", config.ReplayConfig{Loop: true}, config.Constant, 5000 + 10000 + 5000},
		{"poisson", config.ReplayConfig{}, config.Poisson, 25000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.r.RateCurve.Path = "f"
			w := replayWorld(t, 30*time.Second, tc.r, curve, tc.arrival)
			n := float64(len(launches(t, w)))
			tol := 1.0
			if tc.arrival == config.Poisson {
				tol = 4 * math.Sqrt(tc.want)
			}
			if math.Abs(n-tc.want) > tol {
				t.Errorf("%v calls, want %v (within %.0f)", n, tc.want, tol)
			}
		})
	}
}

func TestReplayRateCurveShape(t *testing.T) {
	// The instants of constant arrivals under a linear ramp from 0 to
	// 1000/s over 1 s: the k-th arrival is where the integral 500 t^2
	// reaches k, t = sqrt(k/500).
	r := config.ReplayConfig{}
	r.RateCurve.Path = "f"
	w := replayWorld(t, time.Second, r, "0,0\n1,1000\n", config.Constant)
	got := launches(t, w)
	if len(got) != 499 && len(got) != 500 {
		t.Fatalf("%d calls, want 500", len(got))
	}
	for _, k := range []int{1, 10, 100, 499} {
		want := math.Sqrt(float64(k)/500) * 1e9
		if d := math.Abs(float64(got[k-1]) - want); d > 100 {
			t.Errorf("arrival %d at %v, want %v", k, got[k-1], time.Duration(want))
		}
	}
}

func TestReplayDeterministic(t *testing.T) {
	// The same seed draws the same poisson arrivals inside a curve.
	r := config.ReplayConfig{}
	r.RateCurve.Path = "f"
	a := launches(t, replayWorld(t, 5*time.Second, r, "0,10\n2,500\n4,50\n"))
	b := launches(t, replayWorld(t, 5*time.Second, r, "0,10\n2,500\n4,50\n"))
	if fmt.Sprint(a) != fmt.Sprint(b) || len(a) < 100 {
		t.Errorf("two runs with one seed differ (%d and %d calls)", len(a), len(b))
	}
}

func TestReplayAllocations(t *testing.T) {
	// Replaying timestamps allocates nothing per arrival: the cursor
	// walks varint gaps in place.
	var b strings.Builder
	for i := range 200_000 {
		fmt.Fprintf(&b, "%d.%06d\n", i/1000, i%1000*1000)
	}
	r := config.ReplayConfig{Loop: true}
	r.Timestamps.Path = "f"
	w := replayWorld(t, 1000*time.Second, r, b.String())
	w.Advance(sim.Time(10*time.Second), 1<<62)
	allocs := testing.AllocsPerRun(20, func() {
		w.Advance(w.Now().Add(time.Second), 1<<62)
	})
	if allocs > 5 {
		t.Errorf("%v allocations per simulated second (1000 replayed arrivals), want only the series' growth", allocs)
	}
}
