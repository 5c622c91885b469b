package models

import (
	"cmp"
	"container/heap"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/stampede-sim/stampede/sim"
	"github.com/stampede-sim/stampede/strategies"
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
			v.add("traces.client", "%q is not a client", t.Client)
		}
	}
}

// purposeTrace mixes a call's seed into its trace hash.
const purposeTrace = 0x7a3c1f9e5d2b4c81

// Why a trace was kept (bits of traceRec.keep).
const (
	keepSampled = 1 << iota
	keepFailed
	keepSlowest
)

// traceRec is a trace being recorded. It is referenced by the root call
// until it ends, by each call and attempt of the trace while they live,
// and by each keep set holding it; the last reference recycles it.
type traceRec struct {
	refs    int32
	keep    uint8
	slot    [3]int // index in each keep heap
	hash    uint64
	client  string
	start   sim.Time
	end     sim.Time // sim.Never until the root call ends
	outcome Reason
	calls   []callRec
	spans   []spanRec
	dropped int
}

// callRec is one call of a trace; the root call is calls[0].
type callRec struct {
	e          *edge
	parent     int32 // span of the request that made the call; -1 for the root
	start, end sim.Time
	outcome    Reason
}

// spanRec is one attempt of a call at its target. Times are sim.Never
// until known.
type spanRec struct {
	call                                       int32
	attempt                                    int32
	sent, arrived, started, workDone, answered sim.Time
	ended                                      sim.Time // the caller let go of the attempt
	server, outcome                            Reason
	cache                                      bool // the target is a cache
}

// tracer records the traces of a world.
type tracer struct {
	w       *World
	cfg     TraceConfig
	tail    bool   // Slowest or Failed: every call must be recorded until it ends
	rateCut uint64 // a call is sampled when its hash is below
	pool    []*traceRec
	heaps   [3]traceHeap // sampled, failed (largest hash on top), slowest (fastest on top)
}

func (w *World) buildTracer() {
	cfg := w.cfg.Traces
	if !cfg.Enabled() {
		return
	}
	t := &tracer{w: w, cfg: cfg, tail: cfg.Slowest > 0 || cfg.Failed}
	switch {
	case cfg.Rate >= 1:
		t.rateCut = math.MaxUint64
	case cfg.Rate > 0:
		t.rateCut = uint64(cfg.Rate * (1 << 64))
	}
	for k := range t.heaps {
		t.heaps[k] = traceHeap{kind: k}
	}
	w.tr = t
}

func (t *tracer) newRec() *traceRec {
	if n := len(t.pool); n > 0 {
		r := t.pool[n-1]
		t.pool = t.pool[:n-1]
		return r
	}
	return &traceRec{}
}

func (t *tracer) unref(r *traceRec) {
	r.refs--
	if r.refs > 0 {
		return
	}
	calls, spans := r.calls[:0], r.spans[:0]
	*r = traceRec{calls: calls, spans: spans}
	t.pool = append(t.pool, r)
}

// launch starts recording call c if it belongs to a trace: a downstream
// call of a traced request, or a root call that is sampled (or, for
// slowest and failed, any root call).
func (t *tracer) launch(c *call) {
	var r *traceRec
	parent := int32(-1)
	if a, ok := c.owner.(*attempt); ok {
		if a.tr == nil {
			return
		}
		r, parent = a.tr, a.trSpan
	} else {
		if t.cfg.Client != "" && c.e.name != t.cfg.Client {
			return
		}
		h := with(c.seed, purposeTrace)
		if !t.tail && h >= t.rateCut {
			return
		}
		r = t.newRec()
		r.hash, r.client, r.start, r.end = h, c.e.name, c.start, sim.Never
	}
	if len(r.calls) >= t.cfg.MaxSpans {
		r.dropped++
		return
	}
	r.refs++
	c.tr, c.trIdx = r, int32(len(r.calls))
	r.calls = append(r.calls, callRec{e: c.e, parent: parent, start: c.start, end: sim.Never})
}

// send records attempt a of a traced call.
func (t *tracer) send(c *call, a *attempt) {
	r := c.tr
	if len(r.spans) >= t.cfg.MaxSpans {
		r.dropped++
		return
	}
	r.refs++
	a.tr, a.trSpan = r, int32(len(r.spans))
	n := sim.Never
	r.spans = append(r.spans, spanRec{call: c.trIdx, attempt: a.n, sent: a.sent,
		arrived: n, started: n, workDone: n, answered: n, ended: n})
}

