package models

import (
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stampede-sim/stampede/models/config"
	"github.com/stampede-sim/stampede/models/results"
	"github.com/stampede-sim/stampede/sim"
)

// Validation against queueing theory (../shared/REFERENCES.md §15). Every
// closed form is written out here; nothing is copied from another
// simulator. Each estimate comes from 20 independent replications; the
// theoretical value must lie inside the confidence interval of the mean
// (Student t; simultaneous 95% intervals over the suite's checks, see
// familyChecks), and the relative error must stay under a sanity bound.
// The runs are deterministic, so these tests cannot flake: they fail only
// if the model (or the derivation of its random numbers) changes.

// replications is the number of independent runs per estimate: 20 rather
// than the minimum of 10, so that the standard deviation behind each
// confidence interval is itself well estimated.
const replications = 20

// scale returns the size of one replication for a test sized as n for 10
// replications (customers, or seconds). The sizes are the same with and
// without the race detector, so both see the same runs; -short skips
// these tests.
//
// Each check is a 95% interval, so about one check in twenty would fail by
// chance on an arbitrary seed set: the seeds here are fixed (derived from
// the test's name), so the outcome is deterministic, and a change to how
// random numbers are derived re-draws them. Before blaming chance for a
// failure, run the large version (STAMPEDE_VALIDATE_REPS=200 go test -run
// Theory ./models/), whose intervals are about three times narrower.
//
// The default go test ./... runs only the validations in quickTheory (a
// second or two); the others run with STAMPEDE_LONG set (.ci/run sets it).
func scale(t *testing.T, n int) int {
	if testing.Short() {
		t.Skip("validation against queueing theory: long")
	}
	if root, _, _ := strings.Cut(t.Name(), "/"); !longTests() && !quickTheory[root] {
		t.Skip("validation against queueing theory: set STAMPEDE_LONG=1 to run it (.ci/run does)")
	}
	return n * 10 / replications
}

// quickTheory are the validations against queueing theory that the
// default go test ./... runs: M/M/1 and M/M/c, the quickest.
var quickTheory = map[string]bool{"TestTheoryMM1": true, "TestTheoryMMc": true}

// longTests says whether the long validations run: STAMPEDE_LONG is set.
func longTests() bool { return os.Getenv("STAMPEDE_LONG") != "" }

// familyChecks is the number of interval checks (checkTheory calls, a
// subtest counting once per run) in the validation suite. Each interval
// has confidence 1 - 0.05/familyChecks (Bonferroni), so that together they
// are simultaneous 95% confidence intervals: a correct model passes the
// whole suite with probability at least 95% whatever the seeds, where 27
// separate 95% intervals would each fail one time in twenty.
const familyChecks = 29

// tQuantile returns the p-quantile of Student's t with df degrees of
// freedom, by the Cornish-Fisher expansion around the normal quantile
// (Abramowitz and Stegun 26.7.5); TestTQuantile holds it to the table.
func tQuantile(p float64, df int) float64 {
	z := math.Sqrt2 * math.Erfinv(2*p-1)
	v := float64(df)
	z2 := z * z
	g1 := (z2 + 1) * z / 4
	g2 := ((5*z2+16)*z2 + 3) * z / 96
	g3 := (((3*z2+19)*z2+17)*z2 - 15) * z / 384
	g4 := ((((79*z2+776)*z2+1482)*z2-1920)*z2 - 945) * z / 92160
	return z + g1/v + g2/(v*v) + g3/(v*v*v) + g4/(v*v*v*v)
}

// meanCI returns the mean of xs and the half-width of its simultaneous
// 95% confidence interval (Student t at 1 - 0.05/familyChecks).
func meanCI(xs []float64) (mean, half float64) {
	n := float64(len(xs))
	for _, x := range xs {
		mean += x
	}
	mean /= n
	var ss float64
	for _, x := range xs {
		ss += (x - mean) * (x - mean)
	}
	sd := math.Sqrt(ss / (n - 1))
	q := tQuantile(1-0.05/familyChecks/2, len(xs)-1)
	return mean, q * sd / math.Sqrt(n)
}

