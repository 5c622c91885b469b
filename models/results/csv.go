package results

import (
	"encoding/csv"
	"io"
	"math"
	"sort"
	"strconv"
)

// Metric is one named number of a summary. Name is the dotted path of the
// value in the summary's JSON ("goodput", "latency_s.p99",
// "failed.timeout", "services.api.wait_s.mean").
type Metric struct {
	// Name is the dotted JSON path.
	Name string
	// Value is the number (counts as float64).
	Value float64
}

// Metrics flattens the summary into named numbers in a stable order
// (JSON field order; names of services, clients, edges, caches and failure
// reasons sorted). Null values (recovered, recovery_s, the recovery
// baseline when they do not apply) are left out. scenarios/ uses it to average replications and to
// check claims; WriteSummaryCSV writes it.
func (s *Summary) Metrics() []Metric {
	var m []Metric
	add := func(name string, v float64) { m = append(m, Metric{name, v}) }
	calls := func(prefix string, c *CallSummary) {
		add(prefix+"calls", float64(c.Calls))
		add(prefix+"attempts", float64(c.Attempts))
		add(prefix+"amplification", float64(c.Amplification))
		add(prefix+"succeeded", float64(c.Succeeded))
		for _, k := range sortedKeys(c.Failed) {
			add(prefix+"failed."+k, float64(c.Failed[k]))
		}
		add(prefix+"in_flight", float64(c.InFlight))
		add(prefix+"goodput", c.Goodput)
		add(prefix+"throughput", c.Throughput)
		latency(add, prefix+"latency_s.", &c.Latency)
		strategy(add, prefix, c.Strategy)
	}
	add("calls", float64(s.Calls))
	add("attempts", float64(s.Attempts))
	add("amplification", float64(s.Amplification))
	add("succeeded", float64(s.Succeeded))
	for _, k := range sortedKeys(s.Failed) {
		add("failed."+k, float64(s.Failed[k]))
	}
	add("in_flight", float64(s.InFlight))
	add("goodput", s.Goodput)
	add("throughput", s.Throughput)
	latency(add, "latency_s.", &s.Latency)
	if s.Recovered != nil {
		add("recovered", b2f(*s.Recovered))
	}
	if s.RecoveryS != nil {
		add("recovery_s", *s.RecoveryS)
	}
	if _, baseline := s.Recovery.Measured(); baseline {
		add("recovery.baseline_goodput", s.Recovery.BaselineGoodput)
		add("recovery.baseline_offered", s.Recovery.BaselineOffered)
	}
	for _, k := range sortedKeys(s.Services) {
		v := s.Services[k]
		p := "services." + k + "."
		add(p+"utilization", v.Utilization)
		add(p+"arrived", float64(v.Arrived))
		add(p+"served", float64(v.Served))
		add(p+"rejected", float64(v.Rejected))
		add(p+"dropped", float64(v.Dropped))
		add(p+"errors", float64(v.Errors))
		add(p+"wasted_work", v.WastedWork)
		if v.WastedShare != nil {
			add(p+"wasted_share", *v.WastedShare)
		}
		add(p+"throughput", v.Throughput)
		add(p+"wait_s.mean", v.Wait.Mean)
		add(p+"sojourn_s.mean", v.Sojourn.Mean)
		add(p+"in_system.mean", v.InSystem.Mean)
		add(p+"queue_length.mean", v.QueueLength.Mean)
		add(p+"queue_length.max", v.QueueLength.Max)
		strategy(add, p, v.Strategy)
	}
	for _, k := range sortedKeys(s.Clients) {
		c := s.Clients[k]
		calls("clients."+k+".", &c)
	}
	for _, k := range sortedKeys(s.Edges) {
		c := s.Edges[k]
		calls("edges."+k+".", &c)
	}
	for _, k := range sortedKeys(s.Caches) {
		c := s.Caches[k]
		p := "caches." + k + "."
		add(p+"hits", float64(c.Hits))
		add(p+"misses", float64(c.Misses))
		add(p+"hit_ratio", float64(c.HitRatio))
		add(p+"size.mean", c.Size.Mean)
		strategy(add, p, c.Strategy)
	}
	sloMetrics(add, s)
	for _, k := range sortedKeys(s.Jobs) {
		c := s.Jobs[k]
		calls("jobs."+k+".", &c)
	}
	return m
}

func latency(add func(string, float64), p string, l *Latency) {
	add(p+"mean", l.Mean)
	add(p+"p50", l.P50)
	add(p+"p90", l.P90)
	add(p+"p99", l.P99)
	add(p+"p999", l.P999)
	add(p+"max", l.Max)
}

// strategy adds an entity's strategy values as p+"strategy."+name, by name.
func strategy(add func(string, float64), p string, m map[string]float64) {
	for _, k := range sortedKeys(m) {
		add(p+"strategy."+k, m[k])
	}
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// WriteSummaryCSV writes the summary as "metric,value" rows in the order of
// Summary.Metrics, plus a "recovery.verdict" row.
func (r *Results) WriteSummaryCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"metric", "value"})
	for _, m := range r.Summary.Metrics() {
		cw.Write([]string{m.Name, CSVFloat(m.Value)})
	}
	cw.Write([]string{"recovery.verdict", r.Summary.Recovery.Verdict.String()})
	cw.Flush()
	return cw.Error()
}

// WriteSeriesCSV writes the series in long ("tidy") form, one row per
// entity, metric and interval:
//
//	t_s,kind,name,metric,value
//	0,client,users,offered,99.5
//
// kind is total, client, edge, service or cache; metric is the JSON name of
// the series ("goodput", "p99_s", "failed.timeout", "queue_mean"). Rows
// come in configuration order of entities, then field order of metrics,
// then time; a NaN is an empty value.
func (r *Results) WriteSeriesCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"t_s", "kind", "name", "metric", "value"})
	t := r.Series.T
	rec := make([]string, 5)
	row := func(kind, name, metric string, v Values) {
		for i := range t {
			rec[0], rec[1], rec[2], rec[3], rec[4] = CSVFloat(t[i]), kind, name, metric, ""
			if i < len(v) {
				rec[4] = CSVFloat(v[i])
			}
			cw.Write(rec)
		}
	}
	r.Series.eachColumn(true, row)
	cw.Flush()
	return cw.Error()
}

// CSVFloat is x as a CSV value: the shortest text that reads back as x,
// and empty for NaN (no data) or an infinity.
func CSVFloat(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return ""
	}
	return strconv.FormatFloat(x, 'g', -1, 64)
}
