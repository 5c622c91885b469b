package fit

import (
	"cmp"
	"io"
	"slices"
	"time"

	"github.com/stampede-sim/stampede/sim"
)

// Limits on a trace fit: memory is proportional to services, operations
// and edges, plus the spans of the traces still open within the wait.
const (
	// MaxBufferedSpans is the most spans held in open traces; past it the
	// oldest traces are fitted early (warning "evicted_early").
	MaxBufferedSpans = 4_000_000
	// MaxSpanDuration is the longest span counted in the concurrency
	// estimate (warning "long_spans").
	MaxSpanDuration = time.Hour
	// MaxDepth is the deepest nesting of spans followed inside a service.
	MaxDepth = 256
	// MaxNames is the most services, operations, edges and clients a fit
	// keeps; more is an error (a span name holding an ID, say).
	MaxNames = 10_000
	// binWidth is the width of the windows the concurrency is measured in.
	binWidth = int64(100 * time.Millisecond)
	// QueueWaitSpan is the name of the internal span, a child of a server
	// span, that covers the request's wait for a worker. A fit subtracts
	// it from the own time and measures worker counts from it.
	QueueWaitSpan = "queue.wait"
)

// stat is a distribution of durations: a histogram, and the moments.
type stat struct {
	h          sim.Histogram
	sum, sumSq float64 // seconds
}

func (s *stat) add(ns int64) {
	if ns < 0 {
		ns = 0
	}
	s.h.Record(time.Duration(ns))
	x := float64(ns) / 1e9
	s.sum += x
	s.sumSq += x * x
}

func (s *stat) n() int64 { return int64(s.h.Count()) }

func (s *stat) mean() float64 { return s.sum / float64(max(s.n(), 1)) }

func (s *stat) sd() float64 {
	n := float64(s.n())
	if n < 2 {
		return 0
	}
	m := s.sum / n
	return sqrtPos((s.sumSq - n*m*m) / (n - 1))
}

func (s *stat) q(p float64) float64 { return s.h.Quantile(p).Seconds() }

type traceBuf struct {
	id    string
	seq   int64
	last  int64
	spans []Span
}

// serviceAgg is what the traces say about one service.
type serviceAgg struct {
	name                string
	ops                 map[string]*stat // own time per operation
	requests, errors    int64
	rejected            int64 // errors that never got a worker
	latency             stat  // server spans that succeeded
	wait                stat  // queue waits
	multi, overlap      int64 // requests with 2+ calls; of which calls overlapped
	paths               pathAgg
	bins                map[int64]*[2]float64
	firstStart, lastEnd int64
}

// edgeAgg is what the traces say about one call edge.
type edgeAgg struct {
	from, to        string
	taken, calls    int64 // requests of from that took it; calls made
	failed, timeout int64
	latency         stat // client spans that succeeded
	gap             stat // client span minus server span: the network, both ways
}

// clientAgg is what the traces say about one source of calls (the
// service of root spans that call out, or the callers of a root server
// span).
type clientAgg struct {
	name, target string
	calls, ok    int64
	attempts     int64
	maxAttempts  int
	timeouts     int64
	timedOut     stat // durations of the attempts that timed out
	latency      stat // calls that succeeded
	retryGap     stat // from an attempt's end to the next attempt's start
	gap          stat // network, both ways
	perSecond    map[int64]int64
	first, last  int64
}

// Traces fits what traces say. Feed it spans with Read (any number of
// inputs), then Finish.
type Traces struct {
	// Wait is how long after a trace's last span (in span time, against
	// the latest span end seen) it is taken as complete; 30 s if 0.
	Wait time.Duration
	W    Warnings

	open     map[string]*traceBuf
	seq      int64
	mark     int64
	held     int
	sinceGC  int
	services map[string]*serviceAgg
	edges    map[[2]string]*edgeAgg
	clients  map[string]*clientAgg
	names    int
	spans    int64
	traces   int64
	err      error

	// per-trace scratch, reused
	byID     map[string]int
	children [][]int
}

