package models

import (
	"math"
	"slices"
	"sort"

	"github.com/stampede-sim/stampede/models/config"
	"github.com/stampede-sim/stampede/models/results"
	"github.com/stampede-sim/stampede/strategies"
)

// balancerState is the state of the balancers that need more than a
// counter: smooth weighted round robin (its per-replica weights and
// current values) and ring hash (the ring and the key popularity).
type balancerState struct {
	// weighted round robin: weight and current value by replica index
	weight, cur []int64

	// ring hash: points sorted by hash, each owned by a replica; the
	// key space's Zipf CDF (nil for uniform keys)
	ring []ringPoint
	keys int
	cdf  []float64
	// mark[i] == epoch when replica i is a candidate of the current pick
	mark  []uint32
	epoch uint32

	// picked counts the requests sent to each replica, by index: over
	// the run, and in the current interval (inInterval)
	picked, inInterval []int64
	// shares is MetricBusiestShare interval by interval (NaN for an
	// interval without requests)
	shares results.Values
}

// roll closes an interval: the share of its requests its busiest replica
// got.
func (b *balancerState) roll() {
	var top, sum int64
	for i, n := range b.inInterval {
		top = max(top, n)
		sum += n
		b.inInterval[i] = 0
	}
	share := math.NaN()
	if sum > 0 {
		share = float64(top) / float64(sum)
	}
	b.shares = append(b.shares, share)
}

// MetricBusiestShare is the share of a weighted_round_robin or ring_hash
// service's requests that its busiest replica got (per interval, and over
// the run in the summary): 1/replicas when the balancer spreads evenly,
// near 1 when a hot key sends nearly everything to one replica.
const MetricBusiestShare = string(strategies.MetricBusiestShare)

// busiestShare returns MetricBusiestShare, NaN before any request.
func (b *balancerState) busiestShare() float64 {
	var top, sum int64
	for _, n := range b.picked {
		top = max(top, n)
		sum += n
	}
	if sum == 0 {
		return math.NaN()
	}
	return float64(top) / float64(sum)
}

// ringPoint is one of a replica's points on the hash ring.
type ringPoint struct {
	h   uint64
	rep int32
}

// purposeRingKey is the purpose of the draw of a request's key.
const purposeRingKey = 0x71374491b5c0fbcf

// balKind is a service's balancer (config.Balancer, the user's name for
// it) resolved once at build, so that a pick switches on a small integer
// instead of comparing strings.
type balKind uint8

// The balancers, one per config.Balancer.
const (
	balRoundRobin balKind = iota
	balRandom
	balLeastOutstanding
	balPowerOfTwo
	balWeightedRoundRobin
	balRingHash
)

// kindOf resolves a validated config.Balancer.
func kindOf(b config.Balancer) balKind {
	switch b {
	case config.Random:
		return balRandom
	case config.LeastOutstanding:
		return balLeastOutstanding
	case config.PowerOfTwo:
		return balPowerOfTwo
	case config.WeightedRoundRobin:
		return balWeightedRoundRobin
	case config.RingHash:
		return balRingHash
	}
	return balRoundRobin // round_robin, the default
}

// newBalancer builds the balancer state the service's balancer needs.
func (s *service) newBalancer() {
	cfg := s.cfg
	switch s.balancer {
	case balWeightedRoundRobin:
		b := &balancerState{weight: make([]int64, len(s.reps)), cur: make([]int64, len(s.reps)), picked: make([]int64, len(s.reps)), inInterval: make([]int64, len(s.reps))}
		for i := range b.weight {
			b.weight[i] = 1
			if i < len(cfg.Weights) {
				b.weight[i] = int64(cfg.Weights[i])
			}
		}
		s.bal = b
	case balRingHash:
		h := cfg.Hash
		b := &balancerState{keys: h.Keys, mark: make([]uint32, len(s.reps)), picked: make([]int64, len(s.reps)), inInterval: make([]int64, len(s.reps))}
		points := h.Points
		if points == 0 {
			points = config.DefaultRingPoints
		}
		b.ring = make([]ringPoint, 0, len(s.reps)*points)
		for i := range s.reps {
			for j := range points {
				b.ring = append(b.ring, ringPoint{h: splitmix(s.hash ^ uint64(i)<<32 ^ uint64(j)), rep: int32(i)})
			}
		}
		slices.SortFunc(b.ring, func(x, y ringPoint) int {
			switch {
			case x.h < y.h:
				return -1
			case x.h > y.h:
				return 1
			}
			return int(x.rep - y.rep)
		})
		b.cdf = zipfCDF(h.Keys, h.Zipf)
		s.bal = b
	}
}