// checkTheory fails unless theory is inside the simultaneous 95% CI of
// xs and the relative error of the mean is under relTol.
func checkTheory(t *testing.T, name string, xs []float64, theory, relTol float64) {
	t.Helper()
	m, h := meanCI(xs)
	rel := math.Abs(m-theory) / math.Abs(theory)
	t.Logf("%-28s theory %.6g  estimate %.6g ± %.3g  (rel. error %.2f%%)", name, theory, m, h, 100*rel)
	if math.Abs(m-theory) > h {
		t.Errorf("%s: theory %.6g outside the simultaneous 95%% CI %.6g ± %.3g", name, theory, m, h)
	}
	if rel > relTol {
		t.Errorf("%s: relative error %.2f%% over the sanity bound %.1f%%", name, 100*rel, 100*relTol)
	}
}

func TestTQuantile(t *testing.T) {
	// Student t quantiles from the standard tables (0.975 for df 5..30;
	// 0.995 and 0.9995 for df 10, 19, 30).
	t975 := map[int]float64{5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262, 10: 2.228, 15: 2.131,
		19: 2.093, 20: 2.086, 25: 2.060, 29: 2.045, 30: 2.042}
	for df, want := range t975 {
		if got := tQuantile(0.975, df); math.Abs(got-want) > 0.002 {
			t.Errorf("t(0.975, %d) = %.4f, want %.3f", df, got, want)
		}
	}
	for _, c := range []struct {
		p    float64
		df   int
		want float64
	}{{0.995, 10, 3.169}, {0.995, 19, 2.861}, {0.995, 30, 2.750}, {0.9995, 10, 4.587}, {0.9995, 19, 3.883}, {0.9995, 30, 3.646}} {
		if got := tQuantile(c.p, c.df); math.Abs(got-c.want)/c.want > 0.005 {
			t.Errorf("t(%v, %d) = %.4f, want %.3f", c.p, c.df, got, c.want)
		}
	}
}

// runReps builds and runs cfg(seed) for replications seeds derived from
// the test's name, so that no two tests share random streams (their
// estimates are independent). STAMPEDE_VALIDATE_REPS overrides the number
// of replications.
func runReps(t *testing.T, cfg func(seed uint64) config.Config) []*results.Results {
	t.Helper()
	var rs []*results.Results
	base := hashName(t.Name())
	reps := replications
	if v, err := strconv.Atoi(os.Getenv("STAMPEDE_VALIDATE_REPS")); err == nil && v >= 2 {
		reps = v
	}
	for i := uint64(1); i <= uint64(reps); i++ {
		w, err := Build(cfg(seq(base, i)))
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Run(); err != nil {
			t.Fatal(err)
		}
		rs = append(rs, w.Results())
	}
	return rs
}

func collect(rs []*results.Results, f func(*results.Results) float64) []float64 {
	xs := make([]float64, len(rs))
	for i, r := range rs {
		xs[i] = f(r)
	}
	return xs
}

// queueConfig is one open Poisson client at lam calls/s on one service
// with c workers, service time dist and the given queue limit (nil:
// unbounded), run for about n customers.
func queueConfig(seed uint64, n int, lam float64, c int, dist string, limit *int) config.Config {
	return config.Config{
		Duration: time.Duration(float64(n) / lam * 1e9),
		Interval: 10 * time.Second,
		Seed:     seed,
		Services: []config.ServiceConfig{{Name: "q", Workers: c, Queue: config.QueueConfig{Limit: limit}, ServiceTime: sim.MustParseDist(dist)}},
		Clients:  []config.ClientConfig{{Name: "arrivals", Target: "q", Rate: lam}},
	}
}

// erlangC is the probability of waiting in M/M/c with offered load a
// Erlangs (stable evaluation through Erlang B).
func erlangC(c int, a float64) float64 {
	b := 1.0
	for k := 1; k <= c; k++ {
		b = a * b / (float64(k) + a*b)
	}
	rho := a / float64(c)
	return b / (1 - rho*(1-b))
}

