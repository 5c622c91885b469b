package results

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
)

// Results is what one run produced, as plain data: a summary for the whole
// run and per-interval series, per client, per downstream edge, per service
// and per cache. Rates are per second of virtual time, times are in
// seconds. plots/, tui/ and scenarios/ depend on this, not on the engine.
type Results struct {
	// Seed is the seed of the run (0 is a seed like any other). NoSeed
	// says it is not known: results read back from JSON that did not
	// record one, which are never shown or compared as seed 0.
	Seed   uint64 `json:"seed"`
	NoSeed bool   `json:"-"`
	// DurationS is the configured duration (s).
	DurationS float64 `json:"duration_s"`
	// EndS is the virtual time the run reached (s): DurationS, or less when
	// a limit stopped it.
	EndS float64 `json:"end_s"`
	// IntervalS is the width of one series interval (s).
	IntervalS float64 `json:"interval_s"`
	// Stopped says why the run stopped early (a limit), or is empty.
	Stopped string `json:"stopped,omitempty"`
	// Summary is the whole-run summary.
	Summary Summary `json:"summary"`
	// Series holds the per-interval series.
	Series Series `json:"series"`
	// Faults lists the faults that acted, in start order (for shading).
	Faults []FaultWindow `json:"faults"`
	// Traces are the request traces recorded (trace.go); absent
	// when none were asked for.
	Traces []Trace `json:"traces,omitempty"`
}

// Summary is the whole-run summary. Its fields are the stable JSON contract
// of `stampede run --json` (issue 5): fields may be added, never renamed.
// Calls, attempts, failures and latency cover every client together.
type Summary struct {
	// Calls is the number of calls the clients issued.
	Calls Count `json:"calls"`
	// Attempts is the number of attempts they sent.
	Attempts Count `json:"attempts"`
	// Amplification is Attempts/Calls; null (NaN) with no calls, as
	// there is nothing to amplify.
	Amplification Ratio `json:"amplification"`
	// Succeeded is the number of calls that succeeded (within their
	// deadline, since a call whose deadline passes fails).
	Succeeded Count `json:"succeeded"`
	// Failed counts failed calls by reason name (only reasons that
	// occurred; JSON object keys sorted).
	Failed map[string]Count `json:"failed"`
	// ErrorCauses splits the calls that failed with error because a call
	// below them failed, by the root of that failure: the service or
	// cache whose call failed, then the reason it failed with
	// ({"db": {"outage": n}}: "error (db: outage)"). Errors raised where
	// they are counted are not in it; nil when there are none.
	ErrorCauses map[string]map[string]Count `json:"error_causes,omitempty"`
	// InFlight is the number of calls still in flight when the run ended.
	InFlight Count `json:"in_flight"`
	// Goodput is succeeded calls per second.
	Goodput float64 `json:"goodput"`
	// Throughput is server completions per second of the clients'
	// attempts at their targets (successes, errors and wasted responses).
	Throughput float64 `json:"throughput"`
	// Latency summarises the latency of successful calls (s); null (NaN)
	// when none succeeded.
	Latency Latency `json:"latency_s"`
	// Recovered is the recovery verdict as a bool: true for recovered,
	// false for not_recovered, null otherwise (no faults, collapsed before
	// the first fault, no baseline, undecided).
	Recovered *bool `json:"recovered"`
	// RecoveryS is the time from the end of the last fault to recovery
	// (s), null unless recovered.
	RecoveryS *float64 `json:"recovery_s"`
	// Recovery is the full verdict.
	Recovery Recovery `json:"recovery"`
	// Services summarises each service by name.
	Services map[string]ServiceSummary `json:"services"`
	// Clients summarises each client by name.
	Clients map[string]CallSummary `json:"clients"`
	// Edges summarises each downstream call edge by "from->to".
	Edges map[string]CallSummary `json:"edges"`
	// Caches summarises each cache by name.
	Caches map[string]CacheSummary `json:"caches"`
	// Jobs summarises each job's calls (as a client's) by name, with its
	// changes and their propagation delay under strategy; absent without
	// jobs.
	Jobs map[string]CallSummary `json:"jobs,omitempty"`
	// SLOs summarises each SLO by name; absent without SLOs.
	SLOs map[string]SLOSummary `json:"slos,omitempty"`
	// Alerts summarises the alert rules of each SLO, by SLO name, then by
	// rule name; absent without SLOs.
	Alerts map[string]map[string]AlertSummary `json:"alerts,omitempty"`
}

