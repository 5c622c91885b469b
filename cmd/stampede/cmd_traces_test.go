package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

func TestRunTraces(t *testing.T) {
	file := writeScenario(t, "small.toml", smallScenario)
	out := filepath.Join(t.TempDir(), "traces.json")
	code, stdout, stderr := stampede(t, "run", file, "--traces", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "variant") {
		t.Errorf("no table:\n%s", stdout)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		TraceEvents []map[string]any `json:"traceEvents"`
	}
	if err := json.Unmarshal(b, &doc); err != nil || len(doc.TraceEvents) == 0 {
		t.Fatalf("traces file: %v, %d events", err, len(doc.TraceEvents))
	}
	// The same seed writes the same bytes.
	out2 := filepath.Join(t.TempDir(), "again.json")
	if code, _, stderr := stampede(t, "run", file, "--traces", out2, "--parallel", "1"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	b2, _ := os.ReadFile(out2)
	if !bytes.Equal(b, b2) {
		t.Error("two runs wrote different traces")
	}
	if code, _, stderr := stampede(t, "run", file, "--traces", out, "--shard", "1/2", "--out", t.TempDir()); code == 0 || !strings.Contains(stderr, "--traces") {
		t.Errorf("--traces with --shard: exit %d, %s", code, stderr)
	}
}

// TestRunTracesOTLP: --traces NAME.otlp.json writes OTLP JSON, one
// ExportTraceServiceRequest per run and line, that the Collector's own
// decoder (pdata's ptrace.JSONUnmarshaler) reads back: every span's parent
// is in its trace, a SERVER span sits under the CLIENT span of its
// attempt on its target's resource, the trees match the Chrome format's
// traces, and two runs write the same bytes.
func TestRunTracesOTLP(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "two.toml")
	if code, _, stderr := stampede(t, "new", "--tiers", "2", "--retries", "-o", f); code != 0 {
		t.Fatalf("new: exit %d: %s", code, stderr)
	}
	otlp, chrome := filepath.Join(dir, "t.otlp.json"), filepath.Join(dir, "t.json")
	for _, args := range [][]string{{"--traces", otlp}, {"--traces", chrome}, {"--traces", otlp + "2", "--traces-format", "otlp"}} {
		args = append([]string{"run", f, "--set", "duration=40s"}, args...)
		if code, _, stderr := stampede(t, args...); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
	}
	b, err := os.ReadFile(otlp)
	if err != nil {
		t.Fatal(err)
	}
	if b2, _ := os.ReadFile(otlp + "2"); !bytes.Equal(b, b2) {
		t.Error("two runs wrote different OTLP traces")
	}
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	var u ptrace.JSONUnmarshaler
	traces, spans := map[pcommon.TraceID]bool{}, 0
	for i, line := range lines {
		td, err := u.UnmarshalTraces([]byte(line))
		if err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		type at struct {
			kind    ptrace.SpanKind
			service string
			parent  pcommon.SpanID
		}
		byID := map[pcommon.SpanID]at{}
		for r := 0; r < td.ResourceSpans().Len(); r++ {
			rs := td.ResourceSpans().At(r)
			svc, _ := rs.Resource().Attributes().Get("service.name")
			ss := rs.ScopeSpans().At(0).Spans()
			for k := 0; k < ss.Len(); k++ {
				sp := ss.At(k)
				traces[sp.TraceID()] = true
				if sp.EndTimestamp() < sp.StartTimestamp() {
					t.Errorf("span %s ends before it starts", sp.SpanID())
				}
				byID[sp.SpanID()] = at{sp.Kind(), svc.Str(), sp.ParentSpanID()}
				spans++
			}
		}
		roots := 0
		for id, s := range byID {
			if s.parent.IsEmpty() {
				roots++
				continue
			}
			p, ok := byID[s.parent]
			switch {
			case !ok:
				t.Errorf("span %s: parent %s not in the file", id, s.parent)
			case s.kind == ptrace.SpanKindServer && p.kind != ptrace.SpanKindClient:
				t.Errorf("SERVER span %s under a %s span", id, p.kind)
			case s.kind == ptrace.SpanKindServer && p.service == s.service:
				t.Errorf("SERVER span %s on its caller's resource %s", id, s.service)
			}
		}
		if roots == 0 {
			t.Errorf("line %d: no root span", i+1)
		}
	}
	var doc struct {
		TraceEvents []struct {
			Name string         `json:"name"`
			Args map[string]any `json:"args"`
		} `json:"traceEvents"`
	}
	cb, _ := os.ReadFile(chrome)
	if err := json.Unmarshal(cb, &doc); err != nil {
		t.Fatal(err)
	}
	calls := 0
	for _, e := range doc.TraceEvents {
		if e.Args["trace_id"] != nil {
			calls++
		}
	}
	if len(traces) == 0 || len(traces) != calls {
		t.Errorf("OTLP has %d traces (%d spans), the Chrome format %d", len(traces), spans, calls)
	}
}
