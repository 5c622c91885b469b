package results

// Column is one series of a run, named as series.csv names it: the
// entity's Kind ("total", "client", "edge", "service", "cache", "job",
// "slo"), its Name, and the Metric: the series' JSON name ("goodput",
// "p99_s", "queue_mean"), or "map.key" for a series in a map
// ("failed.timeout", "strategy.retries", "alerts.page-1h"). A call
// series' fallback answers are "fallbacks", beside its goodput, not
// among the failed ones.
type Column struct {
	Kind, Name, Metric string
	Values             Values
}

// Columns lists the series as columns: the total, then clients, edges,
// services, caches, jobs and SLOs, each in configuration order, and each
// entity's series in field order (maps by key). A batch's series.csv
// lists them in this order.
func (s *Series) Columns() []Column {
	var out []Column
	s.eachColumn(false, func(kind, name, metric string, v Values) {
		out = append(out, Column{kind, name, metric, v})
	})
	return out
}

// eachColumn calls f for every series in Columns' order, or with SLOs
// before jobs (the order of Results.WriteSeriesCSV).
func (s *Series) eachColumn(slosFirst bool, f func(kind, name, metric string, v Values)) {
	calls := func(kind string, c *CallSeries) {
		f(kind, c.Name, "offered", c.Offered)
		f(kind, c.Name, "attempts", c.Attempts)
		f(kind, c.Name, "amplification", c.Amplification)
		f(kind, c.Name, "succeeded", c.Succeeded)
		f(kind, c.Name, "goodput", c.Goodput)
		f(kind, c.Name, "throughput", c.Throughput)
		if v := c.Fallbacks(); v != nil {
			f(kind, c.Name, "fallbacks", v) // degraded goodput, apart from the failures
		}
		for _, k := range sortedKeys(c.Failed) {
			if !IsFallback(k) {
				f(kind, c.Name, "failed."+k, c.Failed[k])
			}
		}
		f(kind, c.Name, "in_flight", c.InFlight)
		f(kind, c.Name, "p50_s", c.P50)
		f(kind, c.Name, "p90_s", c.P90)
		f(kind, c.Name, "p99_s", c.P99)
		f(kind, c.Name, "p999_s", c.P999)
		for _, k := range sortedKeys(c.Strategy) {
			f(kind, c.Name, "strategy."+k, c.Strategy[k])
		}
	}
	slos := func() {
		for i := range s.SLOs {
			x := &s.SLOs[i]
			f("slo", x.Name, "good", x.Good)
			f("slo", x.Name, "total", x.Total)
			f("slo", x.Name, "sli", x.SLI)
			f("slo", x.Name, "burn_rate", x.BurnRate)
			f("slo", x.Name, "budget_remaining", x.BudgetRemaining)
			for _, k := range sortedKeys(x.Alerts) {
				f("slo", x.Name, "alerts."+k, x.Alerts[k])
			}
		}
	}
	calls("total", &s.Total)
	for i := range s.Clients {
		calls("client", &s.Clients[i])
	}
	for i := range s.Edges {
		calls("edge", &s.Edges[i])
	}
	for i := range s.Services {
		x := &s.Services[i]
		f("service", x.Name, "arrivals", x.Arrivals)
		f("service", x.Name, "throughput", x.Throughput)
		f("service", x.Name, "rejected", x.Rejected)
		f("service", x.Name, "errors", x.Errors)
		f("service", x.Name, "wasted", x.Wasted)
		f("service", x.Name, "utilization", x.Utilization)
		f("service", x.Name, "busy", x.Busy)
		f("service", x.Name, "capacity", x.Capacity)
		f("service", x.Name, "queue_mean", x.QueueMean)
		f("service", x.Name, "queue_max", x.QueueMax)
		f("service", x.Name, "in_system", x.InSystem)
		for _, k := range sortedKeys(x.Strategy) {
			f("service", x.Name, "strategy."+k, x.Strategy[k])
		}
	}
	for i := range s.Caches {
		x := &s.Caches[i]
		f("cache", x.Name, "hits", x.Hits)
		f("cache", x.Name, "misses", x.Misses)
		f("cache", x.Name, "hit_ratio", x.HitRatio)
		f("cache", x.Name, "size", x.Size)
		for _, k := range sortedKeys(x.Strategy) {
			f("cache", x.Name, "strategy."+k, x.Strategy[k])
		}
	}
	if slosFirst {
		slos()
	}
	for i := range s.Jobs {
		calls("job", &s.Jobs[i])
	}
	if !slosFirst {
		slos()
	}
}

