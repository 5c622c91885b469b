package models

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/stampede-sim/stampede/models/config"
	"github.com/stampede-sim/stampede/models/results"
	"github.com/stampede-sim/stampede/sim"
	"github.com/stampede-sim/stampede/strategies"
)

// routed is a front end at 200 calls/s whose requests call "search" with
// probability p and then "db" (count 2) with probability q, in fanout
// order; with a client timeout and retries when retry is set.
func routed(p, q float64, fanout config.Fanout, calls int) config.Config {
	return config.Config{
		Duration: time.Duration(float64(calls) / 200 * float64(time.Second)),
		Interval: time.Second,
		Seed:     3,
		Services: []config.ServiceConfig{
			{Name: "front", Workers: 50, ServiceTime: sim.MustParseDist("exp(1ms)"), Fanout: fanout,
				Calls: []config.CallConfig{
					{Target: "search", Probability: &p},
					{Target: "db", Count: 2, Probability: &q},
				}},
			{Name: "search", Workers: 50, ServiceTime: sim.MustParseDist("exp(2ms)")},
			{Name: "db", Workers: 50, ServiceTime: sim.MustParseDist("exp(1ms)")},
		},
		Clients: []config.ClientConfig{{Name: "users", Target: "front", Rate: 200}},
	}
}

// TestEdgeProbability: a request takes an edge with its probability,
// independently of the other edges, with all of the edge's count calls:
// the calls on each edge are binomial(requests, p) (x count), within 4.5
// standard deviations, in sequential and parallel fanout; probability 0
// never calls and 1 always does.
func TestEdgeProbability(t *testing.T) {
	for _, fanout := range []config.Fanout{config.Sequential, config.Parallel} {
		for _, pq := range [][2]float64{{0.3, 0.8}, {0, 1}, {1, 0}, {0.5, 0.05}} {
			p, q := pq[0], pq[1]
			sum := runSummary(t, routed(p, q, fanout, 40000))
			n := float64(sum.Services["front"].Served)
			check := func(edge string, prob float64, count int) {
				t.Helper()
				got := float64(sum.Edges[edge].Calls)
				if prob == 0 || prob == 1 {
					if got != prob*n*float64(count) {
						t.Errorf("%s p=%v q=%v: %s made %v calls, want %v", fanout, p, q, edge, got, prob*n*float64(count))
					}
					return
				}
				want, sd := n*prob, math.Sqrt(n*prob*(1-prob))
				if k := got / float64(count); math.Abs(k-want) > 4.5*sd {
					t.Errorf("%s p=%v q=%v: %s taken by %v of %v requests, want %.0f ± %.0f", fanout, p, q, edge, k, n, want, 4.5*sd)
				}
				if int(got)%count != 0 {
					t.Errorf("%s: %s made %v calls, not a multiple of its count %d", fanout, edge, got, count)
				}
			}
			check("front->search", p, 1)
			check("front->db", q, 2)
			if s := sum.Succeeded; float64(s) != float64(sum.Calls)-float64(sum.InFlight) {
				t.Errorf("%s p=%v q=%v: %d of %d calls succeeded (%d in flight)", fanout, p, q, s, sum.Calls, sum.InFlight)
			}
		}
	}
}

// TestEdgeProbabilityRetriesSamePath: the path is the request's: a retried
// request takes the edges its first attempt took. search always fails
// (error_rate 1) and the client makes 3 attempts, so every request taking
// the search edge sends it exactly 3 calls.
func TestEdgeProbabilityRetriesSamePath(t *testing.T) {
	cfg := routed(0.4, 0, config.Sequential, 20000)
	cfg.Services[1].ErrorRate = 1
	cfg.Clients[0].Retry = strategies.RetrySpec{Attempts: 3, Backoff: "none"}
	sum := runSummary(t, cfg)
	calls := sum.Edges["front->search"].Calls
	failed := sum.Failed["error"]
	if calls != 3*failed {
		t.Errorf("search got %d calls from %d failed requests, want 3 per request (the same path each attempt)", calls, failed)
	}
	if ok, n := float64(sum.Succeeded), float64(sum.Calls); math.Abs(ok/n-0.6) > 0.02 {
		t.Errorf("%v of %v requests succeeded, want the 60%% that skip search", ok, n)
	}
}

// BenchmarkEdgeProbability: the path draw adds no allocation per event.
func BenchmarkEdgeProbability(b *testing.B) {
	benchWorld(b, routed(0.3, 0.8, config.Parallel, b.N))
}