// Latency is a latency summary in seconds: the exact mean and maximum,
// and quantiles within 1% (sim.Histogram). With no successful call every
// figure is NaN, encoded as null in JSON: there is no latency to speak of,
// which 0 would misstate as an instant answer.
type Latency struct {
	// Mean is the mean latency (s).
	Mean float64 `json:"mean"`
	// P50, P90, P99 and P999 are the 50th, 90th, 99th and 99.9th
	// percentiles (s).
	P50  float64 `json:"p50"`
	P90  float64 `json:"p90"`
	P99  float64 `json:"p99"`
	P999 float64 `json:"p999"`
	// Max is the largest latency (s).
	Max float64 `json:"max"`
	// Histogram is the whole latency histogram (sim.Histogram), as its
	// non-empty buckets in increasing order: [upper bound (s), count]
	// pairs, where count calls took more than the previous bound and at
	// most this one. The running sum of the counts gives the fraction of
	// calls at or under each bound exactly (the empirical CDF); a bucket
	// is at most 1/64 of its bound wide, and the last bound is at or
	// above Max. Present in the summary's total and per client (not per
	// edge or job); nil when no call succeeded.
	Histogram [][2]float64 `json:"histogram,omitempty"`
}

// CallSummary summarises the calls of one client or one downstream edge;
// the fields mean what Summary's fields of the same names mean.
type CallSummary struct {
	// Calls, Attempts and Succeeded are counts; Amplification is
	// Attempts/Calls, null (NaN) with no calls.
	Calls         Count `json:"calls"`
	Attempts      Count `json:"attempts"`
	Amplification Ratio `json:"amplification"`
	Succeeded     Count `json:"succeeded"`
	// Failed counts failed calls by reason name.
	Failed map[string]Count `json:"failed"`
	// ErrorCauses splits the calls that failed with error by the root of
	// the failure below them (see Summary.ErrorCauses); nil when none.
	ErrorCauses map[string]map[string]Count `json:"error_causes,omitempty"`
	// InFlight is calls still in flight at the end.
	InFlight Count `json:"in_flight"`
	// Goodput and Throughput are per second.
	Goodput    float64 `json:"goodput"`
	Throughput float64 `json:"throughput"`
	// Latency is the latency of successful calls.
	Latency Latency `json:"latency_s"`
	// Strategy holds the whole-run values of the client-side strategies
	// configured on this client or edge (counts, and time-weighted means of
	// levels such as breaker_state or budget_tokens; docs/STRATEGIES.md
	// lists the names). Absent when none is configured.
	Strategy map[string]float64 `json:"strategy,omitempty"`
}

// ServiceSummary summarises one service over the run. Counts are requests
// (attempts arriving at the service); times are seconds.
type ServiceSummary struct {
	// Utilization is the time-weighted busy workers over the workers in
	// service, in [0, 1].
	Utilization float64 `json:"utilization"`
	// Arrived is the number of requests that arrived.
	Arrived Count `json:"arrived"`
	// Served is the number of requests that finished service (success or
	// error, wanted or wasted).
	Served Count `json:"served"`
	// Rejected is the number of requests turned away without service
	// (queue_full, outage, ...).
	Rejected Count `json:"rejected"`
	// Dropped is the number of requests swallowed without an answer (a
	// black-hole outage).
	Dropped Count `json:"dropped"`
	// Errors is the number of served requests answered with an error.
	Errors Count `json:"errors"`
	// WastedWork is the worker time (s) spent on requests whose answer
	// nobody used: abandoned by the caller, or lost on the way back.
	WastedWork float64 `json:"wasted_work"`
	// WastedShare is WastedWork over the worker time the service was busy
	// (busy workers integrated over the run), in [0, 1]: the share of its
	// work nobody used. nil (null in JSON) when it was never busy.
	WastedShare *float64 `json:"wasted_share"`
	// Throughput is Served per second.
	Throughput float64 `json:"throughput"`
	// Wait is the time served requests waited in the queue; null (NaN)
	// when no request started service.
	Wait Mean `json:"wait_s"`
	// Sojourn is the time served requests spent in the service (wait +
	// service time + downstream calls); null (NaN) when none was served.
	Sojourn Mean `json:"sojourn_s"`
	// InSystem is the time-weighted number of requests in the service
	// (waiting + in service).
	InSystem Mean `json:"in_system"`
	// QueueLength is the time-weighted number waiting, and its maximum.
	QueueLength MeanMax `json:"queue_length"`
	// Strategy holds the whole-run values of the server-side strategies
	// configured on this service (requests shed, rate limited, dropped,
	// ...; the mean concurrency limit; docs/STRATEGIES.md lists the
	// names). Absent when none is configured.
	Strategy map[string]float64 `json:"strategy,omitempty"`
}