// NewTraces returns an empty trace fit.
func NewTraces() *Traces {
	return &Traces{open: map[string]*traceBuf{}, services: map[string]*serviceAgg{},
		edges: map[[2]string]*edgeAgg{}, clients: map[string]*clientAgg{}, byID: map[string]int{}}
}

// Read streams one input's spans into the fit (OTLP JSON or Zipkin v2
// JSON, told apart by the first byte). Errors are located in file.
func (t *Traces) Read(r io.Reader, file string) error {
	err := readTraces(r, file, t.add, &t.W)
	if err == nil {
		err = t.err
	}
	return err
}

// Spans and Count say how many spans and traces were fitted.
func (t *Traces) Spans() int64 { return t.spans }

// Count is the number of traces fitted.
func (t *Traces) Count() int64 { return t.traces }

func (t *Traces) add(s *Span) {
	if s.End < s.Start {
		t.W.add(WarnNegative, 1)
		return
	}
	t.spans++
	tb := t.open[s.Trace]
	if tb == nil {
		t.seq++
		tb = &traceBuf{id: s.Trace, seq: t.seq}
		t.open[s.Trace] = tb
	}
	tb.spans = append(tb.spans, *s)
	tb.last = max(tb.last, s.End)
	t.mark = max(t.mark, s.End)
	t.held++
	t.sinceGC++
	if t.sinceGC >= 8192 || t.held > MaxBufferedSpans {
		t.sinceGC = 0
		t.evict(false)
	}
}

// evict fits the traces that have been quiet for Wait (all of them if
// all), oldest first; over MaxBufferedSpans, the oldest go early.
func (t *Traces) evict(all bool) {
	wait := t.Wait
	if wait <= 0 {
		wait = 30 * time.Second
	}
	var done []*traceBuf
	for _, tb := range t.open {
		if all || tb.last < t.mark-int64(wait) {
			done = append(done, tb)
		}
	}
	for _, tb := range done {
		delete(t.open, tb.id)
	}
	if over := t.held - spansOf(done) - MaxBufferedSpans/2; !all && t.held-spansOf(done) > MaxBufferedSpans {
		rest := make([]*traceBuf, 0, len(t.open))
		for _, tb := range t.open {
			rest = append(rest, tb)
		}
		slices.SortFunc(rest, func(a, b *traceBuf) int { return cmp.Compare(a.seq, b.seq) })
		for _, tb := range rest {
			if over <= 0 {
				break
			}
			over -= len(tb.spans)
			t.W.add(WarnEvicted, 1)
			done = append(done, tb)
			delete(t.open, tb.id)
		}
	}
	slices.SortFunc(done, func(a, b *traceBuf) int { return cmp.Compare(a.seq, b.seq) })
	for _, tb := range done {
		t.held -= len(tb.spans)
		t.fitTrace(tb.spans)
	}
}

func spansOf(tbs []*traceBuf) int {
	n := 0
	for _, tb := range tbs {
		n += len(tb.spans)
	}
	return n
}

func (t *Traces) service(name string) *serviceAgg {
	s := t.services[name]
	if s == nil {
		t.names++
		s = &serviceAgg{name: name, ops: map[string]*stat{}, bins: map[int64]*[2]float64{}}
		t.services[name] = s
	}
	return s
}

// fitTrace reads one whole trace into the aggregates.
func (t *Traces) fitTrace(spans []Span) {
	t.traces++
	clear(t.byID)
	for i := range spans {
		t.byID[spans[i].ID] = i
	}
	if cap(t.children) < len(spans) {
		t.children = make([][]int, len(spans))
	}
	kids := t.children[:len(spans)]
	for i := range kids {
		kids[i] = kids[i][:0]
	}
	parent := make([]int, len(spans))
	for i := range spans {
		s := &spans[i]
		parent[i] = -1
		if s.Parent == "" {
			continue
		}
		p, ok := t.byID[s.Parent]
		if !ok || p == i {
			t.W.add(WarnMissingParent, 1)
			continue
		}
		parent[i] = p
		kids[p] = append(kids[p], i)
		// A child ending after its parent is skew unless the parent gave
		// up on it (a client span that timed out or failed).
		if ps := &spans[p]; s.Start < ps.Start || (s.End > ps.End && !ps.Error) {
			t.W.add(WarnClockSkew, 1)
		}
	}
	for i := range spans {
		s := &spans[i]
		switch {
		case s.server():
			t.fitServer(spans, kids, i, parent[i])
		case parent[i] < 0 && s.Parent == "":
			t.fitCall(spans, kids, i)
		}
	}
}