// withPaths is routed with the edges decided by paths instead of their
// own probabilities.
func withPaths(fanout config.Fanout, calls int, paths ...config.PathConfig) config.Config {
	cfg := routed(1, 1, fanout, calls)
	for j := range cfg.Services[0].Calls {
		cfg.Services[0].Calls[j].Probability = nil
	}
	cfg.Services[0].Paths = paths
	return cfg
}

// TestPaths: each request takes one path by weight, with every edge it
// names and no other. Exclusive paths (search or db, 3:7) split the
// requests exactly (search's calls + db's calls / 2 = requests), each
// binomial; paths taken together (both or neither, 0.3) give search
// exactly half of db's calls, where independent edges of the same
// probabilities would not. A retry takes its first attempt's path.
func TestPaths(t *testing.T) {
	for _, fanout := range []config.Fanout{config.Sequential, config.Parallel} {
		sum := runSummary(t, withPaths(fanout, 40000,
			config.PathConfig{Weight: 3, Calls: []string{"search"}},
			config.PathConfig{Weight: 7, Calls: []string{"db"}}))
		n := float64(sum.Services["front"].Served)
		search, db := float64(sum.Edges["front->search"].Calls), float64(sum.Edges["front->db"].Calls)
		if search+db/2 != n {
			t.Errorf("%s exclusive: %v search + %v/2 db calls for %v requests, want one path each", fanout, search, db, n)
		}
		if want, sd := 0.3*n, math.Sqrt(n*0.3*0.7); math.Abs(search-want) > 4.5*sd {
			t.Errorf("%s exclusive: search taken by %v of %v requests, want %.0f ± %.0f", fanout, search, n, want, 4.5*sd)
		}
		sum = runSummary(t, withPaths(fanout, 40000,
			config.PathConfig{Weight: 0.3, Calls: []string{"db", "search"}},
			config.PathConfig{Weight: 0.7}))
		n = float64(sum.Services["front"].Served)
		search, db = float64(sum.Edges["front->search"].Calls), float64(sum.Edges["front->db"].Calls)
		if db != 2*search {
			t.Errorf("%s together: %v search and %v db calls, want db = 2 x search (count 2, always together)", fanout, search, db)
		}
		if want, sd := 0.3*n, math.Sqrt(n*0.3*0.7); math.Abs(search-want) > 4.5*sd {
			t.Errorf("%s together: taken by %v of %v requests, want %.0f ± %.0f", fanout, search, n, want, 4.5*sd)
		}
	}
	cfg := withPaths(config.Sequential, 20000,
		config.PathConfig{Weight: 2, Calls: []string{"search"}},
		config.PathConfig{Weight: 3, Calls: []string{"db"}})
	cfg.Services[1].ErrorRate = 1
	cfg.Clients[0].Retry = strategies.RetrySpec{Attempts: 3, Backoff: "none"}
	sum := runSummary(t, cfg)
	if calls, failed := sum.Edges["front->search"].Calls, sum.Failed["error"]; calls != 3*failed {
		t.Errorf("search got %d calls from %d failed requests, want 3 per request (the same path each attempt)", calls, failed)
	}
}

// TestPathsInvalid: paths name the service's own edges, each edge is in
// a path, and the edges' own draws are not mixed in.
func TestPathsInvalid(t *testing.T) {
	p := 0.5
	k := 1
	for _, c := range []struct {
		mod  func(*config.ServiceConfig)
		want string
	}{
		{func(s *config.ServiceConfig) { s.Paths = []config.PathConfig{} }, "services[front].paths: must list at least one path"},
		{func(s *config.ServiceConfig) { s.Paths[0].Calls = []string{"serch", "db"} },
			`services[front].paths[0].calls[0]: "serch" is not a target of the service's calls ("search", "db")`},
		{func(s *config.ServiceConfig) { s.Paths[0].Calls = []string{"db", "db"} }, `services[front].paths[0].calls[1]: "db" is in the path twice`},
		{func(s *config.ServiceConfig) { s.Paths[0].Weight = 0 }, "services[front].paths[0].weight: must be a finite number > 0"},
		{func(s *config.ServiceConfig) { s.Paths = s.Paths[1:] }, `services[front].calls[0]: the edge to "search" is in no path`},
		{func(s *config.ServiceConfig) { s.Calls[1].Probability = &p }, "services[front].calls[1].probability: is not for a service with paths"},
		{func(s *config.ServiceConfig) { s.FanoutChoose = &k }, "services[front].fanout_choose: is not for a service with paths"},
		{func(s *config.ServiceConfig) { s.Calls[1].Target = "search" }, `services[front].calls[1].target: "search" is the target of two call edges`},
	} {
		cfg := withPaths(config.Sequential, 100,
			config.PathConfig{Weight: 1, Calls: []string{"search"}},
			config.PathConfig{Weight: 1, Calls: []string{"db"}})
		c.mod(&cfg.Services[0])
		_, err := Build(cfg)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("got %v, want %q", err, c.want)
		}
	}
}

