package results

func cloneValues(v Values) Values { return append(Values{}, v...) }

func cloneCallSeries(c CallSeries) CallSeries {
	c.Offered = cloneValues(c.Offered)
	c.Attempts = cloneValues(c.Attempts)
	c.Amplification = cloneValues(c.Amplification)
	c.Succeeded = cloneValues(c.Succeeded)
	c.Goodput = c.Succeeded
	c.Throughput = cloneValues(c.Throughput)
	f := map[string]Values{}
	for k, v := range c.Failed {
		f[k] = cloneValues(v)
	}
	c.Failed = f
	c.InFlight = cloneValues(c.InFlight)
	c.P50, c.P90, c.P99, c.P999 = cloneValues(c.P50), cloneValues(c.P90), cloneValues(c.P99), cloneValues(c.P999)
	c.Strategy = cloneValuesMap(c.Strategy)
	return c
}

// Clone returns a deep copy of the series, sharing no storage with s
// (a world's live series are views it keeps appending to).
func (s Series) Clone() Series {
	out := Series{T: cloneValues(s.T), Total: cloneCallSeries(s.Total)}
	out.Clients = []CallSeries{}
	for _, c := range s.Clients {
		out.Clients = append(out.Clients, cloneCallSeries(c))
	}
	out.Edges = []CallSeries{}
	for _, c := range s.Edges {
		out.Edges = append(out.Edges, cloneCallSeries(c))
	}
	out.Services = []ServiceSeries{}
	for _, v := range s.Services {
		v.Arrivals, v.Throughput, v.Rejected, v.Errors = cloneValues(v.Arrivals), cloneValues(v.Throughput), cloneValues(v.Rejected), cloneValues(v.Errors)
		v.Wasted, v.Utilization, v.Busy, v.Capacity = cloneValues(v.Wasted), cloneValues(v.Utilization), cloneValues(v.Busy), cloneValues(v.Capacity)
		v.QueueMean, v.QueueMax, v.InSystem = cloneValues(v.QueueMean), cloneValues(v.QueueMax), cloneValues(v.InSystem)
		v.Strategy = cloneValuesMap(v.Strategy)
		out.Services = append(out.Services, v)
	}
	out.Caches = []CacheSeries{}
	for _, v := range s.Caches {
		v.Hits, v.Misses, v.HitRatio, v.Size = cloneValues(v.Hits), cloneValues(v.Misses), cloneValues(v.HitRatio), cloneValues(v.Size)
		v.Strategy = cloneValuesMap(v.Strategy)
		out.Caches = append(out.Caches, v)
	}
	out.SLOs = cloneSLOSeries(s.SLOs)
	for _, c := range s.Jobs {
		out.Jobs = append(out.Jobs, cloneCallSeries(c))
	}
	return out
}

func cloneValuesMap(m map[string]Values) map[string]Values {
	if m == nil {
		return nil
	}
	out := make(map[string]Values, len(m))
	for k, v := range m {
		out[k] = cloneValues(v)
	}
	return out
}
