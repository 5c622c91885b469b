package models

import (
	"math"
	"testing"
	"time"

	"github.com/stampede-sim/stampede/models/config"
	"github.com/stampede-sim/stampede/sim"
	"github.com/stampede-sim/stampede/strategies"
)

// scaledWorld is an autoscaled service of one worker per replica serving
// const(10ms) to evenly spaced calls at rate/s round robin, whose load
// steps by factor at 60 s for good.
func scaledWorld(replicas int, rate, factor float64, as *strategies.AutoscaleSpec, d time.Duration) config.Config {
	return config.Config{
		Duration: d,
		Interval: time.Second,
		Seed:     1,
		Services: []config.ServiceConfig{{Name: "api", Replicas: replicas, Workers: 1, ServiceTime: sim.MustParseDist("const(10ms)"),
			Autoscale: as}},
		Clients: []config.ClientConfig{{Name: "app", Target: "api", Rate: rate, Arrival: config.Constant}},
		Faults:  []config.FaultConfig{{Kind: config.FaultLoadSpike, Target: "app", At: 60 * time.Second, For: time.Hour, Factor: factor}},
	}
}

// replicasAt returns the interval means of the autoscaler's gauge m.
func replicasAt(t *testing.T, w *World, m strategies.Metric) []float64 {
	t.Helper()
	s := w.Results().Series.Services[0].Strategy[string(m)]
	if s == nil {
		t.Fatalf("no %s series", m)
	}
	out := make([]float64, len(s))
	for i, v := range s {
		out[i] = float64(v)
	}
	return out
}

// TestAutoscaleStep holds a step in load to the HPA's formula and its
// delays. 4 replicas at 200/s x 10 ms are 50% busy, the target: nothing
// changes. From 60 s 300/s make them 75% busy; the collection at 75 s
// (the first whole period after the step) measures 0.75, read 5 s later
// (lag) it asks for ceil(4 x 0.75 / 0.5) = 6, within the policies (4
// pods or 100% per 15 s), and the 2 new replicas are ready after the
// 20 s provisioning, at 100 s: 50% busy again, so no further change.
func TestAutoscaleStep(t *testing.T) {
	prov := 20 * time.Second
	as := &strategies.AutoscaleSpec{Target: 0.5, Max: 20, Lag: 5 * time.Second, Provisioning: &prov}
	w := runGray(t, scaledWorld(4, 200, 1.5, as, 200*time.Second))
	ready := replicasAt(t, w, strategies.MetricReplicas)
	desired := replicasAt(t, w, strategies.MetricDesiredReplicas)
	for i := range ready {
		wantReady, wantDesired := 4.0, 4.0
		if i >= 100 {
			wantReady = 6
		}
		if i >= 80 {
			wantDesired = 6
		}
		if ready[i] != wantReady || desired[i] != wantDesired {
			t.Fatalf("interval [%d s, %d s): %v ready, %v asked for; want %v and %v", i, i+1, ready[i], desired[i], wantReady, wantDesired)
		}
	}
	sum := w.Results().Summary.Services["api"]
	if got := sum.Strategy[string(strategies.MetricScaledOut)]; got != 2 {
		t.Errorf("scaled_out %v, want 2", got)
	}
	// held: 4 replicas for 80 s, then 6 (2 provisioning, then ready) for 120 s
	if got, want := sum.Strategy[string(strategies.MetricReplicaSeconds)], 4*80.0+6*120.0; math.Abs(got-want) > 1e-6 {
		t.Errorf("replica_seconds %v, want %v", got, want)
	}
	// busy over workers up: 2 busy of 4 for 60 s, 3 of 4 for 40 s, 3 of 6
	if f, want := sum.Utilization, (2*60+3*40+3*100)/(4*100+6*100.0); math.Abs(f-want) > 0.005 {
		t.Errorf("utilisation %.3f, want %.3f", f, want)
	}
}

// TestAutoscaleStabilization: 6 replicas 50% busy lose half their load at
// 60 s. The formula asks for ceil(6 x 0.25 / 0.5) = 3 from the
// collection at 90 s on (the one at 75 s still holds work started before
// the step: 4), but a scale-down takes the highest recommendation of the
// last 300 s (the HPA's default window): the last 6 (at 60 s) leaves it
// at 360 s, when 2 replicas retire, the 4 (at 75 s) at 375 s, when one
// more does; the min of 2 is not reached.
func TestAutoscaleStabilization(t *testing.T) {
	as := &strategies.AutoscaleSpec{Target: 0.5, Min: 2, Max: 20}
	w := runGray(t, scaledWorld(6, 300, 0.5, as, 400*time.Second))
	ready := replicasAt(t, w, strategies.MetricReplicas)
	for i := range ready {
		want := 6.0
		if i >= 375 {
			want = 3
		} else if i >= 360 {
			want = 4
		}
		if ready[i] != want {
			t.Fatalf("interval [%d s, %d s): %v ready, want %v", i, i+1, ready[i], want)
		}
	}
	sum := w.Results().Summary
	if got := sum.Services["api"].Strategy[string(strategies.MetricScaledIn)]; got != 3 {
		t.Errorf("scaled_in %v, want 3", got)
	}
	if n := sum.Calls - sum.Succeeded - sum.InFlight; n != 0 {
		t.Errorf("%d calls failed: retiring replicas must finish their work", n)
	}
}

