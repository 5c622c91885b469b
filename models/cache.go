package models

import (
	"math"
	"math/rand/v2"
	"sort"

	"github.com/stampede-sim/stampede/models/config"
	"github.com/stampede-sim/stampede/sim"
	"github.com/stampede-sim/stampede/strategies"
)

// cache is a running CacheConfig: a look-aside cache with Zipf key
// popularity, a TTL and LRU eviction, in O(keys) memory allocated once.
type cache struct {
	w        *World
	cfg      *config.CacheConfig
	name     string
	hash     uint64
	e        *edge     // to the backend
	cdf      []float64 // Zipf cumulative probabilities; nil for uniform
	hit      sim.Dist  // nil when zero
	capacity int

	// per key: expiry (sim.Never for no TTL) when stored, and LRU links
	stored     []bool
	expires    []sim.Time
	prev, next []int32
	head, tail int32 // most and least recently used; -1 when empty
	size       int

	m cacheStats

	// coalescing, TTL jitter, serve-stale (cache_strategies.go); nil when none
	st *cacheStrat
}

func newCache(w *World, cfg *config.CacheConfig) *cache {
	c := &cache{
		w:        w,
		cfg:      cfg,
		name:     cfg.Name,
		hash:     hashName("cache/" + cfg.Name),
		hit:      cfg.HitLatency,
		capacity: cfg.Capacity,
		stored:   make([]bool, cfg.Keys),
		expires:  make([]sim.Time, cfg.Keys),
		prev:     make([]int32, cfg.Keys),
		next:     make([]int32, cfg.Keys),
		head:     -1,
		tail:     -1,
	}
	if c.hit != nil && c.hit.Mean() == 0 && c.hit.Variance() == 0 {
		c.hit = nil
	}
	c.cdf = zipfCDF(cfg.Keys, cfg.Zipf)
	return c
}

func (c *cache) wire() {
	w := c.w
	c.e = &edge{
		name:   c.name + "->" + c.cfg.Backend,
		policy: c.cfg.ClientPolicy,
		link:   newLink(c.cfg.Link),
		to:     w.byName[c.cfg.Backend],
		toName: c.cfg.Backend,
		hash:   hashName(c.name + "->" + c.cfg.Backend),

		inherit: c.cfg.PropagateDeadline,
	}
	c.e.stats.name = c.e.name
	w.edges = append(w.edges, c.e)
}

// key draws the key of a call from the stream tied to the call (its
// retries ask for the same key).
func (c *cache) key(callSeed uint64) int32 {
	return int32(drawKey(c.w.rngFor(with(callSeed, purposeKey^c.hash)), c.cdf, len(c.stored)))
}

// zipfCDF returns the cumulative probabilities of keys keys with Zipf
// popularity s (key k has probability proportional to 1/(k+1)^s), or nil
// for s = 0, uniform.
func zipfCDF(keys int, s float64) []float64 {
	if s <= 0 {
		return nil
	}
	cdf := make([]float64, keys)
	sum := 0.0
	for k := range cdf {
		sum += math.Pow(float64(k+1), -s)
		cdf[k] = sum
	}
	for k := range cdf {
		cdf[k] /= sum
	}
	return cdf
}

// drawKey draws one of n keys from r: by cdf (zipfCDF), or uniformly
// when cdf is nil.
func drawKey(r *rand.Rand, cdf []float64, n int) int {
	if cdf == nil {
		return r.IntN(n)
	}
	return min(sort.SearchFloat64s(cdf, r.Float64()), n-1)
}

func (c *cache) arrive(a *attempt) {
	w := c.w
	if a.cancelled {
		a.release(w) // its caller cancelled it on the way (hedging)
		return
	}
	a.ca = c
	a.arrived = w.s.Now()
	a.key = c.key(a.callSeed)
	if c.hit != nil {
		if d := c.hit.Sample(w.rngFor(with(a.seed, c.hash))); d > 0 {
			w.s.Schedule(d, w.hLookup, a)
			return
		}
	}
	c.lookup(a)
}

// lookup answers a hit, or calls the backend on a miss.
func (c *cache) lookup(a *attempt) {
	w := c.w
	k := a.key
	if c.stored[k] && w.s.Now() < c.expires[k] {
		c.m.hits++
		c.m.hitsN++
		c.touch(k)
		// for the run and the interval (its count less its mark)
		a.e.stats.throughputN++
		a.respond(w, strategies.ReasonOK)
		return
	}
	if c.st != nil && c.st.lookup(c, a) {
		return // served stale, or waiting for a fetch of its key
	}
	c.m.misses++
	c.m.missesN++
	a.pending = 1
	a.downFailed = false
	a.cause = cause{}
	call := c.e.newCall(w, a, with(a.seed, c.e.hash))
	call.launch(w)
}

// filled is told the backend call of a miss ended: store the key on
// success and answer.
func (c *cache) filled(a *attempt) {
	w := c.w
	// for the run and the interval (its count less its mark)
	a.e.stats.throughputN++
	if a.downFailed {
		if c.st != nil {
			c.st.fetched(c, a, strategies.ReasonError)
		}
		a.respond(w, strategies.ReasonError)
		return
	}
	c.store(a.key, a.seed)
	if c.st != nil {
		c.st.fetched(c, a, strategies.ReasonOK)
	}
	a.respond(w, strategies.ReasonOK)
}

// store stores key k, fresh for the TTL (jittered from a stream seeded
// with seed, the fetch's).
func (c *cache) store(k int32, seed uint64) {
	now := c.w.s.Now()
	exp := sim.Never
	if c.cfg.TTL > 0 {
		exp = now.Add(c.cfg.TTL)
		if c.st != nil && c.cfg.TTLJitter > 0 {
			exp = now.Add(c.st.jitter.TTL(c.cfg.TTL, c.w.rngFor(with(seed, purposeTTL))))
		}
	}
	c.expires[k] = exp
	if c.stored[k] {
		c.touch(k)
		return
	}
	if c.size >= c.capacity {
		c.remove(c.tail)
	}
	c.stored[k] = true
	c.size++
	c.pushFront(k)
	c.m.size.set(now, float64(c.size))
}

func (c *cache) touch(k int32) {
	if c.head == k {
		return
	}
	c.unlink(k)
	c.pushFront(k)
}

func (c *cache) pushFront(k int32) {
	c.prev[k] = -1
	c.next[k] = c.head
	if c.head >= 0 {
		c.prev[c.head] = k
	}
	c.head = k
	if c.tail < 0 {
		c.tail = k
	}
}

func (c *cache) unlink(k int32) {
	p, n := c.prev[k], c.next[k]
	if p >= 0 {
		c.next[p] = n
	} else {
		c.head = n
	}
	if n >= 0 {
		c.prev[n] = p
	} else {
		c.tail = p
	}
}

func (c *cache) remove(k int32) {
	c.unlink(k)
	c.stored[k] = false
	c.size--
}

// flush empties the cache.
func (c *cache) flush() {
	for c.head >= 0 {
		c.remove(c.head)
	}
	c.m.size.set(c.w.s.Now(), 0)
}
