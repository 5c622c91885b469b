package config

import (
	"fmt"
	"math"
	"slices"
	"strings"
)

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

// A PathConfig is one path of a service's requests (ServiceConfig.Paths):
// the share of the requests that take it, and the targets of the call
// edges they make.
type PathConfig struct {
	// Weight is the path's share of the requests, relative to the
	// others' weights: > 0 and finite.
	Weight float64 `toml:"weight"`
	// Calls are targets of the service's call edges; empty: the requests
	// of this path make no call.
	Calls []string `toml:"calls"`
}

// Limits of ServiceConfig.Paths: a request's path is a bit set of edges.
const (
	MaxPaths     = 64
	MaxPathEdges = 64
)

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
	v.paths(p, s)
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

// paths checks ServiceConfig.Paths: each names targets of the service's
// own edges, no edge is in no path, and the edges' own draws
// (probability, fanout_choose) are not mixed with it.
func (v *validator) paths(p string, s *ServiceConfig) {
	if s.Paths == nil {
		return
	}
	switch {
	case len(s.Paths) == 0:
		v.add(p+".paths", "must list at least one path: paths = [{ weight = 1, calls = [...] }]")
		return
	case len(s.Paths) > MaxPaths:
		v.add(p+".paths", "has %d paths; at most %d", len(s.Paths), MaxPaths)
		return
	case len(s.Calls) > MaxPathEdges:
		v.add(p+".paths", "needs at most %d call edges, the service has %d", MaxPathEdges, len(s.Calls))
		return
	case s.FanoutChoose != nil:
		v.add(p+".fanout_choose", "is not for a service with paths, which decide the edges a request takes")
	}
	edge := map[string]int{}
	for j, cc := range s.Calls {
		if cc.Probability != nil {
			v.add(fmt.Sprintf("%s.calls[%d].probability", p, j), "is not for a service with paths, which decide the edges a request takes")
		}
		if _, dup := edge[cc.Target]; dup {
			v.add(fmt.Sprintf("%s.calls[%d].target", p, j), "%q is the target of two call edges; paths name edges by target, so each must be once (use count for several calls)", cc.Target)
		}
		edge[cc.Target] = j
	}
	used := make([]bool, len(s.Calls))
	for i, path := range s.Paths {
		pp := fmt.Sprintf("%s.paths[%d]", p, i)
		if !(path.Weight > 0) || math.IsInf(path.Weight, 0) {
			v.add(pp+".weight", "must be a finite number > 0 (the path's share of the requests, relative to the others), got %v", path.Weight)
		}
		for k, t := range path.Calls {
			j, ok := edge[t]
			switch {
			case !ok:
				v.add(fmt.Sprintf("%s.calls[%d]", pp, k), "%q is not a target of the service's calls (%s)", t, targets(s.Calls))
			case slices.Contains(path.Calls[:k], t):
				v.add(fmt.Sprintf("%s.calls[%d]", pp, k), "%q is in the path twice", t)
			default:
				used[j] = true
			}
		}
	}
	for j, u := range used {
		if !u {
			v.add(fmt.Sprintf("%s.calls[%d]", p, j), "the edge to %q is in no path, so no request would take it: add it to a path, or remove the call", s.Calls[j].Target)
		}
	}
}

func targets(calls []CallConfig) string {
	names := make([]string, len(calls))
	for j, cc := range calls {
		names[j] = fmt.Sprintf("%q", cc.Target)
	}
	return strings.Join(names, ", ")
}
