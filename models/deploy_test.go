package models

import (
	"strings"
	"testing"
	"time"

	"github.com/stampede-sim/stampede/models/config"
	"github.com/stampede-sim/stampede/sim"
)

// deployWorld is 4 replicas of one worker each, 10ms of constant work, and
// a constant client at 100 calls/s (round robin spreads them evenly).
func deployWorld(f config.FaultConfig) config.Config {
	return config.Config{
		Duration: 60 * time.Second,
		Services: []config.ServiceConfig{{Name: "api", Replicas: 4, ServiceTime: d("10ms")}},
		Clients:  []config.ClientConfig{{Name: "c", Target: "api", Rate: 100, Arrival: config.Constant}},
		Faults:   []config.FaultConfig{f},
	}
}

func TestRollingDeployTiming(t *testing.T) {
	// Batches of 1 from 10s: down for 2s, back cold for 5s (x3 service
	// time), 3s between a return and the next restart. Replica k restarts
	// at 10 + 5k and is back at 12 + 5k: the rollout ends when the last
	// warm-up does, at 10 + 15 + 2 + 5 = 32s.
	cfg := deployWorld(config.FaultConfig{Kind: config.FaultRollingDeploy, Target: "api", At: 10 * time.Second,
		Restart: 2 * time.Second, Pause: 3 * time.Second, Warmup: 5 * time.Second, WarmupFactor: 3})
	w, err := Build(cfg)
	if err != nil {
		t.Fatal(err)
	}
	wantEq(t, "computed for", w.Config().Faults[0].For, 22*time.Second)
	order := append([]*replica(nil), w.services[0].reps...)
	// Every request that starts records its work: 30ms on a cold
	// replica (replica k is cold in [12+5k, 17+5k)), else 10ms.
	var starts, cold int
	hooksOf(w).onStart = func(s *service, a *attempt, got time.Duration) {
		now := w.Now()
		k := -1
		for i, r := range order {
			if r == a.rep {
				k = i
			}
		}
		back := sim.Time(time.Duration(12+5*k) * time.Second)
		want := 10 * time.Millisecond
		if now >= back && now < back.Add(5*time.Second) {
			want = 30 * time.Millisecond
			cold++
		}
		starts++
		if got != want {
			t.Errorf("request started at %v on replica %d: work %v, want %v", now, k, got, want)
		}
	}
	for _, c := range []struct {
		at time.Duration
		up int
	}{
		{9 * time.Second, 4}, {10500 * time.Millisecond, 3}, {12500 * time.Millisecond, 4},
		{15500 * time.Millisecond, 3}, {17500 * time.Millisecond, 4}, {25500 * time.Millisecond, 3},
		{27500 * time.Millisecond, 4}, {40 * time.Second, 4},
	} {
		w.Advance(sim.Time(c.at), 1<<40)
		sn := w.Snapshot()
		if got := sn.Services[0].ReplicasUp; got != c.up {
			t.Errorf("at %v: %d replicas up, want %d", c.at, got, c.up)
		}
		// The replica restarting is out of the balancer: no request
		// waits or runs there.
		for k, r := range order {
			restarting := c.at >= time.Duration(10+5*k)*time.Second && c.at < time.Duration(12+5*k)*time.Second
			if restarting && (r.q.n > 0 || !r.down) {
				t.Errorf("at %v: replica %d restarting but down=%v with %d waiting", c.at, k, r.down, r.q.n)
			}
		}
	}
	if err := w.Run(); err != nil {
		t.Fatal(err)
	}
	if cold == 0 || starts == 0 {
		t.Fatalf("%d starts, %d on a cold replica: the warm-up was never exercised", starts, cold)
	}
	res := w.Results()
	if len(res.Faults) != 1 || res.Faults[0].StartS != 10 || res.Faults[0].EndS != 32 {
		t.Errorf("fault window %+v, want rolling_deploy 10s..32s", res.Faults)
	}
	// No request failed: restarting replicas take no new work, and the
	// three others absorb the load.
	if n := res.Summary.Calls - res.Summary.Succeeded - res.Summary.InFlight; n != 0 {
		t.Errorf("%d calls failed: %v", n, res.Summary.Failed)
	}
}

