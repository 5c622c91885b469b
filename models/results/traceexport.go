package results

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"
)

// TraceSet is the traces of one run, under a name (a variant's).
type TraceSet struct {
	// Name labels the run ("base", a variant's name, a sweep point).
	Name string
	// Traces are the run's traces (Results.Traces).
	Traces []Trace
}

// chromeEvent is one event of the Chrome trace event format ("Trace Event
// Format", Google, the JSON object form): ph "X" is a complete event with
// a duration, "i" an instant, "M" metadata naming a process or thread.
// Times are microseconds.
type chromeEvent struct {
	Name string         `json:"name"`
	Cat  string         `json:"cat,omitempty"`
	Ph   string         `json:"ph"`
	Ts   float64        `json:"ts"`
	Dur  *float64       `json:"dur,omitempty"`
	Pid  int            `json:"pid"`
	Tid  int            `json:"tid"`
	S    string         `json:"s,omitempty"`
	Args map[string]any `json:"args,omitempty"`
}

// us converts seconds to microseconds, rounded to the nanosecond.
func us(s float64) float64 { return math.Round(s*1e9) / 1e3 }

// ms rounds seconds to milliseconds with microsecond precision, for args.
func ms(s float64) float64 { return math.Round(s*1e6) / 1e3 }

// WriteChromeTrace writes traces in the Chrome trace event format (JSON
// object form), which ui.perfetto.dev and chrome://tracing open. Each trace
// is a process, named after its run, client, outcome and latency; its
// first thread is the root call, then one thread per attempt in call-tree
// order (a waterfall), each with complete events for the phases: network
// (out and back), queue, service, downstream calls (or cache), and backoff
// before a retry; a late answer (after the caller gave up) is marked with
// an instant event. The output is deterministic.
func WriteChromeTrace(w io.Writer, sets []TraceSet) error {
	var evs []chromeEvent
	pid := 0
	for _, set := range sets {
		for i := range set.Traces {
			pid++
			evs = appendTraceEvents(evs, pid, set.Name, &set.Traces[i])
		}
	}
	if evs == nil {
		evs = []chromeEvent{}
	}
	doc := struct {
		TraceEvents     []chromeEvent     `json:"traceEvents"`
		DisplayTimeUnit string            `json:"displayTimeUnit"`
		OtherData       map[string]string `json:"otherData"`
	}{evs, "ms", map[string]string{"generator": "stampede", "clock": "virtual time since the start of the run"}}
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		return err
	}
	return bw.Flush()
}

// spanOrder returns the spans of t in call-tree order: each attempt of a
// call, and after each attempt the calls its request made.
func spanOrder(t *Trace) []int {
	var out []int
	done := make([]bool, len(t.Calls))
	var walk func(call int)
	walk = func(call int) {
		if call < 0 || call >= len(t.Calls) || done[call] {
			return
		}
		done[call] = true
		for si := range t.Spans {
			if t.Spans[si].Call != call {
				continue
			}
			out = append(out, si)
			for ci := range t.Calls {
				if t.Calls[ci].Parent == si {
					walk(ci)
				}
			}
		}
	}
	walk(0)
	return out
}