// TestAutoscalePolicies: 2 replicas at twice their capacity pile up a
// backlog, and the concurrency per replica asks for the max of 16 at
// once, but the scale-up policies allow the count at the period's start
// + 4 pods or + 100%, whichever is more, per 15 s: 2 + 4 = 6 at 15 s,
// 6 + 100% = 12 at 30 s, 12 + 4 = 16 at
// 45 s, then 16
func TestAutoscalePolicies(t *testing.T) {
	zero := time.Duration(0)
	as := &strategies.AutoscaleSpec{Metric: strategies.AutoscaleConcurrency, Target: 0.25, Max: 16, Provisioning: &zero}
	cfg := scaledWorld(2, 400, 1, as, 80*time.Second)
	cfg.Faults = nil
	w := runGray(t, cfg)
	ready := replicasAt(t, w, strategies.MetricReplicas)
	for i := range ready {
		want := []float64{2, 6, 12, 16, 16, 16}[i/15]
		if ready[i] != want {
			t.Fatalf("interval [%d s, %d s): %v ready, want %v", i, i+1, ready[i], want)
		}
	}
}

// TestAutoscaleWarmup: replicas brought up serve const(10ms) x 3 for
// their 30 s warm-up, then 10 ms.
func TestAutoscaleWarmup(t *testing.T) {
	zero := time.Duration(0)
	as := &strategies.AutoscaleSpec{Target: 0.5, Max: 6, Provisioning: &zero, Warmup: 30 * time.Second, WarmupFactor: 3,
		ScaleDownStabilization: &zero}
	w := runGray(t, scaledWorld(4, 200, 1.5, as, 140*time.Second))
	util := w.Results().Series.Services[0].Utilization
	// 6 replicas from 75 s: 2 cold ones 100% busy (300/s round robin is
	// 50/s each x 30 ms), 4 warm 50%: 2/3; after 105 s all 50%
	if u := float64(util[90]); math.Abs(u-2.0/3) > 0.02 {
		t.Errorf("utilisation at 90 s %.3f, want 2/3 (2 of 6 replicas cold)", u)
	}
	if u := float64(util[130]); math.Abs(u-0.5) > 0.02 {
		t.Errorf("utilisation at 130 s %.3f, want 0.5 (all warm)", u)
	}
}

func TestAutoscaleValidation(t *testing.T) {
	for _, c := range []struct {
		as   strategies.AutoscaleSpec
		reps int
		want string
	}{
		{strategies.AutoscaleSpec{Max: 4}, 2, "autoscale.target: is required"},
		{strategies.AutoscaleSpec{Target: 0.5}, 2, "autoscale.max: is required"},
		{strategies.AutoscaleSpec{Target: 1.5, Max: 4}, 2, "autoscale.target: must be in (0, 1] for metric utilization"},
		{strategies.AutoscaleSpec{Target: 0.5, Max: 4}, 6, "replicas: must be in [autoscale.min=6, autoscale.max=4]"},
		{strategies.AutoscaleSpec{Target: 0.5, Min: 3, Max: 4}, 2, "replicas: must be in [autoscale.min=3"},
		{strategies.AutoscaleSpec{Target: 5, Max: 4, Metric: "latency"}, 2, "autoscale.metric: must be one of utilization, concurrency, queue_length"},
		{strategies.AutoscaleSpec{Target: 0.5, Max: 4, WarmupFactor: 0.5}, 2, "autoscale.warmup_factor: must be in [1, 100]"},
		{strategies.AutoscaleSpec{Target: 0.5, Max: 4}, 2, "distributed_rate_limit.mode: local_share divides the limit by a fixed count"},
	} {
		cfg := scaledWorld(c.reps, 100, 1, &c.as, time.Minute)
		if contains(c.want, "local_share") {
			cfg.Services[0].DistributedRateLimit = &strategies.DistributedRateLimitSpec{Limit: 100, Mode: "local_share"}
		}
		_, err := Build(cfg)
		if err == nil || !contains(err.Error(), c.want) {
			t.Errorf("%+v: error %v, want %q", c.as, err, c.want)
		}
	}
}