// server copies what the server side of a knows so far into its span.
func (t *tracer) server(a *attempt) *spanRec {
	sp := &a.tr.spans[a.trSpan]
	if (a.svc != nil || a.ca != nil) && sp.arrived == sim.Never {
		sp.arrived = a.arrived
		sp.cache = a.ca != nil
	}
	return sp
}

// workDone records the end of a's local work.
func (t *tracer) workDone(a *attempt) {
	sp := t.server(a)
	sp.started = a.started
	sp.workDone = t.w.s.Now()
}

// answered records the server's answer to a.
func (t *tracer) answered(a *attempt, r Reason) {
	sp := t.server(a)
	sp.answered = t.w.s.Now()
	sp.server = r
}

// ended records the caller letting go of a with outcome r.
func (t *tracer) ended(a *attempt, r Reason) {
	sp := &a.tr.spans[a.trSpan]
	if sp.ended == sim.Never {
		sp.ended = t.w.s.Now()
		sp.outcome = r
	}
}

// released drops a's reference when the attempt is recycled.
func (t *tracer) released(a *attempt) {
	t.server(a)
	t.unref(a.tr)
}

// callEnd records the end of traced call c with outcome r; the end of a
// root call decides whether its trace is kept.
func (t *tracer) callEnd(c *call, r Reason) {
	rec := c.tr
	now := t.w.s.Now()
	cr := &rec.calls[c.trIdx]
	cr.end, cr.outcome = now, r
	if c.trIdx == 0 && cr.parent < 0 {
		rec.end, rec.outcome = now, r
		if rec.hash < t.rateCut {
			t.offer(keepSampled, rec, t.cfg.Max)
		}
		if t.cfg.Failed && r != strategies.ReasonOK {
			t.offer(keepFailed, rec, t.cfg.Max)
		}
		if t.cfg.Slowest > 0 {
			t.offer(keepSlowest, rec, t.cfg.Slowest)
		}
	}
	t.unref(rec)
}

// offer adds rec to the keep set bit, evicting the set's worst member when
// it is over capacity.
func (t *tracer) offer(bit uint8, rec *traceRec, capacity int) {
	k := 0
	for bit>>k != 1 {
		k++
	}
	h := &t.heaps[k]
	if h.Len() >= capacity {
		top := h.recs[0]
		if !h.worse(rec, top) {
			return
		}
		heap.Pop(h)
		top.keep &^= bit
		t.unref(top)
	}
	rec.keep |= bit
	rec.refs++
	heap.Push(h, rec)
}

// traceHeap is a keep set with its worst member on top: the largest hash
// (sampled, failed) or the shortest latency (slowest).
type traceHeap struct {
	kind int
	recs []*traceRec
}

// worse reports whether a should be kept rather than b: a smaller hash, or
// a longer latency (ties: smaller hash).
func (h *traceHeap) worse(a, b *traceRec) bool {
	if h.kind == 2 {
		la, lb := a.end-a.start, b.end-b.start
		if la != lb {
			return la > lb
		}
	}
	return a.hash < b.hash
}

func (h *traceHeap) Len() int           { return len(h.recs) }
func (h *traceHeap) Less(i, j int) bool { return h.worse(h.recs[j], h.recs[i]) }
func (h *traceHeap) Swap(i, j int) {
	h.recs[i], h.recs[j] = h.recs[j], h.recs[i]
	h.recs[i].slot[h.kind], h.recs[j].slot[h.kind] = i, j
}
func (h *traceHeap) Push(x any) {
	r := x.(*traceRec)
	r.slot[h.kind] = len(h.recs)
	h.recs = append(h.recs, r)
}
func (h *traceHeap) Pop() any {
	n := len(h.recs) - 1
	r := h.recs[n]
	h.recs[n] = nil
	h.recs = h.recs[:n]
	return r
}

// ---- results ----

// Trace is one recorded call: the call tree it caused (the root call, and
// each downstream call a request made), and one span per attempt. Times
// are seconds since the start of the run; a null time did not happen
// (before the run ended).
type Trace struct {
	// ID is the call's trace hash in hex (the same call has the same ID in
	// every variant).
	ID string `json:"id"`
	// Client is the client that issued the root call.
	Client string `json:"client"`
	// Kept says why the trace was kept: "sampled", "failed", "slowest".
	Kept []string `json:"kept"`
	// StartS and EndS bound the root call; LatencyS is their difference.
	StartS   float64 `json:"start_s"`
	EndS     float64 `json:"end_s"`
	LatencyS float64 `json:"latency_s"`
	// Outcome is the root call's: "ok" or the failure reason.
	Outcome string `json:"outcome"`
	// Calls are the calls of the trace, the root first, in issue order.
	Calls []TraceCall `json:"calls"`
	// Spans are the attempts, in send order.
	Spans []TraceSpan `json:"spans"`
	// Dropped counts calls and attempts not recorded (over max_spans).
	Dropped int `json:"dropped"`
}

