package models

import (
	"github.com/stampede-sim/stampede/models/config"
	"github.com/stampede-sim/stampede/strategies"
)

// cacheStrat is the strategy state of one cache: request coalescing on
// misses, TTL jitter and serve-stale-while-revalidate. It is nil when none
// is configured.
//
// In the lifecycle, at a lookup: a fresh key is a hit; a key expired for
// less than stale_while_revalidate is a stale hit, answered at once, and
// starts a background refresh of the key unless one is running; a miss
// for a key already being fetched waits for that fetch (coalesce); any
// other miss calls the backend. When a fetch ends, the key is stored (its
// TTL jittered) and every request waiting for it gets the fetch's outcome.
type cacheStrat struct {
	coalesce bool
	jitter   strategies.TTLJitter
	swr      int64 // stale_while_revalidate in ns

	// keys being fetched by a miss: the fetching request, heading the
	// list of those waiting for it (attempt.nextWait)
	fetching map[int32]*attempt
	// keys being refreshed in the background (serve-stale)
	refreshing map[int32]bool
	refreshes  []*refresh // pool

	m          metricSet
	mCoalesced *counter // misses that waited for a fetch
	mStale     *counter // stale hits
	mRefreshes *counter // background refreshes started
}

// refresh is a background refresh of one key, the owner of its backend
// call.
type refresh struct {
	c   *cache
	key int32
}

func newCacheStrat(cfg *config.CacheConfig) (*cacheStrat, error) {
	x := &cacheStrat{}
	any := false
	if cfg.Coalesce {
		x.coalesce = true
		x.fetching = map[int32]*attempt{}
		x.mCoalesced = x.m.counter(strategies.MetricCoalesced)
		any = true
	}
	if cfg.TTLJitter > 0 {
		j, err := strategies.NewTTLJitter(strategies.TTLJitterConfig{Spread: cfg.TTLJitter})
		if err != nil {
			return nil, err
		}
		x.jitter = j
		any = true
	}
	if cfg.StaleWhileRevalidate > 0 {
		x.swr = int64(cfg.StaleWhileRevalidate)
		x.refreshing = map[int32]bool{}
		x.mStale = x.m.counter(strategies.MetricStaleHits)
		x.mRefreshes = x.m.counter(strategies.MetricRefreshes)
		any = true
	}
	if !any {
		return nil, nil
	}
	return x, nil
}

// lookup handles a lookup of a's key that is not a fresh hit: a stale hit
// (answered now, refreshed in the background) or a miss that joins a
// fetch already running. It reports whether it took care of a; if not, a
// is a miss that calls the backend (and, with coalesce, leads the fetch of
// its key).
func (x *cacheStrat) lookup(c *cache, a *attempt) bool {
	w := c.w
	now := w.s.Now()
	k := a.key
	if x.swr > 0 && c.stored[k] && int64(now) < int64(c.expires[k])+x.swr {
		c.m.hits++
		c.m.hitsN++
		x.mStale.inc()
		c.touch(k)
		if !x.refreshing[k] && (x.fetching == nil || x.fetching[k] == nil) {
			x.refreshing[k] = true
			x.mRefreshes.inc()
			var rf *refresh
			if n := len(x.refreshes); n > 0 {
				rf = x.refreshes[n-1]
				x.refreshes = x.refreshes[:n-1]
			} else {
				rf = &refresh{c: c}
			}
			rf.key = k
			call := c.e.newCall(w, rf, with(a.seed, purposeRefresh))
			call.launch(w)
		}
		// for the run and the interval (its count less its mark)
		a.e.stats.throughputN++
		a.respond(w, strategies.ReasonOK)
		return true
	}
	if !x.coalesce {
		return false
	}
	if head := x.fetching[k]; head != nil {
		c.m.misses++
		c.m.missesN++
		x.mCoalesced.inc()
		a.nextWait = head.nextWait
		head.nextWait = a
		return true
	}
	x.fetching[k] = a
	return false
}

// fetched is told the fetch of a's key ended with r (the key is stored
// already if r is ok): the requests waiting for it get the same answer.
func (x *cacheStrat) fetched(c *cache, a *attempt, r Reason) {
	if !x.coalesce || x.fetching[a.key] != a {
		return
	}
	delete(x.fetching, a.key)
	for wt := a.nextWait; wt != nil; {
		next := wt.nextWait
		wt.nextWait = nil
		// for the run and the interval (its count less its mark)
		wt.e.stats.throughputN++
		wt.cause = a.cause
		wt.respond(c.w, r)
		wt = next
	}
	a.nextWait = nil
}

// callDone ends a background refresh: the key is stored again on success.
func (rf *refresh) callDone(call *call, r Reason) {
	c := rf.c
	if r == strategies.ReasonOK {
		c.store(rf.key, call.seed)
	}
	delete(c.st.refreshing, rf.key)
	c.st.refreshes = append(c.st.refreshes, rf)
}

// strat returns the cache's strategy metrics, nil without strategies.
func (c *cache) strat() *metricSet {
	if c.st == nil {
		return nil
	}
	return &c.st.m
}

// buildCacheStrategies makes the strategies of every cache.
func (w *World) buildCacheStrategies() error {
	for _, c := range w.caches {
		st, err := newCacheStrat(c.cfg)
		if err != nil {
			return err
		}
		c.st = st
	}
	return nil
}

// inherit gives call c, made for owner o, what it inherits from the
// request it is made for: its remaining deadline (deadline propagation)
// and, when its edge sets none, its priority. Calls made for something
// else (a cache's background refresh, a job) are critical.
func inherit(c *call, o owner) {
	a, ok := o.(*attempt)
	if c.e.prio < 0 {
		c.prio = uint8(strategies.Critical)
		if ok {
			c.prio = a.prio
		}
	}
	if c.e.inherit && ok {
		c.due = a.due
	}
}
