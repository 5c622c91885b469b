package scenarios

import (
	"sort"

	"github.com/stampede-sim/stampede/models/results"
)

// The JSON tree of a run's summary, built field by field in the order and
// under the names of results.Summary's JSON encoding: maps by sorted key,
// nil pointers as null, NaN as null, nil maps under omitempty left out.

// tree is an object under construction.
type tree struct{ o *jv }

func newTree() tree { return tree{jObject()} }

func (t tree) num(k string, x float64)         { t.o.set(k, jNumber(x)) }
func (t tree) count(k string, n results.Count) { t.o.set(k, jNumber(float64(n))) }
func (t tree) str(k, s string)                 { t.o.set(k, jString(s)) }
func (t tree) boolean(k string, b bool)        { t.o.set(k, &jv{kind: jBool, b: b}) }
func (t tree) obj(k string, x *jv)             { t.o.set(k, x) }

func (t tree) opt(k string, p *float64) {
	if p == nil {
		t.o.set(k, &jv{kind: jNull})
		return
	}
	t.num(k, *p)
}

// when sets k to x if ok, else to null.
func (t tree) when(k string, x float64, ok bool) {
	if !ok {
		t.o.set(k, &jv{kind: jNull})
		return
	}
	t.num(k, x)
}

func sortedOf[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// mapTree is the object of a map, by sorted key.
func mapTree[V any](m map[string]V, f func(V) *jv) *jv {
	o := jObject()
	for _, k := range sortedOf(m) {
		o.set(k, f(m[k]))
	}
	return o
}

func countsTree(m map[string]results.Count) *jv {
	return mapTree(m, func(n results.Count) *jv { return jNumber(float64(n)) })
}

func causesTree(m map[string]map[string]results.Count) *jv {
	return mapTree(m, countsTree)
}

func floatsTree(m map[string]float64) *jv {
	return mapTree(m, jNumber)
}

func arrayTree[V any](xs []V, f func(*V) *jv) *jv {
	a := &jv{kind: jArr}
	for i := range xs {
		a.vals = append(a.vals, f(&xs[i]))
	}
	return a
}

// summaryTree is the JSON tree of a run's summary.
func summaryTree(s *results.Summary) *jv {
	t := newTree()
	t.count("calls", s.Calls)
	t.count("attempts", s.Attempts)
	t.num("amplification", float64(s.Amplification))
	t.count("succeeded", s.Succeeded)
	t.obj("failed", countsTree(s.Failed))
	if s.ErrorCauses != nil {
		t.obj("error_causes", causesTree(s.ErrorCauses))
	}
	t.count("in_flight", s.InFlight)
	t.num("goodput", s.Goodput)
	t.num("throughput", s.Throughput)
	t.obj("latency_s", latencyTree(&s.Latency))
	if s.Recovered == nil {
		t.obj("recovered", &jv{kind: jNull})
	} else {
		t.boolean("recovered", *s.Recovered)
	}
	t.opt("recovery_s", s.RecoveryS)
	t.obj("recovery", recoveryTree(&s.Recovery))
	t.obj("services", mapTree(s.Services, serviceTree))
	t.obj("clients", mapTree(s.Clients, callTree))
	t.obj("edges", mapTree(s.Edges, callTree))
	t.obj("caches", mapTree(s.Caches, cacheTree))
	if s.Jobs != nil {
		t.obj("jobs", mapTree(s.Jobs, callTree))
	}
	if s.SLOs != nil {
		t.obj("slos", mapTree(s.SLOs, sloTree))
	}
	if s.Alerts != nil {
		t.obj("alerts", mapTree(s.Alerts, func(m map[string]results.AlertSummary) *jv { return mapTree(m, alertTree) }))
	}
	return t.o
}

func latencyTree(l *results.Latency) *jv {
	t := newTree()
	t.num("mean", l.Mean)
	t.num("p50", l.P50)
	t.num("p90", l.P90)
	t.num("p99", l.P99)
	t.num("p999", l.P999)
	t.num("max", l.Max)
	if l.Histogram != nil {
		t.obj("histogram", jPairsOf(l.Histogram))
	}
	return t.o
}

func recoveryTree(r *results.Recovery) *jv {
	t := newTree()
	t.str("verdict", r.Verdict.String())
	// What a run did not measure is null, not 0: without faults there is
	// no fault window and no baseline; with no interval before the first
	// fault, no baseline.
	faults, baseline := r.Measured()
	t.when("baseline_goodput", r.BaselineGoodput, baseline)
	t.when("baseline_offered", r.BaselineOffered, baseline)
	t.when("threshold", r.Threshold, baseline)
	t.num("tolerance", r.Tolerance)
	t.num("hold_s", r.HoldS)
	t.when("warmup_s", r.WarmupS, faults)
	t.when("first_fault_s", r.FirstFaultS, faults)
	t.when("fault_end_s", r.FaultEndS, faults)
	t.opt("recovery_s", r.RecoveryS)
	return t.o
}

func callTree(c results.CallSummary) *jv {
	t := newTree()
	t.count("calls", c.Calls)
	t.count("attempts", c.Attempts)
	t.num("amplification", float64(c.Amplification))
	t.count("succeeded", c.Succeeded)
	t.obj("failed", countsTree(c.Failed))
	if c.ErrorCauses != nil {
		t.obj("error_causes", causesTree(c.ErrorCauses))
	}
	t.count("in_flight", c.InFlight)
	t.num("goodput", c.Goodput)
	t.num("throughput", c.Throughput)
	t.obj("latency_s", latencyTree(&c.Latency))
	if c.Strategy != nil {
		t.obj("strategy", floatsTree(c.Strategy))
	}
	return t.o
}

func meanTree(x float64) *jv {
	t := newTree()
	t.num("mean", x)
	return t.o
}

func serviceTree(s results.ServiceSummary) *jv {
	t := newTree()
	t.num("utilization", s.Utilization)
	t.count("arrived", s.Arrived)
	t.count("served", s.Served)
	t.count("rejected", s.Rejected)
	t.count("dropped", s.Dropped)
	t.count("errors", s.Errors)
	t.num("wasted_work", s.WastedWork)
	t.opt("wasted_share", s.WastedShare)
	t.num("throughput", s.Throughput)
	t.obj("wait_s", meanTree(s.Wait.Mean))
	t.obj("sojourn_s", meanTree(s.Sojourn.Mean))
	t.obj("in_system", meanTree(s.InSystem.Mean))
	q := newTree()
	q.num("mean", s.QueueLength.Mean)
	q.num("max", s.QueueLength.Max)
	t.obj("queue_length", q.o)
	if s.Strategy != nil {
		t.obj("strategy", floatsTree(s.Strategy))
	}
	return t.o
}

func cacheTree(c results.CacheSummary) *jv {
	t := newTree()
	t.count("hits", c.Hits)
	t.count("misses", c.Misses)
	t.num("hit_ratio", float64(c.HitRatio))
	t.obj("size", meanTree(c.Size.Mean))
	if c.Strategy != nil {
		t.obj("strategy", floatsTree(c.Strategy))
	}
	return t.o
}

func sloTree(s results.SLOSummary) *jv {
	t := newTree()
	t.str("client", s.Client)
	t.num("objective", s.Objective)
	t.num("latency_s", s.LatencyS)
	t.num("window_s", s.WindowS)
	t.num("time_scale", s.TimeScale)
	t.count("total", s.Total)
	t.count("good", s.Good)
	t.count("bad", s.Bad)
	t.opt("sli", s.SLI)
	t.boolean("met", s.Met)
	t.num("burn_rate", s.BurnRate)
	t.num("max_burn_rate", s.MaxBurnRate)
	t.num("budget_spent", s.BudgetSpent)
	t.num("budget_remaining", s.BudgetRemaining)
	t.num("budget_remaining_min", s.BudgetRemainingMin)
	t.str("first_alert", s.FirstAlert)
	t.opt("first_alert_s", s.FirstAlertS)
	return t.o
}

func alertTree(a results.AlertSummary) *jv {
	t := newTree()
	t.str("severity", string(a.Severity))
	t.num("burn_rate", a.BurnRate)
	t.num("long_s", a.LongS)
	t.num("short_s", a.ShortS)
	t.num("grace_s", a.GraceS)
	t.count("fired", a.Fired)
	t.count("false_positives", a.FalsePositives)
	t.num("firing_s", a.FiringS)
	t.opt("first_fire_s", a.FirstFireS)
	t.opt("detect_s", a.DetectS)
	t.count("detected", a.Detected)
	t.count("missed", a.Missed)
	t.obj("faults", arrayTree(a.Faults, func(d *results.FaultDetection) *jv {
		t := newTree()
		t.str("kind", d.Kind)
		t.str("target", d.Target)
		t.num("start_s", d.StartS)
		t.opt("detect_s", d.DetectS)
		t.opt("budget_spent", d.BudgetSpent)
		return t.o
	}))
	t.obj("fires", arrayTree(a.Fires, func(f *results.AlertFire) *jv {
		t := newTree()
		t.num("start_s", f.StartS)
		t.opt("end_s", f.EndS)
		t.boolean("false_positive", f.FalsePositive)
		return t.o
	}))
	return t.o
}

// faultsTree is the JSON tree of fault windows.
func faultsTree(fs []results.FaultWindow) *jv {
	return arrayTree(fs, func(f *results.FaultWindow) *jv {
		t := newTree()
		t.str("kind", f.Kind)
		t.str("target", f.Target)
		t.num("start_s", f.StartS)
		t.num("end_s", f.EndS)
		return t.o
	})
}
