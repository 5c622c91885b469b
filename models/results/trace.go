package results

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

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