// serverChild returns the server span a client span's request became, or -1.
func serverChild(spans []Span, kids [][]int, c int) int {
	for _, k := range kids[c] {
		if spans[k].server() {
			return k
		}
	}
	return -1
}

// target names the service a client span called.
func target(spans []Span, kids [][]int, c int) string {
	if k := serverChild(spans, kids, c); k >= 0 {
		return spans[k].Service
	}
	return spans[c].Peer
}

// fitServer reads one server span: its own time, wait, calls and the
// worker it held.
func (t *Traces) fitServer(spans []Span, kids [][]int, i, parent int) {
	s := &spans[i]
	svc := t.service(s.Service)
	svc.requests++
	if svc.firstStart == 0 || s.Start < svc.firstStart {
		svc.firstStart = s.Start
	}
	svc.lastEnd = max(svc.lastEnd, s.End)
	var waits, calls []int
	if !collect(spans, kids, i, &waits, &calls, 0) {
		t.W.add(WarnCycle, 1)
		return
	}
	var waitNs int64
	workFrom := s.Start
	for _, w := range waits {
		a, b := max(spans[w].Start, s.Start), min(spans[w].End, s.End)
		if b > a {
			waitNs += b - a
			workFrom = max(workFrom, b)
		}
	}
	if s.Error && len(waits) == 0 && len(calls) == 0 {
		svc.errors++
		svc.rejected++
		return
	}
	if s.End-s.Start <= int64(MaxSpanDuration) {
		for _, w := range waits {
			addInterval(svc.bins, max(spans[w].Start, s.Start), min(spans[w].End, s.End), 1)
		}
		addInterval(svc.bins, workFrom, s.End, 0)
	} else {
		t.W.add(WarnLongSpan, 1)
	}
	// Calls: the union of their intervals inside the span, per target.
	slices.SortFunc(calls, func(a, b int) int { return cmp.Compare(spans[a].Start, spans[b].Start) })
	var downNs, reach int64
	reach = s.Start
	overlapped := false
	type taken struct {
		to string
		n  int64
	}
	var took []taken
	for j, c := range calls {
		cs := &spans[c]
		a, b := max(cs.Start, reach), min(cs.End, s.End)
		if j > 0 && cs.Start < reach {
			overlapped = true
		}
		if b > a {
			downNs += b - a
		}
		reach = max(reach, min(cs.End, s.End))
		to := target(spans, kids, c)
		if to == "" {
			t.W.add(WarnUnknownTarget, 1)
			continue
		}
		e := t.edge(s.Service, to)
		e.calls++
		if cs.Error {
			e.failed++
			if cs.Timeout {
				e.timeout++
			}
		} else {
			e.latency.add(cs.End - cs.Start)
		}
		if k := serverChild(spans, kids, c); k >= 0 {
			if g := (cs.End - cs.Start) - (spans[k].End - spans[k].Start); g >= 0 {
				e.gap.add(g)
			} else {
				t.W.add(WarnClockSkew, 1)
			}
		}
		if k := slices.IndexFunc(took, func(x taken) bool { return x.to == to }); k >= 0 {
			took[k].n++
		} else {
			took = append(took, taken{to, 1})
		}
	}
	for _, x := range took {
		t.edge(s.Service, x.to).taken++
	}
	if !s.Error {
		set := make([]string, len(took))
		for k, x := range took {
			set[k] = x.to
		}
		svc.paths.add(set)
	}
	if len(calls) >= 2 {
		svc.multi++
		if overlapped {
			svc.overlap++
		}
	}
	if s.Error {
		svc.errors++
		return
	}
	own := (s.End - s.Start) - waitNs - downNs
	if own < 0 {
		t.W.add(WarnClockSkew, 1)
		own = 0
	}
	op := svc.ops[s.Name]
	if op == nil {
		t.names++
		op = &stat{}
		svc.ops[s.Name] = op
	}
	op.add(own)
	svc.latency.add(s.End - s.Start)
	if len(waits) > 0 {
		svc.wait.add(waitNs)
	}
	if parent < 0 && s.Parent == "" {
		// A root server span: a call from callers the traces do not see.
		c := t.client(s.Service+"-callers", s.Service)
		c.calls++
		c.attempts++
		c.maxAttempts = max(c.maxAttempts, 1)
		c.ok++
		c.latency.add(s.End - s.Start)
		c.arrive(s.Start, s.End)
	}
}