// Ratio is a ratio of two counts, such as attempts per call or hits per
// lookup; NaN (null in JSON) when the count below is 0, as there is then
// nothing to measure, which 0 would misstate.
type Ratio float64

// MarshalJSON encodes the ratio, NaN as null.
func (r Ratio) MarshalJSON() ([]byte, error) {
	return json.Marshal(orNull(float64(r)))
}

// UnmarshalJSON decodes what MarshalJSON encodes (null as NaN).
func (r *Ratio) UnmarshalJSON(b []byte) error {
	var x *float64
	if err := json.Unmarshal(b, &x); err != nil {
		return err
	}
	*r = Ratio(orNaN(x))
	return nil
}

// Mean is a mean; NaN (null in JSON) when there was nothing to average.
type Mean struct {
	Mean float64 `json:"mean"`
}

// MarshalJSON encodes the mean, NaN as null.
func (m Mean) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Mean *float64 `json:"mean"`
	}{orNull(m.Mean)})
}

// UnmarshalJSON decodes what MarshalJSON encodes (null as NaN).
func (m *Mean) UnmarshalJSON(b []byte) error {
	var x struct {
		Mean *float64 `json:"mean"`
	}
	if err := json.Unmarshal(b, &x); err != nil {
		return err
	}
	m.Mean = orNaN(x.Mean)
	return nil
}

// latencyJSON is Latency as JSON has it: null for NaN.
type latencyJSON struct {
	Mean      *float64     `json:"mean"`
	P50       *float64     `json:"p50"`
	P90       *float64     `json:"p90"`
	P99       *float64     `json:"p99"`
	P999      *float64     `json:"p999"`
	Max       *float64     `json:"max"`
	Histogram [][2]float64 `json:"histogram,omitempty"`
}

// MarshalJSON encodes the latency, NaN as null.
func (l Latency) MarshalJSON() ([]byte, error) {
	return json.Marshal(latencyJSON{orNull(l.Mean), orNull(l.P50), orNull(l.P90), orNull(l.P99), orNull(l.P999), orNull(l.Max), l.Histogram})
}

// UnmarshalJSON decodes what MarshalJSON encodes (null as NaN).
func (l *Latency) UnmarshalJSON(b []byte) error {
	var x latencyJSON
	if err := json.Unmarshal(b, &x); err != nil {
		return err
	}
	*l = Latency{orNaN(x.Mean), orNaN(x.P50), orNaN(x.P90), orNaN(x.P99), orNaN(x.P999), orNaN(x.Max), x.Histogram}
	return nil
}

// orNull is x, or nil (null) for NaN and infinities.
func orNull(x float64) *float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return nil
	}
	return &x
}

// orNaN is *p, or NaN for nil (null).
func orNaN(p *float64) float64 {
	if p == nil {
		return math.NaN()
	}
	return *p
}

// MeanMax is a mean and a maximum.
type MeanMax struct {
	Mean float64 `json:"mean"`
	Max  float64 `json:"max"`
}

// CacheSummary summarises one cache.
type CacheSummary struct {
	// Hits and Misses count lookups; HitRatio is hits/(hits+misses), null
	// (NaN) without lookups.
	Hits     Count `json:"hits"`
	Misses   Count `json:"misses"`
	HitRatio Ratio `json:"hit_ratio"`
	// Size is the time-weighted mean number of keys stored.
	Size Mean `json:"size"`
	// Strategy holds the whole-run values of the cache's strategies
	// (coalesced misses, stale hits, refreshes). Absent when none is
	// configured.
	Strategy map[string]float64 `json:"strategy,omitempty"`
}

// Verdict is the outcome of the recovery judgement.
type Verdict uint8

