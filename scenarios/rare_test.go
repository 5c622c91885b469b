package scenarios

import (
	"os"
	"reflect"
	"strings"
	"testing"
	"time"
)

// rareMM1 is the M/M/1 built-in at utilisation 0.5 (500 calls/s against
// a 1 ms server): the queue reaching L within a second is rare, about
// 250 busy periods times 0.5^(L+1) for the chance that one of them climbs
// to L (the embedded random walk's gambler's ruin; Kleinrock 1975).
func rareMM1(t *testing.T) *Scenario {
	t.Helper()
	s, err := LoadBuiltin("mm1")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func rareOpts(levels ...float64) RareOptions {
	return RareOptions{Importance: "queue:server", Levels: levels, Horizon: time.Second,
		Set: []string{"clients.customers.rate=500"}}
}

// TestRareQuick: a small estimate is a probability with an interval
// around it, its stages pooled, and the same at any parallelism and on a
// second call (everything derives from the seed).
func TestRareQuick(t *testing.T) {
	s := rareMM1(t)
	o := rareOpts(3, 6, 9)
	o.Effort, o.Replications, o.Parallel = 40, 4, 1
	a, err := EstimateRare(s, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("p = %g [%g, %g], %d runs, %d events, stages %+v", a.Probability, a.CILow, a.CIHigh, a.Runs, a.Events, a.Stages)
	if !(a.Probability > 0.01 && a.Probability < 0.5 && a.CILow <= a.Probability && a.Probability <= a.CIHigh) {
		t.Errorf("p = %g [%g, %g], want a probability in (0.01, 0.5) inside its interval", a.Probability, a.CILow, a.CIHigh)
	}
	if len(a.Stages) != 3 || a.Stages[0].Started != 160 || a.Runs != 160*3 || a.RelativeError == nil {
		t.Errorf("stages %+v, runs %d, relative error %v", a.Stages, a.Runs, a.RelativeError)
	}
	o.Parallel = 3
	b, err := EstimateRare(s, o)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, b) {
		t.Errorf("parallel 1 and 3 differ:\n%+v\n%+v", a, b)
	}
	seed := uint64(7)
	o.Seed = &seed
	c, err := EstimateRare(s, o)
	if err != nil {
		t.Fatal(err)
	}
	if reflect.DeepEqual(a.Estimates, c.Estimates) {
		t.Errorf("seed 7 gave seed 1's estimates %v", c.Estimates)
	}
}

// TestRareReplay: a trajectory replayed to the event where it reached its
// level is at that level again, whatever salt it branches with: the
// prefix replay that stands in for copying the world is exact.
func TestRareReplay(t *testing.T) {
	s := rareMM1(t)
	cfg, err := s.VariantConfig(BaseName)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Duration = time.Second
	cfg.Clients[0].Rate = 700
	e := &rareRun{cfg: cfg, kind: "queue", name: "server"}
	hits := 0
	for seed := range uint64(40) {
		o := e.run(trajectory{seed: seed}, 8)
		if o.err != nil {
			t.Fatal(o.err)
		}
		if !o.hit {
			continue
		}
		hits++
		for salt := range uint64(3) {
			r := e.run(trajectory{seed: seed, path: []branchPoint{{Events: o.at, Salt: salt}}}, 8)
			if r.err != nil || !r.hit || r.at != o.at {
				t.Fatalf("seed %d: reached 8 after %d events; replayed with salt %d: %+v", seed, o.at, salt, r)
			}
		}
	}
	if hits == 0 {
		t.Fatal("no run reached 8")
	}
}

// TestRareBadInput: an importance function that never moves, a gauge that
// does not exist and levels that do not increase are refused with what
// was found and what to change.
func TestRareBadInput(t *testing.T) {
	s := rareMM1(t)
	for _, c := range []struct {
		o    RareOptions
		want string
	}{
		{RareOptions{Importance: "queue:server", Levels: []float64{1, 2}, Horizon: time.Second, Effort: 10, Replications: 1,
			Set: []string{"services.server.workers=10000"}}, "never moved: it stayed at 0 through all 10 runs"},
		{RareOptions{Importance: "queue:nope", Levels: []float64{1}}, `no service named "nope" (services: server)`},
		{RareOptions{Importance: "depth:server", Levels: []float64{1}}, `no gauge kind "depth"`},
		{RareOptions{Importance: "queue:server", Levels: []float64{2, 1}}, "strictly increasing"},
		{RareOptions{Importance: "queue:server", Levels: []float64{1e9}, Horizon: 100 * time.Millisecond, Effort: 4, Replications: 1},
			"no run reached the first level 1e+09"},
	} {
		_, err := EstimateRare(s, c.o)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want %q", c.o, err, c.want)
		}
	}
}

