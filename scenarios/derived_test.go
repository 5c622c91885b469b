package scenarios

import (
	"strings"
	"testing"
)

// A burst of 100 calls at one instant, 100 ms intervals: the busiest
// interval holds all 100 arrivals, a peak of 1000/s, while the run's mean
// rate is 100 calls over 3 s.
const peakScenario = `
duration = "3s"
interval = "100ms"
[[services]]
name = "api"
workers = 10
service_time = "10ms"
[[caches]]
name = "c"
backend = "api"
keys = 1000
[[clients]]
name = "direct"
target = "api"
burst = { size = 100, every = "1h", start = "1s" }
[[clients]]
name = "cached"
target = "c"
rate = 10
arrival = "constant"
[[expect]]
metric = "peak.services.api.arrivals"
min = 1000
`

func TestPeakMetrics(t *testing.T) {
	s := mustLoad(t, "peak.toml", peakScenario)
	res, err := Run(s, Options{})
	if err != nil {
		t.Fatal(err)
	}
	r := &res.Rows[0]
	for metric, want := range map[string]float64{
		// the burst; one call per interval from the cached client, a miss
		// (1000 keys, about 20 calls) in most intervals
		"peak.clients.direct.attempts": 1000,
		"peak.clients.cached.attempts": 10,
		"peak.edges.c->api.attempts":   10,
		"peak.caches.c.misses":         10,
	} {
		got, ok := r.Number(metric)
		if !ok || got != want {
			t.Errorf("%s = %v (ok %v), want %v", metric, got, ok, want)
		}
	}
	// the api sees the burst and the cache's misses: 100 or 101 in the
	// busiest interval
	if got, _ := r.Number("peak.services.api.arrivals"); got != 1000 && got != 1010 {
		t.Errorf("peak.services.api.arrivals = %v, want 1000 or 1010", got)
	}
	if got, _ := r.Number("peak.attempts"); got != 1000 && got != 1010 {
		t.Errorf("peak.attempts = %v, want 1000 or 1010", got)
	}
	if mean, _ := r.Number("services.api.arrived"); mean > 200 {
		t.Errorf("services.api.arrived = %v, want about 130", mean)
	}
	if f := res.Failed(); len(f) > 0 {
		t.Errorf("claim on the peak fails: %+v", f)
	}
	if !strings.Contains(string(r.SummaryJSON()), `"peak"`) {
		t.Errorf("the JSON summary has no peak object:\n%s", r.SummaryJSON())
	}

	// With replications the peak is the mean of the runs' peaks (each run
	// has the same burst: 1000 or 1010).
	res, err = Run(s, Options{Replications: 3})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := res.Rows[0].Number("peak.clients.direct.attempts"); got != 1000 {
		t.Errorf("3 replications: peak.clients.direct.attempts = %v, want 1000", got)
	}
}

func TestPeakMetricNames(t *testing.T) {
	bad := strings.Replace(peakScenario, `metric = "peak.services.api.arrivals"`, `metric = "peak.services.apii.arrivals"`, 1)
	_, err := Load("peak.toml", []byte(bad))
	if err == nil || !strings.Contains(err.Error(), "peak.services.apii.arrivals") {
		t.Fatalf("a claim on the peak of a service that does not exist: got %v, want an error naming the metric", err)
	}
	for _, m := range []string{"peak.attempts", "peak.edges.c->api.attempts", "peak.caches.c.misses", "peak.clients.cached.attempts"} {
		src := strings.Replace(peakScenario, `peak.services.api.arrivals`, m, 1)
		if _, err := Load("peak.toml", []byte(src)); err != nil {
			t.Errorf("claim on %s: %v", m, err)
		}
	}
}

// A 2x overload for the middle 10 s of 30 s, 1 s intervals: during it the
// offered load is 2,000 calls/s and goodput the 1,000/s the server can
// serve; before and after, 1,000 offered and served.
const windowScenario = `
duration = "30s"
interval = "1s"
[[services]]
name = "api"
workers = 10
queue = { limit = 0 }
service_time = "10ms"
[[clients]]
name = "users"
target = "api"
rate = 500
arrival = "constant"
[[faults]]
kind = "load_spike"
target = "users"
at = "10s"
for = "10s"
factor = 4
`