func appendTraceEvents(evs []chromeEvent, pid int, run string, t *Trace) []chromeEvent {
	meta := func(name string, tid int, args map[string]any) {
		evs = append(evs, chromeEvent{Name: name, Ph: "M", Pid: pid, Tid: tid, Args: args})
	}
	complete := func(name, cat string, tid int, from, to float64, args map[string]any) {
		d := math.Max(0, us(to-from))
		evs = append(evs, chromeEvent{Name: name, Cat: cat, Ph: "X", Ts: us(from), Dur: &d, Pid: pid, Tid: tid, Args: args})
	}
	// phase is a complete event for a phase of an attempt, left out when
	// it took no time (no link latency, no wait in the queue).
	phase := func(name string, tid int, from, to float64, args map[string]any) {
		if us(to-from) > 0 {
			complete(name, name, tid, from, to, args)
		}
	}
	end := t.EndS
	for _, s := range t.Spans {
		for _, p := range []*float64{s.ArrivedS, s.StartedS, s.WorkDoneS, s.AnsweredS, s.EndS} {
			if p != nil {
				end = math.Max(end, *p)
			}
		}
	}
	label := fmt.Sprintf("%s · %s call %s · %s · %s", run, t.Client, t.ID[:8], t.Outcome, fmtSecs(t.LatencyS))
	meta("process_name", 0, map[string]any{"name": label})
	meta("process_sort_index", 0, map[string]any{"sort_index": pid})
	meta("thread_name", 1, map[string]any{"name": "call " + t.Client + " → " + t.Calls[0].Target})
	meta("thread_sort_index", 1, map[string]any{"sort_index": 1})
	complete("call → "+t.Calls[0].Target, "call", 1, t.StartS, t.EndS, map[string]any{
		"outcome": t.Outcome, "latency_ms": ms(t.LatencyS), "kept": strings.Join(t.Kept, ","), "trace_id": t.ID,
		"dropped_spans": t.Dropped})
	depth := make([]int, len(t.Calls))
	for ci, c := range t.Calls {
		if c.Parent >= 0 && c.Parent < len(t.Spans) {
			depth[ci] = depth[t.Spans[c.Parent].Call] + 1
		}
	}
	prevEnd := map[int]float64{} // per call: when its previous attempt ended
	for k, si := range spanOrder(t) {
		s := &t.Spans[si]
		tid := k + 2
		c := &t.Calls[s.Call]
		name := fmt.Sprintf("%s%s → %s #%d", strings.Repeat("  ", depth[s.Call]), c.Edge, s.Target, s.Attempt)
		meta("thread_name", tid, map[string]any{"name": name})
		meta("thread_sort_index", tid, map[string]any{"sort_index": tid})
		if pe, ok := prevEnd[s.Call]; ok && s.SentS > pe {
			complete("backoff", "backoff", tid, pe, s.SentS, map[string]any{"wait_ms": ms(s.SentS - pe)})
		}
		last := end
		if s.EndS != nil {
			last = *s.EndS
			prevEnd[s.Call] = *s.EndS
		}
		if s.AnsweredS != nil {
			last = math.Max(last, *s.AnsweredS)
		}
		args := map[string]any{"attempt": s.Attempt, "edge": c.Edge, "outcome": orNone(s.Outcome, "in flight"), "server": orNone(s.Server, "no answer"), "late": s.Late}
		complete(fmt.Sprintf("%s #%d", s.Target, s.Attempt), "attempt", tid, s.SentS, last, args)
		if s.ArrivedS == nil {
			continue // lost on the way, or still on the wire
		}
		phase("network", tid, s.SentS, *s.ArrivedS, map[string]any{"ms": ms(*s.ArrivedS - s.SentS)})
		answered := end
		if s.AnsweredS != nil {
			answered = *s.AnsweredS
		}
		switch {
		case s.StartedS != nil:
			phase("queue", tid, *s.ArrivedS, *s.StartedS, map[string]any{"ms": ms(*s.StartedS - *s.ArrivedS)})
			work := answered
			if s.WorkDoneS != nil {
				work = *s.WorkDoneS
			}
			phase("service", tid, *s.StartedS, work, map[string]any{"ms": ms(work - *s.StartedS)})
			if s.WorkDoneS != nil {
				phase("downstream", tid, *s.WorkDoneS, answered, map[string]any{"ms": ms(answered - *s.WorkDoneS)})
			}
		case s.Cache:
			phase("cache", tid, *s.ArrivedS, answered, map[string]any{"ms": ms(answered - *s.ArrivedS), "server": orNone(s.Server, "no answer")})
		default: // waited (or not), then rejected, dropped, or still waiting
			phase("queue", tid, *s.ArrivedS, answered, map[string]any{"ms": ms(answered - *s.ArrivedS), "server": orNone(s.Server, "no answer")})
		}
		if s.AnsweredS != nil && s.EndS != nil && *s.EndS >= *s.AnsweredS && !s.Late {
			phase("network", tid, *s.AnsweredS, *s.EndS, map[string]any{"ms": ms(*s.EndS - *s.AnsweredS)})
		}
		if s.Late && s.EndS != nil {
			evs = append(evs, chromeEvent{Name: "caller gave up (" + s.Outcome + ")", Cat: "late", Ph: "i", Ts: us(*s.EndS), Pid: pid, Tid: tid, S: "t"})
		}
	}
	return evs
}

func orNone(s, none string) string {
	if s == "" {
		return none
	}
	return s
}

// fmtSecs formats seconds compactly: 850µs, 12.5ms, 1.25s.
func fmtSecs(s float64) string {
	switch {
	case s == 0:
		return "0"
	case s < 1e-3:
		return fmt.Sprintf("%.0fµs", s*1e6)
	case s < 1:
		return fmt.Sprintf("%.3gms", s*1e3)
	}
	return fmt.Sprintf("%.3gs", s)
}