func TestRollingDeployBatchesAndCaches(t *testing.T) {
	// Batches of 2 with no pause, 1s down each: both halves restart in
	// turn, at 5s and 6s; the service calls a cache whose keys are shared
	// among the replicas (k mod 4).
	cfg := config.Config{
		Duration: 20 * time.Second,
		Services: []config.ServiceConfig{
			{Name: "api", Replicas: 4, ServiceTime: d("1ms"), Calls: []config.CallConfig{{Target: "kv"}}},
			{Name: "db", ServiceTime: d("1ms")},
		},
		Caches:  []config.CacheConfig{{Name: "kv", Backend: "db", Keys: 100}},
		Clients: []config.ClientConfig{{Name: "c", Target: "api", Rate: 200, Arrival: config.Constant}},
		Faults: []config.FaultConfig{{Kind: config.FaultRollingDeploy, Target: "api", At: 5 * time.Second, Batch: 2,
			Restart: time.Second}},
	}
	w, err := Build(cfg)
	if err != nil {
		t.Fatal(err)
	}
	wantEq(t, "computed for", w.Config().Faults[0].For, 2*time.Second)
	w.Advance(sim.Time(5*time.Second-1), 1<<40)
	kv := w.caches[0]
	wantEq(t, "cache full before the deploy", kv.size, 100)
	w.Advance(sim.Time(5*time.Second+1), 1<<40)
	// Replicas 0 and 1 restarted: keys 0, 1, 4, 5, ... are gone.
	for k := range 100 {
		if want := k%4 >= 2; kv.stored[k] != want {
			t.Fatalf("after the first batch, key %d stored = %v, want %v", k, kv.stored[k], want)
		}
	}
	wantEq(t, "replicas up", w.Snapshot().Services[0].ReplicasUp, 2)
	w.Advance(sim.Time(6*time.Second+1), 1<<40)
	wantEq(t, "replicas up in the second batch", w.Snapshot().Services[0].ReplicasUp, 2)
	w.Advance(sim.Time(7*time.Second+1), 1<<40)
	wantEq(t, "replicas up after", w.Snapshot().Services[0].ReplicasUp, 4)
}

func TestBadDeployRollsBack(t *testing.T) {
	// A bad version that fails every request rolls out one replica per
	// 2s from 10s (no restart time: each switches at once), and is rolled
	// back at 10 + 5 = 15s: replicas 0, 1, 2 went bad at 10, 12, 14.
	cfg := deployWorld(config.FaultConfig{Kind: config.FaultBadDeploy, Target: "api", At: 10 * time.Second,
		Pause: 2 * time.Second, Probability: 1, Detect: 5 * time.Second})
	w, res := run(t, cfg)
	wantEq(t, "for", w.Config().Faults[0].For, 5*time.Second)
	errs := res.Series.Clients[0].Failed["error"]
	for i, v := range errs {
		// 25 calls per second per replica (round robin), each failing
		// while its replica is bad: 225 in all. A failure counts when
		// the call completes, 10ms after it was issued, so the last call
		// issued on a bad replica before 11s (and before 15s) counts in
		// the next interval.
		want := 0.0
		switch i {
		case 10:
			want = 24
		case 11:
			want = 25
		case 12, 13:
			want = 50
		case 14:
			want = 75
		case 15:
			want = 1
		}
		if v != want {
			t.Errorf("interval %d: %v errors/s, want %v", i, v, want)
		}
	}
	if len(errs) == 0 {
		t.Fatal("no errors at all")
	}
}

func TestDeployValidation(t *testing.T) {
	for _, c := range []struct {
		f    config.FaultConfig
		want string
	}{
		{config.FaultConfig{Kind: config.FaultRollingDeploy, Target: "api"}, "a rolling deploy that takes no time does nothing"},
		{config.FaultConfig{Kind: config.FaultRollingDeploy, Target: "api", Pause: time.Second, For: time.Hour}, "faults[0].for: is computed for a rolling deploy (3s"},
		{config.FaultConfig{Kind: config.FaultRollingDeploy, Target: "c", Pause: time.Second}, `faults[0].target: "c" is not a service`},
		{config.FaultConfig{Kind: config.FaultRollingDeploy, Target: "api", Warmup: time.Second, WarmupFactor: -1}, "faults[0].warmup_factor: must be a finite number > 0"},
		{config.FaultConfig{Kind: config.FaultBadDeploy, Target: "api", Probability: 0.5}, "faults[0].detect: must be > 0"},
		{config.FaultConfig{Kind: config.FaultBadDeploy, Target: "api", Probability: 2, Detect: time.Second}, "faults[0].probability: must be a probability"},
	} {
		_, err := Build(deployWorld(c.f))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: error %v, want %q", c.f, err, c.want)
		}
	}
}