func TestFaultWindowMetrics(t *testing.T) {
	s := mustLoad(t, "window.toml", windowScenario)
	res, err := Run(s, Options{})
	if err != nil {
		t.Fatal(err)
	}
	r := &res.Rows[0]
	near := func(metric string, want, tol float64) {
		t.Helper()
		got, ok := r.Number(metric)
		if !ok || got < want-tol || got > want+tol {
			t.Errorf("%s = %v (ok %v), want %v ± %v", metric, got, ok, want, tol)
		}
	}
	// constant arrivals at 2,000/s against 10 workers of 10 ms with no
	// waiting room: the server takes 1,000/s and rejects the rest
	near("during_faults.offered", 2000, 1)
	near("during_faults.goodput", 1000, 10)
	near("during_faults.goodput_ratio", 2, 0.05)
	near("after_faults.offered", 500, 1)
	near("after_faults.goodput", 500, 1)
	near("after_faults.goodput_ratio", 1, 0.01)

	// the windows themselves, for figures drawn from summary.json; with
	// replications, the first replication's
	for _, reps := range []int{1, 3} {
		res, err := Run(s, Options{Replications: reps})
		if err != nil {
			t.Fatal(err)
		}
		got := string(res.Rows[0].summary.get("faults").encode(nil, "", 0))
		if want := `[{"kind":"load_spike","target":"users","start_s":10,"end_s":20}]`; got != want {
			t.Errorf("%d replications: faults %s, want %s", reps, got, want)
		}
	}

	// without faults, and with an instantaneous fault, there is no window
	noFault := mustLoad(t, "nofault.toml", windowScenario[:strings.Index(windowScenario, "[[faults]]")])
	res, err = Run(noFault, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []string{"during_faults.goodput", "after_faults.goodput", "after_faults.goodput_ratio"} {
		if v, ok := res.Rows[0].Value(m); !ok || v != nil {
			t.Errorf("no faults: %s = %v (found %v), want null", m, v, ok)
		}
	}
	if f := res.Rows[0].summary.get("faults"); f == nil || f.kind != jArr || len(f.vals) != 0 {
		t.Errorf("no faults: faults %v, want an empty list", f)
	}
	restart := strings.Replace(windowScenario, `kind = "load_spike"`, `kind = "client_restart"`, 1)
	restart = strings.Replace(restart, "factor = 4\n", "calls = 10\n", 1)
	res, err = Run(mustLoad(t, "restart.toml", restart), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := res.Rows[0].Value("during_faults.goodput"); !ok || v != nil {
		t.Errorf("instantaneous fault: during_faults.goodput = %v (found %v), want null", v, ok)
	}
	if v, _ := res.Rows[0].Number("after_faults.goodput"); v < 499 || v > 501 {
		t.Errorf("instantaneous fault: after_faults.goodput = %v, want 500", v)
	}
}

// recoveryBase is a calm service for the recovery tests, 20 s long.
const recoveryBase = `
duration = "20s"
interval = "1s"
[[services]]
name = "api"
workers = 4
service_time = "exp(10ms)"
[[clients]]
name = "users"
target = "api"
rate = 100
`

// TestRecoveryNulls: what a run did not measure is null, never 0. Without
// faults the recovery has no fault window and no baseline; with a fault at
// the start it has a window but no baseline; otherwise both.
func TestRecoveryNulls(t *testing.T) {
	window := []string{"recovery.warmup_s", "recovery.first_fault_s", "recovery.fault_end_s"}
	baseline := []string{"recovery.baseline_goodput", "recovery.baseline_offered", "recovery.threshold"}
	for _, tc := range []struct {
		name, faults   string
		window, baseln bool
	}{
		{"no faults", "", false, false},
		{"fault at the start", "[[faults]]\nkind = \"slowdown\"\ntarget = \"api\"\nfactor = 2\nat = \"0s\"\nfor = \"2s\"\n", true, false},
		{"fault later", "[[faults]]\nkind = \"slowdown\"\ntarget = \"api\"\nfactor = 2\nat = \"5s\"\nfor = \"2s\"\n", true, true},
	} {
		s := mustLoad(t, "nulls.toml", recoveryBase+tc.faults)
		res, err := Run(s, Options{})
		if err != nil {
			t.Fatal(err)
		}
		r := &res.Rows[0]
		check := func(paths []string, want bool) {
			for _, p := range paths {
				if _, ok := r.Number(p); ok != want {
					t.Errorf("%s: %s measured = %v, want %v", tc.name, p, ok, want)
				}
			}
		}
		check(window, tc.window)
		check(baseline, tc.baseln)
		if _, ok := r.Number("recovery.tolerance"); !ok {
			t.Errorf("%s: recovery.tolerance (a setting) is null", tc.name)
		}
	}
}

// TestRecoveryWarmupZero: an explicit recovery.warmup = "0s" skips
// nothing; left out, the warm-up is a fifth of the time before the first
// fault.
func TestRecoveryWarmupZero(t *testing.T) {
	const src = recoveryBase + `[[faults]]
kind = "slowdown"
target = "api"
factor = 2
at = "10s"
for = "2s"
`
	for _, tc := range []struct {
		extra string
		want  float64
	}{{"", 2}, {"[recovery]\nwarmup = \"0s\"\n", 0}, {"[recovery]\nwarmup = \"5s\"\n", 5}} {
		res, err := Run(mustLoad(t, "warm.toml", src+tc.extra), Options{})
		if err != nil {
			t.Fatal(err)
		}
		if got, ok := res.Rows[0].Number("recovery.warmup_s"); !ok || got != tc.want {
			t.Errorf("%q: warmup_s = %v (ok %v), want %v", tc.extra, got, ok, tc.want)
		}
	}
}
