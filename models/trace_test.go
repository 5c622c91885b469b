package models

import (
	"bytes"
	"encoding/json"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stampede-sim/stampede/models/config"
	"github.com/stampede-sim/stampede/models/results"
	"github.com/stampede-sim/stampede/sim"
)

// twoTiers: a constant client at 10 calls/s (0.1s, 0.2s, ...) over a 1ms
// link to api (5ms of work), which calls db (3ms) over a 1ms link.
func twoTiers(tr config.TraceConfig) config.Config {
	return config.Config{
		Duration: time.Second,
		Services: []config.ServiceConfig{
			{Name: "api", ServiceTime: d("5ms"), Calls: []config.CallConfig{{Target: "db", Link: config.LinkConfig{Latency: d("1ms")}}}},
			{Name: "db", ServiceTime: d("3ms")},
		},
		Clients: []config.ClientConfig{{Name: "c", Target: "api", Rate: 10, Arrival: config.Constant, Link: config.LinkConfig{Latency: d("1ms")}}},
		Traces:  tr,
	}
}

func at(t0 float64, offset time.Duration) float64 {
	return sim.Time(math.Round(t0 * 1e9)).Add(offset).Seconds()
}

func wantTime(t *testing.T, what string, got *float64, want float64) {
	t.Helper()
	if got == nil {
		t.Errorf("%s = null, want %v", what, want)
		return
	}
	if *got != want {
		t.Errorf("%s = %v, want %v", what, *got, want)
	}
}

func TestTraceSpansByHand(t *testing.T) {
	_, res := run(t, twoTiers(config.TraceConfig{Rate: 1}))
	if len(res.Traces) != 9 {
		t.Fatalf("%d traces, want 9 (every call of 0.1s .. 0.9s)", len(res.Traces))
	}
	tr := res.Traces[0]
	t0 := tr.StartS
	wantEq(t, "start", t0, 0.1)
	// c -> api: 1ms out; api works 5ms (1..6ms), calls db: 1ms out,
	// 3ms of work (7..10ms), 1ms back (11ms); api answers at 11ms, 1ms
	// back to the client: 12ms.
	wantEq(t, "latency", tr.LatencyS, at(0, 12*time.Millisecond))
	wantEq(t, "outcome", tr.Outcome, "ok")
	wantEq(t, "kept", strings.Join(tr.Kept, ","), "sampled")
	if len(tr.Calls) != 2 || len(tr.Spans) != 2 {
		t.Fatalf("calls %+v spans %+v, want 2 and 2", tr.Calls, tr.Spans)
	}
	wantEq(t, "root call", tr.Calls[0].Edge+" "+tr.Calls[0].Target, "c api")
	wantEq(t, "root parent", tr.Calls[0].Parent, -1)
	wantEq(t, "db call", tr.Calls[1].Edge+" "+tr.Calls[1].Target, "api->db db")
	wantEq(t, "db call parent", tr.Calls[1].Parent, 0)
	wantEq(t, "db call start", tr.Calls[1].StartS, at(t0, 6*time.Millisecond))
	wantTime(t, "db call end", tr.Calls[1].EndS, at(t0, 11*time.Millisecond))
	api, db := tr.Spans[0], tr.Spans[1]
	wantEq(t, "api target", api.Target, "api")
	wantEq(t, "api sent", api.SentS, t0)
	wantTime(t, "api arrived", api.ArrivedS, at(t0, time.Millisecond))
	wantTime(t, "api started", api.StartedS, at(t0, time.Millisecond))
	wantTime(t, "api work done", api.WorkDoneS, at(t0, 6*time.Millisecond))
	wantTime(t, "api answered", api.AnsweredS, at(t0, 11*time.Millisecond))
	wantTime(t, "api end", api.EndS, at(t0, 12*time.Millisecond))
	wantEq(t, "api outcome", api.Outcome+"/"+api.Server, "ok/ok")
	wantEq(t, "db call index", db.Call, 1)
	wantEq(t, "db sent", db.SentS, at(t0, 6*time.Millisecond))
	wantTime(t, "db arrived", db.ArrivedS, at(t0, 7*time.Millisecond))
	wantTime(t, "db work done", db.WorkDoneS, at(t0, 10*time.Millisecond))
	wantTime(t, "db answered", db.AnsweredS, at(t0, 10*time.Millisecond))
	wantTime(t, "db end", db.EndS, at(t0, 11*time.Millisecond))
	wantEq(t, "late", api.Late || db.Late, false)

	lines := tr.Waterfall(40)
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "api #1 ") || !strings.HasPrefix(lines[1], "  db #1 ") ||
		!strings.Contains(lines[0], "12ms") || !strings.HasSuffix(lines[1], "| ok") {
		t.Errorf("waterfall:\n%s", strings.Join(lines, "\n"))
	}
}

func TestTraceLateAnswerAndFailedSampling(t *testing.T) {
	// A 4ms timeout: the client gives up at 4ms, api answers at 11ms,
	// late. Failed calls are kept; successful ones are not sampled.
	cfg := twoTiers(config.TraceConfig{Failed: true})
	cfg.Clients[0].Timeout = 4 * time.Millisecond
	_, res := run(t, cfg)
	if len(res.Traces) != 9 {
		t.Fatalf("%d traces, want the 9 failed calls", len(res.Traces))
	}
	tr := res.Traces[0]
	wantEq(t, "outcome", tr.Outcome, "timeout")
	wantEq(t, "kept", strings.Join(tr.Kept, ","), "failed")
	api := tr.Spans[0]
	wantTime(t, "client gave up", api.EndS, at(tr.StartS, 4*time.Millisecond))
	wantTime(t, "api answered anyway", api.AnsweredS, at(tr.StartS, 11*time.Millisecond))
	wantEq(t, "api outcome", api.Outcome, "timeout")
	wantEq(t, "api server answer", api.Server, "ok")
	wantEq(t, "late", api.Late, true)
	// The downstream call made for the abandoned attempt is in the trace.
	wantEq(t, "calls", len(tr.Calls), 2)
}