// pick chooses a replica for a among the up ones.
func (s *service) pick(a *attempt) *replica { return s.pickFrom(s.reps[:s.up], a) }

// pickFrom chooses a replica for a among reps by the service's balancer.
func (s *service) pickFrom(reps []*replica, a *attempt) *replica {
	if s.bal != nil {
		r := s.pickBalanced(reps, a)
		s.bal.picked[r.idx]++
		s.bal.inInterval[r.idx]++
		return r
	}
	n := len(reps)
	if n == 1 {
		return reps[0]
	}
	switch s.balancer {
	case balRandom:
		return reps[s.lb.IntN(n)]
	case balLeastOutstanding:
		// Ties go to the first in turn from a rotating start, so an idle
		// service spreads its load instead of piling onto replica 0.
		s.rr++
		if s.rr >= n {
			s.rr = 0
		}
		best := reps[s.rr]
		for k := 1; k < n; k++ {
			i := s.rr + k
			if i >= n {
				i -= n
			}
			if r := reps[i]; r.outstanding() < best.outstanding() {
				best = r
			}
		}
		return best
	case balPowerOfTwo:
		i := s.lb.IntN(n)
		j := s.lb.IntN(n - 1)
		if j >= i {
			j++
		}
		if reps[j].outstanding() < reps[i].outstanding() {
			return reps[j]
		}
		return reps[i]
	default: // round robin
		r := reps[s.rr%n]
		s.rr++
		if s.rr >= n {
			s.rr = 0
		}
		return r
	}
}

// pickBalanced picks by weighted round robin or ring hash.
func (s *service) pickBalanced(reps []*replica, a *attempt) *replica {
	if len(reps) == 1 {
		return reps[0]
	}
	if s.balancer == balWeightedRoundRobin {
		return s.bal.smoothWeighted(reps)
	}
	return s.bal.ringPick(s, reps, a)
}

// smoothWeighted is nginx's smooth weighted round robin over reps: each
// pick adds every candidate's weight to its current value, takes the
// candidate with the largest (the first on a tie) and takes the total
// weight off it. Over a cycle each replica gets its weight's share, spread
// out rather than in runs.
func (b *balancerState) smoothWeighted(reps []*replica) *replica {
	var total int64
	best := reps[0]
	for _, r := range reps {
		b.cur[r.idx] += b.weight[r.idx]
		total += b.weight[r.idx]
		if b.cur[r.idx] > b.cur[best.idx] {
			best = r
		}
	}
	b.cur[best.idx] -= total
	return best
}

// ringPick is consistent hashing (Karger et al. 1997, as Envoy's ring_hash
// balancer does it): the request's key, drawn from the key space by the
// call's seed (its retries carry the same key), hashes to a point on the
// ring, and the request goes to the first replica at or after it that is
// a candidate (up, not ejected). A key keeps its replica while the
// replicas change, and a hot key loads one replica.
func (b *balancerState) ringPick(s *service, reps []*replica, a *attempt) *replica {
	if a == nil {
		return reps[0]
	}
	b.epoch++
	if b.epoch == 0 { // wrapped: clear the marks
		clear(b.mark)
		b.epoch = 1
	}
	for _, r := range reps {
		b.mark[r.idx] = b.epoch
	}
	k := drawKey(s.w.rngFor(with(a.callSeed, purposeRingKey^s.hash)), b.cdf, b.keys) // salted by rngFor
	h := splitmix(uint64(k) ^ s.hash ^ purposeRingKey)
	i := sort.Search(len(b.ring), func(i int) bool { return b.ring[i].h >= h })
	for range b.ring {
		if i == len(b.ring) {
			i = 0
		}
		if p := b.ring[i]; b.mark[p.rep] == b.epoch {
			return s.reps[p.rep]
		}
		i++
	}
	return reps[0] // unreachable: every candidate has points
}
