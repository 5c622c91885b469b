package models

// cacheStrat is the strategy state of one cache (request coalescing, TTL
// jitter, serve-stale): nil when none is configured.
type cacheStrat struct {
	m metricSet
}

// strat returns the cache's strategy metrics, nil without strategies.
func (c *cache) strat() *metricSet {
	if c.st == nil {
		return nil
	}
	return &c.st.m
}