func TestTraceSlowestAndCaps(t *testing.T) {
	cfg := config.Config{
		Duration: 20 * time.Second,
		Services: []config.ServiceConfig{{Name: "api", Workers: 2, ServiceTime: d("exp(8ms)")}},
		Clients:  []config.ClientConfig{{Name: "c", Target: "api", Rate: 150}},
		Traces:   config.TraceConfig{Slowest: 5, Rate: 1, Max: 7},
	}
	_, res := run(t, cfg)
	var slow, sampled []results.Trace
	for _, tr := range res.Traces {
		if slices.Contains(tr.Kept, "slowest") {
			slow = append(slow, tr)
		}
		if slices.Contains(tr.Kept, "sampled") {
			sampled = append(sampled, tr)
		}
	}
	wantEq(t, "slowest kept", len(slow), 5)
	wantEq(t, "sampled kept (capped)", len(sampled), 7)
	maxLat := 0.0
	for _, tr := range slow {
		maxLat = math.Max(maxLat, tr.LatencyS)
	}
	// The slowest call of the run is among them (Summary's max is exact).
	wantNear(t, "slowest latency", maxLat, res.Summary.Latency.Max, 1e-9)
	// The sampled ones are the calls with the smallest hashes: the same
	// as the first 7 of a run that keeps many more.
	cfg.Traces = config.TraceConfig{Rate: 1, Max: 100000}
	_, all := run(t, cfg)
	var ids []string
	for _, tr := range all.Traces {
		ids = append(ids, tr.ID)
	}
	slices.Sort(ids)
	var got []string
	for _, tr := range sampled {
		got = append(got, tr.ID)
	}
	slices.Sort(got)
	wantEq(t, "capped sample", strings.Join(got, " "), strings.Join(ids[:7], " "))
	// Traces never change the run.
	cfg.Traces = config.TraceConfig{}
	_, plain := run(t, cfg)
	a, _ := json.Marshal(plain.Summary)
	b, _ := json.Marshal(all.Summary)
	if !bytes.Equal(a, b) {
		t.Error("the summary of a traced run differs from the untraced one")
	}
}

func TestChromeTraceExport(t *testing.T) {
	cfg := twoTiers(config.TraceConfig{Rate: 0.5, Failed: true, Slowest: 2})
	cfg.Duration = 5 * time.Second
	cfg.Services[0].ServiceTime = d("exp(20ms)")
	cfg.Clients[0].Rate = 40 // 80% busy: calls wait in the queue
	cfg.Clients[0].Timeout = 30 * time.Millisecond
	export := func() []byte {
		_, res := run(t, cfg)
		if len(res.Traces) == 0 {
			t.Fatal("no traces")
		}
		var buf bytes.Buffer
		if err := results.WriteChromeTrace(&buf, []results.TraceSet{{Name: "base", Traces: res.Traces}}); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	b1, b2 := export(), export()
	if !bytes.Equal(b1, b2) {
		t.Fatal("trace export differs between two runs with the same seed")
	}
	var doc struct {
		TraceEvents []map[string]any `json:"traceEvents"`
	}
	if err := json.Unmarshal(b1, &doc); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	if len(doc.TraceEvents) == 0 {
		t.Fatal("no events")
	}
	phases := map[string]int{}
	names := map[string]bool{}
	for i, ev := range doc.TraceEvents {
		// The trace event format: name, ph, ts, pid, tid on every event;
		// dur on complete events; args.name on process and thread names.
		name, ok1 := ev["name"].(string)
		ph, ok2 := ev["ph"].(string)
		ts, ok3 := ev["ts"].(float64)
		_, ok4 := ev["pid"].(float64)
		_, ok5 := ev["tid"].(float64)
		if !ok1 || !ok2 || !ok3 || !ok4 || !ok5 || ts < 0 {
			t.Fatalf("event %d lacks a required field: %v", i, ev)
		}
		phases[ph]++
		names[name] = true
		switch ph {
		case "X":
			if dur, ok := ev["dur"].(float64); !ok || dur < 0 {
				t.Errorf("complete event %d has no valid dur: %v", i, ev)
			}
		case "M":
			args, _ := ev["args"].(map[string]any)
			if _, ok := args["name"]; !ok {
				if _, ok := args["sort_index"]; !ok {
					t.Errorf("metadata event %d has no args.name or args.sort_index: %v", i, ev)
				}
			}
		case "i":
			if ev["s"] != "t" {
				t.Errorf("instant event %d has scope %v, want t", i, ev["s"])
			}
		default:
			t.Errorf("event %d has phase %q", i, ph)
		}
	}
	for _, n := range []string{"process_name", "thread_name", "network", "queue", "service", "downstream"} {
		if !names[n] {
			t.Errorf("no %q event", n)
		}
	}
	if phases["X"] == 0 || phases["M"] == 0 {
		t.Errorf("phases %v", phases)
	}
}