// SeriesOfColumns rebuilds a Series from columns (Columns, or the rows of
// a series.csv): T is the interval starts; entities come in the order of
// their first column. A column of a kind or metric this build does not
// know is left out (a file written by a newer version).
func SeriesOfColumns(t Values, cols []Column) *Series {
	out := &Series{T: t}
	type key struct{ kind, name string }
	index := map[key]int{}
	for _, c := range cols {
		k := key{c.Kind, c.Name}
		if _, ok := index[k]; ok {
			continue
		}
		switch c.Kind {
		case "total":
			out.Total.Name = c.Name
		case "client":
			index[k] = len(out.Clients)
			out.Clients = append(out.Clients, CallSeries{Name: c.Name})
		case "edge":
			index[k] = len(out.Edges)
			out.Edges = append(out.Edges, CallSeries{Name: c.Name})
		case "service":
			index[k] = len(out.Services)
			out.Services = append(out.Services, ServiceSeries{Name: c.Name})
		case "cache":
			index[k] = len(out.Caches)
			out.Caches = append(out.Caches, CacheSeries{Name: c.Name})
		case "slo":
			index[k] = len(out.SLOs)
			out.SLOs = append(out.SLOs, SLOSeries{Name: c.Name})
		case "job":
			index[k] = len(out.Jobs)
			out.Jobs = append(out.Jobs, CallSeries{Name: c.Name})
		}
	}
	for _, c := range cols {
		i := index[key{c.Kind, c.Name}]
		switch c.Kind {
		case "total":
			out.Total.setColumn(c.Metric, c.Values)
		case "client":
			out.Clients[i].setColumn(c.Metric, c.Values)
		case "edge":
			out.Edges[i].setColumn(c.Metric, c.Values)
		case "service":
			out.Services[i].setColumn(c.Metric, c.Values)
		case "cache":
			out.Caches[i].setColumn(c.Metric, c.Values)
		case "slo":
			out.SLOs[i].setColumn(c.Metric, c.Values)
		case "job":
			out.Jobs[i].setColumn(c.Metric, c.Values)
		}
	}
	return out
}

// setIn sets key k of *m to v, making the map if need be.
func setIn(m *map[string]Values, k string, v Values) {
	if k == "" {
		return
	}
	if *m == nil {
		*m = map[string]Values{}
	}
	(*m)[k] = v
}

// cut splits "failed.timeout" into "failed" and "timeout".
func cut(metric string) (field, key string) {
	for i := 0; i < len(metric); i++ {
		if metric[i] == '.' {
			return metric[:i], metric[i+1:]
		}
	}
	return metric, ""
}

func (c *CallSeries) setColumn(metric string, v Values) {
	switch field, key := cut(metric); field {
	case "offered":
		c.Offered = v
	case "attempts":
		c.Attempts = v
	case "amplification":
		c.Amplification = v
	case "succeeded":
		c.Succeeded = v
	case "goodput":
		c.Goodput = v
	case "throughput":
		c.Throughput = v
	case "failed":
		setIn(&c.Failed, key, v)
	case "fallbacks":
		setIn(&c.Failed, fallbackReason, v)
	case "in_flight":
		c.InFlight = v
	case "p50_s":
		c.P50 = v
	case "p90_s":
		c.P90 = v
	case "p99_s":
		c.P99 = v
	case "p999_s":
		c.P999 = v
	case "strategy":
		setIn(&c.Strategy, key, v)
	}
}

func (s *ServiceSeries) setColumn(metric string, v Values) {
	switch field, key := cut(metric); field {
	case "arrivals":
		s.Arrivals = v
	case "throughput":
		s.Throughput = v
	case "rejected":
		s.Rejected = v
	case "errors":
		s.Errors = v
	case "wasted":
		s.Wasted = v
	case "utilization":
		s.Utilization = v
	case "busy":
		s.Busy = v
	case "capacity":
		s.Capacity = v
	case "queue_mean":
		s.QueueMean = v
	case "queue_max":
		s.QueueMax = v
	case "in_system":
		s.InSystem = v
	case "strategy":
		setIn(&s.Strategy, key, v)
	}
}

func (c *CacheSeries) setColumn(metric string, v Values) {
	switch field, key := cut(metric); field {
	case "hits":
		c.Hits = v
	case "misses":
		c.Misses = v
	case "hit_ratio":
		c.HitRatio = v
	case "size":
		c.Size = v
	case "strategy":
		setIn(&c.Strategy, key, v)
	}
}

func (s *SLOSeries) setColumn(metric string, v Values) {
	switch field, key := cut(metric); field {
	case "good":
		s.Good = v
	case "total":
		s.Total = v
	case "sli":
		s.SLI = v
	case "burn_rate":
		s.BurnRate = v
	case "budget_remaining":
		s.BudgetRemaining = v
	case "alerts":
		setIn(&s.Alerts, key, v)
	}
}