// BenchmarkPaths: the path draw adds no allocation per event.
func BenchmarkPaths(b *testing.B) {
	benchWorld(b, withPaths(config.Parallel, b.N,
		config.PathConfig{Weight: 3, Calls: []string{"search"}},
		config.PathConfig{Weight: 5, Calls: []string{"db", "search"}},
		config.PathConfig{Weight: 2}))
}

// TestSmoothWeightedRoundRobin: nginx's smooth weighted round robin with
// weights 5, 1, 1 picks a a b a c a a in each cycle of 7 (the sequence
// its commit introducing the algorithm gives), and a replica that leaves
// the candidates (ejected, down) is skipped without upsetting the others'
// shares.
func TestSmoothWeightedRoundRobin(t *testing.T) {
	cfg := routed(1, 1, config.Sequential, 1)
	cfg.Services[0].Replicas = 3
	cfg.Services[0].Balancer = config.WeightedRoundRobin
	cfg.Services[0].Weights = []int{5, 1, 1}
	w, err := Build(cfg)
	if err != nil {
		t.Fatal(err)
	}
	s := w.services[0]
	var got []byte
	for range 14 {
		got = append(got, 'a'+byte(s.pickFrom(s.reps, nil).idx))
	}
	if string(got) != "aabacaaaabacaa" {
		t.Errorf("picks %s, want aabacaa twice", got)
	}
	counts := map[int32]int{}
	for range 600 {
		counts[s.pickFrom(s.reps[1:], nil).idx]++
	}
	if counts[1] != 300 || counts[2] != 300 {
		t.Errorf("without a, b and c (weights 1 and 1) got %v, want 300 each", counts)
	}
}

// TestRingHashConsistent: a request's key decides its replica; when a
// replica leaves the candidates only the keys it owned move, and they
// spread over the others.
func TestRingHashConsistent(t *testing.T) {
	cfg := routed(1, 1, config.Sequential, 1)
	cfg.Services[0].Replicas = 8
	cfg.Services[0].Balancer = config.RingHash
	cfg.Services[0].Hash = &config.HashConfig{Keys: 5000, Points: config.DefaultRingPoints}
	w, err := Build(cfg)
	if err != nil {
		t.Fatal(err)
	}
	s := w.services[0]
	a := &attempt{}
	before := make([]int32, 5000)
	owners := map[int32]int{}
	for i := range before {
		a.callSeed = uint64(i) * 0x9e3779b97f4a7c15
		before[i] = s.pickFrom(s.reps, a).idx
		a.callSeed = uint64(i) * 0x9e3779b97f4a7c15
		if again := s.pickFrom(s.reps, a).idx; again != before[i] {
			t.Fatalf("request %d went to %d, then to %d", i, before[i], again)
		}
		owners[before[i]]++
	}
	for r, n := range owners {
		if n < 5000/8/2 || n > 5000/8*2 {
			t.Errorf("replica %d owns %d of 5000 requests' keys, want about 625", r, n)
		}
	}
	without3 := append(append([]*replica{}, s.reps[:3]...), s.reps[4:]...)
	moved := map[int32]int{}
	for i := range before {
		a.callSeed = uint64(i) * 0x9e3779b97f4a7c15
		got := s.pickFrom(without3, a).idx
		switch {
		case before[i] != 3 && got != before[i]:
			t.Fatalf("request %d moved from %d to %d though replica 3 alone left", i, before[i], got)
		case before[i] == 3:
			moved[got]++
		}
	}
	if len(moved) < 4 {
		t.Errorf("replica 3's keys moved to %v, want them spread over several replicas", moved)
	}
}