func TestTheoryMM1(t *testing.T) {
	// M/M/1, lam = 0.8, mu = 1, in units of 1ms: rho = 0.8,
	// Wq = rho/(mu-lam) = 4ms, W = 1/(mu-lam) = 5ms, L = rho/(1-rho) = 4.
	n := scale(t, 200_000)
	rs := runReps(t, func(seed uint64) config.Config { return queueConfig(seed, n, 800, 1, "exp(1ms)", nil) })
	q := func(r *results.Results) results.ServiceSummary { return r.Summary.Services["q"] }
	checkTheory(t, "M/M/1 Wq (s)", collect(rs, func(r *results.Results) float64 { return q(r).Wait.Mean }), 0.004, 0.05)
	checkTheory(t, "M/M/1 W (s)", collect(rs, func(r *results.Results) float64 { return q(r).Sojourn.Mean }), 0.005, 0.05)
	checkTheory(t, "M/M/1 W, client latency (s)", collect(rs, func(r *results.Results) float64 { return r.Summary.Latency.Mean }), 0.005, 0.05)
	checkTheory(t, "M/M/1 utilisation", collect(rs, func(r *results.Results) float64 { return q(r).Utilization }), 0.8, 0.01)
	checkTheory(t, "M/M/1 L", collect(rs, func(r *results.Results) float64 { return q(r).InSystem.Mean }), 4, 0.05)
	// Under FCFS the sojourn time is Exp(mu-lam): p90 = ln(10)/(mu-lam).
	checkTheory(t, "M/M/1 p90 latency (s)", collect(rs, func(r *results.Results) float64 { return r.Summary.Latency.P90 }), math.Log(10)*0.005, 0.05)
}

func TestTheoryMMc(t *testing.T) {
	// M/M/10, lam = 8, mu = 1 (units of 10ms): C(10, 8) = 0.40918,
	// Wq = C/(c mu - lam) = 0.20459, W = Wq + 1/mu = 1.20459.
	c, a := 10, 8.0
	C := erlangC(c, a)
	if math.Abs(C-0.40918) > 5e-5 {
		t.Fatalf("erlangC(10, 8) = %v, REFERENCES §15 says 0.40918", C)
	}
	unit := 0.010
	wq := C / (float64(c) - a) * unit
	n := scale(t, 200_000)
	rs := runReps(t, func(seed uint64) config.Config { return queueConfig(seed, n, a/unit, c, "exp(10ms)", nil) })
	q := func(r *results.Results) results.ServiceSummary { return r.Summary.Services["q"] }
	checkTheory(t, "M/M/10 Wq (s)", collect(rs, func(r *results.Results) float64 { return q(r).Wait.Mean }), wq, 0.05)
	checkTheory(t, "M/M/10 W (s)", collect(rs, func(r *results.Results) float64 { return q(r).Sojourn.Mean }), wq+unit, 0.02)
	checkTheory(t, "M/M/10 utilisation", collect(rs, func(r *results.Results) float64 { return q(r).Utilization }), a/float64(c), 0.01)
	checkTheory(t, "M/M/10 Lq", collect(rs, func(r *results.Results) float64 { return q(r).QueueLength.Mean }), a/unit*wq, 0.05)
}

func TestTheoryMD1(t *testing.T) {
	// M/D/1 at rho = 0.8, E[S] = 1ms: Pollaczek-Khinchine with Cs^2 = 0,
	// Wq = rho E[S] / (2 (1 - rho)) = 2ms.
	n := scale(t, 200_000)
	rs := runReps(t, func(seed uint64) config.Config { return queueConfig(seed, n, 800, 1, "1ms", nil) })
	q := func(r *results.Results) results.ServiceSummary { return r.Summary.Services["q"] }
	checkTheory(t, "M/D/1 Wq (s)", collect(rs, func(r *results.Results) float64 { return q(r).Wait.Mean }), 0.002, 0.05)
	checkTheory(t, "M/D/1 W (s)", collect(rs, func(r *results.Results) float64 { return q(r).Sojourn.Mean }), 0.003, 0.05)
}