// TestRareAgainstBruteForce: where brute force can still count it (about
// 3e-3: the queue reaching 15 within a second at utilisation 0.5), the
// splitting estimate's 95% interval and the brute-force Wilson interval
// overlap.
func TestRareAgainstBruteForce(t *testing.T) {
	if os.Getenv("STAMPEDE_LONG") == "" {
		t.Skip("about 10 s of runs: set STAMPEDE_LONG=1 to run it (.ci/run does)")
	}
	o := rareOpts(3, 6, 9, 12, 15)
	o.Effort, o.Replications, o.Brute = 200, 10, 10000
	r, err := EstimateRare(rareMM1(t), o)
	if err != nil {
		t.Fatal(err)
	}
	b := r.Brute
	t.Logf("splitting %g [%g, %g] (RE %.3f, %d runs); brute force %d/%d = %g [%g, %g]",
		r.Probability, r.CILow, r.CIHigh, *r.RelativeError, r.Runs, b.Hits, b.Runs, b.Probability, b.CILow, b.CIHigh)
	if b.Hits < 10 || r.Probability < 1e-3 || r.Probability > 1e-2 {
		t.Fatalf("want a probability between 1e-3 and 1e-2 that brute force sees at least 10 times")
	}
	if r.CILow > b.CIHigh || b.CILow > r.CIHigh {
		t.Errorf("the intervals do not overlap")
	}
}

// BenchmarkRareTrajectory is one trajectory of TestRareAgainstBruteForce's
// last stage: a replayed prefix to the state where the queue reached 12,
// a branch, and the rest of the second read event by event.
func BenchmarkRareTrajectory(b *testing.B) {
	s, err := LoadBuiltin("mm1")
	if err != nil {
		b.Fatal(err)
	}
	cfg, err := s.VariantConfig(BaseName)
	if err != nil {
		b.Fatal(err)
	}
	cfg.Duration = time.Second
	cfg.Clients[0].Rate = 500
	e := &rareRun{cfg: cfg, kind: "queue", name: "server"}
	var t trajectory
	for seed := range uint64(10000) {
		if o := e.run(trajectory{seed: seed}, 12); o.hit {
			t = trajectory{seed: seed, path: []branchPoint{{Events: o.at, Salt: 1}}}
			break
		}
	}
	if t.path == nil {
		b.Fatal("no run reached 12")
	}
	b.ReportAllocs()
	var events uint64
	for i := 0; i < b.N; i++ {
		t.path[0].Salt = uint64(i)
		events += e.run(t, 15).events
	}
	b.ReportMetric(float64(events)/float64(b.N), "events/op")
}

// TestRareValidatesWhatItRuns: --set faults=[] takes metastable-retries'
// trigger away, which leaves its variant stable-load (it sets
// faults.0.factor) and nothing else invalid: the base estimates, and
// stable-load is refused by name.
func TestRareValidatesWhatItRuns(t *testing.T) {
	s, err := LoadBuiltin("metastable-retries")
	if err != nil {
		t.Fatal(err)
	}
	o := RareOptions{Importance: "in_system:api", Levels: []float64{20, 30}, Horizon: time.Second,
		Effort: 4, Replications: 1, Set: []string{"faults=[]"}}
	r, err := EstimateRare(s, o)
	if err != nil {
		t.Fatalf("base without faults: %v", err)
	}
	if r.Runs == 0 {
		t.Errorf("no runs: %+v", r)
	}
	o.Variant = "stable-load"
	_, err = EstimateRare(s, o)
	if want := `variant stable-load, the one this estimate runs, is not valid with these --set: builtin/metastable-retries.toml (with --set): variants[stable-load].set."faults.0.factor": faults has no entries`; err == nil || err.Error() != "rare: "+want {
		t.Errorf("stable-load without faults: %v, want %q", err, want)
	}
}