// TraceCall is one call of a trace.
type TraceCall struct {
	// Edge is the client's name or the "from->to" edge; Target what it
	// calls.
	Edge   string `json:"edge"`
	Target string `json:"target"`
	// Parent is the index in Spans of the request that made the call; -1
	// for the root call.
	Parent int `json:"parent"`
	// StartS and EndS bound the call (EndS null if in flight at the end);
	// Outcome is "ok" or the failure reason ("" if in flight).
	StartS  float64  `json:"start_s"`
	EndS    *float64 `json:"end_s"`
	Outcome string   `json:"outcome"`
}

// TraceSpan is one attempt of a call at its target. Network time out is
// ArrivedS - SentS, queue wait StartedS - ArrivedS, service time WorkDoneS
// - StartedS, downstream calls AnsweredS - WorkDoneS (or, at a cache, the
// lookup and the backend call AnsweredS - ArrivedS), network time back
// EndS - AnsweredS when the answer reached a caller still waiting; the
// wait before an attempt of a call after the previous one ended is its
// backoff.
type TraceSpan struct {
	// Call is the index in Calls of the call it belongs to; Attempt its
	// number in the call (1 first).
	Call    int    `json:"call"`
	Attempt int    `json:"attempt"`
	Target  string `json:"target"`
	// SentS is when the caller sent it; ArrivedS when it reached the
	// target (null: lost, or still on the wire); StartedS when a worker
	// took it (null: never); WorkDoneS when its local work ended;
	// AnsweredS when the target answered.
	SentS     float64  `json:"sent_s"`
	ArrivedS  *float64 `json:"arrived_s"`
	StartedS  *float64 `json:"started_s"`
	WorkDoneS *float64 `json:"work_done_s"`
	AnsweredS *float64 `json:"answered_s"`
	// EndS is when the caller let go of the attempt: its answer arrived,
	// its timeout fired, or the call ended otherwise.
	EndS *float64 `json:"end_s"`
	// Server is the target's answer ("ok" or a reason; "" if none);
	// Outcome what the caller saw ("ok", "timeout", ...; "" if in flight).
	Server  string `json:"server"`
	Outcome string `json:"outcome"`
	// Late is true when the target answered after the caller let go: the
	// work was wasted.
	Late bool `json:"late"`
	// Cache is true when the target is a cache (no queue or workers: its
	// time from arrival to answer is the lookup, and the backend call on
	// a miss).
	Cache bool `json:"cache"`
}

func optTime(t sim.Time) *float64 {
	if t == sim.Never {
		return nil
	}
	s := t.Seconds()
	return &s
}

func reasonText(r Reason, when sim.Time) string {
	if when == sim.Never {
		return ""
	}
	return r.String()
}

// Traces returns the traces kept so far (Results has them too), in order
// of their start; nil when the world records none. It shares nothing
// with the world.
func (w *World) Traces() []Trace { return w.traces() }

// traces returns the kept traces, in order of their start (ties by ID).
func (w *World) traces() []Trace {
	t := w.tr
	if t == nil {
		return nil
	}
	var recs []*traceRec
	seen := map[*traceRec]bool{}
	for k := range t.heaps {
		for _, r := range t.heaps[k].recs {
			if !seen[r] {
				seen[r] = true
				recs = append(recs, r)
			}
		}
	}
	slices.SortFunc(recs, func(a, b *traceRec) int {
		if c := cmp.Compare(a.start, b.start); c != 0 {
			return c
		}
		return cmp.Compare(a.hash, b.hash)
	})
	out := make([]Trace, 0, len(recs))
	for _, r := range recs {
		tr := Trace{ID: fmt.Sprintf("%016x", r.hash), Client: r.client, StartS: r.start.Seconds(), EndS: r.end.Seconds(),
			LatencyS: (r.end - r.start).Seconds(), Outcome: r.outcome.String(), Dropped: r.dropped,
			Calls: make([]TraceCall, 0, len(r.calls)), Spans: make([]TraceSpan, 0, len(r.spans))}
		for bit, name := range []string{"sampled", "failed", "slowest"} {
			if r.keep&(1<<bit) != 0 {
				tr.Kept = append(tr.Kept, name)
			}
		}
		for _, c := range r.calls {
			tr.Calls = append(tr.Calls, TraceCall{Edge: c.e.name, Target: c.e.toName, Parent: int(c.parent),
				StartS: c.start.Seconds(), EndS: optTime(c.end), Outcome: reasonText(c.outcome, c.end)})
		}
		for _, s := range r.spans {
			sp := TraceSpan{Call: int(s.call), Attempt: int(s.attempt), Target: r.calls[s.call].e.toName,
				SentS: s.sent.Seconds(), ArrivedS: optTime(s.arrived), StartedS: optTime(s.started),
				WorkDoneS: optTime(s.workDone), AnsweredS: optTime(s.answered), EndS: optTime(s.ended),
				Server: reasonText(s.server, s.answered), Outcome: reasonText(s.outcome, s.ended), Cache: s.cache}
			sp.Late = s.answered != sim.Never && (s.ended == sim.Never || s.answered > s.ended)
			tr.Spans = append(tr.Spans, sp)
		}
		out = append(out, tr)
	}
	return out
}