func TestTheoryMG1Lognormal(t *testing.T) {
	// M/G/1 with lognormal service (median 1ms, sigma 0.8) at rho = 0.7:
	// Wq = rho E[S] (1 + Cs^2) / (2 (1 - rho)), Cs^2 = Var/E[S]^2.
	d := sim.MustParseDist("lognormal(1ms, 0.8)")
	es, cs2 := d.Mean(), d.Variance()/(d.Mean()*d.Mean())
	if want := math.Exp(0.64) - 1; math.Abs(cs2-want) > 1e-9 {
		t.Fatalf("lognormal Cs^2 = %v, want exp(sigma^2)-1 = %v", cs2, want)
	}
	rho := 0.7
	lam := rho / es
	wq := rho * es * (1 + cs2) / (2 * (1 - rho))
	n := scale(t, 200_000)
	rs := runReps(t, func(seed uint64) config.Config { return queueConfig(seed, n, lam, 1, d.String(), nil) })
	q := func(r *results.Results) results.ServiceSummary { return r.Summary.Services["q"] }
	checkTheory(t, "M/G/1 lognormal Wq (s)", collect(rs, func(r *results.Results) float64 { return q(r).Wait.Mean }), wq, 0.05)
	checkTheory(t, "M/G/1 lognormal W (s)", collect(rs, func(r *results.Results) float64 { return q(r).Sojourn.Mean }), wq+es, 0.05)
	checkTheory(t, "M/G/1 lognormal utilisation", collect(rs, func(r *results.Results) float64 { return q(r).Utilization }), rho, 0.01)
}

// mmcK returns the blocking probability and mean number in system of
// M/M/c/K with offered load a Erlangs (K counts those in service).
func mmcK(c, k int, a float64) (block, l float64) {
	rho := a / float64(c)
	p := make([]float64, k+1)
	p[0] = 1
	for n := 1; n <= k; n++ {
		if n <= c {
			p[n] = p[n-1] * a / float64(n)
		} else {
			p[n] = p[n-1] * rho
		}
	}
	var sum float64
	for _, x := range p {
		sum += x
	}
	for n := range p {
		p[n] /= sum
		l += float64(n) * p[n]
	}
	return p[k], l
}

func TestTheoryMMcK(t *testing.T) {
	// The formula against REFERENCES §15's vectors first.
	if b, l := mmcK(1, 3, 0.8); math.Abs(b-0.173442) > 1e-6 || math.Abs(l-1.224932) > 1e-6 {
		t.Fatalf("M/M/1/3: block %v L %v, want 0.173442 and 1.224932", b, l)
	}
	if b, _ := mmcK(10, 10, 8); math.Abs(b-0.121661) > 1e-6 {
		t.Fatalf("Erlang B(10, 8) = %v, want 0.121661", b)
	}
	for _, tc := range []struct {
		c, k int
		a    float64
	}{
		{1, 3, 0.8},   // M/M/1/3: limit = 2 waiting
		{2, 5, 2.4},   // overloaded: rho = 1.2, kept finite by K
		{10, 10, 8.0}, // Erlang B: limit = 0, no waiting room
	} {
		t.Run(fmt.Sprintf("M/M/%d/%d", tc.c, tc.k), func(t *testing.T) {
			block, l := mmcK(tc.c, tc.k, tc.a)
			lam := tc.a / 0.001 // mu = 1/ms
			n := scale(t, 150_000)
			rs := runReps(t, func(seed uint64) config.Config {
				return queueConfig(seed, n, lam, tc.c, "exp(1ms)", config.Limit(tc.k-tc.c))
			})
			q := func(r *results.Results) results.ServiceSummary { return r.Summary.Services["q"] }
			checkTheory(t, "blocking probability", collect(rs, func(r *results.Results) float64 {
				return float64(q(r).Rejected) / float64(q(r).Arrived)
			}), block, 0.05)
			checkTheory(t, "L", collect(rs, func(r *results.Results) float64 { return q(r).InSystem.Mean }), l, 0.03)
			checkTheory(t, "queue_full share of calls", collect(rs, func(r *results.Results) float64 {
				return float64(r.Summary.Failed["queue_full"]) / float64(r.Summary.Calls)
			}), block, 0.05)
		})
	}
}

