package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stampede-sim/stampede/scenarios/fit"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// needProm skips a test that needs the prometheus binary, saying so; under
// CI (CI=true), where .ci/run installs it, its absence fails the test.
func needProm(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("prometheus"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("prometheus is not on PATH, and CI=true: .ci/run should have installed it (%v)", err)
		}
		t.Skipf("SKIPPED: needs the prometheus binary on PATH (apt-get install prometheus): %v", err)
	}
}

// TestRunWritesOTLP runs the testbed for two seconds on loopback and reads
// back what it wrote: OTLP JSON lines whose spans name the four services,
// ten spans per successful call, and one calls.csv row per call.
func TestRunWritesOTLP(t *testing.T) {
	dir := t.TempDir()
	var stderr bytes.Buffer
	res, err := runSystem(config{load: load{rate: 50, duration: 2 * time.Second, timeout: 2 * time.Second, attempts: 1, seed: 1}, out: dir, stderr: &stderr})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.calls) < 50 || len(res.calls) > 200 {
		t.Fatalf("%d calls in 2 s at 50/s", len(res.calls))
	}
	ok := 0
	for _, o := range res.calls {
		if o.ok {
			ok++
		}
	}
	if ok < len(res.calls)*9/10 {
		t.Errorf("%d of %d calls succeeded at 25%% utilisation", ok, len(res.calls))
	}
	f, err := os.Open(filepath.Join(dir, "traces.otlp.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	services := map[string]int{}
	spans := 0
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 64<<20)
	for sc.Scan() {
		var req struct {
			ResourceSpans []struct {
				Resource struct {
					Attributes []struct {
						Key   string
						Value struct{ StringValue string }
					}
				}
				ScopeSpans []struct{ Spans []json.RawMessage }
			}
		}
		if err := json.Unmarshal(sc.Bytes(), &req); err != nil {
			t.Fatalf("a line of traces.otlp.jsonl is not JSON: %v", err)
		}
		for _, rs := range req.ResourceSpans {
			name := rs.Resource.Attributes[0].Value.StringValue
			for _, ss := range rs.ScopeSpans {
				services[name] += len(ss.Spans)
				spans += len(ss.Spans)
			}
		}
	}
	if spans != res.spans || spans < 10*ok {
		t.Errorf("%d spans read, %d exported, %d calls succeeded (10 spans each)", spans, res.spans, ok)
	}
	for _, s := range []string{"loadgen", "frontend", "auth", "db"} {
		if services[s] == 0 {
			t.Errorf("no span of service %s: %v", s, services)
		}
	}
	b, err := os.ReadFile(filepath.Join(dir, "calls.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(b), "\n"); n != len(res.calls)+1 {
		t.Errorf("calls.csv has %d lines for %d calls", n, len(res.calls))
	}
	fitBack(t, filepath.Join(dir, "traces.otlp.jsonl"), float64(len(res.calls))/2)
}

// fitBack fits the testbed's OTLP file and checks the graph it finds, and
// that the scenario loads and runs close to what was measured.
func fitBack(t *testing.T, path string, rate float64) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tr := fit.NewTraces()
	if err := tr.Read(f, path); err != nil {
		t.Fatal(err)
	}
	m, err := tr.Finish(fit.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var graph []string
	for _, e := range m.Edges {
		graph = append(graph, e.From+"->"+e.To)
	}
	for _, c := range m.Clients {
		graph = append(graph, c.Name+"=>"+c.Target)
	}
	if got := strings.Join(graph, " "); got != "frontend->auth frontend->db loadgen=>frontend" {
		t.Errorf("fitted graph %q", got)
	}
	if len(m.Services) != 3 || m.Services[1].Name != "db" || m.Services[1].Time.Mean < 0.015 || m.Services[1].Time.Mean > 0.03 {
		t.Errorf("db's own time: %+v", m.Services)
	}
	src, files := fit.Scenario(m, "testbed")
	dir := t.TempDir()
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(dir, f.Name), f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	rep, err := fit.Compare(m, filepath.Join(dir, "testbed.toml"), src, nil)
	if err != nil {
		t.Fatalf("%v\n%s", err, src)
	}
	c := rep.Rows[0]
	if c.Kind != "client" || c.Sim.Throughput < 0.7*rate || c.Sim.Throughput > 1.3*rate {
		t.Errorf("simulated client %+v, measured %.1f calls/s", c, rate)
	}
}

// TestRunWithPrometheus scrapes the testbed with a real Prometheus server
// and checks its saved query_range answers.
func TestRunWithPrometheus(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: starts a Prometheus server")
	}
	needProm(t)
	dir := t.TempDir()
	var stderr bytes.Buffer
	res, err := runSystem(config{load: load{rate: 50, duration: 7 * time.Second, timeout: 2 * time.Second, attempts: 1, seed: 1}, out: dir, prom: true, stderr: &stderr})
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	if len(res.prom) != len(promQueries) {
		t.Fatalf("saved %v", res.prom)
	}
	b, err := os.ReadFile(filepath.Join(dir, "prom", "rate.json"))
	if err != nil {
		t.Fatal(err)
	}
	var ans struct {
		Status string
		Data   struct {
			ResultType string
			Result     []struct {
				Metric map[string]string
				Values [][2]any
			}
		}
	}
	if err := json.Unmarshal(b, &ans); err != nil {
		t.Fatal(err)
	}
	if ans.Status != "success" || ans.Data.ResultType != "matrix" || len(ans.Data.Result) != 3 {
		t.Errorf("rate.json: %s", b)
	}
}

func TestSlowFlag(t *testing.T) {
	s, err := parseSlow("30s+10s*4")
	if err != nil || s.at != 30*time.Second || s.length != 10*time.Second || s.factor != 4 {
		t.Errorf("parseSlow = %+v, %v", s, err)
	}
	for _, bad := range []string{"30s", "30s+10s", "x+10s*4", "30s+10s*y"} {
		if _, err := parseSlow(bad); err == nil {
			t.Errorf("parseSlow(%q) accepted", bad)
		}
	}
	c := config{load: load{rate: 1e6, duration: time.Second, timeout: time.Second, attempts: 1}}
	if err := c.check(); err == nil || !strings.Contains(err.Error(), "-rate") {
		t.Errorf("rate 1e6: %v", err)
	}
}

// TestOTLPStatus: the Go API's codes.Error (1) is OTLP's STATUS_CODE_ERROR
// (2), and a timeout's error.type reaches the file.
func TestOTLPStatus(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.jsonl")
	exp, err := newOTLPFile(path)
	if err != nil {
		t.Fatal(err)
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp))
	_, span := tp.Tracer("t").Start(context.Background(), "GET db")
	span.SetAttributes(attribute.String("error.type", "timeout"))
	span.SetStatus(codes.Error, "timeout")
	span.End()
	if err := tp.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := exp.close(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"status":{"message":"timeout","code":2}`) || !strings.Contains(string(b), `"error.type"`) {
		t.Errorf("OTLP JSON: %s", b)
	}
}