// TestRareAdaptiveLevels: given only the target, a pilot places the
// levels (strictly increasing, ending at the target, each reached by
// about a fifth of the pilot's stage), the same at any parallelism; the
// estimate's runs are its own, the pilot's counted apart.
func TestRareAdaptiveLevels(t *testing.T) {
	s := rareMM1(t)
	target := 9.0
	o := RareOptions{Importance: "queue:server", Target: &target, Horizon: time.Second,
		Set: []string{"clients.customers.rate=500"}, Effort: 40, Replications: 4, Parallel: 1}
	a, err := EstimateRare(s, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("levels %v, p = %g [%g, %g], pilot %+v, stages %+v", a.Levels, a.Probability, a.CILow, a.CIHigh, a.Pilot, a.Stages)
	if n := len(a.Levels); n < 2 || a.Levels[n-1] != target || a.Pilot == nil || a.Pilot.Effort != 40 || a.Pilot.Runs != 40*n {
		t.Fatalf("levels %v, pilot %+v: want two or more levels ending at 9, placed by %d pilot stages of 40", a.Levels, a.Pilot, n)
	}
	for i := 1; i < len(a.Levels); i++ {
		if a.Levels[i] <= a.Levels[i-1] {
			t.Errorf("levels %v do not increase", a.Levels)
		}
	}
	if a.Runs != 40*4*len(a.Levels) || !(a.Probability > 0.01 && a.Probability < 0.5) {
		t.Errorf("runs %d, p = %g", a.Runs, a.Probability)
	}
	o.Parallel = 3
	if b, err := EstimateRare(s, o); err != nil || !reflect.DeepEqual(a, b) {
		t.Errorf("parallel 1 and 3 differ (%v):\n%+v\n%+v", err, a, b)
	}
	for _, c := range []struct {
		o    RareOptions
		want string
	}{
		{RareOptions{Importance: "queue:server"}, "give the rare state with --target X"},
		{RareOptions{Importance: "queue:server", Target: &target, Levels: []float64{3}}, "not both"},
		{RareOptions{Importance: "queue:server", Levels: []float64{3}, Pilot: 10}, "give --target instead of --levels"},
		{RareOptions{Importance: "queue:server", Target: &target, Pilot: 1}, "--pilot 1 must be in [2, 1000000]"},
		{RareOptions{Importance: "queue:server", Target: &target, Horizon: time.Second, Effort: 10, Replications: 1,
			Set: []string{"services.server.workers=10000"}}, "never moved: it stayed at 0 through all 10 pilot runs"},
	} {
		if _, err := EstimateRare(s, c.o); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want %q", c.o, err, c.want)
		}
	}
}

// TestRareAdaptiveAgainstBruteForce: with levels placed by the pilot,
// where brute force can still count it (the queue reaching 15 within a
// second at utilisation 0.5, about 4e-3; and 18, about 5e-4), the
// splitting estimate's 95% interval and the brute-force Wilson interval
// overlap.
func TestRareAdaptiveAgainstBruteForce(t *testing.T) {
	if os.Getenv("STAMPEDE_LONG") == "" {
		t.Skip("about 40 s of runs: set STAMPEDE_LONG=1 to run it (.ci/run does)")
	}
	for _, c := range []struct {
		target float64
		brute  int
	}{{15, 10000}, {18, 40000}} {
		o := RareOptions{Importance: "queue:server", Target: &c.target, Horizon: time.Second,
			Set: []string{"clients.customers.rate=500"}, Effort: 200, Replications: 10, Brute: c.brute}
		r, err := EstimateRare(rareMM1(t), o)
		if err != nil {
			t.Fatal(err)
		}
		b := r.Brute
		t.Logf("target %g: levels %v; splitting %g [%g, %g] (RE %.3f, %d runs + %d pilot); brute force %d/%d = %g [%g, %g]",
			c.target, r.Levels, r.Probability, r.CILow, r.CIHigh, *r.RelativeError, r.Runs, r.Pilot.Runs, b.Hits, b.Runs, b.Probability, b.CILow, b.CIHigh)
		if b.Hits < 10 || r.Probability < 1e-4 || r.Probability > 1e-2 {
			t.Fatalf("target %g: want a probability between 1e-4 and 1e-2 that brute force sees at least 10 times", c.target)
		}
		if r.CILow > b.CIHigh || b.CILow > r.CIHigh {
			t.Errorf("target %g: the intervals do not overlap", c.target)
		}
	}
}