// collect gathers the queue waits and calls made inside server span i:
// its children, and their children through internal spans.
func collect(spans []Span, kids [][]int, i int, waits, calls *[]int, depth int) bool {
	if depth > MaxDepth {
		return false
	}
	for _, k := range kids[i] {
		c := &spans[k]
		switch {
		case c.client():
			*calls = append(*calls, k)
		case c.server():
		case c.Name == QueueWaitSpan:
			*waits = append(*waits, k)
		default:
			if !collect(spans, kids, k, waits, calls, depth+1) {
				return false
			}
		}
	}
	return true
}

// fitCall reads a root span that is not a server span: a call from a
// source the traces see (a load generator, a job), its attempts its
// client children (or itself, if it is a client span).
func (t *Traces) fitCall(spans []Span, kids [][]int, i int) {
	root := &spans[i]
	var attempts []int
	if root.client() {
		attempts = []int{i}
	} else {
		for _, k := range kids[i] {
			if spans[k].client() {
				attempts = append(attempts, k)
			}
		}
	}
	if len(attempts) == 0 {
		return
	}
	slices.SortFunc(attempts, func(a, b int) int { return cmp.Compare(spans[a].Start, spans[b].Start) })
	to := target(spans, kids, attempts[0])
	if to == "" {
		t.W.add(WarnUnknownTarget, 1)
		return
	}
	c := t.client(root.Service, to)
	c.calls++
	c.attempts += int64(len(attempts))
	c.maxAttempts = max(c.maxAttempts, len(attempts))
	ok := !spans[attempts[len(attempts)-1]].Error
	for j, a := range attempts {
		as := &spans[a]
		if as.Timeout {
			c.timeouts++
			c.timedOut.add(as.End - as.Start)
		}
		if j > 0 {
			c.retryGap.add(as.Start - spans[attempts[j-1]].End)
		}
		if k := serverChild(spans, kids, a); k >= 0 && !as.Error {
			if g := (as.End - as.Start) - (spans[k].End - spans[k].Start); g >= 0 {
				c.gap.add(g)
			}
		}
	}
	if ok && !root.Error {
		c.ok++
		c.latency.add(root.End - root.Start)
	}
	c.arrive(root.Start, root.End)
}

func (t *Traces) client(name, to string) *clientAgg {
	c := t.clients[name]
	if c == nil {
		t.names++
		c = &clientAgg{name: name, target: to, perSecond: map[int64]int64{}}
		t.clients[name] = c
	}
	return c
}

func (c *clientAgg) arrive(start, end int64) {
	c.perSecond[start/1e9]++
	if c.first == 0 || start < c.first {
		c.first = start
	}
	c.last = max(c.last, end)
}

func (t *Traces) edge(from, to string) *edgeAgg {
	k := [2]string{from, to}
	e := t.edges[k]
	if e == nil {
		t.names++
		e = &edgeAgg{from: from, to: to}
		t.edges[k] = e
	}
	return e
}

// addInterval adds the overlap of [a, b) with each concurrency window to
// the window's slot (0 busy, 1 waiting), in nanoseconds.
func addInterval(bins map[int64]*[2]float64, a, b int64, slot int) {
	for a < b {
		k := a / binWidth
		end := min(b, (k+1)*binWidth)
		bin := bins[k]
		if bin == nil {
			bin = &[2]float64{}
			bins[k] = bin
		}
		bin[slot] += float64(end - a)
		a = end
	}
}