// multiTier is edge -> api (3 replicas, p2c) -> {db, auth} in parallel,
// with network latency, an LRU cache in front of db, and errors. Arrivals
// stop 2s before the end, so that every request has left every service
// when the run ends.
func multiTier(seed uint64, n int) config.Config {
	const rate = 400.0
	dur := time.Duration(float64(n)/rate*1e9) + 2*time.Second
	return config.Config{
		Duration: dur,
		Interval: time.Second,
		Seed:     seed,
		Services: []config.ServiceConfig{
			{Name: "edge", Workers: 16, ServiceTime: sim.MustParseDist("exp(200us)"),
				Calls: []config.CallConfig{{Target: "api", Link: config.LinkConfig{Latency: sim.MustParseDist("uniform(100us, 300us)")}}}},
			{Name: "api", Replicas: 3, Workers: 2, Balancer: config.PowerOfTwo, ServiceTime: sim.MustParseDist("exp(2ms)"),
				Queue: config.QueueConfig{Limit: config.Limit(20)}, Fanout: config.Parallel, ErrorRate: 0.01,
				Calls: []config.CallConfig{{Target: "dbcache"}, {Target: "auth", Count: 2}}},
			{Name: "db", Workers: 4, ServiceTime: sim.MustParseDist("lognormal(3ms, 0.5)")},
			{Name: "auth", Replicas: 2, Workers: 2, Balancer: config.LeastOutstanding, ServiceTime: sim.MustParseDist("erlang(2, 1ms)"), Queue: config.QueueConfig{Order: config.LIFO}},
		},
		Caches: []config.CacheConfig{{Name: "dbcache", Backend: "db", Keys: 10_000, Zipf: 1.1, TTL: 2 * time.Second,
			HitLatency: sim.MustParseDist("100us"), Capacity: 2000}},
		Clients: []config.ClientConfig{{Name: "users", Target: "edge", Rate: rate,
			Schedule: []config.RatePoint{{At: dur - 2*time.Second, Rate: 0}},
			Link:     config.LinkConfig{Latency: sim.MustParseDist("exp(1ms)")}}},
	}
}

func TestTheoryLittleMultiTier(t *testing.T) {
	// Little's law L = lambda W for every service: L the time-weighted
	// number in the service, lambda the admitted arrival rate, W the mean
	// time in the service of the requests it served. On a sample path that
	// starts and ends empty it holds exactly (both sides are the area
	// under the number-in-system curve), so each run must match to
	// rounding, not just the mean over runs.
	n := 50_000 // an exact law: short runs check it as well as long ones
	if testing.Short() || !longTests() {
		n = 2_000
	}
	rs := runReps(t, func(seed uint64) config.Config { return multiTier(seed, n) })
	for _, name := range []string{"edge", "api", "db", "auth"} {
		xs := collect(rs, func(r *results.Results) float64 {
			s := r.Summary.Services[name]
			if s.Served != s.Arrived-s.Rejected {
				t.Fatalf("%s: %d requests still inside at the end", name, s.Arrived-s.Rejected-s.Served)
			}
			lam := float64(s.Served) / r.EndS
			return s.InSystem.Mean / (lam * s.Sojourn.Mean)
		})
		for i, x := range xs {
			if math.Abs(x-1) > 1e-9 {
				t.Errorf("%s run %d: L/(lambda W) = %.12f, want 1", name, i, x)
			}
		}
		t.Logf("Little L/(lambda W) at %-5s %.12f (first run)", name, xs[0])
	}
	r := rs[0].Summary
	if r.Services["api"].Rejected == 0 && r.Failed["error"] == 0 {
		t.Errorf("the multi-tier run exercises no failures: %+v", r.Failed)
	}
	if c := r.Caches["dbcache"]; c.Hits == 0 || c.Misses == 0 {
		t.Errorf("cache saw hits %d misses %d; want both", c.Hits, c.Misses)
	}
}

// repairman returns the throughput of the closed M/M/1//N system (N users,
// exponential think time with mean z, one exponential server with mean
// service s): p_n proportional to N!/(N-n)! (s/z)^n, X = (1 - p_0)/s.
func repairman(n int, z, s float64) float64 {
	p := make([]float64, n+1)
	p[0] = 1
	for k := 1; k <= n; k++ {
		p[k] = p[k-1] * float64(n-k+1) * s / z
	}
	var sum float64
	for _, x := range p {
		sum += x
	}
	return (1 - p[0]/sum) / s
}