// TestRingHashHotKey: with Zipf-popular keys a hot key sends its requests
// to one replica. Ten replicas of 400/s at 2000/s (50%): round robin
// serves everything, while under ring hash with zipf 1.2 over 1000 keys
// the hottest key alone carries 1/H(1000, 1.2) = 22.5% of the requests,
// so its replica gets at least that (busiest_replica_share) and, past its
// capacity, turns calls away.
func TestRingHashHotKey(t *testing.T) {
	run := func(b config.Balancer) (share float64, failed float64) {
		cfg := config.Config{
			Duration: 60 * time.Second,
			Interval: time.Second,
			Seed:     5,
			Services: []config.ServiceConfig{{Name: "kv", Replicas: 10, Workers: 4, ServiceTime: sim.MustParseDist("exp(10ms)"),
				Queue: config.QueueConfig{Limit: config.Limit(50)}, Balancer: b}},
			Clients: []config.ClientConfig{{Name: "users", Target: "kv", Rate: 2000}},
		}
		if b == config.RingHash {
			cfg.Services[0].Hash = &config.HashConfig{Keys: 1000, Zipf: 1.2, Points: config.DefaultRingPoints}
		}
		sum := runSummary(t, cfg)
		return sum.Services["kv"].Strategy[MetricBusiestShare], float64(sum.Failed["queue_full"]) / float64(sum.Calls)
	}
	h := 0.0
	for k := 1; k <= 1000; k++ {
		h += math.Pow(float64(k), -1.2)
	}
	top := 1 / h
	share, failed := run(config.RingHash)
	if share < top || share > top+0.25 {
		t.Errorf("ring hash: busiest replica got %.3f of the requests, want at least the hot key's %.3f plus its share of the rest", share, top)
	}
	// its replica is offered at least 2000 x 22.5% = 450/s against 400/s
	if failed < 0.01 {
		t.Errorf("ring hash: %.4f of calls turned away, want the hot replica's overflow (over 1%%)", failed)
	}
	if _, rrFailed := run(config.RoundRobin); rrFailed > 0.001 {
		t.Errorf("round robin: %.4f of calls turned away at 50%% load", rrFailed)
	}
}

// BenchmarkRingHash: picking by ring hash allocates nothing per event.
func BenchmarkRingHash(b *testing.B) {
	cfg := routed(1, 1, config.Sequential, b.N)
	cfg.Services[0].Replicas = 10
	cfg.Services[0].Workers = 5
	cfg.Services[0].Balancer = config.RingHash
	cfg.Services[0].Hash = &config.HashConfig{Keys: 10000, Zipf: 0.8, Points: config.DefaultRingPoints}
	benchWorld(b, cfg)
}

// TestFanoutChoose: with fanout_choose = k each request makes k of its n
// edges, a uniformly random subset (each edge taken by k/n of the
// requests, within 4.5 standard deviations), the same for its retries.
func TestFanoutChoose(t *testing.T) {
	for _, fanout := range []config.Fanout{config.Sequential, config.Parallel} {
		k := 2
		cfg := config.Config{
			Duration: 200 * time.Second,
			Interval: time.Second,
			Seed:     9,
			Services: []config.ServiceConfig{
				{Name: "front", Workers: 50, ServiceTime: sim.MustParseDist("exp(1ms)"), Fanout: fanout, FanoutChoose: &k,
					Calls: []config.CallConfig{{Target: "s0"}, {Target: "s1"}, {Target: "s2"}, {Target: "s3", Count: 3}, {Target: "s4"}}},
			},
			Clients: []config.ClientConfig{{Name: "users", Target: "front", Rate: 200}},
		}
		for i := range 5 {
			cfg.Services = append(cfg.Services, config.ServiceConfig{Name: fmt.Sprintf("s%d", i), Workers: 10, ServiceTime: sim.MustParseDist("exp(1ms)")})
		}
		sum := runSummary(t, cfg)
		n := float64(sum.Services["front"].Served)
		total := 0.0
		for i := range 5 {
			count := 1.0
			if i == 3 {
				count = 3
			}
			got := float64(sum.Edges[fmt.Sprintf("front->s%d", i)].Calls) / count
			total += got
			want, sd := n*0.4, math.Sqrt(n*0.4*0.6)
			if math.Abs(got-want) > 4.5*sd {
				t.Errorf("%s: edge %d taken by %v of %v requests, want %.0f ± %.0f", fanout, i, got, n, want, 4.5*sd)
			}
		}
		if total != 2*n {
			t.Errorf("%s: %v edges taken by %v requests, want exactly 2 each", fanout, total, n)
		}
	}
}

