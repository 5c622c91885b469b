package config

import "fmt"

// Fanout is how a service makes its downstream calls.
type Fanout string

// Fan-out modes.
const (
	Sequential Fanout = "sequential" // one call after the other; the first failure fails the request
	Parallel   Fanout = "parallel"   // all calls at once; wait for all; any failure fails the request
)

// Balancer is a load-balancing policy across a service's replicas.
type Balancer string

// Load-balancing policies. "Outstanding" counts the requests a replica
// holds: waiting plus in service.
const (
	RoundRobin       Balancer = "round_robin"       // replicas in turn
	Random           Balancer = "random"            // uniformly at random
	LeastOutstanding Balancer = "least_outstanding" // fewest outstanding; ties to the lowest index
	PowerOfTwo       Balancer = "p2c"               // two distinct random replicas, the one with fewer outstanding (Mitzenmacher 2001)
	// WeightedRoundRobin is nginx's smooth weighted round robin over
	// ServiceConfig.Weights.
	WeightedRoundRobin Balancer = "weighted_round_robin"
	// RingHash is consistent hashing of each request's key
	// (ServiceConfig.Hash) onto a ring of the replicas (Envoy's ring_hash).
	RingHash Balancer = "ring_hash"
)

// HashConfig is the key space of a ring_hash service's requests and its
// ring.
type HashConfig struct {
	// Keys is how many keys the requests are spread over, in [1, 1e7].
	Keys int `toml:"keys"`
	// Zipf is the keys' popularity exponent s in [0, 10]: key k has
	// probability proportional to 1/k^s; 0 is uniform.
	Zipf float64 `toml:"zipf"`
	// Points is each replica's number of points on the ring, in
	// [1, 10000]. Zero means DefaultRingPoints.
	Points int `toml:"points"`
}

// DefaultRingPoints is each replica's points on a hash ring when
// HashConfig.Points is not given.
const DefaultRingPoints = 100

// balancer checks the keys of the weighted_round_robin and ring_hash
// balancers. Another balancer leaves them unused, so that a variant can
// switch a service's balancer without a way to remove a table.
func (v *validator) balancer(p string, s *ServiceConfig) {
	switch {
	case s.Balancer == WeightedRoundRobin:
		if s.Autoscale != nil {
			v.add(p+".balancer", "weighted_round_robin needs a fixed replica count: not with autoscale")
		}
		if len(s.Weights) != s.Replicas {
			v.add(p+".weights", "must give one weight per replica (%d), got %d", s.Replicas, len(s.Weights))
		}
		sum := 0
		for i, w := range s.Weights {
			if w < 0 || w > 1000000 {
				v.add(fmt.Sprintf("%s.weights[%d]", p, i), "must be in [0, 1000000], got %d", w)
			}
			sum += w
		}
		if len(s.Weights) > 0 && sum == 0 {
			v.add(p+".weights", "must not all be 0")
		}
	}
	if s.FanoutChoose != nil {
		switch k := *s.FanoutChoose; {
		case len(s.Calls) == 0:
			v.add(p+".fanout_choose", "needs calls to choose from: the service has none")
		case k < 1 || k > len(s.Calls):
			v.add(p+".fanout_choose", "must be in [1, %d] (the service's call edges), got %d", len(s.Calls), k)
		default:
			for j := range s.Calls {
				if s.Calls[j].Probability != nil {
					v.add(fmt.Sprintf("%s.calls[%d].probability", p, j), "is not for a service with fanout_choose, which picks the edges itself")
				}
			}
		}
	}
	if s.FanoutQuorum != nil {
		n := 0
		for _, cc := range s.Calls {
			n += max(cc.Count, 1)
		}
		switch k := *s.FanoutQuorum; {
		case s.Fanout != Parallel:
			v.add(p+".fanout_quorum", "needs fanout = \"parallel\" (a sequential request makes one call at a time)")
		case k < 1 || k > n:
			v.add(p+".fanout_quorum", "must be in [1, %d] (the calls a request makes), got %d", n, k)
		}
	}
	switch h := s.Hash; {
	case s.Balancer == RingHash && h == nil:
		v.add(p+".hash", "is required with balancer = \"ring_hash\": hash = { keys = N } (and zipf, points)")
	case s.Balancer == RingHash:
		if h.Keys < 1 || h.Keys > 10000000 {
			v.add(p+".hash.keys", "must be in [1, 10000000], got %d", h.Keys)
		}
		if !(h.Zipf >= 0 && h.Zipf <= 10) {
			v.add(p+".hash.zipf", "must be in [0, 10], got %v", h.Zipf)
		}
		if h.Points < 1 || h.Points > 10000 {
			v.add(p+".hash.points", "must be in [1, 10000], got %d", h.Points)
		} else if n := max(s.Replicas, autoscaleMax(s)) * h.Points; n > 1000000 {
			v.add(p+".hash.points", "makes a ring of %d points (replicas x points); at most 1000000", n)
		}
	}
}

func autoscaleMax(s *ServiceConfig) int {
	if s.Autoscale == nil {
		return 0
	}
	return s.Autoscale.Max
}
