package config

import (
	"math"
)

// TraceConfig says which calls of the clients to record as request traces:
// one span per attempt per tier, with its network, queue, service and
// downstream time and its outcome (docs/OPERATING.md). Sampling never
// draws from the run's random streams, so a traced run is the same run as
// an untraced one; and it is decided by a hash of the call's own seed, so
// the same calls are sampled in every variant.
type TraceConfig struct {
	// Rate is the fraction of calls sampled, in [0, 1], decided when a
	// call is issued. Zero means none.
	Rate float64 `toml:"rate"`
	// Slowest keeps the Slowest slowest calls of the run (whatever their
	// outcome; latency from issue to end). Zero means none.
	Slowest int `toml:"slowest"`
	// Failed keeps the calls that failed (up to Max).
	Failed bool `toml:"failed"`
	// Max caps the traces kept for Rate and, separately, for Failed: over
	// the cap, the calls with the smallest hashes stay (a uniform sample
	// spread over the run). Zero means DefaultTraceMax.
	Max int `toml:"max"`
	// MaxSpans caps the spans (and calls) of one trace; the rest are
	// counted as dropped. Zero means DefaultTraceMaxSpans.
	MaxSpans int `toml:"max_spans"`
	// Client, if set, traces only that client's calls. Empty means every
	// client.
	Client string `toml:"client"`
}

// Trace defaults.
const (
	DefaultTraceMax      = 100
	DefaultTraceMaxSpans = 256
)

// DefaultTraces is what `stampede run --traces` records when a scenario
// has no [traces]: the 10 slowest calls and up to 100 failed ones.
var DefaultTraces = TraceConfig{Slowest: 10, Failed: true}

// Enabled reports whether t records any trace.
func (t TraceConfig) Enabled() bool { return t.Rate > 0 || t.Slowest > 0 || t.Failed }

func (t *TraceConfig) applyDefaults() {
	if !t.Enabled() {
		return
	}
	if t.Max == 0 {
		t.Max = DefaultTraceMax
	}
	if t.MaxSpans == 0 {
		t.MaxSpans = DefaultTraceMaxSpans
	}
}

// traces validates the trace configuration (called by Validate).
func (v *validator) traces(c *Config) {
	t := &c.Traces
	if math.IsNaN(t.Rate) || t.Rate < 0 || t.Rate > 1 {
		v.add("traces.rate", "must be a fraction in [0, 1], got %v", t.Rate)
	}
	if t.Slowest < 0 || t.Slowest > 10_000 {
		v.add("traces.slowest", "must be in [0, 10000], got %d", t.Slowest)
	}
	if !t.Enabled() {
		return
	}
	if t.Max < 1 || t.Max > 100_000 {
		v.add("traces.max", "must be in [1, 100000], got %d", t.Max)
	}
	if t.MaxSpans < 1 || t.MaxSpans > 100_000 {
		v.add("traces.max_spans", "must be in [1, 100000], got %d", t.MaxSpans)
	}
	if t.Client != "" {
		found := false
		for _, cl := range c.Clients {
			found = found || cl.Name == t.Client
		}
		if !found {
			v.add("traces.client", "%q is not a client (have: %s)", t.Client, namesOf(c, "client"))
		}
	}
}