// runSummary builds and runs cfg and returns its summary.
func runSummary(t testing.TB, cfg config.Config) results.Summary {
	t.Helper()
	w, err := Build(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Run(); err != nil {
		t.Fatal(err)
	}
	return w.Results().Summary
}

// TestFanoutQuorum: a request that waits for k of its n parallel calls
// waits for the k-th order statistic of their latencies. Three calls of
// exponential service with mean 10 ms at low load: the first answer comes
// after 10/3 ms on average, the second after 10/3 + 10/2 = 8.3 ms, all
// three after 10/3 + 10/2 + 10 = 18.3 ms. With one of the three back ends
// failing every call, a quorum of 2 still succeeds and a quorum of 3
// never does. The calls a request no longer waits for still finish.
func TestFanoutQuorum(t *testing.T) {
	run := func(k int, failing bool) results.Summary {
		cfg := config.Config{
			Duration: 400 * time.Second,
			Interval: time.Second,
			Seed:     11,
			Services: []config.ServiceConfig{
				{Name: "front", Workers: 100, ServiceTime: sim.MustParseDist("0ms"), Fanout: config.Parallel, FanoutQuorum: &k,
					Calls: []config.CallConfig{{Target: "a"}, {Target: "b"}, {Target: "c"}}},
				{Name: "a", Workers: 100, ServiceTime: sim.MustParseDist("exp(10ms)")},
				{Name: "b", Workers: 100, ServiceTime: sim.MustParseDist("exp(10ms)")},
				{Name: "c", Workers: 100, ServiceTime: sim.MustParseDist("exp(10ms)")},
			},
			Clients: []config.ClientConfig{{Name: "users", Target: "front", Rate: 50}},
		}
		if failing {
			cfg.Services[3].ErrorRate = 1
		}
		return runSummary(t, cfg)
	}
	for k, want := range map[int]float64{1: 10.0 / 3, 2: 10.0/3 + 5, 3: 10.0/3 + 5 + 10} {
		sum := run(k, false)
		got := sum.Latency.Mean * 1000
		if math.Abs(got-want) > 0.04*want {
			t.Errorf("quorum %d of 3: mean latency %.2f ms, want %.2f ms", k, got, want)
		}
		if c := sum.Edges["front->c"].Calls; float64(c) < 0.99*float64(sum.Calls) {
			t.Errorf("quorum %d: c got %d calls of %d requests: every call is made", k, c, sum.Calls)
		}
		if s := sum.Services["c"].Served; float64(s) < 0.99*float64(sum.Calls) {
			t.Errorf("quorum %d: c served %d of %d: the calls not waited for still finish", k, s, sum.Calls)
		}
	}
	if sum := run(2, true); sum.Succeeded < sum.Calls-sum.InFlight {
		t.Errorf("quorum 2 of 3 with c failing: %d of %d succeeded, want all", sum.Succeeded, sum.Calls)
	}
	if sum := run(3, true); sum.Succeeded != 0 {
		t.Errorf("quorum 3 of 3 with c failing: %d succeeded, want none", sum.Succeeded)
	}
}

// benchWorld builds cfg and runs it as the timed part of b, reporting
// allocations.
func benchWorld(b *testing.B, cfg config.Config) {
	b.Helper()
	w, err := Build(cfg)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	if err := w.Run(); err != nil {
		b.Fatal(err)
	}
}

// TestBusiestShareSeries: the busiest replica's share is a series too,
// one value per interval, each near the run's.
func TestBusiestShareSeries(t *testing.T) {
	cfg := config.Config{
		Duration: 20 * time.Second, Interval: time.Second, Seed: 5,
		Services: []config.ServiceConfig{{Name: "kv", Replicas: 10, Workers: 4, ServiceTime: sim.MustParseDist("exp(10ms)"),
			Balancer: config.RingHash, Hash: &config.HashConfig{Keys: 1000, Zipf: 1.2, Points: config.DefaultRingPoints}}},
		Clients: []config.ClientConfig{{Name: "users", Target: "kv", Rate: 2000}},
	}
	w, err := Build(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Run(); err != nil {
		t.Fatal(err)
	}
	r := w.Results()
	run := r.Summary.Services["kv"].Strategy[MetricBusiestShare]
	s := r.Series.Services[0].Strategy[MetricBusiestShare]
	if len(s) != 20 {
		t.Fatalf("%d values in the series, want one per interval (20)", len(s))
	}
	for i, x := range s {
		if math.Abs(x-run) > 0.05 {
			t.Errorf("interval %d: busiest share %.3f, the run's %.3f", i, x, run)
		}
	}
}
