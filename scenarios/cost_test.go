package scenarios

import (
	"math"
	"strings"
	"testing"
)

// costScenario: 1000 calls at 10/s on two replicas for 100 s; half of the
// attempts fail (error_rate 0.5) and the client tries twice.
const costScenario = `
duration = "100s"
seed = 4

[cost]
replica_hour = 0.36
request = 0.001
retry = 0.002

[[services]]
name = "api"
replicas = 2
workers = 4
service_time = "10ms"
error_rate = 0.5

[[clients]]
name = "users"
target = "api"
rate = 10
arrival = "constant"
retry = { attempts = 2, backoff = "none" }
`

// TestCost holds the cost block to the prices: two replicas for 100 s at
// 0.36 an hour cost 0.02; each request received costs 0.001; each retry
// 0.002 on top; the per-success cost and the retry share follow from the
// run's own counts.
func TestCost(t *testing.T) {
	s := mustLoad(t, "cost.toml", costScenario)
	res, err := Run(s, Options{})
	if err != nil {
		t.Fatal(err)
	}
	r := &res.Rows[0]
	num := func(m string) float64 {
		t.Helper()
		v, ok := r.Number(m)
		if !ok {
			t.Fatalf("%s is null", m)
		}
		return v
	}
	near := func(m string, want float64) {
		t.Helper()
		if got := num(m); math.Abs(got-want) > 1e-9*math.Max(1, want) {
			t.Errorf("%s = %v, want %v", m, got, want)
		}
	}
	arrived, calls, attempts, ok := num("services.api.arrived"), num("calls"), num("attempts"), num("succeeded")
	retries := attempts - calls
	if retries < 100 {
		t.Fatalf("%v retries, want about 500: the test needs retries", retries)
	}
	near("cost.replicas", 2*0.36*100/3600)
	near("cost.requests", 0.001*arrived)
	near("cost.retries", 0.002*retries)
	total := 0.02 + 0.001*arrived + 0.002*retries
	near("cost.total", total)
	near("cost.per_success", total/ok)
	near("cost.retry_share", retries*(0.002+0.001)/total)
	near("cost.wasted_share", 0)
}

// TestCostNulls: without a [cost] table there is no cost block; with
// prices of 0 the shares are null, not 0.
func TestCostNulls(t *testing.T) {
	s := mustLoad(t, "nocost.toml", strings.Replace(costScenario, "[cost]\nreplica_hour = 0.36\nrequest = 0.001\nretry = 0.002\n", "", 1))
	res, err := Run(s, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Rows[0].summary.get("cost") != nil {
		t.Errorf("a scenario without [cost] has a cost block")
	}
	s = mustLoad(t, "free.toml", strings.Replace(costScenario, "replica_hour = 0.36\nrequest = 0.001\nretry = 0.002\n", "replica_hour = 0\n", 1))
	if res, err = Run(s, Options{}); err != nil {
		t.Fatal(err)
	}
	r := &res.Rows[0]
	if v, ok := r.Number("cost.total"); !ok || v != 0 {
		t.Errorf("free run: cost.total = %v (ok %v), want 0", v, ok)
	}
	for _, m := range []string{"cost.wasted_share", "cost.retry_share"} {
		if v, ok := r.Number(m); ok {
			t.Errorf("free run: %s = %v, want null", m, v)
		}
	}
}

// TestCostFallback: each fallback answer costs cost.fallback, and a
// fallback's secondary pays for the requests it receives like any
// service: the calls that fail both attempts fall back to stale, one
// request there each.
func TestCostFallback(t *testing.T) {
	src := strings.Replace(costScenario, "retry = 0.002\n", "retry = 0.002\nfallback = 0.005\n", 1)
	src = strings.Replace(src, `retry = { attempts = 2, backoff = "none" }`, `retry = { attempts = 2, backoff = "none" }
fallback = { call = "stale" }

[[services]]
name = "stale"
service_time = "1ms"`, 1)
	s := mustLoad(t, "costfb.toml", src)
	res, err := Run(s, Options{})
	if err != nil {
		t.Fatal(err)
	}
	r := &res.Rows[0]
	num := func(m string) float64 {
		t.Helper()
		v, ok := r.Number(m)
		if !ok {
			t.Fatalf("%s is null", m)
		}
		return v
	}
	fb := num("failed.fallback")
	if fb < 100 || num("services.stale.arrived") != fb {
		t.Fatalf("%v fallbacks, stale received %v: want about 250, one request each", fb, num("services.stale.arrived"))
	}
	near := func(m string, want float64) {
		t.Helper()
		if got := num(m); math.Abs(got-want) > 1e-9*math.Max(1, want) {
			t.Errorf("%s = %v, want %v", m, got, want)
		}
	}
	requests := 0.001 * (num("services.api.arrived") + fb)
	retries := 0.002 * (num("attempts") - num("calls"))
	replicas := (2 + 1) * 0.36 * 100 / 3600
	near("cost.fallbacks", 0.005*fb)
	near("cost.requests", requests)
	near("cost.total", replicas+requests+retries+0.005*fb)
}
