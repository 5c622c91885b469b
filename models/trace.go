package models

import (
	"cmp"
	"container/heap"
	"fmt"
	"math"
	"slices"

	"github.com/stampede-sim/stampede/models/config"
	"github.com/stampede-sim/stampede/models/results"
	"github.com/stampede-sim/stampede/sim"
	"github.com/stampede-sim/stampede/strategies"
)

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
	cfg     config.TraceConfig
	tail    bool   // Slowest or Failed: every call must be recorded until it ends
	rateCut uint64 // a call is sampled when its hash is below
	pool    []*traceRec
	heaps   [3]traceHeap // sampled, failed (largest hash on top), slowest (fastest on top)
}

// newTracer returns the tracer of w's trace configuration, or nil when it
// records none.
func newTracer(w *World) *tracer {
	cfg := w.cfg.Traces
	if !cfg.Enabled() {
		return nil
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
	return t
}

// callStarted starts recording c if it belongs to a trace.
func (t *tracer) callStarted(c *call) { t.launch(c) }

// attemptStep records a step of a traced attempt.
func (t *tracer) attemptStep(a *attempt, s step, r Reason) {
	if s == stepSent {
		if a.c.tr != nil {
			t.send(a.c, a)
		}
		return
	}
	if a.tr == nil {
		return
	}
	switch s {
	case stepWorkDone:
		t.workDone(a)
	case stepAnswered:
		t.answered(a, r)
	case stepEnded:
		t.ended(a, r)
	case stepReleased:
		t.released(a)
	}
}

// callDone records the end of c if it is traced.
func (t *tracer) callDone(c *call, r Reason) {
	if c.tr != nil {
		t.callEnd(c, r)
	}
}

// tick does nothing: traces have no per-interval state.
func (t *tracer) tick(sim.Time) {}

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
	} else if fc, ok := c.owner.(*call); ok {
		// a fallback's call to its secondary: beside the call it answers
		if fc.tr == nil {
			return
		}
		r, parent = fc.tr, fc.tr.calls[fc.trIdx].parent
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
func (w *World) Traces() []results.Trace { return w.tr.traces() }

// traces returns the kept traces, in order of their start (ties by ID);
// nil for a nil tracer.
func (t *tracer) traces() []results.Trace {
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
	out := make([]results.Trace, 0, len(recs))
	for _, r := range recs {
		tr := results.Trace{ID: fmt.Sprintf("%016x", r.hash), Client: r.client, StartS: r.start.Seconds(), EndS: r.end.Seconds(),
			LatencyS: (r.end - r.start).Seconds(), Outcome: r.outcome.String(), Dropped: r.dropped,
			Calls: make([]results.TraceCall, 0, len(r.calls)), Spans: make([]results.TraceSpan, 0, len(r.spans))}
		for bit, name := range []string{"sampled", "failed", "slowest"} {
			if r.keep&(1<<bit) != 0 {
				tr.Kept = append(tr.Kept, name)
			}
		}
		for _, c := range r.calls {
			tr.Calls = append(tr.Calls, results.TraceCall{Edge: c.e.name, Target: c.e.toName, Parent: int(c.parent),
				StartS: c.start.Seconds(), EndS: optTime(c.end), Outcome: reasonText(c.outcome, c.end)})
		}
		for _, s := range r.spans {
			sp := results.TraceSpan{Call: int(s.call), Attempt: int(s.attempt), Target: r.calls[s.call].e.toName,
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
