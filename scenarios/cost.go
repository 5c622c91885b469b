package scenarios

import (
	"math"
	"strings"

	"github.com/stampede-sim/stampede/models/config"
	"github.com/stampede-sim/stampede/models/results"
	"github.com/stampede-sim/stampede/strategies"
)

// The cost block of a summary, for a scenario with a [cost] table
// (config.CostConfig): what the run cost at the scenario's prices, from
// the replica-hours its services held, the requests they received and the
// retries their callers sent:
//
//	"cost": {"total": x,          replicas + requests + retries + fallbacks
//	         "replicas": x,       replica-hours x price per service
//	         "requests": x,       requests received x price per service
//	         "retries": x,        retries and hedges sent x cost.retry
//	         "fallbacks": x,      fallback answers given (calls counted
//	                              under fallback, by clients and edges
//	                              alike) x cost.fallback
//	         "per_success": x,    total / calls that succeeded (null if none)
//	         "wasted_share": x,   share of total spent on worker time whose
//	                              answers nobody used (wasted_work)
//	         "retry_share": x}    share of total due to retries: their
//	                              surcharge and the requests they made at
//	                              their targets (not what those requests
//	                              called further down)
//
// The shares are null when the total is 0.

// costKeys are the cost block's numbers, in order.
var costKeys = []string{"total", "replicas", "requests", "retries", "fallbacks", "per_success", "wasted_share", "retry_share"}

// addCost adds the cost block to one run's summary when cfg prices it.
func addCost(sum *jv, cfg *config.Config, res *results.Results) {
	k := cfg.Cost
	if k == nil {
		return
	}
	s := &res.Summary
	var replicas, requests, wasted float64
	reqPrice := map[string]float64{}
	for i := range cfg.Services {
		sc := &cfg.Services[i]
		ss, ok := s.Services[sc.Name]
		if !ok {
			continue
		}
		rh, rq := k.Prices(sc)
		reqPrice[sc.Name] = rq
		held := float64(sc.Replicas) * res.EndS
		if sc.Autoscale != nil {
			held = ss.Strategy[string(strategies.MetricReplicaSeconds)]
		}
		replicas += rh * held / 3600
		requests += rq * float64(ss.Arrived)
		if sc.Workers > 0 {
			wasted += rh / 3600 / float64(sc.Workers) * ss.WastedWork
		}
	}
	var retries, retryDue, fallbacks float64
	caller := func(to string, calls, attempts results.Count, failed map[string]results.Count) {
		fallbacks += float64(failed[strategies.ReasonFallback.String()]) * k.Fallback
		n := float64(attempts) - float64(calls)
		if n <= 0 {
			return
		}
		retries += n * k.Retry
		retryDue += n * (k.Retry + reqPrice[to])
	}
	for _, name := range sortedOf(s.Clients) {
		c := s.Clients[name]
		caller(clientTarget(cfg, name), c.Calls, c.Attempts, c.Failed)
	}
	for _, name := range sortedOf(s.Edges) {
		e := s.Edges[name]
		_, to, _ := strings.Cut(name, "->")
		caller(to, e.Calls, e.Attempts, e.Failed)
	}
	total := replicas + requests + retries + fallbacks
	share := func(x float64) float64 {
		if total == 0 {
			return math.NaN()
		}
		return x / total
	}
	perSuccess := math.NaN()
	if s.Succeeded > 0 {
		perSuccess = total / float64(s.Succeeded)
	}
	t := tree{jObject()}
	for i, x := range []float64{total, replicas, requests, retries, fallbacks, perSuccess, share(wasted), share(retryDue)} {
		t.num(costKeys[i], x)
	}
	sum.set("cost", t.o)
}

// clientTarget returns the target of the client named name.
func clientTarget(cfg *config.Config, name string) string {
	for i := range cfg.Clients {
		if cfg.Clients[i].Name == name {
			return cfg.Clients[i].Target
		}
	}
	return ""
}