// Verdicts.
const (
	// NoFaults: there was no fault, so nothing to recover from.
	NoFaults Verdict = iota
	// Recovered: after the last fault, goodput came back within tolerance
	// of the baseline and held there.
	Recovered
	// NotRecovered: it did not, before the run ended (the metastability
	// verdict).
	NotRecovered
	// CollapsedBeforeFault: goodput was already far below the offered load
	// before the first fault, so there was no healthy baseline to return to.
	CollapsedBeforeFault
	// NoBaseline: no complete interval between the warm-up and the first
	// fault to measure a baseline in.
	NoBaseline
	// Undecided: the run ended before the last fault's end plus the hold
	// time, so recovery could not be judged.
	Undecided
	// Mixed is never one run's verdict: it is a batch row's, when the
	// verdicts of its replications differ.
	Mixed
)

var verdictNames = [...]string{"no_faults", "recovered", "not_recovered", "collapsed_before_fault", "no_baseline", "undecided", "mixed"}

// String returns the verdict's name ("recovered", "not_recovered", ...).
func (v Verdict) String() string {
	if int(v) < len(verdictNames) {
		return verdictNames[v]
	}
	return "verdict(" + strconv.Itoa(int(v)) + ")"
}

// MarshalText encodes the verdict as its name.
func (v Verdict) MarshalText() ([]byte, error) { return []byte(v.String()), nil }

// UnmarshalText decodes a verdict's name.
func (v *Verdict) UnmarshalText(b []byte) error {
	for i, n := range verdictNames {
		if n == string(b) {
			*v = Verdict(i)
			return nil
		}
	}
	return fmt.Errorf("unknown verdict %q", b)
}

// FaultWindow is one fault as it acted, for shading plots.
type FaultWindow struct {
	// Kind is the fault's kind by name ("outage", "slowdown", ...);
	// Target its target.
	Kind   string `json:"kind"`
	Target string `json:"target"`
	// StartS and EndS bound the fault (s); equal for an instantaneous one.
	StartS float64 `json:"start_s"`
	EndS   float64 `json:"end_s"`
}

// Values is one series: one value per interval. NaN marks an interval with
// no data (e.g. no successful call to take a latency quantile of); it is
// encoded as null in JSON and as an empty cell in CSV.
type Values []float64

// MarshalJSON encodes the values as a JSON array, NaN as null.
func (v Values) MarshalJSON() ([]byte, error) {
	if v == nil {
		return []byte("[]"), nil
	}
	b := make([]byte, 0, 2+len(v)*8)
	b = append(b, '[')
	for i, x := range v {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendFloat(b, x)
	}
	return append(b, ']'), nil
}

// UnmarshalJSON decodes what MarshalJSON encodes (null as NaN).
func (v *Values) UnmarshalJSON(b []byte) error {
	var raw []*float64
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	out := make(Values, len(raw))
	for i, p := range raw {
		if p == nil {
			out[i] = math.NaN()
		} else {
			out[i] = *p
		}
	}
	*v = out
	return nil
}

func appendFloat(b []byte, x float64) []byte {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return append(b, "null"...)
	}
	return strconv.AppendFloat(b, x, 'g', -1, 64)
}

// Series holds the per-interval series of a run. Interval i covers
// [T[i], T[i]+IntervalS) (the last one may be shorter: rates use its real
// width). Counts are per second, gauges are time-weighted means within
// the interval.
type Series struct {
	// T is the start of each interval (s).
	T Values `json:"t_s"`
	// Total aggregates every client (goodput, offered, ... summed;
	// latency quantiles over all of them).
	Total CallSeries `json:"total"`
	// Clients, Edges, Services and Caches in configuration order.
	Clients  []CallSeries    `json:"clients"`
	Edges    []CallSeries    `json:"edges"`
	Services []ServiceSeries `json:"services"`
	Caches   []CacheSeries   `json:"caches"`
	// Jobs holds each job's series, in configuration order (its calls as
	// a client's, plus changes/s, unpropagated and propagation_mean_s,
	// propagation_p99_s under strategy); absent without jobs.
	Jobs []CallSeries `json:"jobs,omitempty"`
	// SLOs holds each SLO's series, in configuration order; absent
	// without SLOs.
	SLOs []SLOSeries `json:"slos,omitempty"`
}