func TestTheoryClosedResponseTimeLaw(t *testing.T) {
	// N users with think time Z against one server: the response-time law
	// R = N/X - Z holds on the sample path (checked on each run), and with
	// exponential think and service times X has the closed form of the
	// machine-repairman model.
	const users = 20
	z, s := 0.050, 0.004
	x := repairman(users, z, s)
	dur := scale(t, 1000) // seconds
	rs := runReps(t, func(seed uint64) config.Config {
		return config.Config{
			Duration: time.Duration(dur) * time.Second,
			Interval: time.Second,
			Seed:     seed,
			Services: []config.ServiceConfig{{Name: "server", ServiceTime: sim.MustParseDist("exp(4ms)")}},
			Clients: []config.ClientConfig{{Name: "users", Target: "server", Model: config.Closed, Users: users,
				Think: sim.MustParseDist("exp(50ms)")}},
		}
	})
	checkTheory(t, "closed X (calls/s)", collect(rs, func(r *results.Results) float64 { return r.Summary.Goodput }), x, 0.02)
	checkTheory(t, "closed R (s)", collect(rs, func(r *results.Results) float64 { return r.Summary.Latency.Mean }), users/x-z, 0.03)
	// The law itself, with the measured X and Z on each run: R = N/X - Z.
	checkTheory(t, "R / (N/X - Z)", collect(rs, func(r *results.Results) float64 {
		return r.Summary.Latency.Mean / (users/r.Summary.Goodput - z)
	}), 1, 0.02)
}

func TestCommonRandomNumbers(t *testing.T) {
	// Two worlds that differ only in server settings (workers, queue
	// order, balancer, replicas, a slowdown fault) see the same call
	// arrivals, and every call asks the same work of the service.
	base := func() config.Config {
		return config.Config{
			Duration: 20 * time.Second,
			Seed:     42,
			Services: []config.ServiceConfig{{Name: "api", Workers: 1, ServiceTime: sim.MustParseDist("exp(1ms)")}},
			Clients: []config.ClientConfig{
				{Name: "a", Target: "api", Rate: 300, Schedule: []config.RatePoint{{At: 5 * time.Second, Rate: 600, Ramp: true}}},
				{Name: "b", Target: "api", Model: config.PartlyOpen, Rate: 20, CallsPerSession: 3, Think: sim.MustParseDist("exp(10ms)")},
			},
		}
	}
	other := base()
	other.Services[0].Workers = 3
	other.Services[0].Replicas = 2
	other.Services[0].Balancer = config.Random
	other.Services[0].Queue = config.QueueConfig{Order: config.LIFO, Limit: config.Limit(5)}
	other.Faults = []config.FaultConfig{{Kind: config.FaultSlowdown, Target: "api", At: 2 * time.Second, For: 3 * time.Second, Factor: 3}}

	type launch struct {
		at   sim.Time
		seed uint64
	}
	trace := func(cfg config.Config) (map[string][]launch, map[uint64]time.Duration) {
		w, err := Build(cfg)
		if err != nil {
			t.Fatal(err)
		}
		launches := map[string][]launch{}
		work := map[uint64]time.Duration{}
		hooksOf(w).onLaunch = func(e *edge, c *call) {
			launches[e.name] = append(launches[e.name], launch{w.Now(), c.seed})
		}
		hooksOf(w).onStart = func(s *service, a *attempt, d time.Duration) {
			if s.slow != 1 {
				d = time.Duration(float64(d)/s.slow + 0.5)
			}
			work[a.seed] = d
		}
		if err := w.Run(); err != nil {
			t.Fatal(err)
		}
		return launches, work
	}
	la, wa := trace(base())
	lb, wb := trace(other)
	for _, name := range []string{"a"} {
		if len(la[name]) < 1000 || len(la[name]) != len(lb[name]) {
			t.Fatalf("client %s: %d vs %d calls", name, len(la[name]), len(lb[name]))
		}
		for i := range la[name] {
			if la[name][i] != lb[name][i] {
				t.Fatalf("client %s call %d: %+v vs %+v", name, i, la[name][i], lb[name][i])
			}
		}
	}
	// Partly-open sessions: the session arrivals are common, the later
	// calls of a session depend on response times; compare the calls as a
	// set of seeds.
	seeds := map[uint64]bool{}
	for _, l := range la["b"] {
		seeds[l.seed] = true
	}
	common := 0
	for _, l := range lb["b"] {
		if seeds[l.seed] {
			common++
		}
	}
	if common < len(la["b"])*95/100 {
		t.Errorf("partly-open client: only %d of %d calls in common", common, len(la["b"]))
	}
	same, diff := 0, 0
	for seed, d := range wa {
		if e, ok := wb[seed]; ok {
			if e == d {
				same++
			} else {
				diff++
			}
		}
	}
	if diff > 0 || same < len(wa)*9/10 {
		t.Errorf("service demand per call: %d same, %d different (of %d)", same, diff, len(wa))
	}
}