// Waterfall renders a trace as text for a terminal: one line per attempt
// in call-tree order (each attempt, then the calls its request made,
// indented), with its start after the call's (ms), its duration, and a bar
// of width columns over the trace's span: '=' on the wire, '.' waiting in
// a queue, '#' in service (or a cache lookup), '~' waiting for downstream
// calls, '-' waiting for an answer that never came, '!' where the caller
// gave up on an answer still to come; then its outcome.
func (t *Trace) Waterfall(width int) []string {
	width = max(width, 10)
	t0, t1 := t.StartS, t.EndS
	for _, s := range t.Spans {
		for _, p := range []*float64{s.AnsweredS, s.EndS} {
			if p != nil {
				t1 = math.Max(t1, *p)
			}
		}
	}
	span := math.Max(t1-t0, 1e-9)
	col := func(x float64) int {
		return min(width-1, max(0, int(math.Floor((x-t0)/span*float64(width)))))
	}
	fill := func(bar []byte, a, b float64, c byte) {
		for i := col(a); i <= col(b) && i < len(bar); i++ {
			bar[i] = c
		}
	}
	or := func(p *float64, d float64) float64 {
		if p == nil {
			return d
		}
		return *p
	}
	depth := make([]int, len(t.Calls))
	for i, c := range t.Calls {
		if c.Parent >= 0 && c.Parent < len(t.Spans) {
			depth[i] = depth[t.Spans[c.Parent].Call] + 1
		}
	}
	type row struct{ label, start, dur, bar, what string }
	var rows []row
	labelW := 0
	for _, si := range spanOrder(t) {
		s := &t.Spans[si]
		bar := []byte(strings.Repeat(" ", width))
		last := or(s.EndS, t1)
		if s.AnsweredS != nil {
			last = math.Max(last, *s.AnsweredS)
		}
		fill(bar, s.SentS, last, '-')
		if s.ArrivedS != nil {
			fill(bar, s.SentS, *s.ArrivedS, '=')
			ans := or(s.AnsweredS, t1)
			switch {
			case s.StartedS != nil:
				fill(bar, *s.ArrivedS, *s.StartedS, '.')
				fill(bar, *s.StartedS, or(s.WorkDoneS, ans), '#')
				if s.WorkDoneS != nil && ans > *s.WorkDoneS {
					fill(bar, *s.WorkDoneS, ans, '~')
				}
			case s.Cache:
				fill(bar, *s.ArrivedS, ans, '#')
			default:
				fill(bar, *s.ArrivedS, ans, '.')
			}
			if s.AnsweredS != nil && s.EndS != nil && !s.Late {
				fill(bar, *s.AnsweredS, *s.EndS, '=')
			}
		}
		if s.Late && s.EndS != nil {
			bar[col(*s.EndS)] = '!'
		}
		what := s.Outcome
		if what == "" {
			what = "in flight"
		}
		if s.Late {
			what += " (answered " + orNone(s.Server, "nothing") + " late)"
		} else if s.Server != "" && s.Server != s.Outcome {
			what += " (answered " + s.Server + ")"
		}
		r := row{
			label: strings.Repeat("  ", depth[s.Call]) + s.Target + " #" + strconv.Itoa(s.Attempt),
			start: "+" + fmtSecs(s.SentS-t0),
			dur:   fmtSecs(last - s.SentS),
			bar:   string(bar),
			what:  what,
		}
		labelW = max(labelW, len(r.label))
		rows = append(rows, r)
	}
	lines := make([]string, 0, len(rows))
	for _, r := range rows {
		lines = append(lines, fmt.Sprintf("%-*s %8s %8s |%s| %s", labelW, r.label, r.start, r.dur, r.bar, r.what))
	}
	return lines
}