// BenchmarkAutoscale is an autoscaled service on concurrency under a
// load that doubles for a minute in every three: the autoscaler
// collects, scales out and retires replicas as the run goes. One op is
// one customer; allocations per op must stay 0 in steady state.
func BenchmarkAutoscale(b *testing.B) {
	zero := time.Duration(0)
	prov := 10 * time.Second
	as := &strategies.AutoscaleSpec{Metric: strategies.AutoscaleConcurrency, Target: 2, Min: 2, Max: 40, Provisioning: &prov,
		Warmup: 10 * time.Second, ScaleDownStabilization: &zero}
	cfg := scaledWorld(4, 3000, 2, as, 0)
	cfg.Services[0].Name = "server"
	cfg.Services[0].Workers = 4
	cfg.Services[0].ServiceTime = sim.MustParseDist("exp(5ms)")
	cfg.Clients[0].Target = "server"
	cfg.Clients[0].Arrival = config.Poisson
	cfg.Duration = time.Duration(float64(b.N) / 3000 * float64(time.Second))
	cfg.Faults = nil
	for at := 60 * time.Second; at < cfg.Duration; at += 180 * time.Second {
		cfg.Faults = append(cfg.Faults, config.FaultConfig{Kind: config.FaultLoadSpike, Target: "app", At: at, For: time.Minute, Factor: 2})
	}
	benchCustomers(b, cfg)
}

// TestAutoscaleAsync: an async service scales its consumers on the
// backlog per replica (queue_length, as KEDA and AWS's target tracking on
// SQS backlog per instance do), and its consumers share the backlog. One
// replica consumes 50/s (20 ms) of 100/s from the start: the backlog grows
// by 50/s, so its mean over the first 15 s period is 375 per replica. The
// evaluation at 15 s asks for ceil(1 x 375 / 50) = 8, limited by the
// scale-up policy to 1 + 4 pods = 5 (no provisioning delay). The 5
// consume 250/s: the 750 messages waiting at 15 s drain in 750 / 150 = 5
// s, because the new replicas take them from the first one's queue (on
// its own it would take 750 / 30 = 25 s).
func TestAutoscaleAsync(t *testing.T) {
	prov := time.Duration(0)
	as := &strategies.AutoscaleSpec{Metric: strategies.AutoscaleQueueLength, Target: 50, Max: 10, Provisioning: &prov}
	cfg := config.Config{
		Duration: 40 * time.Second, Interval: time.Second, Seed: 1,
		Services: []config.ServiceConfig{{Name: "worker", Replicas: 1, Workers: 1, Async: true,
			ServiceTime: sim.MustParseDist("const(20ms)"), Autoscale: as}},
		Clients: []config.ClientConfig{{Name: "producer", Target: "worker", Rate: 100, Arrival: config.Constant}},
	}
	w := runGray(t, cfg)
	desired := replicasAt(t, w, strategies.MetricDesiredReplicas)
	for i, want := range map[int]float64{14: 1, 15: 5, 25: 5} {
		if desired[i] != want {
			t.Errorf("interval [%d s, %d s): %v replicas asked for, want %v", i, i+1, desired[i], want)
		}
	}
	q := w.Results().Series.Services[0].QueueMean
	if q[14] < 600 {
		t.Errorf("backlog %v at [14 s, 15 s), want about 725", q[14])
	}
	// drained by 20 s: 750 / (250 - 100) = 5 s after 15 s
	for i := 21; i < 25; i++ {
		if q[i] > 5 {
			t.Errorf("backlog %v at [%d s, %d s), want it drained by 20 s", q[i], i, i+1)
		}
	}
	if got := w.Results().Summary.Clients["producer"].Failed; len(got) != 0 {
		t.Errorf("producer's failures %v, want none (every message acknowledged)", got)
	}
}

// BenchmarkAutoscaleAsync: an autoscaled async service whose consumers
// share the backlog (pull) allocates nothing per event.
func BenchmarkAutoscaleAsync(b *testing.B) {
	zero := time.Duration(0)
	prov := 10 * time.Second
	as := &strategies.AutoscaleSpec{Metric: strategies.AutoscaleQueueLength, Target: 20, Min: 2, Max: 40, Provisioning: &prov,
		ScaleDownStabilization: &zero}
	cfg := scaledWorld(4, 3000, 2, as, 0)
	cfg.Services[0].Name = "server"
	cfg.Services[0].Workers = 4
	cfg.Services[0].Async = true
	cfg.Services[0].ServiceTime = sim.MustParseDist("exp(5ms)")
	cfg.Clients[0].Target = "server"
	cfg.Clients[0].Arrival = config.Poisson
	cfg.Duration = time.Duration(float64(b.N) / 3000 * float64(time.Second))
	cfg.Faults = nil
	for at := 60 * time.Second; at < cfg.Duration; at += 180 * time.Second {
		cfg.Faults = append(cfg.Faults, config.FaultConfig{Kind: config.FaultLoadSpike, Target: "app", At: at, For: time.Minute, Factor: 2})
	}
	benchCustomers(b, cfg)
}