// CallSeries is the series of one client, one downstream edge
// ("from->to"), or all clients together.
type CallSeries struct {
	Name string `json:"name"`
	// Offered is calls issued per second; Attempts attempts sent per
	// second; Amplification their ratio (NaN with no calls).
	Offered       Values `json:"offered"`
	Attempts      Values `json:"attempts"`
	Amplification Values `json:"amplification"`
	// Succeeded is calls that succeeded per second; Goodput is the same
	// count (calls succeeded within their deadline).
	Succeeded Values `json:"succeeded"`
	Goodput   Values `json:"goodput"`
	// Throughput is attempts completed by the target server per second,
	// wanted or not.
	Throughput Values `json:"throughput"`
	// Failed is failed calls per second, by reason name (only reasons
	// that occurred in the run).
	Failed map[string]Values `json:"failed"`
	// InFlight is the time-weighted mean number of calls in flight.
	InFlight Values `json:"in_flight"`
	// P50 ... P999 are latency quantiles of the calls that succeeded in the
	// interval (s); NaN when none did.
	P50  Values `json:"p50_s"`
	P90  Values `json:"p90_s"`
	P99  Values `json:"p99_s"`
	P999 Values `json:"p999_s"`
	// Strategy holds the series of the client-side strategies configured
	// on this client or edge, by name (retries/s, breaker_state,
	// budget_tokens, ...; docs/STRATEGIES.md lists them). Absent when none
	// is configured; nil in Total.
	Strategy map[string]Values `json:"strategy,omitempty"`
}

// ServiceSeries is the series of one service (all replicas together).
type ServiceSeries struct {
	Name string `json:"name"`
	// Arrivals, Throughput (served), Rejected and Errors are per second.
	Arrivals   Values `json:"arrivals"`
	Throughput Values `json:"throughput"`
	Rejected   Values `json:"rejected"`
	Errors     Values `json:"errors"`
	// Wasted is wasted worker-seconds per second (0.5 = half a worker
	// busy on work nobody will use).
	Wasted Values `json:"wasted"`
	// Utilization is busy workers over workers in service.
	Utilization Values `json:"utilization"`
	// Busy and Capacity are the mean busy workers and workers in service.
	Busy     Values `json:"busy"`
	Capacity Values `json:"capacity"`
	// QueueMean and QueueMax are the time-weighted mean and the maximum
	// number waiting.
	QueueMean Values `json:"queue_mean"`
	QueueMax  Values `json:"queue_max"`
	// InSystem is the time-weighted mean number in the service (waiting +
	// in service): its in-flight requests.
	InSystem Values `json:"in_system"`
	// Strategy holds the series of the server-side strategies configured
	// on this service, by name (shed/s, rate_limited/s,
	// concurrency_limit, ...; docs/STRATEGIES.md lists them). Absent when
	// none is configured.
	Strategy map[string]Values `json:"strategy,omitempty"`
}

// CacheSeries is the series of one cache.
type CacheSeries struct {
	Name string `json:"name"`
	// Hits and Misses are per second; HitRatio is hits/(hits+misses)
	// (NaN with no lookups); Size is the mean number of keys stored.
	Hits     Values `json:"hits"`
	Misses   Values `json:"misses"`
	HitRatio Values `json:"hit_ratio"`
	Size     Values `json:"size"`
	// Strategy holds the series of the cache's strategies (coalesced/s,
	// stale_hits/s, refreshes/s). Absent when none is configured.
	Strategy map[string]Values `json:"strategy,omitempty"`
}

// UnmarshalJSON reads results as WriteJSON writes them; without a
// "seed" it sets NoSeed rather than reading the absence as seed 0.
func (r *Results) UnmarshalJSON(b []byte) error {
	type plain Results // without this method
	var x struct {
		plain
		Seed *uint64 `json:"seed"` // shadows plain's
	}
	if err := json.Unmarshal(b, &x); err != nil {
		return err
	}
	*r = Results(x.plain)
	if x.Seed != nil {
		r.Seed = *x.Seed
	} else {
		r.NoSeed = true
	}
	return nil
}

// WriteJSON writes the results as indented JSON with a stable field order
// (struct order; map keys sorted).
func (r *Results) WriteJSON(w io.Writer) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	b = append(b, '\n')
	_, err = w.Write(b)
	return err
}

// MarshalSummaryJSON returns the summary alone as indented JSON.
func (s *Summary) MarshalSummaryJSON() ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(s); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
